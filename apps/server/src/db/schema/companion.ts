/**
 * Companion module records, learning side: the canonical concept catalogue per subject, transcript uploads
 * and their analyses, each student's mastery per concept (Bayesian knowledge tracing state) with the evidence
 * that moved it, and practice sets with their items and answers. Owned by modules/companion (the engagement
 * side — chat, goals, suggestions, notifications, nudges, routing — lives in companion-engagement.ts).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sessions, students, subjects } from './marketplace';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const CONCEPT_SOURCES = ['curated', 'llm', 'local'] as const;
export const TRANSCRIPT_FORMATS = ['text', 'vtt', 'srt', 'json'] as const;
export const TRANSCRIPT_SOURCES = ['upload', 'session'] as const;
export const TRANSCRIPT_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export const EVIDENCE_KINDS = [
  'transcript_covered',
  'transcript_correct',
  'transcript_incorrect',
  'transcript_hint',
  'self_explanation',
  'practice_correct',
  'practice_incorrect',
  'correction_known',
  'correction_struggling',
] as const;
export const PRACTICE_ITEM_TYPES = ['multiple_choice', 'short_answer', 'problem_solving'] as const;
export const PRACTICE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/** One concept per subject and normalised name: "solving linear equations" seen three times is one row. */
export const concepts = pgTable(
  'concepts',
  {
    /** `<subject_id>:<concept-slug>`, e.g. `algebra-1:linear-equations`. */
    key: text('key').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Lower-cased, punctuation-free, singular name: the de-duplication key within a subject. */
    normalizedName: text('normalized_name').notNull(),
    description: text('description').notNull().default(''),
    /** 1 (introductory) to 5 (advanced). */
    difficulty: smallint('difficulty').notNull().default(2),
    source: text('source', { enum: CONCEPT_SOURCES }).notNull().default('curated'),
    /** Extra phrases that name the concept in a transcript (the local analyser matches them). */
    aliases: text('aliases')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('concepts_subject_name_idx').on(t.subjectId, t.normalizedName),
    check('concepts_difficulty_check', sql`${t.difficulty} between 1 and 5`),
  ],
);

/**
 * A transcript to analyse for a student: uploaded (its text kept here), or a session's own transcript that
 * arrived by webhook (`source = 'session'`, `text` null: it is read through the sessions module, never copied).
 */
