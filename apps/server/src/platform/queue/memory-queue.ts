/**
 * In-process JobQueue adapter (embedded mode): one process enqueues, schedules and works. It keeps the same
 * contract as the BullMQ adapter (priorities, job-id de-duplication, delays, retries with exponential
 * backoff, a failed list, cron schedules) so the app and its tests behave alike in both modes. Nothing
 * survives a restart: in embedded mode the sessions table is the durable inbox and the sweeper re-enqueues.
 *
 * Also exports the option/payload helpers the BullMQ adapter shares, so both adapters accept and reject
 * exactly the same input.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import type {
  AddResult,
  DeadLetter,
  DeadLetterSink,
  FailedJob,
  JobContext,
  JobEvent,
  JobHandler,
  JobHandlers,
  JobOptions,
  JobQueue,
  JobRegistry,
  LaneSpecs,
  QueueCounts,
} from './port';
import { DEFAULT_LANE, laneConcurrency, laneIndex } from './port';

// ---------------------------------------------------------------------------------------------------------
// Shared with bullmq-queue.ts

export const DEFAULT_PRIORITY = 5;
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1_000;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_KEEP_COMPLETED = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_FAILED_PAGE = 100;
/** BullMQ's own ceiling; enforced in memory too so a priority that works embedded also works scaled. */
export const MAX_PRIORITY = 2_097_151;

