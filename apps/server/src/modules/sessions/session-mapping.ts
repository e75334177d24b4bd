/**
 * Pure mapping from a validated webhook payload to the rows the sessions module stores: the `sessions`
 * record (with computed lengths and the content hash that makes replays no-ops) and, when the platform
 * sent reschedule details, the `reschedules` record. No I/O: the webhook, the REST ingestion and the demo
 * seed all call these, so the three store identical rows for identical payloads.
 */
import { createHash } from 'node:crypto';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import type { reschedules, sessions } from '../../db/schema/marketplace';

export type SessionRecord = typeof sessions.$inferInsert;
export type RescheduleRecord = typeof reschedules.$inferInsert;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The `sessions` insert values for a payload. Absent optional fields become null, so an upsert with a
 * corrected payload also clears values the correction dropped. */
export function toSessionRecord(payload: TWebhookPayload): SessionRecord {
  const start = new Date(payload.session_start_time);
  const end = new Date(payload.session_end_time);
  const tutorJoin = toDateOrNull(payload.tutor_join_time);
  const studentJoin = toDateOrNull(payload.student_join_time);
  const tutorLeave = toDateOrNull(payload.tutor_leave_time);
  const studentLeave = toDateOrNull(payload.student_leave_time);
  return {
    sessionId: payload.session_id,
    tutorId: payload.tutor_id,
    studentId: payload.student_id,
    sessionStartTime: start,
    sessionEndTime: end,
    tutorJoinTime: tutorJoin,
    studentJoinTime: studentJoin,
    tutorLeaveTime: tutorLeave,
    studentLeaveTime: studentLeave,
    subjectsCovered: payload.subjects_covered,
    isFirstSession: payload.is_first_session,
    sessionLengthScheduled: Math.round((end.getTime() - start.getTime()) / MINUTE_MS),
    sessionLengthActual: computeActualMinutes(tutorJoin, studentJoin, tutorLeave, studentLeave),
    wasRescheduled: payload.was_rescheduled,
    rescheduledBy: payload.rescheduled_by ?? payload.reschedule?.initiator ?? null,
    rescheduleCount: payload.was_rescheduled ? 1 : 0,
    tutorFeedbackRating: payload.tutor_feedback?.rating ?? null,
    tutorFeedbackDescription: payload.tutor_feedback?.description ?? null,
    studentFeedbackRating: payload.student_feedback?.rating ?? null,
    studentFeedbackDescription: payload.student_feedback?.description ?? null,
    videoUrl: payload.video_url ?? null,
    transcriptUrl: payload.transcript_url ?? null,
    aiSummary: payload.ai_summary ?? null,
    transcript: payload.transcript ?? null,
    contentHash: hashPayload(payload),
  };
}

/**
 * The `reschedules` insert values, or null when the payload carries no reschedule details (a bare
 * `was_rescheduled: true` has no original time, so there is nothing to record beyond the session's flag).
 */
export function toRescheduleRecord(payload: TWebhookPayload, sessionRowId: string): RescheduleRecord | null {
  const details = payload.reschedule;
  if (!details) return null;
  const originalTime = new Date(details.original_time);
  const newTime = toDateOrNull(details.new_time);
  const cancelledAt = details.cancelled_at ? new Date(details.cancelled_at) : null;
  return {
    sessionId: sessionRowId,
    tutorId: payload.tutor_id,
    initiator: details.initiator,
    originalTime,
    newTime,
    reason: details.reason ?? null,
    reasonCode: details.reason_code ?? null,
    cancelledAt,
    hoursBeforeSession: computeHoursBeforeSession(originalTime, newTime, cancelledAt),
  };
}

/**
 * Notice given, in hours: original time minus the moment of the request (negative when the request came
 * after the session should have started). Without `cancelled_at` the only timing the platform gave is how
 * far the session moved, so that distance stands in; with neither, null.
 */
export function computeHoursBeforeSession(
  originalTime: Date,
  newTime: Date | null,
  cancelledAt: Date | null,
) {
  let hours: number;
  if (cancelledAt) hours = (originalTime.getTime() - cancelledAt.getTime()) / HOUR_MS;
  else if (newTime) hours = Math.abs(newTime.getTime() - originalTime.getTime()) / HOUR_MS;
  else return null;
  // The column is numeric(8,2): round to its scale and keep within its range.
  return Math.max(-999_999.99, Math.min(999_999.99, Math.round(hours * 100) / 100));
}

/**
 * Minutes tutor and student were both present. 0 when either never joined (the session did not happen,
 * which is a fact worth counting); null when the platform reported a join without a leave (unknown).
 */
export function computeActualMinutes(
  tutorJoin: Date | null,
  studentJoin: Date | null,
  tutorLeave: Date | null,
  studentLeave: Date | null,
): number | null {
  if (!tutorJoin || !studentJoin) return 0;
  if (!tutorLeave || !studentLeave) return null;
  const from = Math.max(tutorJoin.getTime(), studentJoin.getTime());
  const to = Math.min(tutorLeave.getTime(), studentLeave.getTime());
  return Math.max(0, Math.round((to - from) / MINUTE_MS));
}

/** sha256 (hex) of the payload's canonical JSON: key order never changes the hash, any value does. */
export function hashPayload(payload: TWebhookPayload): string {
  return createHash('sha256').update(toCanonicalJson(payload)).digest('hex');
}

/** JSON with object keys sorted at every depth; array order is kept (it carries meaning). */
export function toCanonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      // Dropped like JSON.stringify drops it, so `{a: undefined}` and `{}` hash alike.
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out;
  }
  return value;
}

function toDateOrNull(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}
