/**
 * The runtime: adapters chosen from the config (embedded: PGlite + in-process queue and bus + .eml outbox;
 * scaled: Postgres + BullMQ + Redis pub/sub + SMTP). One code path; only the adapters differ.
 */
import path from 'node:path';
import type { Config } from './config/env';
import { createDatabase, type Database } from './db/client';
import { jobLanes, jobRegistry, type AppJobs } from './jobs';
import { createAiPort } from './platform/ai/ai';
import { createOpenAiProvider } from './platform/ai/openai-provider';
import type { AiPort } from './platform/ai/port';
import { createAiCallRecorder } from './platform/ai/recorder';
import { systemClock, type Clock } from './platform/clock';
import {
  createDependencyMonitor,
  describeTarget,
  isDatabaseUnavailable,
  type DependencyMonitor,
} from './platform/dependency-monitor';
import { createMemoryCacheStore } from './platform/cache/memory-store';
import { createReadCache, type ReadCache } from './platform/cache/read-cache';
import { createRedisCacheStore } from './platform/cache/redis-store';
import { createMemoryBus } from './platform/events/memory-bus';
import type { EventBus } from './platform/events/port';
import { createRedisBus } from './platform/events/redis-bus';
import { randomIds, type IdSource } from './platform/ids';
import { createLogger, type Logger } from './platform/logger';
import { createOutboxMailer } from './platform/mail/outbox-mailer';
import type { Mailer } from './platform/mail/port';
import { createSmtpMailer } from './platform/mail/smtp-mailer';
import { createMetrics, type Metrics } from './platform/metrics';
import { createBullmqQueue } from './platform/queue/bullmq-queue';
import { createDeadLetterSink } from './platform/queue/dead-letters.service';
import { createMemoryQueue } from './platform/queue/memory-queue';
import type { JobQueue } from './platform/queue/port';
import { waitForPostgres } from './platform/startup';

export type Runtime = {
  config: Config;
  database: Database;
  queue: JobQueue<AppJobs>;
  bus: EventBus;
  mailer: Mailer;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  metrics: Metrics;
  /** Up/down state of Postgres and Redis, from every connection's errors and recoveries (one log line per change). */
  monitor: DependencyMonitor;
  /**
   * The AI port: tasks run on the OpenAI-compatible provider when OPENAI_API_KEY is set (each task's local
   * answer on failure), else on their local answers; every call is recorded in ai_calls.
   */
  ai: AiPort;
  /** The read cache for dashboard aggregates: Redis in scaled mode (shared by every process), memory embedded. */
  cache: ReadCache;
  /** Runs `hook` first when the runtime closes (e.g. the workers' timers), before any adapter is closed. */
  onClose(hook: () => Promise<void> | void): void;
  close(): Promise<void>;
};

export type RuntimeOverrides = Partial<Omit<Runtime, 'config' | 'close' | 'onClose' | 'monitor'>>;

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const monitor = createDependencyMonitor({ logger });
  const postgres = config.databaseUrl
    ? monitor.register('postgres', {
        setting: 'DATABASE_URL',
        target: describeTarget(config.databaseUrl),
        // The start-up wait explains itself; after that, every outage is logged.
        quietUntilUp: true,
        // While down, probed so it is seen back even when nothing else queries it.
        probe: () => probeDatabase(),
      })
    : undefined;
  const redis = config.redisUrl
    ? monitor.register('redis', { setting: 'REDIS_URL', target: describeTarget(config.redisUrl) })
    : undefined;
  let probeDatabase = () => Promise.resolve();
  const database =
    overrides.database ??
    (await createDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, ...(postgres ? { monitor: postgres } : {}) }
        : { kind: 'pglite', dataDir: path.join(config.dataDir, 'db') },
    ));
  // A database handed in (tests) is the caller's: only one this runtime connects to is waited for.
  if (database.kind === 'postgres' && !overrides.database) {
    try {
      await waitForPostgres({
        ping: () => database.ping(),
        url: config.databaseUrl ?? '',
        timeoutS: config.startupWaitS,
        logger,
      });
    } catch (err) {
      await database.close().catch(() => undefined);
      monitor.close();
      throw err;
    }
  }
  if (database.kind === 'postgres') probeDatabase = () => database.ping();
  await database.migrate();
  // Jobs that spend their attempts land in the dead_letters table, for admins to re-run or discard.
  const deadLetters = createDeadLetterSink({ db: database.db });
  const queue =
    overrides.queue ??
    (config.redisUrl
      ? createBullmqQueue({
          registry: jobRegistry,
          lanes: jobLanes,
          redisUrl: config.redisUrl,
          clock,
          logger,
          prefix: config.redisPrefix,
          ...(redis ? { dependency: redis } : {}),
          // Jobs failing because Postgres is away wait for it instead of spending their attempts.
          isTransient: isDatabaseUnavailable,
          deadLetters,
          lockDurationMs: config.jobs.lockMs,
          stalledIntervalMs: config.jobs.stalledCheckMs,
        })
      : createMemoryQueue({ registry: jobRegistry, lanes: jobLanes, clock, logger, deadLetters }));
  const bus =
    overrides.bus ??
    (config.redisUrl
      ? createRedisBus({
          redisUrl: config.redisUrl,
          channel: `${config.redisPrefix}:events`,
          onError: (err, context) => logger.warn({ err, context }, 'event bus'),
          ...(redis ? { dependency: redis } : {}),
        })
      : createMemoryBus());
  const mailer =
    overrides.mailer ??
    (config.smtpUrl
      ? createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom })
      : createOutboxMailer({ dir: path.join(config.dataDir, 'outbox'), from: config.mailFrom, clock }));
  const ai =
    overrides.ai ??
    createAiPort({
      provider: config.openai.apiKey
        ? createOpenAiProvider({
            apiKey: config.openai.apiKey,
            baseUrl: config.openai.baseUrl,
            model: config.openai.model,
            attemptTimeoutMs: config.openai.timeoutMs,
          })
        : null,
      recorder: createAiCallRecorder({ db: database.db, clock }),
      logger,
    });
  const cache =
    overrides.cache ??
    createReadCache({
      store: config.redisUrl
        ? createRedisCacheStore({ redisUrl: config.redisUrl, prefix: config.redisPrefix })
        : createMemoryCacheStore({ clock }),
      ttlMs: config.readCacheTtlMs,
      logger,
    });
  const metrics = overrides.metrics ?? createMetrics();
  metrics.observeQueue(queue);
  const closeHooks: Array<() => Promise<void> | void> = [];

  return {
    config,
    database,
    queue,
    bus,
    mailer,
    clock,
    ids: overrides.ids ?? randomIds,
    logger,
    metrics,
    monitor,
    ai,
    cache,
    onClose(hook) {
      closeHooks.push(hook);
    },
    async close() {
      for (const hook of closeHooks.splice(0))
        await Promise.resolve()
          .then(hook)
          .catch((err: unknown) => logger.error({ err }, 'a close hook failed'));
      monitor.close();
      // Queue first (lets in-flight jobs finish and write), then the connections they used.
      await queue.close().catch((err: unknown) => logger.error({ err }, 'closing queue failed'));
      await cache.close().catch((err: unknown) => logger.error({ err }, 'closing cache failed'));
      await bus.close().catch((err: unknown) => logger.error({ err }, 'closing bus failed'));
      await mailer.close().catch((err: unknown) => logger.error({ err }, 'closing mailer failed'));
      await database.close().catch((err: unknown) => logger.error({ err }, 'closing database failed'));
    },
  };
}
