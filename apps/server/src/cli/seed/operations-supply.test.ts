import { describe, expect, it } from 'vitest';
import {
  generatePlantedDemand,
  healthyCapacity,
  HOLIDAY_FACTOR,
  isPlantedShortageHour,
  planAvailability,
  SHORTAGE_SHARE,
  TEST_PREP_FACTOR,
  weeklyProfileOf,
} from './operations-supply';

const END = Date.parse('2026-12-07T05:00:00Z'); // Monday 00:00 platform time
const H = 3_600_000;

describe('planted demand', () => {
  const demand = generatePlantedDemand({ seed: 3, end: END, days: 70 });

  it('is the same for the same seed, with a daily and weekly shape', () => {
    const again = generatePlantedDemand({ seed: 3, end: END, days: 70 });
    expect(again.series[0]!.values).toEqual(demand.series[0]!.values);
    const algebra = demand.series.find((s) => s.id === 'algebra-1')!;
    const at = (iso: string) => algebra.expected[(Date.parse(iso) - demand.start) / H]!;
    expect(at('2026-11-17T23:00:00Z')).toBeGreaterThan(4 * at('2026-11-17T13:00:00Z')); // Tue 18 h vs 8 h local
    expect(at('2026-11-17T08:00:00Z')).toBe(0); // 3 h local: closed
    expect(at('2026-11-17T23:00:00Z')).toBeGreaterThan(at('2026-11-21T23:00:00Z')); // Tuesday vs Saturday
  });

  it('plants school holidays and test-prep weeks', () => {
    const algebra = demand.series.find((s) => s.id === 'algebra-1')!;
    const sat = demand.series.find((s) => s.id === 'sat-math')!;
    const at = (s: typeof algebra, iso: string) => s.expected[(Date.parse(iso) - demand.start) / H]!;
    // Thanksgiving Thursday against the Thursday before (growth and day noise aside).
    expect(at(algebra, '2026-11-26T23:00:00Z') / at(algebra, '2026-11-19T23:00:00Z')).toBeCloseTo(
      HOLIDAY_FACTOR,
      1,
    );
    // SAT on 2026-12-05: the week before is a test-prep week for sat-math, not for algebra.
    const prep = at(sat, '2026-12-01T23:00:00Z') / at(sat, '2026-11-17T23:00:00Z');
    expect(prep).toBeGreaterThan(TEST_PREP_FACTOR * 0.85);
    expect(at(algebra, '2026-12-01T23:00:00Z') / at(algebra, '2026-11-17T23:00:00Z')).toBeLessThan(1.2);
  });
});

describe('planned availability', () => {
  const demand = generatePlantedDemand({ seed: 3, end: END, days: 70 });
  const profile = new Map(
    demand.series.map((s) => [
      s.id,
      weeklyProfileOf(demand.start, s.expected, { weeks: 8, holidays: demand.holidays }),
    ]),
  );
  const plan = planAvailability(profile, { seed: 5, count: 6, minDemand: 3 });

  it('covers a busy hour everywhere except in the planted windows, where it is cut to 40 % of the demand', () => {
    expect(plan.shortages).toHaveLength(6);
    expect(new Set(plan.shortages.map((s) => s.subject_id)).size).toBe(6);
    for (const [subject, e] of profile) {
      const cap = plan.capacity.get(subject)!;
      for (let i = 0; i < 168; i++) {
        // END is a Monday 00:00 in platform time: index i of the profile is END + i hours.
        const planted = isPlantedShortageHour(plan.shortages, subject, END + i * H);
        if (planted) expect(cap[i]).toBe(Math.floor(SHORTAGE_SHARE * e[i]!));
        else expect(cap[i]).toBe(healthyCapacity(e[i]!));
      }
    }
  });

  it('stacks tutors into contiguous weekly slots that add up to the capacity', () => {
    for (const [subject, cap] of plan.capacity) {
      const count = new Int32Array(168);
      for (const s of plan.slots.filter((x) => x.subjectId === subject)) {
        for (let h = Number(s.start.slice(0, 2)); h < Number(s.end.slice(0, 2)); h++)
          count[(s.weekday - 1) * 24 + h]!++;
      }
      expect([...count]).toEqual([...cap]);
    }
  });
});
