import { describe, expect, it } from 'vitest';
import { DEMO_CHURN_CAUSES } from './demo-customers';
import { collectSessions, generateDemoDataset } from './generate';

const NOW = new Date('2026-11-20T17:30:00Z');
const DAY = 86_400_000;
const dataset = generateDemoDataset({ seed: 3, scale: 0.1, now: NOW, days: 90 });
const { sessions } = collectSessions(dataset);
const plan = dataset.customers;

describe('demo customers', () => {
  it('puts every student in exactly one customer: families of 1–3, adult learners alone', () => {
    const seen = new Map<string, number>();
    for (const c of plan.customers) {
      expect(c.studentIds.length).toBeGreaterThanOrEqual(1);
      expect(c.studentIds.length).toBeLessThanOrEqual(c.kind === 'adult_learner' ? 1 : 3);
      for (const s of c.studentIds) seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    expect(seen.size).toBe(dataset.students.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(plan.customers.map((c) => c.channel)).size).toBeGreaterThanOrEqual(4);
  });

  it('plants churners of every cause, with no session after they leave and the cause in their history', () => {
    expect(new Set(plan.churners.map((c) => c.cause))).toEqual(new Set(DEMO_CHURN_CAUSES));
    const studentsOf = new Map(plan.customers.map((c) => [c.customerId, new Set(c.studentIds)]));
    let noShowsFound = 0;
    let noShowChurners = 0;
    for (const ch of plan.churners) {
      const students = studentsOf.get(ch.customer_id)!;
      const churnAt = Date.parse(ch.churn_at);
      const theirs = sessions.filter((s) => students.has(s.student_id));
      expect(theirs.every((s) => Date.parse(s.session_start_time) < churnAt)).toBe(true);
      const window = theirs.filter((s) => Date.parse(s.session_start_time) >= Date.parse(ch.cause_from));
      if (ch.cause === 'tutor_no_shows' && window.length > 0) {
        noShowChurners++;
        if (window.some((s) => s.tutor_join_time === null)) noShowsFound++;
      }
      if (ch.cause === 'support_call_spike') {
        const calls = plan.supportCalls.filter(
          (c) =>
            c.customerId === ch.customer_id &&
            c.calledAt.getTime() > churnAt - 14 * DAY &&
            c.calledAt.getTime() <= churnAt,
        );
        expect(calls.length).toBeGreaterThanOrEqual(4);
      }
    }
    expect(noShowsFound).toBeGreaterThanOrEqual(Math.ceil(noShowChurners * 0.7));
  });

  it('gives the same customers and the same edited sessions for the same seed', () => {
    const again = collectSessions(generateDemoDataset({ seed: 3, scale: 0.1, now: NOW, days: 90 }));
    expect(again.sessions).toEqual(sessions);
  });
});
