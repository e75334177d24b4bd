/**
 * Writes a generated demo dataset into the database through Drizzle: subjects, tutors (+ their subjects),
 * students, then sessions and reschedules streamed from the generator in multi-row inserts inside
 * transactions. Sessions go through the sessions module's own mapping (toSessionRecord/toRescheduleRecord)
 * and land as `received`, exactly as if the webhook had delivered them, for the pipeline to process.
 * Every insert ignores rows that already exist, so re-running with the same seed adds nothing.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { getTableColumns, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import type { Db, DbOrTx } from '../../db/client';
import { reschedules, sessions, students, subjects, tutorSubjects, tutors } from '../../db/schema/index';
import { toRescheduleRecord, toSessionRecord, type SessionRecord } from '../../modules/sessions/index';
import {
  SESSIONS_PER_DAY_AT_SCALE_1,
  type DemoDataset,
  type GroundTruth,
  type SessionStats,
} from './generate';

/** Rows per INSERT: ~30 columns × 1000 rows stays well under Postgres' 65 535 bind parameters. */
const ROWS_PER_INSERT = 1000;
/** Sessions per transaction: large enough to amortise commits, small enough to keep memory flat. */
const SESSIONS_PER_TRANSACTION = 5000;
const MAX_TRANSACTIONS_IN_FLIGHT = 2;
/** Below this many sessions a progress bar is noise. */
const PROGRESS_MIN_SESSIONS = 5000;

export type InsertedCounts = {
  subjects: number;
  tutors: number;
  tutorSubjects: number;
  students: number;
  sessions: number;
  reschedules: number;
};

export type WriteDatasetOptions = {
  db: Db;
  dataset: DemoDataset;
  quiet: boolean;
};

/**
 * The platform's directory — subjects, tutors with their subjects, students — in one transaction, skipping
 * rows that exist. The seed writes it before its sessions; the eval and the bench before their webhooks.
 */
export async function writeDirectory(
  db: Db,
  dataset: DemoDataset,
): Promise<Pick<InsertedCounts, 'subjects' | 'tutors' | 'tutorSubjects' | 'students'>> {
  const inserted = { subjects: 0, tutors: 0, tutorSubjects: 0, students: 0 };
  await db.transaction(async (tx) => {
    inserted.subjects = await insertInBatches(dataset.subjects, (rows) =>
      tx.insert(subjects).values(rows).onConflictDoNothing().returning({ id: subjects.id }),
    );
    inserted.tutors = await insertInBatches(
      dataset.tutors.map((t) => ({
        id: t.id,
        name: t.name,
        email: t.email,
        mainSubjectId: t.mainSubjectId,
        hiredAt: t.hiredAt,
        isActive: true,
      })),
      (rows) => tx.insert(tutors).values(rows).onConflictDoNothing().returning({ id: tutors.id }),
    );
    inserted.tutorSubjects = await insertInBatches(
      dataset.tutors.flatMap((t) => t.subjectIds.map((subjectId) => ({ tutorId: t.id, subjectId }))),
      (rows) =>
        tx.insert(tutorSubjects).values(rows).onConflictDoNothing().returning({ id: tutorSubjects.tutorId }),
    );
    inserted.students = await insertInBatches(
      dataset.students.map((s) => ({
        id: s.id,
        name: s.name,
        email: s.email,
        gradeLevel: s.gradeLevel,
        signedUpAt: s.signedUpAt,
      })),
      (rows) => tx.insert(students).values(rows).onConflictDoNothing().returning({ id: students.id }),
    );
  });

  return inserted;
}

