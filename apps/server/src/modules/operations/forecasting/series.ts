/**
 * Getting a raw series ready for the models: missing values (NaN) are filled from the same phase of nearby
 * seasons, so MSTL sees a regular series, and the positions that were filled are remembered so no validation
 * error is ever computed against an invented value.
 */

export type PreparedSeries = {
  /** Finite values, missing ones filled. Leading missing values are dropped. */
  values: Float64Array;
  /** Whether each value was observed (false: filled in). */
  observed: boolean[];
  /** How many leading missing values were dropped. */
  dropped: number;
  observedCount: number;
};

/**
 * Fills each missing value with the mean of the observed values at the same phase one to three seasons
 * before and after (longest season first); where there are none, interpolates linearly between the nearest
 * observed neighbours (or repeats the nearest one at an end). Returns null when nothing is observed.
 */
export function prepareSeries(raw: ArrayLike<number>, seasons: number[]): PreparedSeries | null {
  let first = 0;
  while (first < raw.length && !Number.isFinite(raw[first]!)) first++;
  if (first === raw.length) return null;
  const n = raw.length - first;
  const values = new Float64Array(n);
  const observed: boolean[] = new Array<boolean>(n);
  let observedCount = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[first + i]!;
    observed[i] = Number.isFinite(v);
    values[i] = observed[i] ? v : Number.NaN;
    if (observed[i]) observedCount++;
  }
  if (observedCount === n) return { values, observed, dropped: first, observedCount };

  const byLength = [...seasons].filter((m) => m >= 2 && m < n).sort((a, b) => b - a);
  const filled = Float64Array.from(values);
  for (let t = 0; t < n; t++) {
    if (observed[t]) continue;
    for (const m of byLength) {
      let sum = 0;
      let count = 0;
      for (let k = 1; k <= 3; k++) {
        for (const u of [t - k * m, t + k * m]) {
          if (u >= 0 && u < n && observed[u]) {
            sum += values[u]!;
            count++;
          }
        }
      }
      if (count > 0) {
        filled[t] = sum / count;
        break;
      }
    }
  }
  // What the seasons could not fill: linear between observed neighbours.
  let prev = -1;
  for (let t = 0; t < n; t++) {
    if (!Number.isNaN(filled[t]!)) {
      if (observed[t]) prev = t;
      continue;
    }
    let next = t + 1;
    while (next < n && !observed[next]) next++;
    if (prev < 0) filled[t] = values[next]!;
    else if (next >= n) filled[t] = values[prev]!;
    else filled[t] = values[prev]! + ((values[next]! - values[prev]!) * (t - prev)) / (next - prev);
  }
  return { values: filled, observed, dropped: first, observedCount };
}
