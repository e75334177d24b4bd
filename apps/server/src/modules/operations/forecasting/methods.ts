/**
 * The candidate methods the engine chooses from, per series. Each turns a history into a point forecast with
 * a base interval whose *shape* matters (how it widens with the horizon, its asymmetry); its width is
 * recalibrated afterwards from rolling-origin validation errors (see validation.ts).
 *
 * - `snaive-m`: the value one season m ago (24: yesterday's same hour, 168: last week's).
 * - `smean-kxm`: the mean of the last k values at the same phase of season m (the last k weeks' same hour).
 * - `mstl`: MSTL over the seasons + AutoETS on the seasonally adjusted series (augurs).
 * - `mstl-log`, `mstl-bc`: the same on log1p(y) or a Box-Cox transform of y + 1 with Guerrero's λ, for
 *   non-negative series (counts), back-transformed (so the forecast is a median and its interval asymmetric).
 * - `ets`: AutoETS without season, and `naive` (the last value): for series given no usable season.
 * - `combo:a+b`: the mean of the members' points and of their bounds (quantile averaging).
 */
import { forecastAutoEts, forecastMstlEts, type Band } from './augurs';
import { boxCox1p, invBoxCox1p } from './transforms';

export type MethodContext = {
  /** Seasons usable on this history, ascending. */
  seasons: number[];
  /** Nominal level as a fraction, e.g. 0.95. */
  level: number;
  /** Box-Cox λ for `mstl-bc` (chosen once on the whole history). */
  lambda: number;
};

export type Method = {
  id: string;
  /** Shortest history this method runs on, given the context. */
  minLength: number;
  run(y: Float64Array, horizon: number, ctx: MethodContext): Band;
};

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('p must be in (0, 1)');
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628274631,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function rms(sum2: number, count: number): number {
  return count > 0 ? Math.sqrt(sum2 / count) : 0;
}

/** Mean of the last k values at the phase of step h (1-based) ahead, taken every m steps back from the end. */
function phaseMean(y: Float64Array, end: number, h: number, m: number, k: number): number {
  // The latest index < end with the same phase as end + h - 1.
  const target = end + h - 1;
  let i = target - Math.ceil((target - end + 1) / m) * m;
  let sum = 0;
  let count = 0;
  while (count < k && i >= 0) {
    sum += y[i]!;
    count++;
    i -= m;
  }
  return count > 0 ? sum / count : y[end - 1]!;
}

function symmetricBand(mean: number[], halfWidth: (h: number) => number): Band {
  return {
    mean,
    lo: mean.map((v, i) => v - halfWidth(i + 1)),
    hi: mean.map((v, i) => v + halfWidth(i + 1)),
  };
}

export function seasonalNaive(m: number): Method {
  return {
    id: `snaive-${m}`,
    minLength: 2 * m,
    run(y, horizon, ctx) {
      const n = y.length;
      let s2 = 0;
      for (let t = m; t < n; t++) s2 += (y[t]! - y[t - m]!) ** 2;
      const sigma = rms(s2, n - m);
      const z = normalQuantile(0.5 + ctx.level / 2);
      const mean = Array.from({ length: horizon }, (_, i) => phaseMean(y, n, i + 1, m, 1));
      return symmetricBand(mean, (h) => z * sigma * Math.sqrt(Math.ceil(h / m)));
    },
  };
}

export function seasonalMean(m: number, k: number): Method {
  return {
    id: `smean-${k}x${m}`,
    minLength: (k + 1) * m,
    run(y, horizon, ctx) {
      const n = y.length;
      let s2 = 0;
      let count = 0;
      for (let t = k * m; t < n; t++) {
        let sum = 0;
        for (let j = 1; j <= k; j++) sum += y[t - j * m]!;
        s2 += (y[t]! - sum / k) ** 2;
        count++;
      }
      const sigma = rms(s2, count);
      const z = normalQuantile(0.5 + ctx.level / 2);
      const mean = Array.from({ length: horizon }, (_, i) => phaseMean(y, n, i + 1, m, k));
      return symmetricBand(mean, (h) => z * sigma * Math.sqrt(Math.ceil(h / m)));
    },
  };
}

export const naive: Method = {
  id: 'naive',
  minLength: 2,
  run(y, horizon, ctx) {
    const n = y.length;
    let s2 = 0;
    for (let t = 1; t < n; t++) s2 += (y[t]! - y[t - 1]!) ** 2;
    const sigma = rms(s2, n - 1);
    const z = normalQuantile(0.5 + ctx.level / 2);
    return symmetricBand(new Array<number>(horizon).fill(y[n - 1]!), (h) => z * sigma * Math.sqrt(h));
  },
};

export const autoEts: Method = {
  id: 'ets',
  minLength: 10,
  run: (y, horizon, ctx) => forecastAutoEts(y, horizon, ctx.level),
};

/** MSTL + AutoETS on y, or on a Box-Cox transform of y + 1 (λ = 0: log1p; 'auto': the context's λ). */
export function mstlEts(transform: 'none' | 'log' | 'boxcox', longestSeason: number): Method {
  const id = transform === 'none' ? 'mstl' : transform === 'log' ? 'mstl-log' : 'mstl-bc';
  return {
    id,
    minLength: 2 * longestSeason,
    run(y, horizon, ctx) {
      const periods = ctx.seasons.filter((m) => 2 * m <= y.length);
      if (transform === 'none') return forecastMstlEts(y, periods, horizon, ctx.level);
      const lambda = transform === 'log' ? 0 : ctx.lambda;
      const z = y.map((v) => boxCox1p(v, lambda));
      const band = forecastMstlEts(z, periods, horizon, ctx.level);
      const back = (v: number) => invBoxCox1p(v, lambda);
      return { mean: band.mean.map(back), lo: band.lo.map(back), hi: band.hi.map(back) };
    },
  };
}

/** The id of a combination of base methods. */
export function comboId(members: string[]): string {
  return `combo:${members.join('+')}`;
}

/** Mean of the members' points and of their lower and upper bounds. */
export function combineBands(bands: Band[]): Band {
  const h = bands[0]!.mean.length;
  const avg = (pick: (b: Band) => number[]) =>
    Array.from({ length: h }, (_, i) => bands.reduce((s, b) => s + pick(b)[i]!, 0) / bands.length);
  return { mean: avg((b) => b.mean), lo: avg((b) => b.lo), hi: avg((b) => b.hi) };
}