export const transcriptUploads = pgTable(
  'transcript_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    sessionRowId: uuid('session_row_id').references(() => sessions.id, { onDelete: 'set null' }),
    /** The session version analysed (webhook transcripts): a corrected re-send is analysed again. */
    sessionVersion: integer('session_version'),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'set null' }),
    source: text('source', { enum: TRANSCRIPT_SOURCES }).notNull().default('upload'),
    format: text('format', { enum: TRANSCRIPT_FORMATS }).notNull(),
    /** The normalised, speaker-labelled text ("Tutor: …" lines); null for session transcripts. */
    text: text('text'),
    chars: integer('chars').notNull().default(0),
    status: text('status', { enum: TRANSCRIPT_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    uploadedBy: uuid('uploaded_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    index('transcript_uploads_student_idx').on(t.studentId, t.createdAt),
    uniqueIndex('transcript_uploads_session_idx')
      .on(t.sessionRowId, t.sessionVersion)
      .where(sql`${t.source} = 'session'`),
    index('transcript_uploads_status_idx')
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} in ('pending','processing')`),
  ],
);

/** The analysis of one transcript (seed 004 "Transcript Analysis"): one row per upload, overwritten on retry. */
export const transcriptAnalyses = pgTable('transcript_analyses', {
  uploadId: uuid('upload_id')
    .primaryKey()
    .references(() => transcriptUploads.id, { onDelete: 'cascade' }),
  studentId: text('student_id')
    .notNull()
    .references(() => students.id, { onDelete: 'cascade' }),
  topics: text('topics').array().notNull(),
  summary: text('summary').notNull(),
  /** [{conceptKey, name, description, mastery, difficulty, keyPoints[], signals{correct,incorrect,hints,selfExplanations}}] */
  concepts: jsonb('concepts').notNull(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  fallbackReason: text('fallback_reason'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** A student's current estimate per concept: the BKT probability of knowing it, shown as mastery 0–100. */
export const studentConceptMastery = pgTable(
  'student_concept_mastery',
  {
    studentId: text('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    conceptKey: text('concept_key')
      .notNull()
      .references(() => concepts.key, { onDelete: 'cascade' }),
    /** P(known) after the last evidence, 0–1. */
    pKnown: doublePrecision('p_known').notNull(),
    mastery: smallint('mastery').notNull(),
    evidenceCount: integer('evidence_count').notNull().default(0),
    firstSeenAt: ts('first_seen_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.studentId, t.conceptKey] }),
    check('student_concept_mastery_range', sql`${t.mastery} between 0 and 100`),
  ],
);

/** What moved a mastery estimate, in order: the "why" a student sees, and the history progress charts. */
export const masteryEvidence = pgTable(
  'mastery_evidence',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    conceptKey: text('concept_key')
      .notNull()
      .references(() => concepts.key, { onDelete: 'cascade' }),
    kind: text('kind', { enum: EVIDENCE_KINDS }).notNull(),
    /** How many observations this counts as (e.g. 3 correct attempts in one session), 0 < weight ≤ 5. */
    weight: real('weight').notNull().default(1),
    /** transcript | practice | correction | chat, and the id of that record. */
    sourceType: text('source_type').notNull(),
    sourceId: text('source_id'),
    /** Idempotency key: the same evidence recorded twice (a re-run job) counts once. */
    dedupeKey: text('dedupe_key'),
    note: text('note'),
    quote: text('quote'),
    masteryBefore: smallint('mastery_before').notNull(),
    masteryAfter: smallint('mastery_after').notNull(),
    observedAt: ts('observed_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('mastery_evidence_student_idx').on(t.studentId, t.conceptKey, t.observedAt),
    uniqueIndex('mastery_evidence_dedupe_idx').on(t.studentId, t.dedupeKey),
  ],
);

export const practiceSets = pgTable(
  'practice_sets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    conceptKeys: text('concept_keys').array().notNull(),
    difficulty: text('difficulty', { enum: PRACTICE_DIFFICULTIES }).notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    fallbackReason: text('fallback_reason'),
    createdBy: uuid('created_by'),
    submittedAt: ts('submitted_at'),
    score: real('score'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('practice_sets_student_idx').on(t.studentId, t.createdAt)],
);

export const practiceItems = pgTable(
  'practice_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    setId: uuid('set_id')
      .notNull()
      .references(() => practiceSets.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    conceptKey: text('concept_key')
      .notNull()
      .references(() => concepts.key, { onDelete: 'cascade' }),
    type: text('type', { enum: PRACTICE_ITEM_TYPES }).notNull(),
    difficulty: text('difficulty', { enum: PRACTICE_DIFFICULTIES }).notNull(),
    question: text('question').notNull(),
    /** Normalised question text: no repeat within a set or from the student's last sets. */
    questionKey: text('question_key').notNull(),
    options: text('options').array(),
    answer: text('answer').notNull(),
    explanation: text('explanation').notNull(),
    /** For short answers graded by keywords or a model: what a good answer contains. */
    rubric: text('rubric'),
    /** The student's answer and its grade, once submitted. */
    response: text('response'),
    isCorrect: boolean('is_correct'),
    feedback: text('feedback'),
    gradedAt: ts('graded_at'),
  },
  (t) => [
    uniqueIndex('practice_items_position_idx').on(t.setId, t.position),
    uniqueIndex('practice_items_question_idx').on(t.setId, t.questionKey),
  ],
);
