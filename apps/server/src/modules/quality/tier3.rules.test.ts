import { describe, expect, it } from 'vitest';
import { EMPTY_COUNTS } from './metrics';
import type { WindowCounts } from './scoring';
import { DEFAULT_POPULATION } from './scoring';
import {
  assignPeerGroups,
  churnRisk,
  decideDirection,
  directionFromCounts,
  mostFrequent,
  percentileRanks,
  TIER3_RULES,
  volumeChange,
  type ChurnInput,
  type DirectionInput,
} from './tier3.rules';

const base: DirectionInput = {
  sessions7: 10,
  recentScore7: 80,
  sessions30: 40,
  recentScore30: 80,
  sessions90: 120,
  baselineScore: 80,
};

describe('decideDirection', () => {
  it.each([
    { name: 'equal scores', input: {}, expect: { value: 'stable', basis: '7d_vs_90d', delta: 0 } },
    {
      name: 'up by the dead band',
      input: { recentScore7: 85 },
      expect: { value: 'improving', basis: '7d_vs_90d', delta: 5 },
    },
    {
      name: 'inside the dead band',
      input: { recentScore7: 84 },
      expect: { value: 'stable', basis: '7d_vs_90d', delta: 4 },
    },
    {
      name: 'down by the dead band',
      input: { recentScore7: 75 },
      expect: { value: 'declining', basis: '7d_vs_90d', delta: -5 },
    },
    {
      name: 'too few sessions in 7 days: the 30-day window decides',
      input: { sessions7: 4, recentScore7: 99, recentScore30: 60 },
      expect: { value: 'declining', basis: '30d_vs_90d', delta: -20 },
    },
    {
      name: 'too few sessions in 7 and 30 days',
      input: { sessions7: 2, sessions30: 7, recentScore30: 10 },
      expect: { value: 'stable', basis: 'insufficient_data', delta: null },
    },
    {
      name: 'too few sessions in 90 days',
      input: { sessions90: 9, recentScore7: 10 },
      expect: { value: 'stable', basis: 'insufficient_data', delta: null },
    },
    {
      name: 'no baseline',
      input: { baselineScore: null, sessions90: 0 },
      expect: { value: 'stable', basis: 'insufficient_data', delta: null },
    },
  ])('$name → $expect.value', ({ input, expect: want }) => {
    const r = decideDirection({ ...base, ...input });
    expect({ value: r.value, basis: r.basis, delta: r.delta }).toEqual(want);
  });
});

const counts = (over: Partial<WindowCounts>): WindowCounts => ({ ...EMPTY_COUNTS, ...over });
/** n sessions, all joined by both, `late` late, `noShows` missed, rated `rating` on every attended one. */
function sessionsOf(n: number, o: { late?: number; noShows?: number; rating?: number } = {}): WindowCounts {
  const noShows = o.noShows ?? 0;
  const joined = n - noShows;
  return counts({
    sessions: n,
    joined,
    bothJoined: joined,
    noShows,
    late: o.late ?? 0,
    rated: joined,
    ratingSum: joined * (o.rating ?? 5),
  });
}
const add = (a: WindowCounts, b: WindowCounts): WindowCounts =>
  Object.fromEntries(
    Object.keys(a).map((k) => [k, a[k as keyof WindowCounts] + b[k as keyof WindowCounts]]),
  ) as WindowCounts;

