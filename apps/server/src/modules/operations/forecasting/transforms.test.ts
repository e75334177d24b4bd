import { describe, expect, it } from 'vitest';
import { boxCox1p, guerreroLambda, invBoxCox1p } from './transforms';

describe('Box-Cox of y + 1', () => {
  it.each([0, 0.25, 0.5, 1])('λ = %s inverts exactly, zeros included', (lambda) => {
    for (const y of [0, 0.5, 3, 120, 9000])
      expect(invBoxCox1p(boxCox1p(y, lambda), lambda)).toBeCloseTo(y, 8);
  });

  it('λ = 0 is log1p, and out-of-range values map to 0', () => {
    expect(boxCox1p(Math.E - 1, 0)).toBeCloseTo(1, 12);
    expect(invBoxCox1p(-10, 0.5)).toBe(0);
    expect(invBoxCox1p(-100, 0)).toBe(0);
  });

  it("Guerrero's λ is near 0 when the spread grows with the level, and 1 when it does not", () => {
    const period = 24;
    // Day levels 100, 300, 900, 200, …; the daily pattern either scales with the level or does not.
    const level = (t: number) => [100, 300, 900, 200][Math.floor(t / period) % 4]!;
    const wave = (t: number) => Math.sin((2 * Math.PI * t) / period);
    const mult = Array.from({ length: 24 * 40 }, (_, t) => level(t) * (1 + 0.5 * wave(t)));
    expect(guerreroLambda(mult, period)).toBeLessThanOrEqual(0.05);
    const add = Array.from({ length: 24 * 40 }, (_, t) => level(t) + 30 * wave(t));
    expect(guerreroLambda(add, period)).toBeGreaterThanOrEqual(0.95);
  });

  it('falls back to 1 with fewer than two seasons', () => {
    expect(guerreroLambda([1, 2, 3], 24)).toBe(1);
  });
});
