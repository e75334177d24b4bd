/**
 * Job handlers and schedules. Runs inside the API process in embedded mode and in `npm run worker` processes
 * in scaled mode. Every handler is idempotent: jobs are delivered at least once.
 */
import { and, isNotNull, lt, or } from 'drizzle-orm';
import { authSessions, events, loginAttempts, webhookDeliveries } from './db/schema/index';
import {
  createSessionJobs,
  SWEEP_CRON,
  SWEEP_SCHEDULER_ID,
  startUnqueuedSweeps,
} from './modules/sessions/index';
import {
  createReportJobs,
  createTier1Handler,
  createTier2Handler,
  createTier2Sweep,
  createTier3Jobs,
  loadNlp,
  preloadMoveClassifier,
  ROLLING_MEAN_POLICY,
} from './modules/quality/index';
import { createAlertJobs, createCustomerJobs, createForecastJobs } from './modules/operations/index';
import { createCompanionJobs, createEngagementJobs } from './modules/companion/index';
import { createPriorityGate } from './platform/priority';
import type { Runtime } from './runtime';
import type { Services } from './services';

export const RETENTION = {
  loginAttemptsDays: 7,
  endedSessionsDays: 7,
  eventsDays: 30,
  /** Standard Webhooks asks for at least 7 days of remembered `webhook-id`s; one more day of margin. */
  webhookDeliveriesDays: 8,
} as const;

const DAY_MS = 86_400_000;

export async function runHousekeeping(rt: Runtime) {
  const { db } = rt.database;
  const now = rt.clock.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY_MS);
  const attempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.createdAt, ago(RETENTION.loginAttemptsDays)))
    .returning({ id: loginAttempts.id });
  const sessions = await db
    .delete(authSessions)
    .where(
      or(
        lt(authSessions.expiresAt, ago(RETENTION.endedSessionsDays)),
        and(isNotNull(authSessions.revokedAt), lt(authSessions.revokedAt, ago(RETENTION.endedSessionsDays))),
      ),
    )
    .returning({ id: authSessions.id });
  const oldEvents = await db
    .delete(events)
    .where(lt(events.createdAt, ago(RETENTION.eventsDays)))
    .returning({ id: events.id });
  const deliveries = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, ago(RETENTION.webhookDeliveriesDays)))
    .returning({ id: webhookDeliveries.webhookId });
  return {
    loginAttempts: attempts.length,
    authSessions: sessions.length,
    events: oldEvents.length,
    webhookDeliveries: deliveries.length,
  };
}

export type WorkerOptions = {
  /** Jobs run at once in the default lane (default 4). */
  concurrency?: number;
  /** How often sessions stored without a job are looked for (default 5 s; tests shorten it). */
  unqueuedSweepMs?: number;
};

