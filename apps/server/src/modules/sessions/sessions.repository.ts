/**
 * Data access for the sessions module: sessions, reschedules, the tutors and students ingestion creates, and
 * webhook deliveries. Every function takes the database or a transaction, so the service decides what is
 * atomic. Queries only: no business decisions here.
 */
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  isNotNull,
  lt,
  lte,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import { anyOf, bulkInsert, rowsOf } from '../../db/bulk';
import type { DbOrTx } from '../../db/client';
import { keysetAfter, keysetKeyText, keysetOrder, type KeysetSort } from '../../platform/list-paging';
import { reschedules, sessions, students, tutors, webhookDeliveries } from '../../db/schema/index';
import type { RescheduleRecord, SessionRecord } from './session-mapping';

export type SessionRow = typeof sessions.$inferSelect;
/**
 * What the API shows of a session: the columns ZSession has, without the transcript (often kilobytes, stored
 * out of line), of which only its presence is read, nor the pipeline's bookkeeping (content hash, attempts,
 * last error, row times). Lists and details select this, so a page reads and maps only what it sends.
 */
export type SessionDtoRow = Omit<
  SessionRow,
  'transcript' | 'contentHash' | 'processingAttempts' | 'lastError' | 'unqueuedAt' | 'createdAt' | 'updatedAt'
> & { hasTranscript: boolean };
export type SessionWithNames = {
  session: SessionDtoRow;
  tutorName: string | null;
  studentName: string | null;
};
export type IngestOutcome = 'created' | 'updated' | 'unchanged';
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

// ---------------------------------------------------------------------------------------------------------
// Ingestion (called inside one transaction, for a batch of deliveries at a time)
//
// Lock order: concurrent ingestion transactions touch deliveries, then tutors, then students, then sessions
// (then rows only they own), each multi-row statement sorted by key. Two transactions can therefore wait for
// each other only one way round, never in a cycle: no deadlocks however deliveries overlap.

const byKey =
  <T>(key: (v: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * Claims the `webhook-id`s of a group's deliveries and creates the tutors and students they name that are new
 * (named after their ids until the platform tells us more), in one statement, in the lock order above:
 * deliveries, then tutors, then students, each sorted. Returns the ids claimed now (first deliveries); the
 * others are replays, and the people only a replay names are not created. A delivery without a `webhook-id`
 * (the API) always counts. A concurrent delivery of the same id waits on the primary key until the first one
 * commits (then sees a replay) or rolls back (then claims it). The outcome is written optimistically as
 * `created` and corrected afterwards.
 *
 * One statement instead of three: on a busy API process every round trip to the database costs a turn of
 * the event loop, and this runs once per ingestion group.
 */
export async function claimDeliveries(
  db: DbOrTx,
  deliveries: Array<{ webhookId: string | null; sessionId: string; tutorId: string; studentId: string }>,
  at: Date,
): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const toClaim = deliveries
    .filter((d): d is typeof d & { webhookId: string } => d.webhookId !== null)
    .sort(byKey((d) => d.webhookId))
    .map((d) => ({ webhookId: d.webhookId, sessionId: d.sessionId, outcome: 'created', receivedAt: at }));
  const claimed =
    toClaim.length > 0
      ? sql`insert into ${bulkInsert(webhookDeliveries, toClaim).sql}
          on conflict (webhook_id) do nothing
          returning webhook_id`
      : sql`select null::text as webhook_id where false`;
  const wids = sql.param(deliveries.map((d) => d.webhookId));
  const people = (table: typeof tutors | typeof students, ids: string[], label: string) => sql`
    insert into ${table} (id, name, created_at, updated_at)
    select distinct on (u.id) u.id, ${label}::text || u.id, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from unnest(${sql.param(ids)}::text[], ${wids}::text[]) as u(id, wid)
    where (u.wid is null or u.wid in (select webhook_id from claimed))`;
  // Each step reads the one before it (an uncorrelated subquery, evaluated first), which fixes their order.
  const res = await db.execute(sql`
    with claimed as (${claimed}),
    new_tutors as (
      ${people(
        tutors,
        deliveries.map((d) => d.tutorId),
        'Tutor ',
      )}
      order by u.id
      on conflict (id) do nothing
      returning 1
    ),
    new_students as (
      ${people(
        students,
        deliveries.map((d) => d.studentId),
        'Student ',
      )}
        and (select count(*) from new_tutors) >= 0
      order by u.id
      on conflict (id) do nothing
      returning 1
    )
    select webhook_id as "webhookId" from claimed where (select count(*) from new_students) >= 0`);
  return new Set(rowsOf<{ webhookId: string }>(res).map((c) => c.webhookId));
}

export async function findDeliveries(db: DbOrTx, webhookIds: string[]): Promise<DeliveryRow[]> {
  if (webhookIds.length === 0) return [];
  return db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.webhookId, webhookIds));
}

