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
import { createSessionService, createStudentRecords } from './modules/sessions/index';
import { ZTutorsQuery } from '@tutorpulse/contracts/quality-tutors';
import {
  createAnalyticsService,
  createFlagService,
  createInterventionService,
  createReportService,
  createScoreService,
  createSessionDetailService,
  createTier3Service,
  createQualitySignalService,
  createTutorService,
  invalidatesQuality,
  QUALITY_READ_TAG,
} from './modules/quality/index';
import {
  createForecastAlertReaders,
  createForecastService,
  createMainReaders,
  createOperationsAlerts,
  OPERATIONS_READ_TAG,
  createChurnService,
  createCustomerAlertReaders,
  createCustomerService,
  createIngestRegistry,
  createIngestService,
} from './modules/operations/index';
import {
  createCompanionLearning,
  createEngagementServices,
  DEFAULT_NUDGE_SETTINGS,
  masteryReaderOf,
  withUploadedTranscripts,
  type MasteryReader,
} from './modules/companion/index';
import { createAiUsageService } from './platform/ai/usage.service';
import { createEventService } from './platform/events/events.service';
import { createDeadLetterService } from './platform/queue/dead-letters.service';
import { createListTotals } from './platform/list-paging';
import type { Runtime } from './runtime';

export type ServiceOverrides = {
  /**
   * The companion's mastery, as the engagement side reads it. Until the mastery engine is merged the default is
   * an empty reader (goals at 0 %, chat on transcripts only); tests pass their own.
   */
  masteryReader?: MasteryReader;
};

