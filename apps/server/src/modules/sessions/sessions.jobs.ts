/**
 * The sessions module's jobs: `sessions.sweep`, run every minute (and once when a worker starts), finds
 * sessions whose tier 1 job was lost (queue flushed, worker crashed, Redis down at ingestion) and enqueues
 * them again. Idempotent: claiming a session moves its `updated_at`, so a second sweeper skips it.
 */
import type { JobHandlers } from '../../platform/queue/port';
import type { AppJobs } from '../../jobs';
import type { Logger } from '../../platform/logger';
import type { SessionService } from './sessions.service';

export const SWEEP_SCHEDULER_ID = 'sessions-sweep';
export const SWEEP_CRON = '* * * * *';

export function createSessionJobs(deps: { sessions: SessionService; logger: Logger }) {
  const { sessions, logger } = deps;

  async function sweep() {
    const result = await sessions.sweepStuck();
    if (result.requeued > 0 || result.failed > 0) logger.info({ ...result }, 'session sweep');
    return result;
  }

  const handlers = {
    'sessions.sweep': async () => {
      await sweep();
    },
  } satisfies JobHandlers<AppJobs>;

  return { sweep, handlers };
}
