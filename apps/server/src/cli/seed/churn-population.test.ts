import { describe, expect, it } from 'vitest';
import { CHURN_CAUSES, generateChurnPopulation, type ChurnCause } from './churn-population';

const DAY = 86_400_000;
const pop = generateChurnPopulation({ seed: 4, customers: 3000, days: 400 });

describe('generateChurnPopulation', () => {
  it('is a function of its seed', () => {
    const again = generateChurnPopulation({ seed: 4, customers: 50, days: 400 });
    const first = generateChurnPopulation({ seed: 4, customers: 50, days: 400 });
    expect(JSON.stringify(again.customers)).toBe(JSON.stringify(first.customers));
    const other = generateChurnPopulation({ seed: 5, customers: 50, days: 400 });
    expect(JSON.stringify(other.customers)).not.toBe(JSON.stringify(first.customers));
  });

  it('keeps every record inside the customer’s life and the observed window, sessions in order', () => {
    const problems: string[] = [];
    for (const h of pop.customers) {
      const signup = h.signedUpAt.getTime();
      if (signup < pop.start.getTime()) problems.push(`${h.customerId} signed up before the window`);
      let previous = -Infinity;
      for (const s of h.sessions) {
        if (s.startsAt.getTime() <= signup) problems.push(`${h.customerId} has a session before sign-up`);
        if (s.endsAt.getTime() > pop.end.getTime())
          problems.push(`${h.customerId} has a session after the end`);
        if (s.startsAt.getTime() <= previous) problems.push(`${h.customerId} has sessions out of order`);
        previous = s.startsAt.getTime();
      }
      if (h.supportCalls.some((c) => c.at.getTime() < signup))
        problems.push(`${h.customerId} called before sign-up`);
    }
    expect(problems).toEqual([]);
  });

  it('stops every churner at the churn date and plants each cause as documented', () => {
    const seen = new Map<ChurnCause, number>();
    for (const h of pop.customers) {
      const t = pop.truth.get(h.customerId)!;
      if (t.fate === 'retained') {
        expect(t.churnAt).toBeNull();
        continue;
      }
      const churnAt = t.churnAt!.getTime();
      for (const s of h.sessions) expect(s.startsAt.getTime()).toBeLessThan(churnAt);
      if (t.fate !== 'planted_churn') continue;
      const cause = t.cause!;
      seen.set(cause, (seen.get(cause) ?? 0) + 1);
      const within = (days: number) => h.sessions.filter((s) => s.startsAt.getTime() >= churnAt - days * DAY);
      switch (cause) {
        case 'poor_first_session':
          expect(h.sessions[0]?.rating).toBeLessThanOrEqual(2);
          expect(h.sessions.length).toBeLessThanOrEqual(2);
          break;
        case 'tutor_no_shows':
          expect(within(35).filter((s) => s.status === 'tutor_no_show').length).toBeGreaterThanOrEqual(2);
          break;
        case 'tutor_switching':
          if (within(42).length >= 3)
            expect(new Set(within(42).map((s) => s.tutorId)).size).toBeGreaterThanOrEqual(3);
          break;
        case 'support_call_spike':
          expect(
            h.supportCalls.filter((c) => c.at.getTime() >= churnAt - 18 * DAY && c.at.getTime() <= churnAt)
              .length,
          ).toBeGreaterThanOrEqual(3);
          break;
        case 'falling_frequency':
          break;
      }
      expect(t.causeUntil!.getTime()).toBeLessThanOrEqual(churnAt);
    }
    expect([...seen.keys()].sort()).toEqual([...CHURN_CAUSES].sort());
  });

  it('makes falling-frequency churners book less in their last four weeks than in the four before', () => {
    let last = 0;
    let before = 0;
    for (const h of pop.customers) {
      const t = pop.truth.get(h.customerId)!;
      if (t.cause !== 'falling_frequency' || !t.churnAt) continue;
      const c = t.churnAt.getTime();
      for (const s of h.sessions) {
        const age = (c - s.startsAt.getTime()) / DAY;
        if (age <= 28) last++;
        else if (age <= 56) before++;
      }
    }
    expect(last).toBeLessThan(0.7 * before);
  });
});
