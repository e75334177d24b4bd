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
import type { JobHandlers } from '../../platform/queue/port';
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
