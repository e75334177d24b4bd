/**
 * Contracts of the quality module's tutor views: the tutors table (seed 000's TutorsQuery + seed 002's
 * risk_status / sort_order), tutor detail (seed 000's TutorResponse, with all three score windows, past flags,
 * interventions with before/after metrics and the latest nightly analysis), the score (TutorScoreResponse),
 * the reschedule history (seed 002) and the session detail (seed 000's SessionResponse). Query schemas carry no
 * `.meta({ id })`: a querystring must stay inline for OpenAPI to list its parameters.
 */
import { z } from 'zod';
import { ZPagination, ZText } from './common';
import { ZDirection, ZTutorAnalytics } from './quality-analytics';
import { ZInterventionListItem } from './quality-flags';
import {
  ZFinding,
  ZFlag,
  ZReschedule,
  ZScoreBreakdown,
  ZScoreHistoryPoint,
  ZSession,
  ZSessionAnalysis,
  ZSeverity,
  ZTutorScore,
} from './quality';
import {
  SCORE_MAX,
  SCORE_MIN,
  SORT_ORDERS,
  TUTOR_RISK_STATUSES,
  TUTOR_SORTS,
  TUTOR_TEXT_FILTER_MAX,
  TUTOR_WINDOWS,
} from './quality-values';

const ZTimestamp = z.iso.datetime({ offset: true });

export { TUTOR_SORTS, TUTOR_WINDOWS };

export const ZTutorParams = z.object({
  id: ZText.min(1).max(255).describe('Platform tutor id'),
});

/** Optional score bound from a query string (`min_score=40`): scores are whole numbers. */
const ZScoreBound = z.coerce.number().int().min(SCORE_MIN).max(SCORE_MAX);

export const ZTutorsQuery = ZPagination.extend({
  sort_by: z
    .enum(TUTOR_SORTS)
    .default('score')
    .describe(
      'score: overall score of the window; name; session_count: sessions in the window; risk: high-risk first, ' +
        'then the most severe open flag, then 30-day churn risk',
    ),
  sort_order: z
    .enum(SORT_ORDERS)
    .optional()
    .describe(
      'Default: asc for score (weakest first) and name, desc for session_count and risk. Nulls always last.',
    ),
  window: z.coerce
    .number()
    .pipe(z.union([z.literal(7), z.literal(30), z.literal(90)]))
    .default(30)
    .describe('Score window in days: 7, 30 (default) or 90'),
  min_score: ZScoreBound.optional(),
  max_score: ZScoreBound.optional(),
  has_flags: z.stringbool().optional().describe('true: tutors with open flags; false: tutors without'),
  risk_status: z
    .enum(TUTOR_RISK_STATUSES)
    .optional()
    .describe(
      'From the 30-day score’s is_high_risk (seed 002: tutor reschedule rate over 15 %, or a low score)',
    ),
  subject: ZText.min(1)
    .max(TUTOR_TEXT_FILTER_MAX)
    .optional()
    .describe('Subject id: main subject or any subject the tutor teaches'),
  search: ZText.trim()
    .min(1)
    .max(TUTOR_TEXT_FILTER_MAX)
    .optional()
    .describe('Case-insensitive match on name or tutor id'),
}).refine((q) => q.min_score === undefined || q.max_score === undefined || q.min_score <= q.max_score, {
  path: ['max_score'],
  message: 'must not be below min_score',
});
export type TTutorsQuery = z.output<typeof ZTutorsQuery>;

const ZSubjectRef = z.object({ id: z.string(), name: z.string() }).nullable();

export const ZTutorListItem = z
  .object({
    tutor_id: z.string(),
    name: z.string(),
    is_active: z.boolean(),
    main_subject: ZSubjectRef,
    window_days: z.number().int(),
    overall_score: z.number().int().nullable(),
    breakdown: ZScoreBreakdown.nullable(),
    confidence: z.number().nullable(),
    total_sessions: z.number().int().describe('Sessions in the window'),
    open_flags: z.number().int().describe('Open and in-progress flags'),
    max_open_severity: ZSeverity.nullable(),
    is_high_risk: z.boolean().describe('From the 30-day score'),
    rating_trend: ZDirection.nullable(),
    direction: ZDirection.nullable().describe('From the latest nightly analysis'),
    percentile_rank: z.number().int().nullable(),
    peer_group: z.string().nullable(),
    churn_risk_30d: z.number().nullable(),
    churn_risk_90d: z.number().nullable(),
    analysis_date: z.iso.date().nullable(),
  })
  .meta({ id: 'TutorListItem' });
export type TTutorListItem = z.infer<typeof ZTutorListItem>;

export const ZTutorPage = z
  .object({
    data: z.array(ZTutorListItem),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'TutorPage' });
export type TTutorPage = z.infer<typeof ZTutorPage>;

export const ZTutorProfile = z
  .object({
    tutor_id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    is_active: z.boolean(),
    main_subject: ZSubjectRef,
    subjects: z.array(z.object({ id: z.string(), name: z.string() })),
    hired_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'TutorProfile' });
export type TTutorProfile = z.infer<typeof ZTutorProfile>;

export const ZScoreWindows = z
  .object({
    last_7d: ZTutorScore.nullable(),
    last_30d: ZTutorScore.nullable(),
    last_90d: ZTutorScore.nullable(),
  })
  .meta({ id: 'ScoreWindows' });