export function createServices(rt: Runtime, overrides: ServiceOverrides = {}) {
  const { db } = rt.database;
  const { clock } = rt;
  const audit = createAuditService({ db, clock });
  const tokens = createTokenService(rt.config.jwtSecret);
  const auth = createAuthService({ db, clock, tokens, audit });
  const studentRecords = createStudentRecords({ db, clock });
  // Self-registration creates the student record (sessions module) and the companion's settings; wired lazily
  // because the companion's services are built further down.
  let engagementRef: {
    nudges: { setTimezone(id: string, tz: string): Promise<void> };
    goals: { refreshProgress(studentId: string): Promise<unknown> };
    routing: {
      analyze(input: { studentId: string; userId: string | null; useModel: boolean }): Promise<unknown>;
    };
  } | null = null;
  const users = createUserService({
    db,
    clock,
    audit,
    auth,
    studentRegistration: () => ({
      createStudent: (input) => studentRecords.createStudent(input),
      deleteUnusedStudent: (id) => studentRecords.deleteUnusedStudent(id),
      onRegistered: async (studentId, input) => {
        await engagementRef?.nudges.setTimezone(studentId, input.timezone ?? 'UTC');
      },
    }),
  });
  const apiKeys = createApiKeyService({ db, clock, audit });
  // Events that change quality aggregates move the read cache's generation (after their commit).
  const events = createEventService({
    db,
    bus: rt.bus,
    clock,
    onAnnounced: async (types) => {
      if (types.some(invalidatesQuality)) await rt.cache.invalidate(QUALITY_READ_TAG);
      if (types.some((t) => operations.invalidatesMetrics(t))) await rt.cache.invalidate(OPERATIONS_READ_TAG);
    },
  });
  // Shared by the long lists: their estimated totals are cached per list and filters in the read cache's store
  // (Redis in scaled mode: one estimate for every API process).
  const listTotals = createListTotals({
    exactCountLimit: rt.config.lists.exactCountLimit,
    cacheSeconds: rt.config.lists.countCacheSeconds,
    now: () => clock.now().getTime(),
    cache: rt.cache,
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
    cache: rt.cache,
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
  const tutors = createTutorService({
    db,
    clock,
    scores,
    sessions,
    interventions,
    analytics: tier3,
    cache: rt.cache,
  });
  const analytics = createAnalyticsService({ db, clock, cache: rt.cache });
  const sessionDetail = createSessionDetailService({ db, sessions, scores, cache: rt.cache });
  const aiUsage = createAiUsageService({ db, clock, prices: rt.config.ai.prices });
  const deadLetters = createDeadLetterService({ db, queue: rt.queue, clock, audit });
  const ingest = createIngestService({ db, clock, registry: createIngestRegistry({ clock }) });
  const churn = createChurnService({ db, clock, events, logger: rt.logger, settings: rt.config.churn });
  const customers = createCustomerService({ db, clock, listTotals });
  // The companion's learning side; `companion.mastery` is the service the engagement side reads.
  const companion = createCompanionLearning({
    db,
    clock,
    queue: rt.queue,
    ai: rt.ai,
    logger: rt.logger,
    sessions,
    // The engagement side hears about learning (bound below, once it exists).
    hooks: {
      transcriptAnalysed: async (e) => {
        await engagementRef?.goals.refreshProgress(e.studentId);
      },
      practiceSubmitted: async (e) => {
        await engagementRef?.goals.refreshProgress(e.studentId);
        await engagementRef?.routing.analyze({ studentId: e.studentId, userId: null, useModel: false });
      },
    },
  });
  const engagement = createEngagementServices({
    db,
    clock,
    ai: rt.ai,
    queue: rt.queue,
    events,
    logger: rt.logger,
    mastery: overrides.masteryReader ?? masteryReaderOf(companion),
    // The chat searches uploaded transcripts too (their text is the companion's, not a session's).
    sessions: withUploadedTranscripts(studentRecords, companion),
    accounts: {
      userIdsForStudent: (id) => users.userIdsForStudent(id),
      userIdsForTutor: (id) => users.userIdsForTutor(id),
      listStudentsWithAccounts: () => users.listStudentsWithAccounts(),
    },
    tutors: {
      async rankForSubject(subjectId, limit) {
        const page = await tutors.list(
          ZTutorsQuery.parse({
            sort_by: 'score',
            sort_order: 'desc',
            window: 30,
            limit,
            offset: 0,
            subject: subjectId,
          }),
        );
        return page.data.map((t) => ({
          tutorId: t.tutor_id,
          name: t.name,
          isActive: t.is_active,
          mainSubject: t.main_subject?.name ?? null,
          overallScore: t.overall_score,
          confidence: t.confidence,
          totalSessions: t.total_sessions,
          isHighRisk: t.is_high_risk,
        }));
      },
    },
    settings: {
      chatMessagesPerHour: rt.config.companion.chatMessagesPerHour,
      nudges: {
        ...DEFAULT_NUDGE_SETTINGS,
        inactiveDays: rt.config.companion.nudgeInactiveDays,
        dayStartHour: rt.config.companion.nudgeDayStartHour,
        dayEndHour: rt.config.companion.nudgeDayEndHour,
      },
    },
  });
  engagementRef = engagement;
  const forecasts = createForecastService({
    db,
    clock,
    events,
    queue: rt.queue,
    cache: rt.cache,
    config: rt.config.forecast,
    logger: rt.logger,
  });
  const qualitySignals = createQualitySignalService({ db });
  // Alerts and recommendations: each reader port switches its checkers, generators and cards on. At merge, the
  // customers capability adds `churn` and `supportCalls`, forecasting `shortages` and `forecastAccuracy`.
  const operations = createOperationsAlerts({
    db,
    clock,
    events,
    audit,
    queue: rt.queue,
    mailer: rt.mailer,
    users,
    cache: rt.cache,
    logger: rt.logger,
    listTotals,
    readers: {
      ...createMainReaders({ db, quality: qualitySignals }),
      ...createForecastAlertReaders(db),
      ...createCustomerAlertReaders(db),
    },
    mail: {
      adminEmail: rt.config.adminEmail,
      mailFrom: rt.config.mailFrom,
      dashboardUrl: rt.config.publicUrl,
    },
  });
  return {
    engagement,
    studentRecords,
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
    forecasts,
    qualitySignals,
    operations,
    ingest,
    churn,
    customers,
    companion,
  };
}

export type Services = ReturnType<typeof createServices>;
