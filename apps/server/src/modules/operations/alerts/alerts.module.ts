/**
 * Builds the alerts capability (services, engine, registry, metrics) from its dependencies, for the
 * composition root (services.ts). The reader ports decide which checkers, generators and cards run.
 */
import type { TRole } from '@tutorpulse/contracts/identity';
import type { Db } from '../../../db/client';
import type { AppJobs } from '../../../jobs';
import type { ReadCache } from '../../../platform/cache/read-cache';
import type { Clock } from '../../../platform/clock';
import type { EventService } from '../../../platform/events/events.service';
import type { ListTotals } from '../../../platform/list-paging';
import type { Logger } from '../../../platform/logger';
import type { Mailer } from '../../../platform/mail/port';
import type { JobQueue } from '../../../platform/queue/port';
import type { AuditService } from '../../identity/index';
import { createAlertMailService } from './alert-mail';
import { createAlertEngine } from './alerts.engine';
import { createAlertService } from './alerts.service';
import { createOperationsMetricsService, invalidatesOperationsWith } from './metrics.service';
import type { AlertReaders } from './ports';
import { createAlertRegistry, type AlertRegistry } from './registry';
import { createRecommendationService } from './recommendations.service';

export function createOperationsAlerts(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  audit: Pick<AuditService, 'record'>;
  queue: Pick<JobQueue<AppJobs>, 'addBulk'>;
  mailer: Mailer;
  users: { listActiveEmails(roles: TRole[]): Promise<string[]> };
  cache?: ReadCache;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readers: AlertReaders;
  /** Plug-ins beyond the built-in ones (tests, capabilities that bring their own). */
  plugins?: Partial<AlertRegistry>;
  listTotals?: ListTotals;
  mail: { adminEmail: string; mailFrom?: string; dashboardUrl?: string };
}) {
  const alerts = createAlertService({
    db: deps.db,
    clock: deps.clock,
    events: deps.events,
    audit: deps.audit,
    ...(deps.listTotals ? { listTotals: deps.listTotals } : {}),
  });
  const registry = createAlertRegistry(deps.readers, { alertCounts: alerts, ...deps.plugins });
  const recommendations = createRecommendationService({
    db: deps.db,
    clock: deps.clock,
    events: deps.events,
    audit: deps.audit,
    logger: deps.logger,
    generators: () => registry.generators,
    ...(deps.listTotals ? { listTotals: deps.listTotals } : {}),
  });
  const mail = createAlertMailService({
    db: deps.db,
    queue: deps.queue,
    mailer: deps.mailer,
    clock: deps.clock,
    users: deps.users,
    config: deps.mail,
    logger: deps.logger,
  });
  const engine = createAlertEngine({
    alerts,
    recommendations,
    mail,
    registry: () => registry,
    clock: deps.clock,
    logger: deps.logger,
  });
  const metrics = createOperationsMetricsService({
    providers: () => registry.cards,
    clock: deps.clock,
    ...(deps.cache ? { cache: deps.cache } : {}),
    logger: deps.logger,
  });
  return {
    alerts,
    recommendations,
    mail,
    engine,
    metrics,
    registry,
    /** Whether an event type makes the cached dashboard cards stale. */
    invalidatesMetrics: invalidatesOperationsWith(() => registry.cards),
  };
}

export type OperationsAlerts = ReturnType<typeof createOperationsAlerts>;
