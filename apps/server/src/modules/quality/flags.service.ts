/**
 * The coach's side of flags: the inbox (filters, triage order, pagination), a flag's detail (tutor, score,
 * supporting sessions, interventions, history), and the state machine a coach drives:
 *
 *   open ⇄ in_progress ──resolve──► resolved      (resolved / dismissed are final for resolve and dismiss: 409)
 *        └──────────────dismiss──► dismissed     PATCH {status} re-opens a closed flag, unless the tutor already
 *                                                 has another open flag of that type (the partial unique index).
 *
 * Every change runs in one transaction that locks the flag row (FOR UPDATE), writes a flag_events row and
 * stores the `flag.updated` event; it is announced and audited after the commit. Raising flags lives in
 * flags.core.ts (tier 1 / tier 2). `autoResolve` (nightly, tier 3) closes pattern flags whose tutor has been
 * back under the threshold for a full window, the same way, as the system, with the evidence on the flag.
 */
import { and, asc, eq, gte, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { TFlag, TFlagEvent, TSession, TTutorScore } from '@tutorpulse/contracts/quality';
import {
  instantOf,
  type TDismissFlagRequest,
  type TFlagDetail,
  ZFlagDetail,
  type TFlagPage,
  type TFlagsQuery,
  type TResolveFlagRequest,
  type TResolveFlagResponse,
  type TUpdateFlagRequest,
} from '@tutorpulse/contracts/quality-flags';
import type { Db, DbOrTx } from '../../db/client';
import { flagActiveRank, flagEvents, flags, flagSeverityRank, tutors } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import type { ReadCache } from '../../platform/cache/read-cache';
import { AppError } from '../../platform/errors';
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
} from '../../platform/list-paging';
import type { EventService } from '../../platform/events/events.service';
import type { AuditService } from '../identity/index';
import { actorOf, type Principal, type RequestContext } from '../../platform/auth/principal';
import { loadTutorNames, QUALITY_AUDIENCE, toFlagDto, type FlagRow } from './flags.core';
import { EMPTY_COUNTS, loadWindowCounts } from './metrics';
import { decideAutoResolution, isPatternFlagType, PATTERN_FLAG_TYPES } from './rules';
import { createSharedViews } from './shared-views';
import { QUALITY_THRESHOLDS, type QualityThresholds } from './thresholds';
import {
  insertIntervention,
  interventionEvent,
  toInterventionDto,
  type InterventionRow,
  type InterventionService,
} from './interventions.service';

/** What this module needs from the sessions module (its service satisfies it structurally). */
export type SessionLookup = {
  listByPlatformIds(ids: string[]): Promise<TSession[]>;
  getSessionDto(idOrPlatformId: string): Promise<TSession | null>;
};

const ACTIVE = ['open', 'in_progress'] as const;
const isClosed = (f: FlagRow) => f.status === 'resolved' || f.status === 'dismissed';

/**
 * The inbox's sorts, as keysets ending with the id. `priority` is triage order: active before closed, most
 * severe first, then the flag waiting longest; its ranks are the expressions of the flags_priority_idx index
 * (written once, in the schema), so the planner reads that index instead of sorting.
 */
const FLAG_LIST_SORTS = {
  priority: {
    name: 'priority',
    dir: 'asc',
    keys: [
      { expr: flagActiveRank(flags), type: 'int' },
      { expr: flagSeverityRank(flags), type: 'int' },
      { expr: flags.firstSeenAt, type: 'timestamptz' },
      { expr: flags.id, type: 'uuid' },
    ],
  },
  newest: {
    name: 'newest',
    dir: 'desc',
    keys: [
      { expr: flags.createdAt, type: 'timestamptz' },
      { expr: flags.id, type: 'uuid' },
    ],
  },
  oldest: {
    name: 'oldest',
    dir: 'asc',
    keys: [
      { expr: flags.createdAt, type: 'timestamptz' },
      { expr: flags.id, type: 'uuid' },
    ],
  },
  last_seen: {
    name: 'last_seen',
    dir: 'desc',
    keys: [
      { expr: flags.lastSeenAt, type: 'timestamptz' },
      { expr: flags.id, type: 'uuid' },
    ],
  },
} as const satisfies Record<TFlagsQuery['sort'], KeysetSort>;

