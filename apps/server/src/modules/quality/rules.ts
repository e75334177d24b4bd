/**
 * Tier 1 rules: pure functions from one session's facts (and a tutor's window counts) to findings and flag
 * decisions. Thresholds come in as an argument; no I/O. The SQL that counts findings by window and the
 * scores all start from what these functions decide, so there is one definition of "late" in the system.
 */
import { QUALITY_THRESHOLDS, type QualityThresholds } from './thresholds';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const maxSeverity = (a: Severity, b: Severity): Severity =>
  SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;

export type SessionFacts = {
  /** Platform session id. */
  sessionId: string;
  tutorId: string;
  start: Date;
  end: Date;
  tutorJoin: Date | null;
  studentJoin: Date | null;
  tutorLeave: Date | null;
  studentLeave: Date | null;
  isFirstSession: boolean;
  studentRating: number | null;
  wasRescheduled: boolean;
  rescheduledBy: 'tutor' | 'student' | 'system' | null;
};

export const FINDING_TYPES = [
  'tutor_no_show',
  'student_no_show',
  'tutor_late',
  'session_ended_early',
  'poor_first_session',
  'tutor_rescheduled',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export type Finding = {
  type: FindingType;
  severity: Severity;
  minutes: number | null;
  /** False for facts recorded but not held against the tutor (a student no-show). */
  blamesTutor: boolean;
  details: Record<string, unknown>;
};

const minutesBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Everything the rules find in one session. */
export function evaluateSession(s: SessionFacts, t: QualityThresholds = QUALITY_THRESHOLDS): Finding[] {
  const out: Finding[] = [];
  if (!s.tutorJoin) {
    out.push({
      type: 'tutor_no_show',
      severity: 'critical',
      minutes: null,
      blamesTutor: true,
      details: { student_joined: s.studentJoin !== null },
    });
  } else {
    if (!s.studentJoin) {
      out.push({ type: 'student_no_show', severity: 'low', minutes: null, blamesTutor: false, details: {} });
    }
    const late = minutesBetween(s.start, s.tutorJoin);
    if (late > t.lateMinutes) {
      out.push({
        type: 'tutor_late',
        severity: late > t.lateHighMinutes ? 'high' : 'medium',
        minutes: round1(late),
        blamesTutor: true,
        details: {},
      });
    }
    // Leaving early is the tutor's doing only if a student was there and had not already left.
    if (s.tutorLeave && s.studentJoin) {
      const early = minutesBetween(s.tutorLeave, s.end);
      const studentLeftFirst =
        s.studentLeave !== null && minutesBetween(s.studentLeave, s.tutorLeave) > t.leaveToleranceMinutes;
      if (early > t.earlyEndMinutes && !studentLeftFirst) {
        out.push({
          type: 'session_ended_early',
          severity: early > t.earlyEndHighMinutes ? 'high' : 'medium',
          minutes: round1(early),
          blamesTutor: true,
          details: {},
        });
      }
    }
  }
  if (s.isFirstSession && s.studentRating !== null && s.studentRating <= t.poorFirstSessionRating) {
    out.push({
      type: 'poor_first_session',
      severity: 'high',
      minutes: null,
      blamesTutor: true,
      details: { rating: s.studentRating },
    });
  }
  if (s.wasRescheduled && s.rescheduledBy === 'tutor') {
    out.push({ type: 'tutor_rescheduled', severity: 'low', minutes: null, blamesTutor: true, details: {} });
  }
  return out;
}

/** The flag types coaches work with. Per-session ones are fed by each incident; pattern ones by the window. */
export const FLAG_TYPES = [
  'tutor_no_show',
  'tutor_late',
  'session_ended_early',
  'poor_first_session',
  'high_reschedule_rate',
  'chronic_no_show',
  'chronic_lateness',
  'chronic_early_end',
  'repeated_poor_first_sessions',
  'low_session_quality',
] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export type FlagDecision = {
  type: FlagType;
  severity: Severity;
  title: string;
  description: string;
  recommendedAction: string;
  metrics: Record<string, number | string | null>;
};

/** Incidents that open (or add evidence to) a per-session flag. Student no-shows and single reschedules don't. */
export function flagForFinding(f: Finding, s: SessionFacts): FlagDecision | null {
  switch (f.type) {
    case 'tutor_no_show':
      return {
        type: 'tutor_no_show',
        severity: 'critical',
        title: 'Tutor no-show',
        description: `The tutor did not join session ${s.sessionId}${f.details.student_joined ? ' while the student waited' : ''}.`,
        recommendedAction:
          'Contact the tutor today to find out what happened, apologise to the family, and rebook the student.',
        metrics: {},
      };
    case 'tutor_late':
      return {
        type: 'tutor_late',
        severity: f.severity,
        title: 'Tutor late to session',
        description: `The tutor joined session ${s.sessionId} ${f.minutes} minutes after the scheduled start.`,
        recommendedAction: 'Remind the tutor to join a few minutes early and check their calendar set-up.',
        metrics: { minutes_late: f.minutes },
      };
    case 'session_ended_early':
      return {
        type: 'session_ended_early',
        severity: f.severity,
        title: 'Session ended early',
        description: `The tutor left session ${s.sessionId} ${f.minutes} minutes before the scheduled end.`,
        recommendedAction: 'Review the session with the tutor; students pay for the full time.',
        metrics: { minutes_early: f.minutes },
      };
    case 'poor_first_session':
      return {
        type: 'poor_first_session',
        severity: 'high',
        title: 'Poor first session experience',
        description: `The student rated their first session ${s.sessionId} ${String(f.details.rating)}/5.`,
        recommendedAction:
          'Reach out to the family within 24 hours; review the session with the tutor before their next first session.',
        metrics: { rating: f.details.rating as number },
      };
    default:
      return null;
  }
}

/** A tutor's counts over the pattern windows, as counted from findings and sessions. */
export type PatternCounts = {
  /** Sessions in the 30-day window, and those the tutor joined / both joined. */
  sessions30: number;
  joined30: number;
  bothJoined30: number;
  noShows30: number;
  late30: number;
  earlyEnds30: number;
  tutorReschedules30: number;
  /** Rated first sessions and poor ones over 90 days. */
  firstRated90: number;
  poorFirst90: number;
};

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const rate = (n: number, d: number) => (d > 0 ? n / d : 0);

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): enough for binomial tails to ~1e-13 relative. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): the exact one-sided p-value of seeing k or more events in n sessions if the
 * tutor's true rate were p. Summed in log space from k up (terms past the mode shrink fast), so it neither
 * underflows for thousands of sessions nor loses the small tails the decision turns on.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || n <= 0) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lnP = Math.log(p);
  const lnQ = Math.log1p(-p);
  const lnNf = logGamma(n + 1);
  const logPmf = (i: number) => lnNf - logGamma(i + 1) - logGamma(n - i + 1) + i * lnP + (n - i) * lnQ;
  const first = logPmf(k);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(logPmf(i) - first);
    sum += term;
    if (i > n * p && term < 1e-17 * sum) break;
  }
  return Math.min(1, Math.exp(first) * sum);
}

