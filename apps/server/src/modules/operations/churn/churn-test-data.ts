/**
 * Test helpers for the churn library (imported by its *.test.ts files only): a session builder relative to a
 * cut-off; `knownAt`, an independent statement of what a history reveals at an instant, used to prove the
 * features never read past their cut-off; a typical customer's features, hand-made models and snapshots.
 */
import { FEATURE_COLUMNS, FEATURE_SET_VERSION, toFeatureRow, type ChurnFeatures } from './features';
import type { CustomerHistory, SessionRecord } from './history';
import type { ChurnModel } from './model';
import type { Snapshot } from './snapshots';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** A one-hour session starting `daysBefore` days before `cutoff` (negative: after it). */
export function sessionBefore(
  cutoff: Date,
  daysBefore: number,
  over: Partial<SessionRecord> = {},
): SessionRecord {
  const startsAt = new Date(cutoff.getTime() - daysBefore * DAY);
  return {
    tutorId: 'tutor-a',
    startsAt,
    endsAt: new Date(startsAt.getTime() + HOUR),
    status: 'completed',
    isFirstSession: false,
    ...over,
  };
}

export function emptyHistory(over: Partial<CustomerHistory> = {}): CustomerHistory {
  return {
    customerId: 'c-1',
    signedUpAt: new Date('2025-01-01T00:00:00Z'),
    channel: 'organic',
    sessions: [],
    supportCalls: [],
    goals: [],
    tutorScores: [],
    ...over,
  };
}

/** Only what was known at `at`: each record from the instant it became known, later facts stripped. */
export function knownAt(h: CustomerHistory, at: Date): CustomerHistory {
  const t = at.getTime();
  const sessions: SessionRecord[] = [];
  for (const s of h.sessions) {
    const reschedule = s.reschedule && s.reschedule.requestedAt.getTime() <= t ? s.reschedule : null;
    if (s.endsAt.getTime() <= t) {
      const rated = s.rating != null && (s.ratedAt ?? s.endsAt).getTime() <= t;
      sessions.push({ ...s, rating: rated ? s.rating : null, ratedAt: rated ? s.ratedAt : null, reschedule });
    } else if (reschedule) {
      // Booked for later: only its move is known. Status and rating are not, so they are scrambled here.
      sessions.push({
        ...s,
        status: 'cancelled',
        rating: null,
        ratedAt: null,
        isFirstSession: false,
        reschedule,
      });
    }
  }
  return {
    ...h,
    sessions,
    supportCalls: h.supportCalls.filter((c) => c.at.getTime() <= t),
    goals: h.goals
      .filter((g) => g.setAt.getTime() <= t)
      .map((g) => ({
        setAt: g.setAt,
        completedAt: g.completedAt && g.completedAt.getTime() <= t ? g.completedAt : null,
      })),
    tutorScores: h.tutorScores.filter((r) => r.at.getTime() <= t),
  };
}

/** A typical customer's features, to change one at a time. */
export function typicalFeatures(over: Partial<ChurnFeatures> = {}): ChurnFeatures {
  return {
    sessions_per_week: 1.5,
    sessions_per_week_change: 0,
    days_since_last_session: 8,
    average_rating: 4.2,
    support_calls_90d: 1,
    support_calls_14d: 0,
    goal_completion: 0.5,
    tutor_switches_90d: 0,
    tenure_days: 150,
    poor_first_sessions_90d: 0,
    tutor_no_shows_90d: 0,
    tutor_reschedules_90d: 0,
    tutor_score: 80,
    channel: 'organic',
    ...over,
  };
}

/**
 * A hand-made model: every column's mean is the typical customer's value (channels: organic 0.5, others 0.1)
 * and its scale 1 unless given, coefficients 0 unless given. Valid as a stored artefact.
 */
export function handModel(
  over: {
    coefficients?: Partial<Record<string, number>>;
    scales?: Partial<Record<string, number>>;
    intercept?: number;
    version?: string;
    labelsUntil?: Date;
    tiers?: ChurnModel['tiers'];
  } = {},
): ChurnModel {
  const typical = toFeatureRow(typicalFeatures());
  const means = FEATURE_COLUMNS.map((c, j) =>
    c.startsWith('channel=') ? (c === 'channel=organic' ? 0.5 : 0.1) : (typical[j] as number),
  );
  const metrics = {
    cutoffs: [],
    snapshots: 0,
    churned: 0,
    rocAuc: 0.5,
    prAuc: 0,
    brier: 0,
    calibration: [],
    atThreshold: { threshold: 0.5, recall: null, precision: null, flaggedShare: 0 },
  };
  const labelsUntil = (over.labelsUntil ?? new Date('2026-01-01T00:00:00Z')).toISOString();
  const tiers = over.tiers ?? { medium: 0.2, high: 0.5, critical: 0.8 };
  return {
    kind: 'churn-logistic-regression',
    version: over.version ?? 'hand',
    createdAt: labelsUntil,
    featureSetVersion: FEATURE_SET_VERSION,
    columns: [...FEATURE_COLUMNS],
    coefficients: FEATURE_COLUMNS.map((c) => over.coefficients?.[c] ?? 0),
    intercept: over.intercept ?? -2,
    fittedIntercept: over.intercept ?? -2,
    means,
    scales: FEATURE_COLUMNS.map((c) => over.scales?.[c] ?? 1),
    C: 1,
    classWeights: { churned: 1, stayed: 1 },
    horizonDays: 60,
    trainingWindow: {
      firstCutoff: labelsUntil,
      lastCutoff: labelsUntil,
      labelsUntil,
      cutoffs: 1,
      snapshots: 0,
      churned: 0,
    },
    validation: {
      cutoffs: [],
      snapshots: 0,
      churned: 0,
      cSearch: [],
      atThreshold: metrics.atThreshold,
      tiers: [],
    },
    recallTarget: 0.8,
    threshold: tiers.medium,
    tiers,
    holdout: metrics,
    solver: { iterations: 0, converged: true },
  };
}

/** A snapshot from hand-set features. */
export function handSnapshot(
  customerId: string,
  cutoff: Date,
  features: ChurnFeatures,
  churned: boolean,
): Snapshot {
  return { customerId, cutoff, features, row: toFeatureRow(features), churned };
}
