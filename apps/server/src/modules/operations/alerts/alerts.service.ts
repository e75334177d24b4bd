/**
 * Alerts: storing what the checkers propose (one active alert per dedupe key, evidence added as it grows), the
 * operator's lifecycle (open → acknowledged → resolved | dismissed, with who, when and a note), the list,
 * detail, CSV export and soft delete.
 *
 * Every change runs in one transaction that locks the alert row, writes an alert_events row and stores the
 * `alert_created` / `alert_updated` event; events are announced and operator actions audited after the commit.
 * Applying the same candidate twice (a re-run job) changes nothing: the evidence key is unique per alert.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type {
  TAlert,
  TAlertDetail,
  TAlertExportQuery,
  TAlertHistoryEntry,
  TAlertPage,
  TAlertsQuery,
} from '@tutorpulse/contracts/operations-alerts';
import type { Db, DbOrTx } from '../../../db/client';
import { alertActiveRank, alertEvents, alerts, alertSeverityRank } from '../../../db/schema/index';
import { actorOf, type Principal, type RequestContext } from '../../../platform/auth/principal';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { BusEvent } from '../../../platform/events/port';
import type { EventService, PublishInput } from '../../../platform/events/events.service';
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
import type { AlertCandidate, AlertView, Severity } from './plugins';
import {
  evidenceKeyOf,
  isActive,
  maxSeverity,
  mergeEvidence,
  nextStatus,
  SEVERITY_RANK,
  type AlertAction,
} from './rules';

export type AlertRow = typeof alerts.$inferSelect;
export type ApplyOutcome = 'created' | 'evidence_added' | 'escalated' | 'unchanged' | 'suppressed';

/** Who sees operations events (admins always do). */
export const OPERATIONS_AUDIENCE = ['operator', 'viewer'] as const;
const ACTIVE = ['open', 'acknowledged'] as const;
const SYSTEM = 'system';
export const EXPORT_MAX_ROWS = 50_000;

const ALERT_SORTS = {
  priority: {
    name: 'priority',
    dir: 'asc',
    keys: [
      { expr: alertActiveRank(alerts), type: 'int' },
      { expr: alertSeverityRank(alerts), type: 'int' },
      { expr: alerts.firstSeenAt, type: 'timestamptz' },
      { expr: alerts.id, type: 'uuid' },
    ],
  },
  newest: {
    name: 'newest',
    dir: 'desc',
    keys: [
      { expr: alerts.createdAt, type: 'timestamptz' },
      { expr: alerts.id, type: 'uuid' },
    ],
  },
  oldest: {
    name: 'oldest',
    dir: 'asc',
    keys: [
      { expr: alerts.createdAt, type: 'timestamptz' },
      { expr: alerts.id, type: 'uuid' },
    ],
  },
} as const satisfies Record<TAlertsQuery['sort'], KeysetSort>;

