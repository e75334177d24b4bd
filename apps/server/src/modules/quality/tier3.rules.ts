/**
 * Tier 3 rules, pure (counts and scores in, decisions out; no I/O): the direction of a tutor's performance,
 * peer groups and percentile ranks, and the churn risk of the tutor (the tutor leaving the platform). Every
 * threshold and coefficient is in TIER3_RULES so they can be read, tested with tables and tuned in one place.
 *
 * Direction — is the tutor getting better or worse?
 *   Compare a recent score with the 90-day score. The recent window is the last 7 days when it holds at least
 *   5 sessions, else the last 30 days when it holds at least 8, else there is not enough data (stable). The
 *   90-day window needs at least 10 sessions. Both scores are on the tutor's own scale: the baseline is the
 *   tutor's unshrunk 90-day score, and the recent window's rates are shrunk toward the tutor's OWN 90-day rates
 *   (not the population's), so a short window moves the score only as far as its evidence does, identical
 *   windows compare equal, and a weak tutor's thin week does not look like improvement (as it would against
 *   the population-shrunk scores). improving when recent − baseline ≥ +5 points, declining when ≤ −5 (a dead
 *   band of 5 points), stable otherwise.
 *
 * Percentile — where does the tutor stand among peers?
 *   Peer group = main subject (tutors.main_subject_id; else the subject most frequent in the tutor's sessions
 *   over 90 days). Only tutors with a 30-day score are ranked; a group with fewer than 5 ranked tutors falls
 *   back to `all`. Rank = (tutors below + (ties − 1) / 2) / (n − 1) × 100, rounded: the worst is 0, the best
 *   100, ties share the middle, a group of one is 50.
 *
 * Churn risk — how likely is the tutor to stop teaching?
 *   Logistic model over explainable factors, each a value in [0, 1] (negative where it lowers risk):
 *   p30 = σ(b0 + Σ wᵢ·xᵢ), and p90 = 1 − (1 − p30)³ (the same monthly hazard for three months). The
 *   coefficients are set by hand from what predicts tutor attrition (activity dropping, poor feedback,
 *   reliability problems, open disciplinary issues) and calibrated so a steady tutor sits near 3 % a month;
 *   refit them with logistic regression once departures are labelled.
 */
import { computeScore, type Population, type WindowCounts } from './scoring';
import { SCORE_WEIGHTS, type ScoreWeights } from './thresholds';

export type Direction = 'improving' | 'stable' | 'declining';
export type DirectionBasis = '7d_vs_90d' | '30d_vs_90d' | 'insufficient_data';

export const TIER3_RULES = {
  direction: {
    minSessions7: 5,
    minSessions30: 8,
    minSessions90: 10,
    /** Score points the recent score must move from the baseline to count as a change. */
    deadBand: 5,
  },
  percentile: {
    /** A peer group needs this many ranked tutors; smaller groups are ranked within `all`. */
    minGroupSize: 5,
    fallbackGroup: 'all',
  },
  churn: {
    intercept: -3.5,
    weights: {
      /** 1 declining, −0.5 improving. */
      declining_trend: 1.0,
      /** Fall of the last 30 days' sessions below the prior 60 days' monthly average (1 = stopped). */
      volume_drop: 1.6,
      /** Days since the last session: 0 within a week, 1 at four weeks or more. */
      inactivity: 2.2,
      /** Shrunk 30-day average rating: 0 at 4.5 stars or more, 1 at 3.0 or less. */
      low_rating: 1.2,
      /** The last week's ratings fell 0.2 stars below the month's. */
      declining_rating: 0.5,
      /** Shrunk tutor-initiated reschedule rate: 1 at 30 % or more. */
      reschedule_rate: 1.0,
      /** Shrunk no-show rate: 1 at 15 % or more. */
      no_shows: 1.0,
      /** Open critical flags (high ones count half): 1 at two or more. */
      critical_flags: 0.8,
    },
    /** Volume drop is only measured when the prior 60 days held at least this many sessions. */
    minPriorSessions: 4,
    inactivityGraceDays: 7,
    inactivityFullDays: 28,
    ratingGood: 4.5,
    ratingBad: 3.0,
    rescheduleRateFull: 0.3,
    noShowRateFull: 0.15,
    criticalFlagsFull: 2,
  },
} as const;

type Widen<T> = {
  readonly [K in keyof T]: T[K] extends number ? number : T[K] extends string ? string : Widen<T[K]>;
};
/** The rules' shape with plain numbers, so tests and operators can pass other values. */
export type Tier3Rules = Widen<typeof TIER3_RULES>;
export type ChurnFactorName = keyof Tier3Rules['churn']['weights'];

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

