/**
 * Contracts of the quality module's analytics: tier 3's nightly per-tutor analysis (trends over 7/30/90 days,
 * direction, peer percentile, churn risk), the coach overview (one request for the whole page), trend series
 * for charts, and the on-demand daily-analysis trigger. Entities shared with other endpoints (ZFlag,
 * ZScoreBreakdown) live in quality.ts. Query schemas carry no `.meta({ id })`: a querystring must stay inline
 * for OpenAPI to list its parameters.
 */
import { z } from 'zod';
import {
  TREND_ALLOWED_GROUPINGS,
  TREND_DEFAULT_GROUPING,
  TREND_GROUPINGS,
  TREND_METRICS,
  TREND_PERIOD_DAYS,
  TREND_PERIODS,
  type TTrendGrouping,
  type TTrendMetric,
  type TTrendPeriod,
} from './quality-values';
import { ZCalendarDate } from './common';
import { ZFlag, ZScoreBreakdown } from './quality';

const ZTimestamp = z.iso.datetime({ offset: true });

export const DIRECTIONS = ['improving', 'stable', 'declining'] as const;
export const ZDirection = z.enum(DIRECTIONS);
export type TDirection = z.infer<typeof ZDirection>;

// ---------------------------------------------------------------------------------------------------------
// Tier 3: one tutor's nightly analysis

/** One window of a tutor's performance trend (seed 000's `performance_trend.last_Nd`). */
export const ZTrendWindow = z
  .object({
    window_days: z.number().int(),
    sessions: z.number().int(),
    rated_sessions: z.number().int(),
    overall_score: z
      .number()
      .int()
      .min(0)
      .max(100)
      .nullable()
      .describe('null without sessions in the window'),
    breakdown: ZScoreBreakdown.nullable(),
    confidence: z.number().min(0).max(1),
    avg_rating: z.number().nullable(),
    no_show_rate: z.number().nullable(),
    late_rate: z.number().nullable(),
    early_end_rate: z.number().nullable(),
    reschedule_rate: z.number().nullable(),
    tutor_reschedule_rate: z.number().nullable(),
  })
  .loose()
  .meta({ id: 'TrendWindow' });
export type TTrendWindow = z.infer<typeof ZTrendWindow>;

export const DIRECTION_BASES = ['7d_vs_90d', '30d_vs_90d', 'insufficient_data'] as const;

export const ZPerformanceTrend = z
  .object({
    last_7d: ZTrendWindow,
    last_30d: ZTrendWindow,
    last_90d: ZTrendWindow,
    direction: z
      .object({
        value: ZDirection,
        basis: z.enum(DIRECTION_BASES).describe('Which recent window was compared with the 90-day baseline'),
        recent_score: z
          .number()
          .nullable()
          .describe('Recent window’s score, its rates shrunk toward the tutor’s own 90-day rates'),
        baseline_score: z
          .number()
          .nullable()
          .describe('The tutor’s unshrunk 90-day score (same scale as recent_score)'),
        delta: z.number().nullable().describe('recent − baseline, in score points'),
      })
      .loose(),
    rating_trend: ZDirection.nullable().describe('Last 7 days’ average rating vs the last 30 days’'),
    volume: z
      .object({
        sessions_30d: z.number().int(),
        sessions_prior_60d: z.number().int().describe('Sessions in the 60 days before the last 30'),
        change: z
          .number()
          .nullable()
          .describe(
            'Last 30 days vs the prior 60 days’ monthly average, as a fraction (−0.5 = half the volume)',
          ),
        last_session_at: ZTimestamp.nullable(),
        days_since_last_session: z.number().nullable(),
      })
      .loose(),
  })
  .loose()
  .meta({ id: 'PerformanceTrend' });
export type TPerformanceTrend = z.infer<typeof ZPerformanceTrend>;

export const ZChurnFactor = z
  .object({
    factor: z.string().describe('e.g. declining_trend, volume_drop, inactivity, low_rating, no_shows'),
    weight: z.number().describe('The model coefficient (log-odds per unit of value)'),
    value: z
      .number()
      .describe('The factor’s strength for this tutor, 0 (absent) to 1 (full); negative lowers risk'),
    contribution: z.number().describe('weight × value: what the factor adds to the log-odds'),
  })
  .meta({ id: 'ChurnFactor' });
export type TChurnFactor = z.infer<typeof ZChurnFactor>;

export const ZTutorAnalytics = z
  .object({
    tutor_id: z.string(),
    analysis_date: z.iso.date(),
    direction: ZDirection,
    percentile_rank: z
      .number()
      .int()
      .min(0)
      .max(100)
      .nullable()
      .describe('Rank of the 30-day score within the peer group (100 = best); null without a 30-day score'),
    peer_group: z
      .string()
      .describe('Main subject id, or `all` when the subject group has fewer than 5 scored tutors'),
    peer_group_size: z.number().int(),
    churn_risk_30d: z.number().min(0).max(1).describe('Probability the tutor stops teaching within 30 days'),
    churn_risk_90d: z.number().min(0).max(1),
    churn_factors: z.array(ZChurnFactor).describe('Largest contribution first'),
    performance_trend: ZPerformanceTrend,
    created_at: ZTimestamp,
  })
  .meta({ id: 'TutorAnalytics' });
export type TTutorAnalytics = z.infer<typeof ZTutorAnalytics>;