/** Postgres error code of a driver error, however drizzle wrapped it. */
function pgCode(err: unknown): string | undefined {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

const notFound = () => new AppError('FLAG_NOT_FOUND', 'No flag with that id', undefined, 404);

function toEventDto(e: typeof flagEvents.$inferSelect): TFlagEvent {
  return {
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    actor_label: e.actorLabel,
    details: e.details ?? null,
  };
}

export function createFlagService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  events: EventService;
  scores: { current(tutorId: string): Promise<Map<number, TTutorScore>> };
  sessions: Pick<SessionLookup, 'listByPlatformIds'>;
  interventions: Pick<InterventionService, 'listForFlag'>;
  thresholds?: QualityThresholds;
  /** Totals of the inbox (config: LIST_EXACT_COUNT_LIMIT / LIST_COUNT_CACHE_SECONDS). */
  listTotals?: ListTotals;
  /** Keeps the flag detail serialized and shared (see shared-views.ts); without it every call computes. */
  cache?: ReadCache;
}) {
  const { db, clock, audit, events } = deps;
  const sharedView = createSharedViews(deps.cache);
  const thresholds = deps.thresholds ?? QUALITY_THRESHOLDS;
  const listTotals = deps.listTotals ?? createListTotals(DEFAULT_LIST_TOTALS(clock));

  async function withName(f: FlagRow): Promise<TFlag> {
    const names = await loadTutorNames(db, [f.tutorId]);
    return toFlagDto(f, names.get(f.tutorId) ?? null);
  }

  function flagEvent(f: FlagRow) {
    return {
      type: 'flag.updated',
      payload: {
        flag_id: f.id,
        tutor_id: f.tutorId,
        flag_type: f.flagType,
        severity: f.severity,
        status: f.status,
      },
      audience: QUALITY_AUDIENCE,
    };
  }

  /** Locks the flag for a change and checks the caller's view of it is current. */
  async function lockForChange(
    tx: DbOrTx,
    id: string,
    expectedUpdatedAt: string | undefined,
  ): Promise<FlagRow> {
    const [row] = await tx.select().from(flags).where(eq(flags.id, id)).for('update').limit(1);
    if (!row) throw notFound();
    if (expectedUpdatedAt && row.updatedAt.getTime() !== new Date(expectedUpdatedAt).getTime()) {
      throw new AppError(
        'FLAG_STALE',
        'The flag changed since you loaded it; reload and try again',
        { updated_at: row.updatedAt.toISOString(), status: row.status },
        409,
      );
    }
    return row;
  }

  function refuseClosed(row: FlagRow): never {
    throw new AppError(
      'FLAG_ALREADY_CLOSED',
      `The flag is already ${row.status}`,
      { status: row.status, resolved_at: row.resolvedAt?.toISOString() ?? null },
      409,
    );
  }

  /** Closes a flag (resolve or dismiss): one transaction, then the event is announced and the change audited. */
  async function close(
    id: string,
    to: 'resolved' | 'dismissed',
    input: {
      notes: string | null;
      coachAgreed: boolean;
      expectedUpdatedAt: string | undefined;
      intervention?: { type: string; description: string; followUp: Date | null };
    },
    by: Principal,
    ctx: RequestContext,
  ): Promise<{ flag: FlagRow; intervention: InterventionRow | null }> {
    const now = clock.now();
    const userId = by.kind === 'user' ? by.id : null;
    if (input.intervention?.followUp && input.intervention.followUp.getTime() < now.getTime()) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Invalid request: body.follow_up_date must not be in the past',
        [{ path: 'body.follow_up_date', message: 'must not be in the past' }],
      );
    }
    const result = await db.transaction(async (tx) => {
      const row = await lockForChange(tx, id, input.expectedUpdatedAt);
      if (isClosed(row)) refuseClosed(row);
      const [updated] = await tx
        .update(flags)
        .set({
          status: to,
          resolvedAt: now,
          resolvedBy: userId,
          resolutionNotes: input.notes,
          coachAgreed: input.coachAgreed,
          updatedAt: now,
        })
        .where(eq(flags.id, id))
        .returning();
      const intervention = input.intervention
        ? await insertIntervention(tx, {
            tutorId: row.tutorId,
            flagId: row.id,
            interventionType: input.intervention.type,
            description: input.intervention.description,
            by,
            interventionDate: now,
            followUpDate: input.intervention.followUp,
            now,
          })
        : null;
      await tx.insert(flagEvents).values({
        flagId: id,
        at: now,
        action: to,
        actorId: userId,
        actorLabel: by.label,
        details: {
          from: row.status,
          notes: input.notes,
          coach_agreed: input.coachAgreed,
          intervention_id: intervention?.id ?? null,
        },
      });
      const stored = await events.store(
        [flagEvent(updated!), ...(intervention ? [interventionEvent(intervention, 'created')] : [])],
        tx,
      );
      return { before: row, flag: updated!, intervention, stored };
    });
    await events.announce(result.stored);
    await audit.record({
      actor: actorOf(by),
      action: to === 'resolved' ? 'flag.resolve' : 'flag.dismiss',
      outcome: 'success',
      target: { type: 'flag', id },
      details: {
        tutor_id: result.flag.tutorId,
        flag_type: result.flag.flagType,
        from: result.before.status,
        coach_agreed: input.coachAgreed,
        intervention_id: result.intervention?.id ?? null,
      },
      ctx,
    });
    return { flag: result.flag, intervention: result.intervention };
  }

  const service = {
    /** The inbox. `viewerId` resolves `assigned_to=me`. */
    async list(q: TFlagsQuery, viewerId: string | null): Promise<TFlagPage> {
      const where: SQL[] = [];
      if (q.tutor_id) where.push(eq(flags.tutorId, q.tutor_id));
      if (q.status) where.push(inArray(flags.status, q.status));
      if (q.severity) where.push(inArray(flags.severity, q.severity));
      if (q.type) where.push(inArray(flags.flagType, q.type));
      if (q.assigned_to === 'none') where.push(isNull(flags.assignedTo));
      else if (q.assigned_to === 'me') where.push(viewerId ? eq(flags.assignedTo, viewerId) : sql`false`);
      else if (q.assigned_to) where.push(eq(flags.assignedTo, q.assigned_to));
      if (q.since) where.push(gte(flags.createdAt, instantOf(q.since)));
      const cond = where.length ? and(...where) : undefined;
      const sort = FLAG_LIST_SORTS[q.sort];
      const fingerprint = filtersFingerprint({
        tutor_id: q.tutor_id,
        status: q.status,
        severity: q.severity,
        type: q.type,
        // `me` is whoever asks: a cursor passed to a colleague continues their own list, not the sender's.
        assigned_to: q.assigned_to === 'me' ? `me:${viewerId ?? ''}` : q.assigned_to,
        since: q.since,
      });
      const after = decodeCursor(q.cursor, { sort, fingerprint, offset: q.offset });
      const [rows, total] = await Promise.all([
        db
          .select({ flag: flags, sortKey: keysetKeyText(sort) })
          .from(flags)
          .where(and(cond, after ? keysetAfter(sort, after) : undefined))
          .orderBy(...keysetOrder(sort))
          .limit(q.limit + 1)
          .offset(q.offset),
        listTotals.count(
          db,
          `flags:${fingerprint}`,
          db
            .select({ one: sql`1` })
            .from(flags)
            .where(cond),
        ),
      ]);
      const page = takePage(rows, q.limit, sort, fingerprint, (r) => r.sortKey);
      const names = await loadTutorNames(
        db,
        page.rows.map((r) => r.flag.tutorId),
      );
      return {
        data: page.rows.map((r) => toFlagDto(r.flag, names.get(r.flag.tutorId) ?? null)),
        total: total.total,
        total_is_estimate: total.isEstimate,
        limit: q.limit,
        offset: q.offset,
        next_cursor: page.nextCursor,
      };
    },

    async get(id: string): Promise<TFlagDetail> {
      // The flag with its tutor's name in one read, then everything else about it at once.
      const [found] = await db
        .select({ row: flags, name: tutors.name })
        .from(flags)
        .leftJoin(tutors, eq(tutors.id, flags.tutorId))
        .where(eq(flags.id, id))
        .limit(1);
      if (!found) throw notFound();
      const { row, name } = found;
      const sessionIds = [
        ...new Set([...(row.supportingData.sessions ?? []), ...(row.sessionId ? [row.sessionId] : [])]),
      ];
      const [scores, sessions, interventions, history] = await Promise.all([
        deps.scores.current(row.tutorId),
        sessionIds.length ? deps.sessions.listByPlatformIds(sessionIds) : Promise.resolve([]),
        deps.interventions.listForFlag(row.id, name),
        db
          .select()
          .from(flagEvents)
          .where(eq(flagEvents.flagId, id))
          .orderBy(asc(flagEvents.at), asc(flagEvents.id)),
      ]);
      return {
        flag: toFlagDto(row, name),
        tutor: { tutor_id: row.tutorId, name, current_score: scores.get(30) ?? null },
        related_sessions: [...sessions].sort((a, b) =>
          b.session_start_time.localeCompare(a.session_start_time),
        ),
        interventions,
        history: history.map(toEventDto),
      };
    },

    /** The flag detail as JSON text, shared by every reader until an event changes it (see `get`). */
    getJson(id: string): Promise<string> {
      return sharedView(`flag:${id}`, ZFlagDetail, () => service.get(id));
    },

    async resolve(
      id: string,
      body: TResolveFlagRequest,
      by: Principal,
      ctx: RequestContext,
    ): Promise<TResolveFlagResponse> {
      const r = await close(
        id,
        'resolved',
        {
          notes: body.resolution_notes,
          coachAgreed: body.coach_agreed,
          expectedUpdatedAt: body.expected_updated_at,
          intervention: body.intervention_type
            ? {
                type: body.intervention_type,
                description: body.intervention_description ?? body.resolution_notes,
                followUp: body.follow_up_date ? new Date(body.follow_up_date) : null,
              }
            : undefined,
        },
        by,
        ctx,
      );
      const flag = await withName(r.flag);
      return {
        flag,
        intervention: r.intervention ? toInterventionDto(r.intervention, flag.tutor_name) : null,
      };
    },

    async dismiss(
      id: string,
      body: TDismissFlagRequest | null | undefined,
      by: Principal,
      ctx: RequestContext,
    ): Promise<TFlag> {
      const r = await close(
        id,
        'dismissed',
        { notes: body?.notes ?? null, coachAgreed: false, expectedUpdatedAt: body?.expected_updated_at },
        by,
        ctx,
      );
      return withName(r.flag);
    },

    /**
     * Resolves the open pattern flags whose tutor has been back under the threshold for a full window since
     * the rule last confirmed them (`decideAutoResolution`), storing the evidence on the flag. Idempotent and
     * safe to run concurrently (jobs are at-least-once): each flag is locked and re-checked before it changes,
     * so a flag closed, or confirmed again by tier 1, since it was read is left alone. A behaviour that comes
     * back later raises a new flag (only open flags take evidence).
     */
    async autoResolve(opts: { now?: Date } = {}): Promise<{ checked: number; resolved: FlagRow[] }> {
      const now = opts.now ?? clock.now();
      const windowStart = new Date(now.getTime() - thresholds.autoResolveWindowDays * 86_400_000);
      const candidates = await db
        .select()
        .from(flags)
        .where(
          and(
            inArray(flags.status, [...ACTIVE]),
            inArray(flags.flagType, [...PATTERN_FLAG_TYPES]),
            lte(flags.lastSeenAt, windowStart),
          ),
        )
        .orderBy(asc(flags.tutorId), asc(flags.flagType));
      if (candidates.length === 0) return { checked: 0, resolved: [] };
      const counts = await loadWindowCounts(db, {
        tutorIds: [...new Set(candidates.map((f) => f.tutorId))],
        now,
        windowsDays: [thresholds.autoResolveWindowDays],
      });
      const resolved: FlagRow[] = [];
      for (const candidate of candidates) {
        if (!isPatternFlagType(candidate.flagType)) continue;
        const type = candidate.flagType;
        const c = counts.get(candidate.tutorId)?.get(thresholds.autoResolveWindowDays) ?? EMPTY_COUNTS;
        const decision = decideAutoResolution(
          { type, lastConfirmedAt: candidate.lastSeenAt, now, window: c },
          thresholds,
        );
        if (!decision.resolve) continue;
        const e = decision.evidence;
        const notes =
          `Resolved automatically: ${e.count} of ${e.total} (${(e.rate * 100).toFixed(1)}%) over the ${e.window_days} days ` +
          `to ${e.window_end.slice(0, 10)}, at or under the ${(e.threshold * 100).toFixed(1)}% threshold.`;
        const result = await db.transaction(async (tx) => {
          const [row] = await tx
            .select()
            .from(flags)
            .where(eq(flags.id, candidate.id))
            .for('update')
            .limit(1);
          // Closed by a coach, or confirmed again by the rule, since we read it: not ours to resolve.
          if (!row || isClosed(row) || row.lastSeenAt.getTime() !== candidate.lastSeenAt.getTime())
            return null;
          const [updated] = await tx
            .update(flags)
            .set({
              status: 'resolved',
              resolvedAt: now,
              resolvedBy: null,
              resolutionNotes: notes,
              coachAgreed: null,
              autoResolution: e,
              updatedAt: now,
            })
            .where(eq(flags.id, row.id))
            .returning();
          await tx
            .insert(flagEvents)
            .values({
              flagId: row.id,
              at: now,
              action: 'auto_resolved',
              actorLabel: 'system',
              dedupeKey: `auto-resolve:${row.lastSeenAt.toISOString()}`,
              details: { from: row.status, ...e },
            })
            .onConflictDoNothing();
          const stored = await events.store([flagEvent(updated!)], tx);
          return { before: row, flag: updated!, stored };
        });
        if (!result) continue;
        await events.announce(result.stored);
        await audit.record({
          actor: { type: 'system', id: null, label: 'system' },
          action: 'flag.auto_resolve',
          outcome: 'success',
          target: { type: 'flag', id: result.flag.id },
          details: {
            tutor_id: result.flag.tutorId,
            flag_type: result.flag.flagType,
            from: result.before.status,
            evidence: e,
          },
        });
        resolved.push(result.flag);
      }
      return { checked: candidates.length, resolved };
    },

    /** Take / assign / put back an active flag, or re-open a closed one. */
    async update(id: string, body: TUpdateFlagRequest, by: Principal, ctx: RequestContext): Promise<TFlag> {
      const now = clock.now();
      const userId = by.kind === 'user' ? by.id : null;
      let result;
      try {
        result = await db.transaction(async (tx) => {
          const row = await lockForChange(tx, id, body.expected_updated_at);
          const closed = isClosed(row);
          let status: FlagRow['status'];
          let assignedTo: string | null;
          if (closed) {
            if (!body.status) {
              throw new AppError(
                'FLAG_ALREADY_CLOSED',
                `The flag is ${row.status}; re-open it (status open or in_progress) before assigning it`,
                { status: row.status },
                409,
              );
            }
            const [other] = await tx
              .select({ id: flags.id })
              .from(flags)
              .where(
                and(
                  eq(flags.tutorId, row.tutorId),
                  eq(flags.flagType, row.flagType),
                  inArray(flags.status, [...ACTIVE]),
                  ne(flags.id, row.id),
                ),
              )
              .limit(1);
            if (other) throw duplicateOpen(other.id);
            status = body.status;
            assignedTo =
              body.assigned_to !== undefined ? body.assigned_to : status === 'in_progress' ? userId : null;
          } else {
            status = body.status ?? row.status;
            if (body.assigned_to !== undefined) assignedTo = body.assigned_to;
            else if (status === 'in_progress' && row.status !== 'in_progress')
              assignedTo = row.assignedTo ?? userId;
            else if (status === 'open' && row.status === 'in_progress') assignedTo = null;
            else assignedTo = row.assignedTo;
          }
          if (status === row.status && assignedTo === row.assignedTo)
            return { before: row, flag: row, stored: [] };
          const [updated] = await tx
            .update(flags)
            .set({
              status,
              assignedTo,
              ...(closed
                ? {
                    resolvedAt: null,
                    resolvedBy: null,
                    resolutionNotes: null,
                    coachAgreed: null,
                    autoResolution: null,
                  }
                : {}),
              updatedAt: now,
            })
            .where(eq(flags.id, id))
            .returning();
          await tx.insert(flagEvents).values({
            flagId: id,
            at: now,
            action: closed ? 'reopened' : assignedTo !== row.assignedTo ? 'assigned' : 'status_changed',
            actorId: userId,
            actorLabel: by.label,
            details: {
              status: { from: row.status, to: status },
              assigned_to: { from: row.assignedTo, to: assignedTo },
            },
          });
          const stored = await events.store([flagEvent(updated!)], tx);
          return { before: row, flag: updated!, stored };
        });
      } catch (err) {
        const code = pgCode(err);
        // A concurrent raise or re-open won the race for the one open flag of this tutor and type.
        if (code === '23505') throw duplicateOpen(null);
        if (code === '23503') {
          throw new AppError('UNPROCESSABLE', 'No user with that id', [
            { path: 'body.assigned_to', message: 'unknown user' },
          ]);
        }
        throw err;
      }
      if (result.stored.length) {
        await events.announce(result.stored);
        await audit.record({
          actor: actorOf(by),
          action: isClosed(result.before) ? 'flag.reopen' : 'flag.update',
          outcome: 'success',
          target: { type: 'flag', id },
          details: {
            status: { from: result.before.status, to: result.flag.status },
            assigned_to: { from: result.before.assignedTo, to: result.flag.assignedTo },
          },
          ctx,
        });
      }
      return withName(result.flag);
    },
  };
  return service;
}

function duplicateOpen(openFlagId: string | null) {
  return new AppError(
    'FLAG_OPEN_DUPLICATE',
    'This tutor already has an open flag of this type; work on that one instead of re-opening this one',
    { open_flag_id: openFlagId },
    409,
  );
}

export type FlagService = ReturnType<typeof createFlagService>;