export async function setDeliveryOutcome(db: DbOrTx, webhookIds: string[], outcome: IngestOutcome) {
  if (webhookIds.length === 0) return;
  await db.update(webhookDeliveries).set({ outcome }).where(inArray(webhookDeliveries.webhookId, webhookIds));
}

/** On a corrected re-send every column takes the new value (`excluded.*`), except identity and history. */
const KEEP_ON_UPDATE = new Set(['id', 'sessionId', 'version', 'createdAt']);
const UPDATE_FROM_EXCLUDED = sql.raw(
  Object.entries(getTableColumns(sessions))
    .filter(([key]) => !KEEP_ON_UPDATE.has(key))
    .map(([, column]) => `"${column.name}" = excluded."${column.name}"`)
    .join(', '),
);

export type UpsertedSession = {
  id: string;
  sessionId: string;
  version: number;
  isFirstSession: boolean;
  outcome: IngestOutcome;
};

/**
 * Inserts each session, or updates every column when its content hash differs (bumping the version and
 * putting it back to `received`), or leaves it alone when the content is the same. The records must have
 * distinct `session_id`s. One statement: a concurrent insert of the same `session_id` waits on the unique
 * index, then takes the conflict path and compares hashes with the committed row, so duplicate deliveries
 * end as one row and one version.
 */
export async function upsertSessions(
  db: DbOrTx,
  records: SessionRecord[],
  at: Date,
): Promise<UpsertedSession[]> {
  if (records.length === 0) return [];
  const values = [...records].sort(byKey((r) => r.sessionId)).map((r) => ({
    ...r,
    version: 1,
    processingStatus: 'received' as const,
    processingAttempts: 0,
    lastError: null,
    processedAt: null,
    receivedAt: at,
    createdAt: at,
    updatedAt: at,
  }));
  const written = rowsOf<Omit<UpsertedSession, 'outcome'>>(
    await db.execute(sql`
      insert into ${bulkInsert(sessions, values).sql}
      on conflict (session_id) do update
        set ${UPDATE_FROM_EXCLUDED}, version = sessions.version + 1
        where sessions.content_hash <> excluded.content_hash
      returning id, session_id as "sessionId", version, is_first_session as "isFirstSession"`),
  );
  // Every update bumps the version, so a returned version 1 can only be an insert.
  const out: UpsertedSession[] = written.map((w) => ({
    ...w,
    outcome: w.version === 1 ? 'created' : 'updated',
  }));
  if (out.length < records.length) {
    const seen = new Set(out.map((w) => w.sessionId));
    const unchanged = await db
      .select({
        id: sessions.id,
        sessionId: sessions.sessionId,
        version: sessions.version,
        isFirstSession: sessions.isFirstSession,
      })
      .from(sessions)
      .where(
        inArray(
          sessions.sessionId,
          records.map((r) => r.sessionId).filter((id) => !seen.has(id)),
        ),
      );
    for (const u of unchanged) out.push({ ...u, outcome: 'unchanged' });
  }
  return out;
}

/** Writes (insert or replace) reschedule rows, one per session at most; the sessions must be distinct. */
export async function upsertReschedules(db: DbOrTx, records: RescheduleRecord[], at: Date): Promise<void> {
  if (records.length === 0) return;
  const values = [...records].sort(byKey((r) => r.sessionId)).map((r) => ({ ...r, createdAt: at }));
  await db.execute(sql`
    insert into ${bulkInsert(reschedules, values).sql}
    on conflict (session_id) do update set
      tutor_id = excluded.tutor_id, initiator = excluded.initiator, original_time = excluded.original_time,
      new_time = excluded.new_time, reason = excluded.reason, reason_code = excluded.reason_code,
      cancelled_at = excluded.cancelled_at, hours_before_session = excluded.hours_before_session`);
}

export async function deleteReschedules(db: DbOrTx, sessionRowIds: string[]): Promise<void> {
  if (sessionRowIds.length === 0) return;
  await db.delete(reschedules).where(inArray(reschedules.sessionId, sessionRowIds));
}

