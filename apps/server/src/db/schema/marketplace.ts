/**
 * The marketplace's shared records: tutors, students (the operations seed calls them customers), subjects,
 * sessions (seed 000's WebhookPayload and sessions table, plus processing state) and reschedules (seed 002).
 * Owned by modules/sessions; other modules read them through its service.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const subjects = pgTable('subjects', {
  /** Slug, e.g. `algebra-1`. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const tutors = pgTable(
  'tutors',
  {
    /** The platform's tutor id, as webhooks send it. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email'),
    /** Peer group for percentiles: the subject the tutor teaches most. */
    mainSubjectId: text('main_subject_id').references(() => subjects.id, { onDelete: 'set null' }),
    isActive: boolean('is_active').notNull().default(true),
    hiredAt: ts('hired_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('tutors_name_idx').on(t.name)],
);

export const tutorSubjects = pgTable(
  'tutor_subjects',
  {
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.tutorId, t.subjectId] })],
);

export const students = pgTable('students', {
  /** The platform's student id, as webhooks send it. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email'),
  gradeLevel: text('grade_level'),
  /** When the customer signed up; operations uses it for tenure. */
  signedUpAt: ts('signed_up_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const SESSION_PROCESSING_STATES = ['received', 'processing', 'processed', 'failed'] as const;
export const RESCHEDULE_INITIATORS = ['tutor', 'student', 'system'] as const;

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's session id: the idempotency key of ingestion. */
    sessionId: text('session_id').notNull().unique(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id),
    sessionStartTime: ts('session_start_time').notNull(),
    sessionEndTime: ts('session_end_time').notNull(),
    tutorJoinTime: ts('tutor_join_time'),
    studentJoinTime: ts('student_join_time'),
    tutorLeaveTime: ts('tutor_leave_time'),
    studentLeaveTime: ts('student_leave_time'),
    subjectsCovered: text('subjects_covered').array().notNull(),
    isFirstSession: boolean('is_first_session').notNull().default(false),
    sessionType: text('session_type'),
    sessionLengthScheduled: integer('session_length_scheduled'),
    sessionLengthActual: integer('session_length_actual'),
    wasRescheduled: boolean('was_rescheduled').notNull().default(false),
    rescheduledBy: text('rescheduled_by', { enum: RESCHEDULE_INITIATORS }),
    rescheduleCount: integer('reschedule_count').notNull().default(0),
    tutorFeedbackRating: smallint('tutor_feedback_rating'),
    tutorFeedbackDescription: text('tutor_feedback_description'),
    studentFeedbackRating: smallint('student_feedback_rating'),
    studentFeedbackDescription: text('student_feedback_description'),
    videoUrl: text('video_url'),
    transcriptUrl: text('transcript_url'),
    aiSummary: text('ai_summary'),
    /** Inline, speaker-labelled transcript ("Tutor: …" lines), when the platform sends one. */
    transcript: text('transcript'),
    studentBookedFollowup: boolean('student_booked_followup'),
    /** Processing state: the sessions table is the durable inbox of the pipeline. */
    processingStatus: text('processing_status', { enum: SESSION_PROCESSING_STATES })
      .notNull()
      .default('received'),
    /** Hash of the canonical payload: a replay with the same content changes nothing. */
    contentHash: text('content_hash').notNull(),
    /** Bumped by each corrected re-send; job ids include it so a correction is processed again. */
    version: integer('version').notNull().default(1),
    processingAttempts: integer('processing_attempts').notNull().default(0),
    lastError: text('last_error'),
    /**
     * Set when ingestion stored this version but could not enqueue its tier 1 job (the queue failed or was
     * slower than the enqueue timeout: the sender was answered `queued: false`); cleared once a job is enqueued.
     * Such sessions are enqueued again within seconds by the unqueued sweep, without counting a sweep.
     */
    unqueuedAt: ts('unqueued_at'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The list's keyset (start, id), alone and after each equality filter GET /api/sessions offers; read
    // backwards for newest first. (start, id) also serves every range read on start alone.
    index('sessions_tutor_start_id_idx').on(t.tutorId, t.sessionStartTime, t.id),
    index('sessions_student_start_id_idx').on(t.studentId, t.sessionStartTime, t.id),
    index('sessions_start_id_idx').on(t.sessionStartTime, t.id),
    index('sessions_status_start_id_idx').on(t.processingStatus, t.sessionStartTime, t.id),
    index('sessions_first_start_id_idx')
      .on(t.sessionStartTime, t.id)
      .where(sql`${t.isFirstSession}`),
    index('sessions_first_idx')
      .on(t.tutorId, t.sessionStartTime)
      .where(sql`${t.isFirstSession}`),
    index('sessions_unprocessed_idx')
      .on(t.processingStatus, t.receivedAt)
      .where(sql`${t.processingStatus} in ('received','processing')`),
    index('sessions_unqueued_idx')
      .on(t.unqueuedAt)
      .where(sql`${t.unqueuedAt} is not null`),
    check('sessions_tutor_rating_check', sql`${t.tutorFeedbackRating} between 1 and 5`),
    check('sessions_student_rating_check', sql`${t.studentFeedbackRating} between 1 and 5`),
    check('sessions_times_check', sql`${t.sessionEndTime} >= ${t.sessionStartTime}`),
  ],
);

export const reschedules = pgTable(
  'reschedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id),
    initiator: text('initiator', { enum: RESCHEDULE_INITIATORS }).notNull(),
    originalTime: ts('original_time').notNull(),
    newTime: ts('new_time'),
    reason: text('reason'),
    reasonCode: text('reason_code'),
    cancelledAt: ts('cancelled_at'),
    hoursBeforeSession: numeric('hours_before_session', { precision: 8, scale: 2, mode: 'number' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reschedules_session_idx').on(t.sessionId),
    index('reschedules_tutor_time_idx').on(t.tutorId, t.originalTime),
  ],
);

/**
 * Standard Webhooks deliveries seen (by `webhook-id`), kept at least 7 days: a replayed delivery is answered
 * from here and changes nothing.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    webhookId: text('webhook_id').primaryKey(),
    sessionId: text('session_id').notNull(),
    /** Outcome of the first delivery: created | updated | unchanged. */
    outcome: text('outcome').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_deliveries_received_idx').on(t.receivedAt)],
);
