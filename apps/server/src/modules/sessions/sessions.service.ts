/**
 * The sessions module's use cases: ingestion (webhook and REST share `ingest`), the processing-state
 * transitions the quality pipeline makes, the sweeper, and the reads other modules use. The `sessions`
 * table is the durable inbox of the pipeline: a session is committed before it is acknowledged, and the
 * queue only carries references to it, so a lost job is found again by `sweepStuck`. No HTTP types here.
 *
 * Ingestion commits in groups: deliveries that arrive while earlier ones are being written share the next
 * transaction (multi-row statements), so throughput follows load instead of one commit and half a dozen
 * round trips per webhook; a lone delivery is written at once, alone. Every delivery is still answered only
 * after its own data is committed, and a failing group is retried one delivery at a time, so one bad
 * delivery cannot fail its neighbours.
 */
import type { TReschedule, TSession } from '@tutorpulse/contracts/quality';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import type { TSessionListQuery, TSessionPage } from '@tutorpulse/contracts/sessions-api';
import { endOfFilter, startOfFilter } from '@tutorpulse/contracts/sessions-api';
import type { Db, DbOrTx } from '../../db/client';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { EventService, PublishInput } from '../../platform/events/events.service';
import type { BusEvent } from '../../platform/events/port';
import type { Logger } from '../../platform/logger';
import { createGroupCommitter, GroupDeadlineError, type Settled } from '../../platform/batching';
import { isDatabaseUnavailable } from '../../platform/dependency-monitor';
import type { JobQueue } from '../../platform/queue/port';
import type { AuditService } from '../identity/index';
import { actorOf, type Principal, type RequestContext } from '../../platform/auth/principal';
import { AppError } from '../../platform/errors';
import {
  createListTotals,
  decodeCursor,
  DEFAULT_LIST_TOTALS,
  filtersFingerprint,
  takePage,
  type ListTotals,
} from '../../platform/list-paging';
import { toRescheduleRecord, toSessionRecord, type SessionRecord } from './session-mapping';
import { DEFAULT_SESSION_WINDOW, findOutOfWindow, type SessionWindow } from './session-window';
import { toRescheduleDto, toSessionDto } from './sessions.mapper';
import * as repo from './sessions.repository';
import { and, eq } from 'drizzle-orm';
import {
  sessions as sessionsTable,
  students as studentsTable,
  subjects as subjectsTable,
} from '../../db/schema/index';
import type { IngestOutcome, SessionRow, UpsertedSession } from './sessions.repository';

/** First sessions decide whether a student stays: their tier 1 runs first. */
export const TIER1_PRIORITY = { firstSession: 1, other: 5 } as const;
/**
 * An enqueue slower than this answers `queued: false`: the row is committed and the sweeper re-enqueues it.
 * Short, because the sender is waiting and the delivery is already safe.
 */
export const ENQUEUE_TIMEOUT_MS = 300;
/**
 * A delivery not committed this long after it arrived is answered 503 (with `retry-after`): the database is
 * away or overwhelmed, and the sender must hear within its own timeout that it should send again. A commit that
 * still lands afterwards is harmless: the re-send is a replay of the same `webhook-id` (or the same content).
 */
export const STORE_DEADLINE_MS = 1_400;
/** The `retry-after` (seconds) of a 503 when a delivery could not be stored. */
export const STORE_RETRY_AFTER_S = 5;
export const INGEST_GROUP = {
  /** Deliveries written in one transaction at most. */
  maxSize: 200,
  /**
   * Transactions writing groups at the same time (each holds one pooled connection). Two keep the database busy
   * while the next group forms; more make smaller groups, and each group's fixed cost (its statements and
   * round trips, one queue call, one publish) is what bounds acceptance on a busy API process.
   */
  concurrency: 2,
} as const;
export const SWEEP = {
  /** A session untouched this long while `received`/`processing` has lost its job (tier 1 takes seconds). */
  staleAfterMs: 2 * 60_000,
  /** Sessions re-enqueued per sweep run (oldest first); the rest wait for the next minute. */
  batch: 1_000,
  /** Re-enqueues before a session is marked `failed`. */
  maxSweeps: 5,
} as const;
export const UNQUEUED_SWEEP = {
  /**
   * How often each worker process looks for sessions ingestion stored without a job (`unqueued_at` set), on
   * top of the sweep it runs whenever the queue's connection becomes ready again. A partial index holds only
   * the marked rows, so a look that finds nothing costs one index probe.
   */
  everyMs: 5_000,
  /** Sessions enqueued per transaction; a sweep goes on until a batch comes back short. */
  batch: 1_000,
  /** Longest wait for the queue inside the claiming transaction (its rows stay locked meanwhile). */
  enqueueTimeoutMs: 10_000,
} as const;
/** Longest wait for marking sessions unqueued before the sender is answered (the mark is a backstop). */
const MARK_UNQUEUED_TIMEOUT_MS = 250;
export const SESSION_EVENT_AUDIENCE = ['admin', 'coach', 'viewer'] as const;

