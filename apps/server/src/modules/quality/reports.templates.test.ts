import { describe, expect, it } from 'vitest';
import type { TFlag, TSession, TTutorScore } from '@tutorpulse/contracts/quality';
import {
  escapeHtml,
  formatUtc,
  renderCriticalAlert,
  renderSessionReport,
  timelineRows,
} from './reports.templates';

const session: TSession = {
  id: '11111111-1111-4111-8111-111111111111',
  session_id: 'ses-<42>',
  tutor_id: 'tut-1',
  tutor_name: 'Ana <script>alert(1)</script>',
  student_id: 'stu-1',
  student_name: 'Sam & Co',
  session_start_time: '2026-11-20T10:00:00.000Z',
  session_end_time: '2026-11-20T11:00:00.000Z',
  tutor_join_time: '2026-11-20T10:12:00.000Z',
  student_join_time: '2026-11-20T09:58:00.000Z',
  tutor_leave_time: '2026-11-20T10:45:00.000Z',
  student_leave_time: '2026-11-20T11:00:00.000Z',
  subjects_covered: ['algebra-1'],
  is_first_session: true,
  session_length_scheduled: 60,
  session_length_actual: 33,
  was_rescheduled: false,
  rescheduled_by: null,
  tutor_feedback: null,
  student_feedback: { rating: 2, description: 'Tutor was "late" & rushed' },
  video_url: null,
  transcript_url: null,
  ai_summary: null,
  has_transcript: false,
  processing_status: 'processed',
  version: 1,
  received_at: '2026-11-20T11:01:00.000Z',
  processed_at: '2026-11-20T11:01:02.000Z',
};

const flag: TFlag = {
  id: '22222222-2222-4222-8222-222222222222',
  tutor_id: 'tut-1',
  tutor_name: 'Ana',
  session_id: 'ses-<42>',
  flag_type: 'tutor_no_show',
  severity: 'critical',
  title: 'Tutor did not show up',
  description: 'The tutor never joined <b>session</b> ses-42.',
  recommended_action: 'Call the tutor today.',
  supporting_data: { sessions: ['ses-<42>'], metrics: { no_shows_30d: 2, rate: null } },
  occurrences: 2,
  status: 'open',
  assigned_to: null,
  first_seen_at: '2026-11-19T10:00:00.000Z',
  last_seen_at: '2026-11-20T10:00:00.000Z',
  resolved_at: null,
  resolved_by: null,
  resolution_notes: null,
  coach_agreed: null,
  auto_resolution: null,
  created_at: '2026-11-19T10:00:00.000Z',
  updated_at: '2026-11-20T10:00:00.000Z',
};

const score = {
  overall_score: 64,
  confidence: 0.42,
  breakdown: { attendance: 55, ratings: 70, completion: 80, reliability: 60 },
  total_sessions: 12,
  no_show_rate: 0.0833,
  late_rate: 0.25,
  early_end_rate: 0.1,
  tutor_reschedule_rate: 0,
  avg_student_rating: 3.75,
} as TTutorScore;

describe('timelineRows', () => {
  it('shows joins as offsets from the start and leaves as minutes before the end', () => {
    expect(timelineRows(session)).toEqual([
      ['Scheduled', '2026-11-20 10:00 UTC → 2026-11-20 11:00 UTC (60 min)'],
      ['Tutor joined', '2026-11-20 10:12 UTC (12 min late)'],
      ['Student joined', '2026-11-20 09:58 UTC (2 min early)'],
      ['Tutor left', '2026-11-20 10:45 UTC (15 min before the end)'],
      ['Student left', '2026-11-20 11:00 UTC (at the end)'],
      ['Actual length', '33 min'],
    ]);
  });
  it('says when a party did not join', () => {
    expect(timelineRows({ ...session, tutor_join_time: null, tutor_leave_time: null })[1]).toEqual([
      'Tutor joined',
      'did not join',
    ]);
  });
});

describe('renderSessionReport', () => {
  const mail = renderSessionReport({
    session,
    findings: [
      { type: 'tutor_late', severity: 'medium', minutes: 12, blames_tutor: true, details: {} },
      { type: 'poor_first_session', severity: 'high', minutes: null, blames_tutor: true, details: {} },
    ],
    flags: [flag],
    score,
    dashboardUrl: 'https://tp.example.com',
  });

  it('has the session facts, timeline, ratings, findings, flags and score in the text', () => {
    expect(mail.subject).toBe(
      '[Tutorpulse] Session ses-<42> — Ana <script>alert(1)</script>, 2026-11-20 10:00 UTC — 2 issues',
    );
    for (const expected of [
      /Student:\s+Sam & Co \(stu-1\)/,
      /First session:\s+yes/,
      /Student rating:\s+2\/5 — “Tutor was "late" & rushed”/,
      /Tutor joined:\s+2026-11-20 10:12 UTC \(12 min late\)/,
      /\[MEDIUM\] tutor late: 12 min/,
      /\[HIGH\] poor first session/,
      /\[CRITICAL\] Tutor did not show up \(open\) — https:\/\/tp\.example\.com\/quality\/flags\/22222222-2222-4222-8222-222222222222/,
      /Overall \(30 days\):\s+64\/100, confidence 42 %/,
      /late 25 %/,
      /Session: https:\/\/tp\.example\.com\/quality\/sessions\/11111111-1111-4111-8111-111111111111/,
    ]) {
      expect(mail.text).toMatch(expected);
    }
  });

  it('escapes every value in the HTML', () => {
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Ana &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Sam &amp; Co');
    expect(mail.html).toContain(
      'href="https://tp.example.com/quality/flags/22222222-2222-4222-8222-222222222222"',
    );
  });

  it('says so when there is nothing to report', () => {
    const quiet = renderSessionReport({ session, findings: [], flags: [], score: null, dashboardUrl: '' });
    expect(quiet.text).toContain('No issues found.');
    expect(quiet.text).toContain('No flags raised or updated by this session.');
    expect(quiet.text).toContain('not scored yet');
  });
});

describe('renderCriticalAlert', () => {
  it('gives the flag, why, the evidence, the recommended action and the dashboard link', () => {
    const mail = renderCriticalAlert({ flag, session, score, dashboardUrl: 'https://tp.example.com' });
    expect(mail.subject).toBe('[Tutorpulse] CRITICAL: Tutor did not show up — Ana');
    expect(mail.text).toContain('The tutor never joined <b>session</b> ses-42.');
    expect(mail.text).toMatch(/no shows 30d:\s+2/);
    expect(mail.text).toContain('Call the tutor today.');
    expect(mail.text).toContain(
      'Open the flag: https://tp.example.com/quality/flags/22222222-2222-4222-8222-222222222222',
    );
    expect(mail.html).toContain('The tutor never joined &lt;b&gt;session&lt;/b&gt; ses-42.');
    expect(mail.html).not.toMatch(/<b>session/);
  });
});

describe('helpers', () => {
  it('escapes the five HTML specials and formats UTC minutes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(formatUtc('2026-01-02T03:04:59.999Z')).toBe('2026-01-02 03:04 UTC');
  });
});
