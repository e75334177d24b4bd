/**
 * Builds every module's services from the runtime's adapters. Shared by the API (routes), the worker (job
 * handlers) and the CLI, so all three run the same use cases.
 */
import {
  createApiKeyService,
  createAuditService,
  createAuthService,
  createTokenService,
  createUserService,
} from './modules/identity/index';
import { createSessionService } from './modules/sessions/index';
import {
  createAnalyticsService,
  createFlagService,
  createInterventionService,
  createReportService,
  createScoreService,
  createSessionDetailService,
  createTier3Service,
  createTutorService,
  invalidatesQuality,
  QUALITY_READ_TAG,
} from './modules/quality/index';
import { createCompanionLearning } from './modules/companion/index';
import { createAiUsageService } from './platform/ai/usage.service';
import { createEventService } from './platform/events/events.service';
import { createDeadLetterService } from './platform/queue/dead-letters.service';
import { createListTotals } from './platform/list-paging';
import type { Runtime } from './runtime';

export function createServices(rt: Runtime) {
  const { db } = rt.database;
  const { clock } = rt;
  const audit = createAuditService({ db, clock });
  const tokens = createTokenService(rt.config.jwtSecret);
  const auth = createAuthService({ db, clock, tokens, audit });
  const users = createUserService({ db, clock, audit, auth });
  const apiKeys = createApiKeyService({ db, clock, audit });
  // Events that change quality aggregates move the read cache's generation (after their commit).
  const events = createEventService({
    db,
    bus: rt.bus,
    clock,
    onAnnounced: async (types) => {
      if (types.some(invalidatesQuality)) await rt.cache.invalidate(QUALITY_READ_TAG);
    },
  });
  // One per process, shared by the long lists: their estimated totals are cached per list and filters.
  const listTotals = createListTotals({
    exactCountLimit: rt.config.lists.exactCountLimit,
    cacheSeconds: rt.config.lists.countCacheSeconds,
    now: () => clock.now().getTime(),
  });
  const sessions = createSessionService({
    db,
    queue: rt.queue,
    events,
    audit,
    clock,
    logger: rt.logger,
    sessionWindow: rt.config.sessionWindow,
    listTotals,
  });
  const scores = createScoreService({ db, clock, events });
  const interventions = createInterventionService({ db, clock, audit, events, scores });
  const flags = createFlagService({
    db,
    clock,
    audit,
    events,
    scores,
    sessions,
    interventions,
    listTotals,
  });
  const reports = createReportService({
    db,
    queue: rt.queue,
    mailer: rt.mailer,
    clock,
    config: {
      adminEmail: rt.config.adminEmail,
      mailFrom: rt.config.mailFrom,
      // Links in mails need an absolute URL: PUBLIC_URL, else the listen address.
      dashboardUrl: rt.config.publicUrl,
    },
    users,
    sessions,
    scores,
    logger: rt.logger,
  });
  const tier3 = createTier3Service({
    db,
    clock,
    events,
    queue: rt.queue,
    scores,
    flags,
    logger: rt.logger,
  });
  const tutors = createTutorService({ db, clock, scores, sessions, interventions, analytics: tier3 });
  const analytics = createAnalyticsService({ db, clock, cache: rt.cache });
  const sessionDetail = createSessionDetailService({ db, sessions, scores });
  const aiUsage = createAiUsageService({ db, clock, prices: rt.config.ai.prices });
  const deadLetters = createDeadLetterService({ db, queue: rt.queue, clock, audit });
  // The companion's learning side; `companion.mastery` is the service the engagement side reads.
  const companion = createCompanionLearning({
    db,
    clock,
    queue: rt.queue,
    ai: rt.ai,
    logger: rt.logger,
    sessions,
  });
  return {
    audit,
    tokens,
    auth,
    users,
    apiKeys,
    events,
    sessions,
    scores,
    interventions,
    flags,
    reports,
    tier3,
    tutors,
    analytics,
    sessionDetail,
    aiUsage,
    deadLetters,
    companion,
  };
}

export type Services = ReturnType<typeof createServices>;