// ---------------------------------------------------------------------------------------------------------
// Reads

const {
  transcript: transcriptColumn,
  contentHash: _contentHash,
  processingAttempts: _processingAttempts,
  lastError: _lastError,
  unqueuedAt: _unqueuedAt,
  createdAt: _createdAt,
  updatedAt: _updatedAt,
  ...dtoColumns
} = getTableColumns(sessions);
/** The columns of a SessionDtoRow: `octet_length` of a stored-out-of-line text is read without fetching it. */
const SESSION_DTO_COLUMNS = {
  ...dtoColumns,
  hasTranscript: sql<boolean>`coalesce(octet_length(${transcriptColumn}), 0) > 0`.mapWith(Boolean),
};

function selectWithNames(db: DbOrTx) {
  return db
    .select({ session: SESSION_DTO_COLUMNS, tutorName: tutors.name, studentName: students.name })
    .from(sessions)
    .leftJoin(tutors, eq(tutors.id, sessions.tutorId))
    .leftJoin(students, eq(students.id, sessions.studentId));
}

export async function findSessionById(db: DbOrTx, id: string): Promise<SessionRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  return row ?? null;
}

/** Full rows by row uuid (unknown or malformed ids are skipped). */
export async function findSessionsByIds(db: DbOrTx, ids: string[]): Promise<SessionRow[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  return db.select().from(sessions).where(anyOf(sessions.id, valid));
}

/** By row uuid or by the platform's `session_id` (a uuid match wins if both could match). */
export async function findSessionWithNames(
  db: DbOrTx,
  idOrPlatformId: string,
): Promise<SessionWithNames | null> {
  const where = isUuid(idOrPlatformId)
    ? or(eq(sessions.id, idOrPlatformId), eq(sessions.sessionId, idOrPlatformId))
    : eq(sessions.sessionId, idOrPlatformId);
  const [row] = await selectWithNames(db)
    .where(where)
    .orderBy(sql`${sessions.sessionId} = ${idOrPlatformId}`)
    .limit(1);
  return row ?? null;
}

export type SessionFilters = {
  tutorId?: string | undefined;
  studentId?: string | undefined;
  startFrom?: Date | undefined;
  /** Upper bound on session_start_time; `inclusive` for an instant, exclusive for the day after a date. */
  startTo?: { at: Date; inclusive: boolean } | undefined;
  isFirstSession?: boolean | undefined;
  processingStatus?: SessionRow['processingStatus'] | undefined;
};

function filterConditions(f: SessionFilters): SQL | undefined {
  const where: SQL[] = [];
  if (f.tutorId) where.push(eq(sessions.tutorId, f.tutorId));
  if (f.studentId) where.push(eq(sessions.studentId, f.studentId));
  if (f.startFrom) where.push(gte(sessions.sessionStartTime, f.startFrom));
  if (f.startTo) {
    where.push(
      f.startTo.inclusive
        ? lte(sessions.sessionStartTime, f.startTo.at)
        : lt(sessions.sessionStartTime, f.startTo.at),
    );
  }
  if (f.isFirstSession !== undefined) where.push(eq(sessions.isFirstSession, f.isFirstSession));
  if (f.processingStatus) where.push(eq(sessions.processingStatus, f.processingStatus));
  return where.length ? and(...where) : undefined;
}

/**
 * The list's sorts, as keysets: scheduled start, then id. The (start, id), (tutor|student, start, id) and
 * (processing_status, start, id) indexes serve them, forwards for `oldest` and backwards for `newest`.
 */
export const SESSION_LIST_SORTS = {
  newest: {
    name: 'newest',
    dir: 'desc',
    keys: [
      { expr: sessions.sessionStartTime, type: 'timestamptz' },
      { expr: sessions.id, type: 'uuid' },
    ],
  },
  oldest: {
    name: 'oldest',
    dir: 'asc',
    keys: [
      { expr: sessions.sessionStartTime, type: 'timestamptz' },
      { expr: sessions.id, type: 'uuid' },
    ],
  },
} as const satisfies Record<string, KeysetSort>;
export type SessionListSort = keyof typeof SESSION_LIST_SORTS;

/**
 * One page in `sort` order: `limit + 1` rows (the extra one tells the caller a next page exists) after the
 * keyset `after`, or from `offset` (deprecated: its cost grows with the offset). Each row carries its sort key.
 */
