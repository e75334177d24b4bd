/**
 * Contracts of the operations module's alerts, recommendations and dashboard metrics:
 * `GET /api/alerts` (+ `/:id`, `/:id/acknowledge|resolve|dismiss`, `/export.csv`), `GET /api/recommendations`
 * (+ `/:id/accept|dismiss`) and `GET /api/operations/metrics`. Query schemas carry no `.meta({ id })`: a
 * querystring must stay inline for OpenAPI to list its parameters.
 */
import { z } from 'zod';
import { ZCursorPage, ZCursorPagination, ZText, ZUuid } from './common';

const ZTimestamp = z.iso.datetime({ offset: true });

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
/** The alert types raised by the checkers (a new checker adds its type here, for the list filters). */
export const ALERT_TYPES = [
  'tutor_quality',
  'first_session_failure_rate',
  'churn_risk',
  'supply_shortage',
  'support_call_spike',
  'forecast_accuracy_degraded',
] as const;
/** The recommendation types of the built-in generators. */
export const RECOMMENDATION_TYPES = [
  'open_tutor_hours',
  'call_customer',
  'coach_tutor',
  'pause_tutor_bookings',
  'review_first_session_matching',
] as const;
export const RECOMMENDATION_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const RECOMMENDATION_STATUSES = ['open', 'accepted', 'dismissed', 'expired'] as const;

export const ZAlertSeverity = z.enum(ALERT_SEVERITIES);
export const ZAlertStatus = z.enum(ALERT_STATUSES);

/** A query parameter holding one value or a comma-separated list of them (`status=open,acknowledged`). */
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

export const ZEvidence = z
  .object({
    ids: z
      .record(z.string(), z.array(z.string()))
      .describe('Record ids by kind: {tutor: [...], flag: [...]}'),
    metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    links: z.array(z.object({ label: z.string(), href: z.string() })),
  })
  .meta({ id: 'Evidence' });
export type TEvidence = z.infer<typeof ZEvidence>;

