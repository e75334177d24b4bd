/**
 * The AI usage report: calls, outcomes, tokens and an estimated cost from `ai_calls`, grouped by task, user,
 * day (UTC) or model. The cost is an estimate from the configured per-model prices (AI_PRICES, USD per million
 * tokens): tokens of a model without a price are reported as unpriced rather than guessed, local answers cost
 * nothing, and the tokens of failed answers the provider reported (bad JSON, a refusal) are counted, since
 * they were paid for.
 */
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { TAiUsageQuery, TAiUsageReport, TAiUsageRow } from '@tutorpulse/contracts/ai';
import type { Db } from '../../db/client';
import { aiCalls } from '../../db/schema/index';
import type { Clock } from '../clock';
import { AppError } from '../errors';

export type AiPrices = Record<string, { input: number; output: number }>;

const DAY_MS = 86_400_000;
export const DEFAULT_REPORT_DAYS = 30;
export const MAX_REPORT_DAYS = 366;

type Figures = Omit<TAiUsageRow, 'key'>;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function emptyFigures(): Figures & { latencySum: number; latencyCount: number } {
  return {
    calls: 0,
    ok: 0,
    fallback: 0,
    error: 0,
    local: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    avg_latency_ms: null,
    estimated_cost_usd: 0,
    unpriced_tokens: 0,
    latencySum: 0,
    latencyCount: 0,
  };
}

export function createAiUsageService(deps: { db: Db; clock: Clock; prices: AiPrices }) {
  const { db, clock, prices } = deps;

  async function report(q: TAiUsageQuery): Promise<TAiUsageReport> {
    const to = q.to ?? isoDay(clock.now());
    const from =
      q.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_REPORT_DAYS - 1) * DAY_MS));
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
    if (start >= end)
      throw new AppError('VALIDATION_FAILED', '`from` must be on or before `to`', {
        from,
        to,
      });
    if (end - start > MAX_REPORT_DAYS * DAY_MS)
      throw new AppError('VALIDATION_FAILED', `At most ${MAX_REPORT_DAYS} days per report`, { from, to });

    const key: SQL<string | null> = {
      task: sql<string>`${aiCalls.task}`,
      user: sql<string | null>`${aiCalls.userId}::text`,
      day: sql<string>`to_char(${aiCalls.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
      model: sql<string>`${aiCalls.model}`,
    }[q.group_by];
    const where = and(
      gte(aiCalls.createdAt, new Date(start)),
      lt(aiCalls.createdAt, new Date(end)),
      q.task ? eq(aiCalls.task, q.task) : undefined,
    );
    const count = (cond: SQL) => sql<number>`count(*) filter (where ${cond})`.mapWith(Number);
    // One row per group, provider and model: the price depends on the model.
    const rows = await db
      .select({
        key: key.as('key'),
        provider: aiCalls.provider,
        model: aiCalls.model,
        calls: sql<number>`count(*)`.mapWith(Number),
        ok: count(sql`${aiCalls.outcome} = 'ok'`),
        fallback: count(sql`${aiCalls.outcome} = 'fallback'`),
        error: count(sql`${aiCalls.outcome} = 'error'`),
        local: count(sql`${aiCalls.provider} = 'local'`),
        promptTokens: sql<number>`coalesce(sum(${aiCalls.promptTokens}), 0)::float8`.mapWith(Number),
        completionTokens: sql<number>`coalesce(sum(${aiCalls.completionTokens}), 0)::float8`.mapWith(Number),
        latencySum: sql<number>`coalesce(sum(${aiCalls.latencyMs}), 0)::float8`.mapWith(Number),
      })
      .from(aiCalls)
      .where(where)
      .groupBy(sql`1`, aiCalls.provider, aiCalls.model);

    const groups = new Map<string | null, ReturnType<typeof emptyFigures>>();
    const totals = emptyFigures();
    for (const r of rows) {
      const g = groups.get(r.key) ?? emptyFigures();
      groups.set(r.key, g);
      const price = r.provider === 'local' ? { input: 0, output: 0 } : prices[r.model];
      const tokens = r.promptTokens + r.completionTokens;
      const cost = price ? (r.promptTokens * price.input + r.completionTokens * price.output) / 1_000_000 : 0;
      for (const f of [g, totals]) {
        f.calls += r.calls;
        f.ok += r.ok;
        f.fallback += r.fallback;
        f.error += r.error;
        f.local += r.local;
        f.prompt_tokens += r.promptTokens;
        f.completion_tokens += r.completionTokens;
        f.estimated_cost_usd += cost;
        if (!price) f.unpriced_tokens += tokens;
        f.latencySum += r.latencySum;
        f.latencyCount += r.calls;
      }
    }
    const finish = ({ latencySum, latencyCount, ...f }: ReturnType<typeof emptyFigures>): Figures => ({
      ...f,
      avg_latency_ms: latencyCount ? Math.round(latencySum / latencyCount) : null,
      // Cents and fractions of a cent matter at this scale; more digits would be noise.
      estimated_cost_usd: Math.round(f.estimated_cost_usd * 1e6) / 1e6,
    });
    const all = [...groups].map(([k, f]) => ({ key: k, ...finish(f) }));
    all.sort((a, b) =>
      q.group_by === 'day'
        ? String(a.key).localeCompare(String(b.key))
        : b.estimated_cost_usd - a.estimated_cost_usd ||
          b.calls - a.calls ||
          String(a.key).localeCompare(String(b.key)),
    );
    return {
      from,
      to,
      group_by: q.group_by,
      rows: all.slice(0, q.limit),
      total_groups: all.length,
      totals: finish(totals),
      prices,
    };
  }

  return { report };
}

export type AiUsageService = ReturnType<typeof createAiUsageService>;
