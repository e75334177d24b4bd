/**
 * The job queue port. Two adapters implement it: `createMemoryQueue` (in-process, embedded mode) and
 * `createBullmqQueue` (Redis, scaled mode). Both give: typed payloads validated with zod, retries with
 * exponential backoff (3 attempts by default), a failed (dead-letter) list, priorities (1 = highest),
 * job-id de-duplication, delayed jobs and cron schedules.
 */
import type { z } from 'zod';

/** Job name → payload schema. Modules contribute their entries to the app's registry. */
export type JobRegistry = Record<string, z.ZodType>;

export type JobOptions = {
  /** De-duplication key: adding a job whose id is already known (waiting, active, delayed, completed or
   * failed and not yet removed) does nothing and returns `added: false`. Derive it from the work. */
  jobId?: string;
  /** 1 is the highest priority; larger numbers run later. Default 5. */
  priority?: number;
  delayMs?: number;
  /** Total attempts including the first; default 3. */
  attempts?: number;
  /** First retry delay; doubles each retry (exponential). Default 1000 ms. */
  backoffMs?: number;
};

export type JobContext = { id: string; name: string; attempt: number; attemptsMax: number };
export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;
export type JobHandlers<R extends JobRegistry> = { [N in keyof R]?: JobHandler<z.output<R[N]>> };

export type FailedJob = {
  id: string;
  name: string;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: Date;
};

export type QueueCounts = {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
};

export type JobEvent =
  | { type: 'completed'; id: string; name: string; durationMs: number; attempt: number }
  | {
      type: 'failed';
      id: string;
      name: string;
      durationMs: number;
      attempt: number;
      error: string;
      final: boolean;
    };

export type AddResult = { id: string; added: boolean };

export interface JobQueue<R extends JobRegistry = JobRegistry> {
  readonly kind: 'memory' | 'bullmq';
  /** Validates the payload (throws on bad input) and enqueues it. */
  add<N extends keyof R & string>(name: N, payload: z.input<R[N]>, opts?: JobOptions): Promise<AddResult>;
  addBulk<N extends keyof R & string>(
    jobs: Array<{ name: N; payload: z.input<R[N]>; opts?: JobOptions }>,
  ): Promise<AddResult[]>;
  /** Starts consuming with these handlers (call once per process that runs workers). */
  work(handlers: JobHandlers<R>, opts?: { concurrency?: number }): Promise<void>;
  /** Upserts a cron schedule (5 or 6 fields, UTC unless tz given) that enqueues `name` with `payload`. */
  schedule<N extends keyof R & string>(
    schedulerId: string,
    cron: string,
    name: N,
    payload: z.input<R[N]>,
    opts?: { tz?: string },
  ): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
  listFailed(opts?: { limit?: number; offset?: number }): Promise<FailedJob[]>;
  /** Moves a failed job back to waiting with fresh attempts. */
  retryFailed(id: string): Promise<boolean>;
  counts(): Promise<QueueCounts>;
  /** Checks the backend answers (Redis ping for BullMQ); throws when it does not. */
  ping(): Promise<void>;
  /** Listens to job completions and failures (metrics, tests). Returns an unsubscribe function. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  /** Resolves when nothing is waiting, active or delayed-and-due (tests, CLI, bench). A job waiting out a retry
   * backoff counts as active work; a job delayed into the future (or a cron's next run) does not. Rejects
   * after `timeoutMs` (default 30 s). */
  whenIdle(opts?: { timeoutMs?: number }): Promise<void>;
  /** Stops workers after in-flight jobs finish, then releases connections. */
  close(): Promise<void>;
}
