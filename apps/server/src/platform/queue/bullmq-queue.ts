/**
 * BullMQ JobQueue adapter (scaled mode): one Redis-backed queue per lane (see port.ts), consumed by any number of
 * worker processes. BullMQ supplies retries with exponential backoff, priorities, delays, cron job
 * schedulers and stalled-job recovery (a crashed worker's job is re-run once its lock expires: see
 * `lockDurationMs`, shorter than BullMQ's default so that happens within seconds, not a minute).
 *
 * Three things BullMQ does not give as the port wants them, handled here:
 * - De-duplication: adding an existing custom id returns that id exactly like a fresh add. Each add stores a
 *   random token with the payload and reads it back, so `added` is true only for the add that won.
 * - Custom ids: BullMQ rejects integer-looking ids and ids with ':' (bar its own `repeat:x:y` form). Ids are
 *   encoded reversibly; callers only ever see their own ids.
 * - Scheduled jobs: BullMQ names them `repeat:<scheduler>:<millis>`; they are shown as
 *   `<scheduler>:<fire time ISO>`, the id the in-process adapter gives them.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '../clock';
import {
  isRedisUnavailable,
  redisRetryStrategy,
  unmonitored,
  watchRedis,
  type DependencyHandle,
} from '../dependency-monitor';
import type {
  AddResult,
  DeadLetterSink,
  FailedJob,
  JobContext,
  JobEvent,
  JobHandlers,
  JobQueue,
  JobRegistry,
  LaneSpecs,
  QueueCounts,
  QueueReadyInfo,
} from './port';
import { DEFAULT_LANE, laneConcurrency, laneIndex } from './port';
import {
  assertValidCron,
  consoleQueueLogger,
  createEventHub,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_FAILED_PAGE,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_KEEP_COMPLETED,
  DEFAULT_PRIORITY,
  describeError,
  errorStack,
  handlerFor,
  parseStoredPayload,
  preparePayload,
  recordDeadLetter,
  resolveJobOptions,
  type QueueLogger,
  type ResolvedJobOptions,
} from './memory-queue';

export type BullmqQueueOptions<R extends JobRegistry> = {
  registry: R;
  redisUrl: string;
  queueName?: string;
  /** Redis key prefix; tests use a unique one per run for isolation. */
  prefix?: string;
  defaultAttempts?: number;
  defaultBackoffMs?: number;
  /** Completed jobs kept in Redis (and so remembered for de-duplication). */
  keepCompleted?: number;
  /** Job names with worker slots of their own: each lane is a BullMQ queue `<queueName>-<lane>`. */
  lanes?: LaneSpecs;
  /** Accepted for symmetry with the in-process adapter: BullMQ stamps its own times. */
  clock?: Clock;
  logger?: QueueLogger;
  /** Where Redis connection errors and recoveries are reported (one throttled log line per outage). */
  dependency?: DependencyHandle;
  /**
   * Errors that say a dependency of the handler is away (e.g. Postgres restarting), not that the job is bad: such
   * a job is put back, delayed, without spending an attempt, so it survives an outage of any length.
   */
  isTransient?: (err: unknown) => boolean;
  /** First delay of a job put back for a transient error; doubles up to 30 s. Default 2 s. */
  transientDelayMs?: number;
  /** How often the schedules are checked and re-created when missing (default 30 s). */
  scheduleCheckMs?: number;
  /** Receives jobs that spent their attempts (see port.ts), in addition to BullMQ's own failed set. */
  deadLetters?: DeadLetterSink;
  /**
   * How long a running job's lock lasts (BullMQ `lockDuration`; a live worker renews it every quarter to half of
   * it). A job whose worker died goes back to waiting at the first stalled check after its lock expired: within
   * about lockDurationMs + stalledIntervalMs. Shorter brings a killed worker's jobs back sooner, but an event loop
   * blocked (or Redis unreachable) for more than about half of it makes a live job look stalled: it then runs a
   * second time elsewhere (harmless, handlers are idempotent, but wasted), and a job stalled twice fails to the
   * dead-letter list. Default 15 s (BullMQ's: 30 s).
   */
  lockDurationMs?: number;
  /**
   * How often stalled jobs are looked for (BullMQ `stalledInterval`; one check per interval per lane whatever
   * the number of workers, costing a few Redis commands per running job). Default 5 s (BullMQ's: 30 s).
   */
  stalledIntervalMs?: number;
};

