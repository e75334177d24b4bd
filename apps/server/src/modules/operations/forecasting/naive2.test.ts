import { describe, expect, it } from 'vitest';
import { acf, isSeasonal, multiplicativeSeasonalIndices, naive2, seasonalNaiveForecast } from './naive2';

describe('M4 benchmarks (hand-checked)', () => {
  it('acf divides the lag-k cross products by the full sum of squares', () => {
    // deviations from the mean 2: −1, 1, −1, 1, −1, 1; sum of squares 6
    const r = acf([1, 3, 1, 3, 1, 3], 2);
    expect(r[0]).toBeCloseTo(-5 / 6, 12);
    expect(r[1]).toBeCloseTo(4 / 6, 12);
  });

  it('the seasonality test compares |acf(m)| with 1.645·sqrt((1 + 2Σacf²)/n)', () => {
    // n = 6: |0.667| < 1.645/√6·√(1 + 2·25/36) = 1.038 → not seasonal
    expect(isSeasonal([1, 3, 1, 3, 1, 3], 2)).toBe(false);
    // n = 20: acf(1) = −0.95, acf(2) = 0.9 > 1.645/√20·√(1 + 2·0.9025) = 0.616 → seasonal
    expect(
      isSeasonal(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? 3 : 1)),
        2,
      ),
    ).toBe(true);
    // fewer than three seasons: never seasonal
    expect(isSeasonal([1, 3, 1, 3, 1], 2)).toBe(false);
  });

  it('classical multiplicative decomposition uses a centred 2×m moving average and indices of mean 1', () => {
    // every centred average of [2,4,6,8,…] is (½·2 + 4 + 6 + 8 + ½·2)/4 = 5: ratios 0.4, 0.8, 1.2, 1.6 by phase
    const idx = multiplicativeSeasonalIndices([2, 4, 6, 8, 2, 4, 6, 8], 4);
    expect(idx.map((v) => Number(v.toFixed(12)))).toEqual([0.4, 0.8, 1.2, 1.6]);
    // a trend: x = (10 + t)·s_phase with s = (0.5, 1.5); averages of order 2: ¼x_{t−1} + ½x_t + ¼x_{t+1}
    const x = Array.from({ length: 6 }, (_, t) => (10 + t) * (t % 2 ? 1.5 : 0.5));
    // t = 1: ¼·5 + ½·16.5 + ¼·6 = 11 → 16.5/11 = 1.5; t = 2: ¼·16.5 + ½·6 + ¼·19.5 = 12 → 0.5; …
    const two = multiplicativeSeasonalIndices(x, 2);
    expect(two[0]).toBeCloseTo(0.5, 10);
    expect(two[1]).toBeCloseTo(1.5, 10);
  });

  it('Naive2 re-seasonalises the last adjusted value when seasonal, and is the naive otherwise', () => {
    const x = [2, 4, 6, 8, 2, 4, 6, 8, 2, 4, 6, 8];
    // last adjusted value 8 / 1.6 = 5 → 5·(0.4, 0.8, 1.2, 1.6, 0.4)
    expect(naive2(x, 5, 4).map((v) => Number(v.toFixed(10)))).toEqual([2, 4, 6, 8, 2]);
    expect(naive2([5, 1, 4, 2, 3, 7], 3, 2)).toEqual([7, 7, 7]);
  });

  it('the seasonal naive repeats the last m values', () => {
    expect(seasonalNaiveForecast([9, 1, 2, 3], 5, 3)).toEqual([1, 2, 3, 1, 2]);
  });
});
