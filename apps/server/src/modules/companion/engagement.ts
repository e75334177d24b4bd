/**
 * The companion's engagement side, assembled: chat, goals and suggestions, notifications, nudges and routing
 * to a human tutor, with their routes and jobs. The companion's index.ts re-exports what the composition root
 * needs from here (the mastery side, transcripts and practice, lives beside it and provides the
 * MasteryReader these services take).
 *
 * Where the mastery side plugs in (at merge):
 * - `mastery`: its MasteryReader (services.ts passes EMPTY_MASTERY_READER until then; see the MERGE comment);
 *   `recentAttempts` feeds the repeated-errors and low-mastery-after-practice routing triggers.
 * - after a practice set is generated: `notifications.notify({ type: 'practice_ready', dedupeKey:
 *   'practice_ready:<set id>', … })`; after it is graded or mastery moves: `goals.refreshProgress(studentId)` and
 *   `routing.analyze({ studentId, userId: null, useModel: false })`.
 * - transcripts uploaded outside the sessions table: `sessions.listRecentForStudent` (and its fingerprint)
 *   should include them, so the chat searches them.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client';
import type { AppJobs } from '../../jobs';
import type { AiPort } from '../../platform/ai/port';
import type { Clock } from '../../platform/clock';
import type { EventService } from '../../platform/events/events.service';
import type { Logger } from '../../platform/logger';
import type { JobHandlers, JobQueue } from '../../platform/queue/port';
import { chatRoutes } from './chat/chat.routes';
import { createChatService } from './chat/chat.service';
import {
  createStudentAccess,
  type AccountDirectory,
  type MasteryReader,
  type StudentSessionsReader,
  type TutorDirectory,
} from './engagement-ports';
import { goalsRoutes } from './goals/goals.routes';
import { createGoalService } from './goals/goals.service';
import { notificationsRoutes } from './notifications/notifications.routes';
import { createNotificationService } from './notifications/notifications.service';
import { DEFAULT_NUDGE_SETTINGS, type NudgeSettings } from './nudges/nudge.rules';
import { createNudgeService } from './nudges/nudges.service';
import { routingRoutes } from './routing/routing.routes';
import { createRoutingService } from './routing/routing.service';

export {
  EMPTY_MASTERY_READER,
  type AccountDirectory,
  type AttemptRecord,
  type MasteryReader,
  type MasteryRecord,
  type RankedTutor,
  type StudentSessionsReader,
  type TutorDirectory,
} from './engagement-ports';
export { DEFAULT_NUDGE_SETTINGS, type NudgeSettings } from './nudges/nudge.rules';

/** Nudges run every hour (at :15): each student is nudged in their own daytime, at most once in 3 days. */
export const NUDGES_SCHEDULER_ID = 'companion-nudges';
export const NUDGES_CRON = '15 * * * *';

export type EngagementSettings = {
  /** Chat messages a student may send per hour. */
  chatMessagesPerHour: number;
  nudges: NudgeSettings;
};

export const DEFAULT_ENGAGEMENT_SETTINGS: EngagementSettings = {
  chatMessagesPerHour: 30,
  nudges: DEFAULT_NUDGE_SETTINGS,
};

export function createEngagementServices(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  queue: JobQueue<AppJobs>;
  events: EventService;
  logger?: Logger;
  mastery: MasteryReader;
  sessions: StudentSessionsReader;
  accounts: AccountDirectory;
  tutors: TutorDirectory;
  settings?: Partial<EngagementSettings>;
}) {
  const settings = { ...DEFAULT_ENGAGEMENT_SETTINGS, ...deps.settings };
  const { db, clock, ai, queue, events, logger, mastery, sessions, accounts } = deps;
  const notifications = createNotificationService({
    db,
    clock,
    events,
    accounts,
    ...(logger ? { logger } : {}),
  });
  const goals = createGoalService({
    db,
    clock,
    ai,
    queue,
    mastery,
    sessions,
    notifications,
    ...(logger ? { logger } : {}),
  });
  const chat = createChatService({
    db,
    clock,
    ai,
    queue,
    mastery,
    sessions,
    goals,
    config: { messagesPerHour: settings.chatMessagesPerHour },
    ...(logger ? { logger } : {}),
  });
  const routing = createRoutingService({
    db,
    clock,
    ai,
    events,
    mastery,
    sessions,
    chat,
    goals,
    notifications,
    accounts,
    tutors: deps.tutors,
    ...(logger ? { logger } : {}),
  });
  const nudges = createNudgeService({
    db,
    clock,
    ai,
    mastery,
    sessions,
    notifications,
    accounts,
    settings: settings.nudges,
    ...(logger ? { logger } : {}),
  });
  const students = createStudentAccess({ sessions, hasHandoffTo: (t, s) => routing.hasHandoffTo(t, s) });
  return { notifications, goals, chat, routing, nudges, students, settings };
}

export type EngagementServices = ReturnType<typeof createEngagementServices>;

/** Every engagement route (chat, goals, suggestions, notifications, tutors/routing). */
export function engagementRoutes(s: EngagementServices) {
  return async (app: FastifyInstance) => {
    await app.register(chatRoutes({ chat: s.chat, students: s.students }));
    await app.register(goalsRoutes({ goals: s.goals, students: s.students }));
    await app.register(notificationsRoutes({ notifications: s.notifications, students: s.students }));
    await app.register(routingRoutes({ routing: s.routing, students: s.students, nudges: s.nudges }));
  };
}

/** The engagement jobs' handlers and schedule. Handlers are idempotent (jobs are at-least-once). */
export function createEngagementJobs(s: EngagementServices) {
  const handlers: JobHandlers<AppJobs> = {
    'companion.chat-followup': async ({ studentId, conversationId }) => {
      await s.chat.summarizeOlder(conversationId, null);
      await s.goals.refreshProgress(studentId);
      // The routing check after each exchange: rules always, the model only when a rule fires.
      await s.routing.analyze({ studentId, userId: null, useModel: false });
    },
    'companion.goal-completed': async ({ goalId }) => {
      await s.goals.suggestAfter(goalId);
    },
    'companion.nudges': async () => {
      await s.nudges.run();
    },
  };
  return {
    handlers,
    async schedule(queue: JobQueue<AppJobs>) {
      await queue.schedule(NUDGES_SCHEDULER_ID, NUDGES_CRON, 'companion.nudges', {});
    },
  };
}
