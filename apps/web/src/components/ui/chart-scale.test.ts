import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks } from './chart-scale';

describe('niceTicks', () => {
  it.each([
    { max: 7, integer: true, expected: [0, 2, 4, 6, 8] },
    { max: 13, integer: true, expected: [0, 5, 10, 15] },
    { max: 1, integer: true, expected: [0, 1] },
    { max: 3, integer: true, expected: [0, 1, 2, 3] },
    { max: 16, integer: true, expected: [0, 5, 10, 15, 20] },
    { max: 230, integer: true, expected: [0, 100, 200, 300] },
    { max: 0.37, integer: false, expected: [0, 0.1, 0.2, 0.3, 0.4] },
    { max: 9, integer: false, expected: [0, 2.5, 5, 7.5, 10] },
    { max: 0, integer: true, expected: [0, 1] },
    { max: Number.NaN, integer: false, expected: [0, 1] },
  ])('up to $max (integer: $integer) → $expected', ({ max, integer, expected }) => {
    expect(niceTicks(max, { integer })).toEqual(expected);
  });

  it('always reaches the maximum', () => {
    for (let max = 1; max < 500; max += 7)
      expect(niceTicks(max, { integer: true }).at(-1)).toBeGreaterThanOrEqual(max);
  });
});

describe('linearScale', () => {
  it('maps the domain onto the range, inverted ranges included', () => {
    const y = linearScale([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(75);
  });

  it('puts everything in the middle when the domain has no width', () => {
    expect(linearScale([3, 3], [0, 40])(3)).toBe(20);
  });
});
