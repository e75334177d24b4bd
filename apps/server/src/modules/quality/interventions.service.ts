/**
 * Coaching interventions: what a coach did about a tutor (usually in answer to a flag), when to follow up,
 * and whether it worked. Owns the `interventions` table. The before/after comparison reads the tutor's
 * metrics in the 30 days before and after the intervention through the score service, and suggests an
 * outcome with `suggestOutcome` (a pure rule, documented below); the coach records the real outcome.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lte, type SQL } from 'drizzle-orm';
import type { TFlagType, TIntervention, TWindowMetrics } from '@tutorpulse/contracts/quality';
import type {
  TCreateInterventionRequest,
  TInterventionDetail,
  TInterventionListItem,
  TInterventionPage,
  TInterventionsQuery,
  TMetricComparison,
  TUpdateInterventionRequest,
} from '@tutorpulse/contracts/quality-flags';
import type { Db, DbOrTx } from '../../db/client';
import { flags, interventions } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { EventService } from '../../platform/events/events.service';
import type { AuditService } from '../identity/index';
import { actorOf, type Principal, type RequestContext } from '../../platform/auth/principal';
import { loadTutorNames, QUALITY_AUDIENCE } from './flags.core';
import type { ScoreService } from './scores.service';

export type InterventionRow = typeof interventions.$inferSelect;
type InterventionMetrics = Pick<
  TInterventionDetail,
  'metrics_before' | 'metrics_after' | 'after_complete' | 'suggested_outcome' | 'suggestion_basis'
>;

const DAY_MS = 86_400_000;
/** An intervention date this far ahead of the server clock is accepted (client clock skew). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Parallel metric queries when a page carries before/after metrics (each item costs four small queries). */
const METRICS_CONCURRENCY = 4;

// ---------------------------------------------------------------------------------------------------------
// The suggested-outcome rule (pure)

type MetricKey =
  | 'no_show_rate'
  | 'late_rate'
  | 'early_end_rate'
  | 'tutor_reschedule_rate'
  | 'avg_student_rating'
  | 'avg_first_session_rating';

const BETTER_WHEN: Record<MetricKey, 'lower' | 'higher'> = {
  no_show_rate: 'lower',
  late_rate: 'lower',
  early_end_rate: 'lower',
  tutor_reschedule_rate: 'lower',
  avg_student_rating: 'higher',
  avg_first_session_rating: 'higher',
};

/** Which metrics tell whether coaching on a flag of this type worked. */
export const FOCUS_METRICS: Record<TFlagType | 'overall', MetricKey[]> = {
  tutor_no_show: ['no_show_rate'],
  chronic_no_show: ['no_show_rate'],
  tutor_late: ['late_rate'],
  chronic_lateness: ['late_rate'],
  session_ended_early: ['early_end_rate'],
  chronic_early_end: ['early_end_rate'],
  high_reschedule_rate: ['tutor_reschedule_rate'],
  poor_first_session: ['avg_first_session_rating', 'avg_student_rating'],
  repeated_poor_first_sessions: ['avg_first_session_rating', 'avg_student_rating'],
  low_session_quality: ['avg_student_rating'],
  overall: ['no_show_rate', 'late_rate', 'early_end_rate', 'tutor_reschedule_rate', 'avg_student_rating'],
};

export const OUTCOME_RULE = {
  windowDays: 30,
  /** Sessions each window needs before its rates are compared. */
  minSessions: 5,
  /** First sessions each window needs before first-session ratings are compared. */
  minFirstSessions: 2,
  /** A rate changed when it moved by at least this much (absolute: 0.03 = 3 percentage points)… */
  rateAbsChange: 0.03,
  /** …and by at least this share of the larger of the two values (20 %), so tiny rates need real moves. */
  rateRelChange: 0.2,
  /** A rating (1-5) changed when it moved by at least this many stars. */
  ratingChange: 0.3,
} as const;
export type OutcomeRule = { readonly [K in keyof typeof OUTCOME_RULE]: number };

