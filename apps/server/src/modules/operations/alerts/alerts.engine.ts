/**
 * The alert engine: one check runs every registered checker (a failing checker is logged and skipped, the
 * others still run), stores what they propose (alerts.service.ts), mails critical alerts once
 * (alert-mail.ts), and asks the generators for recommendations on the alerts that were created or gained
 * evidence. Idempotent: running it twice on the same data changes nothing and mails nobody twice.
 */
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { AlertMailService } from './alert-mail';
import { toAlertView, type AlertService } from './alerts.service';
import type { AlertRegistry } from './registry';
import type { RecommendationService } from './recommendations.service';

export type CheckSummary = {
  checkers: number;
  failed: string[];
  created: number;
  updated: number;
  unchanged: number;
  suppressed: number;
  autoResolved: number;
  recommendations: number;
  /** Mails newly recorded (one per critical alert and operator, ever). */
  mailsQueued: number;
};

export function createAlertEngine(deps: {
  alerts: Pick<AlertService, 'applyCandidates'>;
  recommendations: Pick<RecommendationService, 'generateFrom'>;
  mail: Pick<AlertMailService, 'queueCritical' | 'sweepPending'>;
  registry: () => AlertRegistry;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}) {
  return {
    async runChecks(): Promise<CheckSummary> {
      const { checkers } = deps.registry();
      const summary: CheckSummary = {
        checkers: checkers.length,
        failed: [],
        created: 0,
        updated: 0,
        unchanged: 0,
        suppressed: 0,
        autoResolved: 0,
        recommendations: 0,
        mailsQueued: 0,
      };
      const changed = [];
      for (const checker of checkers) {
        let candidates;
        try {
          candidates = await checker.run({ now: deps.clock.now() });
        } catch (err) {
          deps.logger.warn({ err, checker: checker.name }, 'alert checker failed; the next run retries');
          summary.failed.push(checker.name);
          continue;
        }
        const r = await deps.alerts.applyCandidates(checker, candidates);
        summary.created += r.changed.filter((c) => c.outcome === 'created').length;
        summary.updated += r.changed.filter((c) => c.outcome !== 'created').length;
        summary.unchanged += r.unchanged;
        summary.suppressed += r.suppressed;
        summary.autoResolved += r.autoResolved.length;
        changed.push(...r.changed);
      }
      for (const c of changed) {
        if (c.alert.severity === 'critical')
          summary.mailsQueued += (await deps.mail.queueCritical(c.alert)).recorded.length;
      }
      const recs = await deps.recommendations.generateFrom(changed.map((c) => toAlertView(c.alert)));
      summary.recommendations = recs.created.length;
      await deps.mail.sweepPending();
      if (summary.created || summary.updated || summary.autoResolved || summary.failed.length)
        deps.logger.info({ summary }, 'alert check done');
      return summary;
    },
  };
}

export type AlertEngine = ReturnType<typeof createAlertEngine>;