export async function listSessions(
  db: DbOrTx,
  f: SessionFilters,
  page: { sort: SessionListSort; limit: number; offset: number; after: string[] | null },
): Promise<Array<SessionWithNames & { sortKey: string[] }>> {
  const sort = SESSION_LIST_SORTS[page.sort];
  const cond = and(filterConditions(f), page.after ? keysetAfter(sort, page.after) : undefined);
  return db
    .select({
      session: SESSION_DTO_COLUMNS,
      tutorName: tutors.name,
      studentName: students.name,
      sortKey: keysetKeyText(sort),
    })
    .from(sessions)
    .leftJoin(tutors, eq(tutors.id, sessions.tutorId))
    .leftJoin(students, eq(students.id, sessions.studentId))
    .where(cond)
    .orderBy(...keysetOrder(sort))
    .limit(page.limit + 1)
    .offset(page.offset);
}

/** The rows the filters match, unordered: for the list's total (ListTotals counts or estimates it). */
export function matchingSessions(db: DbOrTx, f: SessionFilters) {
  return db
    .select({ one: sql`1` })
    .from(sessions)
    .where(filterConditions(f));
}

export async function listRecentForTutor(db: DbOrTx, tutorId: string, limit: number) {
  return selectWithNames(db)
    .where(eq(sessions.tutorId, tutorId))
    .orderBy(desc(sessions.sessionStartTime), desc(sessions.id))
    .limit(limit);
}

export async function listByPlatformIds(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return selectWithNames(db)
    .where(inArray(sessions.sessionId, ids))
    .orderBy(desc(sessions.sessionStartTime), desc(sessions.id));
}

/** A tutor's reschedules whose original time falls in (from, to], newest first. */
export async function listReschedules(
  db: DbOrTx,
  tutorId: string,
  window: { from: Date; to: Date; limit: number },
) {
  return db
    .select({ reschedule: reschedules, platformSessionId: sessions.sessionId })
    .from(reschedules)
    .innerJoin(sessions, eq(sessions.id, reschedules.sessionId))
    .where(
      and(
        eq(reschedules.tutorId, tutorId),
        gt(reschedules.originalTime, window.from),
        lte(reschedules.originalTime, window.to),
      ),
    )
    .orderBy(desc(reschedules.originalTime), desc(reschedules.id))
    .limit(window.limit);
}

// ---------------------------------------------------------------------------------------------------------
// Processing state (each change applies only to the version it was made for)

const atVersion = (id: string, version: number) => and(eq(sessions.id, id), eq(sessions.version, version));

export type SessionRef = { id: string; version: number };

/**
 * Moves the sessions at exactly these versions to `status` (other versions are left alone: a correction has
 * its own job). Rows locked in id order, like every multi-row write here. Returns the refs that moved.
 */
export async function setStatusMany(
  db: DbOrTx,
  refs: SessionRef[],
  status: 'processing' | 'processed',
  at: Date,
): Promise<SessionRef[]> {
  const valid = [...refs].filter((r) => isUuid(r.id)).sort(byKey((r) => r.id));
  if (valid.length === 0) return [];
  const processed = status === 'processed';
  const res = await db.execute(sql`
    update sessions s
    set processing_status = ${status},
        processed_at = ${processed ? sql`${at}::timestamptz` : sql`s.processed_at`},
        last_error = ${processed ? sql`null` : sql`s.last_error`},
        updated_at = ${at}::timestamptz
    from unnest(${sql.param(valid.map((r) => r.id))}::uuid[], ${sql.param(valid.map((r) => r.version))}::int[])
      as v(id, version)
    where s.id = v.id and s.version = v.version
    returning s.id, s.version`);
  return rowsOf<SessionRef>(res).map((r) => ({ id: r.id, version: Number(r.version) }));
}

