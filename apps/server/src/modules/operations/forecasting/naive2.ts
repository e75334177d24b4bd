/**
 * The M4 competition's benchmarks, as its R code defines them: Naive2 (naive on the series adjusted by a
 * classical multiplicative decomposition, when a 90 % autocorrelation test finds it seasonal) and the
 * seasonal naive. Used by the evaluation as the yardsticks OWA is measured against.
 */

/** Sample autocorrelations at lags 1..maxLag (R's acf: sums over n − k pairs divided by the full sum of squares). */
export function acf(x: ArrayLike<number>, maxLag: number): number[] {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let denom = 0;
  for (let i = 0; i < n; i++) denom += (x[i]! - mean) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let num = 0;
    for (let t = 0; t + k < n; t++) num += (x[t]! - mean) * (x[t + k]! - mean);
    out.push(denom === 0 ? 0 : num / denom);
  }
  return out;
}

/**
 * M4's SeasonalityTest: seasonal when the series has at least 3 periods and
 * |acf(m)| > 1.645 · sqrt((1 + 2 Σ_{k<m} acf(k)²) / n).
 */
export function isSeasonal(x: ArrayLike<number>, m: number): boolean {
  const n = x.length;
  if (m <= 1 || n < 3 * m) return false;
  const r = acf(x, m);
  let sum = 0;
  for (let k = 1; k < m; k++) sum += r[k - 1]! ** 2;
  const limit = (1.645 / Math.sqrt(n)) * Math.sqrt(1 + 2 * sum);
  return Math.abs(r[m - 1]!) > limit;
}

/**
 * Seasonal indices of R's decompose(type = "multiplicative"): a centred moving average of order m (for even
 * m, weights ½, 1, …, 1, ½ over m + 1 values), ratios x / trend averaged by phase (phase 0 = the first value),
 * normalised to mean 1. Returns the m indices.
 */
export function multiplicativeSeasonalIndices(x: ArrayLike<number>, m: number): number[] {
  const n = x.length;
  const half = Math.floor(m / 2);
  const weights =
    m % 2 === 0
      ? Array.from({ length: m + 1 }, (_, j) => (j === 0 || j === m ? 0.5 : 1) / m)
      : new Array<number>(m).fill(1 / m);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t + (weights.length - 1 - half) < n; t++) {
    let trend = 0;
    for (let j = 0; j < weights.length; j++) trend += weights[j]! * x[t - half + j]!;
    sums[t % m]! += x[t]! / trend;
    counts[t % m]!++;
  }
  const figure = sums.map((s, i) => s / counts[i]!);
  const avg = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((f) => f / avg);
}

/** Naive2: the last seasonally adjusted value, times the seasonal index of each future step. */
export function naive2(insample: ArrayLike<number>, horizon: number, m: number): number[] {
  const n = insample.length;
  if (!isSeasonal(insample, m)) return new Array<number>(horizon).fill(insample[n - 1]!);
  const idx = multiplicativeSeasonalIndices(insample, m);
  const last = insample[n - 1]! / idx[(n - 1) % m]!;
  return Array.from({ length: horizon }, (_, h) => last * idx[(n + h) % m]!);
}

/** Seasonal naive: the value one season m before each future step (the last m values repeated). */
export function seasonalNaiveForecast(insample: ArrayLike<number>, horizon: number, m: number): number[] {
  const n = insample.length;
  return Array.from({ length: horizon }, (_, h) => insample[n - m + (h % m)]!);
}
