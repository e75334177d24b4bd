/**
 * Quality module records: per-session findings, tutor flags (one open per tutor and type) and their history,
 * coaching interventions, tutor scores (current per window + daily history), transcript analyses (tier 2),
 * nightly tutor analytics (tier 3), population priors for shrinkage, and the email report ledger.
 * Owned by modules/quality.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { sessions, tutors } from './marketplace';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const FLAG_STATUSES = ['open', 'in_progress', 'resolved', 'dismissed'] as const;
export const INTERVENTION_OUTCOMES = ['improved', 'no_change', 'worsened', 'pending'] as const;

/** What each rule found on one session (kept even when no flag results, e.g. a student no-show). */
export const sessionFindings = pgTable(
  'session_findings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tutorId: text('tutor_id').notNull(),
    /** The session's scheduled start: findings are counted by window without joining sessions. */
    occurredAt: ts('occurred_at').notNull(),
    type: text('type').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    /** Minutes late / early, where relevant. */
    minutes: real('minutes'),
    blamesTutor: boolean('blames_tutor').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('session_findings_session_type_idx').on(t.sessionId, t.type),
    // A tutor's findings by time: score windows and the rollup of one (tutor, day) read a range of it.
    index('session_findings_tutor_time_idx').on(t.tutorId, t.occurredAt),
  ],
);

export type FlagSupportingData = {
  sessions: string[];
  metrics: Record<string, number | string | null>;
  [k: string]: unknown;
};

/** Evidence of a pattern flag that resolved itself (the same shape as the API's `auto_resolution`). */
export type FlagAutoResolution = {
  metric: string;
  window_days: number;
  window_start: string;
  window_end: string;
  count: number;
  total: number;
  rate: number;
  threshold: number;
  min_total: number;
  last_confirmed_at: string;
  decided_at: string;
};

export const flags = pgTable(
  'flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id),
    /** Platform session id of the latest session that raised or fed it; null for purely aggregate flags. */
    sessionId: text('session_id'),
    flagType: text('flag_type').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    recommendedAction: text('recommended_action'),
    supportingData: jsonb('supporting_data').$type<FlagSupportingData>().notNull(),
    /** How many sessions have fed this flag while open. */
    occurrences: integer('occurrences').notNull().default(1),
    status: text('status', { enum: FLAG_STATUSES }).notNull().default('open'),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    resolvedAt: ts('resolved_at'),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolutionNotes: text('resolution_notes'),
    coachAgreed: boolean('coach_agreed'),
    /** Set when the flag resolved itself (nightly): the clean window and its numbers. */
    autoResolution: jsonb('auto_resolution').$type<FlagAutoResolution>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // At most one open (or in-progress) flag per tutor and type: evidence is added to it instead.
    uniqueIndex('flags_one_open_idx')
      .on(t.tutorId, t.flagType)
      .where(sql`${t.status} in ('open','in_progress')`),
    index('flags_status_severity_idx').on(t.status, t.severity),
    index('flags_tutor_idx').on(t.tutorId),
    // The inbox's keyset sorts (platform/list-paging.ts): each ends with the id so pages never overlap.
    index('flags_created_id_idx').on(t.createdAt, t.id),
    index('flags_last_seen_id_idx').on(t.lastSeenAt, t.id),
    index('flags_priority_idx').on(flagActiveRank(t), flagSeverityRank(t), t.firstSeenAt, t.id),
    index('flags_assigned_idx').on(t.assignedTo),
  ],
);

/**
 * The inbox's triage ranks (lower first): active (open, in progress) before closed, then critical, high,
 * medium, low. The index above and the list query must use these same expressions for the index to serve.
 */
export function flagActiveRank(t: { status: AnyPgColumn }): SQL<number> {
  return sql<number>`(case when ${t.status} in ('open', 'in_progress') then 0 else 1 end)`;
}
export function flagSeverityRank(t: { severity: AnyPgColumn }): SQL<number> {
  return sql<number>`(case ${t.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end)`;
}