export async function writeDataset({ db, dataset, quiet }: WriteDatasetOptions): Promise<{
  inserted: InsertedCounts;
  stats: SessionStats;
}> {
  const inserted: InsertedCounts = {
    subjects: 0,
    tutors: 0,
    tutorSubjects: 0,
    students: 0,
    sessions: 0,
    reschedules: 0,
  };

  Object.assign(inserted, await writeDirectory(db, dataset));

  const expected = Math.round(SESSIONS_PER_DAY_AT_SCALE_1 * dataset.scale * dataset.days);
  const bar =
    !quiet && expected >= PROGRESS_MIN_SESSIONS
      ? new cliProgress.SingleBar(
          {
            format: 'sessions |{bar}| {percentage}% | {value}/{total} | eta {eta_formatted}',
            stream: process.stderr,
            // Draw off a terminal too (CI logs, `npm run seed | tee`), at a calmer pace.
            noTTYOutput: true,
            notTTYSchedule: 5000,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(expected, 0);

  const iterator = dataset.generateSessions();
  let pending: TWebhookPayload[] = [];
  let written = 0;
  // Up to two transactions in flight: the next batch is generated and mapped while Postgres writes the
  // previous one (on PGlite they simply queue).
  const inFlight: Array<Promise<void>> = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const writing = writeSessionBatch(db, batch).then((counts) => {
      inserted.sessions += counts.sessions;
      inserted.reschedules += counts.reschedules;
      written += batch.length;
      if (bar) {
        // The estimate can fall short (growth, noise): keep the bar's total ahead of the count.
        if (written > bar.getTotal()) bar.setTotal(written);
        bar.update(written);
      }
    });
    // Marked handled now: a later batch may fail while we await an earlier one; allSettled reports it below.
    writing.catch(() => {});
    inFlight.push(writing);
  };
  let stats: SessionStats | undefined;
  let failure: unknown;
  try {
    for (;;) {
      const step = iterator.next();
      if (step.done) {
        stats = step.value;
        break;
      }
      pending.push(step.value);
      if (pending.length >= SESSIONS_PER_TRANSACTION) {
        flush();
        if (inFlight.length >= MAX_TRANSACTIONS_IN_FLIGHT) await inFlight.shift();
      }
    }
    flush();
  } catch (err) {
    failure = err;
  } finally {
    // Never leave a transaction running behind our back: wait for all, then report the first failure.
    const settled = await Promise.allSettled(inFlight);
    failure ??= settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
    if (bar) {
      bar.setTotal(Math.max(written, 1));
      bar.update(written);
      bar.stop();
    }
  }
  if (failure !== undefined || !stats)
    throw failure ?? new Error('session generation ended without statistics');
  return { inserted, stats };
}

/** One transaction: the sessions, then the reschedules of those sessions (looked up by platform id, so a run
 * interrupted between the two, or a replay, still ends with every reschedule present exactly once). */
async function writeSessionBatch(
  db: Db,
  payloads: TWebhookPayload[],
): Promise<{ sessions: number; reschedules: number }> {
  return db.transaction(async (tx) => {
    const records: SessionRecord[] = payloads.map((p) => ({
      ...toSessionRecord(p),
      processingStatus: 'received',
    }));
    let insertedSessions = 0;
    for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
      insertedSessions += await insertAsRecordset(
        tx,
        sessions,
        records.slice(i, i + ROWS_PER_INSERT),
        sessions.sessionId,
      );
    }
    const rescheduled = payloads.filter((p) => p.reschedule);
    const insertedReschedules = rescheduled.length === 0 ? 0 : await writeReschedules(tx, rescheduled);
    return { sessions: insertedSessions, reschedules: insertedReschedules };
  });
}

async function writeReschedules(tx: DbOrTx, payloads: TWebhookPayload[]): Promise<number> {
  const rows = await tx
    .select({ id: sessions.id, sessionId: sessions.sessionId })
    .from(sessions)
    .where(
      inArray(
        sessions.sessionId,
        payloads.map((p) => p.session_id),
      ),
    );
  const rowIdBySessionId = new Map(rows.map((r) => [r.sessionId, r.id]));
  const records = payloads.flatMap((p) => {
    const rowId = rowIdBySessionId.get(p.session_id);
    const record = rowId ? toRescheduleRecord(p, rowId) : null;
    return record ? [record] : [];
  });
  return insertInBatches(records, (batch) =>
    tx
      .insert(reschedules)
      .values(batch)
      .onConflictDoNothing({ target: reschedules.sessionId })
      .returning({ id: reschedules.id }),
  );
}

/**
 * A multi-row INSERT … ON CONFLICT DO NOTHING whose rows travel as one JSON parameter, expanded by Postgres'
 * json_populate_recordset. Drizzle's builder spends ~0.1 ms per row (plus garbage) assembling a 30-column
 * VALUES list, which was most of a scale-1 seed's time; the JSON form costs a JSON.stringify. Column names
 * and the table still come from the Drizzle schema, so it stays the one source of truth. Every row must have
 * the same keys (toSessionRecord sets all of them, null when absent): a key left out keeps its default.
 */
async function insertAsRecordset<T extends Record<string, unknown>>(
  tx: DbOrTx,
  table: PgTable,
  rows: T[],
  conflictColumn: PgColumn,
): Promise<number> {
  const first = rows[0];
  if (!first) return 0;
  const columns = getTableColumns(table);
  const keys = Object.keys(first);
  const names = keys.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(table)} has no column for ${key}`);
    return column.name;
  });
  // JSON.stringify writes Dates as ISO 8601 (timestamptz parses them) and arrays as JSON arrays (text[]).
  const json = JSON.stringify(
    rows.map((row) => Object.fromEntries(keys.map((key, i) => [names[i], row[key] ?? null]))),
  );
  const list = sql.join(
    names.map((name) => sql.identifier(name)),
    sql`, `,
  );
  const result = await tx.execute(sql`
    with inserted as (
      insert into ${table} (${list})
      select ${list} from json_populate_recordset(null::${table}, ${json}::json)
      on conflict (${sql.identifier(conflictColumn.name)}) do nothing
      returning 1
    )
    select count(*)::int as n from inserted`);
  return readCount(result);
}

/** `execute` results differ by driver (pg: QueryResult, PGlite: Results); both carry `rows`. */
function readCount(result: unknown): number {
  const rows = (result as { rows?: Array<{ n?: unknown }> } | null)?.rows;
  const n = Number(rows?.[0]?.n);
  if (!Number.isFinite(n)) throw new Error('unexpected result from the database');
  return n;
}

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown[]>): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    inserted += (await insert(rows.slice(i, i + ROWS_PER_INSERT))).length;
  }
  return inserted;
}

/** Writes the planted ground truth as pretty JSON, atomically (a reader never sees half a file). */
export function writeGroundTruth(filePath: string, truth: GroundTruth): void {
  mkdirSync(path.dirname(filePath), { recursive: true });
  const tmp = `${filePath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(truth, null, 2)}\n`);
  renameSync(tmp, filePath);
}
