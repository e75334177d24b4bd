/**
 * The job queue port. Two adapters implement it: `createMemoryQueue` (in-process, embedded mode) and
 * `createBullmqQueue` (Redis, scaled mode). Both give: typed payloads validated with zod, retries with
 * exponential backoff (3 attempts by default), a failed (dead-letter) list, priorities (1 = highest),
 * job-id de-duplication, delayed jobs and cron schedules.
 *
 * Lanes: job names can be given their own lane, with its own worker slots, so that a burst of one kind of job
 * neither waits behind nor starves the others, and so that a batching handler (tier 1) gets many jobs in flight
 * at once while slow or rate-limited ones (mail, LLM calls) stay few. Jobs not in a lane share the default one.
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

/**
 * A job that spent all its attempts (or failed unrecoverably), as handed to the dead-letter sink. `queue` is
 * the job's lane (`default` or a lane name), the same in both adapters.
 */
export type DeadLetter = {
  queue: string;
  name: string;
  id: string;
  payload: unknown;
  error: string;
  stack: string | null;
  attempts: number;
  failedAt: Date;
};

/**
 * Where the queue adapters put jobs that keep failing (the composition root wires a database-backed one). It
 * must be idempotent on (queue, id): the same job reported twice updates one record. A sink that throws is
 * logged and does not change the job's outcome.
 */
export type DeadLetterSink = {
  record(letter: DeadLetter): Promise<void>;
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

/**
 * The queue's backend is reachable again after an outage (never fired by the in-process adapter). `dataLost`:
 * the backend came back without the jobs it held (Redis restarted empty); told to exactly one working process,
 * which should re-enqueue from the database what was in flight.
 */
export type QueueReadyInfo = { dataLost: boolean };

/** The default lane: every job name not given a lane of its own. */
export const DEFAULT_LANE = 'default';

/** Lane name → the job names it carries and its default concurrency per worker process. */
export type LaneSpecs = Record<string, { jobs: readonly string[]; concurrency: number }>;

export type WorkOptions = {
  /** Jobs run at once by this process in the default lane (default 4). */
  concurrency?: number;
  /** Per-lane overrides of the lanes' own concurrency. */
  lanes?: Record<string, number>;
};

/** The lane of each job name, checking the specs: no lane named `default`, no job in two lanes, sane concurrency. */
export function laneIndex(registry: JobRegistry, lanes: LaneSpecs | undefined): Map<string, string> {
  const index = new Map<string, string>();
  for (const [lane, spec] of Object.entries(lanes ?? {})) {
    if (lane === DEFAULT_LANE || !/^[a-z][a-z0-9-]*$/.test(lane)) {
      throw new Error(`lane name "${lane}" is reserved or not [a-z][a-z0-9-]*`);
    }
    assertConcurrency(spec.concurrency, `lane ${lane} concurrency`);
    for (const job of spec.jobs) {
      if (!Object.hasOwn(registry, job)) throw new Error(`lane ${lane}: unknown job "${job}"`);
      const other = index.get(job);
      if (other) throw new Error(`job "${job}" is in two lanes (${other}, ${lane})`);
      index.set(job, lane);
    }
  }
  return index;
}

export function assertConcurrency(value: unknown, what = 'concurrency'): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new Error(`${what} must be an integer >= 1, got ${String(value)}`);
  }
}

/** Concurrency per lane for a work() call: the default lane's from opts, the others' from their spec or opts. */
export function laneConcurrency(
  lanes: LaneSpecs | undefined,
  opts: WorkOptions | undefined,
  fallback: number,
) {
  const out = new Map<string, number>([[DEFAULT_LANE, opts?.concurrency ?? fallback]]);
  for (const [lane, spec] of Object.entries(lanes ?? {})) out.set(lane, spec.concurrency);
  for (const [lane, n] of Object.entries(opts?.lanes ?? {})) {
    if (!out.has(lane)) throw new Error(`work(): unknown lane "${lane}"`);
    out.set(lane, n);
  }
  for (const [lane, n] of out)
    assertConcurrency(n, lane === DEFAULT_LANE ? 'concurrency' : `lane ${lane} concurrency`);
  return out;
}

export interface JobQueue<R extends JobRegistry = JobRegistry> {
  readonly kind: 'memory' | 'bullmq';
  /** Validates the payload (throws on bad input) and enqueues it. */
  add<N extends keyof R & string>(name: N, payload: z.input<R[N]>, opts?: JobOptions): Promise<AddResult>;
  addBulk<N extends keyof R & string>(
    jobs: Array<{ name: N; payload: z.input<R[N]>; opts?: JobOptions }>,
  ): Promise<AddResult[]>;
  /** Starts consuming with these handlers (call once per process that runs workers), in every lane. */
  work(handlers: JobHandlers<R>, opts?: WorkOptions): Promise<void>;
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
  /**
   * Called whenever the backend's connection becomes ready again after being lost. Schedules given to
   * schedule() are re-asserted by the adapter itself (on reconnect and every 30 s), so a backend that restarts
   * empty does not lose them. Returns an unsubscribe function.
   */
  onReady(listener: (info: QueueReadyInfo) => void): () => void;
  /** Listens to job completions and failures (metrics, tests). Returns an unsubscribe function. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  /** Resolves when nothing is waiting, active or delayed-and-due (tests, CLI, bench). A job waiting out a retry
   * backoff counts as active work; a job delayed into the future (or a cron's next run) does not. Rejects
   * after `timeoutMs` (default 30 s). */
  whenIdle(opts?: { timeoutMs?: number }): Promise<void>;
  /** Stops workers after in-flight jobs finish, then releases connections. */
  close(): Promise<void>;
}
