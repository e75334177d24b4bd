import { describe, expect, it } from 'vitest';
import { card, customerRiskCards, sessionVolumeCards, supplyCards } from './metric-cards';
import type { ForecastAccuracyDay } from './ports';

const NOW = new Date('2026-11-20T12:00:00Z'); // Friday

describe('card trend', () => {
  it.each([
    { value: 120, previous: 100, change: 20, pct: 20, direction: 'up' },
    { value: 80, previous: 100, change: -20, pct: -20, direction: 'down' },
    { value: 5, previous: 5, change: 0, pct: 0, direction: 'flat' },
    { value: 3, previous: 0, change: 3, pct: null, direction: 'up' },
    { value: null, previous: 4, change: null, pct: null, direction: null },
  ])('$value vs $previous', (c) => {
    const k = card({ key: 'k', label: 'K', unit: 'count', better_when: 'higher', period: 'p', ...c });
    expect([k.change, k.change_pct, k.direction]).toEqual([c.change, c.pct, c.direction]);
  });
});

describe('session volume cards', () => {
  it('compares today so far and this ISO week with the same spans a week earlier', async () => {
    const asked: string[] = [];
    const cards = await sessionVolumeCards({
      async sessionsBetween(from, to) {
        asked.push(`${from.toISOString()}..${to.toISOString()}`);
        return asked.length * 10;
      },
      tutorsFlaggedBetween: async () => 2,
    }).cards({ now: NOW });
    expect(asked).toEqual([
      '2026-11-20T00:00:00.000Z..2026-11-20T12:00:00.000Z',
      '2026-11-13T00:00:00.000Z..2026-11-13T12:00:00.000Z',
      '2026-11-16T00:00:00.000Z..2026-11-20T12:00:00.000Z',
      '2026-11-09T00:00:00.000Z..2026-11-13T12:00:00.000Z',
    ]);
    expect(cards.map((c) => [c.key, c.value, c.previous])).toEqual([
      ['sessions_today', 10, 20],
      ['sessions_this_week', 30, 40],
      ['tutors_flagged', 2, 2],
    ]);
  });
});

describe('cards of the capabilities wired at merge', () => {
  it('counts customers at high or critical risk now and a week ago', async () => {
    const [c] = await customerRiskCards({
      countByTier: async (at) =>
        at ? { low: 9, medium: 5, high: 3, critical: 1 } : { low: 9, medium: 4, high: 5, critical: 2 },
    }).cards({ now: NOW });
    expect(c).toMatchObject({ key: 'customers_at_risk', value: 7, previous: 4, direction: 'up' });
  });

  it('sums the shortage of the next 72 h and averages the latest day’s MASE', async () => {
    const day = (d: string, subject: string, mase: number): ForecastAccuracyDay => ({
      subject,
      subjectName: null,
      day: d,
      mae: 1,
      mase,
      coverage: 0.95,
      hours: 24,
    });
    const cards = await supplyCards({
      shortages: {
        listShortageHours: async () => [
          { subject: 'a', subjectName: null, hour: NOW, shortage: 2.5, demandUpper: 5, supply: 2.5 },
          { subject: 'b', subjectName: null, hour: NOW, shortage: -1, demandUpper: 1, supply: 2 },
        ],
      },
      accuracy: {
        listDailyAccuracy: async () => [
          day('2026-11-12', 'a', 1),
          day('2026-11-12', 'b', 0.8),
          day('2026-11-19', 'a', 1.2),
          day('2026-11-19', 'b', 1.0),
        ],
      },
    }).cards({ now: NOW });
    expect(cards.map((c) => [c.key, c.value, c.previous])).toEqual([
      ['shortage_sessions_72h', 2.5, null],
      ['forecast_mase', 1.1, 0.9],
    ]);
  });
});
