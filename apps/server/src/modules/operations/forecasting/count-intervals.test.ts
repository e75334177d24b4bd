import { describe, expect, it } from 'vitest';
import { createRng } from '../../../cli/seed/random';
import { countShape, forecastSeries } from './engine';

describe('count intervals', () => {
  it('keep each side’s average width and spread it in proportion to √(level + ¼)', () => {
    const band = { mean: [0, 4, 16], lo: [-3, 1, 13], hi: [3, 7, 19] };
    const out = countShape(band);
    const width = (b: typeof band) => b.hi.map((h, i) => h - b.mean[i]!);
    expect(width(out).reduce((a, b) => a + b, 0)).toBeCloseTo(9);
    const w = width(out);
    expect(w[2]! / w[1]!).toBeCloseTo(Math.sqrt(16.25) / Math.sqrt(4.25));
    expect(out.mean).toEqual(band.mean);
  });

  it('make a quiet hour’s interval narrower than a busy hour’s on Poisson counts', () => {
    const rng = createRng('count-intervals');
    // 8 weeks of hourly counts: 0.5 an hour at night, 20 in the evening.
    const values = Array.from({ length: 8 * 168 }, (_, i) =>
      rng.poisson(i % 24 >= 17 && i % 24 < 21 ? 20 : 0.5),
    );
    const opts = { horizon: 48, seasons: [24, 168], methods: ['smean-4x168'] };
    const plain = forecastSeries(values, opts);
    const counted = forecastSeries(values, { ...opts, countIntervals: true });
    const night = 3;
    const evening = 18;
    const width = (r: typeof plain, h: number) => r.hi[h]! - r.mean[h]!;
    expect(width(counted, night)).toBeLessThan(width(plain, night));
    expect(width(counted, evening) / width(counted, night)).toBeGreaterThan(2);
  });
});
