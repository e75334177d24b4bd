/**
 * Session ingestion contracts: the platform's `session-completed` webhook body (seed 000's WebhookPayload,
 * field for field, plus an inline transcript and reschedule details from seed 002) and the 202 answer.
 * The demo generator builds the same objects, so seeded data and live webhooks take one path.
 */
import { z } from 'zod';

export const RESCHEDULE_INITIATORS = ['tutor', 'student', 'system'] as const;
export const ZRescheduleInitiator = z.enum(RESCHEDULE_INITIATORS);

/** Transcripts arrive inline; ~200k characters is a 3-hour session with room to spare. */
export const MAX_TRANSCRIPT_CHARS = 200_000;

// Platform ids go into URLs, logs and job ids: keep them short and free of whitespace or slashes.
const ZPlatformId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits, ".", "_", ":" and "-"');

// An offset is required: a bare local time is ambiguous across the platform's time zones.
const ZDateTime = z.iso.datetime({ offset: true });

const ZHttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const ZFeedback = z
  .strictObject({
    rating: z.int().min(1).max(5),
    description: z.string().max(5_000),
  })
  .meta({ id: 'SessionFeedback' });
export type TFeedback = z.infer<typeof ZFeedback>;

export const ZRescheduleDetails = z
  .strictObject({
    initiator: ZRescheduleInitiator,
    original_time: ZDateTime.describe('When the session was first scheduled'),
    new_time: ZDateTime.nullable().describe('When it was moved to; null when it was cancelled outright'),
    reason: z.string().max(2_000).optional(),
    reason_code: z.string().min(1).max(64).optional(),
    cancelled_at: ZDateTime.optional().describe('When the reschedule was requested'),
  })
  .meta({ id: 'RescheduleDetails' });
export type TRescheduleDetails = z.infer<typeof ZRescheduleDetails>;

export const ZWebhookPayload = z
  .strictObject({
    session_id: ZPlatformId,
    tutor_id: ZPlatformId,
    student_id: ZPlatformId,
    session_start_time: ZDateTime.describe('Scheduled start (ISO 8601 with offset)'),
    session_end_time: ZDateTime.describe('Scheduled end'),
    tutor_join_time: ZDateTime.nullable().describe('null: the tutor never joined (no-show)'),
    student_join_time: ZDateTime.nullable().describe('null: the student never joined'),
    tutor_leave_time: ZDateTime.nullable(),
    student_leave_time: ZDateTime.nullable(),
    subjects_covered: z.array(z.string().min(1).max(100)).min(1).max(20),
    is_first_session: z.boolean(),
    was_rescheduled: z.boolean(),
    rescheduled_by: ZRescheduleInitiator.optional(),
    tutor_feedback: ZFeedback.optional(),
    student_feedback: ZFeedback.optional(),
    video_url: ZHttpUrl.optional(),
    transcript_url: ZHttpUrl.optional(),
    ai_summary: z.string().max(20_000).optional(),
    transcript: z
      .string()
      .max(MAX_TRANSCRIPT_CHARS)
      .optional()
      .describe('Inline transcript, one speaker-labelled line per turn ("Tutor: …", "Student: …")'),
    reschedule: ZRescheduleDetails.optional(),
  })
  .refine((p) => Date.parse(p.session_end_time) >= Date.parse(p.session_start_time), {
    path: ['session_end_time'],
    message: 'must not be before session_start_time',
  })
  .meta({ id: 'WebhookPayload' });
export type TWebhookPayload = z.infer<typeof ZWebhookPayload>;

export const ZWebhookAccepted = z
  .object({
    success: z.literal(true),
    session_id: z.string(),
    queued: z.boolean(),
    estimated_processing_time: z.string().describe('e.g. "60 seconds"'),
  })
  .meta({ id: 'WebhookAccepted' });
export type TWebhookAccepted = z.infer<typeof ZWebhookAccepted>;