export async function setFailed(
  db: DbOrTx,
  id: string,
  version: number,
  error: string,
  at: Date,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .update(sessions)
    .set({ processingStatus: 'failed', lastError: error, updatedAt: at })
    .where(atVersion(id, version))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

export type ClaimedSession = {
  id: string;
  sessionId: string;
  version: number;
  isFirstSession: boolean;
  processingAttempts: number;
  processingStatus: SessionRow['processingStatus'];
};

/**
 * The sweeper's claim: up to `limit` sessions still `received`/`processing` and untouched since `before`,
 * oldest first. Each claimed row gets `processing_attempts + 1` and `updated_at = at` (so it is not claimed
 * again for another interval), or, once it has been swept `maxSweeps` times, `failed` with `error`.
 * SKIP LOCKED: two sweepers (or a sweeper and an ingestion) never fight over a row.
 */
export async function claimStuckSessions(
  db: DbOrTx,
  p: { before: Date; at: Date; limit: number; maxSweeps: number; error: string },
): Promise<ClaimedSession[]> {
  const stuck = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(inArray(sessions.processingStatus, ['received', 'processing']), lt(sessions.updatedAt, p.before)),
    )
    .orderBy(asc(sessions.updatedAt))
    .limit(p.limit)
    .for('update', { skipLocked: true });
  const givesUp = sql`${sessions.processingAttempts} >= ${p.maxSweeps}`;
  return db
    .update(sessions)
    .set({
      processingAttempts: sql`case when ${givesUp} then ${sessions.processingAttempts} else ${sessions.processingAttempts} + 1 end`,
      processingStatus: sql`case when ${givesUp} then 'failed' else ${sessions.processingStatus} end`,
      lastError: sql`case when ${givesUp} then ${p.error}::text else ${sessions.lastError} end`,
      // Re-enqueued (or given up): no longer waiting for the unqueued sweep.
      unqueuedAt: null,
      updatedAt: p.at,
    })
    .where(inArray(sessions.id, stuck))
    .returning({
      id: sessions.id,
      sessionId: sessions.sessionId,
      version: sessions.version,
      isFirstSession: sessions.isFirstSession,
      processingAttempts: sessions.processingAttempts,
      processingStatus: sessions.processingStatus,
    });
}

/**
 * Ingestion committed these versions but could not enqueue their tier 1 jobs: marks them for the unqueued
 * sweep. Only rows still at that version and `received` are marked (a newer version has its own ingestion; a
 * session already taken by a job needs nothing). `updated_at` is left alone, so the regular sweeper's clock
 * keeps running as a backstop. Returns how many rows were marked.
 */
export async function markUnqueued(db: DbOrTx, refs: SessionRef[], at: Date): Promise<number> {
  const valid = [...refs].filter((r) => isUuid(r.id)).sort(byKey((r) => r.id));
  if (valid.length === 0) return 0;
  const res = await db.execute(sql`
    update sessions s
    set unqueued_at = ${at}::timestamptz
    from unnest(${sql.param(valid.map((r) => r.id))}::uuid[], ${sql.param(valid.map((r) => r.version))}::int[])
      as v(id, version)
    where s.id = v.id and s.version = v.version and s.processing_status = 'received'
      and s.unqueued_at is null
    returning s.id`);
  return rowsOf<{ id: string }>(res).length;
}

/** Whether any session is marked unqueued (a probe of the partial index `sessions_unqueued_idx`). */
export async function hasUnqueuedSessions(db: DbOrTx): Promise<boolean> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(isNotNull(sessions.unqueuedAt))
    .limit(1);
  return rows.length > 0;
}

export type UnqueuedSession = Omit<ClaimedSession, 'processingAttempts'>;

/**
 * The unqueued sweep's claim: up to `limit` marked sessions, oldest mark first, with their mark cleared. Those
 * still `received` get `updated_at = at` (their job is being enqueued now, so the regular sweeper waits a full
 * interval again); `processing_attempts` is not touched: a job that was never enqueued is not a failed attempt.
 * SKIP LOCKED, so two workers sweeping at once share the rows instead of waiting for each other.
 */
export async function claimUnqueuedSessions(
  db: DbOrTx,
  p: { at: Date; limit: number },
): Promise<UnqueuedSession[]> {
  const marked = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(isNotNull(sessions.unqueuedAt))
    .orderBy(asc(sessions.unqueuedAt))
    .limit(p.limit)
    .for('update', { skipLocked: true });
  return db
    .update(sessions)
    .set({
      unqueuedAt: null,
      updatedAt: sql`case when ${sessions.processingStatus} = 'received' then ${p.at}::timestamptz else ${sessions.updatedAt} end`,
    })
    .where(inArray(sessions.id, marked))
    .returning({
      id: sessions.id,
      sessionId: sessions.sessionId,
      version: sessions.version,
      isFirstSession: sessions.isFirstSession,
      processingStatus: sessions.processingStatus,
    });
}