/** What happened to a flag: raised, evidence added, escalated, assigned, resolved, dismissed. */
export const flagEvents = pgTable(
  'flag_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    flagId: uuid('flag_id')
      .notNull()
      .references(() => flags.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    action: text('action').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorLabel: text('actor_label'),
    /** Makes a re-run job's evidence idempotent: the same session never adds twice. */
    dedupeKey: text('dedupe_key'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('flag_events_flag_idx').on(t.flagId, t.at),
    uniqueIndex('flag_events_dedupe_idx').on(t.flagId, t.dedupeKey),
  ],
);

export const interventions = pgTable(
  'interventions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flagId: uuid('flag_id').references(() => flags.id, { onDelete: 'set null' }),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id),
    interventionType: text('intervention_type').notNull(),
    description: text('description').notNull(),
    coachId: uuid('coach_id').references(() => users.id, { onDelete: 'set null' }),
    coachLabel: text('coach_label'),
    interventionDate: ts('intervention_date').notNull(),
    followUpDate: ts('follow_up_date'),
    outcome: text('outcome', { enum: INTERVENTION_OUTCOMES }).notNull().default('pending'),
    outcomeNotes: text('outcome_notes'),
    closedAt: ts('closed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('interventions_tutor_idx').on(t.tutorId),
    index('interventions_flag_idx').on(t.flagId),
    index('interventions_date_idx').on(t.interventionDate),
  ],
);

/** The current score of each tutor for each window (7, 30, 90 days): seed 000's tutor_scores, plus breakdown. */
export const tutorScores = pgTable(
  'tutor_scores',
  {
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    windowDays: smallint('window_days').notNull(),
    calculatedAt: ts('calculated_at').notNull(),
    windowStart: ts('window_start').notNull(),
    windowEnd: ts('window_end').notNull(),
    totalSessions: integer('total_sessions').notNull(),
    firstSessions: integer('first_sessions').notNull(),
    noShowCount: integer('no_show_count').notNull(),
    noShowRate: doublePrecision('no_show_rate'),
    lateCount: integer('late_count').notNull(),
    lateRate: doublePrecision('late_rate'),
    avgLatenessMinutes: doublePrecision('avg_lateness_minutes'),
    earlyEndCount: integer('early_end_count').notNull(),
    earlyEndRate: doublePrecision('early_end_rate'),
    avgEarlyEndMinutes: doublePrecision('avg_early_end_minutes'),
    rescheduleCount: integer('reschedule_count').notNull(),
    rescheduleRate: doublePrecision('reschedule_rate'),
    tutorInitiatedReschedules: integer('tutor_initiated_reschedules').notNull(),
    tutorRescheduleRate: doublePrecision('tutor_reschedule_rate'),
    studentNoShowCount: integer('student_no_show_count').notNull(),
    ratedSessions: integer('rated_sessions').notNull(),
    avgStudentRating: doublePrecision('avg_student_rating'),
    firstSessionsRated: integer('first_sessions_rated').notNull(),
    avgFirstSessionRating: doublePrecision('avg_first_session_rating'),
    poorFirstSessions: integer('poor_first_sessions').notNull(),
    ratingTrend: text('rating_trend', { enum: ['improving', 'stable', 'declining'] }),
    avgQualityScore: doublePrecision('avg_quality_score'),
    overallScore: smallint('overall_score'),
    attendanceScore: smallint('attendance_score'),
    ratingsScore: smallint('ratings_score'),
    completionScore: smallint('completion_score'),
    reliabilityScore: smallint('reliability_score'),
    confidence: doublePrecision('confidence').notNull(),
    isHighRisk: boolean('is_high_risk').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tutorId, t.windowDays] }),
    index('tutor_scores_overall_idx').on(t.windowDays, t.overallScore),
  ],
);

