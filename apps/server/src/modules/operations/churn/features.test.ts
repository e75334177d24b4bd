import { describe, expect, it } from 'vitest';
import { generateChurnPopulation } from '../../../cli/seed/churn-population';
import { createRng } from '../../../cli/seed/random';
import { DAY, HOUR, emptyHistory, knownAt, sessionBefore } from './churn-test-data';
import {
  ACQUISITION_CHANNELS,
  CHURN_FEATURES,
  FEATURE_COLUMNS,
  NUMERIC_FEATURE_KEYS,
  computeFeatures,
  factorOfColumn,
  normaliseChannel,
  toFeatureRow,
} from './features';
import type { CustomerHistory } from './history';

const T = new Date('2026-06-01T00:00:00Z');
const before = (days: number) => new Date(T.getTime() - days * DAY);

/** A customer whose every feature is worked out by hand below, with a trap after the cut-off for each. */
function handHistory(): CustomerHistory {
  const s = (d: number, over: Parameters<typeof sessionBefore>[2] = {}) => sessionBefore(T, d, over);
  return emptyHistory({
    signedUpAt: before(200),
    channel: 'Paid Search',
    sessions: [
      s(3, { tutorId: 'tutor-b', isFirstSession: true, rating: 2 }),
      s(10, { rating: 4 }),
      s(17, { rating: 5, ratedAt: new Date(T.getTime() + DAY) }), // trap: the rating arrives after T
      s(20, { tutorId: 'tutor-d', status: 'cancelled' }),
      s(24, { reschedule: { by: 'tutor', requestedAt: before(26) } }),
      s(30, { rating: 3, reschedule: { by: 'student', requestedAt: before(31) } }),
      s(40),
      s(45, { tutorId: 'tutor-c', status: 'tutor_no_show' }),
      s(50),
      s(60),
      s(93, { reschedule: { by: 'tutor', requestedAt: before(95) } }), // outside the 90-day window
      s(95, { status: 'tutor_no_show' }), // outside the window
      s(100),
      // traps: ends after T (started 30 minutes before it), and future sessions
      {
        ...s(0),
        startsAt: new Date(T.getTime() - HOUR / 2),
        endsAt: new Date(T.getTime() + HOUR / 2),
        rating: 1,
        isFirstSession: true,
      },
      s(-2, { reschedule: { by: 'tutor', requestedAt: before(1) } }), // future session, move known at T: counts
      s(-3, { reschedule: { by: 'tutor', requestedAt: new Date(T.getTime() + HOUR) } }), // move asked after T
      s(-5, { status: 'tutor_no_show', tutorId: 'tutor-e' }),
    ],
    supportCalls: [
      before(5),
      before(13),
      before(50),
      before(89),
      before(91),
      new Date(T.getTime() + DAY),
    ].map((at) => ({ at })),
    goals: [
      { setAt: before(150), completedAt: before(100) },
      { setAt: before(60), completedAt: new Date(T.getTime() + 5 * DAY) }, // completed after T: open at T
      { setAt: before(10), completedAt: null },
      { setAt: new Date(T.getTime() + 3 * DAY), completedAt: new Date(T.getTime() + 4 * DAY) },
    ],
    tutorScores: [
      { tutorId: 'tutor-a', at: before(40), score: 80 },
      { tutorId: 'tutor-a', at: before(10), score: 70 },
      { tutorId: 'tutor-a', at: new Date(T.getTime() + DAY), score: 10 }, // trap
      { tutorId: 'tutor-b', at: before(5), score: 90 },
      { tutorId: 'tutor-d', at: before(5), score: 50 }, // tutor-d's only session was cancelled
    ],
  });
}