/** BullMQ's own defaults are 30 s and 30 s: a killed worker's jobs waited up to a minute (measured ~50 s). */
export const DEFAULT_LOCK_DURATION_MS = 15_000;
export const DEFAULT_STALLED_INTERVAL_MS = 5_000;

/** What is stored as BullMQ job data: the payload plus the token that tells this add from an earlier one. */
type Envelope = { payload?: unknown; addToken: string };

const FAILED_RETENTION_S = 14 * 24 * 3600;
const PING_TIMEOUT_MS = 2_000;
const IDLE_POLL_MS = 25;
/** whenIdle looks for retries among this many earliest delayed jobs (retries come due soonest). */
const IDLE_RETRY_SCAN = 200;
/** Slots per BullMQ Worker: wider lanes are served by several workers (see work()). */
const WORKER_SLOTS = 25;
/** A worker without a handler for a job (e.g. an older build during a rolling deploy) hands it back. */
const NO_HANDLER_DELAY_MS = 30_000;
const TRANSIENT_MAX_DELAY_MS = 30_000;
/** Written once per Redis lifetime: its disappearance (or a new value) means Redis lost its data. */
const SENTINEL_KEY = 'tutorpulse:epoch';

/** How long close() lets a worker finish its in-flight jobs before cutting its connection. */
const CLOSE_GRACE_MS = 10_000;

