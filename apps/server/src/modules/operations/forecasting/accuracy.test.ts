import { describe, expect, it } from 'vitest';
import { coverage, mae, mase, msis, owa, seasonalNaiveScale, smape } from './accuracy';

describe('M4 accuracy measures (hand-checked)', () => {
  it('sMAPE is the mean of 200·|y − f| / (|y| + |f|), 0 where both are 0', () => {
    // 200·2/(10+12) = 18.1818…, 200·0/… = 0, 200·5/(5+0) = 200, both 0 → 0
    expect(smape([10, 4, 5, 0], [12, 4, 0, 0])).toBeCloseTo((18.181818 + 0 + 200 + 0) / 4, 4);
  });

  it('the MASE scale is the mean |y_t − y_{t−m}| over t ≥ m', () => {
    // m = 2: |3−1|, |4−2|, |7−3|, |4−4| → (2 + 2 + 4 + 0) / 4 = 2
    expect(seasonalNaiveScale([1, 2, 3, 4, 7, 4], 2)).toBe(2);
    expect(mae([1, 2], [2, 4])).toBe(1.5);
    expect(mase([1, 2], [2, 4], 2)).toBe(0.75);
  });

  it('MSIS adds (2/α)·the miss to the width, divided by the scale', () => {
    // width 2 each; point 2 is 1 below lo → + 40·1; point 3 is 0.5 above hi → + 40·0.5
    const value = msis([1, -1, 3.5], [0, 0, 1], [2, 2, 3], 2, 0.05);
    expect(value).toBeCloseTo((2 + (2 + 40) + (2 + 20)) / 3 / 2, 10);
  });

  it('coverage counts points inside the bounds, bounds included', () => {
    expect(coverage([1, 2, 3, 4], [1, 0, 3.5, 0], [1, 1, 4, 10])).toBe(0.5);
  });

  it('OWA averages the sMAPE and MASE ratios to Naive2', () => {
    expect(owa(10, 1, 20, 4)).toBe((0.5 + 0.25) / 2);
  });
});
