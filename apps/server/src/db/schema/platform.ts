/**
 * Platform records: the event log behind SSE (monotonic ids for Last-Event-ID replay), the record of every
 * AI call (for cost per task, per user and per day) and the dead-letter list of jobs that spent their attempts.
 */
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    /** Roles allowed to receive the event; admins receive everything. */
    audience: text('audience').array().notNull(),
    /** Restricts the event to one user (e.g. a student's own updates), in addition to the roles. */
    userId: text('user_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('events_created_idx').on(t.createdAt)],
);

/**
 * One row per AI call (`ai.run` or `ai.chat`), local answers and failures included. `provider`/`model` are
 * who was asked first: the model, or `local` when no provider is configured. `outcome`: ok, fallback (the
 * model failed with `error_code` and the task's local answer was used; tokens are those of the failed
 * answer, when the provider reported them) or error. No prompt or answer text is kept.
 */
export const aiCalls = pgTable(
  'ai_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    task: text('task').notNull(),
    kind: text('kind', { enum: ['json', 'chat'] }).notNull(),
    provider: text('provider', { enum: ['openai', 'local'] }).notNull(),
    model: text('model').notNull(),
    /** The user the call served; null for system work (tier 2 jobs). Not a foreign key: rows outlive users. */
    userId: uuid('user_id'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    latencyMs: integer('latency_ms').notNull(),
    outcome: text('outcome', { enum: ['ok', 'fallback', 'error'] }).notNull(),
    errorCode: text('error_code'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('ai_calls_created_idx').on(t.createdAt),
    index('ai_calls_task_created_idx').on(t.task, t.createdAt),
  ],
);

/**
 * Dead letters: jobs that failed on every attempt, written by the queue adapters through their dead-letter sink
 * and shown to admins, who re-run or discard them. One row per (queue lane, job id): the same job failing again
 * (a re-run that fails, a stalled job failing twice) re-opens and updates its row rather than adding one.
 * `failures` counts how many times the job has landed here; `attempts` is the attempts of the latest run.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The queue lane (`default`, `pipeline`, …): the same names in both queue adapters. */
    queue: text('queue').notNull(),
    jobName: text('job_name').notNull(),
    jobId: text('job_id').notNull(),
    payload: jsonb('payload').$type<unknown>(),
    errorMessage: text('error_message').notNull(),
    errorStack: text('error_stack'),
    attempts: integer('attempts').notNull(),
    failures: integer('failures').notNull().default(1),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status', { enum: ['open', 'rerun', 'discarded'] })
      .notNull()
      .default('open'),
    /** The admin who last re-ran or discarded it. Not a foreign key: rows outlive users. */
    actedBy: uuid('acted_by'),
    actedByLabel: text('acted_by_label'),
    actedAt: timestamp('acted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('dead_letters_queue_job_uq').on(t.queue, t.jobId),
    index('dead_letters_status_last_idx').on(t.status, t.lastFailedAt),
    index('dead_letters_job_name_idx').on(t.jobName),
  ],
);