/** The tier 1 job id: derived from the work, so enqueuing one version twice runs it once. A sweep adds its
 * count, since the queue may still remember the original id as completed or failed. */
export function tier1JobId(id: string, version: number, sweep?: number): string {
  return sweep === undefined ? `tier1:${id}:v${version}` : `tier1:${id}:v${version}:s${sweep}`;
}

export type IngestResult = {
  /** The platform's session id. */
  sessionId: string;
  /** The stored row (null only for a replayed delivery whose session has since been erased). */
  session: { id: string; version: number } | null;
  /** For a replay, the outcome of the first delivery. */
  outcome: IngestOutcome;
  /** True when this `webhook-id` was seen before: nothing was changed. */
  replay: boolean;
  /** False only when the session needed processing and the queue could not take the job right now. */
  queued: boolean;
};

export type IngestOptions = {
  /** Standard Webhooks `webhook-id`: a repeat is answered as the first time and changes nothing. */
  webhookId?: string;
  /** Who ingested it through the API (audited when something changed); absent for signed webhooks. */
  by?: Principal;
  ctx?: RequestContext;
  /**
   * Time the request has already spent before ingestion (parsing, signature check, waiting for the event
   * loop): the store deadline counts from the request's arrival, so a lagging process still answers in time.
   */
  elapsedMs?: number;
};

export type UnqueuedSweepResult = {
  /** Sessions still `received` whose tier 1 job was enqueued. */
  requeued: number;
  /** Marked sessions that needed no job any more (already taken by a job, processed, failed). */
  cleared: number;
};