describe('directionFromCounts', () => {
  it('identical windows compare equal, whatever the tutor’s level (no shrinkage artefact)', () => {
    const weak = sessionsOf(30, { late: 12, noShows: 3, rating: 3 });
    const r = directionFromCounts({ c7: weak, c30: weak, c90: weak }, DEFAULT_POPULATION);
    expect(r).toMatchObject({ value: 'stable', delta: 0 });
  });

  it('a bad last week after a good quarter is declining; a good week after a bad quarter is improving', () => {
    const goodPast = sessionsOf(80);
    const badWeek = sessionsOf(10, { late: 5, noShows: 2, rating: 2 });
    const down = directionFromCounts(
      { c7: badWeek, c30: add(badWeek, sessionsOf(20)), c90: add(goodPast, badWeek) },
      DEFAULT_POPULATION,
    );
    expect(down.value).toBe('declining');
    const badPast = sessionsOf(80, { late: 30, noShows: 8, rating: 3 });
    const goodWeek = sessionsOf(10);
    const up = directionFromCounts(
      { c7: goodWeek, c30: add(goodWeek, sessionsOf(20)), c90: add(badPast, goodWeek) },
      DEFAULT_POPULATION,
    );
    expect(up.value).toBe('improving');
  });
});

describe('percentileRanks', () => {
  it.each([
    { scores: [], expect: [] },
    { scores: [70], expect: [50] },
    { scores: [10, 20], expect: [0, 100] },
    { scores: [10, 20, 30, 40, 50], expect: [0, 25, 50, 75, 100] },
    { scores: [50, 10, 50, 90], expect: [50, 0, 50, 100] },
    { scores: [60, 60, 60], expect: [50, 50, 50] },
  ])('$scores → $expect', ({ scores, expect: want }) => {
    const ranks = percentileRanks(scores.map((score, i) => ({ id: String(i), score })));
    expect(scores.map((_, i) => ranks.get(String(i)))).toEqual(want);
  });
});

