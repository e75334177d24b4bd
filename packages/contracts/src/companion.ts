/**
 * Companion (study companion, seed 004), learning side: transcript uploads and their analyses, concepts and
 * mastery with its evidence, progress, and practice sets. Shared by server and web.
 */
import { z } from 'zod';
import { ZInstant, ZText, ZUuid } from './common';

const ZStudentId = ZText.min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits, ".", "_", ":" and "-"');
const ZConceptKey = ZText.min(3)
  .max(200)
  .regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'a concept key, `<subject_id>:<concept-slug>`');

export const ZStudentParams = z.object({ id: ZStudentId });
export type TStudentParams = z.infer<typeof ZStudentParams>;

/** Characters of transcript accepted in one upload (a one-hour session is about 60,000). */
export const MAX_UPLOAD_TRANSCRIPT_CHARS = 400_000;

export const TRANSCRIPT_FORMATS = ['text', 'vtt', 'srt', 'json'] as const;
export const ZTranscriptStatus = z.enum(['pending', 'processing', 'completed', 'failed']);

export const ZUploadTranscriptRequest = z
  .strictObject({
    content: ZText.min(1).describe(
      `The transcript: plain text ("Tutor: …" lines), WebVTT, SRT, or JSON turns ([{speaker, text}]); at most ${MAX_UPLOAD_TRANSCRIPT_CHARS} characters (413 beyond)`,
    ),
    format: z.enum(TRANSCRIPT_FORMATS).optional().describe('Detected from the content when left out'),
    student_id: ZStudentId.optional().describe("Whose session it was; a student's own by default"),
    session_id: ZText.min(1)
      .max(255)
      .optional()
      .describe('An existing session (row id or platform session_id) of that student to attach it to'),
    subject_id: ZText.min(1)
      .max(100)
      .regex(/^[a-z0-9-]+$/)
      .optional()
      .describe(
        "Subject id (e.g. algebra-1); else the session's first subject, else recognised from the text",
      ),
    new_session: z
      .strictObject({
        tutor_id: ZStudentId.describe('The tutor who gave the session (a tutor may only name themself)'),
        started_at: ZInstant,
        minutes: z.number().int().min(5).max(600).default(60),
      })
      .optional()
      .describe(
        'Creates the session this transcript belongs to (tutors and admins; not with session_id). It enters the quality pipeline like any session.',
      ),
  })
  .refine((r) => !(r.session_id && r.new_session), {
    path: ['new_session'],
    message: 'give session_id or new_session, not both',
  })
  .meta({ id: 'UploadTranscriptRequest' });
export type TUploadTranscriptRequest = z.infer<typeof ZUploadTranscriptRequest>;

export const ZAnalysisConcept = z.object({
  concept_key: z.string(),
  name: z.string(),
  description: z.string(),
  mastery: z.number().int().describe("This session's own estimate, 0–100"),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  key_points: z.array(z.string()),
  signals: z.object({
    correct: z.number().int(),
    incorrect: z.number().int(),
    hints: z.number().int(),
    self_explanations: z.number().int(),
  }),
  misconceptions: z.array(z.string()),
});

export const ZTranscriptUpload = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    session_id: z.uuid().nullable().describe('The session row it belongs to, if any'),
    subject_id: z.string().nullable(),
    source: z.enum(['upload', 'session']),
    format: z.enum(TRANSCRIPT_FORMATS),
    chars: z.number().int(),
    status: ZTranscriptStatus,
    attempts: z.number().int(),
    error: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    analysis: z
      .object({
        topics: z.array(z.string()),
        summary: z.string(),
        concepts: z.array(ZAnalysisConcept),
        analyzer: z.enum(['llm', 'local']).describe('local: the built-in analysis, no language model'),
        model: z.string(),
        fallback_reason: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'TranscriptUpload' });
export type TTranscriptUpload = z.infer<typeof ZTranscriptUpload>;

export const ZEvidence = z.object({
  id: z.number().int(),
  kind: z.string(),
  explanation: z.string().describe('Plain words: what happened'),
  weight: z.number(),
  source_type: z.string(),
  source_id: z.string().nullable(),
  note: z.string().nullable(),
  quote: z.string().nullable(),
  mastery_before: z.number().int(),
  mastery_after: z.number().int(),
  observed_at: z.string(),
});

