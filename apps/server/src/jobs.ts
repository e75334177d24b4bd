/**
 * The job registry: every job name the platform knows and its payload schema. Modules add their entries here;
 * the queue validates payloads against it on enqueue and before running a handler.
 */
import { z } from 'zod';
import type { LaneSpecs } from './platform/queue/port';

const ZSessionRef = z.object({ sessionId: z.uuid(), version: z.number().int().positive() });

export const jobRegistry = {
  /** Deletes login attempts, expired sessions, old events and webhook deliveries past retention (daily). */
  'platform.housekeeping': z.object({}),
  /** Re-enqueues sessions left unprocessed (lost queue, crashed worker): the sessions table is the inbox. */
  'sessions.sweep': z.object({}),
  /** Tier 1: rules → findings and flags, then the tutor's rescore; first sessions run at priority 1. */
  'quality.tier1': ZSessionRef,
  /** Tier 2: transcript / summary analysis (LLM or local analyzer). */
  'quality.tier2': ZSessionRef,
  /** Recomputes one tutor's scores and pattern flags (coalesced per tutor). */
  'quality.rescore': z.object({ tutorId: z.string().min(1) }),
  /** Tier 3: nightly trends, peer percentiles and churn risk for every tutor, for one analysis date. */
  'quality.tier3': z.object({ date: z.iso.date().optional() }),
  /** Re-enqueues mails left `pending` in email_reports without a job (every minute; email_reports is the outbox). */
  'quality.email-sweep': z.object({}),
  /** Sends one email recorded in email_reports (idempotent by report id). */
  'quality.email': z.object({ reportId: z.uuid() }),
  /** Trains a churn model version on the stored history; activated only if it beats the active one (weekly). */
  'operations.churn-train': z.object({}),
  /** Scores customers with the active churn model: all of them (daily) or those whose data changed (15 min). */
  'operations.churn-score': z.object({ scope: z.enum(['all', 'changed']) }),
  /** Companion: analyse one transcript (upload or session) for its student → concepts and mastery evidence. */
  'companion.transcript': z.object({ uploadId: z.uuid() }),
  /** Companion: a session that arrived with a transcript, analysed for its student (queued beside tier 2). */
  'companion.session-transcript': ZSessionRef,
  /** After a chat exchange: fold old messages into the summary, then the routing check (companion). */
  'companion.chat-followup': z.object({
    studentId: z.string().min(1),
    conversationId: z.uuid(),
    messageId: z.number().int().positive(),
  }),
  /** goal.completed: five next-subject suggestions for the student (companion). */
  'companion.goal-completed': z.object({ goalId: z.uuid() }),
  /** Engagement nudges for new and inactive students (hourly; each student's daytime, one per 3 days). */
  'companion.nudges': z.object({}),
  /** Operations: demand and supply forecasts per subject and hour, with imbalances (daily 02:00, on demand). */
  'operations.forecast': z.object({ at: z.iso.datetime({ offset: true }).optional() }),
  /** Operations: yesterday's forecasts against what happened, per subject (daily). */
  'operations.forecast-accuracy': z.object({ day: z.iso.date().optional() }),
  /** Runs every alert checker, stores alerts and recommendations, queues critical mails (every 5 minutes). */
  'operations.alerts-check': z.object({}),
  /** Sends one critical-alert mail recorded in alert_notifications (idempotent by notification id). */
  'operations.alert-mail': z.object({ notificationId: z.uuid() }),
  /** Closes open recommendations past their expiry (every 15 minutes). */
  'operations.recommendations-expire': z.object({}),
  /** Measures the effect of accepted recommendations whose time has come (hourly). */
  'operations.recommendations-measure': z.object({}),
} satisfies Record<string, z.ZodType>;

/**
 * Lanes (see platform/queue/port.ts): tier 1 gets slots of its own, many of them, because its handler groups
 * the sessions in flight into one pass (see tier1.ts): the more jobs in flight, the bigger the groups. Mail,
 * tier 2 (LLM calls) and the rest share the default lane's few slots without ever blocking tier 1.
 */
export const jobLanes = {
  pipeline: { jobs: ['quality.tier1'], concurrency: 200 },
} satisfies LaneSpecs;

export type AppJobs = typeof jobRegistry;
export type JobName = keyof AppJobs;