export const ZTier3Summary = z
  .object({
    analysis_date: z.iso.date(),
    tutors: z.number().int().describe('Tutors analysed (rows upserted into tutor_analytics)'),
    rescored_tutors: z.number().int().nullable().describe('Tutors rescored first; null for a past date'),
    auto_resolved_flags: z
      .number()
      .int()
      .nullable()
      .describe(
        'Pattern flags that resolved themselves (back under the threshold for a full window); null for a past date',
      ),
    improving: z.number().int(),
    declining: z.number().int(),
    high_churn_risk: z.number().int().describe('Tutors with churn_risk_30d ≥ 0.5'),
    peer_groups: z.number().int(),
    duration_ms: z.number().int(),
  })
  .meta({ id: 'Tier3Summary' });
export type TTier3Summary = z.infer<typeof ZTier3Summary>;

export const ZDailyAnalysisQuery = z.object({
  date: ZCalendarDate.optional().describe('Analysis date (UTC); defaults to today. Not in the future.'),
  wait: z
    .stringbool()
    .default(false)
    .describe('true: run now and answer 200 with the summary; false (default): enqueue and answer 202'),
});
export type TDailyAnalysisQuery = z.output<typeof ZDailyAnalysisQuery>;

export const ZDailyAnalysisQueued = z
  .object({
    queued: z.literal(true),
    analysis_date: z.iso.date(),
    job_id: z.string(),
  })
  .meta({ id: 'DailyAnalysisQueued' });
export type TDailyAnalysisQueued = z.infer<typeof ZDailyAnalysisQueued>;

export const ZDailyAnalysisDone = ZTier3Summary.extend({ queued: z.literal(false) }).meta({
  id: 'DailyAnalysisDone',
});
export type TDailyAnalysisDone = z.infer<typeof ZDailyAnalysisDone>;

// ---------------------------------------------------------------------------------------------------------
// Overview

export const ZAnalyticsOverview = z
  .object({
    generated_at: ZTimestamp,
    today: z.object({
      date: z.iso.date().describe('The UTC day counted'),
      sessions_processed: z.number().int().describe('Sessions whose processing finished today'),
      flags_raised: z.number().int().describe('Flags opened today'),
      tutors_flagged: z.number().int().describe('Distinct tutors among today’s new flags'),
    }),
    trends: z.object({
      avg_score: z
        .number()
        .nullable()
        .describe('Mean 30-day score of tutors with sessions in the last 30 days'),
      avg_score_change: z
        .number()
        .nullable()
        .describe('avg_score minus the same mean a week ago (score history); null without history'),
      flag_rate: z.number().describe('Flags raised per 100 sessions over the last 7 days'),
      flag_rate_change: z
        .number()
        .nullable()
        .describe('flag_rate minus the previous 7 days’; null without sessions then'),
      sessions_7d: z.number().int(),
      flags_7d: z.number().int(),
    }),
    top_issues: z
      .array(
        z.object({ issue: z.string().describe('Flag type'), count: z.number().int().describe('Open flags') }),
      )
      .describe('Open (and in-progress) flags by type, most first'),
    flags_by_type_daily: z
      .array(
        z.object({
          day: z.iso.date(),
          total: z.number().int(),
          by_type: z.record(z.string(), z.number().int()),
        }),
      )
      .describe('Flags raised per UTC day and type over the last 14 days, oldest first (every day present)'),
    newest_critical_flags: z.array(ZFlag).describe('The 5 newest open critical flags'),
  })
  .meta({ id: 'AnalyticsOverview' });
export type TAnalyticsOverview = z.infer<typeof ZAnalyticsOverview>;

// ---------------------------------------------------------------------------------------------------------
// Trends

export {
  TREND_ALLOWED_GROUPINGS,
  TREND_DEFAULT_GROUPING,
  TREND_GROUPINGS,
  TREND_METRICS,
  TREND_PERIOD_DAYS,
  TREND_PERIODS,
};
export type { TTrendGrouping, TTrendMetric, TTrendPeriod };

export const ZTrendsQuery = z
  .object({
    metric: z
      .enum(TREND_METRICS)
      .describe(
        'avg_score: mean 30-day tutor score (score history); flag_rate: flags raised per 100 sessions; ' +
          'no_show_rate: tutor no-shows / sessions; reschedule_rate: tutor-initiated reschedules / sessions',
      ),
    period: z.enum(TREND_PERIODS).default('30d'),
    group_by: z
      .enum(TREND_GROUPINGS)
      .optional()
      .describe('Default: day for 7d/30d, week for 90d, month for 1y. 7d allows day; 30d day or week.'),
  })
  .superRefine((q, ctx) => {
    if (q.group_by && !TREND_ALLOWED_GROUPINGS[q.period].includes(q.group_by)) {
      ctx.addIssue({
        code: 'custom',
        path: ['group_by'],
        message: `group_by=${q.group_by} does not fit period=${q.period}; use ${TREND_ALLOWED_GROUPINGS[q.period].join(' or ')}`,
      });
    }
  });
export type TTrendsQuery = z.output<typeof ZTrendsQuery>;

export const ZTrendPoint = z
  .object({
    bucket: z.iso.date().describe('First day of the bucket (UTC; weeks start on Monday)'),
    value: z.number().nullable().describe('null when the bucket has no data'),
    sample_size: z.number().int().describe('Sessions (rates) or tutor-days (avg_score) behind the value'),
  })
  .meta({ id: 'TrendPoint' });
export type TTrendPoint = z.infer<typeof ZTrendPoint>;

export const ZTrendsResponse = z
  .object({
    metric: z.enum(TREND_METRICS),
    period: z.enum(TREND_PERIODS),
    group_by: z.enum(TREND_GROUPINGS),
    from: ZTimestamp,
    to: ZTimestamp,
    points: z.array(ZTrendPoint),
  })
  .meta({ id: 'TrendsResponse' });
export type TTrendsResponse = z.infer<typeof ZTrendsResponse>;
