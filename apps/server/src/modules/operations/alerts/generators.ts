/**
 * The built-in recommendation generators: each turns alerts of its types into concrete actions with a priority,
 * an expiry and an expected effect, and measures the effect after an operator accepted one (`measureEffect`).
 */
import type {
  AcceptedRecommendation,
  MeasuredEffect,
  RecommendationCandidate,
  RecommendationGenerator,
} from './plugins';
import type { ChurnRiskReader, FirstSessionReader, SupplyShortageReader, TutorQualityReader } from './ports';
import { describeWindow, pct, priorityOfSeverity, round } from './rules';

const DAY_MS = 86_400_000;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function verdictOf(achievedShare: number | null): MeasuredEffect['verdict'] {
  if (achievedShare === null) return 'insufficient_data';
  if (achievedShare >= 0.9) return 'achieved';
  if (achievedShare > 0.1) return 'partly';
  return 'not_achieved';
}

/** "open 6 more Chemistry hours Sunday 18–21 h: forecast shortage of 5.2 sessions" */
export function shortageGenerator(reader: SupplyShortageReader): RecommendationGenerator {
  return {
    name: 'open-tutor-hours',
    alertTypes: ['supply_shortage'],
    async generate(alerts) {
      return alerts.flatMap((a): RecommendationCandidate[] => {
        const m = a.evidence.metrics;
        const shortage = num(m.shortage_sessions);
        const start = str(m.window_start);
        const end = str(m.window_end);
        const subject = a.evidence.ids.subject?.[0];
        if (shortage === null || !start || !end || !subject) return [];
        const s = new Date(start);
        const e = new Date(end);
        // One tutor-hour serves about one session: round up, at least one hour per hour of the window short.
        const hours = Math.max(Math.ceil(shortage), 1);
        const name = a.title.split(' shortage ')[0] ?? subject;
        return [
          {
            type: 'open_tutor_hours',
            priority: priorityOfSeverity(a.severity),
            dedupeKey: `open_tutor_hours:${subject}:${start}`,
            title: `Open ${hours} more ${name} hours ${describeWindow(s, e)}: forecast shortage of ${round(shortage, 1)} sessions`,
            description:
              `Ask ${name} tutors to open ${hours} more tutor-hours between ${s.toISOString()} and ${e.toISOString()} ` +
              `(${describeWindow(s, e)} UTC) to cover the forecast shortage of ${round(shortage, 1)} sessions.`,
            evidence: { ...a.evidence, ids: { ...a.evidence.ids, alert: [a.id] } },
            expectedEffect: {
              metric: 'shortage_sessions',
              change: -round(shortage, 2),
              unit: 'sessions',
              text: `Shortage ${subject} ${describeWindow(s, e)} from ${round(shortage, 1)} to 0 sessions`,
            },
            // Useless once the window has started.
            expiresAt: s,
            // Measured once the window is over.
            measureAfterMs: 0,
            measureAt: e,
            alertId: a.id,
          },
        ];
      });
    },
    async measureEffect(rec, ctx) {
      const m = rec.evidence.metrics;
      const subject = rec.evidence.ids.subject?.[0];
      const start = str(m.window_start);
      const end = str(m.window_end);
      const before = num(m.shortage_sessions);
      if (!subject || !start || !end) return null;
      if (ctx.now.getTime() < new Date(start).getTime()) return null;
      const hours = await reader.listShortageHours(new Date(start), new Date(end));
      const after = round(
        hours.filter((h) => h.subject === subject).reduce((a, h) => a + Math.max(h.shortage, 0), 0),
        2,
      );
      const change = before === null ? null : round(after - before, 2);
      const share = before && before > 0 ? Math.min(Math.max((before - after) / before, 0), 1) : null;
      return {
        metric: 'shortage_sessions',
        before,
        after,
        change,
        verdict: verdictOf(share),
        text:
          after <= 0
            ? `The shortage closed (was ${before ?? '?'} sessions).`
            : `${after} sessions still short (was ${before ?? '?'}).`,
        measured_at: ctx.now.toISOString(),
      };
    },
  };
}