// ---------------------------------------------------------------------------------------------------------
// Direction

/** The tutor's own (unshrunk) rates over a window, with the population's where a rate has no denominator. */
export function ownPrior(c: WindowCounts, pop: Population): Population {
  return {
    noShowRate: c.sessions > 0 ? c.noShows / c.sessions : pop.noShowRate,
    lateRate: c.joined > 0 ? c.late / c.joined : pop.lateRate,
    earlyEndRate: c.bothJoined > 0 ? c.earlyEnds / c.bothJoined : pop.earlyEndRate,
    tutorRescheduleRate: c.sessions > 0 ? c.tutorReschedules / c.sessions : pop.tutorRescheduleRate,
    avgStudentRating: c.rated > 0 ? c.ratingSum / c.rated : pop.avgStudentRating,
  };
}

export type DirectionInput = {
  sessions7: number;
  /** Recent scores (shrunk toward the tutor's own 90-day rates); null without sessions. */
  recentScore7: number | null;
  sessions30: number;
  recentScore30: number | null;
  sessions90: number;
  /** The tutor's unshrunk 90-day score; null without sessions. */
  baselineScore: number | null;
};

export type DirectionResult = {
  value: Direction;
  basis: DirectionBasis;
  recent_score: number | null;
  baseline_score: number | null;
  delta: number | null;
};

export function decideDirection(
  i: DirectionInput,
  r: Tier3Rules['direction'] = TIER3_RULES.direction,
): DirectionResult {
  const baseline = i.baselineScore;
  const none: DirectionResult = {
    value: 'stable',
    basis: 'insufficient_data',
    recent_score: null,
    baseline_score: baseline,
    delta: null,
  };
  if (baseline === null || i.sessions90 < r.minSessions90) return none;
  let basis: DirectionBasis;
  let recent: number | null;
  if (i.sessions7 >= r.minSessions7 && i.recentScore7 !== null) {
    basis = '7d_vs_90d';
    recent = i.recentScore7;
  } else if (i.sessions30 >= r.minSessions30 && i.recentScore30 !== null) {
    basis = '30d_vs_90d';
    recent = i.recentScore30;
  } else {
    return none;
  }
  const delta = round(recent - baseline, 1);
  const value: Direction = delta >= r.deadBand ? 'improving' : delta <= -r.deadBand ? 'declining' : 'stable';
  return { value, basis, recent_score: recent, baseline_score: baseline, delta };
}

/** Direction straight from window counts: recent windows scored against the tutor's own 90-day prior. */
export function directionFromCounts(
  c: { c7: WindowCounts; c30: WindowCounts; c90: WindowCounts },
  pop: Population,
  rules: Tier3Rules['direction'] = TIER3_RULES.direction,
  w: ScoreWeights = SCORE_WEIGHTS,
): DirectionResult {
  const own = ownPrior(c.c90, pop);
  const scoreOf = (x: WindowCounts) => (x.sessions > 0 ? computeScore(x, own, w).overall : null);
  return decideDirection(
    {
      sessions7: c.c7.sessions,
      recentScore7: scoreOf(c.c7),
      sessions30: c.c30.sessions,
      recentScore30: scoreOf(c.c30),
      sessions90: c.c90.sessions,
      baselineScore: scoreOf(c.c90),
    },
    rules,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Peer groups and percentiles

/**
 * Peer group per tutor: its subject when at least `minGroupSize` ranked tutors share it, else `all`.
 * `size` is the number of ranked tutors in the group the tutor is compared with.
 */
export function assignPeerGroups(
  tutors: Array<{ id: string; subject: string | null; ranked: boolean }>,
  r: Tier3Rules['percentile'] = TIER3_RULES.percentile,
): Map<string, { group: string; size: number }> {
  const rankedPerSubject = new Map<string, number>();
  let rankedAll = 0;
  for (const t of tutors) {
    if (!t.ranked) continue;
    rankedAll++;
    if (t.subject) rankedPerSubject.set(t.subject, (rankedPerSubject.get(t.subject) ?? 0) + 1);
  }
  const out = new Map<string, { group: string; size: number }>();
  for (const t of tutors) {
    const n = t.subject ? (rankedPerSubject.get(t.subject) ?? 0) : 0;
    out.set(
      t.id,
      t.subject && n >= r.minGroupSize
        ? { group: t.subject, size: n }
        : { group: r.fallbackGroup, size: rankedAll },
    );
  }
  return out;
}

/** Percentile rank 0–100 of each score within its list (midrank for ties; a list of one is 50). */
export function percentileRanks(items: Array<{ id: string; score: number }>): Map<string, number> {
  const out = new Map<string, number>();
  const n = items.length;
  if (n === 0) return out;
  if (n === 1) {
    out.set(items[0]!.id, 50);
    return out;
  }
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && sorted[j + 1]!.score === sorted[i]!.score) j++;
    // Positions i..j share the score: below = i, ties = j − i + 1.
    const rank = Math.round(((i + (j - i) / 2) / (n - 1)) * 100);
    for (let k = i; k <= j; k++) out.set(sorted[k]!.id, rank);
    i = j + 1;
  }
  return out;
}

