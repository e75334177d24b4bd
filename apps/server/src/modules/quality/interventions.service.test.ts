import { describe, expect, it } from 'vitest';
import type { TWindowMetrics } from '@tutorpulse/contracts/quality';
import { compareMetric, suggestOutcome } from './interventions.service';

function metrics(over: Partial<TWindowMetrics> = {}): TWindowMetrics {
  return {
    window_days: 30,
    window_start: '2026-01-01T00:00:00.000Z',
    window_end: '2026-01-31T00:00:00.000Z',
    total_sessions: 20,
    first_sessions: 4,
    no_show_count: 0,
    no_show_rate: 0,
    late_count: 0,
    late_rate: 0,
    avg_lateness_minutes: null,
    early_end_count: 0,
    early_end_rate: 0,
    avg_early_end_minutes: null,
    reschedule_count: 0,
    reschedule_rate: 0,
    tutor_initiated_reschedules: 0,
    tutor_reschedule_rate: 0,
    student_no_show_count: 0,
    avg_student_rating: 4.5,
    avg_first_session_rating: 4.5,
    poor_first_sessions: 0,
    ...over,
  };
}

describe('suggestOutcome', () => {
  it.each([
    {
      name: 'late rate halves',
      type: 'chronic_lateness',
      before: { late_rate: 0.4 },
      after: { late_rate: 0.1 },
      expect: 'improved',
    },
    {
      name: 'late rate doubles',
      type: 'tutor_late',
      before: { late_rate: 0.1 },
      after: { late_rate: 0.3 },
      expect: 'worsened',
    },
    {
      name: 'a 2-point move is noise',
      type: 'tutor_late',
      before: { late_rate: 0.3 },
      after: { late_rate: 0.28 },
      expect: 'no_change',
    },
    // 0.5 → 0.46 moves 4 points but only 8 % of the larger value: not a real change.
    {
      name: 'large rate, small relative move',
      type: 'tutor_late',
      before: { late_rate: 0.5 },
      after: { late_rate: 0.46 },
      expect: 'no_change',
    },
    {
      name: 'no-shows 10 % → 0',
      type: 'tutor_no_show',
      before: { no_show_rate: 0.1 },
      after: { no_show_rate: 0 },
      expect: 'improved',
    },
    {
      name: 'reschedules up',
      type: 'high_reschedule_rate',
      before: { tutor_reschedule_rate: 0.1 },
      after: { tutor_reschedule_rate: 0.25 },
      expect: 'worsened',
    },
    {
      name: 'early ends down',
      type: 'chronic_early_end',
      before: { early_end_rate: 0.3 },
      after: { early_end_rate: 0.1 },
      expect: 'improved',
    },
    {
      name: 'first-session rating up',
      type: 'poor_first_session',
      before: { avg_first_session_rating: 2.5 },
      after: { avg_first_session_rating: 3.5 },
      expect: 'improved',
    },
    {
      name: 'rating down 0.2 is noise',
      type: 'low_session_quality',
      before: { avg_student_rating: 4.4 },
      after: { avg_student_rating: 4.2 },
      expect: 'no_change',
    },
    {
      name: 'rating down 0.5',
      type: 'low_session_quality',
      before: { avg_student_rating: 4.4 },
      after: { avg_student_rating: 3.9 },
      expect: 'worsened',
    },
    // Only the focus metric counts: lateness improved, a worse no-show rate is not what the coaching was about.
    {
      name: 'other metrics ignored',
      type: 'tutor_late',
      before: { late_rate: 0.4, no_show_rate: 0 },
      after: { late_rate: 0.1, no_show_rate: 0.2 },
      expect: 'improved',
    },
    {
      name: 'too few sessions after',
      type: 'tutor_late',
      before: { late_rate: 0.4 },
      after: { late_rate: 0, total_sessions: 3 },
      expect: 'pending',
    },
    {
      name: 'no sessions before',
      type: 'tutor_late',
      before: { late_rate: null, total_sessions: 0 },
      after: { late_rate: 0.1 },
      expect: 'pending',
    },
    {
      name: 'overall: one better, none worse',
      type: null,
      before: { late_rate: 0.4 },
      after: { late_rate: 0.1 },
      expect: 'improved',
    },
    {
      name: 'overall: mixed',
      type: null,
      before: { late_rate: 0.4, no_show_rate: 0 },
      after: { late_rate: 0.1, no_show_rate: 0.2 },
      expect: 'no_change',
    },
    {
      name: 'overall: one worse',
      type: null,
      before: { no_show_rate: 0 },
      after: { no_show_rate: 0.1 },
      expect: 'worsened',
    },
  ] as const)('$name → $expect', ({ type, before, after, expect: outcome }) => {
    const r = suggestOutcome(type, metrics(before), metrics(after));
    expect(r.suggested_outcome).toBe(outcome);
    expect(r.suggestion_basis.focus).toBe(type ?? 'overall');
    expect(r.suggestion_basis.rule).toMatch(/percentage points/);
  });

  it('falls back to the overall rating when first-session ratings are too few', () => {
    const r = suggestOutcome(
      'repeated_poor_first_sessions',
      metrics({ first_sessions: 1, avg_first_session_rating: 2, avg_student_rating: 3.5 }),
      metrics({ first_sessions: 1, avg_first_session_rating: 5, avg_student_rating: 4.2 }),
    );
    expect(r.suggestion_basis.comparisons.map((c) => [c.metric, c.verdict])).toEqual([
      ['avg_first_session_rating', 'insufficient_data'],
      ['avg_student_rating', 'better'],
    ]);
    expect(r.suggested_outcome).toBe('improved');
  });
});

describe('compareMetric', () => {
  it('reports before, after, change and direction', () => {
    expect(compareMetric('late_rate', metrics({ late_rate: 0.5 }), metrics({ late_rate: 0.1 }))).toEqual({
      metric: 'late_rate',
      better_when: 'lower',
      before: 0.5,
      after: 0.1,
      change: -0.4,
      verdict: 'better',
    });
  });
  it('treats exactly the thresholds as a change', () => {
    expect(
      compareMetric('late_rate', metrics({ late_rate: 0.1 }), metrics({ late_rate: 0.13 })).verdict,
    ).toBe('worse');
    expect(
      compareMetric(
        'avg_student_rating',
        metrics({ avg_student_rating: 4 }),
        metrics({ avg_student_rating: 4.3 }),
      ).verdict,
    ).toBe('better');
  });
});