/** "call customer X: churn risk 0.81, top factor: two tutor no-shows" */
export function churnCallGenerator(reader: ChurnRiskReader): RecommendationGenerator {
  return {
    name: 'call-customer',
    alertTypes: ['churn_risk'],
    async generate(alerts, ctx) {
      return alerts.flatMap((a): RecommendationCandidate[] => {
        const customerId = a.evidence.ids.customer?.[0];
        const p = num(a.evidence.metrics.probability);
        if (!customerId || p === null) return [];
        const factor = str(a.evidence.metrics.factor_1);
        const who = a.title.replace(/^Customer /, '').replace(/ moved to .*$/, '');
        return [
          {
            type: 'call_customer',
            priority: priorityOfSeverity(a.severity),
            dedupeKey: `call_customer:${customerId}`,
            title: `Call customer ${who}: churn risk ${round(p, 2)}${factor ? `, top factor: ${factor}` : ''}`,
            description:
              `Call ${who} within two days: their churn risk is ${round(p, 2)}` +
              (factor ? `, mostly because of ${factor}` : '') +
              '. Listen, fix what can be fixed (tutor match, schedule), and book the next session.',
            evidence: { ...a.evidence, ids: { ...a.evidence.ids, alert: [a.id] } },
            expectedEffect: {
              metric: 'sessions_within_14_days',
              change: 1,
              unit: 'sessions',
              text: 'The customer books and attends at least one session within 14 days',
            },
            expiresAt: new Date(ctx.now.getTime() + 3 * DAY_MS),
            measureAfterMs: 14 * DAY_MS,
            alertId: a.id,
          },
        ];
      });
    },
    async baseline(rec) {
      const customerId = rec.evidence.ids.customer?.[0];
      return customerId ? { probability: num(rec.evidence.metrics.probability) } : null;
    },
    async measureEffect(rec, ctx) {
      const customerId = rec.evidence.ids.customer?.[0];
      if (!customerId) return null;
      const a = await reader.customerActivity(customerId, rec.acceptedAt);
      if (!a) return null;
      const before = num(rec.baseline?.probability);
      return {
        metric: 'sessions_within_14_days',
        before: 0,
        after: a.sessionsSince,
        change: a.sessionsSince,
        verdict: a.sessionsSince > 0 ? 'achieved' : 'not_achieved',
        text:
          (a.sessionsSince > 0
            ? `The customer came back: ${a.sessionsSince} session(s) since the call`
            : 'No session since the call') +
          (a.probability !== null && before !== null
            ? `; churn risk ${round(before, 2)} → ${round(a.probability, 2)}.`
            : '.'),
        measured_at: ctx.now.toISOString(),
      };
    },
  };
}

