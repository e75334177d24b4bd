/**
 * Every quality threshold and weight in one place, with seed 000's defaults. Rules and scoring take these as
 * arguments (no I/O, no globals), so tests can run them with tables of cases and operators can tune them here.
 */
export const QUALITY_THRESHOLDS = {
  /** Tutor joined more than this many minutes after the scheduled start: late (medium). */
  lateMinutes: 5,
  /** …and more than this: high severity. */
  lateHighMinutes: 20,
  /** Tutor left more than this many minutes before the scheduled end: early end (medium). */
  earlyEndMinutes: 10,
  /** …and more than this: high severity. */
  earlyEndHighMinutes: 20,
  /** A first session rated at or below this by the student is a poor first session. */
  poorFirstSessionRating: 2,
  /** A leave within this many minutes of the other party's counts as leaving together (not the tutor's doing). */
  leaveToleranceMinutes: 2,

  /** Tutor-initiated reschedules / sessions over the window (seed 002: 15 % over 30 days). */
  highRescheduleRate: 0.15,
  highRescheduleRateHigh: 0.25,
  rescheduleWindowDays: 30,
  /**
   * Below this many sessions in the window a rate is not trusted enough to raise an aggregate flag. Patterns are
   * re-evaluated after every session, so small early samples get many chances to look bad: with 10, a tutor
   * rescheduling 8 % was flagged in the evaluation; 20 keeps such chance flags rare.
   */
  minSessionsForRate: 20,
  /**
   * Pattern flags need the tutor's count to be significant against the threshold rate: an exact one-sided
   * binomial test, P(X ≥ count | sessions, threshold) ≤ this level. 0.05 holds precision and recall ≥ 0.95 for
   * every planted behaviour at scale 1 (`npm run eval:quality -- --offline --scale 1`); smaller misses real
   * cases early in a window, larger flags tutors on a few unlucky weeks.
   */
  patternAlpha: 0.05,

  /** Patterns over 30 days that turn single incidents into a coaching case. */
  chronicNoShowRate: 0.05,
  chronicNoShowMinCount: 2,
  chronicLateRate: 0.2,
  chronicLateMinCount: 3,
  chronicEarlyEndRate: 0.15,
  chronicEarlyEndMinCount: 3,
  /**
   * Poor first sessions over 90 days: rate among rated first sessions, and a minimum count. Three, not two: two
   * unhappy trial students out of a tutor's first two or three is bad luck often enough to flag a good tutor
   * (it did in the evaluation at scale 0.5).
   */
  poorFirstSessionsRate: 0.3,
  poorFirstSessionsMinCount: 3,
  patternWindowDays: 30,
  firstSessionWindowDays: 90,

  /**
   * Auto-resolution of pattern flags (nightly, tier 3): an open pattern flag resolves itself once a full window
   * has passed since the rule last confirmed it (its last_seen_at) and, over that window, the tutor's rate is at
   * or under the flag's threshold on at least `autoResolveMinSessions` sessions (for repeated poor first
   * sessions: at least `autoResolveMinFirstRated` rated first sessions). Evidence is stored on the flag.
   */
  autoResolveWindowDays: 30,
  autoResolveMinSessions: 20,
  autoResolveMinFirstRated: 5,

  /**
   * Tier 2: a session analysed below this quality score raises a low-quality flag (under the rolling-mean
   * policy: the tutor's last 10 analyses average below it). 55 on the move-based quality (0.60·move guidance +
   * 0.40·engagement, clarity, empathy): with middling other dimensions a session falls under it when about 40 %
   * or more of the tutor's turns give the answer away. On MathDial's real dialogues (teachers asked to guide; in-sample)
   * fewer than 1 in 10 sessions score under it; most of the demo's planted poor teachers average under it (45 on the
   * rules' quality before tier 2 used the moves).
   */
  lowQualityScore: 55,
  /** Red flags of these kinds in a transcript are critical. */
  criticalRedFlags: ['inappropriate_language', 'personal_contact', 'harassment'] as readonly string[],
} as const;

type Widen<T> = { readonly [K in keyof T]: T[K] extends number ? number : T[K] };
export type QualityThresholds = Widen<typeof QUALITY_THRESHOLDS>;

/** Score weights (sum to 1) and the shrinkage strength: a tutor counts as `priorSessions` average sessions. */
export const SCORE_WEIGHTS = {
  attendance: 0.35,
  ratings: 0.3,
  completion: 0.15,
  reliability: 0.2,
  /** Pseudo-sessions of population average blended into every tutor's rates (empirical-Bayes shrinkage). */
  priorSessions: 20,
  /** Pseudo-ratings of population average blended into every tutor's average rating. */
  priorRatings: 10,
  /** Rates at which a component reaches 0 (e.g. a 25 % no-show rate zeroes that part of attendance). */
  noShowRateAtZero: 0.25,
  lateRateAtZero: 0.6,
  earlyEndRateAtZero: 0.5,
  tutorRescheduleRateAtZero: 0.4,
} as const;

export type ScoreWeights = Widen<typeof SCORE_WEIGHTS>;