export function createBullmqQueue<R extends JobRegistry>(opts: BullmqQueueOptions<R>): JobQueue<R> {
  const { registry, redisUrl } = opts;
  const queueName = opts.queueName ?? 'tutorpulse';
  const prefix = opts.prefix ?? 'tp';
  const logger = opts.logger ?? consoleQueueLogger;
  const defaults = {
    attempts: opts.defaultAttempts ?? DEFAULT_ATTEMPTS,
    backoffMs: opts.defaultBackoffMs ?? DEFAULT_BACKOFF_MS,
  };
  resolveJobOptions({}, defaults); // fail fast on bad defaults
  const keepCompleted = opts.keepCompleted ?? DEFAULT_KEEP_COMPLETED;
  const events = createEventHub(logger);
  const laneOf = laneIndex(registry, opts.lanes); // before any connection: a bad spec leaks nothing

  // Connections are built here rather than passed as options: BullMQ's ESM build cannot load ioredis on its
  // own (it needs `require`), and owning them lets ping() and close() reach them.
  // Producer side: a command fails after a few reconnect attempts instead of hanging an API request (the
  // sessions table is the durable inbox and the sweeper re-enqueues).
  const dependency = opts.dependency ?? unmonitored;
  const queueConnection = new Redis(redisUrl, {
    maxRetriesPerRequest: 3,
    connectionName: `${prefix}:queue`,
    retryStrategy: redisRetryStrategy,
  });
  watchRedis(queueConnection, dependency, 'queue');
  /** Redis errors are the dependency's (logged once per outage); anything else is logged as it comes. */
  const reportError = (err: Error, source: string, context: object, msg: string) => {
    if (isConnectionError(err)) dependency.down(err, source);
    else logger.error({ err, ...context }, msg);
  };
  /** One BullMQ queue per lane, all on the producer connection. */
  const queues = new Map<string, Queue<Envelope>>();
  for (const lane of [DEFAULT_LANE, ...Object.keys(opts.lanes ?? {})]) {
    const name = lane === DEFAULT_LANE ? queueName : `${queueName}-${lane}`;
    const q = new Queue<Envelope>(name, { connection: queueConnection, prefix });
    q.on('error', (err) => reportError(err, 'queue', { lane }, 'job queue error'));
    queues.set(lane, q);
  }
  const allQueues = [...queues.values()];
  const queueFor = (jobName: string) => queues.get(laneOf.get(jobName) ?? DEFAULT_LANE)!;

  const workers: Array<{ worker: Worker<Envelope>; connection: Redis }> = [];
  /** Jobs whose final failure the processor has already written as a dead letter (see work()). */
  const deadLettered = new Set<string>();

  function deadLetter(
    job: Job<Envelope>,
    lane: string,
    error: string,
    stack: string | null,
    attempts: number,
  ) {
    return recordDeadLetter(
      opts.deadLetters,
      {
        queue: lane,
        name: job.name,
        id: decodeJobId(job.id ?? ''),
        payload: readEnvelope(job.data).payload,
        error,
        stack,
        attempts,
        failedAt: opts.clock?.now() ?? new Date(),
      },
      logger,
    );
  }
  let working = false;
  let closing: Promise<void> | undefined;

  // Schedules as the callers want them, re-asserted after Redis comes back (it may have restarted empty).
  const schedules = new Map<string, () => Promise<void>>();
  const readyListeners = new Set<(info: QueueReadyInfo) => void>();
  let epoch: string | undefined;
  let lostContact = false;

  async function assertSchedules(onlyMissing: boolean) {
    for (const [id, upsert] of schedules) {
      if (closing) return;
      try {
        if (onlyMissing) {
          const present = await Promise.all(allQueues.map((q) => q.getJobScheduler(escapeId(id))));
          if (present.some(Boolean)) continue;
          logger.warn({ schedulerId: id }, 'job schedule missing in Redis (restarted empty?): re-created');
        }
        await upsert();
      } catch (err) {
        reportError(err as Error, 'queue', { schedulerId: id }, 'could not assert job schedule');
        return;
      }
    }
  }

  /**
   * Whether Redis lost its data since this process last looked: the epoch key is written once (SET NX); a
   * missing or different value means a restart without persistence (or a flush). Only the process whose write
   * wins reports the loss, so one process re-enqueues, not all of them; only processes that work jobs write it.
   */
  async function checkEpoch(): Promise<boolean> {
    const key = `${prefix}:${SENTINEL_KEY}`;
    const mine = randomUUID();
    const won = (await queueConnection.set(key, mine, 'NX')) === 'OK';
    const current = won ? mine : await queueConnection.get(key);
    const lost = epoch !== undefined && won;
    epoch = current ?? undefined;
    return lost;
  }

  queueConnection.on('close', () => {
    if (!closing) lostContact = true;
  });
  queueConnection.on('ready', () => {
    if (closing) return;
    const reconnect = lostContact;
    lostContact = false;
    void (async () => {
      let dataLost = false;
      try {
        // Only a process that works jobs takes part: the one told re-enqueues, and a producer-only process (an
        // API) winning the race would swallow the news (measured: nothing was re-enqueued until the sweeper).
        if (working) dataLost = await checkEpoch();
      } catch (err) {
        reportError(err as Error, 'queue', {}, 'could not read the Redis epoch');
      }
      if (reconnect || dataLost) await assertSchedules(!dataLost);
      if (!reconnect) return;
      for (const l of readyListeners) {
        try {
          l({ dataLost });
        } catch (err) {
          logger.error({ err }, 'queue ready listener failed');
        }
      }
    })();
  });
  const scheduleCheck = setInterval(() => {
    if (schedules.size === 0 || closing || queueConnection.status !== 'ready') return;
    void assertSchedules(true);
  }, opts.scheduleCheckMs ?? 30_000);
  scheduleCheck.unref();

  const transientBase = opts.transientDelayMs ?? 2_000;

  async function upsertScheduler(
    name: string,
    schedulerId: string,
    cron: string,
    tz: string,
    data: Envelope,
    o: ResolvedJobOptions,
  ) {
    await queueFor(name).upsertJobScheduler(
      escapeId(schedulerId),
      { pattern: cron, tz },
      {
        name,
        data,
        opts: {
          priority: DEFAULT_PRIORITY,
          attempts: o.attempts,
          backoff: { type: 'exponential', delay: o.backoffMs },
          removeOnComplete: { count: keepCompleted },
          removeOnFail: { age: FAILED_RETENTION_S },
        },
      },
    );
  }

  const assertOpen = () => {
    if (closing) throw new Error('job queue is closed');
  };

  function toBullOptions(id: string, o: ResolvedJobOptions): JobsOptions {
    return {
      jobId: encodeJobId(id),
      // Always set: BullMQ runs priority-less (0) jobs before every prioritized one.
      priority: o.priority,
      attempts: o.attempts,
      backoff: { type: 'exponential', delay: o.backoffMs },
      ...(o.delayMs > 0 ? { delay: o.delayMs } : {}),
      removeOnComplete: { count: keepCompleted },
      removeOnFail: { age: FAILED_RETENTION_S },
    };
  }

  /**
   * For each caller-chosen id, whether the stored job carries this add's token (false: an existing job kept
   * the id). One pipelined round trip reading only the jobs' data fields, however many were added.
   */
  async function ownedBy(
    entries: Array<{ id: string; addToken: string; queue: Queue<Envelope> }>,
  ): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const pipeline = queueConnection.pipeline();
    for (const e of entries) pipeline.hget(e.queue.toKey(encodeJobId(e.id)), 'data');
    const replies = (await pipeline.exec()) ?? [];
    return entries.map((e, i) => {
      const [err, raw] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      // Evicted between the add and this read: with completed jobs kept by the thousand, that is the job just
      // added having already run, not an older one.
      if (typeof raw !== 'string') return true;
      return readEnvelope(JSON.parse(raw)).addToken === e.addToken;
    });
  }

  async function addPrepared(
    entries: Array<{ name: string; stored: unknown; opts: ResolvedJobOptions }>,
  ): Promise<AddResult[]> {
    const batch = entries.map((e) => {
      const id = e.opts.jobId ?? randomUUID();
      const addToken = randomUUID();
      const data: Envelope = { payload: e.stored, addToken };
      return {
        id,
        custom: e.opts.jobId !== undefined,
        addToken,
        name: e.name,
        data,
        opts: toBullOptions(id, e.opts),
        queue: queueFor(e.name),
      };
    });
    for (const queue of allQueues) {
      const mine = batch.filter((b) => b.queue === queue);
      const first = mine[0];
      if (mine.length === 1 && first) {
        await queue.add(first.name, first.data, first.opts);
      } else if (mine.length > 1) {
        await queue.addBulk(mine.map(({ name, data, opts: o }) => ({ name, data, opts: o })));
      }
    }
    // A fresh random id cannot collide; only caller-chosen ids need the read-back.
    const custom = batch.filter((b) => b.custom);
    const owned = new Map((await ownedBy(custom)).map((ok, i) => [custom[i]!, ok]));
    return batch.map((b) => ({ id: b.id, added: owned.get(b) ?? true }));
  }

  /**
   * Reads BullMQ's lists in one MULTI: separate getter calls race with a job that moves from delayed to
   * active between two of them, and can report idle while a retry is about to run. Relies on BullMQ's
   * (long stable) layout: delayed scores are `dueMillis * 4096 + n` and the job hash counts attempts in `atm`.
   */
  async function isIdle(): Promise<boolean> {
    const dueScore = (Date.now() + 1) * 0x1000 - 1;
    const multi = queueConnection.multi();
    for (const queue of allQueues) {
      const key = (type: string) => queue.toKey(type);
      multi
        .llen(key('wait'))
        .llen(key('paused'))
        .llen(key('active'))
        .zcard(key('prioritized'))
        .zcount(key('delayed'), 0, dueScore)
        .zrange(key('delayed'), 0, String(IDLE_RETRY_SCAN - 1));
    }
    const snapshot = await multi.exec();
    if (!snapshot) throw new Error('Redis aborted the whenIdle transaction');
    const values = snapshot.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const delayedKeys: string[] = [];
    for (const [i, queue] of allQueues.entries()) {
      const mine = values.slice(i * 6, i * 6 + 6);
      const busy = mine.slice(0, 5).reduce((sum: number, v) => sum + Number(v), 0);
      if (busy > 0) return false;
      for (const id of mine[5] as string[]) delayedKeys.push(queue.toKey(id));
    }
    // A job waiting out its backoff is still in flight; a merely delayed one counts only once due. Its
    // attempt count cannot go back to 0 after the snapshot, so reading it afterwards is safe.
    if (delayedKeys.length === 0) return true;
    const pipeline = queueConnection.pipeline();
    for (const key of delayedKeys) pipeline.hget(key, 'atm');
    const attempts = (await pipeline.exec()) ?? [];
    return !attempts.some(([err, value]) => !err && Number(value ?? 0) > 0);
  }

  function toJobEvent(job: Job<Envelope>, failure?: Error): JobEvent {
    const id = decodeJobId(job.id ?? '');
    const attempt = job.attemptsMade;
    const durationMs = Math.max(0, (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now()));
    if (!failure) return { type: 'completed', id, name: job.name, durationMs, attempt };
    // BullMQ stamps finishedOn only when it gives up (attempts spent or an UnrecoverableError).
    const final = typeof job.finishedOn === 'number' || attempt >= (job.opts.attempts ?? 1);
    return { type: 'failed', id, name: job.name, durationMs, attempt, error: describeError(failure), final };
  }

  const api: JobQueue<R> = {
    kind: 'bullmq',

    async add(name, payload, jobOpts) {
      assertOpen();
      const stored = preparePayload(registry, name, payload);
      const [result] = await addPrepared([{ name, stored, opts: resolveJobOptions(jobOpts, defaults) }]);
      if (!result) throw new Error('BullMQ returned no job for the add');
      return result;
    },

    async addBulk(list) {
      assertOpen();
      // Validate everything first: a bad entry adds nothing.
      const prepared = list.map((j) => ({
        name: j.name,
        stored: preparePayload(registry, j.name, j.payload),
        opts: resolveJobOptions(j.opts, defaults),
      }));
      return addPrepared(prepared);
    },

    async work(handlers, workOpts) {
      assertOpen();
      if (working) throw new Error('work() was already called on this queue');
      const concurrency = laneConcurrency(opts.lanes, workOpts, DEFAULT_CONCURRENCY);
      working = true;
      const byName = handlers as JobHandlers<JobRegistry>;
      // Every lane's worker takes every handler: a job added before its name moved to a lane still runs.
      // A BullMQ worker fetches its jobs one Redis round trip after another, so on a busy event loop one worker
      // cannot pick up more than a few hundred jobs a second however many slots it has: a wide lane gets one
      // worker per WORKER_SLOTS slots, fetching side by side.
      const plan = [...queues].flatMap(([lane, queue]) => {
        const slots = concurrency.get(lane) ?? DEFAULT_CONCURRENCY;
        const count = Math.ceil(slots / WORKER_SLOTS);
        return Array.from({ length: count }, (_, i) => ({
          lane,
          queue,
          slots: Math.floor(slots / count) + (i < slots % count ? 1 : 0),
        }));
      });
      for (const { lane, queue, slots } of plan) {
        // BullMQ requires maxRetriesPerRequest null on worker connections (blocking commands must not time out).
        const source = `worker:${lane}:${workers.length}`;
        const connection = new Redis(redisUrl, {
          maxRetriesPerRequest: null,
          connectionName: `${prefix}:worker:${lane}`,
          retryStrategy: redisRetryStrategy,
        });
        watchRedis(connection, dependency, source);
        const w = new Worker<Envelope>(
          queue.name,
          async (job, token) => {
            const handler = handlerFor(byName, job.name);
            if (!handler) {
              await job.moveToDelayed(Date.now() + NO_HANDLER_DELAY_MS, token);
              throw new DelayedError();
            }
            const parsed = parseStoredPayload(registry, job.name, readEnvelope(job.data).payload);
            const attempt = job.attemptsMade + 1;
            // A payload that no longer parses fails the same way on every attempt: no point retrying it.
            if (!parsed.ok) {
              deadLettered.add(job.id ?? '');
              await deadLetter(job, lane, parsed.error, null, attempt);
              throw new UnrecoverableError(parsed.error);
            }
            const ctx: JobContext = {
              id: decodeJobId(job.id ?? ''),
              name: job.name,
              attempt,
              attemptsMax: job.opts.attempts ?? 1,
            };
            try {
              await handler(parsed.value, ctx);
            } catch (err) {
              if (opts.isTransient?.(err) && token) {
                // A dependency is away: back to delayed without spending an attempt, waiting longer each time.
                const deferrals = Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1);
                const delay = Math.min(transientBase * 2 ** Math.min(deferrals, 10), TRANSIENT_MAX_DELAY_MS);
                logger.warn(
                  { jobId: ctx.id, name: job.name, delayMs: delay, err: describeError(err) },
                  'job deferred: a dependency is unavailable',
                );
                await job.moveToDelayed(Date.now() + delay, token);
                throw new DelayedError();
              }
              // The last attempt: written while the job is still active, so whenIdle() waits for it.
              const final =
                err instanceof UnrecoverableError ||
                (attempt >= ctx.attemptsMax && !(err instanceof DelayedError));
              if (final) {
                deadLettered.add(job.id ?? '');
                await deadLetter(job, lane, describeError(err), errorStack(err), attempt);
              }
              throw err;
            }
          },
          {
            connection,
            prefix,
            concurrency: slots,
            lockDuration: opts.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
            stalledInterval: opts.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
          },
        );
        w.on('error', (err) => reportError(err, source, { lane }, 'job worker error'));
        w.on('completed', (job) => events.emit(toJobEvent(job)));
        w.on('failed', (job, err) => {
          if (!job) return;
          const event = toJobEvent(job, err);
          events.emit(event);
          // A final failure the processor did not see (a job that stalled too often: its worker kept dying).
          if (event.type === 'failed' && event.final && !deadLettered.delete(job.id ?? '')) {
            void deadLetter(job, lane, event.error, errorStack(err), event.attempt);
          }
        });
        workers.push({ worker: w, connection });
      }
      await Promise.all(workers.map(({ worker }) => worker.waitUntilReady()));
      // The epoch this worker's data belongs to (a later loss is told to one working process).
      if (epoch === undefined) await checkEpoch().catch(() => undefined);
    },

    async schedule(schedulerId, cron, name, payload, scheduleOpts) {
      assertOpen();
      const stored = preparePayload(registry, name, payload);
      const tz = scheduleOpts?.tz ?? 'UTC';
      assertValidCron(cron, tz);
      const o = resolveJobOptions({}, defaults);
      const data: Envelope = { payload: stored, addToken: `scheduler:${schedulerId}` };
      const upsert = () => upsertScheduler(name, schedulerId, cron, tz, data, o);
      schedules.set(schedulerId, upsert);
      try {
        await upsert();
      } catch (err) {
        if (!isRedisUnavailable(err)) throw err;
        // Redis is away: the schedule is kept and asserted as soon as it is back.
        dependency.down(err, 'queue');
      }
    },

    async unschedule(schedulerId) {
      assertOpen();
      schedules.delete(schedulerId);
      await Promise.all(allQueues.map((queue) => queue.removeJobScheduler(escapeId(schedulerId))));
    },

    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },

    async listFailed(page) {
      const limit = page?.limit ?? DEFAULT_FAILED_PAGE;
      const offset = page?.offset ?? 0;
      if (limit <= 0) return [];
      // Newest failure first across lanes: each lane's first offset+limit, merged.
      const perQueue = await Promise.all(allQueues.map((queue) => queue.getFailed(0, offset + limit - 1)));
      return perQueue
        .flat()
        .map((job): FailedJob => ({
          id: decodeJobId(job.id ?? ''),
          name: job.name,
          payload: readEnvelope(job.data).payload,
          error: job.failedReason,
          attempts: job.attemptsMade,
          failedAt: new Date(job.finishedOn ?? job.timestamp),
        }))
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
        .slice(offset, offset + limit);
    },

    async retryFailed(id) {
      assertOpen();
      for (const queue of allQueues) {
        const job = await queue.getJob(encodeJobId(id));
        if (!job || (await job.getState()) !== 'failed') continue;
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      }
      return false;
    },

    async counts(): Promise<QueueCounts> {
      const total: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
      for (const queue of allQueues) {
        const c = await queue.getJobCounts(
          'waiting',
          'prioritized',
          'active',
          'delayed',
          'failed',
          'completed',
        );
        // BullMQ keeps prioritized jobs in their own set; to callers they are simply waiting.
        total.waiting += (c.waiting ?? 0) + (c.prioritized ?? 0);
        total.active += c.active ?? 0;
        total.delayed += c.delayed ?? 0;
        total.failed += c.failed ?? 0;
        total.completed += c.completed ?? 0;
      }
      return total;
    },

    async ping() {
      assertOpen();
      await withTimeout(
        queueConnection.ping(),
        PING_TIMEOUT_MS,
        `Redis did not answer PING within ${PING_TIMEOUT_MS} ms`,
      );
    },

    onEvent(listener) {
      return events.add(listener);
    },

    async whenIdle(idleOpts) {
      const timeoutMs = idleOpts?.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await isIdle()) return;
        if (Date.now() >= deadline) {
          throw new Error(`job queue not idle after ${timeoutMs} ms: ${JSON.stringify(await api.counts())}`);
        }
        await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      }
    },

    close() {
      closing ??= (async () => {
        clearInterval(scheduleCheck);
        readyListeners.clear();
        // Workers first: their close() waits for in-flight jobs, which still need the connections. A worker
        // caught mid-reconnect (Redis just came back empty) can wait on its blocking connection for ever: after
        // CLOSE_GRACE_MS its connection is cut and it is closed by force (its job, if any, is re-run elsewhere
        // after the stalled check), so a stopping process always ends.
        await Promise.all(
          workers.map(async ({ worker, connection }) => {
            const graceful = worker
              .close()
              .catch((err: unknown) => logger.error({ err }, 'closing job worker failed'));
            let timer: NodeJS.Timeout | undefined;
            const expired = new Promise<'expired'>((resolve) => {
              timer = setTimeout(() => resolve('expired'), CLOSE_GRACE_MS);
            });
            const outcome = await Promise.race([graceful.then(() => 'closed' as const), expired]);
            clearTimeout(timer);
            if (outcome === 'closed') return;
            logger.warn(
              { queue: worker.name, graceMs: CLOSE_GRACE_MS },
              'job worker did not close in time; closing it by force',
            );
            connection.disconnect();
            await Promise.race([
              worker.close(true).catch(() => undefined),
              new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
            ]);
          }),
        );
        await Promise.all(
          allQueues.map((queue) =>
            queue.close().catch((err: unknown) => logger.error({ err }, 'closing job queue failed')),
          ),
        );
        await Promise.all([quit(queueConnection), ...workers.map(({ connection }) => quit(connection))]);
        events.clear();
      })();
      return closing;
    },
  };
  return api;
}

