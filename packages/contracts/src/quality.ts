/**
 * Quality module contracts: the entities every quality endpoint returns (flags, interventions, scores,
 * findings, analyses, sessions as coaches see them). Request and query schemas live beside the endpoints'
 * own contracts (quality-flags.ts, quality-tutors.ts, quality-analytics.ts, sessions.ts).
 */
import { z } from 'zod';
import { FLAG_STATUSES, FLAG_TYPES, INTERVENTION_OUTCOMES, SEVERITIES } from './quality-values';

export { FLAG_STATUSES, FLAG_TYPES, INTERVENTION_OUTCOMES, SEVERITIES };

export const ZSeverity = z.enum(SEVERITIES);
export type TSeverity = z.infer<typeof ZSeverity>;

export const ZFlagStatus = z.enum(FLAG_STATUSES);

export const ZFlagType = z.enum(FLAG_TYPES);
export type TFlagType = z.infer<typeof ZFlagType>;

export const ZInterventionOutcome = z.enum(INTERVENTION_OUTCOMES);

const ZTimestamp = z.iso.datetime({ offset: true });

/** The evidence behind a pattern flag that resolved itself: the clean window and its numbers. */
export const ZFlagAutoResolution = z
  .object({
    metric: z.string().describe('What was measured, e.g. tutor_reschedule_rate'),
    window_days: z.number().int(),
    window_start: ZTimestamp,
    window_end: ZTimestamp,
    count: z.number().int().describe('Events in the window (reschedules, no-shows, poor first sessions, …)'),
    total: z
      .number()
      .int()
      .describe('What the events are counted out of (sessions, rated first sessions, …)'),
    rate: z.number(),
    threshold: z.number(),
    min_total: z.number().int(),
    last_confirmed_at: ZTimestamp.describe(
      'When the pattern rule last confirmed the flag; the window starts after it',
    ),
    decided_at: ZTimestamp,
  })
  .meta({ id: 'FlagAutoResolution' });
export type TFlagAutoResolution = z.infer<typeof ZFlagAutoResolution>;

