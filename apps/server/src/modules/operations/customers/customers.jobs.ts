/**
 * Customer health jobs and their schedules (UTC): weekly retraining on Sunday 04:00, scoring of every customer
 * daily at 03:00, and re-scoring of customers whose data changed every 15 minutes. Idempotent: a re-run scores
 * again with the same model (one more history row) or trains a version that the activation rule judges.
 */
import type { AppJobs } from '../../../jobs';
import type { JobHandlers, JobQueue } from '../../../platform/queue/port';
import type { IngestService } from '../ingest/ingest.service';
import type { ChurnService } from './churn.service';

export const CHURN_SCHEDULES = {
  train: { id: 'operations-churn-train-weekly', cron: '0 4 * * 0' },
  scoreAll: { id: 'operations-churn-score-daily', cron: '0 3 * * *' },
  rescore: { id: 'operations-churn-rescore', cron: '*/15 * * * *' },
} as const;

export function createCustomerJobs(deps: { churn: ChurnService; ingest: IngestService }) {
  const handlers: JobHandlers<AppJobs> = {
    'operations.churn-train': async () => {
      const result = await deps.churn.train();
      if (result.activated) await deps.churn.scoreAll();
    },
    'operations.churn-score': async (payload) => {
      if (payload.scope === 'all') {
        await deps.churn.scoreAll();
        await deps.ingest.pruneDeliveries();
      } else await deps.churn.rescoreChanged();
    },
  };
  return {
    handlers,
    async schedule(queue: JobQueue<AppJobs>) {
      const s = CHURN_SCHEDULES;
      await queue.schedule(s.train.id, s.train.cron, 'operations.churn-train', {});
      await queue.schedule(s.scoreAll.id, s.scoreAll.cron, 'operations.churn-score', { scope: 'all' });
      await queue.schedule(s.rescore.id, s.rescore.cron, 'operations.churn-score', { scope: 'changed' });
    },
  };
}
