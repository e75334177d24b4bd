/**
 * Scheduled jobs of alerts and recommendations: the check every 5 minutes (it also re-enqueues alert mails
 * left pending), expiry of recommendations every 15 minutes, effect measurement hourly, and the mail job.
 */
import type { AppJobs } from '../../../jobs';
import type { JobHandlers, JobQueue } from '../../../platform/queue/port';
import type { AlertMailService } from './alert-mail';
import type { AlertEngine } from './alerts.engine';
import type { RecommendationService } from './recommendations.service';

export const ALERT_SCHEDULES = {
  check: { id: 'operations-alerts-check', cron: '*/5 * * * *' },
  expire: { id: 'operations-recommendations-expire', cron: '*/15 * * * *' },
  measure: { id: 'operations-recommendations-measure', cron: '17 * * * *' },
} as const;

export function createAlertJobs(deps: {
  engine: Pick<AlertEngine, 'runChecks'>;
  recommendations: Pick<RecommendationService, 'expireDue' | 'measureDue'>;
  mail: Pick<AlertMailService, 'send'>;
}) {
  const handlers: JobHandlers<AppJobs> = {
    'operations.alerts-check': async () => {
      await deps.engine.runChecks();
    },
    'operations.recommendations-expire': async () => {
      await deps.recommendations.expireDue();
    },
    'operations.recommendations-measure': async () => {
      await deps.recommendations.measureDue();
    },
    'operations.alert-mail': (payload, ctx) => deps.mail.send(payload.notificationId, ctx),
  };
  return {
    handlers,
    async schedule(queue: JobQueue<AppJobs>) {
      await queue.schedule(
        ALERT_SCHEDULES.check.id,
        ALERT_SCHEDULES.check.cron,
        'operations.alerts-check',
        {},
      );
      await queue.schedule(
        ALERT_SCHEDULES.expire.id,
        ALERT_SCHEDULES.expire.cron,
        'operations.recommendations-expire',
        {},
      );
      await queue.schedule(
        ALERT_SCHEDULES.measure.id,
        ALERT_SCHEDULES.measure.cron,
        'operations.recommendations-measure',
        {},
      );
    },
  };
}
