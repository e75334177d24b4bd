/**
 * Forecast accuracy as the M4 competition measures it (the definitions of its own R code), plus interval
 * coverage. Shared by `eval:forecast` and, later, the daily comparison of forecasts with what happened.
 */

/** sMAPE in percent: mean of 200·|y − f| / (|y| + |f|); a point where both are 0 counts as 0. */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denom = Math.abs(actual[i]!) + Math.abs(forecast[i]!);
    sum += denom === 0 ? 0 : (200 * Math.abs(actual[i]! - forecast[i]!)) / denom;
  }
  return sum / actual.length;
}

/** MASE's denominator: the in-sample mean absolute error of the seasonal naive (mean over t ≥ m of |y_t − y_{t−m}|). */
export function seasonalNaiveScale(insample: ArrayLike<number>, m: number): number {
  let sum = 0;
  let count = 0;
  for (let t = m; t < insample.length; t++) {
    const d = insample[t]! - insample[t - m]!;
    if (Number.isNaN(d)) continue;
    sum += Math.abs(d);
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / actual.length;
}

/** MASE: MAE of the forecast divided by `scale` (seasonalNaiveScale of the history). */
export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): number {
  return mae(actual, forecast) / scale;
}

/**
 * MSIS (M4, α = 1 − level): mean over points of (hi − lo) + (2/α)(lo − y)[y < lo] + (2/α)(y − hi)[y > hi],
 * divided by `scale`.
 */
export function msis(
  actual: ArrayLike<number>,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  scale: number,
  alpha = 0.05,
): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    sum += hi[i]! - lo[i]!;
    if (y < lo[i]!) sum += (2 / alpha) * (lo[i]! - y);
    if (y > hi[i]!) sum += (2 / alpha) * (y - hi[i]!);
  }
  return sum / actual.length / scale;
}

/** Share of points with lo ≤ y ≤ hi. */
export function coverage(actual: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lo[i]! && actual[i]! <= hi[i]!) inside++;
  return inside / actual.length;
}

/** OWA: the mean of the method's sMAPE and MASE relative to Naive2's, each already averaged over all series. */
export function owa(
  smapeMethod: number,
  maseMethod: number,
  smapeNaive2: number,
  maseNaive2: number,
): number {
  return (smapeMethod / smapeNaive2 + maseMethod / maseNaive2) / 2;
}
