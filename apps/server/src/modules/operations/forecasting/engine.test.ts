import { describe, expect, it } from 'vitest';
import { createRng } from '../../../cli/seed/random';
import { forecastSeries, ForecastInputError, selectionScale, zeroWhereAlwaysZero } from './engine';

const TAU = 2 * Math.PI;
/** A daily and a weekly wave around 50 (hourly steps). */
const truth = (t: number) =>
  50 + 10 * Math.sin((TAU * t) / 24) + 6 * Math.cos((TAU * t) / 168) + (t % 168 < 24 ? 8 : 0);

function noisy(n: number, sd: number, seed: number): number[] {
  const rng = createRng(`engine-test/${seed}`);
  return Array.from({ length: n }, (_, t) => truth(t) + rng.normal(0, sd));
}

function maeVsTruth(mean: number[], start: number): number {
  return mean.reduce((s, v, h) => s + Math.abs(v - truth(start + h)), 0) / mean.length;
}

describe('forecastSeries', () => {
  it('recovers a known daily and weekly pattern', () => {
    const n = 24 * 7 * 8;
    const y = noisy(n, 1, 1);
    const r = forecastSeries(y, { horizon: 168, seasons: [24, 168] });
    expect(r.mean).toHaveLength(168);
    // The noise has sd 1 (mean absolute deviation 0.8): a forecast that knew the pattern errs less than that.
    expect(maeVsTruth(r.mean, n)).toBeLessThan(0.8);
    expect(r.seasons).toEqual([24, 168]);
    expect(r.origins).toEqual([n - 168, n - 336]);
    expect(r.candidates.map((c) => c.id)).toContain('mstl');
    // The Monday bump (the weekly season) is in the forecast: first 24 hours higher than the next 24.
    const day = (d: number) => r.mean.slice(24 * d, 24 * d + 24).reduce((a, b) => a + b, 0) / 24;
    expect(day(0) - day(1)).toBeGreaterThan(5);
  });

  it('covers about 95 % of future values on Gaussian noise of known variance', { timeout: 120_000 }, () => {
    let inside = 0;
    let total = 0;
    let widthSum = 0;
    for (let seed = 0; seed < 12; seed++) {
      const n = 24 * 7 * 5;
      const all = noisy(n + 48, 2, 100 + seed);
      const r = forecastSeries(all.slice(0, n), { horizon: 48, seasons: [24, 168] });
      for (let h = 0; h < 48; h++) {
        total++;
        if (all[n + h]! >= r.lo[h]! && all[n + h]! <= r.hi[h]!) inside++;
        widthSum += r.hi[h]! - r.lo[h]!;
      }
    }
    expect(inside / total).toBeGreaterThan(0.9);
    expect(inside / total).toBeLessThan(0.99);
    // The ideal 95 % interval is ±1.96·2 wide (7.8): calibration should not buy coverage with a huge interval.
    expect(widthSum / total).toBeLessThan(7.8 * 1.6);
  });

  it('never forecasts a negative count, on sparse counts with many zeros', () => {
    const rng = createRng('engine-test/sparse');
    const y = Array.from({ length: 24 * 7 * 6 }, (_, t) =>
      rng.poisson(t % 24 >= 17 && t % 24 <= 20 ? 1.5 : 0.05),
    );
    const r = forecastSeries(y, { horizon: 168 });
    expect(r.nonNegative).toBe(true);
    for (const v of [...r.mean, ...r.lo, ...r.hi]) expect(v).toBeGreaterThanOrEqual(0);
    for (let h = 0; h < 168; h++) expect(r.lo[h]!).toBeLessThanOrEqual(r.mean[h]!);
    // Evenings stay above nights.
    expect(r.mean[18]!).toBeGreaterThan(r.mean[3]!);
  });

  it('keeps negative values allowed when the series has them', () => {
    const y = noisy(24 * 7 * 4, 1, 3).map((v) => v - 60);
    const r = forecastSeries(y, { horizon: 24, seasons: [24] });
    expect(r.nonNegative).toBe(false);
    expect(Math.min(...r.mean)).toBeLessThan(0);
  });

  it('forecasts a constant series as that constant, and an all-zero series as zero', () => {
    const r = forecastSeries(new Array(500).fill(7), { horizon: 10 });
    expect(r.method).toBe('constant');
    expect(r.mean).toEqual(new Array(10).fill(7));
    expect(r.lo).toEqual(r.mean);
    expect(r.hi).toEqual(r.mean);
    expect(forecastSeries(new Array(400).fill(0), { horizon: 5 }).hi).toEqual([0, 0, 0, 0, 0]);
  });

  it('handles a short history: drops the seasons it cannot see twice, says so, and still forecasts', () => {
    const y = noisy(100, 1, 4);
    const r = forecastSeries(y, { horizon: 48, seasons: [24, 168] });
    expect(r.mean).toHaveLength(48);
    expect(r.notes.join(' ')).toMatch(/too short for season 168/);
    expect(r.seasons).toEqual([24]);
    for (const v of [...r.mean, ...r.lo, ...r.hi]) expect(Number.isFinite(v)).toBe(true);

    const tiny = forecastSeries([3, 5, 4], { horizon: 4 });
    expect(tiny.method).toBe('naive');
    expect(tiny.mean).toEqual([4, 4, 4, 4]);
    expect(tiny.notes.join(' ')).toMatch(/too short to validate/);
    expect(forecastSeries([9], { horizon: 2 }).mean).toEqual([9, 9]);
  });

  it('fills gaps (NaN) and leading NaNs without losing the pattern', () => {
    const n = 24 * 7 * 6;
    const y = noisy(n, 1, 5);
    const rng = createRng('gaps');
    const holed = y.map((v, t) => (t < 30 || (t > 400 && t < 430) || rng.bernoulli(0.1) ? Number.NaN : v));
    holed[n - 1] = Number.NaN; // the last value is missing too
    const r = forecastSeries(holed, { horizon: 48 });
    expect(r.notes.join(' ')).toMatch(/missing values filled/);
    expect(maeVsTruth(r.mean, n)).toBeLessThan(1.2);
  });

  it('refuses bad options with a ForecastInputError', () => {
    const y = noisy(400, 1, 6);
    expect(() => forecastSeries(y, { horizon: 0 })).toThrow(ForecastInputError);
    expect(() => forecastSeries(y, { horizon: 2.5 })).toThrow(/horizon/);
    expect(() => forecastSeries(y, { horizon: 5, level: 100 })).toThrow(/level/);
    expect(() => forecastSeries(y, { horizon: 5, seasons: [1] })).toThrow(/season 1/);
    expect(() => forecastSeries([NaN, NaN], { horizon: 5 })).toThrow(/no observed value/);
    expect(() => forecastSeries(y, { horizon: 5, holidays: { history: [true], future: [] } })).toThrow(
      /holiday flags/,
    );
    expect(() => forecastSeries(y, { horizon: 5, methods: ['nope'] })).toThrow(/none of the methods/);
  });

  it('restricts the candidates to the methods asked for, and reports validation figures for each', () => {
    const y = noisy(24 * 7 * 4, 1, 7);
    const r = forecastSeries(y, { horizon: 24, methods: ['snaive-24', 'smean-2x168'] });
    expect(r.candidates.map((c) => c.id)).toEqual(['snaive-24', 'smean-2x168']);
    expect(['snaive-24', 'smean-2x168']).toContain(r.method);
    for (const c of r.candidates) {
      expect(c.mae).toBeGreaterThan(0);
      expect(c.intervalScale).toBeGreaterThan(0);
    }
    expect(r.validationPoints).toBe(96); // 4 windows of 24
  });
});

