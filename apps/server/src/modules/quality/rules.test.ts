import { describe, expect, it } from 'vitest';
import {
  evaluatePatterns,
  evaluateSession,
  flagForFinding,
  binomialUpperTail,
  decideAutoResolution,
  isRateAbove,
  wilsonLower,
  type PatternCounts,
  type WindowTally,
  type SessionFacts,
} from './rules';
import { QUALITY_THRESHOLDS } from './thresholds';

const START = new Date('2026-11-20T17:00:00Z');
const at = (min: number) => new Date(START.getTime() + min * 60_000);
const base: SessionFacts = {
  sessionId: 'ses_1',
  tutorId: 'tut_1',
  start: START,
  end: at(60),
  tutorJoin: at(-2),
  studentJoin: at(0),
  tutorLeave: at(60),
  studentLeave: at(60),
  isFirstSession: false,
  studentRating: 5,
  wasRescheduled: false,
  rescheduledBy: null,
};
const types = (s: Partial<SessionFacts>) =>
  evaluateSession({ ...base, ...s }).map((f) => ({
    type: f.type,
    severity: f.severity,
    ...(f.minutes !== null ? { minutes: f.minutes } : {}),
  }));

describe('evaluateSession', () => {
  it.each([
    { name: 'a clean session', s: {}, expect: [] },
    {
      name: 'tutor no-show',
      s: { tutorJoin: null, tutorLeave: null },
      expect: [{ type: 'tutor_no_show', severity: 'critical' }],
    },
    {
      name: 'nobody joined: still the tutor’s no-show',
      s: { tutorJoin: null, tutorLeave: null, studentJoin: null, studentLeave: null },
      expect: [{ type: 'tutor_no_show', severity: 'critical' }],
    },
    {
      name: 'student no-show is recorded, not blamed',
      s: { studentJoin: null, studentLeave: null, tutorLeave: at(20) },
      expect: [{ type: 'student_no_show', severity: 'low' }],
    },
    { name: 'late by 4 min', s: { tutorJoin: at(4) }, expect: [] },
    { name: 'late by exactly 5 min', s: { tutorJoin: at(5) }, expect: [] },
    {
      name: 'late by 12 min',
      s: { tutorJoin: at(12) },
      expect: [{ type: 'tutor_late', severity: 'medium', minutes: 12 }],
    },
    {
      name: 'late by 25 min',
      s: { tutorJoin: at(25) },
      expect: [{ type: 'tutor_late', severity: 'high', minutes: 25 }],
    },
    { name: 'left 8 min early', s: { tutorLeave: at(52), studentLeave: at(52) }, expect: [] },
    {
      name: 'left 15 min early',
      s: { tutorLeave: at(45), studentLeave: at(45) },
      expect: [{ type: 'session_ended_early', severity: 'medium', minutes: 15 }],
    },
    {
      name: 'left 30 min early',
      s: { tutorLeave: at(30), studentLeave: at(60) },
      expect: [{ type: 'session_ended_early', severity: 'high', minutes: 30 }],
    },
    {
      name: 'student left first: not the tutor’s early end',
      s: { studentLeave: at(30), tutorLeave: at(35) },
      expect: [],
    },
    {
      name: 'poor first session (2/5)',
      s: { isFirstSession: true, studentRating: 2 },
      expect: [{ type: 'poor_first_session', severity: 'high' }],
    },
    { name: 'first session rated 3 is fine', s: { isFirstSession: true, studentRating: 3 }, expect: [] },
    { name: 'a 1/5 on a regular session is no first-session flag', s: { studentRating: 1 }, expect: [] },
    {
      name: 'tutor-initiated reschedule',
      s: { wasRescheduled: true, rescheduledBy: 'tutor' },
      expect: [{ type: 'tutor_rescheduled', severity: 'low' }],
    },
    {
      name: 'student-initiated reschedule',
      s: { wasRescheduled: true, rescheduledBy: 'student' },
      expect: [],
    },
    {
      name: 'late and early together',
      s: { tutorJoin: at(22), tutorLeave: at(40), studentLeave: at(60) },
      expect: [
        { type: 'tutor_late', severity: 'high', minutes: 22 },
        { type: 'session_ended_early', severity: 'medium', minutes: 20 }, // exactly 20 is not > 20
      ],
    },
  ] as Array<{ name: string; s: Partial<SessionFacts>; expect: unknown[] }>)(
    '$name',
    ({ s, expect: want }) => {
      expect(types(s)).toEqual(want);
    },
  );

  it('honours other thresholds passed in', () => {
    const strict = { ...QUALITY_THRESHOLDS, lateMinutes: 2 };
    expect(evaluateSession({ ...base, tutorJoin: at(3) }, strict).map((f) => f.type)).toEqual(['tutor_late']);
  });

  it('turns incidents into flag decisions, but not student no-shows', () => {
    const [late] = evaluateSession({ ...base, tutorJoin: at(12) });
    expect(flagForFinding(late!, base)).toMatchObject({
      type: 'tutor_late',
      severity: 'medium',
      metrics: { minutes_late: 12 },
    });
    const [studentNoShow] = evaluateSession({ ...base, studentJoin: null, studentLeave: null });
    expect(flagForFinding(studentNoShow!, base)).toBeNull();
  });
});