/** One row per tutor and day: the 30-day score as it stood at the end of that day (timeline charts). */
export const tutorScoreHistory = pgTable(
  'tutor_score_history',
  {
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    overallScore: smallint('overall_score'),
    attendanceScore: smallint('attendance_score'),
    ratingsScore: smallint('ratings_score'),
    completionScore: smallint('completion_score'),
    reliabilityScore: smallint('reliability_score'),
    confidence: doublePrecision('confidence').notNull(),
    totalSessions: integer('total_sessions').notNull(),
    noShowRate: doublePrecision('no_show_rate'),
    lateRate: doublePrecision('late_rate'),
    earlyEndRate: doublePrecision('early_end_rate'),
    tutorRescheduleRate: doublePrecision('tutor_reschedule_rate'),
    avgStudentRating: doublePrecision('avg_student_rating'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tutorId, t.day] }),
    // The marketplace's score on a day (overview "a week ago", score trends, the daily totals' score sums).
    index('tutor_score_history_day_idx').on(t.day),
  ],
);

/** Population averages per window: the prior small samples are shrunk toward. */
export const qualityPopulation = pgTable('quality_population', {
  windowDays: smallint('window_days').primaryKey(),
  computedAt: ts('computed_at').notNull(),
  tutors: integer('tutors').notNull(),
  sessions: integer('sessions').notNull(),
  noShowRate: doublePrecision('no_show_rate').notNull(),
  lateRate: doublePrecision('late_rate').notNull(),
  earlyEndRate: doublePrecision('early_end_rate').notNull(),
  tutorRescheduleRate: doublePrecision('tutor_reschedule_rate').notNull(),
  avgStudentRating: doublePrecision('avg_student_rating').notNull(),
  avgFirstSessionRating: doublePrecision('avg_first_session_rating').notNull(),
});

/** Tier 2: the analysis of one session's transcript or summary, and which provider produced it. */
export const sessionAnalyses = pgTable(
  'session_analyses',
  {
    sessionId: uuid('session_id')
      .primaryKey()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tutorId: text('tutor_id').notNull(),
    /** Session version analysed: a corrected re-send is analysed again. */
    sessionVersion: integer('session_version').notNull(),
    provider: text('provider', { enum: ['openai', 'local'] }).notNull(),
    model: text('model'),
    source: text('source', { enum: ['transcript', 'summary'] }).notNull(),
    qualityScore: smallint('quality_score').notNull(),
    empathyScore: smallint('empathy_score').notNull(),
    clarityScore: smallint('clarity_score').notNull(),
    engagement: text('engagement', { enum: ['high', 'medium', 'low'] }).notNull(),
    engagementScore: smallint('engagement_score'),
    sentiment: doublePrecision('sentiment'),
    redFlags: jsonb('red_flags')
      .$type<Array<{ type: string; description: string; quote?: string }>>()
      .notNull(),
    metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull(),
    evidence: jsonb('evidence').$type<Array<{ label: string; quote: string; speaker?: string }>>().notNull(),
    summary: text('summary'),
    /** Why the local analyzer was used instead of the configured provider (no key, timeout, bad output). */
    fallbackReason: text('fallback_reason'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    latencyMs: integer('latency_ms'),
    createdAt: ts('created_at').notNull(),
    /**
     * When the session started (copied from the session at analysis time): the tutor's move trend groups by it.
     * Null on analyses stored before it existed and not back-filled.
     */
    sessionStartedAt: ts('session_started_at'),
    /**
     * Tutor moves (issue 13): each tutor turn's move with its confidence and who labelled it, the shares, the
     * move guidance and example quotes (`SessionMoves`). Read and written whole with the analysis, so a JSONB
     * here rather than a row per turn (~300 for a one-hour session). Null from a summary.
     */
    moves: jsonb('moves').$type<SessionMovesJson>(),
    /** Expected shares of the tutor's turns by move (0–1), kept as columns for the weekly trend. */
    focusShare: real('focus_share'),
    probingShare: real('probing_share'),
    tellingShare: real('telling_share'),
    genericShare: real('generic_share'),
    /** 100·(1 − telling share); the quality score is built on it. */
    guidanceScore: smallint('guidance_score'),
  },
  (t) => [
    index('session_analyses_tutor_idx').on(t.tutorId, t.createdAt),
    index('session_analyses_tutor_started_idx').on(t.tutorId, t.sessionStartedAt),
  ],
);

/** The stored form of a session's tutor moves (mirrors ZSessionMoves in modules/quality/analysis). */
export type SessionMovesJson = {
  model: string;
  tutorTurns: number;
  shares: { focus: number; probing: number; telling: number; generic: number };
  guidance: number;
  turns: Array<{
    turn: number;
    move: 'focus' | 'probing' | 'telling' | 'generic';
    confidence: number;
    by: 'classifier' | 'llm';
  }>;
  examples: Record<
    'focus' | 'probing' | 'telling' | 'generic',
    Array<{ turn: number; quote: string; confidence: number }>
  >;
};

/** Tier 3: nightly per-tutor trends, peer percentile and churn risk. */
export const tutorAnalytics = pgTable(
  'tutor_analytics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    analysisDate: date('analysis_date', { mode: 'string' }).notNull(),
    performanceTrend: jsonb('performance_trend').$type<Record<string, unknown>>().notNull(),
    direction: text('direction', { enum: ['improving', 'stable', 'declining'] }).notNull(),
    percentileRank: smallint('percentile_rank'),
    peerGroup: text('peer_group').notNull(),
    peerGroupSize: integer('peer_group_size').notNull(),
    churnRisk30d: doublePrecision('churn_risk_30d').notNull(),
    churnRisk90d: doublePrecision('churn_risk_90d').notNull(),
    churnFactors: jsonb('churn_factors')
      .$type<Array<{ factor: string; weight: number; value: number }>>()
      .notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('tutor_analytics_tutor_date_idx').on(t.tutorId, t.analysisDate),
    index('tutor_analytics_date_idx').on(t.analysisDate),
  ],
);