/**
 * Whether an error says Redis itself is unreachable (the connection's errors: ECONNREFUSED, EPIPE, closed
 * connections…), as opposed to a job-level error from one of BullMQ's scripts. Those carry a numeric `code`
 * (e.g. "Missing key for job …" after Redis restarted empty, or "could not renew lock"): counting them as an outage
 * left a worker reporting Redis down, and skipping its Redis work, long after Redis was back.
 */
export function isConnectionError(err: unknown): boolean {
  return isRedisUnavailable(err) || typeof (err as { code?: unknown } | null)?.code === 'string';
}

function readEnvelope(data: unknown): Envelope {
  if (typeof data === 'object' && data !== null && 'addToken' in data) return data as Envelope;
  // Not written by this adapter (e.g. added from a dashboard): treat the whole data as the payload.
  return { payload: data, addToken: '' };
}

// ---------------------------------------------------------------------------------------------------------
// Job ids. BullMQ (Job.validateOptions) rejects a custom id when `${parseInt(id)}` === id, and when it contains
// ':' unless it splits into exactly three parts. Escaping is reversible: '%' and ':' are percent-encoded and
// an integer-looking id gets its first character encoded too. The one form with ':' is a scheduled fire,
// `<scheduler>:<ISO time>`, mapped to BullMQ's own `repeat:<scheduler>:<millis>` so that adding it by hand
// de-duplicates against the scheduler, as it does in the in-process adapter.

