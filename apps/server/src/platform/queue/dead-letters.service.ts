/**
 * The dead-letter list: the database-backed sink the queue adapters hand jobs that spent their attempts to
 * (wired by the composition root, runtime.ts), and the admin use cases on it — list, read, re-run, discard.
 * Re-running puts the original job back on the queue under its own id (BullMQ's failed job is retried with fresh
 * attempts when the queue still holds it, else the stored payload is enqueued anew), so its de-duplication and
 * idempotency keys are those of the original work.
 */
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type {
  TDeadLetter,
  TDeadLetterDetail,
  TDeadLetterPage,
  TDeadLettersQuery,
  TRerunDeadLetterResponse,
} from '@tutorpulse/contracts/dead-letters';
import type { Db } from '../../db/client';
import { deadLetters } from '../../db/schema/index';
import { actorOf, type Actor, type Principal, type RequestContext } from '../auth/principal';
import type { Clock } from '../clock';
import { AppError, notFound } from '../errors';
import { InvalidJobError } from './memory-queue';
import type { DeadLetter, DeadLetterSink, JobQueue } from './port';

/** Long enough for any real message and stack; a runaway one (a whole response body) is cut. */
const MAX_ERROR_CHARS = 8_000;
const MAX_STACK_CHARS = 32_000;

/** Postgres text and jsonb hold neither NUL nor lone surrogates; an error message may carry either. */
const UNSTORABLE = /[\0\p{Cs}]/gu;
const storable = (s: string, max: number) => s.replace(UNSTORABLE, '\uFFFD').slice(0, max);