/** Every mail the module sends (seed 002's email_reports): pending → sent | failed, with retries. */
export const emailReports = pgTable(
  'email_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['session_report', 'critical_alert'] }).notNull(),
    /** One mail per kind, subject and recipient, however often the job runs. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    flagId: uuid('flag_id').references(() => flags.id, { onDelete: 'cascade' }),
    recipientEmail: text('recipient_email').notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    messageId: text('message_id'),
    sentAt: ts('sent_at'),
    errorMessage: text('error_message'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('email_reports_status_idx').on(t.status, t.createdAt),
    index('email_reports_session_idx').on(t.sessionId),
  ],
);

/**
 * The counters every read over history needs, per tutor and UTC day of the scheduled start: sessions and their
 * attendance, ratings and reschedules (from the sessions), late starts, early ends, no-shows and poor first
 * sessions (from the rules' findings). Maintained by tier 1 in the transaction that scores the sessions: each
 * touched (tutor, day) is recomputed from the raw rows under an advisory lock, so replays, out-of-order
 * arrivals, corrections and concurrent passes all leave it equal to a recomputation. Rows without sessions
 * are deleted.
 */
export const qualityDailyRollups = pgTable(
  'quality_daily_rollups',
  {
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    sessions: integer('sessions').notNull(),
    firstSessions: integer('first_sessions').notNull(),
    joined: integer('joined').notNull(),
    bothJoined: integer('both_joined').notNull(),
    rated: integer('rated').notNull(),
    ratingSum: doublePrecision('rating_sum').notNull(),
    firstRated: integer('first_rated').notNull(),
    firstRatingSum: doublePrecision('first_rating_sum').notNull(),
    reschedules: integer('reschedules').notNull(),
    tutorReschedules: integer('tutor_reschedules').notNull(),
    studentReschedules: integer('student_reschedules').notNull(),
    noShows: integer('no_shows').notNull(),
    late: integer('late').notNull(),
    latenessMinutesSum: doublePrecision('lateness_minutes_sum').notNull(),
    earlyEnds: integer('early_ends').notNull(),
    earlyEndMinutesSum: doublePrecision('early_end_minutes_sum').notNull(),
    studentNoShows: integer('student_no_shows').notNull(),
    poorFirst: integer('poor_first').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tutorId, t.day] }), index('quality_daily_rollups_day_idx').on(t.day)],
);

/**
 * The marketplace per UTC day: the sum of that day's tutor rollups (recomputed from them whenever one
 * changes, under a per-day advisory lock) plus the day's 30-day scores (sum and count of the score history
 * rows of that day). Trends and the overview read a few hundred of these rows at most.
 */
