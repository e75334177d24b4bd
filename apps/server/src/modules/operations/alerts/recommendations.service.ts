/**
 * Recommendations: made by the generators from alerts that were just created or gained evidence (one open
 * recommendation per dedupe key), accepted or dismissed by an operator with a reason, expired by a job when
 * their expiry passes, and — after acceptance — measured by a follow-up job through the generator's
 * `measureEffect` hook. Every change is an event (`recommendation_created`, `recommendation_updated`).
 */
import { and, asc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type {
  TRecommendation,
  TRecommendationPage,
  TRecommendationsQuery,
} from '@tutorpulse/contracts/operations-alerts';
import type { Db } from '../../../db/client';
import { recommendations } from '../../../db/schema/index';
import { actorOf, type Principal, type RequestContext } from '../../../platform/auth/principal';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { EventService, PublishInput } from '../../../platform/events/events.service';
import type { Logger } from '../../../platform/logger';
import {
  createListTotals,
  decodeCursor,
  DEFAULT_LIST_TOTALS,
  filtersFingerprint,
  keysetAfter,
  keysetKeyText,
  keysetOrder,
  takePage,
  type KeysetSort,
  type ListTotals,
} from '../../../platform/list-paging';
import type { AuditService } from '../../identity/index';
import { OPERATIONS_AUDIENCE } from './alerts.service';
import type { AlertView, RecommendationCandidate, RecommendationGenerator } from './plugins';

export type RecommendationRow = typeof recommendations.$inferSelect;

const openRank = sql<number>`(case when ${recommendations.status} = 'open' then 0 else 1 end)`;
const priorityRank = sql<number>`(case ${recommendations.priority} when 'urgent' then 0 when 'high' then 1 when 'medium' then 2 else 3 end)`;

const SORTS = {
  priority: {
    name: 'priority',
    dir: 'asc',
    keys: [
      { expr: openRank, type: 'int' },
      { expr: priorityRank, type: 'int' },
      { expr: recommendations.createdAt, type: 'timestamptz' },
      { expr: recommendations.id, type: 'uuid' },
    ],
  },
  newest: {
    name: 'newest',
    dir: 'desc',
    keys: [
      { expr: recommendations.createdAt, type: 'timestamptz' },
      { expr: recommendations.id, type: 'uuid' },
    ],
  },
} as const satisfies Record<TRecommendationsQuery['sort'], KeysetSort>;

export function toRecommendationDto(r: RecommendationRow): TRecommendation {
  return {
    id: r.id,
    type: r.type,
    generator: r.generator,
    priority: r.priority,
    status: r.status,
    title: r.title,
    description: r.description,
    evidence: r.evidence,
    expected_effect: r.expectedEffect,
    alert_id: r.alertId,
    expires_at: r.expiresAt.toISOString(),
    decided_at: r.decidedAt?.toISOString() ?? null,
    decided_by: r.decidedByLabel,
    decision_reason: r.decisionReason,
    measure_after: r.status === 'accepted' ? (r.measureAfter?.toISOString() ?? null) : null,
    measured_effect: r.measuredEffect ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function recEvent(
  type: 'recommendation_created' | 'recommendation_updated',
  r: RecommendationRow,
): PublishInput {
  return {
    type,
    payload: {
      recommendation_id: r.id,
      recommendation_type: r.type,
      priority: r.priority,
      status: r.status,
      title: r.title,
      alert_id: r.alertId,
    },
    audience: OPERATIONS_AUDIENCE,
  };
}

const notFound = () =>
  new AppError('RECOMMENDATION_NOT_FOUND', 'No recommendation with that id', undefined, 404);

export function createRecommendationService(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  audit: Pick<AuditService, 'record'>;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** The registered generators (by name), for baselines and effect measurement. */
  generators: () => readonly RecommendationGenerator[];
  listTotals?: ListTotals;
}) {
  const { db, clock, events, audit } = deps;
  const listTotals = deps.listTotals ?? createListTotals(DEFAULT_LIST_TOTALS(clock));
  const generatorNamed = (name: string) => deps.generators().find((g) => g.name === name);

  /** Inserts a candidate, or refreshes the open recommendation of its key. Returns the row and whether it is new. */
  async function upsert(generator: string, c: RecommendationCandidate, now: Date) {
    return db.transaction(async (tx) => {
      const [open] = await tx
        .select()
        .from(recommendations)
        .where(and(eq(recommendations.dedupeKey, c.dedupeKey), eq(recommendations.status, 'open')))
        .for('update')
        .limit(1);
      if (open) {
        if (
          open.title === c.title &&
          open.priority === c.priority &&
          open.expiresAt.getTime() === c.expiresAt.getTime()
        )
          return { row: open, created: false, stored: [] };
        const [updated] = await tx
          .update(recommendations)
          .set({
            title: c.title,
            description: c.description,
            priority: c.priority,
            evidence: c.evidence,
            expectedEffect: c.expectedEffect,
            expiresAt: c.expiresAt,
            alertId: c.alertId ?? open.alertId,
            updatedAt: now,
          })
          .where(eq(recommendations.id, open.id))
          .returning();
        return {
          row: updated!,
          created: false,
          stored: await events.store([recEvent('recommendation_updated', updated!)], tx),
        };
      }
      // Already accepted and its effect not measured yet: someone is acting on it; do not propose it again.
      const [inHand] = await tx
        .select()
        .from(recommendations)
        .where(
          and(
            eq(recommendations.dedupeKey, c.dedupeKey),
            eq(recommendations.status, 'accepted'),
            isNull(recommendations.measuredAt),
          ),
        )
        .limit(1);
      if (inHand) return { row: inHand, created: false, stored: [] };
      const [created] = await tx
        .insert(recommendations)
        .values({
          type: c.type,
          generator,
          priority: c.priority,
          title: c.title,
          description: c.description,
          evidence: c.evidence,
          expectedEffect: c.expectedEffect,
          dedupeKey: c.dedupeKey,
          alertId: c.alertId ?? null,
          expiresAt: c.expiresAt,
          measureAfter: c.measureAt ?? null,
          measureDelayS: Math.round(c.measureAfterMs / 1000),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return {
        row: created!,
        created: true,
        stored: await events.store([recEvent('recommendation_created', created!)], tx),
      };
    });
  }

  async function decide(
    id: string,
    to: 'accepted' | 'dismissed',
    reason: string | null,
    by: Principal,
    ctx: RequestContext,
  ): Promise<TRecommendation> {
    const now = clock.now();
    const userId = by.kind === 'user' ? by.id : null;
    const [current] = await db.select().from(recommendations).where(eq(recommendations.id, id)).limit(1);
    if (!current) throw notFound();
    // The baseline is read before the transaction (it may query other modules); it is only stored if the
    // recommendation is still open once locked.
    const gen = to === 'accepted' ? generatorNamed(current.generator) : undefined;
    const baseline =
      gen?.baseline && current.status === 'open'
        ? await gen
            .baseline(
              {
                id: current.id,
                type: current.type,
                dedupeKey: current.dedupeKey,
                evidence: current.evidence,
                expectedEffect: current.expectedEffect,
                acceptedAt: now,
              },
              { now },
            )
            .catch(() => null)
        : null;
    const result = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(recommendations)
        .where(eq(recommendations.id, id))
        .for('update')
        .limit(1);
      if (!row) throw notFound();
      if (row.status !== 'open') {
        throw new AppError(
          'RECOMMENDATION_NOT_OPEN',
          `The recommendation is already ${row.status}`,
          { status: row.status },
          409,
        );
      }
      const delayed = new Date(now.getTime() + row.measureDelayS * 1000);
      const measureAfter =
        to === 'accepted'
          ? new Date(Math.max(delayed.getTime(), row.measureAfter?.getTime() ?? 0))
          : row.measureAfter;
      const [updated] = await tx
        .update(recommendations)
        .set({
          status: to,
          decidedAt: now,
          decidedBy: userId,
          decidedByLabel: by.label,
          decisionReason: reason,
          measureAfter,
          baseline,
          updatedAt: now,
        })
        .where(eq(recommendations.id, id))
        .returning();
      return {
        row: updated!,
        stored: await events.store([recEvent('recommendation_updated', updated!)], tx),
      };
    });
    await events.announce(result.stored);
    await audit.record({
      actor: actorOf(by),
      action: to === 'accepted' ? 'recommendation.accept' : 'recommendation.dismiss',
      outcome: 'success',
      target: { type: 'recommendation', id },
      details: { type: result.row.type, reason },
      ctx,
    });
    return toRecommendationDto(result.row);
  }

  return {
    /** Runs each generator on the alerts of its types and stores what they propose. */
    async generateFrom(
      alerts: AlertView[],
    ): Promise<{ created: RecommendationRow[]; updated: number; failed: string[] }> {
      const now = clock.now();
      const created: RecommendationRow[] = [];
      const failed: string[] = [];
      let updated = 0;
      for (const g of deps.generators()) {
        const mine = alerts.filter((a) => g.alertTypes.includes(a.type));
        if (mine.length === 0) continue;
        let candidates: RecommendationCandidate[];
        try {
          candidates = await g.generate(mine, { now });
        } catch (err) {
          deps.logger?.warn(
            { err, generator: g.name },
            'recommendation generator failed; the next run retries',
          );
          failed.push(g.name);
          continue;
        }
        const stored = [];
        for (const c of candidates) {
          const r = await upsert(g.name, c, now);
          stored.push(...r.stored);
          if (r.created) created.push(r.row);
          else if (r.stored.length) updated++;
        }
        await events.announce(stored);
      }
      return { created, updated, failed };
    },

    accept: (id: string, reason: string | null, by: Principal, ctx: RequestContext) =>
      decide(id, 'accepted', reason, by, ctx),
    dismiss: (id: string, reason: string | null, by: Principal, ctx: RequestContext) =>
      decide(id, 'dismissed', reason, by, ctx),

    /** Closes open recommendations whose expiry has passed (the job, every 15 minutes). Idempotent. */
    async expireDue(): Promise<{ expired: number }> {
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const rows = await tx
          .update(recommendations)
          .set({
            status: 'expired',
            decidedAt: now,
            decidedByLabel: 'system',
            decisionReason: 'Expired',
            updatedAt: now,
          })
          .where(and(eq(recommendations.status, 'open'), lte(recommendations.expiresAt, now)))
          .returning();
        return {
          rows,
          stored: await events.store(
            rows.map((r) => recEvent('recommendation_updated', r)),
            tx,
          ),
        };
      });
      await events.announce(result.stored);
      return { expired: result.rows.length };
    },

    /**
     * Measures the effect of accepted recommendations whose measurement time has come, through their
     * generator's `measureEffect`. A generator answering null (not measurable yet) is asked again next run;
     * one without the hook gets an `insufficient_data` record so it is not asked forever.
     */
    async measureDue(opts: { batch?: number } = {}): Promise<{ measured: number; pending: number }> {
      const now = clock.now();
      const due = await db
        .select()
        .from(recommendations)
        .where(
          and(
            eq(recommendations.status, 'accepted'),
            isNull(recommendations.measuredAt),
            lte(recommendations.measureAfter, now),
          ),
        )
        .orderBy(asc(recommendations.measureAfter))
        .limit(opts.batch ?? 200);
      let measured = 0;
      let pending = 0;
      for (const r of due) {
        const gen = generatorNamed(r.generator);
        let effect = null;
        try {
          effect = gen?.measureEffect
            ? await gen.measureEffect(
                {
                  id: r.id,
                  type: r.type,
                  dedupeKey: r.dedupeKey,
                  evidence: r.evidence,
                  expectedEffect: r.expectedEffect,
                  acceptedAt: r.decidedAt ?? r.updatedAt,
                  baseline: r.baseline ?? null,
                },
                { now },
              )
            : {
                metric: r.expectedEffect.metric,
                before: null,
                after: null,
                change: null,
                verdict: 'insufficient_data' as const,
                text: gen
                  ? 'This kind of recommendation has no measurement.'
                  : `Generator ${r.generator} is not registered.`,
                measured_at: now.toISOString(),
              };
        } catch (err) {
          deps.logger?.warn({ err, recommendation: r.id }, 'effect measurement failed; the next run retries');
        }
        if (!effect) {
          pending++;
          continue;
        }
        const result = await db.transaction(async (tx) => {
          const [row] = await tx
            .update(recommendations)
            .set({ measuredEffect: effect, measuredAt: now, updatedAt: now })
            .where(and(eq(recommendations.id, r.id), isNull(recommendations.measuredAt)))
            .returning();
          return row ? await events.store([recEvent('recommendation_updated', row)], tx) : [];
        });
        await events.announce(result);
        if (result.length) measured++;
      }
      return { measured, pending };
    },

    async list(q: TRecommendationsQuery): Promise<TRecommendationPage> {
      const where: SQL[] = [];
      if (q.status) where.push(inArray(recommendations.status, q.status));
      if (q.priority) where.push(inArray(recommendations.priority, q.priority));
      if (q.type) where.push(inArray(recommendations.type, q.type));
      if (q.alert_id) where.push(eq(recommendations.alertId, q.alert_id));
      const cond = where.length ? and(...where) : undefined;
      const sort = SORTS[q.sort];
      const fingerprint = filtersFingerprint({
        status: q.status,
        priority: q.priority,
        type: q.type,
        alert_id: q.alert_id,
      });
      const after = decodeCursor(q.cursor, { sort, fingerprint, offset: q.offset });
      const [rows, total] = await Promise.all([
        db
          .select({ rec: recommendations, sortKey: keysetKeyText(sort) })
          .from(recommendations)
          .where(and(cond, after ? keysetAfter(sort, after) : undefined))
          .orderBy(...keysetOrder(sort))
          .limit(q.limit + 1)
          .offset(q.offset),
        listTotals.count(
          db,
          `recommendations:${fingerprint}`,
          db
            .select({ one: sql`1` })
            .from(recommendations)
            .where(cond),
        ),
      ]);
      const page = takePage(rows, q.limit, sort, fingerprint, (r) => r.sortKey);
      return {
        data: page.rows.map((r) => toRecommendationDto(r.rec)),
        total: total.total,
        total_is_estimate: total.isEstimate,
        limit: q.limit,
        offset: q.offset,
        next_cursor: page.nextCursor,
      };
    },

    async listForAlert(alertId: string): Promise<TRecommendation[]> {
      const rows = await db
        .select()
        .from(recommendations)
        .where(eq(recommendations.alertId, alertId))
        .orderBy(asc(recommendations.createdAt), asc(recommendations.id));
      return rows.map(toRecommendationDto);
    },

    async get(id: string): Promise<TRecommendation> {
      const [row] = await db.select().from(recommendations).where(eq(recommendations.id, id)).limit(1);
      if (!row) throw notFound();
      return toRecommendationDto(row);
    },
  };
}

export type RecommendationService = ReturnType<typeof createRecommendationService>;
