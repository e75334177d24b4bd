/**
 * Contracts of the coach's working endpoints in the quality module: the flags inbox and its actions
 * (resolve, dismiss, assign / re-open), coaching interventions with outcome tracking and before/after
 * metrics, and the email report ledger. Entities (ZFlag, ZIntervention, ZWindowMetrics …) live in quality.ts.
 * Query schemas carry no `.meta({ id })`: a querystring must stay inline for OpenAPI to list its parameters.
 */
import { z } from 'zod';
import { INTERVENTION_TYPES } from './quality-values';
import {
  ZCursorPage,
  ZCursorPagination,
  ZDateOrInstant,
  ZInstant,
  ZPage,
  ZPagination,
  ZText,
  ZUuid,
} from './common';
import {
  FLAG_STATUSES,
  FLAG_TYPES,
  INTERVENTION_OUTCOMES,
  SEVERITIES,
  ZFlag,
  ZFlagEvent,
  ZFlagType,
  ZIntervention,
  ZInterventionOutcome,
  ZSession,
  ZTutorScore,
  ZWindowMetrics,
} from './quality';

/** In responses. Requests take ZInstant (common.ts), which also bounds the instant to what can be stored. */
const ZTimestamp = z.iso.datetime({ offset: true });
/** `2025-03-04` (that day's 00:00 UTC) or an instant with an offset. */
const ZDateOrDateTime = ZDateOrInstant;
const ZPlatformId = ZText.min(1).max(255);
const ZNotes = ZText.trim().min(1).max(5000);

/** The instant a date-or-datetime filter means: a bare date is that day's 00:00 UTC. */
export function instantOf(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

/** A query parameter holding one value or a comma-separated list of them (`status=open,in_progress`). */
function commaList<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = new Set<string>(values);
  return ZText.max(500)
    .describe(`One or a comma-separated list of: ${values.join(', ')}`)
    .transform((raw, ctx) => {
      const parts = [
        ...new Set(
          raw
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
        ),
      ];
      const bad = parts.filter((p) => !allowed.has(p));
      if (parts.length === 0 || bad.length) {
        ctx.addIssue({
          code: 'custom',
          message: bad.length
            ? `unknown value ${bad.map((b) => `"${b}"`).join(', ')}; expected one of ${values.join(', ')}`
            : 'must not be empty',
          input: raw,
        });
        return z.NEVER;
      }
      return parts as Array<T[number]>;
    });
}

// ---------------------------------------------------------------------------------------------------------
// Flags

/**
 * `priority` (default): severity (critical first), then oldest first within a severity, so the flag that has
 * waited longest at the most serious level is at the top and nothing starves. `newest` / `oldest`: by when
 * the flag was raised. `last_seen`: most recent evidence first.
 */
export const FLAG_SORTS = ['priority', 'newest', 'oldest', 'last_seen'] as const;
export const ZFlagSort = z.enum(FLAG_SORTS);

export const ZFlagsQuery = ZCursorPagination.extend({
  tutor_id: ZPlatformId.optional().describe('Platform tutor id'),
  status: commaList(FLAG_STATUSES).optional(),
  severity: commaList(SEVERITIES).optional(),
  type: commaList(FLAG_TYPES).optional(),
  assigned_to: z
    .union([ZUuid, z.enum(['me', 'none'])])
    .optional()
    .describe('A user id, `me` (the caller) or `none` (unassigned)'),
  since: ZDateOrDateTime.optional().describe('Flags raised at or after this date (UTC day) or instant'),
  sort: ZFlagSort.default('priority').describe(
    '`priority` (default): severity desc, then oldest first; `newest`; `oldest`; `last_seen` (latest evidence first)',
  ),
});
export type TFlagsQuery = z.output<typeof ZFlagsQuery>;

export const ZFlagPage = ZCursorPage(ZFlag).meta({ id: 'FlagPage' });
export type TFlagPage = z.infer<typeof ZFlagPage>;

export const ZFlagDetail = z
  .object({
    flag: ZFlag,
    tutor: z.object({
      tutor_id: z.string(),
      name: z.string().nullable(),
      current_score: ZTutorScore.nullable().describe('The 30-day score; null before the first scoring'),
    }),
    related_sessions: z.array(ZSession).describe('The sessions in supporting_data.sessions, newest first'),
    interventions: z.array(ZIntervention).describe('Interventions recorded against this flag'),
    history: z.array(ZFlagEvent).describe('What happened to the flag, oldest first'),
  })
  .meta({ id: 'FlagDetail' });