const FIRE_ID = /^(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;
const SCHEDULER_JOB_ID = /^repeat:([^:]+):(\d+)$/;

function escapeId(id: string): string {
  return id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

function unescapeId(id: string): string {
  return id.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function encodeJobId(id: string): string {
  const fire = FIRE_ID.exec(id);
  if (fire) {
    const [, schedulerId = '', iso = ''] = fire;
    const millis = Date.parse(iso);
    // Only canonical times map back to the same text (2025-02-30 would not).
    if (Number.isFinite(millis) && new Date(millis).toISOString() === iso) {
      return `repeat:${escapeId(schedulerId)}:${millis}`;
    }
  }
  const escaped = escapeId(id);
  if (`${parseInt(escaped, 10)}` !== escaped) return escaped;
  const first = escaped.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  return `%${first}${escaped.slice(1)}`;
}

export function decodeJobId(id: string): string {
  const scheduled = SCHEDULER_JOB_ID.exec(id);
  if (scheduled) {
    const [, schedulerId = '', millis = '0'] = scheduled;
    return `${unescapeId(schedulerId)}:${new Date(Number(millis)).toISOString()}`;
  }
  return unescapeId(id);
}

// ---------------------------------------------------------------------------------------------------------

/** QUIT when connected (lets pending replies arrive); otherwise disconnect, since QUIT would sit in the
 * offline queue waiting for a Redis that may never come back. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
