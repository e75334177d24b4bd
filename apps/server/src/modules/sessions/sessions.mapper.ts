/** Rows → API shapes for the sessions module (ZSession, ZReschedule, the 202 ingestion answer). */
import type { TReschedule, TSession } from '@tutorpulse/contracts/quality';
import type { TWebhookAccepted } from '@tutorpulse/contracts/sessions';
import type { reschedules } from '../../db/schema/index';
import type { SessionDtoRow } from './sessions.repository';

export type RescheduleRow = typeof reschedules.$inferSelect;

/** What the platform is told to expect; tier 1 normally finishes within seconds. */
export const ESTIMATED_PROCESSING_TIME = '60 seconds';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSessionDto(
  row: SessionDtoRow,
  names: { tutorName: string | null; studentName: string | null },
): TSession {
  return {
    id: row.id,
    session_id: row.sessionId,
    tutor_id: row.tutorId,
    tutor_name: names.tutorName,
    student_id: row.studentId,
    student_name: names.studentName,
    session_start_time: row.sessionStartTime.toISOString(),
    session_end_time: row.sessionEndTime.toISOString(),
    tutor_join_time: iso(row.tutorJoinTime),
    student_join_time: iso(row.studentJoinTime),
    tutor_leave_time: iso(row.tutorLeaveTime),
    student_leave_time: iso(row.studentLeaveTime),
    subjects_covered: row.subjectsCovered,
    is_first_session: row.isFirstSession,
    session_length_scheduled: row.sessionLengthScheduled,
    session_length_actual: row.sessionLengthActual,
    was_rescheduled: row.wasRescheduled,
    rescheduled_by: row.rescheduledBy,
    tutor_feedback:
      row.tutorFeedbackRating === null
        ? null
        : { rating: row.tutorFeedbackRating, description: row.tutorFeedbackDescription },
    student_feedback:
      row.studentFeedbackRating === null
        ? null
        : { rating: row.studentFeedbackRating, description: row.studentFeedbackDescription },
    video_url: row.videoUrl,
    transcript_url: row.transcriptUrl,
    ai_summary: row.aiSummary,
    has_transcript: row.hasTranscript,
    processing_status: row.processingStatus,
    version: row.version,
    received_at: row.receivedAt.toISOString(),
    processed_at: iso(row.processedAt),
  };
}

export function toRescheduleDto(row: RescheduleRow, platformSessionId: string): TReschedule {
  return {
    session_id: platformSessionId,
    initiator: row.initiator,
    original_time: row.originalTime.toISOString(),
    new_time: iso(row.newTime),
    reason: row.reason,
    reason_code: row.reasonCode,
    cancelled_at: iso(row.cancelledAt),
    hours_before_session: row.hoursBeforeSession,
  };
}

export function toAcceptedResponse(r: { sessionId: string; queued: boolean }): TWebhookAccepted {
  return {
    success: true,
    session_id: r.sessionId,
    queued: r.queued,
    estimated_processing_time: ESTIMATED_PROCESSING_TIME,
  };
}