export async function startWorkers(rt: Runtime, services: Services, opts: WorkerOptions = {}) {
  const sessionJobs = createSessionJobs({ sessions: services.sessions, logger: rt.logger });
  const tier3Jobs = createTier3Jobs({ tier3: services.tier3 });
  const reportJobs = createReportJobs({ reports: services.reports });
  const customerJobs = createCustomerJobs({ churn: services.churn, ingest: services.ingest });
  const companionJobs = createCompanionJobs(services.companion);
  const engagementJobs = createEngagementJobs(services.engagement);
  const forecastJobs = createForecastJobs({ forecasts: services.forecasts });
  const alertJobs = createAlertJobs(services.operations);
  // A single weak transcript is noise; a tutor whose recent analyses average below the bar is a coaching
  // case (critical red flags still flag on one session).
  const tier2 = createTier2Handler({
    db: rt.database.db,
    clock: rt.clock,
    events: services.events,
    ai: rt.ai,
    sessions: services.sessions,
    logger: rt.logger,
    reports: services.reports,
    lowQualityPolicy: ROLLING_MEAN_POLICY,
  });
  // The NLP model takes a few hundred ms of blocking work to load: do it now, not inside the first tier 2 job
  // while tier 1 passes wait on the event loop.
  await loadNlp();
  await preloadMoveClassifier();
  const gate = createPriorityGate({ whileBusy: 1 });
  const tier1 = createTier1Handler({
    db: rt.database.db,
    clock: rt.clock,
    queue: rt.queue,
    events: services.events,
    scores: services.scores,
    logger: rt.logger,
    sessions: services.sessions,
    reports: services.reports,
    // One stored transcript, two consumers: quality's tier 2 and the companion's analysis for the student.
    transcriptJobs: ['quality.tier2', 'companion.session-transcript'],
  });
  await rt.queue.work(
    {
      'platform.housekeeping': async () => {
        const removed = await runHousekeeping(rt);
        rt.logger.info({ removed }, 'housekeeping done');
      },
      ...sessionJobs.handlers,
      // Tier 1 is what coaches wait for; mail and transcript analysis yield to it (see platform/priority.ts).
      'quality.tier1': (payload) => gate.foreground(() => tier1(payload)),
      'quality.tier2': (payload) => gate.background(() => tier2(payload)),
      'quality.email': (payload, ctx) =>
        gate.background(() => services.reports.sendReport(payload.reportId, ctx)),
      ...tier3Jobs.handlers,
      ...reportJobs.handlers,
      // Churn training and scoring are long background work: they yield to tier 1 like mail does.
      'operations.churn-train': (payload, ctx) =>
        gate.background(() => customerJobs.handlers['operations.churn-train']!(payload, ctx)),
      'operations.churn-score': (payload, ctx) =>
        gate.background(() => customerJobs.handlers['operations.churn-score']!(payload, ctx)),
      // Transcript analysis (an LLM call, or the local analysis) yields to tier 1 like tier 2 does.
      'companion.transcript': (payload, ctx) =>
        gate.background(() => companionJobs.handlers['companion.transcript'](payload, ctx)),
      'companion.session-transcript': (payload, ctx) =>
        gate.background(() => companionJobs.handlers['companion.session-transcript'](payload, ctx)),
      // Companion jobs (chat follow-ups, suggestions, nudges) yield to tier 1 like the other background work.
      ...Object.fromEntries(
        Object.entries(engagementJobs.handlers).map(([name, handler]) => [
          name,
          (payload: never, ctx: never) =>
            gate.background(() => (handler as (p: never, c: never) => Promise<void>)(payload, ctx)),
        ]),
      ),
      ...forecastJobs.handlers,
      ...alertJobs.handlers,
    },
    { concurrency: opts.concurrency ?? 4 },
  );
  // Schedules are remembered by the queue and re-asserted whenever Redis is back (it may have lost them).
  await rt.queue.schedule('housekeeping-daily', '30 3 * * *', 'platform.housekeeping', {});
  await rt.queue.schedule(SWEEP_SCHEDULER_ID, SWEEP_CRON, 'sessions.sweep', {});
  await reportJobs.schedule(rt.queue);
  await engagementJobs.schedule(rt.queue);
  // Tier 3 (trends, percentiles, churn risk), nightly at 02:00 UTC.
  await tier3Jobs.schedule(rt.queue);
  // Operations forecasts (02:00 UTC) and their accuracy against yesterday (01:30 UTC).
  await forecastJobs.schedule(rt.queue);
  // Alert checks every 5 minutes, recommendation expiry every 15, effect measurement hourly.
  await alertJobs.schedule(rt.queue);
  // Customer health: weekly retraining (Sunday), daily scoring at 03:00, changed customers every 15 minutes.
  await customerJobs.schedule(rt.queue);

  const tier2Sweep = createTier2Sweep({
    db: rt.database.db,
    queue: rt.queue,
    clock: rt.clock,
    logger: rt.logger,
  });
  /** Retries a one-off sweep every 5 s (a minute at most): it is the only one that will look. */
  const retrying = async (sweep: () => Promise<unknown>, what: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sweep();
        return;
      } catch (err) {
        if (attempt >= 12) {
          rt.logger.error({ err }, `${what} failed; giving up`);
          return;
        }
        rt.logger.warn({ err, attempt }, `${what} failed; retrying in 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      }
    }
  };
  // Everything durable but unsent is swept from Postgres: sessions still `received` and mails still `pending`.
  const sweepAll = async (why: string, opts: { staleAfterMs?: number } = {}) => {
    await sessionJobs
      .sweep(opts)
      .catch((err: unknown) => rt.logger.warn({ err, why }, 'session sweep failed; the next one retries'));
    await reportJobs
      .sweep(opts)
      .catch((err: unknown) => rt.logger.warn({ err, why }, 'mail sweep failed; the next one retries'));
    await services.companion.transcripts
      .sweep()
      .catch((err: unknown) =>
        rt.logger.warn({ err, why }, 'transcript sweep failed; the next start retries'),
      );
  };
  // Redis came back without its jobs (restarted empty): everything in flight is gone, so this process (the
  // queue tells exactly one) re-enqueues all of it now rather than after the sweeper's staleness delay.
  rt.queue.onReady(({ dataLost }) => {
    if (!dataLost) return;
    rt.logger.warn(
      'Redis lost its jobs (restarted empty?): re-enqueuing unprocessed sessions and pending mails',
    );
    void sweepAll('redis data lost', { staleAfterMs: 0 });
    // Analyses waiting in Redis were lost too; their sessions are already processed, so only this finds them.
    void retrying(() => tier2Sweep.sweep(), 'tier 2 sweep after Redis lost its jobs');
  });
  // Sessions ingestion stored without a job (`queued: false`, marked `unqueued_at`): enqueued within seconds of
  // the queue taking jobs again, without waiting for them to look stale to the regular sweeper.
  const redis = rt.monitor.get('redis');
  const unqueued = startUnqueuedSweeps({
    sweep: () => sessionJobs.sweepUnqueued(),
    queue: rt.queue,
    logger: rt.logger,
    ...(redis ? { isQueueDown: () => !redis.isUp() } : {}),
    ...(opts.unqueuedSweepMs !== undefined ? { everyMs: opts.unqueuedSweepMs } : {}),
  });
  rt.onClose(() => unqueued.stop());
  // Sessions whose jobs died with the previous process (embedded mode keeps its queue in memory).
  await sweepAll('start-up');
  await unqueued.runNow('start-up');
}