export const ZAlert = z
  .object({
    id: z.uuid(),
    type: z.string(),
    severity: ZAlertSeverity,
    status: ZAlertStatus,
    title: z.string(),
    description: z.string(),
    evidence: ZEvidence,
    dedupe_key: z.string().describe('What the alert is about: one open (or acknowledged) alert per key'),
    source: z.string().describe('The checker that raised it'),
    occurrences: z.number().int().describe('Pieces of evidence that fed it while active'),
    first_seen_at: ZTimestamp,
    last_seen_at: ZTimestamp,
    acknowledged_at: ZTimestamp.nullable(),
    acknowledged_by: z.string().nullable().describe('Who acknowledged it (email or label)'),
    acknowledge_note: z.string().nullable(),
    closed_at: ZTimestamp.nullable().describe('When it was resolved or dismissed'),
    closed_by: z.string().nullable().describe('Who resolved or dismissed it (`system` when automatic)'),
    close_note: z.string().nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Alert' });
export type TAlert = z.infer<typeof ZAlert>;

export const ZAlertHistoryEntry = z
  .object({
    id: z.number().int(),
    at: ZTimestamp,
    action: z
      .string()
      .describe(
        'created, evidence_added, escalated, acknowledged, resolved, dismissed, auto_resolved, deleted',
      ),
    actor: z.string(),
    note: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AlertHistoryEntry' });
export type TAlertHistoryEntry = z.infer<typeof ZAlertHistoryEntry>;

export const ALERT_SORTS = ['priority', 'newest', 'oldest'] as const;

export const ZAlertsQuery = ZCursorPagination.extend({
  status: commaList(ALERT_STATUSES).optional(),
  severity: commaList(ALERT_SEVERITIES).optional(),
  type: commaList(ALERT_TYPES).optional(),
  sort: z
    .enum(ALERT_SORTS)
    .default('priority')
    .describe('`priority` (default): active first, then severity, then oldest; `newest`; `oldest`'),
});
export type TAlertsQuery = z.output<typeof ZAlertsQuery>;

export const ZAlertPage = ZCursorPage(ZAlert).meta({ id: 'AlertPage' });
export type TAlertPage = z.infer<typeof ZAlertPage>;

export const ZAlertExportQuery = z.object({
  status: commaList(ALERT_STATUSES).optional(),
  severity: commaList(ALERT_SEVERITIES).optional(),
  type: commaList(ALERT_TYPES).optional(),
});
export type TAlertExportQuery = z.output<typeof ZAlertExportQuery>;

export const ZAlertActionRequest = z
  .strictObject({
    note: ZText.trim().min(1).max(5000).optional().describe('Why, or what was done'),
  })
  .meta({ id: 'AlertActionRequest' });
export type TAlertActionRequest = z.infer<typeof ZAlertActionRequest>;

// ---------------------------------------------------------------------------------------------------------
// Recommendations

export const ZExpectedEffect = z
  .object({
    metric: z.string(),
    change: z.number().describe('Expected change of the metric (signed), in `unit`'),
    unit: z.string(),
    text: z.string(),
  })
  .meta({ id: 'ExpectedEffect' });

export const ZMeasuredEffect = z
  .object({
    metric: z.string(),
    before: z.number().nullable(),
    after: z.number().nullable(),
    change: z.number().nullable(),
    verdict: z.enum(['achieved', 'partly', 'not_achieved', 'insufficient_data']),
    text: z.string(),
    measured_at: ZTimestamp,
  })
  .meta({ id: 'MeasuredEffect' });

export const ZRecommendation = z
  .object({
    id: z.uuid(),
    type: z.string(),
    generator: z.string(),
    priority: z.enum(RECOMMENDATION_PRIORITIES),
    status: z.enum(RECOMMENDATION_STATUSES),
    title: z.string(),
    description: z.string(),
    evidence: ZEvidence,
    expected_effect: ZExpectedEffect,
    alert_id: z.uuid().nullable(),
    expires_at: ZTimestamp,
    decided_at: ZTimestamp.nullable(),
    decided_by: z.string().nullable(),
    decision_reason: z.string().nullable(),
    measure_after: ZTimestamp.nullable().describe(
      'When the effect of an accepted recommendation is measured',
    ),
    measured_effect: ZMeasuredEffect.nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'Recommendation' });
export type TRecommendation = z.infer<typeof ZRecommendation>;

export const ZRecommendationsQuery = ZCursorPagination.extend({
  status: commaList(RECOMMENDATION_STATUSES).optional(),
  priority: commaList(RECOMMENDATION_PRIORITIES).optional(),
  type: commaList(RECOMMENDATION_TYPES).optional(),
  alert_id: ZUuid.optional(),
  sort: z
    .enum(['priority', 'newest'])
    .default('priority')
    .describe('`priority` (default): open first, then urgent … low, then oldest; `newest`'),
});
export type TRecommendationsQuery = z.output<typeof ZRecommendationsQuery>;

export const ZRecommendationPage = ZCursorPage(ZRecommendation).meta({ id: 'RecommendationPage' });
export type TRecommendationPage = z.infer<typeof ZRecommendationPage>;

export const ZRecommendationDecisionRequest = z
  .strictObject({
    reason: ZText.trim().min(1).max(5000).optional().describe('Why it was accepted or dismissed'),
  })
  .meta({ id: 'RecommendationDecisionRequest' });
export type TRecommendationDecisionRequest = z.infer<typeof ZRecommendationDecisionRequest>;

export const ZAlertDetail = z
  .object({
    alert: ZAlert,
    history: z.array(ZAlertHistoryEntry).describe('What happened to the alert, oldest first'),
    recommendations: z.array(ZRecommendation).describe('Recommendations made from it'),
  })
  .meta({ id: 'AlertDetail' });
export type TAlertDetail = z.infer<typeof ZAlertDetail>;

// ---------------------------------------------------------------------------------------------------------
// Dashboard metrics

export const ZMetricCard = z
  .object({
    key: z.string(),
    label: z.string(),
    value: z.number().nullable(),
    unit: z.enum(['count', 'ratio', 'sessions', 'probability']),
    previous: z.number().nullable().describe('The same figure a week earlier'),
    change: z.number().nullable().describe('value − previous'),
    change_pct: z.number().nullable().describe('Relative change in %, null when previous is 0 or unknown'),
    direction: z.enum(['up', 'down', 'flat']).nullable(),
    better_when: z.enum(['higher', 'lower']).nullable(),
    period: z.string().describe('What value and previous cover, in words'),
  })
  .meta({ id: 'MetricCard' });
export type TMetricCard = z.infer<typeof ZMetricCard>;

export const ZOperationsMetrics = z
  .object({
    generated_at: ZTimestamp,
    cards: z.array(ZMetricCard),
  })
  .meta({ id: 'OperationsMetrics' });
export type TOperationsMetrics = z.infer<typeof ZOperationsMetrics>;