/**
 * The pattern decision: is a tutor's count of k events in n sessions evidence (one-sided, level `alpha`) that
 * their true rate is above `threshold`? The exact binomial test, not a normal approximation: with the 20–200
 * sessions a tutor has in a window, Wilson's bound both flagged tutors at 8 % on a few unlucky weeks and, with a
 * stricter z, missed tutors at 21 % (the evaluation at scale 0.5: 0.92 precision and recall).
 */
export function isRateAbove(k: number, n: number, threshold: number, alpha: number): boolean {
  return n > 0 && k / n > threshold && binomialUpperTail(k, n, threshold) <= alpha;
}

/**
 * Lower Wilson score bound of k successes in n (one-sided, z = 1.645 ≈ 95 %): shown with evidence, not used
 * for decisions any more.
 */
export function wilsonLower(k: number, n: number, z = 1.645): number {
  if (n <= 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}
const confidentlyAbove = (k: number, n: number, threshold: number, alpha: number) =>
  isRateAbove(k, n, threshold, alpha);

/** Pattern flags: which aggregate flags the tutor's windows call for now. */
export function evaluatePatterns(
  c: PatternCounts,
  t: QualityThresholds = QUALITY_THRESHOLDS,
): FlagDecision[] {
  const out: FlagDecision[] = [];
  const enough = c.sessions30 >= t.minSessionsForRate;

  const reschedRate = rate(c.tutorReschedules30, c.sessions30);
  if (
    enough &&
    reschedRate > t.highRescheduleRate &&
    confidentlyAbove(c.tutorReschedules30, c.sessions30, t.highRescheduleRate, t.patternAlpha)
  ) {
    out.push({
      type: 'high_reschedule_rate',
      severity: reschedRate > t.highRescheduleRateHigh ? 'high' : 'medium',
      title: 'High reschedule rate',
      description: `The tutor initiated reschedules on ${pct(reschedRate)} of sessions in the last ${t.rescheduleWindowDays} days (${c.tutorReschedules30} of ${c.sessions30}); the threshold is ${pct(t.highRescheduleRate)}.`,
      recommendedAction:
        'Talk to the tutor about availability; ask them to keep their calendar current and give notice early.',
      metrics: {
        tutor_reschedule_rate_30d: reschedRate,
        tutor_reschedules_30d: c.tutorReschedules30,
        sessions_30d: c.sessions30,
      },
    });
  }

  const noShowRate = rate(c.noShows30, c.sessions30);
  if (
    enough &&
    c.noShows30 >= t.chronicNoShowMinCount &&
    confidentlyAbove(c.noShows30, c.sessions30, t.chronicNoShowRate, t.patternAlpha)
  ) {
    out.push({
      type: 'chronic_no_show',
      severity: noShowRate >= 2 * t.chronicNoShowRate ? 'critical' : 'high',
      title: 'Repeated no-shows',
      description: `The tutor missed ${c.noShows30} of ${c.sessions30} sessions (${pct(noShowRate)}) in the last ${t.patternWindowDays} days.`,
      recommendedAction:
        'Hold a formal conversation with the tutor; pause new student assignments until attendance recovers.',
      metrics: { no_show_rate_30d: noShowRate, no_shows_30d: c.noShows30, sessions_30d: c.sessions30 },
    });
  }

  const lateRate = rate(c.late30, c.joined30);
  if (
    c.joined30 >= t.minSessionsForRate &&
    c.late30 >= t.chronicLateMinCount &&
    confidentlyAbove(c.late30, c.joined30, t.chronicLateRate, t.patternAlpha)
  ) {
    out.push({
      type: 'chronic_lateness',
      severity: lateRate >= 2 * t.chronicLateRate ? 'high' : 'medium',
      title: 'Chronic lateness',
      description: `The tutor joined more than ${t.lateMinutes} minutes late to ${c.late30} of ${c.joined30} sessions (${pct(lateRate)}) in the last ${t.patternWindowDays} days.`,
      recommendedAction: 'Coach the tutor on punctuality; review their schedule for back-to-back bookings.',
      metrics: { late_rate_30d: lateRate, late_30d: c.late30, joined_30d: c.joined30 },
    });
  }

  const earlyRate = rate(c.earlyEnds30, c.bothJoined30);
  if (
    c.bothJoined30 >= t.minSessionsForRate &&
    c.earlyEnds30 >= t.chronicEarlyEndMinCount &&
    confidentlyAbove(c.earlyEnds30, c.bothJoined30, t.chronicEarlyEndRate, t.patternAlpha)
  ) {
    out.push({
      type: 'chronic_early_end',
      severity: earlyRate >= 2 * t.chronicEarlyEndRate ? 'high' : 'medium',
      title: 'Sessions regularly cut short',
      description: `The tutor left more than ${t.earlyEndMinutes} minutes early in ${c.earlyEnds30} of ${c.bothJoined30} sessions (${pct(earlyRate)}) in the last ${t.patternWindowDays} days.`,
      recommendedAction: 'Review session plans with the tutor so lessons fill the booked time.',
      metrics: { early_end_rate_30d: earlyRate, early_ends_30d: c.earlyEnds30, attended_30d: c.bothJoined30 },
    });
  }

  const poorRate = rate(c.poorFirst90, c.firstRated90);
  if (
    c.poorFirst90 >= t.poorFirstSessionsMinCount &&
    confidentlyAbove(c.poorFirst90, c.firstRated90, t.poorFirstSessionsRate, t.patternAlpha)
  ) {
    out.push({
      type: 'repeated_poor_first_sessions',
      severity: 'high',
      title: 'Repeated poor first sessions',
      description: `${c.poorFirst90} of the tutor's ${c.firstRated90} rated first sessions (${pct(poorRate)}) in the last ${t.firstSessionWindowDays} days were rated ${t.poorFirstSessionRating}/5 or lower.`,
      recommendedAction:
        'Shadow or review a first session with the tutor; hold new-student assignments until a coaching session is done.',
      metrics: {
        poor_first_rate_90d: poorRate,
        poor_first_90d: c.poorFirst90,
        first_rated_90d: c.firstRated90,
      },
    });
  }
  return out;
}

/** The flag types decided by `evaluatePatterns` over a window: the ones that can resolve themselves. */
export const PATTERN_FLAG_TYPES = [
  'high_reschedule_rate',
  'chronic_no_show',
  'chronic_lateness',
  'chronic_early_end',
  'repeated_poor_first_sessions',
] as const satisfies readonly FlagType[];
export type PatternFlagType = (typeof PATTERN_FLAG_TYPES)[number];
export const isPatternFlagType = (t: string): t is PatternFlagType =>
  (PATTERN_FLAG_TYPES as readonly string[]).includes(t);

/** A tutor's counts over one window (the auto-resolution window). */
export type WindowTally = {
  sessions: number;
  joined: number;
  bothJoined: number;
  noShows: number;
  late: number;
  earlyEnds: number;
  tutorReschedules: number;
  firstRated: number;
  poorFirst: number;
};

/** What a pattern flag measures: the events, out of what, against which threshold, with what minimum. */
export function patternMeasure(
  type: PatternFlagType,
  c: WindowTally,
  t: QualityThresholds = QUALITY_THRESHOLDS,
): { metric: string; count: number; total: number; threshold: number; minTotal: number } {
  switch (type) {
    case 'high_reschedule_rate':
      return {
        metric: 'tutor_reschedule_rate',
        count: c.tutorReschedules,
        total: c.sessions,
        threshold: t.highRescheduleRate,
        minTotal: t.autoResolveMinSessions,
      };
    case 'chronic_no_show':
      return {
        metric: 'no_show_rate',
        count: c.noShows,
        total: c.sessions,
        threshold: t.chronicNoShowRate,
        minTotal: t.autoResolveMinSessions,
      };
    case 'chronic_lateness':
      return {
        metric: 'late_rate',
        count: c.late,
        total: c.joined,
        threshold: t.chronicLateRate,
        minTotal: t.autoResolveMinSessions,
      };
    case 'chronic_early_end':
      return {
        metric: 'early_end_rate',
        count: c.earlyEnds,
        total: c.bothJoined,
        threshold: t.chronicEarlyEndRate,
        minTotal: t.autoResolveMinSessions,
      };
    case 'repeated_poor_first_sessions':
      return {
        metric: 'poor_first_session_rate',
        count: c.poorFirst,
        total: c.firstRated,
        threshold: t.poorFirstSessionsRate,
        minTotal: t.autoResolveMinFirstRated,
      };
  }
}

/** The evidence stored on a flag that resolved itself (snake_case: it is shown as is by the API). */
export type AutoResolutionEvidence = {
  metric: string;
  window_days: number;
  window_start: string;
  window_end: string;
  /** Events (reschedules, no-shows, …) and what they are counted out of (sessions, rated first sessions, …). */
  count: number;
  total: number;
  rate: number;
  threshold: number;
  min_total: number;
  /** When the pattern rule last confirmed the flag: the window starts after it. */
  last_confirmed_at: string;
  decided_at: string;
};

export type AutoResolutionDecision =
  | { resolve: true; evidence: AutoResolutionEvidence }
  | { resolve: false; reason: 'window_not_over' | 'too_few' | 'above_threshold' };

/**
 * Should an open pattern flag resolve itself? Only once a full window has passed since the rule last confirmed
 * it (so every session in the window came after), and the tutor's rate over that window is at or under the
 * flag's threshold on enough sessions to mean something. A tutor who stopped teaching keeps the flag (too few),
 * and one hovering just above the threshold keeps it too: the raise rule needs significance, this needs the rate
 * itself back under, so a flag never flaps between the two.
 */
export function decideAutoResolution(
  input: { type: PatternFlagType; lastConfirmedAt: Date; now: Date; window: WindowTally },
  t: QualityThresholds = QUALITY_THRESHOLDS,
): AutoResolutionDecision {
  const windowMs = t.autoResolveWindowDays * 86_400_000;
  const start = new Date(input.now.getTime() - windowMs);
  if (start.getTime() < input.lastConfirmedAt.getTime()) return { resolve: false, reason: 'window_not_over' };
  const m = patternMeasure(input.type, input.window, t);
  if (m.total < m.minTotal) return { resolve: false, reason: 'too_few' };
  const r = m.count / m.total;
  if (r > m.threshold) return { resolve: false, reason: 'above_threshold' };
  return {
    resolve: true,
    evidence: {
      metric: m.metric,
      window_days: t.autoResolveWindowDays,
      window_start: start.toISOString(),
      window_end: input.now.toISOString(),
      count: m.count,
      total: m.total,
      rate: r,
      threshold: m.threshold,
      min_total: m.minTotal,
      last_confirmed_at: input.lastConfirmedAt.toISOString(),
      decided_at: input.now.toISOString(),
    },
  };
}