/** The most frequent subject (ties: alphabetical), or null. */
export function mostFrequent(counts: Array<{ subject: string; n: number }>): string | null {
  let best: { subject: string; n: number } | null = null;
  for (const c of counts) {
    if (!best || c.n > best.n || (c.n === best.n && c.subject < best.subject)) best = c;
  }
  return best?.subject ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Churn risk

export type ChurnInput = {
  direction: Direction;
  sessions30: number;
  /** Sessions in the 60 days before the last 30. */
  priorSessions60: number;
  /** null: no session in the lookback at all. */
  daysSinceLastSession: number | null;
  /** Shrunk 30-day average rating (toward the population). */
  avgRating: number;
  ratingTrend: Direction | null;
  /** Shrunk 30-day rates. */
  tutorRescheduleRate: number;
  noShowRate: number;
  openCriticalFlags: number;
  openHighFlags: number;
};

export type ChurnFactor = { factor: ChurnFactorName; weight: number; value: number };
export type ChurnResult = { risk30: number; risk90: number; factors: ChurnFactor[] };

/** Each factor's value in [0, 1] (the trend can be −0.5): what the model multiplies by its weight. */
export function churnFactorValues(
  i: ChurnInput,
  r: Tier3Rules['churn'] = TIER3_RULES.churn,
): Record<ChurnFactorName, number> {
  const monthlyPrior = i.priorSessions60 / 2;
  const volumeDrop =
    i.priorSessions60 >= r.minPriorSessions ? clamp(1 - i.sessions30 / monthlyPrior, 0, 1) : 0;
  const inactivity =
    i.daysSinceLastSession === null
      ? 1
      : clamp(
          (i.daysSinceLastSession - r.inactivityGraceDays) / (r.inactivityFullDays - r.inactivityGraceDays),
          0,
          1,
        );
  return {
    declining_trend: i.direction === 'declining' ? 1 : i.direction === 'improving' ? -0.5 : 0,
    volume_drop: round(volumeDrop, 3),
    inactivity: round(inactivity, 3),
    low_rating: round(clamp((r.ratingGood - i.avgRating) / (r.ratingGood - r.ratingBad), 0, 1), 3),
    declining_rating: i.ratingTrend === 'declining' ? 1 : 0,
    reschedule_rate: round(clamp(i.tutorRescheduleRate / r.rescheduleRateFull, 0, 1), 3),
    no_shows: round(clamp(i.noShowRate / r.noShowRateFull, 0, 1), 3),
    critical_flags: round(
      clamp((i.openCriticalFlags + 0.5 * i.openHighFlags) / r.criticalFlagsFull, 0, 1),
      3,
    ),
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function churnRisk(i: ChurnInput, r: Tier3Rules['churn'] = TIER3_RULES.churn): ChurnResult {
  const values = churnFactorValues(i, r);
  let z = r.intercept;
  const factors: ChurnFactor[] = [];
  for (const name of Object.keys(r.weights) as ChurnFactorName[]) {
    const weight = r.weights[name];
    const value = values[name];
    z += weight * value;
    factors.push({ factor: name, weight, value });
  }
  factors.sort((a, b) => b.weight * b.value - a.weight * a.value || a.factor.localeCompare(b.factor));
  const p30 = sigmoid(z);
  const p90 = 1 - (1 - p30) ** 3;
  return { risk30: round(p30, 4), risk90: round(p90, 4), factors };
}

// ---------------------------------------------------------------------------------------------------------
// Volume

/** Last 30 days' sessions vs the prior 60 days' monthly average, as a fraction; null without a baseline. */
export function volumeChange(sessions30: number, priorSessions60: number): number | null {
  if (priorSessions60 <= 0) return null;
  return round(sessions30 / (priorSessions60 / 2) - 1, 3);
}
