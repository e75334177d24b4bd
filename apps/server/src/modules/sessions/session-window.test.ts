import { describe, expect, it } from 'vitest';
import { ZWebhookPayload, type TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { DEFAULT_SESSION_WINDOW, findOutOfWindow } from './session-window';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => ({ session_start_time: new Date(NOW.getTime() + days * DAY).toISOString() });

describe('findOutOfWindow (400 days back, 30 ahead by default)', () => {
  it.each([
    { days: 0, ok: true },
    { days: -400, ok: true },
    { days: -400.01, ok: false },
    { days: 30, ok: true },
    { days: 30.01, ok: false },
    { days: -90, ok: true },
  ])('a start $days days from now is accepted: $ok', ({ days, ok }) => {
    expect(findOutOfWindow(at(days), NOW, DEFAULT_SESSION_WINDOW).length === 0).toBe(ok);
  });

  it('names the field and the window, taken from the settings', () => {
    expect(
      findOutOfWindow({ session_start_time: '3000-01-01T00:00:00Z' }, NOW, DEFAULT_SESSION_WINDOW),
    ).toEqual([
      {
        path: 'body.session_start_time',
        message:
          'must be at most 400 days before and 30 days after now (2025-10-16T12:00:00.000Z to 2026-12-20T12:00:00.000Z)',
      },
    ]);
    expect(findOutOfWindow(at(-11), NOW, { maxAgeDays: 10, maxFutureDays: 0 })).toHaveLength(1);
    expect(findOutOfWindow(at(1), NOW, { maxAgeDays: 10, maxFutureDays: 0 })).toHaveLength(1);
  });
});

describe('the contract refuses times no finished session has', () => {
  const base: TWebhookPayload = {
    session_id: 'ses_1',
    tutor_id: 'tut_1',
    student_id: 'stu_1',
    session_start_time: '2026-11-20T09:00:00Z',
    session_end_time: '2026-11-20T10:00:00Z',
    tutor_join_time: '2026-11-20T09:02:00Z',
    student_join_time: '2026-11-20T08:58:00Z',
    tutor_leave_time: '2026-11-20T10:05:00Z',
    student_leave_time: '2026-11-20T10:04:00Z',
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
  };
  const issuesOf = (changes: Partial<TWebhookPayload>) => {
    const r = ZWebhookPayload.safeParse({ ...base, ...changes });
    return r.success ? [] : [...new Set(r.error.issues.map((i) => i.path.join('.')))];
  };

  it.each([
    { what: 'the base case', changes: {}, issues: [] },
    {
      what: 'an end before the start',
      changes: { session_end_time: '2026-11-20T08:00:00Z' },
      issues: ['session_end_time'],
    },
    {
      what: 'exactly 24 hours',
      changes: { session_end_time: '2026-11-21T09:00:00Z' },
      issues: [],
    },
    {
      what: 'over 24 hours',
      changes: { session_end_time: '2026-11-21T09:00:01Z' },
      issues: ['session_end_time'],
    },
    {
      what: 'a join a day and more before',
      changes: { tutor_join_time: '2026-11-19T08:59:00Z' },
      issues: ['tutor_join_time'],
    },
    {
      what: 'a leave a day and more after',
      changes: { student_leave_time: '2026-11-21T10:01:00Z' },
      issues: ['student_leave_time'],
    },
    {
      what: 'a leave before the join',
      changes: { tutor_leave_time: '2026-11-20T09:01:00Z' },
      issues: ['tutor_leave_time'],
    },
    {
      what: 'a no-show (no join, no leave)',
      changes: { tutor_join_time: null, tutor_leave_time: null },
      issues: [],
    },
    {
      what: 'a reschedule from a year and more away',
      changes: {
        reschedule: {
          initiator: 'tutor',
          original_time: '2025-11-19T09:00:00Z',
          new_time: '2026-11-20T09:00:00Z',
        },
      },
      issues: ['reschedule.original_time'],
    },
    {
      what: 'a reschedule to a year and more away',
      changes: {
        reschedule: {
          initiator: 'tutor',
          original_time: '2026-11-19T09:00:00Z',
          new_time: '2027-11-21T09:00:00Z',
        },
      },
      issues: ['reschedule.new_time'],
    },
    {
      what: 'a reschedule requested after the end',
      changes: {
        reschedule: {
          initiator: 'student',
          original_time: '2026-11-19T09:00:00Z',
          new_time: null,
          cancelled_at: '2026-11-20T10:00:01Z',
        },
      },
      issues: ['reschedule.cancelled_at'],
    },
    {
      what: 'a reschedule requested a week before',
      changes: {
        reschedule: {
          initiator: 'student',
          original_time: '2026-11-19T09:00:00Z',
          new_time: '2026-11-20T09:00:00Z',
          cancelled_at: '2026-11-13T09:00:00Z',
        },
      },
      issues: [],
    },
  ] as Array<{ what: string; changes: Partial<TWebhookPayload>; issues: string[] }>)(
    '$what',
    ({ changes, issues }) => {
      expect(issuesOf(changes)).toEqual(issues);
    },
  );

  it('refuses instants outside the years 1000 to 8999 and text it cannot store, naming the field', () => {
    expect(issuesOf({ session_start_time: '0000-01-01T00:00:00Z' })).toContain('session_start_time');
    expect(issuesOf({ tutor_join_time: '9999-12-31T23:59:59Z' })).toContain('tutor_join_time');
    expect(issuesOf({ tutor_id: 'tut\u0000' })).toEqual(['tutor_id']);
    expect(issuesOf({ ai_summary: 'lone \ud800 surrogate' })).toEqual(['ai_summary']);
    expect(issuesOf({ ai_summary: 'a pair is fine 😀' })).toEqual([]);
    // Not a time the format accepts, yet the object's refinement still runs on it: it must not throw.
    expect(issuesOf({ session_start_time: '+275760-09-13T00:00:00Z' })).toEqual(['session_start_time']);
    expect(issuesOf({ tutor_leave_time: '+275760-09-13T00:00:00Z' })).toEqual(['tutor_leave_time']);
  });
});