export function toAlertDto(r: AlertRow): TAlert {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity,
    status: r.status,
    title: r.title,
    description: r.description,
    evidence: r.evidence,
    dedupe_key: r.dedupeKey,
    source: r.source,
    occurrences: r.occurrences,
    first_seen_at: r.firstSeenAt.toISOString(),
    last_seen_at: r.lastSeenAt.toISOString(),
    acknowledged_at: r.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: r.acknowledgedByLabel,
    acknowledge_note: r.acknowledgeNote,
    closed_at: r.closedAt?.toISOString() ?? null,
    closed_by: r.closedByLabel,
    close_note: r.closeNote,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const toAlertView = (r: AlertRow): AlertView => ({
  id: r.id,
  type: r.type,
  severity: r.severity,
  title: r.title,
  dedupeKey: r.dedupeKey,
  evidence: r.evidence,
});

function alertEvent(type: 'alert_created' | 'alert_updated', r: AlertRow): PublishInput {
  return {
    type,
    payload: {
      alert_id: r.id,
      alert_type: r.type,
      severity: r.severity,
      status: r.status,
      title: r.title,
    },
    audience: OPERATIONS_AUDIENCE,
  };
}

const notFound = () => new AppError('ALERT_NOT_FOUND', 'No alert with that id', undefined, 404);

function uniqueViolation(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** A CSV cell: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function createAlertService(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  audit: Pick<AuditService, 'record'>;
  listTotals?: ListTotals;
}) {
  const { db, clock, events, audit } = deps;
  const listTotals = deps.listTotals ?? createListTotals(DEFAULT_LIST_TOTALS(clock));

  /** Has a closed alert of this key already seen this evidence? (Then the operator already dealt with it.) */
  async function seenByClosed(tx: DbOrTx, dedupeKey: string, evidenceKey: string): Promise<boolean> {
    const rows = await tx
      .select({ one: sql`1` })
      .from(alertEvents)
      .innerJoin(alerts, eq(alerts.id, alertEvents.alertId))
      .where(and(eq(alerts.dedupeKey, dedupeKey), eq(alertEvents.evidenceKey, evidenceKey)))
      .limit(1);
    return rows.length > 0;
  }

  async function applyOne(
    source: string,
    c: AlertCandidate,
    now: Date,
  ): Promise<{ alert: AlertRow | null; outcome: ApplyOutcome; stored: BusEvent[]; before?: Severity }> {
    const evidenceKey = c.evidenceKey ?? evidenceKeyOf(c.evidence);
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.transaction(async (tx) => {
          const [active] = await tx
            .select()
            .from(alerts)
            .where(
              and(
                eq(alerts.dedupeKey, c.dedupeKey),
                inArray(alerts.status, [...ACTIVE]),
                isNull(alerts.deletedAt),
              ),
            )
            .for('update')
            .limit(1);
          if (!active) {
            if (await seenByClosed(tx, c.dedupeKey, evidenceKey))
              return { alert: null, outcome: 'suppressed' as const, stored: [] };
            const [created] = await tx
              .insert(alerts)
              .values({
                type: c.type,
                severity: c.severity,
                title: c.title,
                description: c.description,
                evidence: c.evidence,
                dedupeKey: c.dedupeKey,
                source,
                firstSeenAt: now,
                lastSeenAt: now,
                createdAt: now,
                updatedAt: now,
              })
              .returning();
            await tx.insert(alertEvents).values({
              alertId: created!.id,
              at: now,
              action: 'created',
              actorLabel: SYSTEM,
              evidenceKey,
              details: { severity: c.severity, source },
            });
            const stored = await events.store([alertEvent('alert_created', created!)], tx);
            return { alert: created!, outcome: 'created' as const, stored };
          }
          const [added] = await tx
            .insert(alertEvents)
            .values({
              alertId: active.id,
              at: now,
              action: 'evidence_added',
              actorLabel: SYSTEM,
              evidenceKey,
              details: { metrics: c.evidence.metrics },
            })
            .onConflictDoNothing()
            .returning({ id: alertEvents.id });
          const severity = maxSeverity(active.severity, c.severity);
          const escalated = SEVERITY_RANK[severity] > SEVERITY_RANK[active.severity];
          if (!added && !escalated) return { alert: active, outcome: 'unchanged' as const, stored: [] };
          if (escalated) {
            await tx.insert(alertEvents).values({
              alertId: active.id,
              at: now,
              action: 'escalated',
              actorLabel: SYSTEM,
              details: { from: active.severity, to: severity },
            });
          }
          const [updated] = await tx
            .update(alerts)
            .set({
              severity,
              title: c.title,
              description: c.description,
              evidence: mergeEvidence(active.evidence, c.evidence),
              occurrences: added ? active.occurrences + 1 : active.occurrences,
              lastSeenAt: now,
              updatedAt: now,
            })
            .where(eq(alerts.id, active.id))
            .returning();
          const stored = await events.store([alertEvent('alert_updated', updated!)], tx);
          return {
            alert: updated!,
            outcome: escalated ? ('escalated' as const) : ('evidence_added' as const),
            stored,
            before: active.severity,
          };
        });
      } catch (err) {
        // A concurrent run created the active alert of this key first: add to it instead.
        if (uniqueViolation(err) && attempt < 2) continue;
        throw err;
      }
    }
  }

  type Known = { active: { severity: Severity; evidence: Set<string> } | null; closedEvidence: Set<string> };

  /** The evidence keys already recorded per dedupe key: on its active alert, and on its closed ones. */
  async function knownEvidence(keys: string[]): Promise<Map<string, Known>> {
    const out = new Map<string, Known>();
    for (let i = 0; i < keys.length; i += 1_000) {
      const rows = await db
        .select({
          dedupeKey: alerts.dedupeKey,
          status: alerts.status,
          deleted: sql<boolean>`${alerts.deletedAt} is not null`,
          severity: alerts.severity,
          evidenceKey: alertEvents.evidenceKey,
        })
        .from(alerts)
        .innerJoin(alertEvents, eq(alertEvents.alertId, alerts.id))
        .where(and(inArray(alerts.dedupeKey, keys.slice(i, i + 1_000)), isNotNull(alertEvents.evidenceKey)));
      for (const r of rows) {
        let k = out.get(r.dedupeKey);
        if (!k) out.set(r.dedupeKey, (k = { active: null, closedEvidence: new Set() }));
        if (isActive(r.status) && !r.deleted) {
          k.active ??= { severity: r.severity, evidence: new Set() };
          k.active.evidence.add(r.evidenceKey!);
        } else {
          k.closedEvidence.add(r.evidenceKey!);
        }
      }
    }
    return out;
  }

  function quickOutcome(c: AlertCandidate, k: Known | undefined): 'unchanged' | 'suppressed' | null {
    if (!k) return null;
    const ek = c.evidenceKey ?? evidenceKeyOf(c.evidence);
    if (k.active) {
      const higher = SEVERITY_RANK[c.severity] > SEVERITY_RANK[k.active.severity];
      return k.active.evidence.has(ek) && !higher ? 'unchanged' : null;
    }
    return k.closedEvidence.has(ek) ? 'suppressed' : null;
  }

  async function transition(
    id: string,
    action: AlertAction | 'auto_resolve',
    note: string | null,
    by: Principal | null,
    ctx?: RequestContext,
  ): Promise<AlertRow> {
    const now = clock.now();
    const userId = by?.kind === 'user' ? by.id : null;
    const label = by?.label ?? SYSTEM;
    const result = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.id, id), isNull(alerts.deletedAt)))
        .for('update')
        .limit(1);
      if (!row) throw notFound();
      const to = nextStatus(row.status, action === 'auto_resolve' ? 'resolve' : action);
      if (!to) {
        throw new AppError(
          'ALERT_TRANSITION_NOT_ALLOWED',
          `An ${row.status} alert cannot be ${action === 'acknowledge' ? 'acknowledged' : `${action}d`}`,
          { status: row.status, action },
          409,
        );
      }
      const set: Partial<typeof alerts.$inferInsert> =
        to === 'acknowledged'
          ? {
              status: to,
              acknowledgedAt: now,
              acknowledgedBy: userId,
              acknowledgedByLabel: label,
              acknowledgeNote: note,
            }
          : { status: to, closedAt: now, closedBy: userId, closedByLabel: label, closeNote: note };
      const [updated] = await tx
        .update(alerts)
        .set({ ...set, updatedAt: now })
        .where(eq(alerts.id, id))
        .returning();
      await tx.insert(alertEvents).values({
        alertId: id,
        at: now,
        action: action === 'auto_resolve' ? 'auto_resolved' : to,
        actorId: userId,
        actorLabel: label,
        note,
        details: { from: row.status, to },
      });
      const stored = await events.store([alertEvent('alert_updated', updated!)], tx);
      return { before: row, alert: updated!, stored };
    });
    await events.announce(result.stored);
    await audit.record({
      actor: by ? actorOf(by) : { type: 'system', id: null, label: SYSTEM },
      action: `alert.${action}`,
      outcome: 'success',
      target: { type: 'alert', id },
      details: { type: result.alert.type, from: result.before.status, to: result.alert.status, note },
      ...(ctx ? { ctx } : {}),
    });
    return result.alert;
  }

  function filters(q: Pick<TAlertsQuery, 'status' | 'severity' | 'type'>): SQL | undefined {
    const where: SQL[] = [isNull(alerts.deletedAt)];
    if (q.status) where.push(inArray(alerts.status, q.status));
    if (q.severity) where.push(inArray(alerts.severity, q.severity));
    if (q.type) where.push(inArray(alerts.type, q.type));
    return and(...where);
  }

  return {
    /**
     * Applies one checker's candidates. Returns the alerts created or changed (for recommendations and mail)
     * and, when the checker `resolvesWhenCleared`, resolves its active alerts it no longer proposes.
     */
    async applyCandidates(
      checker: { name: string; types: readonly string[]; resolvesWhenCleared?: boolean },
      candidates: AlertCandidate[],
    ): Promise<{
      changed: Array<{ alert: AlertRow; outcome: Exclude<ApplyOutcome, 'unchanged' | 'suppressed'> }>;
      unchanged: number;
      suppressed: number;
      autoResolved: AlertRow[];
    }> {
      const now = clock.now();
      const changed: Array<{ alert: AlertRow; outcome: Exclude<ApplyOutcome, 'unchanged' | 'suppressed'> }> =
        [];
      let unchanged = 0;
      let suppressed = 0;
      // The same key twice in one run: the later candidate wins (dedupe before writing).
      const byKey = new Map(candidates.map((c) => [c.dedupeKey, c]));
      // Events are announced together after the candidates are stored (one bus message, one cache bump).
      const stored: BusEvent[] = [];
      const seen = await knownEvidence([...byKey.keys()]);
      for (const c of byKey.values()) {
        // The steady state (nothing new since the last run) costs one read per checker, not a transaction per
        // candidate; whatever this pre-check lets through is decided again under the row lock.
        const quick = quickOutcome(c, seen.get(c.dedupeKey));
        if (quick === 'unchanged') {
          unchanged++;
          continue;
        }
        if (quick === 'suppressed') {
          suppressed++;
          continue;
        }
        const r = await applyOne(checker.name, c, now);
        stored.push(...r.stored);
        if (r.outcome === 'unchanged') unchanged++;
        else if (r.outcome === 'suppressed') suppressed++;
        else changed.push({ alert: r.alert!, outcome: r.outcome });
      }
      await events.announce(stored);
      const autoResolved: AlertRow[] = [];
      if (checker.resolvesWhenCleared && checker.types.length) {
        const keys = [...byKey.keys()];
        const stale = await db
          .select({ id: alerts.id })
          .from(alerts)
          .where(
            and(
              eq(alerts.source, checker.name),
              inArray(alerts.type, [...checker.types]),
              inArray(alerts.status, [...ACTIVE]),
              isNull(alerts.deletedAt),
              keys.length ? notInArray(alerts.dedupeKey, keys) : undefined,
            ),
          );
        for (const s of stale) {
          try {
            autoResolved.push(
              await transition(
                s.id,
                'auto_resolve',
                'Condition cleared: the checker no longer finds it',
                null,
              ),
            );
          } catch (err) {
            // Closed by an operator in the meantime: nothing to do.
            if (!(err instanceof AppError) || err.status !== 409) throw err;
          }
        }
      }
      return { changed, unchanged, suppressed, autoResolved };
    },

    acknowledge: (id: string, note: string | null, by: Principal, ctx: RequestContext) =>
      transition(id, 'acknowledge', note, by, ctx).then(toAlertDto),
    resolve: (id: string, note: string | null, by: Principal, ctx: RequestContext) =>
      transition(id, 'resolve', note, by, ctx).then(toAlertDto),
    dismiss: (id: string, note: string | null, by: Principal, ctx: RequestContext) =>
      transition(id, 'dismiss', note, by, ctx).then(toAlertDto),

    /** Soft delete: hidden from lists and checks, kept for analysis. */
    async remove(id: string, by: Principal, ctx: RequestContext): Promise<void> {
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(alerts)
          .set({ deletedAt: now, deletedBy: by.kind === 'user' ? by.id : null, updatedAt: now })
          .where(and(eq(alerts.id, id), isNull(alerts.deletedAt)))
          .returning();
        if (!row) throw notFound();
        await tx.insert(alertEvents).values({
          alertId: id,
          at: now,
          action: 'deleted',
          actorId: by.kind === 'user' ? by.id : null,
          actorLabel: by.label,
        });
        return { row, stored: await events.store([alertEvent('alert_updated', row)], tx) };
      });
      await events.announce(result.stored);
      await audit.record({
        actor: actorOf(by),
        action: 'alert.delete',
        outcome: 'success',
        target: { type: 'alert', id },
        details: { type: result.row.type },
        ctx,
      });
    },

    async list(q: TAlertsQuery): Promise<TAlertPage> {
      const cond = filters(q);
      const sort = ALERT_SORTS[q.sort];
      const fingerprint = filtersFingerprint({ status: q.status, severity: q.severity, type: q.type });
      const after = decodeCursor(q.cursor, { sort, fingerprint, offset: q.offset });
      const [rows, total] = await Promise.all([
        db
          .select({ alert: alerts, sortKey: keysetKeyText(sort) })
          .from(alerts)
          .where(and(cond, after ? keysetAfter(sort, after) : undefined))
          .orderBy(...keysetOrder(sort))
          .limit(q.limit + 1)
          .offset(q.offset),
        listTotals.count(
          db,
          `alerts:${fingerprint}`,
          db
            .select({ one: sql`1` })
            .from(alerts)
            .where(cond),
        ),
      ]);
      const page = takePage(rows, q.limit, sort, fingerprint, (r) => r.sortKey);
      return {
        data: page.rows.map((r) => toAlertDto(r.alert)),
        total: total.total,
        total_is_estimate: total.isEstimate,
        limit: q.limit,
        offset: q.offset,
        next_cursor: page.nextCursor,
      };
    },

    async get(id: string): Promise<Omit<TAlertDetail, 'recommendations'>> {
      const [row] = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.id, id), isNull(alerts.deletedAt)))
        .limit(1);
      if (!row) throw notFound();
      const history = await db
        .select()
        .from(alertEvents)
        .where(eq(alertEvents.alertId, id))
        .orderBy(asc(alertEvents.at), asc(alertEvents.id));
      return {
        alert: toAlertDto(row),
        history: history.map((e): TAlertHistoryEntry => ({
          id: e.id,
          at: e.at.toISOString(),
          action: e.action,
          actor: e.actorLabel,
          note: e.note,
          details: e.details ?? null,
        })),
      };
    },

    /** Active alerts (for generators run outside a check, and for tests). */
    async listActive(types?: readonly string[]): Promise<AlertRow[]> {
      return db
        .select()
        .from(alerts)
        .where(
          and(
            inArray(alerts.status, [...ACTIVE]),
            isNull(alerts.deletedAt),
            types?.length ? inArray(alerts.type, [...types]) : undefined,
          ),
        )
        .orderBy(desc(alerts.createdAt));
    },

    /** The alerts matching the filters as CSV (newest first, at most EXPORT_MAX_ROWS rows). */
    async exportCsv(q: TAlertExportQuery): Promise<string> {
      const rows = await db
        .select()
        .from(alerts)
        .where(filters(q))
        .orderBy(desc(alerts.createdAt), desc(alerts.id))
        .limit(EXPORT_MAX_ROWS);
      const header = [
        'id',
        'type',
        'severity',
        'status',
        'title',
        'description',
        'dedupe_key',
        'source',
        'occurrences',
        'first_seen_at',
        'last_seen_at',
        'acknowledged_at',
        'acknowledged_by',
        'acknowledge_note',
        'closed_at',
        'closed_by',
        'close_note',
        'created_at',
        'evidence_ids',
        'evidence_metrics',
      ];
      const lines = [header.join(',')];
      for (const r of rows) {
        const d = toAlertDto(r);
        lines.push(
          [
            d.id,
            d.type,
            d.severity,
            d.status,
            d.title,
            d.description,
            d.dedupe_key,
            d.source,
            d.occurrences,
            d.first_seen_at,
            d.last_seen_at,
            d.acknowledged_at,
            d.acknowledged_by,
            d.acknowledge_note,
            d.closed_at,
            d.closed_by,
            d.close_note,
            d.created_at,
            d.evidence.ids,
            d.evidence.metrics,
          ]
            .map(csvCell)
            .join(','),
        );
      }
      return `${lines.join('\r\n')}\r\n`;
    },

    /** Active alerts per severity now, and as they stood at `at` (for the metrics' trend). */
    async activeBySeverity(at?: Date): Promise<Record<Severity, number>> {
      const cond = at
        ? sql`${alerts.createdAt} <= ${at} and (${alerts.closedAt} is null or ${alerts.closedAt} > ${at})
              and (${alerts.deletedAt} is null or ${alerts.deletedAt} > ${at})`
        : sql`${alerts.status} in ('open','acknowledged') and ${alerts.deletedAt} is null`;
      const rows = await db
        .select({ severity: alerts.severity, n: sql<number>`count(*)::int`.mapWith(Number) })
        .from(alerts)
        .where(cond)
        .groupBy(alerts.severity);
      const out: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
      for (const r of rows) out[r.severity] = r.n;
      return out;
    },

    isActive,
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
