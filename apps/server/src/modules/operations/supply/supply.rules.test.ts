import { describe, expect, it } from 'vitest';
import {
  availabilityByHour,
  expectedSupply,
  findImbalances,
  localToUtc,
  reliability,
  severityOf,
  type HourBalance,
} from './supply.rules';

const H = 3_600_000;

describe('localToUtc', () => {
  it.each([
    { date: '2026-01-15', clock: '16:00', tz: 'America/New_York', utc: '2026-01-15T21:00:00.000Z' },
    { date: '2026-07-15', clock: '16:00', tz: 'America/New_York', utc: '2026-07-15T20:00:00.000Z' },
    { date: '2026-03-08', clock: '03:30', tz: 'America/New_York', utc: '2026-03-08T07:30:00.000Z' },
    { date: '2026-01-15', clock: '24:00', tz: 'UTC', utc: '2026-01-16T00:00:00.000Z' },
    { date: '2026-01-15', clock: '09:00', tz: 'Asia/Kolkata', utc: '2026-01-15T03:30:00.000Z' },
  ])('$date $clock in $tz', ({ date, clock, tz, utc }) => {
    expect(new Date(localToUtc(date, clock, tz)).toISOString()).toBe(utc);
  });
});

describe('availabilityByHour', () => {
  const from = Date.parse('2026-11-16T00:00:00Z'); // a Monday
  it('lays weekly slots on the hours, in the tutor’s zone, with partial hours', () => {
    const out = availabilityByHour(
      [
        {
          tutorId: 't',
          subjectId: 'm',
          weekday: 1,
          start: '11:30',
          end: '13:00',
          timeZone: 'America/New_York',
        },
      ],
      [],
      { from, hours: 48 },
    );
    const share = out.get('m')!.get('t')!;
    // 11:30–13:00 New York (UTC−5) = 16:30–18:00 UTC on Monday.
    expect(share[16]).toBe(0.5);
    expect(share[17]).toBe(1);
    expect(share[18]).toBe(0);
    expect(share.reduce((a, b) => a + b, 0)).toBe(1.5);
  });

  it('applies time off (all subjects, whole day or a range) and extra hours', () => {
    const slots = [
      { tutorId: 't', subjectId: 'm', weekday: 1, start: '10:00', end: '14:00', timeZone: 'UTC' },
      { tutorId: 't', subjectId: 'c', weekday: 2, start: '10:00', end: '14:00', timeZone: 'UTC' },
    ];
    const out = availabilityByHour(
      slots,
      [
        {
          tutorId: 't',
          subjectId: null,
          date: '2026-11-17',
          start: null,
          end: null,
          available: false,
          timeZone: 'UTC',
        },
        {
          tutorId: 't',
          subjectId: 'm',
          date: '2026-11-16',
          start: '11:00',
          end: '12:00',
          available: false,
          timeZone: 'UTC',
        },
        {
          tutorId: 't',
          subjectId: 'm',
          date: '2026-11-18',
          start: '08:00',
          end: '09:00',
          available: true,
          timeZone: 'UTC',
        },
      ],
      { from, hours: 72 },
    );
    const m = out.get('m')!.get('t')!;
    expect([10, 11, 12, 13].map((h) => m[h])).toEqual([1, 0, 1, 1]);
    expect(m[48 + 8]).toBe(1);
    const c = out.get('c')!.get('t')!;
    expect(c.reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe('reliability', () => {
  it('shrinks small samples toward the population and discounts no-shows and cancellations', () => {
    const pop = { noShowRate: 0.01, cancelRate: 0.05 };
    expect(
      reliability({ sessions: 0, joined: 0, bookings: 0, tutorCancellations: 0 }, pop).factor,
    ).toBeCloseTo(0.94);
    const bad = reliability({ sessions: 200, joined: 160, bookings: 200, tutorCancellations: 20 }, pop);
    expect(bad.noShowRate).toBeCloseTo((40 + 0.2) / 220);
    expect(bad.factor).toBeLessThan(0.75);
    const supply = expectedSupply(new Map([['a', Float64Array.from([1, 0.5, 0])]]), () => 0.9, 3);
    expect([...supply.expected]).toEqual([0.9, 0.45, 0]);
    expect([...supply.tutors]).toEqual([1, 1, 0]);
  });
});

describe('imbalances', () => {
  it.each([
    { demandMean: 6, demandHi: 9, supply: 2, expect: 'critical' },
    { demandMean: 6, demandHi: 9, supply: 5, expect: 'high' },
    { demandMean: 4, demandHi: 8, supply: 5, expect: 'medium' },
    { demandMean: 4, demandHi: 6, supply: 5, expect: 'low' },
    { demandMean: 0.5, demandHi: 2, supply: 0, expect: 'high' },
  ])('mean $demandMean, hi $demandHi, supply $supply → $expect', ({ expect: e, ...h }) => {
    expect(severityOf(h)).toBe(e);
  });

  it('merges contiguous short hours, keeps the worst severity and ignores small gaps under the minimum', () => {
    const hours: HourBalance[] = [
      { demandMean: 2, demandHi: 4, supply: 5 },
      { demandMean: 4, demandHi: 7, supply: 5 },
      { demandMean: 6, demandHi: 9, supply: 2 },
      { demandMean: 3, demandHi: 5.2, supply: 5 },
      { demandMean: 1, demandHi: 3, supply: 0 },
    ].map((h, i) => ({ ...h, hour: i * H }));
    const found = findImbalances(hours);
    expect(found).toEqual([
      expect.objectContaining({
        startHour: H,
        endHour: 3 * H,
        hours: 2,
        peakShortage: 7,
        totalShortage: 9,
        severity: 'critical',
      }),
      expect.objectContaining({ startHour: 4 * H, endHour: 5 * H, hours: 1, severity: 'critical' }),
    ]);
  });
});
