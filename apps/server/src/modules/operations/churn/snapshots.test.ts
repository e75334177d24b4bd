import { describe, expect, it } from 'vitest';
import { generateChurnPopulation } from '../../../cli/seed/churn-population';
import { DAY, HOUR, emptyHistory, knownAt, sessionBefore } from './churn-test-data';
import { computeFeatures, toFeatureRow } from './features';
import type { CustomerHistory } from './history';
import { buildSnapshots, cutoffSchedule, hasChurnedAfter, isActiveAt, planTimeSplit } from './snapshots';

const T = new Date('2026-06-01T00:00:00Z');
const at = (ms: number) => new Date(T.getTime() + ms);
/** A completed session that ends exactly at `end`. */
const endingAt = (end: Date, over = {}) => ({
  ...sessionBefore(T, 0),
  startsAt: new Date(end.getTime() - HOUR),
  endsAt: end,
  ...over,
});

describe('isActiveAt', () => {
  it.each([
    { name: 'a session ending exactly 60 days before', end: at(-60 * DAY), active: false },
    { name: 'a session ending just inside 60 days', end: at(-60 * DAY + 1), active: true },
    { name: 'a session ending exactly at the cut-off', end: T, active: true },
    { name: 'a session ending just after the cut-off', end: at(1), active: false },
  ])('$name → active: $active', ({ end, active }) => {
    expect(isActiveAt(emptyHistory({ sessions: [endingAt(end)] }), T)).toBe(active);
  });

  it('needs a completed session, and a customer who had signed up', () => {
    expect(
      isActiveAt(emptyHistory({ sessions: [endingAt(at(-DAY), { status: 'student_no_show' })] }), T),
    ).toBe(false);
    expect(isActiveAt(emptyHistory({ signedUpAt: at(1), sessions: [endingAt(at(-DAY))] }), T)).toBe(false);
  });
});

describe('hasChurnedAfter', () => {
  it.each([
    { name: 'a session ending at the cut-off belongs to the features, not the label', end: T, churned: true },
    { name: 'a session just after the cut-off', end: at(1), churned: false },
    { name: 'a session ending exactly 60 days after', end: at(60 * DAY), churned: false },
    { name: 'a session ending a millisecond past 60 days', end: at(60 * DAY + 1), churned: true },
  ])('$name → churned: $churned', ({ end, churned }) => {
    expect(hasChurnedAfter(emptyHistory({ sessions: [endingAt(end)] }), T)).toBe(churned);
  });

  it('counts only completed sessions as staying', () => {
    const h = emptyHistory({
      sessions: [
        endingAt(at(5 * DAY), { status: 'tutor_no_show' }),
        endingAt(at(9 * DAY), { status: 'cancelled' }),
      ],
    });
    expect(hasChurnedAfter(h, T)).toBe(true);
  });
});

describe('buildSnapshots', () => {
  const pop = generateChurnPopulation({ seed: 5, customers: 300, days: 400 });
  const cutoffs = [200, 150, 100, 60].map((d) => new Date(pop.end.getTime() - d * DAY));

  it('refuses a cut-off whose 60-day label window is not fully observed', () => {
    expect(() =>
      buildSnapshots(pop.customers, [new Date(pop.end.getTime() - 59 * DAY)], { observedUntil: pop.end }),
    ).toThrow(/observed until/);
  });

  it('gives one row per customer active at each cut-off, oldest cut-off first', () => {
    const snapshots = buildSnapshots(pop.customers, [...cutoffs].reverse(), { observedUntil: pop.end });
    for (const c of cutoffs) {
      const active = pop.customers.filter((h) => isActiveAt(h, c)).map((h) => h.customerId);
      expect(snapshots.filter((s) => s.cutoff.getTime() === c.getTime()).map((s) => s.customerId)).toEqual(
        active,
      );
    }
    const times = snapshots.map((s) => s.cutoff.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(snapshots.some((s) => s.churned) && snapshots.some((s) => !s.churned)).toBe(true);
  });

  it('never lets a feature see past its cut-off, nor a label past its horizon', () => {
    // Traps after each cut-off: a session in the label window decides the label; everything later must not.
    const snapshots = buildSnapshots(pop.customers, cutoffs, { observedUntil: pop.end });
    const byId = new Map(pop.customers.map((h) => [h.customerId, h]));
    for (const s of snapshots) {
      const h = byId.get(s.customerId)!;
      expect(s.features).toEqual(computeFeatures(knownAt(h, s.cutoff), s.cutoff));
      expect(Array.from(s.row)).toEqual(Array.from(toFeatureRow(s.features)));
      const horizonEnd = new Date(s.cutoff.getTime() + 60 * DAY);
      expect(s.churned).toBe(hasChurnedAfter(knownAt(h, horizonEnd), s.cutoff));
    }
  });

  it('labels a customer who returns only after the horizon as churned, whatever they do later', () => {
    const h: CustomerHistory = emptyHistory({
      signedUpAt: at(-100 * DAY),
      sessions: [endingAt(at(-3 * DAY)), endingAt(at(61 * DAY)), endingAt(at(62 * DAY))],
      supportCalls: [{ at: at(DAY) }],
    });
    const [s] = buildSnapshots([h], [T], { observedUntil: at(100 * DAY) });
    expect(s?.churned).toBe(true);
    expect(s?.features.support_calls_90d).toBe(0);
    expect(s?.features.days_since_last_session).toBe(3);
  });
});

describe('cutoffSchedule and planTimeSplit', () => {
  const observedUntil = new Date('2026-12-01T00:00:00Z');
  const cutoffs = cutoffSchedule({
    firstCutoff: new Date('2026-01-01T00:00:00Z'),
    observedUntil,
    stepDays: 14,
  });

  it('steps back from the last cut-off whose label window is complete', () => {
    expect(cutoffs.at(-1)).toEqual(new Date(observedUntil.getTime() - 60 * DAY));
    for (let i = 1; i < cutoffs.length; i++)
      expect(cutoffs[i]!.getTime() - cutoffs[i - 1]!.getTime()).toBe(14 * DAY);
    expect(cutoffs[0]!.getTime()).toBeGreaterThanOrEqual(new Date('2026-01-01T00:00:00Z').getTime());
  });

  it('trains only on cut-offs whose labels end by the holdout, and validates later than it fits', () => {
    const split = planTimeSplit(cutoffs, { trainingWindowDays: 180 });
    expect(split.holdout).toEqual([cutoffs.at(-1)]);
    const holdoutStart = split.holdout[0]!.getTime();
    for (const c of split.train) expect(c.getTime() + 60 * DAY).toBeLessThanOrEqual(holdoutStart);
    expect(split.train.at(-1)!.getTime() - split.train[0]!.getTime()).toBeLessThanOrEqual(180 * DAY);
    expect(split.validation).toEqual([split.train.at(-1)]);
    for (const c of split.innerTrain)
      expect(c.getTime() + 60 * DAY).toBeLessThanOrEqual(split.validation[0]!.getTime());
    // the cut-offs between the last training one and the holdout are skipped: their labels reach into it
    expect(split.train.at(-1)!.getTime()).toBe(holdoutStart - 70 * DAY);
  });

  it('refuses too few cut-offs', () => {
    expect(() => planTimeSplit(cutoffs.slice(-4))).toThrow(/too few/);
    expect(() => planTimeSplit(cutoffs.slice(-1))).toThrow(/too few/);
  });
});