export const qualityDailyTotals = pgTable('quality_daily_totals', {
  day: date('day', { mode: 'string' }).primaryKey(),
  tutors: integer('tutors').notNull().default(0),
  sessions: integer('sessions').notNull().default(0),
  firstSessions: integer('first_sessions').notNull().default(0),
  joined: integer('joined').notNull().default(0),
  bothJoined: integer('both_joined').notNull().default(0),
  rated: integer('rated').notNull().default(0),
  ratingSum: doublePrecision('rating_sum').notNull().default(0),
  firstRated: integer('first_rated').notNull().default(0),
  firstRatingSum: doublePrecision('first_rating_sum').notNull().default(0),
  reschedules: integer('reschedules').notNull().default(0),
  tutorReschedules: integer('tutor_reschedules').notNull().default(0),
  studentReschedules: integer('student_reschedules').notNull().default(0),
  noShows: integer('no_shows').notNull().default(0),
  late: integer('late').notNull().default(0),
  latenessMinutesSum: doublePrecision('lateness_minutes_sum').notNull().default(0),
  earlyEnds: integer('early_ends').notNull().default(0),
  earlyEndMinutesSum: doublePrecision('early_end_minutes_sum').notNull().default(0),
  studentNoShows: integer('student_no_shows').notNull().default(0),
  poorFirst: integer('poor_first').notNull().default(0),
  /** Sum and count of that day's 30-day scores (history rows with sessions and a score). */
  scoreSum: doublePrecision('score_sum').notNull().default(0),
  scoreCount: integer('score_count').notNull().default(0),
  updatedAt: ts('updated_at').notNull(),
});

/**
 * Where each session was last counted: its (tutor, day) in the rollups. A correction that moves a session to
 * another day or tutor recomputes both the old and the new row.
 */
export const qualityRollupSessions = pgTable('quality_rollup_sessions', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  tutorId: text('tutor_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
});

/**
 * One row per tutor with everything the tutors table sorts and filters on: the score and session count of
 * each window, risk, open flags (by severity and type), the latest nightly analysis' churn risk and direction.
 * Scores are copied from tutor_scores after each rescore; open-flag columns are kept by a trigger on flags;
 * the analysis columns after each tier 3 run; a trigger on tutors creates the row. `GET /api/tutors` reads a
 * page of these through an index instead of computing every tutor.
 */
export const tutorSummaries = pgTable(
  'tutor_summaries',
  {
    tutorId: text('tutor_id')
      .primaryKey()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    score7: smallint('score_7'),
    score30: smallint('score_30'),
    score90: smallint('score_90'),
    sessions7: integer('sessions_7').notNull().default(0),
    sessions30: integer('sessions_30').notNull().default(0),
    sessions90: integer('sessions_90').notNull().default(0),
    /** From the 30-day score. */
    isHighRisk: boolean('is_high_risk').notNull().default(false),
    tutorRescheduleRate30: doublePrecision('tutor_reschedule_rate_30'),
    scoresCalculatedAt: ts('scores_calculated_at'),
    lastSessionDay: date('last_session_day', { mode: 'string' }),
    openFlags: integer('open_flags').notNull().default(0),
    openCritical: integer('open_critical').notNull().default(0),
    openHigh: integer('open_high').notNull().default(0),
    openMedium: integer('open_medium').notNull().default(0),
    openLow: integer('open_low').notNull().default(0),
    /** 3 critical, 2 high, 1 medium, 0 low, -1 no open flag. */
    maxOpenRank: smallint('max_open_rank').notNull().default(-1),
    openByType: jsonb('open_by_type').$type<Record<string, number>>().notNull().default({}),
    churnRisk30d: doublePrecision('churn_risk_30d'),
    direction: text('direction', { enum: ['improving', 'stable', 'declining'] }),
    analysisDate: date('analysis_date', { mode: 'string' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('tutor_summaries_score_7_idx').on(t.score7, t.tutorId),
    index('tutor_summaries_score_30_idx').on(t.score30, t.tutorId),
    index('tutor_summaries_score_90_idx').on(t.score90, t.tutorId),
    index('tutor_summaries_risk_idx').on(t.isHighRisk, t.maxOpenRank, t.churnRisk30d),
  ],
);