const RULE_TEXT =
  `Focus metrics depend on the flag type. A rate counts as changed when it moves by at least ` +
  `${OUTCOME_RULE.rateAbsChange * 100} percentage points and ${OUTCOME_RULE.rateRelChange * 100} % of the larger ` +
  `value; a rating when it moves by ${OUTCOME_RULE.ratingChange} stars or more. Each window needs ` +
  `${OUTCOME_RULE.minSessions} sessions (${OUTCOME_RULE.minFirstSessions} first sessions for first-session ` +
  `ratings). improved: some focus metric better and none worse; worsened: some worse and none better; ` +
  `no_change: none changed, or mixed; pending: no focus metric had enough data.`;

function sampleOk(m: TWindowMetrics, metric: MetricKey, rule: OutcomeRule): boolean {
  if (metric === 'avg_first_session_rating') return m.first_sessions >= rule.minFirstSessions;
  return m.total_sessions >= rule.minSessions;
}

export function compareMetric(
  metric: MetricKey,
  before: TWindowMetrics,
  after: TWindowMetrics,
  rule: OutcomeRule = OUTCOME_RULE,
): TMetricComparison {
  const b = before[metric];
  const a = after[metric];
  const betterWhen = BETTER_WHEN[metric];
  const change = a !== null && b !== null ? round4(a - b) : null;
  const base = { metric, better_when: betterWhen, before: b, after: a, change };
  if (change === null || !sampleOk(before, metric, rule) || !sampleOk(after, metric, rule)) {
    return { ...base, verdict: 'insufficient_data' };
  }
  const isRating = metric === 'avg_student_rating' || metric === 'avg_first_session_rating';
  const size = Math.abs(change);
  const changed = isRating
    ? size >= rule.ratingChange - 1e-9
    : size >= rule.rateAbsChange - 1e-9 && size >= rule.rateRelChange * Math.max(a!, b!) - 1e-9;
  if (!changed) return { ...base, verdict: 'same' };
  const better = betterWhen === 'lower' ? change < 0 : change > 0;
  return { ...base, verdict: better ? 'better' : 'worse' };
}

