/**
 * The mail sweep job: `email_reports` is the outbox, so mails left `pending` without a job (Redis restarted
 * empty, a crash between insert and enqueue) are found there and enqueued again, every minute.
 */
import type { AppJobs } from '../../jobs';
import type { JobHandlers, JobQueue } from '../../platform/queue/port';
import type { ReportService } from './reports.service';

export const MAIL_SWEEP_SCHEDULER_ID = 'mail-sweep';
export const MAIL_SWEEP_CRON = '* * * * *';

export function createReportJobs(deps: { reports: Pick<ReportService, 'sweepPending'> }) {
  const handlers: JobHandlers<AppJobs> = {
    'quality.email-sweep': async () => {
      await deps.reports.sweepPending();
    },
  };
  return {
    handlers,
    /** Re-enqueues pending mails now (start-up, Redis back empty); `staleAfterMs` 0 takes every pending one. */
    sweep: (opts?: { staleAfterMs?: number }) => deps.reports.sweepPending(opts),
    async schedule(queue: JobQueue<AppJobs>) {
      await queue.schedule(MAIL_SWEEP_SCHEDULER_ID, MAIL_SWEEP_CRON, 'quality.email-sweep', {});
    },
  };
}
