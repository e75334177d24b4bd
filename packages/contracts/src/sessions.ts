/**
 * Session ingestion contracts: the platform's `session-completed` webhook body (seed 000's WebhookPayload,
 * field for field, plus an inline transcript and reschedule details from seed 002) and the 202 answer.
 * The demo generator builds the same objects, so seeded data and live webhooks take one path.
 */
import { z } from 'zod';
import { ZHttpUrl, ZInstant, ZText } from './common';

export const RESCHEDULE_INITIATORS = ['tutor', 'student', 'system'] as const;
export const ZRescheduleInitiator = z.enum(RESCHEDULE_INITIATORS);

/** Transcripts arrive inline; ~200k characters is a 3-hour session with room to spare. */
export const MAX_TRANSCRIPT_CHARS = 200_000;

// Platform ids go into URLs, logs and job ids: keep them short and free of whitespace or slashes.
const ZPlatformId = ZText.min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits, ".", "_", ":" and "-"');

// An offset is required: a bare local time is ambiguous across the platform's time zones.
const ZDateTime = ZInstant;

export const ZFeedback = z
  .strictObject({
    rating: z.int().min(1).max(5),
    description: ZText.max(5_000),
  })
  .meta({ id: 'SessionFeedback' });
export type TFeedback = z.infer<typeof ZFeedback>;

export const ZRescheduleDetails = z
  .strictObject({
    initiator: ZRescheduleInitiator,
    original_time: ZDateTime.describe('When the session was first scheduled'),
    new_time: ZDateTime.nullable().describe('When it was moved to; null when it was cancelled outright'),
    reason: ZText.max(2_000).optional(),
    reason_code: ZText.min(1).max(64).optional(),
    cancelled_at: ZDateTime.optional().describe('When the reschedule was requested'),
  })
  .meta({ id: 'RescheduleDetails' });
export type TRescheduleDetails = z.infer<typeof ZRescheduleDetails>;

/** The longest a session may be scheduled for. */
export const MAX_SESSION_HOURS = 24;
/** Joins and leaves may be this far before the scheduled start or after the scheduled end, no further. */
export const ATTENDANCE_MARGIN_HOURS = 24;
/** A reschedule moved the session, or was requested, at most this long before or after its start. */
export const MAX_RESCHEDULE_DAYS = 365;

const HOUR_MS = 3_600_000;
const TIME_FIELDS = new Set([
  'session_start_time',
  'session_end_time',
  'tutor_join_time',
  'student_join_time',
  'tutor_leave_time',
  'student_leave_time',
  'reschedule',
]);
const DAY_MS = 24 * HOUR_MS;

type SessionTimes = {
  session_start_time: string;
  session_end_time: string;
  tutor_join_time: string | null;
  student_join_time: string | null;
  tutor_leave_time: string | null;
  student_leave_time: string | null;
  reschedule?: { original_time: string; new_time: string | null; cancelled_at?: string | undefined };
};
export type TimeIssue = { path: Array<string>; message: string };

/** An instant for a message; a time past JavaScript's range (±275,760 years) is written as a number. */
function isoOf(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/**
 * The times of a session that cannot be true of one finished session, independent of when it is sent (the
 * window around now is the server's: modules/sessions/session-window.ts). Each issue names its field.
 */
export function findImplausibleSessionTimes(p: SessionTimes): TimeIssue[] {
  // Called on unchecked data too, an unparseable time is skipped, never compared or printed.
  const issues: TimeIssue[] = [];
  const start = Date.parse(p.session_start_time);
  const end = Date.parse(p.session_end_time);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return issues;
  if (end < start) {
    issues.push({ path: ['session_end_time'], message: 'must not be before session_start_time' });
  } else if (end - start > MAX_SESSION_HOURS * HOUR_MS) {
    issues.push({
      path: ['session_end_time'],
      message: `must be at most ${MAX_SESSION_HOURS} hours after session_start_time`,
    });
  }
  const from = start - ATTENDANCE_MARGIN_HOURS * HOUR_MS;
  const to = Math.max(start, end) + ATTENDANCE_MARGIN_HOURS * HOUR_MS;
  for (const who of ['tutor', 'student'] as const) {
    const join = p[`${who}_join_time`];
    const leave = p[`${who}_leave_time`];
    for (const [field, value] of [
      [`${who}_join_time`, join],
      [`${who}_leave_time`, leave],
    ] as const) {
      if (value === null) continue;
      const at = Date.parse(value);
      if (Number.isFinite(at) && (at < from || at > to)) {
        issues.push({
          path: [field],
          message: `must be within ${ATTENDANCE_MARGIN_HOURS} hours of the session (${isoOf(from)} to ${isoOf(to)})`,
        });
      }
    }
    if (join !== null && leave !== null && Date.parse(leave) < Date.parse(join)) {
      issues.push({ path: [`${who}_leave_time`], message: `must not be before ${who}_join_time` });
    }
  }
  const r = p.reschedule;
  if (r) {
    const reach = MAX_RESCHEDULE_DAYS * DAY_MS;
    for (const [field, value] of [
      ['original_time', r.original_time],
      ['new_time', r.new_time],
    ] as const) {
      if (value !== null && Math.abs(Date.parse(value) - start) > reach) {
        issues.push({
          path: ['reschedule', field],
          message: `must be within ${MAX_RESCHEDULE_DAYS} days of session_start_time`,
        });
      }
    }
    if (r.cancelled_at !== undefined) {
      const at = Date.parse(r.cancelled_at);
      if (at > Math.max(start, end)) {
        issues.push({
          path: ['reschedule', 'cancelled_at'],
          message: 'must not be after session_end_time (a finished session is not rescheduled)',
        });
      } else if (start - at > reach) {
        issues.push({
          path: ['reschedule', 'cancelled_at'],
          message: `must be within ${MAX_RESCHEDULE_DAYS} days before session_start_time`,
        });
      }
    }
  }
  return issues;
}

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
    subjects_covered: z.array(ZText.min(1).max(100)).min(1).max(20),
    is_first_session: z.boolean(),
    was_rescheduled: z.boolean(),
    rescheduled_by: ZRescheduleInitiator.optional(),
    tutor_feedback: ZFeedback.optional(),
    student_feedback: ZFeedback.optional(),
    video_url: ZHttpUrl.optional(),
    transcript_url: ZHttpUrl.optional(),
    ai_summary: ZText.max(20_000).optional(),
    transcript: ZText.max(MAX_TRANSCRIPT_CHARS)
      .optional()
      .describe('Inline transcript, one speaker-labelled line per turn ("Tutor: …", "Student: …")'),
    reschedule: ZRescheduleDetails.optional(),
  })
  .superRefine(
    (p, ctx) => {
      for (const issue of findImplausibleSessionTimes(p)) ctx.addIssue({ code: 'custom', ...issue });
    },
    // Setting `when` replaces zod's own rule (skip refinements on a value that is not even an object), so it
    // is restated; beyond it, times are compared only once each is a valid instant: zod would run the refinement
    // on a field that failed its format, and that field's issue is reported all the same.
    {
      when: (payload) =>
        typeof payload.value === 'object' &&
        payload.value !== null &&
        !payload.issues.some((i) => !i.path?.length || TIME_FIELDS.has(String(i.path[0]))),
    },
  )
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