/** Improved / worsened / no_change from the focus metrics of the flag type; pending when data is too thin. */
export function suggestOutcome(
  flagType: TFlagType | null,
  before: TWindowMetrics,
  after: TWindowMetrics,
  rule: OutcomeRule = OUTCOME_RULE,
): Pick<InterventionMetrics, 'suggested_outcome' | 'suggestion_basis'> {
  const focus = flagType ?? 'overall';
  const comparisons = FOCUS_METRICS[focus].map((m) => compareMetric(m, before, after, rule));
  const judged = comparisons.filter((c) => c.verdict !== 'insufficient_data');
  const better = judged.some((c) => c.verdict === 'better');
  const worse = judged.some((c) => c.verdict === 'worse');
  const suggested =
    judged.length === 0
      ? 'pending'
      : better && !worse
        ? 'improved'
        : worse && !better
          ? 'worsened'
          : 'no_change';
  return { suggested_outcome: suggested, suggestion_basis: { focus, rule: RULE_TEXT, comparisons } };
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

// ---------------------------------------------------------------------------------------------------------
// Rows and DTOs

export function toInterventionDto(r: InterventionRow, tutorName: string | null): TIntervention {
  return {
    id: r.id,
    flag_id: r.flagId,
    tutor_id: r.tutorId,
    tutor_name: tutorName,
    intervention_type: r.interventionType,
    description: r.description,
    coach_id: r.coachId,
    coach_label: r.coachLabel,
    intervention_date: r.interventionDate.toISOString(),
    follow_up_date: r.followUpDate?.toISOString() ?? null,
    outcome: r.outcome,
    outcome_notes: r.outcomeNotes,
    closed_at: r.closedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** Inserts an intervention (inside the caller's transaction: resolving a flag records one atomically). */
export async function insertIntervention(
  tx: DbOrTx,
  v: {
    tutorId: string;
    flagId: string | null;
    interventionType: string;
    description: string;
    by: Principal;
    interventionDate: Date;
    followUpDate: Date | null;
    now: Date;
  },
): Promise<InterventionRow> {
  const [row] = await tx
    .insert(interventions)
    .values({
      tutorId: v.tutorId,
      flagId: v.flagId,
      interventionType: v.interventionType,
      description: v.description,
      coachId: v.by.kind === 'user' ? v.by.id : null,
      coachLabel: v.by.label,
      interventionDate: v.interventionDate,
      followUpDate: v.followUpDate,
      outcome: 'pending',
      createdAt: v.now,
      updatedAt: v.now,
    })
    .returning();
  return row!;
}

export function interventionEvent(r: InterventionRow, action: 'created' | 'updated' | 'deleted') {
  return {
    type: 'intervention.changed',
    payload: { intervention_id: r.id, tutor_id: r.tutorId, flag_id: r.flagId, action, outcome: r.outcome },
    audience: QUALITY_AUDIENCE,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `Invalid request: ${path} ${message}`, [{ path, message }]);

// ---------------------------------------------------------------------------------------------------------
// The service

export function createInterventionService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  events: EventService;
  scores: Pick<ScoreService, 'metricsBetween'>;
}) {
  const { db, clock, audit, events, scores } = deps;

  const selectWithFlagType = (tx: DbOrTx = db) =>
    tx
      .select({ i: interventions, flagType: flags.flagType })
      .from(interventions)
      .leftJoin(flags, eq(flags.id, interventions.flagId));

  /** The tutor's metrics in the 30 days before and after the intervention, and the suggested outcome. */
  async function metricsFor(
    r: InterventionRow,
    flagType: TFlagType | null,
    now: Date,
  ): Promise<InterventionMetrics> {
    const at = r.interventionDate.getTime();
    const windowMs = OUTCOME_RULE.windowDays * DAY_MS;
    const afterEnd = Math.max(at, Math.min(at + windowMs, now.getTime()));
    const [before, after] = await Promise.all([
      scores.metricsBetween(r.tutorId, new Date(at - windowMs), new Date(at)),
      scores.metricsBetween(r.tutorId, new Date(at), new Date(afterEnd)),
    ]);
    return {
      metrics_before: before,
      metrics_after: after,
      after_complete: now.getTime() >= at + windowMs,
      ...suggestOutcome(flagType, before, after),
    };
  }

  async function toItems(
    rows: Array<{ i: InterventionRow; flagType: string | null }>,
    withMetrics: boolean,
  ): Promise<TInterventionListItem[]> {
    const names = await loadTutorNames(
      db,
      rows.map((r) => r.i.tutorId),
    );
    const now = clock.now();
    return mapLimit(rows, METRICS_CONCURRENCY, async ({ i, flagType }) => {
      const base = {
        ...toInterventionDto(i, names.get(i.tutorId) ?? null),
        flag_type: flagType as TFlagType | null,
      };
      return withMetrics ? { ...base, ...(await metricsFor(i, flagType as TFlagType | null, now)) } : base;
    });
  }

  async function lockForChange(tx: DbOrTx, id: string, expectedUpdatedAt: string | undefined) {
    const [row] = await tx
      .select()
      .from(interventions)
      .where(eq(interventions.id, id))
      .for('update')
      .limit(1);
    if (!row) throw new AppError('INTERVENTION_NOT_FOUND', 'No intervention with that id', undefined, 404);
    if (expectedUpdatedAt && row.updatedAt.getTime() !== new Date(expectedUpdatedAt).getTime()) {
      throw new AppError(
        'INTERVENTION_STALE',
        'The intervention changed since you loaded it; reload and try again',
        { updated_at: row.updatedAt.toISOString() },
        409,
      );
    }
    return row;
  }

  return {
    async list(q: TInterventionsQuery): Promise<TInterventionPage> {
      const now = clock.now();
      const where: SQL[] = [];
      if (q.tutor_id) where.push(eq(interventions.tutorId, q.tutor_id));
      if (q.flag_id) where.push(eq(interventions.flagId, q.flag_id));
      if (q.outcome) where.push(inArray(interventions.outcome, q.outcome));
      if (q.due === true) {
        where.push(
          lte(interventions.followUpDate, now),
          eq(interventions.outcome, 'pending'),
          isNull(interventions.closedAt),
        );
      }
      if (q.closed === true) where.push(isNotNull(interventions.closedAt));
      if (q.closed === false) where.push(isNull(interventions.closedAt));
      const cond = where.length ? and(...where) : undefined;
      const order =
        q.due === true
          ? [asc(interventions.followUpDate), asc(interventions.id)]
          : [desc(interventions.interventionDate), desc(interventions.id)];
      const [rows, [total]] = await Promise.all([
        selectWithFlagType()
          .where(cond)
          .orderBy(...order)
          .limit(q.limit)
          .offset(q.offset),
        db.select({ n: count() }).from(interventions).where(cond),
      ]);
      const withMetrics = q.include_metrics ?? q.closed === true;
      return {
        data: await toItems(rows, withMetrics),
        total: total?.n ?? 0,
        limit: q.limit,
        offset: q.offset,
      };
    },

    /** Every intervention for a tutor, newest first, with before/after metrics (tutor detail page). */
    async listForTutor(tutorId: string): Promise<TInterventionListItem[]> {
      const rows = await selectWithFlagType()
        .where(eq(interventions.tutorId, tutorId))
        .orderBy(desc(interventions.interventionDate), desc(interventions.id));
      return toItems(rows, true);
    },

    /** Interventions recorded against one flag, oldest first (flag detail). */
    async listForFlag(flagId: string, tutorName: string | null): Promise<TIntervention[]> {
      const rows = await db
        .select()
        .from(interventions)
        .where(eq(interventions.flagId, flagId))
        .orderBy(asc(interventions.interventionDate), asc(interventions.id));
      return rows.map((r) => toInterventionDto(r, tutorName));
    },

    async get(id: string): Promise<TInterventionDetail> {
      const [row] = await selectWithFlagType().where(eq(interventions.id, id)).limit(1);
      if (!row) throw new AppError('INTERVENTION_NOT_FOUND', 'No intervention with that id', undefined, 404);
      const [item] = await toItems([row], true);
      return item as TInterventionDetail;
    },

    async create(
      body: TCreateInterventionRequest,
      by: Principal,
      ctx: RequestContext,
    ): Promise<TIntervention> {
      const now = clock.now();
      const date = body.intervention_date ? new Date(body.intervention_date) : now;
      if (date.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
        throw invalid('body.intervention_date', 'must not be in the future');
      }
      const followUp = body.follow_up_date ? new Date(body.follow_up_date) : null;
      if (followUp && followUp.getTime() < date.getTime()) {
        throw invalid('body.follow_up_date', 'must not be before intervention_date');
      }
      const names = await loadTutorNames(db, [body.tutor_id]);
      if (!names.has(body.tutor_id)) {
        throw new AppError('UNPROCESSABLE', 'No tutor with that id', [
          { path: 'body.tutor_id', message: 'unknown tutor' },
        ]);
      }
      const row = await db.transaction(async (tx) => {
        if (body.flag_id) {
          const [flag] = await tx
            .select({ tutorId: flags.tutorId })
            .from(flags)
            .where(eq(flags.id, body.flag_id));
          if (!flag || flag.tutorId !== body.tutor_id) {
            throw new AppError(
              'UNPROCESSABLE',
              flag ? 'That flag is about another tutor' : 'No flag with that id',
              [{ path: 'body.flag_id', message: flag ? 'belongs to another tutor' : 'unknown flag' }],
            );
          }
        }
        const created = await insertIntervention(tx, {
          tutorId: body.tutor_id,
          flagId: body.flag_id ?? null,
          interventionType: body.intervention_type,
          description: body.description,
          by,
          interventionDate: date,
          followUpDate: followUp,
          now,
        });
        const stored = await events.store([interventionEvent(created, 'created')], tx);
        return { created, stored };
      });
      await events.announce(row.stored);
      await audit.record({
        actor: actorOf(by),
        action: 'intervention.create',
        outcome: 'success',
        target: { type: 'intervention', id: row.created.id },
        details: {
          tutor_id: body.tutor_id,
          flag_id: body.flag_id ?? null,
          intervention_type: body.intervention_type,
        },
        ctx,
      });
      return toInterventionDto(row.created, names.get(body.tutor_id) ?? null);
    },

    async update(
      id: string,
      body: TUpdateInterventionRequest,
      by: Principal,
      ctx: RequestContext,
    ): Promise<TIntervention> {
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const row = await lockForChange(tx, id, body.expected_updated_at);
        const outcome = body.outcome ?? row.outcome;
        const closing = body.closed === true || (body.closed === undefined && row.closedAt !== null);
        if (closing && outcome === 'pending') {
          throw new AppError(
            'OUTCOME_REQUIRED',
            row.closedAt
              ? 'A closed intervention needs an outcome; re-open it (closed: false) to set it back to pending'
              : 'Record an outcome (improved, no_change or worsened) before closing',
            [{ path: 'body.outcome', message: 'must not be pending when closed' }],
            422,
          );
        }
        const followUp =
          body.follow_up_date === undefined
            ? row.followUpDate
            : body.follow_up_date === null
              ? null
              : new Date(body.follow_up_date);
        if (followUp && followUp.getTime() < row.interventionDate.getTime()) {
          throw invalid('body.follow_up_date', 'must not be before intervention_date');
        }
        const [updated] = await tx
          .update(interventions)
          .set({
            outcome,
            outcomeNotes: body.outcome_notes === undefined ? row.outcomeNotes : body.outcome_notes || null,
            followUpDate: followUp,
            closedAt: closing ? (row.closedAt ?? now) : null,
            updatedAt: now,
          })
          .where(eq(interventions.id, id))
          .returning();
        const stored = await events.store([interventionEvent(updated!, 'updated')], tx);
        return { before: row, updated: updated!, stored };
      });
      await events.announce(result.stored);
      const { before, updated } = result;
      await audit.record({
        actor: actorOf(by),
        action: 'intervention.update',
        outcome: 'success',
        target: { type: 'intervention', id },
        details: {
          ...(before.outcome !== updated.outcome
            ? { outcome: { from: before.outcome, to: updated.outcome } }
            : {}),
          ...(body.outcome_notes !== undefined ? { outcome_notes_changed: true } : {}),
          ...(body.follow_up_date !== undefined
            ? { follow_up_date: updated.followUpDate?.toISOString() ?? null }
            : {}),
          ...((before.closedAt === null) !== (updated.closedAt === null)
            ? { closed: updated.closedAt !== null }
            : {}),
        },
        ctx,
      });
      const names = await loadTutorNames(db, [updated.tutorId]);
      return toInterventionDto(updated, names.get(updated.tutorId) ?? null);
    },

    async remove(id: string, by: Principal, ctx: RequestContext): Promise<void> {
      const result = await db.transaction(async (tx) => {
        const [deleted] = await tx.delete(interventions).where(eq(interventions.id, id)).returning();
        if (!deleted)
          throw new AppError('INTERVENTION_NOT_FOUND', 'No intervention with that id', undefined, 404);
        const stored = await events.store([interventionEvent(deleted, 'deleted')], tx);
        return { deleted, stored };
      });
      await events.announce(result.stored);
      await audit.record({
        actor: actorOf(by),
        action: 'intervention.delete',
        outcome: 'success',
        target: { type: 'intervention', id },
        details: {
          tutor_id: result.deleted.tutorId,
          flag_id: result.deleted.flagId,
          intervention_type: result.deleted.interventionType,
          outcome: result.deleted.outcome,
        },
        ctx,
      });
    },
  };
}

export type InterventionService = ReturnType<typeof createInterventionService>;