describe('evaluatePatterns', () => {
  const clean: PatternCounts = {
    sessions30: 100,
    joined30: 100,
    bothJoined30: 97,
    noShows30: 0,
    late30: 3,
    earlyEnds30: 2,
    tutorReschedules30: 5,
    firstRated90: 10,
    poorFirst90: 0,
  };
  const flagTypes = (c: Partial<PatternCounts>) =>
    evaluatePatterns({ ...clean, ...c }).map((d) => `${d.type}:${d.severity}`);

  it.each([
    { name: 'a typical tutor', c: {}, expect: [] },
    {
      name: 'reschedules at 16 %: above 15 % on paper, not with confidence',
      c: { tutorReschedules30: 16 },
      expect: [],
    },
    { name: 'reschedules at 24 %', c: { tutorReschedules30: 24 }, expect: ['high_reschedule_rate:medium'] },
    { name: 'reschedules at 30 %', c: { tutorReschedules30: 30 }, expect: ['high_reschedule_rate:high'] },
    {
      name: '3 reschedules in the first 8 sessions (too few to judge)',
      c: { sessions30: 8, joined30: 8, bothJoined30: 8, late30: 0, earlyEnds30: 0, tutorReschedules30: 3 },
      expect: [],
    },
    {
      name: '5 reschedules in the first 20 sessions (25 %, not with confidence)',
      c: { sessions30: 20, joined30: 20, bothJoined30: 20, late30: 0, earlyEnds30: 0, tutorReschedules30: 5 },
      expect: [],
    },
    {
      name: '8 reschedules in 20 sessions (40 %, confidently above 15 %)',
      c: { sessions30: 20, joined30: 20, bothJoined30: 20, late30: 0, earlyEnds30: 0, tutorReschedules30: 8 },
      expect: ['high_reschedule_rate:high'],
    },
    {
      name: '8 reschedules in 19 sessions (too few to judge)',
      c: { sessions30: 19, joined30: 19, bothJoined30: 19, late30: 0, earlyEnds30: 0, tutorReschedules30: 8 },
      expect: [],
    },
    {
      name: '27 reschedules in 131 sessions (21 %, p = 0.051: not significant at 0.05)',
      c: { sessions30: 131, joined30: 131, bothJoined30: 131, tutorReschedules30: 27 },
      expect: [],
    },
    {
      name: '28 reschedules in 131 sessions (21 %, p = 0.032)',
      c: { sessions30: 131, joined30: 131, bothJoined30: 131, tutorReschedules30: 28 },
      expect: ['high_reschedule_rate:medium'],
    },
    {
      name: '22 reschedules in 100 sessions (p = 0.039)',
      c: { tutorReschedules30: 22 },
      expect: ['high_reschedule_rate:medium'],
    },
    {
      name: 'too few sessions to judge a rate',
      c: { sessions30: 4, joined30: 4, bothJoined30: 4, tutorReschedules30: 3 },
      expect: [],
    },
    { name: 'one no-show in 100', c: { noShows30: 1, joined30: 99 }, expect: [] },
    { name: '6 no-shows in 100 (not confidently above 5 %)', c: { noShows30: 6, joined30: 94 }, expect: [] },
    { name: '10 no-shows in 100', c: { noShows30: 10, joined30: 90 }, expect: ['chronic_no_show:critical'] },
    {
      name: '25 no-shows in 300',
      c: { sessions30: 300, noShows30: 25, joined30: 275, bothJoined30: 270 },
      expect: ['chronic_no_show:high'],
    },
    { name: 'late 25 % of the time (not confidently above 20 %)', c: { late30: 25 }, expect: [] },
    { name: 'late 45 % of the time', c: { late30: 45 }, expect: ['chronic_lateness:high'] },
    { name: 'late 32 % of the time', c: { late30: 32 }, expect: ['chronic_lateness:medium'] },
    { name: 'early 28 % of attended sessions', c: { earlyEnds30: 27 }, expect: ['chronic_early_end:medium'] },
    { name: 'one poor first session of two', c: { firstRated90: 2, poorFirst90: 1 }, expect: [] },
    { name: 'two poor first sessions of two (too few)', c: { firstRated90: 2, poorFirst90: 2 }, expect: [] },
    {
      name: 'three poor first sessions of three',
      c: { firstRated90: 3, poorFirst90: 3 },
      expect: ['repeated_poor_first_sessions:high'],
    },
    { name: 'three poor first sessions of five', c: { firstRated90: 5, poorFirst90: 3 }, expect: [] },
    {
      name: 'five poor first sessions of six',
      c: { firstRated90: 6, poorFirst90: 5 },
      expect: ['repeated_poor_first_sessions:high'],
    },
  ])('$name', ({ c, expect: want }) => {
    expect(flagTypes(c)).toEqual(want);
  });

  it('explains itself with the numbers', () => {
    const [d] = evaluatePatterns({ ...clean, tutorReschedules30: 28 });
    expect(d!.description).toContain('28.0%');
    expect(d!.metrics).toMatchObject({ tutor_reschedules_30d: 28, sessions_30d: 100 });
    expect(d!.recommendedAction.length).toBeGreaterThan(10);
  });
});