export function tutorCoachingGenerator(reader: TutorQualityReader): RecommendationGenerator {
  return {
    name: 'coach-tutor',
    alertTypes: ['tutor_quality'],
    async generate(alerts, ctx) {
      return alerts.flatMap((a): RecommendationCandidate[] => {
        const tutorId = a.evidence.ids.tutor?.[0];
        if (!tutorId) return [];
        const score = num(a.evidence.metrics.overall_score);
        const flags = num(a.evidence.metrics.open_serious_flags) ?? 0;
        const who = a.title.replace(/^Tutor /, '').replace(/ needs attention$/, '');
        const critical = a.severity === 'critical';
        return [
          {
            type: critical ? 'pause_tutor_bookings' : 'coach_tutor',
            priority: priorityOfSeverity(a.severity),
            dedupeKey: `coach_tutor:${tutorId}`,
            title: critical
              ? `Pause new first sessions for ${who} and schedule coaching: ${flags} serious flag(s)`
              : `Schedule a coaching session with ${who}${score !== null ? `: 30-day score ${score}` : ''}`,
            description:
              `${a.title}. ${critical ? 'Stop routing new students to this tutor until a coach has talked to them; ' : ''}` +
              'Review the flagged sessions with the tutor and agree on one concrete change.',
            evidence: { ...a.evidence, ids: { ...a.evidence.ids, alert: [a.id] } },
            expectedEffect: {
              metric: 'overall_score',
              change: 10,
              unit: 'points',
              text: 'The 30-day score rises by about 10 points and no new serious flag is raised within 30 days',
            },
            expiresAt: new Date(ctx.now.getTime() + 7 * DAY_MS),
            measureAfterMs: 30 * DAY_MS,
            alertId: a.id,
          },
        ];
      });
    },
    async baseline(rec) {
      const tutorId = rec.evidence.ids.tutor?.[0];
      if (!tutorId) return null;
      const s = await reader.tutorStanding(tutorId);
      return s ? { overall_score: s.overallScore, open_flags: s.openFlags } : null;
    },
    async measureEffect(rec, ctx) {
      const tutorId = rec.evidence.ids.tutor?.[0];
      if (!tutorId) return null;
      const s = await reader.tutorStanding(tutorId);
      if (!s) return null;
      const before = num(rec.baseline?.overall_score) ?? num(rec.evidence.metrics.overall_score);
      const after = s.overallScore;
      const change = before !== null && after !== null ? after - before : null;
      const share = change === null ? null : Math.min(Math.max(change / rec.expectedEffect.change, 0), 1);
      return {
        metric: 'overall_score',
        before,
        after,
        change,
        verdict: verdictOf(share),
        text:
          change === null
            ? 'Not enough scored sessions to compare.'
            : `30-day score ${before} → ${after} (${change >= 0 ? '+' : ''}${change}); ${s.openFlags} open flag(s).`,
        measured_at: ctx.now.toISOString(),
      };
    },
  };
}

export function firstSessionGenerator(reader: FirstSessionReader): RecommendationGenerator {
  return {
    name: 'review-first-sessions',
    alertTypes: ['first_session_failure_rate'],
    async generate(alerts, ctx) {
      return alerts.flatMap((a): RecommendationCandidate[] => {
        const rate = num(a.evidence.metrics.rate);
        if (rate === null) return [];
        const baseline = num(a.evidence.metrics.baseline_rate);
        return [
          {
            type: 'review_first_session_matching',
            priority: priorityOfSeverity(a.severity),
            dedupeKey: 'review_first_session_matching:marketplace',
            title: `Route first sessions to top-rated tutors: failure rate ${pct(rate)}${baseline !== null ? ` (baseline ${pct(baseline)})` : ''}`,
            description:
              'Until the rate is back under the threshold, match new students only with tutors whose first-session ' +
              'rating is above average, and review this week’s poor first sessions with their tutors.',
            evidence: { ...a.evidence, ids: { ...a.evidence.ids, alert: [a.id] } },
            expectedEffect: {
              metric: 'first_session_failure_rate',
              change: -round(Math.max(rate - (baseline ?? rate / 2), 0), 4),
              unit: 'ratio',
              text: `First-session failure rate back to ${pct(baseline ?? rate / 2)} within 14 days`,
            },
            expiresAt: new Date(ctx.now.getTime() + 3 * DAY_MS),
            measureAfterMs: 14 * DAY_MS,
            alertId: a.id,
          },
        ];
      });
    },
    async measureEffect(rec: AcceptedRecommendation, ctx) {
      const before = num(rec.evidence.metrics.rate);
      const t = await reader.firstSessionTotals(rec.acceptedAt, ctx.now);
      if (t.firstSessions === 0) {
        return {
          metric: 'first_session_failure_rate',
          before,
          after: null,
          change: null,
          verdict: 'insufficient_data',
          text: 'No first sessions since acceptance.',
          measured_at: ctx.now.toISOString(),
        };
      }
      const after = round(t.poorFirst / t.firstSessions, 4);
      const change = before === null ? null : round(after - before, 4);
      const share =
        change === null || rec.expectedEffect.change === 0
          ? null
          : Math.min(Math.max(change / rec.expectedEffect.change, 0), 1);
      return {
        metric: 'first_session_failure_rate',
        before,
        after,
        change,
        verdict: verdictOf(share),
        text: `${t.poorFirst} of ${t.firstSessions} first sessions poor since acceptance (${pct(after)}, was ${before === null ? '?' : pct(before)}).`,
        measured_at: ctx.now.toISOString(),
      };
    },
  };
}
