/**
 * The sessions module's jobs: `sessions.sweep`, run every minute (and once when a worker starts), finds
 * sessions whose tier 1 job was lost (queue flushed, worker crashed, Redis down at ingestion) and enqueues
 * them again. Idempotent: claiming a session moves its `updated_at`, so a second sweeper skips it.
 *
 * The unqueued sweep is its fast lane for one known case: ingestion stored a session but could not enqueue its
 * job (Redis away or slow: the sender heard `queued: false`) and marked it. Workers run it every few seconds
 * and whenever the queue's connection is ready again, so such a session waits for the queue, not for the
 * regular sweeper's staleness delay, and no sweep is counted against it.
 */
import type { JobHandlers, QueueReadyInfo } from '../../platform/queue/port';
import type { AppJobs } from '../../jobs';
import type { Logger } from '../../platform/logger';
import {
  SWEEP,
  UNQUEUED_SWEEP,
  type SessionService,
  type SweepResult,
  type UnqueuedSweepResult,
} from './sessions.service';

export const SWEEP_SCHEDULER_ID = 'sessions-sweep';
export const SWEEP_CRON = '* * * * *';

export function createSessionJobs(deps: { sessions: SessionService; logger: Logger }) {
  const { sessions, logger } = deps;

  /**
   * Claims and re-enqueues stuck sessions a batch at a time until a batch comes back short: a backlog of any
   * size is re-enqueued in one run, not SWEEP.batch a minute. `staleAfterMs` 0 (Redis came back empty: every
   * job is gone) takes every session still `received`/`processing`.
   */
  async function sweep(opts: { staleAfterMs?: number } = {}): Promise<SweepResult> {
    const total: SweepResult = { requeued: 0, failed: 0, failedSessionIds: [] };
    let before: Date | undefined;
    for (;;) {
      const result = await sessions.sweepStuck(before ? { ...opts, before } : opts);
      before = result.cutoff;
      total.requeued += result.requeued;
      total.failed += result.failed;
      total.failedSessionIds.push(...result.failedSessionIds);
      if (result.requeued + result.failed < SWEEP.batch) break;
    }
    if (total.requeued > 0 || total.failed > 0) {
      logger.info({ requeued: total.requeued, failed: total.failed }, 'session sweep');
    }
    return total;
  }

  /** Enqueues every session marked unqueued, a batch at a time. */
  async function sweepUnqueued(
    opts: Partial<typeof UNQUEUED_SWEEP> = {},
  ): Promise<UnqueuedSweepResult> {
    const batch = opts.batch ?? UNQUEUED_SWEEP.batch;
    const total: UnqueuedSweepResult = { requeued: 0, cleared: 0 };
    for (;;) {
      const result = await sessions.sweepUnqueued({ ...opts, batch });
      total.requeued += result.requeued;
      total.cleared += result.cleared;
      if (result.requeued + result.cleared < batch) break;
    }
    if (total.requeued > 0) logger.info({ requeued: total.requeued }, 'unqueued sessions enqueued');
    return total;
  }

  const handlers = {
    'sessions.sweep': async () => {
      await sweep();
    },
  } satisfies JobHandlers<AppJobs>;

  return { sweep, sweepUnqueued, handlers };
}

export type UnqueuedSweeps = {
  /** Sweeps now (or joins the sweep already running). Never throws. */
  runNow(why: string): Promise<void>;
  /** Stops the timer and the ready listener; waits for a sweep in progress. */
  stop(): Promise<void>;
};

/**
 * Keeps the unqueued sweep going in a worker process: at once, every `everyMs` (skipped while `isQueueDown`
 * says the queue's backend is away: nothing could be enqueued) and whenever the queue's connection is ready
 * again. One sweep at a time; a failing streak is logged once.
 */
export function startUnqueuedSweeps(deps: {
  sweep: () => Promise<unknown>;
  queue: { onReady(listener: (info: QueueReadyInfo) => void): () => void };
  logger: Pick<Logger, 'warn'>;
  isQueueDown?: () => boolean;
  everyMs?: number;
}): UnqueuedSweeps {
  let running: Promise<void> | undefined;
  let failing = false;
  let stopped = false;
  const runNow = (why: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= deps
      .sweep()
      .then(
        () => {
          failing = false;
        },
        (err: unknown) => {
          if (!failing) deps.logger.warn({ err, why }, 'unqueued session sweep failed; retrying every few seconds');
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const unsubscribe = deps.queue.onReady(() => void runNow('queue ready again'));
  const timer = setInterval(() => {
    if (deps.isQueueDown?.()) return;
    void runNow('periodic');
  }, deps.everyMs ?? UNQUEUED_SWEEP.everyMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