export const ZStudentConcept = z.object({
  concept_key: z.string(),
  subject_id: z.string(),
  name: z.string(),
  description: z.string(),
  difficulty: z.number().int(),
  mastery: z.number().int().describe('0–100: estimated probability (BKT) that the student knows it'),
  evidence_count: z.number().int(),
  first_seen_at: z.string(),
  updated_at: z.string(),
  evidence: z.array(ZEvidence).describe('Latest first: why the mastery is what it is'),
});
export const ZStudentConcepts = z
  .object({ student_id: z.string(), data: z.array(ZStudentConcept) })
  .meta({ id: 'StudentConcepts' });
export type TStudentConcepts = z.infer<typeof ZStudentConcepts>;

export const ZConceptCorrectionRequest = z
  .strictObject({
    concept_key: ZConceptKey,
    correction: z.enum(['known', 'struggling']).describe('"I already know this" / "I still don\'t get this"'),
    note: ZText.max(500).optional(),
  })
  .meta({ id: 'ConceptCorrectionRequest' });
export const ZMasteryChange = z.object({
  concept_key: z.string(),
  before: z.number().int(),
  after: z.number().int(),
});

export const ZProgress = z
  .object({
    student_id: z.string(),
    subjects: z.array(
      z.object({
        subject_id: z.string(),
        mastery: z.number().int().describe('Mean mastery of the concepts seen'),
        concepts: z.array(
          z.object({
            concept_key: z.string(),
            name: z.string(),
            mastery: z.number().int(),
            history: z.array(z.object({ at: z.string(), mastery: z.number().int() })),
          }),
        ),
        history: z
          .array(z.object({ date: z.string(), mastery: z.number().int() }))
          .describe("Per UTC day with evidence: the subject's mean mastery at the end of that day"),
      }),
    ),
    practice: z.object({
      sets_submitted: z.number().int(),
      items_answered: z.number().int(),
      items_correct: z.number().int(),
      accuracy: z.number().nullable().describe('0–1; null before any answer'),
      last_30_days_accuracy: z.number().nullable(),
    }),
    streaks: z.object({
      current_days: z.number().int().describe('Consecutive UTC days with learning activity, up to today'),
      longest_days: z.number().int(),
      active_days_last_30: z.number().int(),
      last_active: z.string().nullable(),
    }),
  })
  .meta({ id: 'StudentProgress' });
export type TProgress = z.infer<typeof ZProgress>;

// ---------------------------------------------------------------------------------------------------------
// Practice

export const PRACTICE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export const ZGeneratePracticeRequest = z
  .strictObject({
    student_id: ZStudentId.optional().describe("A student's own by default"),
    concept_keys: z.array(ZConceptKey).min(1).max(10),
    difficulty: z.enum(PRACTICE_DIFFICULTIES).default('medium'),
    count: z.number().int().min(1).max(20).default(5),
  })
  .meta({ id: 'GeneratePracticeRequest' });
export type TGeneratePracticeRequest = z.infer<typeof ZGeneratePracticeRequest>;

export const ZPracticeItem = z.object({
  id: z.uuid(),
  position: z.number().int(),
  concept_key: z.string(),
  type: z.enum(['multiple_choice', 'short_answer', 'problem_solving']),
  difficulty: z.enum(PRACTICE_DIFFICULTIES),
  question: z.string(),
  options: z.array(z.string()).nullable(),
  /** Only after submission. */
  answer: z.string().nullable(),
  explanation: z.string().nullable(),
  response: z.string().nullable(),
  is_correct: z.boolean().nullable(),
  feedback: z.string().nullable(),
});
export const ZPracticeSet = z
  .object({
    id: z.uuid(),
    student_id: z.string(),
    concept_keys: z.array(z.string()),
    difficulty: z.enum(PRACTICE_DIFFICULTIES),
    generator: z.enum(['llm', 'local']).describe('local: built-in generators, answers computed with mathjs'),
    model: z.string(),
    created_at: z.string(),
    submitted_at: z.string().nullable(),
    score: z.number().nullable(),
    items: z.array(ZPracticeItem),
    mastery_changes: z.array(ZMasteryChange).nullable(),
  })
  .meta({ id: 'PracticeSet' });
export type TPracticeSet = z.infer<typeof ZPracticeSet>;

export const ZSubmitPracticeRequest = z
  .strictObject({
    answers: z
      .array(z.strictObject({ item_id: ZUuid, answer: ZText.max(2000) }))
      .min(1)
      .max(20),
  })
  .meta({ id: 'SubmitPracticeRequest' });
export type TSubmitPracticeRequest = z.infer<typeof ZSubmitPracticeRequest>;