export type TFlagDetail = z.infer<typeof ZFlagDetail>;

export { INTERVENTION_TYPES };
export const ZInterventionType = z.enum(INTERVENTION_TYPES);

const ZExpectedUpdatedAt = ZInstant.optional().describe(
  'Optimistic concurrency: the `updated_at` you last saw; a different current value answers 409 FLAG_STALE',
);

export const ZResolveFlagRequest = z
  .strictObject({
    resolution_notes: ZNotes,
    coach_agreed: z.boolean().describe('Did the coach agree this was a real issue? (feeds rule tuning)'),
    intervention_type: ZInterventionType.optional().describe('Records an intervention with the resolution'),
    intervention_description: ZNotes.optional().describe('Defaults to the resolution notes'),
    follow_up_date: ZInstant.optional().describe('When to check whether the intervention worked'),
    expected_updated_at: ZExpectedUpdatedAt,
  })
  .superRefine((b, ctx) => {
    for (const key of ['intervention_description', 'follow_up_date'] as const) {
      if (b[key] !== undefined && b.intervention_type === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'needs intervention_type' });
      }
    }
  })
  .meta({ id: 'ResolveFlagRequest' });
export type TResolveFlagRequest = z.infer<typeof ZResolveFlagRequest>;

export const ZResolveFlagResponse = z
  .object({ flag: ZFlag, intervention: ZIntervention.nullable() })
  .meta({ id: 'ResolveFlagResponse' });
export type TResolveFlagResponse = z.infer<typeof ZResolveFlagResponse>;

export const ZDismissFlagRequest = z
  .strictObject({
    notes: ZNotes.optional().describe('Why the flag is not a real issue'),
    expected_updated_at: ZExpectedUpdatedAt,
  })
  .meta({ id: 'DismissFlagRequest' });
export type TDismissFlagRequest = z.infer<typeof ZDismissFlagRequest>;

export const ZUpdateFlagRequest = z
  .strictObject({
    status: z
      .enum(['open', 'in_progress'])
      .optional()
      .describe(
        '`in_progress` takes the flag (assigned to you unless assigned_to says otherwise); `open` puts it back ' +
          '(and clears the assignee unless assigned_to is given). On a resolved or dismissed flag this re-opens it.',
      ),
    assigned_to: ZUuid.nullable().optional().describe('A coach or admin user id; null unassigns'),
    expected_updated_at: ZExpectedUpdatedAt,
  })
  .refine((b) => b.status !== undefined || b.assigned_to !== undefined, {
    message: 'send status and/or assigned_to',
  })
  .meta({ id: 'UpdateFlagRequest' });
export type TUpdateFlagRequest = z.infer<typeof ZUpdateFlagRequest>;

// ---------------------------------------------------------------------------------------------------------
// Interventions

export const ZInterventionsQuery = ZPagination.extend({
  tutor_id: ZPlatformId.optional().describe('Platform tutor id'),
  flag_id: ZUuid.optional(),
  outcome: commaList(INTERVENTION_OUTCOMES).optional(),
  due: z
    .stringbool()
    .optional()
    .describe('true: follow-up date reached, outcome still pending, not closed (soonest first)'),
  closed: z
    .stringbool()
    .optional()
    .describe('true: closed only (with before/after metrics); false: open only'),
  include_metrics: z
    .stringbool()
    .optional()
    .describe('Add before/after metrics to every item (default: only when closed=true)'),
});
export type TInterventionsQuery = z.output<typeof ZInterventionsQuery>;

export const ZMetricComparison = z
  .object({
    metric: z.string(),
    better_when: z.enum(['lower', 'higher']),
    before: z.number().nullable(),
    after: z.number().nullable(),
    change: z.number().nullable().describe('after − before'),
    verdict: z.enum(['better', 'worse', 'same', 'insufficient_data']),
  })
  .meta({ id: 'MetricComparison' });
export type TMetricComparison = z.infer<typeof ZMetricComparison>;