describe('assignPeerGroups', () => {
  const tutors = [
    ...['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => ({ id, subject: 'math', ranked: true })),
    { id: 'm6', subject: 'math', ranked: false },
    ...['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, subject: 'art', ranked: true })),
    { id: 'a5', subject: 'art', ranked: false },
    { id: 'x', subject: null, ranked: true },
  ];
  const groups = assignPeerGroups(tutors);

  it.each([
    { id: 'm1', expect: { group: 'math', size: 5 } },
    { id: 'm6', expect: { group: 'math', size: 5 } },
    { id: 'a1', expect: { group: 'all', size: 10 } },
    { id: 'a5', expect: { group: 'all', size: 10 } },
    { id: 'x', expect: { group: 'all', size: 10 } },
  ])('$id → $expect.group ($expect.size)', ({ id, expect: want }) => {
    expect(groups.get(id)).toEqual(want);
  });

  it('uses the configured minimum group size', () => {
    const strict = assignPeerGroups(tutors, { ...TIER3_RULES.percentile, minGroupSize: 6 });
    expect(strict.get('m1')).toEqual({ group: 'all', size: 10 });
  });
});

describe('mostFrequent', () => {
  it.each([
    { counts: [], expect: null },
    {
      counts: [
        { subject: 'math', n: 3 },
        { subject: 'art', n: 5 },
      ],
      expect: 'art',
    },
    {
      counts: [
        { subject: 'math', n: 4 },
        { subject: 'art', n: 4 },
      ],
      expect: 'art',
    },
  ])('$expect', ({ counts: c, expect: want }) => expect(mostFrequent(c)).toBe(want));
});

describe('volumeChange', () => {
  it.each([
    { s30: 30, prior: 60, expect: 0 },
    { s30: 15, prior: 60, expect: -0.5 },
    { s30: 40, prior: 40, expect: 1 },
    { s30: 5, prior: 0, expect: null },
  ])('$s30 vs $prior → $expect', ({ s30, prior, expect: want }) =>
    expect(volumeChange(s30, prior)).toBe(want),
  );
});

const steady: ChurnInput = {
  direction: 'stable',
  sessions30: 30,
  priorSessions60: 60,
  daysSinceLastSession: 1,
  avgRating: 4.7,
  ratingTrend: 'stable',
  tutorRescheduleRate: 0.02,
  noShowRate: 0.005,
  openCriticalFlags: 0,
  openHighFlags: 0,
};

describe('churnRisk', () => {
  const value = (i: ChurnInput, f: string) => churnRisk(i).factors.find((x) => x.factor === f)!.value;

  it('a steady tutor is low risk (≈3 % a month) and 90 days ≥ 30 days', () => {
    const r = churnRisk(steady);
    expect(r.risk30).toBeGreaterThan(0.02);
    expect(r.risk30).toBeLessThan(0.06);
    expect(r.risk90).toBeCloseTo(1 - (1 - r.risk30) ** 3, 3);
  });

  it.each([
    { name: 'declining', input: { direction: 'declining' as const }, factor: 'declining_trend', value: 1 },
    {
      name: 'improving lowers risk',
      input: { direction: 'improving' as const },
      factor: 'declining_trend',
      value: -0.5,
    },
    { name: 'volume halved', input: { sessions30: 15 }, factor: 'volume_drop', value: 0.5 },
    { name: 'stopped teaching', input: { sessions30: 0 }, factor: 'volume_drop', value: 1 },
    { name: 'volume up is no drop', input: { sessions30: 45 }, factor: 'volume_drop', value: 0 },
    {
      name: 'too little history for a drop',
      input: { sessions30: 0, priorSessions60: 3 },
      factor: 'volume_drop',
      value: 0,
    },
    { name: 'a week idle', input: { daysSinceLastSession: 7 }, factor: 'inactivity', value: 0 },
    { name: 'four weeks idle', input: { daysSinceLastSession: 28 }, factor: 'inactivity', value: 1 },
    { name: 'never taught', input: { daysSinceLastSession: null }, factor: 'inactivity', value: 1 },
    { name: '3.75 stars', input: { avgRating: 3.75 }, factor: 'low_rating', value: 0.5 },
    {
      name: 'ratings falling',
      input: { ratingTrend: 'declining' as const },
      factor: 'declining_rating',
      value: 1,
    },
    { name: '15 % reschedules', input: { tutorRescheduleRate: 0.15 }, factor: 'reschedule_rate', value: 0.5 },
    { name: '30 % no-shows', input: { noShowRate: 0.3 }, factor: 'no_shows', value: 1 },
    { name: 'one critical flag', input: { openCriticalFlags: 1 }, factor: 'critical_flags', value: 0.5 },
    { name: 'two high flags', input: { openHighFlags: 2 }, factor: 'critical_flags', value: 0.5 },
  ])('$name → $factor = $value', ({ input, factor, value: want }) => {
    expect(value({ ...steady, ...input }, factor)).toBe(want);
  });

  it('a declining, low-volume, poorly rated tutor is far riskier than a steady one', () => {
    const risky = churnRisk({
      ...steady,
      direction: 'declining',
      sessions30: 8,
      daysSinceLastSession: 12,
      avgRating: 3.8,
      ratingTrend: 'declining',
    });
    const calm = churnRisk(steady);
    expect(risky.risk30).toBeGreaterThan(0.3);
    expect(risky.risk30).toBeGreaterThan(calm.risk30 * 5);
    expect(risky.risk90).toBeGreaterThan(risky.risk30);
    // Factors come largest contribution first.
    const contributions = risky.factors.map((f) => f.weight * f.value);
    expect(contributions).toEqual([...contributions].sort((a, b) => b - a));
    expect(risky.factors[0]!.factor).toBe('volume_drop');
  });

  it('stays within 0–1 at the extremes', () => {
    const worst = churnRisk({
      ...steady,
      direction: 'declining',
      sessions30: 0,
      daysSinceLastSession: null,
      avgRating: 1,
      ratingTrend: 'declining',
      tutorRescheduleRate: 1,
      noShowRate: 1,
      openCriticalFlags: 5,
    });
    expect(worst.risk30).toBeLessThanOrEqual(1);
    expect(worst.risk30).toBeGreaterThan(0.99);
  });
});