export const ZFlag = z
  .object({
    id: z.uuid(),
    tutor_id: z.string(),
    tutor_name: z.string().nullable(),
    session_id: z
      .string()
      .nullable()
      .describe('Platform id of the latest session behind the flag; null for pattern flags'),
    flag_type: ZFlagType,
    severity: ZSeverity,
    title: z.string(),
    description: z.string(),
    recommended_action: z.string().nullable(),
    supporting_data: z
      .object({
        sessions: z.array(z.string()),
        metrics: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      })
      .loose(),
    occurrences: z.number().int(),
    status: ZFlagStatus,
    assigned_to: z.uuid().nullable(),
    first_seen_at: ZTimestamp,
    last_seen_at: ZTimestamp,
    resolved_at: ZTimestamp.nullable(),
    resolved_by: z.uuid().nullable(),
    resolution_notes: z.string().nullable(),
    coach_agreed: z.boolean().nullable(),
    auto_resolution: ZFlagAutoResolution.nullable().describe(
      'Set when the flag resolved itself: the tutor was back under the threshold for a full window',
    ),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Flag' });
export type TFlag = z.infer<typeof ZFlag>;

export const ZFlagEvent = z
  .object({
    id: z.number().int(),
    at: ZTimestamp,
    action: z
      .string()
      .describe(
        'raised | evidence_added | escalated | assigned | status_changed | resolved | auto_resolved | dismissed | reopened',
      ),
    actor_label: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'FlagEvent' });
export type TFlagEvent = z.infer<typeof ZFlagEvent>;

/** A tutor's metrics over a window (used for before/after comparisons and score windows). */
export const ZWindowMetrics = z
  .object({
    window_days: z.number().int(),
    window_start: ZTimestamp,
    window_end: ZTimestamp,
    total_sessions: z.number().int(),
    first_sessions: z.number().int(),
    no_show_count: z.number().int(),
    no_show_rate: z.number().nullable(),
    late_count: z.number().int(),
    late_rate: z.number().nullable(),
    avg_lateness_minutes: z.number().nullable(),
    early_end_count: z.number().int(),
    early_end_rate: z.number().nullable(),
    avg_early_end_minutes: z.number().nullable(),
    reschedule_count: z.number().int(),
    reschedule_rate: z.number().nullable(),
    tutor_initiated_reschedules: z.number().int(),
    tutor_reschedule_rate: z.number().nullable(),
    student_no_show_count: z.number().int(),
    avg_student_rating: z.number().nullable(),
    avg_first_session_rating: z.number().nullable(),
    poor_first_sessions: z.number().int(),
  })
  .meta({ id: 'WindowMetrics' });
export type TWindowMetrics = z.infer<typeof ZWindowMetrics>;

export const ZScoreBreakdown = z
  .object({
    attendance: z.number().int().min(0).max(100),
    ratings: z.number().int().min(0).max(100),
    completion: z.number().int().min(0).max(100),
    reliability: z.number().int().min(0).max(100),
  })
  .meta({ id: 'ScoreBreakdown' });

export const ZTutorScore = ZWindowMetrics.extend({
  tutor_id: z.string(),
  calculated_at: ZTimestamp,
  overall_score: z.number().int().min(0).max(100).nullable(),
  breakdown: ZScoreBreakdown.nullable(),
  confidence: z.number().min(0).max(1),
  rating_trend: z.enum(['improving', 'stable', 'declining']).nullable(),
  avg_quality_score: z.number().nullable(),
  is_high_risk: z.boolean(),
}).meta({ id: 'TutorScore' });
export type TTutorScore = z.infer<typeof ZTutorScore>;

export const ZScoreHistoryPoint = z
  .object({
    day: z.iso.date(),
    overall_score: z.number().int().nullable(),
    attendance: z.number().int().nullable(),
    ratings: z.number().int().nullable(),
    completion: z.number().int().nullable(),
    reliability: z.number().int().nullable(),
    confidence: z.number(),
    total_sessions: z.number().int(),
    no_show_rate: z.number().nullable(),
    late_rate: z.number().nullable(),
    early_end_rate: z.number().nullable(),
    tutor_reschedule_rate: z.number().nullable(),
    avg_student_rating: z.number().nullable(),
  })
  .meta({ id: 'ScoreHistoryPoint' });
export type TScoreHistoryPoint = z.infer<typeof ZScoreHistoryPoint>;

export const ZIntervention = z
  .object({
    id: z.uuid(),
    flag_id: z.uuid().nullable(),
    tutor_id: z.string(),
    tutor_name: z.string().nullable(),
    intervention_type: z.string(),
    description: z.string(),
    coach_id: z.uuid().nullable(),
    coach_label: z.string().nullable(),
    intervention_date: ZTimestamp,
    follow_up_date: ZTimestamp.nullable(),
    outcome: ZInterventionOutcome,
    outcome_notes: z.string().nullable(),
    closed_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Intervention' });
export type TIntervention = z.infer<typeof ZIntervention>;

export const ZFinding = z
  .object({
    type: z.string(),
    severity: ZSeverity,
    minutes: z.number().nullable(),
    blames_tutor: z.boolean(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'Finding' });
export type TFinding = z.infer<typeof ZFinding>;

export const TUTOR_MOVES = ['focus', 'probing', 'telling', 'generic'] as const;
export const ZTutorMove = z
  .enum(TUTOR_MOVES)
  .describe(
    'focus: points the student at a step or quantity; probing: asks them to explain or reflect; telling: reveals ' +
      'part of the solution or the answer; generic: greets, praises, keeps the session going',
  );
const ZShare = z.number().min(0).max(1);
const ZMoveExample = z.object({
  turn: z.number().int().describe('Index of the turn in the transcript (0-based, every speaker counted)'),
  quote: z.string(),
  confidence: ZShare,
});

/** A session's tutor-move profile (tier 2). */
export const ZSessionMoveProfile = z
  .object({
    model: z.string().describe('The move classifier’s version (and the LLM’s model when it labelled turns)'),
    tutor_turns: z.number().int(),
    guidance_score: z.number().int().min(0).max(100).describe('100·(1 − expected share of telling turns)'),
    shares: z
      .object({ focus: ZShare, probing: ZShare, telling: ZShare, generic: ZShare })
      .describe('Expected share of the tutor’s turns by move (each turn counted with its probabilities)'),
    examples: z
      .object({
        focus: z.array(ZMoveExample),
        probing: z.array(ZMoveExample),
        telling: z.array(ZMoveExample),
        generic: z.array(ZMoveExample),
      })
      .describe('Up to 3 quotes per move: the turns labelled most confidently'),
    turns: z
      .array(
        z.object({
          turn: z.number().int(),
          move: ZTutorMove,
          confidence: ZShare,
          by: z.enum(['classifier', 'llm']).describe('Who labelled the turn'),
        }),
      )
      .describe('Every tutor turn, in order'),
  })
  .meta({ id: 'SessionMoveProfile' });
export type TSessionMoveProfile = z.infer<typeof ZSessionMoveProfile>;

export const ZSessionAnalysis = z
  .object({
    provider: z.enum(['openai', 'local']),
    model: z.string().nullable(),
    source: z.enum(['transcript', 'summary']),
    quality_score: z.number().int().min(0).max(100),
    empathy_score: z.number().int().min(0).max(100),
    clarity_score: z.number().int().min(0).max(100),
    engagement: z.enum(['high', 'medium', 'low']),
    engagement_score: z.number().int().nullable(),
    sentiment: z.number().nullable(),
    red_flags: z.array(z.object({ type: z.string(), description: z.string(), quote: z.string().optional() })),
    metrics: z.record(z.string(), z.unknown()),
    evidence: z.array(z.object({ label: z.string(), quote: z.string(), speaker: z.string().optional() })),
    summary: z.string().nullable(),
    fallback_reason: z.string().nullable(),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    created_at: ZTimestamp,
    moves: ZSessionMoveProfile.nullable().describe(
      'Each tutor turn’s move with its confidence, the shares and example quotes; null for a summary or an analysis stored before moves existed',
    ),
  })
  .meta({ id: 'SessionAnalysis' });
export type TSessionAnalysis = z.infer<typeof ZSessionAnalysis>;

/** A session as the API returns it: the platform's fields plus processing state. */
export const ZSession = z
  .object({
    id: z.uuid(),
    session_id: z.string(),
    tutor_id: z.string(),
    tutor_name: z.string().nullable(),
    student_id: z.string(),
    student_name: z.string().nullable(),
    session_start_time: ZTimestamp,
    session_end_time: ZTimestamp,
    tutor_join_time: ZTimestamp.nullable(),
    student_join_time: ZTimestamp.nullable(),
    tutor_leave_time: ZTimestamp.nullable(),
    student_leave_time: ZTimestamp.nullable(),
    subjects_covered: z.array(z.string()),
    is_first_session: z.boolean(),
    session_length_scheduled: z.number().int().nullable(),
    session_length_actual: z.number().int().nullable(),
    was_rescheduled: z.boolean(),
    rescheduled_by: z.enum(['tutor', 'student', 'system']).nullable(),
    tutor_feedback: z.object({ rating: z.number().int(), description: z.string().nullable() }).nullable(),
    student_feedback: z.object({ rating: z.number().int(), description: z.string().nullable() }).nullable(),
    video_url: z.string().nullable(),
    transcript_url: z.string().nullable(),
    ai_summary: z.string().nullable(),
    has_transcript: z.boolean(),
    processing_status: z.enum(['received', 'processing', 'processed', 'failed']),
    version: z.number().int(),
    received_at: ZTimestamp,
    processed_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'Session' });
export type TSession = z.infer<typeof ZSession>;

export const ZReschedule = z
  .object({
    session_id: z.string(),
    initiator: z.enum(['tutor', 'student', 'system']),
    original_time: ZTimestamp,
    new_time: ZTimestamp.nullable(),
    reason: z.string().nullable(),
    reason_code: z.string().nullable(),
    cancelled_at: ZTimestamp.nullable(),
    hours_before_session: z.number().nullable(),
  })
  .meta({ id: 'Reschedule' });
export type TReschedule = z.infer<typeof ZReschedule>;