export type TScoreWindows = z.infer<typeof ZScoreWindows>;

export const ZTutorDetail = z
  .object({
    tutor_id: z.string(),
    tutor: ZTutorProfile,
    current_score: ZTutorScore.nullable().describe('The 30-day score; null before the first scoring'),
    windows: ZScoreWindows,
    recent_sessions: z.array(ZSession).describe('Latest 10 by scheduled start'),
    active_flags: z.array(ZFlag).describe('Open and in-progress, most severe first'),
    past_flags: z.array(ZFlag).describe('Latest 10 resolved or dismissed'),
    performance_history: z.array(ZScoreHistoryPoint).describe('Daily 30-day score over the last 90 days'),
    interventions: z
      .array(ZInterventionListItem)
      .describe('Newest first, each with the 30 days before and after it and the suggested outcome'),
    analytics: ZTutorAnalytics.nullable().describe('The latest nightly analysis (tier 3)'),
  })
  .meta({ id: 'TutorDetail' });
export type TTutorDetail = z.infer<typeof ZTutorDetail>;

export const ZTutorScoreResponse = z
  .object({
    score: ZTutorScore.nullable().describe('The 30-day score'),
    breakdown: ZScoreBreakdown.nullable(),
    flags: z.array(ZFlag).describe('Open and in-progress flags'),
    windows: ZScoreWindows,
  })
  .meta({ id: 'TutorScoreResponse' });
export type TTutorScoreResponse = z.infer<typeof ZTutorScoreResponse>;

export const ZTutorHistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(90),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Most reschedule events returned'),
});
export type TTutorHistoryQuery = z.output<typeof ZTutorHistoryQuery>;

export const ZTutorMovesQuery = z.object({
  weeks: z.coerce.number().int().min(1).max(52).default(12).describe('Weeks back from the current week'),
});
export type TTutorMovesQuery = z.output<typeof ZTutorMovesQuery>;

const ZShareOrNull = z.number().min(0).max(1).nullable();
export const ZTutorMoveWeek = z.object({
  week_start: z.iso.date().describe('Monday of the week (UTC), by session start'),
  sessions: z.number().int().describe('Analysed sessions with tutor moves that week'),
  tutor_turns: z.number().int(),
  telling_share: ZShareOrNull.describe(
    'Mean over the week’s sessions of the expected share of telling turns',
  ),
  guiding_share: ZShareOrNull.describe('The same for focus + probing turns'),
  focus_share: ZShareOrNull,
  probing_share: ZShareOrNull,
  generic_share: ZShareOrNull,
  guidance_score: z.number().nullable().describe('Mean move guidance score'),
});
export const ZTutorMoves = z
  .object({
    tutor_id: z.string(),
    weeks: z.number().int(),
    series: z
      .array(ZTutorMoveWeek)
      .describe('One entry per week, oldest first; weeks without analyses included (0 sessions, nulls)'),
    overall: ZTutorMoveWeek.omit({ week_start: true }).describe('The same figures over the whole period'),
  })
  .meta({ id: 'TutorMoves' });
export type TTutorMoves = z.infer<typeof ZTutorMoves>;

const ZRescheduleRates = z.object({
  window_days: z.number().int(),
  total_sessions: z.number().int(),
  reschedule_count: z.number().int(),
  reschedule_rate: z.number().nullable(),
  tutor_initiated_reschedules: z.number().int(),
  tutor_reschedule_rate: z.number().nullable(),
});

export const ZTutorHistory = z
  .object({
    tutor_id: z.string(),
    days: z.number().int(),
    events: z.array(ZReschedule).describe('Reschedules in the period, newest first'),
    trend: z
      .array(
        z.object({
          day: z.iso.date(),
          tutor_reschedule_rate: z.number().nullable().describe('30-day tutor-initiated rate as of that day'),
          total_sessions: z.number().int(),
        }),
      )
      .describe('From the daily score history, oldest first'),
    rates: z.object({
      last_7d: ZRescheduleRates.nullable(),
      last_30d: ZRescheduleRates.nullable(),
      last_90d: ZRescheduleRates.nullable(),
    }),
    threshold: z.number().describe('Tutor-initiated rate over 30 days above which the tutor is flagged'),
  })
  .meta({ id: 'TutorHistory' });
export type TTutorHistory = z.infer<typeof ZTutorHistory>;

// ---------------------------------------------------------------------------------------------------------
// Session detail (GET /api/sessions/:id)

export const ZSessionDetailParams = z.object({
  id: ZText.min(1).max(255).describe('Session uuid or the platform’s session_id'),
});

export const ZSessionDetail = z
  .object({
    session: ZSession,
    findings: z.array(ZFinding).describe('What the tier 1 rules found'),
    flags: z.array(ZFlag).describe('Flags this session raised or fed'),
    analysis: ZSessionAnalysis.nullable().describe(
      'Tier 2 analysis; null without transcript/summary or not yet run',
    ),
    tutor_score: ZTutorScore.nullable().describe('The tutor’s current 30-day score'),
    reschedule: ZReschedule.nullable(),
  })
  .meta({ id: 'SessionDetail' });
export type TSessionDetail = z.infer<typeof ZSessionDetail>;