describe('computeFeatures', () => {
  it('computes every feature by hand, ignoring what was not known at the cut-off', () => {
    expect(computeFeatures(handHistory(), T)).toEqual({
      // 4 completed sessions in the last 28 days (3, 10, 17, 24 days before) over 4 weeks
      sessions_per_week: 1,
      // 4 completed in the 56 days before those (30, 40, 50, 60) = 0.5 a week
      sessions_per_week_change: 0.5,
      // the last session ended 3 days minus 1 hour before T
      days_since_last_session: 3 - 1 / 24,
      // ratings known at T in 90 days: 2, 4, 3 (the 5 arrived later; the 1 is on a session ending after T)
      average_rating: 3,
      support_calls_90d: 4,
      support_calls_14d: 2,
      // goals set by T: 3, of which 1 was completed by T
      goal_completion: 1 / 3,
      // held or missed sessions in 90 days, by start: a a c a a a a a b (the cancelled d-session is not one)
      tutor_switches_90d: 3,
      tenure_days: 200,
      poor_first_sessions_90d: 1,
      tutor_no_shows_90d: 1,
      // asked 26 days before T, and 1 day before T for a session after T
      tutor_reschedules_90d: 2,
      // latest known scores: a 70 (7 sessions), b 90 (1), c unknown → 580 / 8
      tutor_score: 72.5,
      channel: 'paid_search',
    });
  });

  it('gives null for what cannot be measured and tenure-adjusts a new customer’s frequency', () => {
    const h = emptyHistory({ signedUpAt: before(10), sessions: [sessionBefore(T, 5)] });
    const f = computeFeatures(h, T);
    expect(f.average_rating).toBeNull();
    expect(f.goal_completion).toBeNull();
    expect(f.tutor_score).toBeNull();
    expect(f.sessions_per_week_change).toBeNull(); // less than 14 days of history before the last 28
    expect(f.sessions_per_week).toBeCloseTo(1 / (10 / 7), 12); // one session in the 10 days since sign-up
    expect(f.days_since_last_session).toBeCloseTo(5 - 1 / 24, 12);
    expect(f.tenure_days).toBe(10);
  });

  it('counts a customer with no session yet as inactive since sign-up, and caps tenure at two years', () => {
    expect(computeFeatures(emptyHistory({ signedUpAt: before(12) }), T).days_since_last_session).toBe(12);
    expect(computeFeatures(emptyHistory({ signedUpAt: before(1000) }), T).tenure_days).toBe(730);
  });

  it('refuses a customer who signed up after the cut-off', () => {
    expect(() => computeFeatures(emptyHistory({ signedUpAt: new Date(T.getTime() + 1) }), T)).toThrow(
      /after the cut-off/,
    );
  });

  it('reads nothing after the cut-off: the full history and what was known at T give the same features', () => {
    const pop = generateChurnPopulation({ seed: 3, customers: 150, days: 300 });
    const rng = createRng('leak-test');
    let compared = 0;
    for (const h of pop.customers) {
      // Add late facts to each history on top of the generated ones: ratings and scores that arrive later.
      const noisy: CustomerHistory = {
        ...h,
        sessions: h.sessions.map((s) =>
          s.rating != null ? { ...s, ratedAt: new Date(s.endsAt.getTime() + rng.int(0, 20) * DAY) } : s,
        ),
      };
      for (const daysBeforeEnd of [40, 90, 170]) {
        const cutoff = new Date(pop.end.getTime() - daysBeforeEnd * DAY + rng.int(0, 23) * HOUR);
        if (noisy.signedUpAt > cutoff) continue;
        expect(computeFeatures(noisy, cutoff)).toEqual(computeFeatures(knownAt(noisy, cutoff), cutoff));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe('feature definitions', () => {
  it('describe every numeric feature and the channel, with words and an intervention', () => {
    expect(CHURN_FEATURES.map((f) => f.key)).toEqual([...NUMERIC_FEATURE_KEYS, 'channel']);
    for (const f of CHURN_FEATURES) {
      expect(f.label.length).toBeGreaterThan(3);
      expect(f.intervention).toMatch(/\.$/);
      const words = f.kind === 'numeric' ? f.describe(2, 1) : f.describe('social');
      expect(words).not.toMatch(/undefined|NaN/);
    }
  });

  it('one-hot encode the channel after the numeric features, unknown channels as other', () => {
    expect(FEATURE_COLUMNS).toHaveLength(NUMERIC_FEATURE_KEYS.length + ACQUISITION_CHANNELS.length);
    expect(normaliseChannel(' Paid-Search ')).toBe('paid_search');
    expect(normaliseChannel('billboard')).toBe('other');
    const row = toFeatureRow(computeFeatures(handHistory(), T));
    const channelPart = Array.from(row.slice(NUMERIC_FEATURE_KEYS.length));
    expect(channelPart).toEqual(ACQUISITION_CHANNELS.map((c) => (c === 'paid_search' ? 1 : 0)));
    expect(factorOfColumn('channel=social')).toBe('channel');
    expect(factorOfColumn('tenure_days')).toBe('tenure_days');
    expect(() => factorOfColumn('shoe_size')).toThrow();
  });

  it('put a missing value in the row as NaN', () => {
    const row = toFeatureRow(computeFeatures(emptyHistory({ signedUpAt: before(10) }), T));
    expect(row[NUMERIC_FEATURE_KEYS.indexOf('average_rating')]).toBeNaN();
    expect(row[NUMERIC_FEATURE_KEYS.indexOf('support_calls_90d')]).toBe(0);
  });
});
