/**
 * Special periods (holidays) without regressors: the models are fitted on a history where each holiday hour
 * is replaced by what a normal hour at that phase looked like (the mean of the non-holiday values one and two
 * seasons before and after), so one Thanksgiving does not bend the weekly pattern; the holiday's effect is
 * learned from the past holidays in the series as one factor (the ratio of what happened to what would have
 * happened), and applied to the holiday hours of the forecast. With no holiday in the history, the caller's
 * default factor applies (or none).
 */
import type { Band } from './augurs';

export type HolidayEffect = {
  kind: 'multiplicative' | 'additive';
  /** Multiplier (multiplicative) or shift (additive) applied to holiday hours. */
  value: number;
  /** Holiday hours in the history it was learned from (0: the caller's default). */
  learnedFromHours: number;
};

/** Fewer past holiday hours than this and the effect is not learned (half a day). */
export const MIN_HOLIDAY_HOURS = 12;

export type HolidayAdjustment = {
  /** History with holiday hours replaced by their counterfactual. */
  cleaned: Float64Array;
  effect: HolidayEffect | null;
};

/**
 * Replaces holiday hours in `y` by counterfactuals taken at ±period and ±2·period (non-holiday, observed
 * values only) and estimates the effect: ratio of sums when `multiplicative` (non-negative series), mean
 * difference otherwise.
 */
export function removeHolidays(
  y: Float64Array,
  observed: readonly boolean[],
  special: readonly boolean[],
  period: number,
  multiplicative: boolean,
): HolidayAdjustment {
  const n = y.length;
  const cleaned = Float64Array.from(y);
  let sumActual = 0;
  let sumCounterfactual = 0;
  let hours = 0;
  for (let t = 0; t < n; t++) {
    if (!special[t]) continue;
    let sum = 0;
    let count = 0;
    for (const u of [t - period, t + period, t - 2 * period, t + 2 * period]) {
      if (u >= 0 && u < n && observed[u] && !special[u]) {
        sum += y[u]!;
        count++;
      }
    }
    if (count === 0) continue;
    const counterfactual = sum / count;
    cleaned[t] = counterfactual;
    if (observed[t]) {
      sumActual += y[t]!;
      sumCounterfactual += counterfactual;
      hours++;
    }
  }
  if (hours < MIN_HOLIDAY_HOURS) return { cleaned, effect: null };
  if (multiplicative) {
    if (!(sumCounterfactual > 0)) return { cleaned, effect: null };
    return {
      cleaned,
      effect: { kind: 'multiplicative', value: sumActual / sumCounterfactual, learnedFromHours: hours },
    };
  }
  return {
    cleaned,
    effect: { kind: 'additive', value: (sumActual - sumCounterfactual) / hours, learnedFromHours: hours },
  };
}

/** Applies the effect to the forecast's holiday steps (point and both bounds). */
export function applyHolidayEffect(band: Band, special: readonly boolean[], effect: HolidayEffect): Band {
  const f = (v: number, i: number) =>
    special[i] ? (effect.kind === 'multiplicative' ? v * effect.value : v + effect.value) : v;
  return { mean: band.mean.map(f), lo: band.lo.map(f), hi: band.hi.map(f) };
}