export type SweepResult = {
  requeued: number;
  failed: number;
  failedSessionIds: string[];
  /** Sessions untouched since this time were looked at: pass it back as `before` to sweep the next batch. */
  cutoff?: Date;
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Delivery = {
  /** Called once the delivery's transaction has committed (before the enqueue and the answer). */
  onCommitted?: () => void;
  payload: TWebhookPayload;
  record: SessionRecord;
  webhookId: string | undefined;
  by: Principal | undefined;
  ctx: RequestContext | undefined;
};

/** What the transaction decided for one delivery. */
type Written =
  | { kind: 'replay'; sessionId: string; outcome: IngestOutcome; sameAs?: number }
  | { kind: 'stored'; row: UpsertedSession };

export function createSessionService(deps: {
  db: Db;
  queue: JobQueue<AppJobs>;
  events: EventService;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
  enqueueTimeoutMs?: number;
  storeDeadlineMs?: number;
  ingestGroup?: { maxSize?: number; concurrency?: number };
  /** How far from now a session may start (config: SESSION_MAX_AGE_DAYS / SESSION_MAX_FUTURE_DAYS). */
  sessionWindow?: SessionWindow;
  /** Totals of the sessions list (config: LIST_EXACT_COUNT_LIMIT / LIST_COUNT_CACHE_SECONDS). */
  listTotals?: ListTotals;
}) {
  const { db, queue, events, audit, clock, logger } = deps;
  const listTotals = deps.listTotals ?? createListTotals(DEFAULT_LIST_TOTALS(clock));
  const sessionWindow = deps.sessionWindow ?? DEFAULT_SESSION_WINDOW;
  const enqueueTimeoutMs = deps.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS;
  const storeDeadlineMs = deps.storeDeadlineMs ?? STORE_DEADLINE_MS;

  /** The answer for a delivery that could not be stored: 503 with `retry-after`, never a 500. */
  function cannotStore(why: string): AppError {
    return new AppError(
      'SERVICE_UNAVAILABLE',
      `The session could not be stored right now (${why}); nothing was accepted, send it again`,
      { retry_after_s: STORE_RETRY_AFTER_S },
    );
  }

  /** Writes a group of deliveries in the caller's transaction; returns one decision per delivery, in order. */
  async function writeGroup(
    tx: DbOrTx,
    group: Delivery[],
    now: Date,
  ): Promise<{ written: Written[]; stored: BusEvent[] }> {
    const written: Array<Written | undefined> = new Array(group.length);

    // 1. Deliveries: a webhook-id seen in this group or committed before is a replay. 2. Unknown tutors and
    // students of the deliveries that are not replays are created in the same statement.
    const firstWithId = new Map<string, number>();
    const candidates: Array<Parameters<typeof repo.claimDeliveries>[1][number]> = [];
    group.forEach((d, i) => {
      const first = d.webhookId ? firstWithId.get(d.webhookId) : undefined;
      if (first !== undefined) {
        written[i] = {
          kind: 'replay',
          sessionId: group[first]!.payload.session_id,
          outcome: 'created',
          sameAs: first,
        };
        return;
      }
      if (d.webhookId) firstWithId.set(d.webhookId, i);
      candidates.push({
        webhookId: d.webhookId ?? null,
        sessionId: d.payload.session_id,
        tutorId: d.payload.tutor_id,
        studentId: d.payload.student_id,
      });
    });
    const claimed = await repo.claimDeliveries(tx, candidates, now);
    const replayed = candidates.flatMap((c) =>
      c.webhookId && !claimed.has(c.webhookId) ? [c.webhookId] : [],
    );
    if (replayed.length > 0) {
      const seen = new Map((await repo.findDeliveries(tx, replayed)).map((d) => [d.webhookId, d]));
      for (const id of replayed) {
        const i = firstWithId.get(id)!;
        const stored = seen.get(id);
        written[i] = {
          kind: 'replay',
          sessionId: stored?.sessionId ?? group[i]!.payload.session_id,
          outcome: (stored?.outcome as IngestOutcome | undefined) ?? 'unchanged',
        };
      }
    }
    const fresh = group.map((d, i) => ({ d, i })).filter(({ i }) => written[i] === undefined);
    if (fresh.length === 0) return { written: written as Written[], stored: [] };

    // 3. Sessions, in rounds: a session_id sent twice in one group is applied twice, in arrival order.
    const rounds: Array<typeof fresh> = [];
    const occurrences = new Map<string, number>();
    for (const f of fresh) {
      const n = occurrences.get(f.d.payload.session_id) ?? 0;
      occurrences.set(f.d.payload.session_id, n + 1);
      (rounds[n] ??= []).push(f);
    }
    const eventInputs: PublishInput[] = [];
    for (const round of rounds) {
      const rows = new Map(
        (
          await repo.upsertSessions(
            tx,
            round.map(({ d }) => d.record),
            now,
          )
        ).map((r) => [r.sessionId, r]),
      );
      const rescheduled: Array<NonNullable<ReturnType<typeof toRescheduleRecord>>> = [];
      const cleared: string[] = [];
      for (const { d, i } of round) {
        const row = rows.get(d.payload.session_id);
        if (!row) throw new Error(`session ${d.payload.session_id} vanished during its upsert`);
        written[i] = { kind: 'stored', row };
        if (row.outcome === 'unchanged') continue;
        const reschedule = toRescheduleRecord(d.payload, row.id);
        if (reschedule) rescheduled.push(reschedule);
        else if (row.outcome === 'updated') cleared.push(row.id);
        eventInputs.push({
          type: 'session.received',
          payload: { session_id: d.payload.session_id, tutor_id: d.payload.tutor_id, version: row.version },
          audience: SESSION_EVENT_AUDIENCE,
        });
      }
      await repo.upsertReschedules(tx, rescheduled, now);
      await repo.deleteReschedules(tx, cleared);
    }

    // 4. Events with the data (same commit), announced after: an event never describes an uncommitted row.
    const stored = await events.store(eventInputs, tx);

    // 5. Deliveries were claimed as `created`; record what actually happened.
    const notCreated = { updated: [] as string[], unchanged: [] as string[] };
    for (const { d, i } of fresh) {
      const w = written[i];
      if (d.webhookId && w?.kind === 'stored' && w.row.outcome !== 'created')
        notCreated[w.row.outcome].push(d.webhookId);
    }
    await repo.setDeliveryOutcome(tx, notCreated.updated, 'updated');
    await repo.setDeliveryOutcome(tx, notCreated.unchanged, 'unchanged');
    return { written: written as Written[], stored };
  }

  async function enqueueTier1(rows: UpsertedSession[]): Promise<boolean> {
    if (rows.length === 0) return true;
    try {
      await withTimeout(
        queue.addBulk(
          rows.map((r) => ({
            name: 'quality.tier1' as const,
            payload: { sessionId: r.id, version: r.version },
            opts: {
              jobId: tier1JobId(r.id, r.version),
              priority: r.isFirstSession ? TIER1_PRIORITY.firstSession : TIER1_PRIORITY.other,
            },
          })),
        ),
        enqueueTimeoutMs,
        'tier 1 enqueue',
      );
      return true;
    } catch (err) {
      logger.warn(
        { err, sessions: rows.length },
        'tier 1 enqueue failed; the sessions are stored and the sweeper will enqueue them',
      );
      return false;
    }
  }

  async function markUnqueued(rows: UpsertedSession[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const refs = rows.map((r) => ({ id: r.id, version: r.version }));
    const marking = repo.markUnqueued(db, refs, at).then(
      () => 'done' as const,
      (err: unknown) => {
        logger.warn(
          { err, sessions: rows.length },
          'marking sessions unqueued failed; the regular sweeper will enqueue them',
        );
        return 'done' as const;
      },
    );
    // A slow mark still lands (the update goes on); the sender is not kept waiting for it.
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), MARK_UNQUEUED_TIMEOUT_MS);
    });
    const outcome = await Promise.race([marking, slow]);
    clearTimeout(timer);
    if (outcome === 'slow')
      logger.warn({ sessions: rows.length }, 'marking sessions unqueued is slow; answered without waiting');
  }

  /** One transaction for the group, then the after-commit work; a failing group is retried one by one. */
  async function ingestGroup(group: Delivery[]): Promise<Array<Settled<IngestResult>>> {
    const now = clock.now();
    let outcome: { written: Written[]; stored: BusEvent[] };
    try {
      outcome = await db.transaction((tx) => writeGroup(tx, group, now));
    } catch (err) {
      // An unreachable database fails every delivery alike: retrying them one by one would only add load.
      if (group.length === 1 || isDatabaseUnavailable(err))
        return group.map(() => ({ ok: false, error: err }));
      logger.warn({ err, size: group.length }, 'ingestion group failed; retrying its deliveries one by one');
      return (await Promise.all(group.map((d) => ingestGroup([d])))).map((r) => r[0]!);
    }
    const { written, stored } = outcome;
    for (const d of group) d.onCommitted?.();

    const toEnqueue = new Map<string, UpsertedSession>();
    for (const w of written) {
      if (w.kind === 'stored' && w.row.outcome !== 'unchanged')
        toEnqueue.set(tier1JobId(w.row.id, w.row.version), w.row);
    }
    const queued = await enqueueTier1([...toEnqueue.values()]);
    // Stored without a job: marked, so a worker enqueues it within seconds of the queue being back (the regular
    // sweeper would wait for the session to look stale). Bounded: the sender is waiting, and the regular sweeper
    // still catches a session whose mark did not land.
    if (!queued) await markUnqueued([...toEnqueue.values()], now);
    // Not awaited: the events are stored with the sessions (clients catch up from the table), and the sender
    // must not wait on the event bus.
    if (stored.length > 0) {
      events.announce(stored).catch((err: unknown) => {
        logger.warn({ err }, 'announcing session.received failed');
      });
    }

    const results: IngestResult[] = [];
    const replayLookups: Array<Promise<void>> = [];
    written.forEach((w, i) => {
      if (w.kind === 'stored') {
        results[i] = {
          sessionId: w.row.sessionId,
          session: { id: w.row.id, version: w.row.version },
          outcome: w.row.outcome,
          replay: false,
          // Unchanged content: its job was enqueued when that content first arrived (or the sweeper has it).
          queued: w.row.outcome === 'unchanged' ? true : queued,
        };
      }
    });
    written.forEach((w, i) => {
      if (w.kind !== 'replay' || w.sameAs !== undefined) return;
      replayLookups.push(
        repo.findSessionWithNames(db, w.sessionId).then((found) => {
          results[i] = {
            sessionId: w.sessionId,
            session: found ? { id: found.session.id, version: found.session.version } : null,
            outcome: w.outcome,
            replay: true,
            queued: true,
          };
        }),
      );
    });
    await Promise.all(replayLookups);
    // A copy of a delivery earlier in this group is answered as that delivery was (itself maybe a replay).
    written.forEach((w, i) => {
      if (w.kind === 'replay' && w.sameAs !== undefined) results[i] = { ...results[w.sameAs]!, replay: true };
    });

    await Promise.all(
      group.map(async (d, i) => {
        const r = results[i]!;
        if (!d.by || r.replay || r.outcome === 'unchanged' || !r.session) return;
        await audit
          .record({
            actor: actorOf(d.by),
            action: r.outcome === 'created' ? 'session.create' : 'session.update',
            outcome: 'success',
            target: { type: 'session', id: r.session.id },
            details: { session_id: r.sessionId, version: r.session.version },
            ...(d.ctx ? { ctx: d.ctx } : {}),
          })
          .catch((err: unknown) => logger.error({ err }, 'auditing a session ingestion failed'));
      }),
    );
    return results.map((value) => ({ ok: true as const, value }));
  }

  const committer = createGroupCommitter<Delivery, IngestResult>({
    maxSize: deps.ingestGroup?.maxSize ?? INGEST_GROUP.maxSize,
    concurrency: deps.ingestGroup?.concurrency ?? INGEST_GROUP.concurrency,
    run: ingestGroup,
  });

  return {
    /**
     * Stores a validated payload: the delivery (when it came with a `webhook-id`), unknown tutor and student,
     * the session (insert; update with a new version when the content changed; nothing when it did not), its
     * reschedule row and the `session.received` event, in one transaction. After the commit, the tier 1 job
     * is enqueued and the event announced; neither failing undoes the ingestion (`queued: false` then). A session
     * starting outside the window around now is refused (400 VALIDATION_FAILED naming session_start_time) and
     * nothing is stored.
     */
    async ingest(payload: TWebhookPayload, opts: IngestOptions = {}): Promise<IngestResult> {
      // Before anything is written, the delivery included: a refused delivery can be corrected and re-sent.
      const outside = findOutOfWindow(payload, clock.now(), sessionWindow);
      if (outside.length > 0) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Invalid request: ${outside.map((i) => `${i.path} ${i.message}`).join('; ')}`,
          outside,
        );
      }
      // Answered 503 unless committed within the deadline; once committed, the answer waits for the enqueue
      // (itself bounded by enqueueTimeoutMs) and is a 202.
      let committed = false;
      const budgetMs = Math.max(0, storeDeadlineMs - Math.max(0, opts.elapsedMs ?? 0));
      if (budgetMs === 0) throw cannotStore(`not stored within ${storeDeadlineMs} ms`);
      const done = committer.submit(
        {
          onCommitted: () => {
            committed = true;
          },
          payload,
          record: toSessionRecord(payload),
          webhookId: opts.webhookId,
          by: opts.by,
          ctx: opts.ctx,
        },
        { deadline: performance.now() + budgetMs },
      );
      return new Promise<IngestResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (committed) return;
          logger.warn(
            { deadlineMs: storeDeadlineMs },
            'session not stored within its deadline; answered 503',
          );
          reject(cannotStore(`not stored within ${storeDeadlineMs} ms`));
        }, budgetMs);
        done.then(
          (result) => {
            clearTimeout(timer);
            resolve(result);
          },
          (err: unknown) => {
            clearTimeout(timer);
            if (err instanceof GroupDeadlineError)
              reject(cannotStore(`not stored within ${storeDeadlineMs} ms`));
            else if (isDatabaseUnavailable(err)) {
              logger.warn({ err }, 'session not stored: the database is unavailable; answered 503');
              reject(cannotStore('the database is unavailable'));
            } else reject(err);
          },
        );
      });
    },

    /** The full stored row, for the pipeline (tier 1/2 read every column). */
    async getSessionForProcessing(id: string): Promise<SessionRow | null> {
      return repo.findSessionById(db, id);
    },

    /** Whether the tutor has had any session with the student (who may see whose learning records). */
    async tutorTeachesStudent(tutorId: string, studentId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: sessionsTable.id })
        .from(sessionsTable)
        .where(and(eq(sessionsTable.studentId, studentId), eq(sessionsTable.tutorId, tutorId)))
        .limit(1);
      return !!row;
    },

    /** The subjects (id and display name), for modules that organise learning by subject. */
    async listSubjects(): Promise<Array<{ id: string; name: string }>> {
      return db.select({ id: subjectsTable.id, name: subjectsTable.name }).from(subjectsTable);
    },

    /** Whether a student record exists (the platform's student id). */
    async studentExists(studentId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: studentsTable.id })
        .from(studentsTable)
        .where(eq(studentsTable.id, studentId))
        .limit(1);
      return !!row;
    },

    /** A session as the API shows it, by row uuid or by the platform's `session_id`. */
    async getSessionDto(idOrPlatformId: string): Promise<TSession | null> {
      const found = await repo.findSessionWithNames(db, idOrPlatformId);
      return found ? toSessionDto(found.session, found) : null;
    },

    /** A page of sessions by keyset (`cursor`) or, deprecated, by offset; the total counted or estimated. */
    async list(q: TSessionListQuery): Promise<TSessionPage> {
      const filters: repo.SessionFilters = {
        tutorId: q.tutor_id,
        studentId: q.student_id,
        startFrom: q.start_date ? startOfFilter(q.start_date) : undefined,
        startTo: q.end_date ? endOfFilter(q.end_date) : undefined,
        isFirstSession: q.is_first_session,
        processingStatus: q.processing_status,
      };
      const sort = repo.SESSION_LIST_SORTS[q.sort];
      const fingerprint = filtersFingerprint({
        tutor_id: q.tutor_id,
        student_id: q.student_id,
        start_date: q.start_date,
        end_date: q.end_date,
        is_first_session: q.is_first_session,
        processing_status: q.processing_status,
      });
      const after = decodeCursor(q.cursor, { sort, fingerprint, offset: q.offset });
      const [rows, total] = await Promise.all([
        repo.listSessions(db, filters, { sort: q.sort, limit: q.limit, offset: q.offset, after }),
        listTotals.count(db, `sessions:${fingerprint}`, repo.matchingSessions(db, filters)),
      ]);
      const page = takePage(rows, q.limit, sort, fingerprint, (r) => r.sortKey);
      return {
        data: page.rows.map((r) => toSessionDto(r.session, r)),
        total: total.total,
        total_is_estimate: total.isEstimate,
        limit: q.limit,
        offset: q.offset,
        next_cursor: page.nextCursor,
      };
    },

    /** The tutor's latest sessions by scheduled start, newest first. */
    async listRecentForTutor(tutorId: string, limit: number): Promise<TSession[]> {
      const rows = await repo.listRecentForTutor(db, tutorId, limit);
      return rows.map((r) => toSessionDto(r.session, r));
    },

    /** Sessions by platform ids (unknown ids are skipped), newest first. */
    async listByPlatformIds(ids: string[]): Promise<TSession[]> {
      const rows = await repo.listByPlatformIds(db, [...new Set(ids)]);
      return rows.map((r) => toSessionDto(r.session, r));
    },

    /**
     * The tutor's reschedules whose original time is within the `days` before `now` (both bounds taken from
     * the caller, so history can be replayed), newest first.
     */
    async rescheduleHistory(
      tutorId: string,
      opts: { days?: number; limit?: number; now?: Date } = {},
    ): Promise<TReschedule[]> {
      const to = opts.now ?? clock.now();
      const from = new Date(to.getTime() - (opts.days ?? 90) * 86_400_000);
      const rows = await repo.listReschedules(db, tutorId, { from, to, limit: opts.limit ?? 100 });
      return rows.map((r) => toRescheduleDto(r.reschedule, r.platformSessionId));
    },

    /** Full rows for the pipeline, by row uuid (unknown ids are skipped). */
    async getSessionsForProcessing(ids: string[]): Promise<SessionRow[]> {
      return repo.findSessionsByIds(db, ids);
    },

    /** Tier 1 took / finished these sessions; only refs still at their version move. Returns those. */
    async markManyProcessing(refs: repo.SessionRef[]): Promise<repo.SessionRef[]> {
      return repo.setStatusMany(db, refs, 'processing', clock.now());
    },
    async markManyProcessed(refs: repo.SessionRef[], at: Date = clock.now()): Promise<repo.SessionRef[]> {
      return repo.setStatusMany(db, refs, 'processed', at);
    },

    /** Tier 1 took one version. False (and no change) when that version is no longer current. */
    async markProcessing(id: string, version: number): Promise<boolean> {
      return (await repo.setStatusMany(db, [{ id, version }], 'processing', clock.now())).length === 1;
    },

    /** Marks one version processed. False (and no change) when that version is no longer current. */
    async markProcessed(id: string, version: number, at: Date = clock.now()): Promise<boolean> {
      return (await repo.setStatusMany(db, [{ id, version }], 'processed', at)).length === 1;
    },

    async markFailed(id: string, version: number, error: string): Promise<boolean> {
      return repo.setFailed(db, id, version, error.slice(0, 2_000), clock.now());
    },

    /**
     * Enqueues one batch of the sessions ingestion stored without a job (`unqueued_at` set), oldest first,
     * under their original job id (`tier1:<id>:v<version>`): if the ingestion's enqueue did land after all
     * (it was only slow), the queue keeps the one job. No sweep is counted against the session. The claim and
     * the enqueue share a transaction: if the queue fails, the marks stay for the next sweep.
     */
    async sweepUnqueued(opts: Partial<typeof UNQUEUED_SWEEP> = {}): Promise<UnqueuedSweepResult> {
      const cfg = { ...UNQUEUED_SWEEP, ...opts };
      // The usual case, every few seconds: nothing marked. One probe of the partial index, no transaction.
      if (!(await repo.hasUnqueuedSessions(db))) return { requeued: 0, cleared: 0 };
      const now = clock.now();
      const claimed = await db.transaction(async (tx) => {
        const rows = await repo.claimUnqueuedSessions(tx, { at: now, limit: cfg.batch });
        const enqueue = rows.filter((r) => r.processingStatus === 'received');
        if (enqueue.length > 0) {
          await withTimeout(
            queue.addBulk(
              enqueue.map((r) => ({
                name: 'quality.tier1' as const,
                payload: { sessionId: r.id, version: r.version },
                opts: {
                  jobId: tier1JobId(r.id, r.version),
                  priority: r.isFirstSession ? TIER1_PRIORITY.firstSession : TIER1_PRIORITY.other,
                },
              })),
            ),
            cfg.enqueueTimeoutMs,
            'unqueued sessions enqueue',
          );
        }
        return { total: rows.length, requeued: enqueue.length };
      });
      return { requeued: claimed.requeued, cleared: claimed.total - claimed.requeued };
    },

    /**
     * Re-enqueues sessions whose job was lost (still `received`/`processing` after `staleAfterMs`), oldest
     * first, with a job id carrying the sweep count; marks `failed` those already swept `maxSweeps` times.
     * The claim and the enqueue share a transaction: if the queue is down nothing is counted, and the retry
     * re-uses the same job ids.
     */
    async sweepStuck(opts: Partial<typeof SWEEP> & { before?: Date } = {}): Promise<SweepResult> {
      const cfg = { ...SWEEP, ...opts };
      const now = clock.now();
      // A fixed cutoff across the batches of one sweep: a session claimed by this sweep is touched after it.
      const cutoff = opts.before ?? new Date(now.getTime() - cfg.staleAfterMs);
      const claimed = await db.transaction(async (tx) => {
        const rows = await repo.claimStuckSessions(tx, {
          before: cutoff,
          at: now,
          limit: cfg.batch,
          maxSweeps: cfg.maxSweeps,
          error: `Not processed after ${cfg.maxSweeps} re-enqueues by the sweeper (tier 1 job lost or failing)`,
        });
        const retry = rows.filter((r) => r.processingStatus !== 'failed');
        if (retry.length > 0) {
          await queue.addBulk(
            retry.map((r) => ({
              name: 'quality.tier1' as const,
              payload: { sessionId: r.id, version: r.version },
              opts: {
                jobId: tier1JobId(r.id, r.version, r.processingAttempts),
                priority: r.isFirstSession ? TIER1_PRIORITY.firstSession : TIER1_PRIORITY.other,
              },
            })),
          );
        }
        return rows;
      });
      const gaveUp = claimed.filter((r) => r.processingStatus === 'failed');
      for (const r of gaveUp) {
        logger.error(
          { sessionRowId: r.id, sessionId: r.sessionId, version: r.version, sweeps: r.processingAttempts },
          'session marked failed: never processed after repeated re-enqueues',
        );
      }
      return {
        requeued: claimed.length - gaveUp.length,
        failed: gaveUp.length,
        failedSessionIds: gaveUp.map((r) => r.sessionId),
        cutoff,
      };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
