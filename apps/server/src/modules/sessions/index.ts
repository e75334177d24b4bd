/**
 * The sessions module's public API: the shared session record (ingestion by webhook and REST, the sweeper)
 * and the read functions other modules build on. Other modules and the composition root import from here
 * only (the lint rule `boundaries/entry-point` enforces it).
 */
export { listReceivedBatch, markProcessedBatch, type SessionRow } from './session-batches';
export {
  toRescheduleRecord,
  toSessionRecord,
  type RescheduleRecord,
  type SessionRecord,
} from './session-mapping';
export {
  dailyTotals,
  EMPTY_TOTALS,
  populationTotals,
  subjectHourlyStarts,
  tutorDayTotals,
  tutorsWithSessions,
  tutorTotalsBetween,
  tutorWindowTotals,
  type SessionTotals,
} from './session-stats';
export {
  createSessionJobs,
  startUnqueuedSweeps,
  SWEEP_CRON,
  SWEEP_SCHEDULER_ID,
  type UnqueuedSweeps,
} from './sessions.jobs';
export { sessionsRoutes } from './sessions.routes';
export { createSessionService, type SessionService } from './sessions.service';
export {
  findExistingStudentIds,
  listStudentSessions,
  studentsWithSessionsSince,
  type StudentSessionRow,
} from './student-reads';
export { createWebhookVerifier, WebhookSignatureError, type WebhookVerifier } from './webhook-signature';
export { createStudentRecords, type StudentRecords } from './student-records';
