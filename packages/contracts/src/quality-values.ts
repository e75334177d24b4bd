/**
 * The quality module's vocabularies and limits as plain values, with no zod: the web app imports them on pages
 * that must not load zod (~29 KB as sent) to draw (filters, selects, URL parsing). The schemas in quality.ts,
 * quality-flags.ts, quality-tutors.ts and quality-analytics.ts build their enums and bounds from these and
 * re-export them, so there is still one definition of each.
 */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const FLAG_STATUSES = ['open', 'in_progress', 'resolved', 'dismissed'] as const;

/** Per-session incident flags, pattern flags over a window, and the transcript-quality flag. */
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

export const INTERVENTION_OUTCOMES = ['improved', 'no_change', 'worsened', 'pending'] as const;

/** Suggested kinds of coaching action (the column is free text; the API keeps the vocabulary small). */
export const INTERVENTION_TYPES = [
  'coaching_session',
  'warning',
  'training',
  'schedule_review',
  'peer_observation',
  'performance_plan',
  'other',
] as const;

// Tutors table query
export const TUTOR_SORTS = ['score', 'name', 'session_count', 'risk'] as const;
export const TUTOR_WINDOWS = [7, 30, 90] as const;
export const TUTOR_RISK_STATUSES = ['high_risk', 'low_risk'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
/** Scores are 0–100. */
export const SCORE_MIN = 0;
export const SCORE_MAX = 100;
/** Longest `subject` and `search` filter of the tutors table. */
export const TUTOR_TEXT_FILTER_MAX = 100;

// Trends
export const TREND_METRICS = ['avg_score', 'flag_rate', 'no_show_rate', 'reschedule_rate'] as const;
export const TREND_PERIODS = ['7d', '30d', '90d', '1y'] as const;
export const TREND_GROUPINGS = ['day', 'week', 'month'] as const;
export type TTrendMetric = (typeof TREND_METRICS)[number];
export type TTrendPeriod = (typeof TREND_PERIODS)[number];
export type TTrendGrouping = (typeof TREND_GROUPINGS)[number];

export const TREND_PERIOD_DAYS: Record<TTrendPeriod, number> = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 };
/** Which groupings make sense for a period: at least two buckets, at most one a day. */
export const TREND_ALLOWED_GROUPINGS: Record<TTrendPeriod, readonly TTrendGrouping[]> = {
  '7d': ['day'],
  '30d': ['day', 'week'],
  '90d': ['day', 'week', 'month'],
  '1y': ['day', 'week', 'month'],
};
export const TREND_DEFAULT_GROUPING: Record<TTrendPeriod, TTrendGrouping> = {
  '7d': 'day',
  '30d': 'day',
  '90d': 'week',
  '1y': 'month',
};