function storablePayload(payload: unknown): unknown {
  if (payload === undefined) return null;
  const json = JSON.stringify(payload, (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(UNSTORABLE, '\uFFFD') : value,
  );
  return json === undefined ? null : (JSON.parse(json) as unknown);
}

/** The sink the queue adapters write to: one row per (queue, job id), re-opened when the job fails again. */
export function createDeadLetterSink(deps: { db: Db }): DeadLetterSink {
  const { db } = deps;
  return {
    async record(letter: DeadLetter) {
      const error = storable(letter.error || 'unknown error', MAX_ERROR_CHARS);
      const stack = letter.stack === null ? null : storable(letter.stack, MAX_STACK_CHARS);
      await db
        .insert(deadLetters)
        .values({
          queue: letter.queue,
          jobName: letter.name,
          jobId: letter.id,
          payload: storablePayload(letter.payload),
          errorMessage: error,
          errorStack: stack,
          attempts: letter.attempts,
          firstFailedAt: letter.failedAt,
          lastFailedAt: letter.failedAt,
        })
        .onConflictDoUpdate({
          target: [deadLetters.queue, deadLetters.jobId],
          set: {
            jobName: sql`excluded.job_name`,
            payload: sql`excluded.payload`,
            errorMessage: sql`excluded.error_message`,
            errorStack: sql`excluded.error_stack`,
            attempts: sql`excluded.attempts`,
            // A report of a failure already on the list (the same final failure seen twice) counts once; one
            // after a re-run or a discard is a new failure.
            failures: sql`${deadLetters.failures} + case when ${deadLetters.status} = 'open' then 0 else 1 end`,
            lastFailedAt: sql`greatest(${deadLetters.lastFailedAt}, excluded.last_failed_at)`,
            status: 'open',
          },
        });
    },
  };
}

/** What the service needs of the audit log (identity implements it). */
export type DeadLetterAudit = {
  record(entry: {
    actor: Actor;
    action: string;
    outcome: 'success' | 'failure' | 'denied';
    target?: { type: string; id: string | null };
    details?: Record<string, unknown>;
    ctx?: RequestContext;
  }): Promise<void>;
};

type Row = typeof deadLetters.$inferSelect;

function toDeadLetter(r: Row): TDeadLetter {
  return {
    id: r.id,
    queue: r.queue,
    job_name: r.jobName,
    job_id: r.jobId,
    error_message: r.errorMessage,
    attempts: r.attempts,
    failures: r.failures,
    first_failed_at: r.firstFailedAt.toISOString(),
    last_failed_at: r.lastFailedAt.toISOString(),
    status: r.status,
    acted_by: r.actedBy,
    acted_by_label: r.actedByLabel,
    acted_at: r.actedAt?.toISOString() ?? null,
  };
}

function toDetail(r: Row): TDeadLetterDetail {
  return { ...toDeadLetter(r), payload: r.payload ?? null, error_stack: r.errorStack };
}

export function createDeadLetterService(deps: {
  db: Db;
  queue: JobQueue;
  clock: Clock;
  audit: DeadLetterAudit;
}) {
  const { db, queue, clock, audit } = deps;

  async function find(id: string): Promise<Row> {
    const [row] = await db.select().from(deadLetters).where(eq(deadLetters.id, id));
    if (!row) throw notFound('Dead letter', 'DEAD_LETTER_NOT_FOUND');
    return row;
  }

  /** Moves an open entry to `status`, or explains why not (404 / 409), in one conditional update. */
  async function close(id: string, status: 'rerun' | 'discarded', by: Principal): Promise<Row> {
    const [row] = await db
      .update(deadLetters)
      .set({
        status,
        actedBy: by.kind === 'user' ? by.id : null,
        actedByLabel: by.label,
        actedAt: clock.now(),
      })
      .where(and(eq(deadLetters.id, id), eq(deadLetters.status, 'open')))
      .returning();
    if (row) return row;
    const existing = await find(id);
    throw new AppError(
      'DEAD_LETTER_NOT_OPEN',
      `This dead letter is already ${existing.status === 'rerun' ? 're-run' : 'discarded'}`,
      { status: existing.status },
      409,
    );
  }

  async function requeue(row: Row): Promise<TRerunDeadLetterResponse['requeued']> {
    if (await queue.retryFailed(row.jobId)) return 'retried';
    const added = await queue.add(row.jobName, row.payload ?? undefined, { jobId: row.jobId });
    return added.added ? 'enqueued' : 'already_queued';
  }

  return {
    async list(q: TDeadLettersQuery): Promise<TDeadLetterPage> {
      const where: SQL[] = [];
      if (q.status) where.push(eq(deadLetters.status, q.status));
      if (q.queue) where.push(eq(deadLetters.queue, q.queue));
      if (q.job_name) where.push(eq(deadLetters.jobName, q.job_name));
      const cond = where.length ? and(...where) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(deadLetters)
          .where(cond)
          .orderBy(desc(deadLetters.lastFailedAt), desc(deadLetters.id))
          .limit(q.limit)
          .offset(q.offset),
        db.select({ n: count() }).from(deadLetters).where(cond),
      ]);
      return { data: rows.map(toDeadLetter), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
    },

    async get(id: string): Promise<TDeadLetterDetail> {
      return toDetail(await find(id));
    },

    /** Re-enqueues the job with its original payload and id; 409 unless the entry is open. */
    async rerun(id: string, by: Principal, ctx: RequestContext): Promise<TRerunDeadLetterResponse> {
      const row = await close(id, 'rerun', by);
      let requeued: TRerunDeadLetterResponse['requeued'];
      try {
        requeued = await requeue(row);
      } catch (err) {
        // Nothing was re-run: the entry goes back to open so the admin can try again.
        await db
          .update(deadLetters)
          .set({ status: 'open' })
          .where(and(eq(deadLetters.id, id), eq(deadLetters.status, 'rerun')));
        const details = { job_name: row.jobName, job_id: row.jobId };
        await audit.record({
          actor: actorOf(by),
          action: 'dead_letter.rerun',
          outcome: 'failure',
          target: { type: 'dead_letter', id },
          details: { ...details, error: err instanceof Error ? err.message : String(err) },
          ctx,
        });
        if (err instanceof InvalidJobError) {
          throw new AppError('UNPROCESSABLE', `The job cannot be re-run: ${err.message}`, details, 422);
        }
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'The job queue is unavailable; try again shortly',
          details,
          503,
        );
      }
      await audit.record({
        actor: actorOf(by),
        action: 'dead_letter.rerun',
        outcome: 'success',
        target: { type: 'dead_letter', id },
        details: { queue: row.queue, job_name: row.jobName, job_id: row.jobId, requeued },
        ctx,
      });
      return { dead_letter: toDetail(row), requeued };
    },

    async discard(id: string, by: Principal, ctx: RequestContext): Promise<TDeadLetterDetail> {
      const row = await close(id, 'discarded', by);
      await audit.record({
        actor: actorOf(by),
        action: 'dead_letter.discard',
        outcome: 'success',
        target: { type: 'dead_letter', id },
        details: { queue: row.queue, job_name: row.jobName, job_id: row.jobId },
        ctx,
      });
      return toDetail(row);
    },
  };
}

export type DeadLetterService = ReturnType<typeof createDeadLetterService>;
