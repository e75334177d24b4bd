/** Tests of the pure payload → row mapping: computed lengths, flattening, reschedule timing, hashing. */
import { describe, expect, it } from 'vitest';
import { ZWebhookPayload, type TWebhookPayload } from '@tutorpulse/contracts/sessions';
import {
  computeActualMinutes,
  hashPayload,
  toCanonicalJson,
  toRescheduleRecord,
  toSessionRecord,
} from './session-mapping';

const base: TWebhookPayload = {
  session_id: 'ses_abc123',
  tutor_id: 'tut_1',
  student_id: 'stu_1',
  session_start_time: '2025-03-04T22:00:00Z',
  session_end_time: '2025-03-04T23:00:00Z',
  tutor_join_time: '2025-03-04T22:07:30Z',
  student_join_time: '2025-03-04T21:59:00Z',
  tutor_leave_time: '2025-03-04T22:45:00Z',
  student_leave_time: '2025-03-04T22:46:00Z',
  subjects_covered: ['algebra-1'],
  is_first_session: true,
  was_rescheduled: false,
};

function withChanges(changes: Partial<TWebhookPayload>): TWebhookPayload {
  return { ...base, ...changes };
}

describe('toSessionRecord', () => {
  it.each([
    { name: 'a full session', payload: base, scheduled: 60, actual: 38 },
    {
      name: 'a tutor no-show',
      payload: withChanges({ tutor_join_time: null, tutor_leave_time: null }),
      scheduled: 60,
      actual: 0,
    },
    {
      name: 'a student no-show',
      payload: withChanges({ student_join_time: null, student_leave_time: null }),
      scheduled: 60,
      actual: 0,
    },
    {
      name: 'a missing leave time',
      payload: withChanges({ student_leave_time: null }),
      scheduled: 60,
      actual: null,
    },
    {
      name: 'a 90-minute session given with offsets',
      payload: withChanges({
        session_start_time: '2025-03-04T17:00:00-05:00',
        session_end_time: '2025-03-04T18:30:00-05:00',
        tutor_join_time: '2025-03-04T17:00:00-05:00',
        student_join_time: '2025-03-04T17:01:00-05:00',
        tutor_leave_time: '2025-03-04T18:30:00-05:00',
        student_leave_time: '2025-03-04T18:30:00-05:00',
      }),
      scheduled: 90,
      actual: 89,
    },
  ])('computes the lengths of $name', ({ payload, scheduled, actual }) => {
    const record = toSessionRecord(payload);
    expect(record.sessionLengthScheduled).toBe(scheduled);
    expect(record.sessionLengthActual).toBe(actual);
  });

  it('converts times to Dates and flattens feedback into columns', () => {
    const record = toSessionRecord(
      withChanges({
        student_feedback: { rating: 5, description: 'Great' },
        tutor_feedback: { rating: 4, description: 'Engaged' },
        was_rescheduled: true,
        rescheduled_by: 'tutor',
        ai_summary: 'Worked on linear equations.',
        transcript: 'Tutor: Hi\nStudent: Hello',
      }),
    );
    expect(record.sessionStartTime).toEqual(new Date('2025-03-04T22:00:00Z'));
    expect(record.tutorJoinTime).toEqual(new Date('2025-03-04T22:07:30Z'));
    expect(record).toMatchObject({
      sessionId: 'ses_abc123',
      studentFeedbackRating: 5,
      studentFeedbackDescription: 'Great',
      tutorFeedbackRating: 4,
      tutorFeedbackDescription: 'Engaged',
      wasRescheduled: true,
      rescheduledBy: 'tutor',
      rescheduleCount: 1,
      aiSummary: 'Worked on linear equations.',
      transcript: 'Tutor: Hi\nStudent: Hello',
      videoUrl: null,
    });
    expect(record.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves absent optional fields null, not undefined, so an upsert clears them', () => {
    const record = toSessionRecord(base);
    for (const key of [
      'studentFeedbackRating',
      'tutorFeedbackRating',
      'aiSummary',
      'transcript',
      'rescheduledBy',
    ] as const) {
      expect(record[key]).toBeNull();
    }
  });
});

describe('hashPayload', () => {
  it('gives the same hash for the same payload with keys in another order', () => {
    const reordered = Object.fromEntries(
      Object.entries(withChanges({ student_feedback: { rating: 4, description: 'ok' } })).reverse(),
    );
    const feedbackReordered = { ...reordered, student_feedback: { description: 'ok', rating: 4 } };
    expect(hashPayload(ZWebhookPayload.parse(feedbackReordered))).toBe(
      hashPayload(withChanges({ student_feedback: { rating: 4, description: 'ok' } })),
    );
  });

  it.each([
    { field: 'tutor_join_time', change: { tutor_join_time: '2025-03-04T22:07:31Z' } },
    { field: 'subjects_covered order', change: { subjects_covered: ['geometry', 'algebra-1'] } },
    { field: 'is_first_session', change: { is_first_session: false } },
    { field: 'student_feedback', change: { student_feedback: { rating: 3, description: '' } } },
  ] satisfies Array<{ field: string; change: Partial<TWebhookPayload> }>)(
    'changes when $field changes',
    ({ change }) => {
      expect(hashPayload(withChanges(change))).not.toBe(hashPayload(base));
    },
  );

  it('treats an undefined optional field like a missing one', () => {
    expect(hashPayload({ ...base, ai_summary: undefined })).toBe(hashPayload(base));
    expect(toCanonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});

describe('toRescheduleRecord', () => {
  it.each([
    {
      name: 'notice from cancelled_at',
      reschedule: {
        initiator: 'tutor' as const,
        original_time: '2025-03-03T22:00:00Z',
        new_time: '2025-03-04T22:00:00Z',
        cancelled_at: '2025-03-03T19:30:00Z',
        reason_code: 'tutor_schedule_conflict',
      },
      hours: 2.5,
    },
    {
      name: 'the shift when cancelled_at is missing',
      reschedule: {
        initiator: 'student' as const,
        original_time: '2025-03-02T22:00:00Z',
        new_time: '2025-03-04T22:00:00Z',
      },
      hours: 48,
    },
    {
      name: 'a request after the original start',
      reschedule: {
        initiator: 'tutor' as const,
        original_time: '2025-03-03T22:00:00Z',
        new_time: null,
        cancelled_at: '2025-03-03T22:20:00Z',
      },
      hours: -0.33,
    },
    {
      name: 'nothing to go on',
      reschedule: { initiator: 'system' as const, original_time: '2025-03-03T22:00:00Z', new_time: null },
      hours: null,
    },
  ])('computes hours_before_session from $name', ({ reschedule, hours }) => {
    const record = toRescheduleRecord(withChanges({ was_rescheduled: true, reschedule }), 'row-uuid');
    expect(record).toMatchObject({
      sessionId: 'row-uuid',
      tutorId: 'tut_1',
      initiator: reschedule.initiator,
      originalTime: new Date(reschedule.original_time),
      hoursBeforeSession: hours,
    });
  });

  it('returns null when the payload has no reschedule details', () => {
    expect(
      toRescheduleRecord(withChanges({ was_rescheduled: true, rescheduled_by: 'tutor' }), 'row-uuid'),
    ).toBeNull();
  });
});

describe('computeActualMinutes', () => {
  it.each([
    { tj: '10:00', sj: '10:02', tl: '11:00', sl: '10:58', expect: 56 },
    { tj: '10:30', sj: '10:00', tl: '10:20', sl: '10:20', expect: 0 },
  ])('overlap of $tj-$tl and $sj-$sl is $expect', ({ tj, sj, tl, sl, expect: minutes }) => {
    const at = (hm: string) => new Date(`2025-01-01T${hm}:00Z`);
    expect(computeActualMinutes(at(tj), at(sj), at(tl), at(sl))).toBe(minutes);
  });
});
