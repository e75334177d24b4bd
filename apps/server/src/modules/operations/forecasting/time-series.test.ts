import { describe, expect, it } from 'vitest';
import { ForecastInputError } from './engine';
import { forecastTimedSeries, holidayFlags, inferStep, toRegularGrid } from './time-series';

const H = 3_600_000;
const T0 = Date.parse('2025-03-03T00:00:00Z');

describe('toRegularGrid', () => {
  it('lays points on the most common step, with NaN in the gaps, whatever the input order', () => {
    const g = toRegularGrid([
      { timestamp: T0 + 4 * H, value: 5 },
      { timestamp: T0, value: 1 },
      { timestamp: T0 + H, value: 2 },
      { timestamp: T0 + 2 * H, value: 3 },
    ]);
    expect(g.start).toBe(T0);
    expect(g.stepMs).toBe(H);
    expect(g.values).toEqual([1, 2, 3, NaN, 5]);
  });

  it('refuses a point off the grid, and twice the same time', () => {
    expect(() =>
      toRegularGrid([
        { timestamp: T0, value: 1 },
        { timestamp: T0 + H, value: 1 },
        { timestamp: T0 + 2 * H, value: 1 },
        { timestamp: T0 + 2.5 * H, value: 1 },
      ]),
    ).toThrow(/2025-03-03T02:30:00.000Z is not on the series' grid \(a step of 1 h/);
    expect(() =>
      toRegularGrid(
        [
          { timestamp: T0, value: 1 },
          { timestamp: T0, value: 2 },
        ],
        H,
      ),
    ).toThrow(ForecastInputError);
  });

  it('refuses a grid of more than a million steps', () => {
    expect(() =>
      toRegularGrid([
        { timestamp: T0, value: 1 },
        { timestamp: T0 + H, value: 1 },
        { timestamp: T0 + 2 * H, value: 1 },
        { timestamp: T0 + 2_000_000 * H, value: 1 },
      ]),
    ).toThrow(/more than 1000000/);
  });

  it('infers the most common step, the smaller on a tie', () => {
    expect(inferStep([0, 10, 20, 40, 60, 80])).toBe(20);
    expect(inferStep([0, 10, 30])).toBe(10);
  });
});

describe('holidayFlags', () => {
  it('flags the hours of each date in the given time zone', () => {
    const stamps = Array.from({ length: 72 }, (_, i) => Date.parse('2025-12-24T00:00:00Z') + i * H);
    const flags = holidayFlags(stamps, { dates: ['2025-12-25'], timeZone: 'America/New_York' });
    // Christmas in New York runs from 05:00Z on the 25th to 05:00Z on the 26th.
    expect(flags.filter(Boolean)).toHaveLength(24);
    expect(new Date(stamps[flags.indexOf(true)]!).toISOString()).toBe('2025-12-25T05:00:00.000Z');
    expect(holidayFlags(stamps, { dates: ['2025-12-25'] }).indexOf(true)).toBe(24);
  });

  it('refuses a malformed date or an unknown time zone', () => {
    expect(() => holidayFlags([T0], { dates: ['25/12/2025'] })).toThrow(/not a date like 2025-12-25/);
    expect(() => holidayFlags([T0], { dates: ['2025-12-25'], timeZone: 'Mars/Olympus' })).toThrow(
      /unknown time zone/,
    );
  });
});

describe('forecastTimedSeries', () => {
  it('returns the timestamps of the forecast steps after the last point', () => {
    const points = Array.from({ length: 24 * 21 }, (_, i) => ({
      timestamp: T0 + i * H,
      value: 10 + (i % 24),
    }));
    const r = forecastTimedSeries(points, { horizon: 3, seasons: [24] });
    const last = T0 + (24 * 21 - 1) * H;
    expect(r.timestamps).toEqual([last + H, last + 2 * H, last + 3 * H]);
    expect(r.mean.map(Math.round)).toEqual([10, 11, 12]);
  });
});