describe('binomialUpperTail', () => {
  // Reference values: exact sums with rational arithmetic (Python fractions).
  it.each([
    { k: 8, n: 20, p: 0.15, want: 0.005921145564281992 },
    { k: 7, n: 20, p: 0.15, want: 0.02193510085684512 },
    { k: 5, n: 20, p: 0.15, want: 0.1701531537313462 },
    { k: 27, n: 131, p: 0.15, want: 0.051230868400825275 },
    { k: 28, n: 131, p: 0.15, want: 0.03163257904890243 },
    { k: 3, n: 5, p: 0.3, want: 0.16307999999999995 },
    { k: 5, n: 6, p: 0.3, want: 0.010934999999999997 },
    { k: 25, n: 300, p: 0.05, want: 0.00934880427815886 },
    { k: 340, n: 2000, p: 0.15, want: 0.007375366297248174 },
    { k: 400, n: 2000, p: 0.15, want: 1.0489697661089678e-9 },
    { k: 1, n: 1000, p: 0.001, want: 0.6323045752290359 },
  ])('P(X ≥ $k | n = $n, p = $p)', ({ k, n, p, want }) => {
    expect(binomialUpperTail(k, n, p)).toBeCloseTo(want, 10);
    expect(Math.abs(binomialUpperTail(k, n, p) - want) / want).toBeLessThan(1e-9);
  });

  it.each([
    { k: 0, n: 10, p: 0.1, want: 1 },
    { k: 11, n: 10, p: 0.1, want: 0 },
    { k: 0, n: 0, p: 0.1, want: 1 },
    { k: 3, n: 10, p: 0, want: 0 },
    { k: 3, n: 10, p: 1, want: 1 },
  ])('edge: P(X ≥ $k | n = $n, p = $p) = $want', ({ k, n, p, want }) => {
    expect(binomialUpperTail(k, n, p)).toBe(want);
  });

  it('decides at the configured level, and never for a rate at or under the threshold', () => {
    expect(isRateAbove(22, 100, 0.15, 0.05)).toBe(true);
    expect(isRateAbove(22, 100, 0.15, 0.01)).toBe(false);
    expect(isRateAbove(15, 100, 0.15, 1)).toBe(false);
    expect(isRateAbove(0, 0, 0.15, 0.05)).toBe(false);
  });
});

