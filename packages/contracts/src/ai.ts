/** The AI usage report (admin): calls, tokens and estimated cost of AI tasks, grouped by task, user, day or model. */
import { z } from 'zod';
import { ZCalendarDate, ZText } from './common';

export const AI_USAGE_GROUPS = ['task', 'user', 'day', 'model'] as const;
export const AI_CALL_OUTCOMES = ['ok', 'fallback', 'error'] as const;

export const ZAiUsageQuery = z.strictObject({
  /** First day (UTC), inclusive; default 29 days before `to`. */
  from: ZCalendarDate.optional(),
  /** Last day (UTC), inclusive; default today. */
  to: ZCalendarDate.optional(),
  group_by: z.enum(AI_USAGE_GROUPS).default('task'),
  /** Only this task, e.g. `quality.session_analysis`. */
  task: ZText.min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TAiUsageQuery = z.infer<typeof ZAiUsageQuery>;

const ZAiUsageFigures = z.object({
  calls: z.int().min(0),
  ok: z.int().min(0),
  /** The model failed and the task's local answer was used. */
  fallback: z.int().min(0),
  error: z.int().min(0),
  /** Answered by the local function (no provider configured), not counting fallbacks. */
  local: z.int().min(0),
  prompt_tokens: z.int().min(0),
  completion_tokens: z.int().min(0),
  avg_latency_ms: z.int().min(0).nullable(),
  /** From the configured prices of the models with one (AI_PRICES); local answers cost nothing. */
  estimated_cost_usd: z.number().min(0),
  /** Tokens of models without a configured price: not in the estimate. */
  unpriced_tokens: z.int().min(0),
});

export const ZAiUsageRow = ZAiUsageFigures.extend({
  /** The task name, user id (null: system work such as tier 2 jobs), day (YYYY-MM-DD, UTC) or model. */
  key: z.string().nullable(),
});
export type TAiUsageRow = z.infer<typeof ZAiUsageRow>;

export const ZAiUsageReport = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    group_by: z.enum(AI_USAGE_GROUPS),
    rows: z.array(ZAiUsageRow),
    /** Groups in the period; `rows` holds at most `limit` of them (by estimated cost, then calls). */
    total_groups: z.int().min(0),
    totals: ZAiUsageFigures,
    /** USD per million tokens, by model, as configured. */
    prices: z.record(z.string(), z.object({ input: z.number(), output: z.number() })),
  })
  .meta({ id: 'AiUsageReport' });
export type TAiUsageReport = z.infer<typeof ZAiUsageReport>;