describe('selectionScale', () => {
  it('scores each window with the candidate the other windows would have chosen', () => {
    const w = (abs: number, score: number) => ({ absErrors: [abs], smapes: [0], scores: [score] });
    // B is best overall (MAE 3.5 vs 5.5), but each window is judged by the choice made without it:
    // window 0 → chosen on window 1 → B (2 < 10) → B's score 2; window 1 → chosen on window 0 → A → 3.
    const a = [w(1, 0.5), w(10, 3)];
    const b = [w(5, 2), w(2, 1)];
    expect(selectionScale([b, a], 2, 0.5)).toBe(3);
    expect(selectionScale([b, a], 2, 0.3)).toBe(2);
    // One window: the best candidate's own scores.
    expect(selectionScale([[w(1, 0.7)]], 1, 0.5)).toBe(0.7);
  });
});

describe('zeroWhereAlwaysZero', () => {
  const band = { mean: [1, 2, 3, 4], lo: [0.5, 1, 1, 1], hi: [3, 4, 5, 6] };

  it('forecasts 0 at the phases that were 0 in each of the last 4 seasons, keeping the upper bound', () => {
    // m = 2: even positions always 0; the steps 8..11 fall on phases 0, 1, 0, 1.
    expect(zeroWhereAlwaysZero(band, [0, 5, 0, 6, 0, 7, 0, 8], 2)).toEqual({
      mean: [0, 2, 0, 4],
      lo: [0, 1, 0, 1],
      hi: [3, 4, 5, 6],
    });
  });

  it('leaves the band alone when one of those values was not 0, or the history is too short', () => {
    expect(zeroWhereAlwaysZero(band, [0, 5, 1, 6, 0, 7, 0, 8], 2)).toBe(band);
    expect(zeroWhereAlwaysZero(band, [0, 5, 0, 6, 0, 7], 2)).toBe(band);
    expect(zeroWhereAlwaysZero(band, [0, 0, 0, 0, 0, 0, 0, 0], undefined)).toBe(band);
  });
});