describe('decideAutoResolution', () => {
  const now = new Date('2026-12-01T02:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  const clean: WindowTally = {
    sessions: 120,
    joined: 119,
    bothJoined: 115,
    noShows: 1,
    late: 4,
    earlyEnds: 2,
    tutorReschedules: 9,
    firstRated: 8,
    poorFirst: 1,
  };
  const decide = (
    type: Parameters<typeof decideAutoResolution>[0]['type'],
    lastSeen: number,
    w: Partial<WindowTally>,
  ) => decideAutoResolution({ type, lastConfirmedAt: daysAgo(lastSeen), now, window: { ...clean, ...w } });

  it.each([
    { name: 'clean for a full window', type: 'high_reschedule_rate', last: 31, w: {}, want: 'resolve' },
    {
      name: 'exactly one window since confirmed',
      type: 'high_reschedule_rate',
      last: 30,
      w: {},
      want: 'resolve',
    },
    { name: 'confirmed 29 days ago', type: 'high_reschedule_rate', last: 29, w: {}, want: 'window_not_over' },
    {
      name: 'rate at the threshold (15 %)',
      type: 'high_reschedule_rate',
      last: 40,
      w: { tutorReschedules: 18 },
      want: 'resolve',
    },
    {
      name: 'just above (15.8 %)',
      type: 'high_reschedule_rate',
      last: 40,
      w: { tutorReschedules: 19 },
      want: 'above_threshold',
    },
    {
      name: 'stopped teaching',
      type: 'high_reschedule_rate',
      last: 60,
      w: { sessions: 19, tutorReschedules: 0 },
      want: 'too_few',
    },
    {
      name: 'no-shows back under 5 %',
      type: 'chronic_no_show',
      last: 35,
      w: { noShows: 6 },
      want: 'resolve',
    },
    {
      name: 'no-shows still at 5.8 %',
      type: 'chronic_no_show',
      last: 35,
      w: { noShows: 7 },
      want: 'above_threshold',
    },
    {
      name: 'late counted out of joined',
      type: 'chronic_lateness',
      last: 35,
      w: { late: 23 },
      want: 'resolve',
    },
    { name: 'still late 21 %', type: 'chronic_lateness', last: 35, w: { late: 25 }, want: 'above_threshold' },
    {
      name: 'early ends out of attended',
      type: 'chronic_early_end',
      last: 35,
      w: { earlyEnds: 17 },
      want: 'resolve',
    },
    {
      name: 'poor first: 1 of 8 rated',
      type: 'repeated_poor_first_sessions',
      last: 35,
      w: {},
      want: 'resolve',
    },
    {
      name: 'poor first: 3 of 8 (37.5 %)',
      type: 'repeated_poor_first_sessions',
      last: 35,
      w: { poorFirst: 3 },
      want: 'above_threshold',
    },
    {
      name: 'poor first: only 4 rated',
      type: 'repeated_poor_first_sessions',
      last: 35,
      w: { firstRated: 4, poorFirst: 0 },
      want: 'too_few',
    },
  ] as const)('$name → $want', ({ type, last, w, want }) => {
    const r = decide(type, last, w);
    expect(r.resolve ? 'resolve' : r.reason).toBe(want);
  });

  it('shows its evidence: the window, the counts, the rate and the threshold', () => {
    const r = decide('high_reschedule_rate', 31, {});
    expect(r).toEqual({
      resolve: true,
      evidence: {
        metric: 'tutor_reschedule_rate',
        window_days: 30,
        window_start: daysAgo(30).toISOString(),
        window_end: now.toISOString(),
        count: 9,
        total: 120,
        rate: 0.075,
        threshold: 0.15,
        min_total: 20,
        last_confirmed_at: daysAgo(31).toISOString(),
        decided_at: now.toISOString(),
      },
    });
  });

  it('follows the configured window and minimums', () => {
    const t = { ...QUALITY_THRESHOLDS, autoResolveWindowDays: 14, autoResolveMinSessions: 200 };
    const r = decideAutoResolution(
      { type: 'high_reschedule_rate', lastConfirmedAt: daysAgo(15), now, window: clean },
      t,
    );
    expect(r).toEqual({ resolve: false, reason: 'too_few' });
  });
});

describe('wilsonLower', () => {
  it.each([
    { k: 0, n: 0, lo: 0, hi: 0 },
    { k: 3, n: 8, lo: 0.16, hi: 0.17 },
    { k: 30, n: 100, lo: 0.23, hi: 0.24 },
    { k: 27, n: 131, lo: 0.154, hi: 0.155 },
    { k: 100, n: 100, lo: 0.97, hi: 0.98 },
  ])('$k of $n', ({ k, n, lo, hi }) => {
    const v = wilsonLower(k, n);
    expect(v).toBeGreaterThanOrEqual(lo);
    expect(v).toBeLessThanOrEqual(hi);
  });
});
