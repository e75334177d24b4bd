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
  tutorDayTotals,
  tutorsWithSessions,
  tutorTotalsBetween,
  tutorWindowTotals,
  type SessionTotals,
} from './session-stats';
export { createSessionJobs, SWEEP_CRON, SWEEP_SCHEDULER_ID } from './sessions.jobs';
export { sessionsRoutes } from './sessions.routes';
export { createSessionService, type SessionService } from './sessions.service';
export { createStudentRecords, type StudentRecords } from './student-records';