/** pino's logger fits this shape; so does a console wrapper. */
export type QueueLogger = {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export const consoleQueueLogger: QueueLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

export type ResolvedJobOptions = {
  jobId: string | undefined;
  priority: number;
  delayMs: number;
  attempts: number;
  backoffMs: number;
};

export function resolveJobOptions(
  opts: JobOptions | undefined,
  defaults: { attempts: number; backoffMs: number },
): ResolvedJobOptions {
  const o = opts ?? {};
  if (o.jobId !== undefined && (typeof o.jobId !== 'string' || o.jobId.length === 0)) {
    throw new Error('jobId must be a non-empty string');
  }
  const priority = o.priority ?? DEFAULT_PRIORITY;
  if (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY) {
    throw new Error(`priority must be an integer from 1 to ${MAX_PRIORITY}, got ${String(priority)}`);
  }
  const attempts = o.attempts ?? defaults.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`attempts must be an integer >= 1, got ${String(attempts)}`);
  }
  const delayMs = o.delayMs ?? 0;
  const backoffMs = o.backoffMs ?? defaults.backoffMs;
  for (const [key, value] of [
    ['delayMs', delayMs],
    ['backoffMs', backoffMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${key} must be a number >= 0, got ${String(value)}`);
  }
  return {
    jobId: o.jobId,
    priority,
    delayMs: Math.round(delayMs),
    attempts,
    backoffMs: Math.round(backoffMs),
  };
}

/** add()/schedule() refused the job itself (unknown name, bad payload): retrying the call cannot help. */
export class InvalidJobError extends Error {
  override readonly name = 'InvalidJobError';
}

function schemaFor(registry: JobRegistry, name: string): z.ZodType {
  const schema = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!schema) throw new InvalidJobError(`Unknown job "${name}": it is not in the job registry`);
  return schema;
}

/**
 * Validates a payload for enqueueing and returns what will be stored. The schema checks the payload as the
 * handler will see it, i.e. after the JSON round trip BullMQ applies (a Date becomes a string), so a payload
 * that could not be run fails here, at the caller, rather than later in a worker.
 */
export function preparePayload(registry: JobRegistry, name: string, payload: unknown): unknown {
  const schema = schemaFor(registry, name);
  let stored: unknown;
  try {
    const json = payload === undefined ? undefined : JSON.stringify(payload);
    stored = json === undefined ? undefined : JSON.parse(json);
  } catch (err) {
    throw new InvalidJobError(
      `Invalid payload for job "${name}": not JSON-serializable (${describeError(err)})`,
    );
  }
  const result = schema.safeParse(stored);
  if (!result.success)
    throw new InvalidJobError(`Invalid payload for job "${name}": ${z.prettifyError(result.error)}`);
  return stored;
}

/** Parses a stored payload right before its handler runs (the registry may have changed since enqueue). */
export function parseStoredPayload(
  registry: JobRegistry,
  name: string,
  stored: unknown,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const schema = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!schema) return { ok: false, error: `Unknown job "${name}": it is not in the job registry` };
  const result = schema.safeParse(stored);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: `Invalid payload for job "${name}": ${z.prettifyError(result.error)}` };
}

/** Checks a cron pattern (and time zone) by computing one fire time; cron-parser accepts 5 or 6 fields. */
export function assertValidCron(cron: string, tz: string): void {
  try {
    CronExpressionParser.parse(cron, { tz }).next();
  } catch (err) {
    throw new Error(`Invalid cron "${cron}" (tz ${tz}): ${describeError(err)}`);
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** Handlers keyed by plain strings: the typed map's per-name payload types cannot be expressed once the name
 * is only known at run time, and the payload has just been parsed by that name's schema. */
export function handlerFor(
  handlers: JobHandlers<JobRegistry>,
  name: string,
): JobHandler<unknown> | undefined {
  return Object.hasOwn(handlers, name) ? (handlers[name] as JobHandler<unknown> | undefined) : undefined;
}

/** The stack of a thrown Error (null for anything else), for the dead-letter record. */
export function errorStack(err: unknown): string | null {
  return err instanceof Error && typeof err.stack === 'string' ? err.stack : null;
}

/** Hands a dead letter to the sink; a failing sink is logged, never thrown (the job has failed either way). */
export async function recordDeadLetter(
  sink: DeadLetterSink | undefined,
  letter: DeadLetter,
  logger: QueueLogger,
): Promise<void> {
  if (!sink) return;
  try {
    await sink.record(letter);
  } catch (err) {
    logger.error(
      { err, job: { queue: letter.queue, name: letter.name, id: letter.id } },
      'recording a dead letter failed',
    );
  }
}

export function createEventHub(logger: QueueLogger) {
  const listeners = new Set<(event: JobEvent) => void>();
  return {
    add(listener: (event: JobEvent) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event: JobEvent): void {
      for (const listener of listeners) {
        // A broken metrics listener must not change the outcome of a job.
        try {
          listener(event);
        } catch (err) {
          logger.error({ err, event }, 'job event listener threw');
        }
      }
    },
    clear(): void {
      listeners.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The in-process adapter

export type MemoryQueueOptions<R extends JobRegistry> = {
  registry: R;
  /** Used for recorded timestamps (failedAt). Delays, backoff and cron run on real timers. */
  clock?: Clock;
  logger?: QueueLogger;
  defaultAttempts?: number;
  defaultBackoffMs?: number;
  /** How many completed job ids are remembered for de-duplication (oldest forgotten first). */
  keepCompleted?: number;
  /** Job names with worker slots of their own (see port.ts). */
  lanes?: LaneSpecs;
  /** Receives jobs that spent their attempts (see port.ts); without one they are only kept in memory. */
  deadLetters?: DeadLetterSink;
};

type JobState = 'waiting' | 'delayed' | 'retrying' | 'active' | 'failed';

type MemoryJob = {
  id: string;
  name: string;
  payload: unknown;
  priority: number;
  attemptsMax: number;
  backoffMs: number;
  attemptsMade: number;
  state: JobState;
  /** FIFO tie-break among equal priorities, taken when the job (re)enters waiting. */
  seq: number;
  /** Real-time ms at which a delayed or retrying job becomes due. */
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
  error: string;
  failedAt: Date | undefined;
};

type Schedule = {
  id: string;
  cron: string;
  tz: string;
  name: string;
  payload: unknown;
  lastFireAt: number;
  timer: NodeJS.Timeout | undefined;
};

/** Failed jobs kept (oldest dropped first), the in-process stand-in for BullMQ's 14-day retention. */
const KEEP_FAILED = 10_000;

/** setTimeout silently turns delays above ~24.8 days into 1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export function createMemoryQueue<R extends JobRegistry>(opts: MemoryQueueOptions<R>): JobQueue<R> {
  const { registry } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? consoleQueueLogger;
  const defaults = {
    attempts: opts.defaultAttempts ?? DEFAULT_ATTEMPTS,
    backoffMs: opts.defaultBackoffMs ?? DEFAULT_BACKOFF_MS,
  };
  resolveJobOptions({}, defaults); // fail fast on bad defaults
  const keepCompleted = opts.keepCompleted ?? DEFAULT_KEEP_COMPLETED;
  if (!Number.isInteger(keepCompleted) || keepCompleted < 0) {
    throw new Error('keepCompleted must be an integer >= 0');
  }

  /** Every job not yet completed: waiting, delayed, retrying, active or failed. */
  const jobs = new Map<string, MemoryJob>();
  /** One heap per job name, so names without a handler never block the ones that have one. */
  const waiting = new Map<string, JobHeap>();
  const pending = new Set<MemoryJob>(); // delayed or retrying
  const failed = new Map<string, MemoryJob>(); // insertion order = failure order
  const completed = new Set<string>(); // insertion order = completion order
  const schedules = new Map<string, Schedule>();
  const inFlight = new Set<Promise<void>>();
  const idleWaiters = new Set<{ resolve(): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  const events = createEventHub(logger);

  const laneOf = laneIndex(registry, opts.lanes);
  const lane = (name: string) => laneOf.get(name) ?? DEFAULT_LANE;
  let handlers: JobHandlers<JobRegistry> | undefined;
  let concurrency = laneConcurrency(opts.lanes, undefined, DEFAULT_CONCURRENCY);
  /** Jobs running, in total and per lane. */
  let active = 0;
  const activeIn = new Map<string, number>();
  const hasSlot = (name: string) => (activeIn.get(lane(name)) ?? 0) < (concurrency.get(lane(name)) ?? 1);
  let seq = 0;
  let pumpQueued = false;
  let closing: Promise<void> | undefined;
  let closed = false;

  const assertOpen = () => {
    if (closing) throw new Error('job queue is closed');
  };

  const waitingCount = () => {
    let n = 0;
    for (const heap of waiting.values()) n += heap.size;
    return n;
  };

  const isIdle = () => {
    if (active > 0 || waitingCount() > 0) return false;
    const now = Date.now();
    // A job between attempts is still in flight; a delayed job only counts once it is due.
    for (const job of pending) if (job.state === 'retrying' || job.dueAt <= now) return false;
    return true;
  };

  const settleIdleWaiters = () => {
    if (idleWaiters.size === 0 || !isIdle()) return;
    for (const waiter of idleWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    idleWaiters.clear();
  };

  function setTimer(at: number, fn: () => void): NodeJS.Timeout {
    const delay = Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS);
    return setTimeout(fn, delay);
  }

  function pushWaiting(job: MemoryJob) {
    job.state = 'waiting';
    job.seq = ++seq;
    let heap = waiting.get(job.name);
    if (!heap) {
      heap = new JobHeap();
      waiting.set(job.name, heap);
    }
    heap.push(job);
    schedulePump();
  }

  function pushPending(job: MemoryJob, state: 'delayed' | 'retrying', dueAt: number) {
    job.state = state;
    job.dueAt = dueAt;
    pending.add(job);
    if (closing) return; // close() clears timers; nothing runs after it anyway
    const arm = () => {
      job.timer = setTimer(dueAt, () => {
        if (Date.now() < dueAt) return arm(); // long delay chained past the timer limit
        job.timer = undefined;
        pending.delete(job);
        pushWaiting(job);
      });
    };
    arm();
  }

  function schedulePump() {
    if (pumpQueued) return;
    pumpQueued = true;
    // Deferred so add() never runs a handler inside the caller's stack.
    queueMicrotask(() => {
      pumpQueued = false;
      pump();
      settleIdleWaiters();
    });
  }

  /** The best waiting job among the names this process has a handler for and a free slot in their lane; the
   * others stay waiting. */
  function takeNext(): { job: MemoryJob; handler: JobHandler<unknown> } | undefined {
    if (!handlers) return undefined;
    let best: { heap: JobHeap; handler: JobHandler<unknown> } | undefined;
    for (const [name, heap] of waiting) {
      const head = heap.peek();
      const handler = head && hasSlot(name) && handlerFor(handlers, name);
      if (!head || !handler) continue;
      const bestHead = best?.heap.peek();
      if (!bestHead || compareJobs(head, bestHead) < 0) best = { heap, handler };
    }
    const job = best?.heap.pop();
    return best && job ? { job, handler: best.handler } : undefined;
  }

  function pump() {
    while (!closing) {
      const next = takeNext();
      if (!next) return;
      const jobLane = lane(next.job.name);
      active += 1;
      activeIn.set(jobLane, (activeIn.get(jobLane) ?? 0) + 1);
      next.job.state = 'active';
      const run = runJob(next.job, next.handler).finally(() => {
        active -= 1;
        activeIn.set(jobLane, (activeIn.get(jobLane) ?? 1) - 1);
        inFlight.delete(run);
        schedulePump();
      });
      inFlight.add(run);
    }
  }

  async function runJob(job: MemoryJob, handler: JobHandler<unknown>): Promise<void> {
    job.attemptsMade += 1;
    const attempt = job.attemptsMade;
    const started = performance.now();
    const elapsed = () => Math.max(0, Math.round(performance.now() - started));
    const parsed = parseStoredPayload(registry, job.name, job.payload);
    if (!parsed.ok) {
      // A payload that no longer parses fails the same way on every attempt: no point retrying it.
      finishFailed(job, parsed.error, elapsed(), true);
      await deadLetter(job, null);
      return;
    }
    const ctx: JobContext = { id: job.id, name: job.name, attempt, attemptsMax: job.attemptsMax };
    try {
      await handler(parsed.value, ctx);
    } catch (err) {
      finishFailed(job, describeError(err), elapsed(), false);
      if (job.state === 'failed') await deadLetter(job, errorStack(err));
      return;
    }
    jobs.delete(job.id);
    completed.add(job.id);
    if (completed.size > keepCompleted) {
      for (const id of completed) {
        completed.delete(id);
        if (completed.size <= keepCompleted) break;
      }
    }
    events.emit({ type: 'completed', id: job.id, name: job.name, durationMs: elapsed(), attempt });
  }

  function finishFailed(job: MemoryJob, error: string, durationMs: number, unrecoverable: boolean) {
    const attempt = job.attemptsMade;
    const final = unrecoverable || attempt >= job.attemptsMax;
    job.error = error;
    if (final) {
      job.state = 'failed';
      job.failedAt = clock.now();
      failed.delete(job.id);
      failed.set(job.id, job);
      if (failed.size > KEEP_FAILED) {
        const oldest = failed.keys().next().value;
        if (oldest !== undefined) {
          failed.delete(oldest);
          jobs.delete(oldest);
        }
      }
    } else {
      pushPending(job, 'retrying', Date.now() + job.backoffMs * 2 ** (attempt - 1));
    }
    events.emit({ type: 'failed', id: job.id, name: job.name, durationMs, attempt, error, final });
  }

  /** Written before the job's slot is released, so whenIdle() also waits for the dead letter. */
  function deadLetter(job: MemoryJob, stack: string | null): Promise<void> {
    return recordDeadLetter(
      opts.deadLetters,
      {
        queue: lane(job.name),
        name: job.name,
        id: job.id,
        payload: job.payload,
        error: job.error,
        stack,
        attempts: job.attemptsMade,
        failedAt: job.failedAt ?? clock.now(),
      },
      logger,
    );
  }

  function enqueue(name: string, payload: unknown, o: ResolvedJobOptions): AddResult {
    const id = o.jobId ?? randomUUID();
    if (jobs.has(id) || completed.has(id)) return { id, added: false };
    const job: MemoryJob = {
      id,
      name,
      payload,
      priority: o.priority,
      attemptsMax: o.attempts,
      backoffMs: o.backoffMs,
      attemptsMade: 0,
      state: 'waiting',
      seq: 0,
      dueAt: 0,
      timer: undefined,
      error: '',
      failedAt: undefined,
    };
    jobs.set(id, job);
    if (o.delayMs > 0) pushPending(job, 'delayed', Date.now() + o.delayMs);
    else pushWaiting(job);
    return { id, added: true };
  }

  function armSchedule(s: Schedule) {
    // Next fire strictly after the last one, so an early timer can never fire the same instant twice.
    const from = new Date(Math.max(Date.now(), s.lastFireAt));
    const next = CronExpressionParser.parse(s.cron, { currentDate: from, tz: s.tz }).next().getTime();
    const wait = () => {
      s.timer = setTimer(next, () => {
        if (Date.now() < next) return wait();
        s.lastFireAt = next;
        // The payload was validated by schedule(); the id makes a fire idempotent.
        enqueue(
          s.name,
          s.payload,
          resolveJobOptions({ jobId: `${s.id}:${new Date(next).toISOString()}` }, defaults),
        );
        if (!closing && schedules.get(s.id) === s) armSchedule(s);
      });
    };
    wait();
  }

  const queue: JobQueue<R> = {
    kind: 'memory',

    async add(name, payload, jobOpts) {
      assertOpen();
      const stored = preparePayload(registry, name, payload);
      return enqueue(name, stored, resolveJobOptions(jobOpts, defaults));
    },

    async addBulk(list) {
      assertOpen();
      // Validate everything first: a bad entry adds nothing.
      const prepared = list.map((j) => ({
        name: j.name,
        stored: preparePayload(registry, j.name, j.payload),
        opts: resolveJobOptions(j.opts, defaults),
      }));
      return prepared.map((p) => enqueue(p.name, p.stored, p.opts));
    },

    async work(workHandlers, workOpts) {
      assertOpen();
      if (handlers) throw new Error('work() was already called on this queue');
      concurrency = laneConcurrency(opts.lanes, workOpts, DEFAULT_CONCURRENCY);
      handlers = workHandlers as JobHandlers<JobRegistry>;
      schedulePump();
    },

    async schedule(schedulerId, cron, name, payload, scheduleOpts) {
      assertOpen();
      const stored = preparePayload(registry, name, payload);
      const tz = scheduleOpts?.tz ?? 'UTC';
      assertValidCron(cron, tz);
      const previous = schedules.get(schedulerId);
      if (previous) clearTimeout(previous.timer);
      const s: Schedule = {
        id: schedulerId,
        cron,
        tz,
        name,
        payload: stored,
        lastFireAt: 0,
        timer: undefined,
      };
      schedules.set(schedulerId, s);
      armSchedule(s);
    },

    async unschedule(schedulerId) {
      const s = schedules.get(schedulerId);
      if (!s) return;
      clearTimeout(s.timer);
      schedules.delete(schedulerId);
    },

    async listFailed(page) {
      const limit = page?.limit ?? DEFAULT_FAILED_PAGE;
      const offset = page?.offset ?? 0;
      // Newest failure first, like BullMQ's failed set.
      return [...failed.values()]
        .reverse()
        .slice(offset, offset + limit)
        .map((job): FailedJob => ({
          id: job.id,
          name: job.name,
          payload: job.payload,
          error: job.error,
          attempts: job.attemptsMade,
          failedAt: job.failedAt ?? clock.now(),
        }));
    },

    async retryFailed(id) {
      assertOpen();
      const job = failed.get(id);
      if (!job) return false;
      failed.delete(id);
      job.attemptsMade = 0;
      job.error = '';
      job.failedAt = undefined;
      pushWaiting(job);
      return true;
    },

    async counts(): Promise<QueueCounts> {
      return {
        waiting: waitingCount(),
        active,
        delayed: pending.size,
        failed: failed.size,
        completed: completed.size,
      };
    },

    async ping() {
      assertOpen();
    },

    // In-process: nothing to lose contact with.
    onReady() {
      return () => {};
    },

    onEvent(listener) {
      return events.add(listener);
    },

    whenIdle(idleOpts) {
      const timeoutMs = idleOpts?.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      return new Promise<void>((resolve, reject) => {
        if (isIdle()) return resolve();
        if (closed) return reject(new Error('job queue is closed and not idle'));
        const waiter = {
          resolve,
          reject,
          timer: setTimeout(() => {
            idleWaiters.delete(waiter);
            const c = { waiting: waitingCount(), active, delayed: pending.size };
            reject(new Error(`job queue not idle after ${timeoutMs} ms: ${JSON.stringify(c)}`));
          }, timeoutMs),
        };
        idleWaiters.add(waiter);
      });
    },

    close() {
      closing ??= (async () => {
        for (const s of schedules.values()) clearTimeout(s.timer);
        schedules.clear();
        for (const job of pending) clearTimeout(job.timer);
        await Promise.allSettled([...inFlight]);
        // Whatever is still waiting will never run now: release anyone waiting for idleness.
        settleIdleWaiters();
        for (const waiter of idleWaiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('job queue closed before it became idle'));
        }
        idleWaiters.clear();
        events.clear();
        closed = true;
      })();
      return closing;
    },
  };

  return queue;
}

function compareJobs(a: MemoryJob, b: MemoryJob): number {
  return a.priority - b.priority || a.seq - b.seq;
}

/** Binary min-heap on (priority, seq): O(log n) per push/pop keeps large backlogs cheap. */
class JobHeap {
  private readonly items: MemoryJob[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): MemoryJob | undefined {
    return this.items[0];
  }

  push(job: MemoryJob): void {
    const items = this.items;
    items.push(job);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareJobs(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): MemoryJob | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && compareJobs(items[l]!, items[min]!) < 0) min = l;
      if (r < items.length && compareJobs(items[r]!, items[min]!) < 0) min = r;
      if (min === i) return top;
      [items[i], items[min]] = [items[min]!, items[i]!];
      i = min;
    }
  }
}
