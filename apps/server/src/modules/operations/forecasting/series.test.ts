import { describe, expect, it } from 'vitest';
import { prepareSeries } from './series';

describe('prepareSeries', () => {
  it('drops leading gaps and fills others from the same phase of nearby seasons', () => {
    const raw = [NaN, NaN, 1, 5, 9, 1, NaN, 9, 1, 5, 9];
    const p = prepareSeries(raw, [3])!;
    expect(p.dropped).toBe(2);
    expect([...p.values]).toEqual([1, 5, 9, 1, 5, 9, 1, 5, 9]);
    expect(p.observed).toEqual([true, true, true, true, false, true, true, true, true]);
    expect(p.observedCount).toBe(8);
  });

  it('interpolates linearly without a season, and repeats the last value at the end', () => {
    const p = prepareSeries([2, NaN, NaN, 8, NaN], [])!;
    expect([...p.values]).toEqual([2, 4, 6, 8, 8]);
  });

  it('returns null when nothing is observed', () => {
    expect(prepareSeries([NaN, NaN], [24])).toBeNull();
    expect(prepareSeries([], [24])).toBeNull();
  });
});