describe('holidays', () => {
  /** Weekly-patterned counts where the given days (0-based) run at `factor` of normal demand. */
  function demand(days: number, holidayDays: number[], factor: number, seed: number) {
    const rng = createRng(`holidays/${seed}`);
    const expected: number[] = [];
    const values: number[] = [];
    const flags: boolean[] = [];
    for (let t = 0; t < days * 24; t++) {
      const day = Math.floor(t / 24);
      const base = (t % 24 >= 15 ? 30 : 8) * (day % 7 < 5 ? 1.2 : 0.6);
      const isHoliday = holidayDays.includes(day);
      expected.push(base * (isHoliday ? factor : 1));
      values.push(rng.poisson(base * (isHoliday ? factor : 1)));
      flags.push(isHoliday);
    }
    return { expected, values, flags };
  }

  it('learns the effect of past holidays and applies it to a future one, leaving normal hours alone', () => {
    const historyDays = 63;
    const d = demand(historyDays + 7, [15, 36, historyDays + 2], 0.3, 1);
    const n = historyDays * 24;
    const r = forecastSeries(d.values.slice(0, n), {
      horizon: 168,
      holidays: { history: d.flags.slice(0, n), future: d.flags.slice(n) },
    });
    expect(r.holidayEffect?.kind).toBe('multiplicative');
    expect(r.holidayEffect!.value).toBeGreaterThan(0.2);
    expect(r.holidayEffect!.value).toBeLessThan(0.4);
    expect(r.holidayEffect!.learnedFromHours).toBe(48);
    const hol = (xs: number[]) => xs.slice(48, 72).reduce((a, b) => a + b, 0);
    const expectedFuture = d.expected.slice(n);
    // The holiday's forecast total is within 25 % of what was planted (about 30 % of a normal day).
    expect(Math.abs(hol(r.mean) / hol(expectedFuture) - 1)).toBeLessThan(0.25);
    // A normal day is forecast at its normal level, not dragged down by past holidays.
    const normal = (xs: number[]) => xs.slice(72, 96).reduce((a, b) => a + b, 0);
    expect(Math.abs(normal(r.mean) / normal(expectedFuture) - 1)).toBeLessThan(0.15);

    // Without the calendar, the holiday is forecast as a normal day.
    const blind = forecastSeries(d.values.slice(0, n), { horizon: 168 });
    expect(hol(blind.mean) / hol(expectedFuture)).toBeGreaterThan(2);
  });

  it('uses the default effect when the history holds no holiday', () => {
    const d = demand(49, [45], 0.3, 2);
    const n = 42 * 24;
    const r = forecastSeries(d.values.slice(0, n), {
      horizon: 168,
      holidays: { history: d.flags.slice(0, n), future: d.flags.slice(n), defaultEffect: 0.5 },
    });
    expect(r.holidayEffect).toEqual({ kind: 'multiplicative', value: 0.5, learnedFromHours: 0 });
    const without = forecastSeries(d.values.slice(0, n), { horizon: 168 });
    const day3 = (xs: number[]) => xs.slice(72, 96).reduce((a, b) => a + b, 0);
    expect(day3(r.mean) / day3(without.mean)).toBeCloseTo(0.5, 5);
  });
});
