/**
 * Variance-stabilising transforms for non-negative series: Box-Cox of y + 1 with λ in [0, 1] (λ = 0 is
 * log1p, λ = 1 the identity shifted by one). The shift keeps zeros (empty hours) finite; on large values it
 * changes nothing. λ is chosen by Guerrero's method (the default of R's forecast::BoxCox.lambda): the λ that
 * makes the ratio sd / mean^(1−λ) most constant across consecutive seasons.
 */

export function boxCox1p(y: number, lambda: number): number {
  const x = y + 1;
  return lambda === 0 ? Math.log(x) : (Math.pow(x, lambda) - 1) / lambda;
}

/** Inverse of boxCox1p; values past the transform's range map to 0 (the series is non-negative). */
export function invBoxCox1p(z: number, lambda: number): number {
  if (lambda === 0) return Math.max(0, Math.expm1(z));
  const base = lambda * z + 1;
  return base <= 0 ? 0 : Math.max(0, Math.pow(base, 1 / lambda) - 1);
}

/**
 * Guerrero's λ on a grid of 0.05 over [0, 1], with subseries of `period` values (the last whole ones).
 * Returns 1 (no transform) when there are fewer than two subseries or the series is flat.
 */
export function guerreroLambda(y: ArrayLike<number>, period: number): number {
  const p = Math.max(2, Math.round(period));
  const groups = Math.floor(y.length / p);
  if (groups < 2) return 1;
  const start = y.length - groups * p;
  const means: number[] = [];
  const sds: number[] = [];
  for (let g = 0; g < groups; g++) {
    let sum = 0;
    for (let i = 0; i < p; i++) sum += y[start + g * p + i]! + 1;
    const mean = sum / p;
    let ss = 0;
    for (let i = 0; i < p; i++) ss += (y[start + g * p + i]! + 1 - mean) ** 2;
    means.push(mean);
    sds.push(Math.sqrt(ss / (p - 1)));
  }
  let best = 1;
  let bestCv = Number.POSITIVE_INFINITY;
  for (let k = 0; k <= 20; k++) {
    const lambda = k / 20;
    const ratios = sds.map((sd, g) => sd / Math.pow(means[g]!, 1 - lambda));
    const m = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    if (!(m > 0)) continue;
    const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - m) ** 2, 0) / (ratios.length - 1));
    const cv = sd / m;
    // Ties (e.g. exact proportionality) keep the smaller λ found first; a strict gain is needed to move on.
    if (cv < bestCv - 1e-12) {
      bestCv = cv;
      best = lambda;
    }
  }
  return best;
}
