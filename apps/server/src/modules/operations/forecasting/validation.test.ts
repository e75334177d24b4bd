import { describe, expect, it } from 'vitest';
import { conformalScale, intervalScore, rollingOrigins, scaleBand, windowErrors } from './validation';

describe('rolling-origin validation', () => {
  it('places back-to-back windows ending at the end of the history, none shorter than minTrain', () => {
    expect(rollingOrigins(700, 48, 3, 336)).toEqual([652, 604, 556]);
    expect(rollingOrigins(500, 48, 5, 336)).toEqual([452, 404, 356]);
    expect(rollingOrigins(300, 48, 3, 336)).toEqual([]);
  });

  it('scores an actual against its side of the band', () => {
    expect(intervalScore(12, 10, 8, 14)).toBe(0.5);
    expect(intervalScore(6, 10, 8, 14)).toBe(2);
    expect(intervalScore(10, 10, 10, 10)).toBe(0);
    expect(intervalScore(11, 10, 10, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('the conformal scale is the ⌈(N+1)·level⌉-th smallest score', () => {
    const scores = Array.from({ length: 99 }, (_, i) => (i + 1) / 100); // 0.01 … 0.99
    // ⌈100·0.95⌉ = 95 → 0.95
    expect(conformalScale(scores, 0.95)).toBe(0.95);
    // too few scores for the rank: the largest
    expect(conformalScale([0.2, 0.4, 3], 0.95)).toBe(3);
  });

  it('scaling a band multiplies each side by the factor, keeping asymmetry', () => {
    expect(scaleBand({ mean: [10], lo: [8], hi: [14] }, 1.5)).toEqual({ mean: [10], lo: [7], hi: [16] });
  });

  it('skips points marked unusable', () => {
    const w = windowErrors(
      { mean: [1, 2, 3], lo: [0, 1, 2], hi: [2, 3, 4] },
      [2, 100, 3],
      [true, false, true],
    );
    expect(w.absErrors).toEqual([1, 0]);
    expect(w.scores).toEqual([1, 0]);
  });
});
