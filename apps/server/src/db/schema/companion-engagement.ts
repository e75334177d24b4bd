/**
 * Companion engagement: chat conversations and messages, goals, subject suggestions, notifications, nudges,
 * hand-offs to a human tutor and per-student settings. Owned by modules/companion (chat/, goals/,
 * notifications/, nudges/, routing/). Student ids are the marketplace's platform ids (students.id).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { students } from './marketplace';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const studentRef = () =>
  text('student_id')
    .notNull()
    .references(() => students.id, { onDelete: 'cascade' });

/** Per-student settings the companion needs: the time zone nudges respect. */
export const companionStudentSettings = pgTable('companion_student_settings', {
  studentId: text('student_id')
    .primaryKey()
    .references(() => students.id, { onDelete: 'cascade' }),
  timezone: text('timezone').notNull().default('UTC'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const companionConversations = pgTable(
  'companion_conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    title: text('title').notNull(),
    /** A running summary of the messages older than the context window (seed 004 "Context Window Management"). */
    summary: text('summary'),
    /** Id of the last message folded into `summary`. */
    summarizedThrough: integer('summarized_through').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('companion_conversations_student_idx').on(t.studentId, t.updatedAt)],
);

export type CompanionChatSource = {
  kind: 'transcript' | 'concept';
  ref: string;
  label: string;
  quote: string;
  score: number;
};

export const companionChatMessages = pgTable(
  'companion_chat_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => companionConversations.id, { onDelete: 'cascade' }),
    studentId: studentRef(),
    role: text('role', { enum: ['user', 'assistant'] }).notNull(),
    content: text('content').notNull(),
    provider: text('provider'),
    model: text('model'),
    sources: jsonb('sources').$type<CompanionChatSource[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('companion_chat_messages_conversation_idx').on(t.conversationId, t.id),
    // The hourly limit counts a student's own messages.
    index('companion_chat_messages_student_idx').on(t.studentId, t.role, t.createdAt),
  ],
);

export const COMPANION_GOAL_STATUSES = ['active', 'completed', 'abandoned'] as const;

export const companionGoals = pgTable(
  'companion_goals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    subjectId: text('subject_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    conceptKeys: text('concept_keys')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    targetMastery: integer('target_mastery').notNull().default(80),
    /** Last computed progress (0–100), kept for goal_progress notifications. */
    progress: integer('progress').notNull().default(0),
    status: text('status', { enum: COMPANION_GOAL_STATUSES }).notNull().default('active'),
    targetDate: text('target_date'),
    fromSuggestionId: uuid('from_suggestion_id'),
    createdBy: uuid('created_by'),
    completedAt: ts('completed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('companion_goals_student_status_idx').on(t.studentId, t.status),
    check('companion_goals_progress_check', sql`${t.progress} between 0 and 100`),
  ],
);

export const COMPANION_SUGGESTION_STATUSES = ['pending', 'accepted', 'dismissed'] as const;

export const companionSuggestions = pgTable(
  'companion_suggestions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    /** The completed goal that prompted it. */
    goalId: uuid('goal_id').references(() => companionGoals.id, { onDelete: 'cascade' }),
    subjectId: text('subject_id').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    relevanceScore: real('relevance_score').notNull(),
    valueProposition: text('value_proposition').notNull(),
    relatedConcepts: text('related_concepts')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: text('status', { enum: COMPANION_SUGGESTION_STATUSES }).notNull().default('pending'),
    provider: text('provider').notNull(),
    acceptedGoalId: uuid('accepted_goal_id'),
    actedAt: ts('acted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    // goal.completed is delivered at least once: one suggestion per goal and subject.
    uniqueIndex('companion_suggestions_goal_subject_idx').on(t.goalId, t.subjectId),
    index('companion_suggestions_student_idx').on(t.studentId, t.status, t.createdAt),
  ],
);

export const COMPANION_NOTIFICATION_TYPES = [
  'practice_ready',
  'nudge',
  'suggestion',
  'tutor_handoff',
  'goal_progress',
] as const;

export const companionNotifications = pgTable(
  'companion_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    type: text('type', { enum: COMPANION_NOTIFICATION_TYPES }).notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    callToAction: text('call_to_action'),
    actionUrl: text('action_url'),
    urgency: text('urgency', { enum: ['low', 'medium', 'high'] })
      .notNull()
      .default('low'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Derived from the work (e.g. `nudge:<student>:<day>`): a job run twice notifies once. */
    dedupeKey: text('dedupe_key').notNull(),
    readAt: ts('read_at'),
    actedAt: ts('acted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('companion_notifications_dedupe_idx').on(t.dedupeKey),
    index('companion_notifications_student_idx').on(t.studentId, t.createdAt),
    index('companion_notifications_unread_idx')
      .on(t.studentId)
      .where(sql`${t.readAt} is null`),
  ],
);

export const companionNudges = pgTable(
  'companion_nudges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    notificationId: uuid('notification_id').references(() => companionNotifications.id, {
      onDelete: 'set null',
    }),
    reason: text('reason', { enum: ['first_week', 'inactive'] }).notNull(),
    /** The student's local calendar day it was sent on: one a day at most, whatever the job does. */
    localDate: text('local_date').notNull(),
    message: text('message').notNull(),
    subject: text('subject').notNull(),
    callToAction: text('call_to_action').notNull(),
    urgency: text('urgency', { enum: ['low', 'medium', 'high'] }).notNull(),
    provider: text('provider').notNull(),
    sentAt: ts('sent_at').notNull(),
    openedAt: ts('opened_at'),
    actedAt: ts('acted_at'),
  },
  (t) => [
    uniqueIndex('companion_nudges_student_day_idx').on(t.studentId, t.localDate),
    index('companion_nudges_student_sent_idx').on(t.studentId, t.sentAt),
  ],
);

export type CompanionHandoffMisconception = { concept_key: string | null; text: string };
export type CompanionHandoffAttempt = {
  concept_key: string;
  correct: boolean;
  at: string;
  question: string | null;
  answer: string | null;
};
export type CompanionHandoffMastery = { concept_key: string; name: string; mastery: number };

export const companionHandoffs = pgTable(
  'companion_handoffs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: studentRef(),
    /** The tutor it is routed to: the student's own tutor for the subject when there is one. */
    tutorId: text('tutor_id'),
    subjectId: text('subject_id'),
    triggers: text('triggers').array().notNull(),
    reason: text('reason').notNull(),
    urgency: text('urgency', { enum: ['low', 'medium', 'high'] }).notNull(),
    recommendedTopic: text('recommended_topic').notNull(),
    estimatedDuration: integer('estimated_duration').notNull(),
    misconceptions: jsonb('misconceptions').$type<CompanionHandoffMisconception[]>().notNull().default([]),
    recentAttempts: jsonb('recent_attempts').$type<CompanionHandoffAttempt[]>().notNull().default([]),
    mastery: jsonb('mastery').$type<CompanionHandoffMastery[]>().notNull().default([]),
    status: text('status', { enum: ['open', 'accepted', 'closed'] })
      .notNull()
      .default('open'),
    provider: text('provider').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('companion_handoffs_student_idx').on(t.studentId, t.createdAt),
    index('companion_handoffs_tutor_idx').on(t.tutorId, t.status),
  ],
);