/** The 30 days before and after an intervention, and what they suggest about its outcome. */
const interventionMetricsShape = {
  /** The 30 days before intervention_date. */
  metrics_before: ZWindowMetrics,
  /** The 30 days from intervention_date, or up to now while they have not all passed. */
  metrics_after: ZWindowMetrics,
  after_complete: z.boolean().describe('false while fewer than 30 days have passed since the intervention'),
  suggested_outcome: ZInterventionOutcome.describe(
    'improved / worsened / no_change from the focus metrics, or pending when either window has too few sessions',
  ),
  suggestion_basis: z.object({
    focus: z.string().describe('The flag type the metrics were chosen for, or `overall`'),
    rule: z.string(),
    comparisons: z.array(ZMetricComparison),
  }),
};

export const ZInterventionDetail = ZIntervention.extend({
  flag_type: ZFlagType.nullable(),
  ...interventionMetricsShape,
}).meta({ id: 'InterventionDetail' });
export type TInterventionDetail = z.infer<typeof ZInterventionDetail>;

/** List items: the intervention, plus the before/after fields when metrics were asked for (closed=true). */
export const ZInterventionListItem = ZIntervention.extend({
  flag_type: ZFlagType.nullable(),
  ...z.object(interventionMetricsShape).partial().shape,
}).meta({ id: 'InterventionListItem' });
export type TInterventionListItem = z.infer<typeof ZInterventionListItem>;

export const ZInterventionPage = ZPage(ZInterventionListItem).meta({ id: 'InterventionPage' });
export type TInterventionPage = z.infer<typeof ZInterventionPage>;

export const ZCreateInterventionRequest = z
  .strictObject({
    tutor_id: ZPlatformId,
    flag_id: ZUuid.optional().describe('The flag this responds to (must be the same tutor’s)'),
    intervention_type: ZInterventionType,
    description: ZNotes,
    intervention_date: ZInstant.optional().describe('When it happened; defaults to now; not in the future'),
    follow_up_date: ZInstant.optional().describe('When to check the outcome; not before intervention_date'),
  })
  .meta({ id: 'CreateInterventionRequest' });
export type TCreateInterventionRequest = z.infer<typeof ZCreateInterventionRequest>;

export const ZUpdateInterventionRequest = z
  .strictObject({
    outcome: ZInterventionOutcome.optional(),
    outcome_notes: ZText.trim().max(5000).nullable().optional(),
    follow_up_date: ZInstant.nullable().optional(),
    closed: z
      .boolean()
      .optional()
      .describe('true closes (needs an outcome other than pending); false re-opens'),
    expected_updated_at: ZInstant.optional().describe(
      'Optimistic concurrency: the `updated_at` you last saw; a different current value answers 409',
    ),
  })
  .refine(
    (b) =>
      b.outcome !== undefined ||
      b.outcome_notes !== undefined ||
      b.follow_up_date !== undefined ||
      b.closed !== undefined,
    { message: 'send at least one of outcome, outcome_notes, follow_up_date, closed' },
  )
  .meta({ id: 'UpdateInterventionRequest' });
export type TUpdateInterventionRequest = z.infer<typeof ZUpdateInterventionRequest>;

// ---------------------------------------------------------------------------------------------------------
// Email reports

export const EMAIL_REPORT_STATUSES = ['pending', 'sent', 'failed'] as const;
export const EMAIL_REPORT_KINDS = ['session_report', 'critical_alert'] as const;

export const ZEmailReport = z
  .object({
    id: z.uuid(),
    kind: z.enum(EMAIL_REPORT_KINDS),
    session_id: z.uuid().nullable().describe('Internal session id (sessions.id)'),
    flag_id: z.uuid().nullable(),
    recipient_email: z.string(),
    subject: z.string(),
    status: z.enum(EMAIL_REPORT_STATUSES),
    attempts: z.number().int(),
    message_id: z.string().nullable(),
    sent_at: ZTimestamp.nullable(),
    error_message: z.string().nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'EmailReport' });
export type TEmailReport = z.infer<typeof ZEmailReport>;

export const ZEmailReportsQuery = ZPagination.extend({
  status: commaList(EMAIL_REPORT_STATUSES).optional(),
  kind: z.enum(EMAIL_REPORT_KINDS).optional(),
  session_id: ZUuid.optional(),
  flag_id: ZUuid.optional(),
});
export type TEmailReportsQuery = z.output<typeof ZEmailReportsQuery>;

export const ZEmailReportPage = ZPage(ZEmailReport).meta({ id: 'EmailReportPage' });
export type TEmailReportPage = z.infer<typeof ZEmailReportPage>;
