/**
 * The built-in alert checkers. Each reads its data through one reader port (ports.ts) and proposes alerts;
 * what to do with them (create, add evidence, mail) is the engine's business (alerts.engine.ts).
 */
import type { AlertCandidate, AlertChecker, CheckContext } from './plugins';
import type {
  ChurnRiskReader,
  FirstSessionReader,
  ForecastAccuracyReader,
  SupplyShortageReader,
  SupportCallReader,
  TutorQualityReader,
} from './ports';
import {
  accuracySeverity,
  ALERT_THRESHOLDS,
  churnSeverity,
  describeWindow,
  firstSessionDecision,
  pct,
  round,
  shortageSeverity,
  shortageWindows,
  supportSpikeDecision,
  tutorQualitySeverity,
  type AlertThresholds,
} from './rules';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const isoHour = (d: Date) => d.toISOString().slice(0, 13);
const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

export function tutorQualityChecker(
  reader: TutorQualityReader,
  th: AlertThresholds['tutorQuality'] = ALERT_THRESHOLDS.tutorQuality,
): AlertChecker {
  return {
    name: 'tutor-quality',
    types: ['tutor_quality'],
    // The quality module resolves flags and rescores tutors; when neither holds any more, the alert is moot.
    resolvesWhenCleared: true,
    async run() {
      const tutors = await reader.listTutorsNeedingAttention(th);
      return tutors.map((t): AlertCandidate => {
        const who = t.tutorName ? `${t.tutorName} (${t.tutorId})` : t.tutorId;
        const flagTypes = [...new Set(t.flags.map((f) => f.type.replaceAll('_', ' ')))];
        const parts: string[] = [];
        if (t.flags.length) parts.push(`${t.flags.length} open serious flag(s): ${flagTypes.join(', ')}`);
        if (t.overallScore !== null && t.overallScore < th.maxScore)
          parts.push(`30-day score ${t.overallScore}`);
        if (t.isHighRisk) parts.push('marked high risk');
        return {
          type: 'tutor_quality',
          severity: tutorQualitySeverity(t),
          dedupeKey: `tutor_quality:${t.tutorId}`,
          title: `Tutor ${who} needs attention`,
          description: `${parts.join('; ')}.`,
          evidence: {
            ids: { tutor: [t.tutorId], flag: t.flags.map((f) => f.id) },
            metrics: {
              overall_score: t.overallScore,
              confidence: t.confidence,
              open_serious_flags: t.flags.length,
              critical_flags: t.flags.filter((f) => f.severity === 'critical').length,
              is_high_risk: t.isHighRisk,
            },
            links: [
              { label: 'Tutor', href: `/quality/tutors/${encodeURIComponent(t.tutorId)}` },
              ...t.flags.slice(0, 5).map((f) => ({ label: f.title, href: `/quality/flags/${f.id}` })),
            ],
          },
          // New flags are new evidence; a rescore alone is not.
          evidenceKey: `flags:${t.flags
            .map((f) => f.id)
            .sort()
            .join(',')}|score:${t.overallScore !== null && t.overallScore < th.maxScore ? 'low' : 'ok'}`,
        };
      });
    },
  };
}

export function firstSessionFailureChecker(
  reader: FirstSessionReader,
  th: AlertThresholds['firstSession'] = ALERT_THRESHOLDS.firstSession,
): AlertChecker {
  return {
    name: 'first-session-failure-rate',
    types: ['first_session_failure_rate'],
    resolvesWhenCleared: true,
    async run(ctx: CheckContext) {
      const now = ctx.now;
      const from = new Date(now.getTime() - th.windowDays * DAY_MS);
      const baseFrom = new Date(from.getTime() - th.baselineDays * DAY_MS);
      const [window, baseline] = await Promise.all([
        reader.firstSessionTotals(from, now),
        reader.firstSessionTotals(baseFrom, from),
      ]);
      const d = firstSessionDecision(window, baseline, th);
      if (!d.alert) return [];
      const base = d.baselineRate === null ? 'no baseline' : `baseline ${pct(d.baselineRate)}`;
      return [
        {
          type: 'first_session_failure_rate',
          severity: d.severity,
          dedupeKey: 'first_session_failure_rate:marketplace',
          title: `First-session failure rate ${pct(d.rate)} over ${th.windowDays} days`,
          description:
            `${window.poorFirst} of ${window.firstSessions} first sessions in the last ${th.windowDays} days were poor ` +
            `(${base}); threshold ${pct(th.rate)}.`,
          evidence: {
            ids: {},
            metrics: {
              rate: round(d.rate, 4),
              first_sessions: window.firstSessions,
              poor_first_sessions: window.poorFirst,
              baseline_rate: d.baselineRate === null ? null : round(d.baselineRate, 4),
              window_days: th.windowDays,
            },
            links: [{ label: 'Quality analytics', href: '/quality/analytics' }],
          },
          // One piece of evidence a day: the operator who resolved today's is asked again tomorrow if it persists.
          evidenceKey: `day:${isoDay(now)}`,
        },
      ];
    },
  };
}

export function churnRiskChecker(
  reader: ChurnRiskReader,
  th: AlertThresholds['churn'] = ALERT_THRESHOLDS.churn,
): AlertChecker {
  return {
    name: 'churn-risk',
    types: ['churn_risk'],
    async run(ctx) {
      const since = new Date(ctx.now.getTime() - th.lookbackHours * HOUR_MS);
      const changes = await reader.listTierChanges(since);
      return changes
        .filter((c) => c.toTier === 'high' || c.toTier === 'critical')
        .map((c): AlertCandidate => {
          const who = c.customerName ? `${c.customerName} (${c.customerId})` : c.customerId;
          const top = c.topFactors[0];
          return {
            type: 'churn_risk',
            severity: churnSeverity(c.toTier),
            dedupeKey: `churn_risk:${c.customerId}`,
            title: `Customer ${who} moved to ${c.toTier} churn risk`,
            description:
              `Churn risk ${round(c.probability, 2)} (${c.fromTier ?? 'unscored'} → ${c.toTier})` +
              (top ? `; top factor: ${top.label}.` : '.'),
            evidence: {
              ids: { customer: [c.customerId] },
              metrics: {
                probability: round(c.probability, 4),
                from_tier: c.fromTier,
                to_tier: c.toTier,
                scored_at: c.scoredAt.toISOString(),
                ...Object.fromEntries(c.topFactors.slice(0, 3).map((f, i) => [`factor_${i + 1}`, f.label])),
              },
              links: [
                {
                  label: 'Customer health',
                  href: `/operations/customers/${encodeURIComponent(c.customerId)}`,
                },
              ],
            },
            evidenceKey: `tier:${c.toTier}:${c.scoredAt.toISOString()}`,
          };
        });
    },
  };
}

export function supplyShortageChecker(
  reader: SupplyShortageReader,
  th: AlertThresholds['shortage'] = ALERT_THRESHOLDS.shortage,
): AlertChecker {
  return {
    name: 'supply-shortage',
    types: ['supply_shortage'],
    // A forecast that no longer shows the shortage (supply was added) clears it.
    resolvesWhenCleared: true,
    async run(ctx) {
      const from = new Date(Math.floor(ctx.now.getTime() / HOUR_MS) * HOUR_MS);
      const to = new Date(from.getTime() + th.horizonHours * HOUR_MS);
      const windows = shortageWindows(await reader.listShortageHours(from, to));
      const out: AlertCandidate[] = [];
      for (const w of windows) {
        const severity = shortageSeverity(w, ctx.now, th);
        if (!severity) continue;
        const name = w.subjectName ?? w.subject;
        const when = describeWindow(w.start, w.end);
        out.push({
          type: 'supply_shortage',
          severity,
          dedupeKey: `supply_shortage:${w.subject}:${isoHour(w.start)}`,
          title: `${name} shortage ${when}: ${round(w.shortage, 1)} sessions`,
          description:
            `Forecast demand (95 % upper bound) exceeds expected tutor supply for ${name} over ${w.hours} h from ` +
            `${w.start.toISOString()} (${when} UTC): ${round(w.shortage, 1)} sessions short, peak ${round(w.peakShortage, 1)} in one hour.`,
          evidence: {
            ids: { subject: [w.subject] },
            metrics: {
              shortage_sessions: round(w.shortage, 2),
              peak_shortage: round(w.peakShortage, 2),
              hours: w.hours,
              window_start: w.start.toISOString(),
              window_end: w.end.toISOString(),
            },
            links: [
              { label: 'Forecast', href: `/operations/forecasts?subject=${encodeURIComponent(w.subject)}` },
            ],
          },
          // Grows with the forecast: a larger shortage is new evidence, small wobbles are not.
          evidenceKey: `size:${Math.ceil(w.shortage)}`,
        });
      }
      return out;
    },
  };
}

export function supportCallSpikeChecker(
  reader: SupportCallReader,
  th: AlertThresholds['supportSpike'] = ALERT_THRESHOLDS.supportSpike,
): AlertChecker {
  return {
    name: 'support-call-spike',
    types: ['support_call_spike'],
    async run(ctx) {
      const now = new Date(Math.floor(ctx.now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
      const from = new Date(now.getTime() - (th.windowHours * HOUR_MS + th.baselineDays * DAY_MS));
      const d = supportSpikeDecision(await reader.hourlyCallCounts(from, now), now, th);
      if (!d.alert) return [];
      const reasons = d.topReasons.map((r) => `${r.reason} ${r.calls} (usually ${round(r.baseline, 1)})`);
      return [
        {
          type: 'support_call_spike',
          severity: d.severity,
          dedupeKey: `support_call_spike:${isoDay(startOfUtcDay(ctx.now))}`,
          title: `Support calls spiking: ${d.recent} in ${th.windowHours} h (usually ${round(d.baselineMean, 1)})`,
          description:
            `${d.recent} support calls in the last ${th.windowHours} h, ${round(d.ratio, 1)}× the ${th.baselineDays}-day ` +
            `average (z = ${round(d.z, 1)}). Top reasons: ${reasons.join(', ')}.`,
          evidence: {
            ids: { reason: d.topReasons.map((r) => r.reason) },
            metrics: {
              calls: d.recent,
              baseline_mean: round(d.baselineMean, 2),
              baseline_sd: round(d.baselineSd, 2),
              z: round(d.z, 2),
              ratio: round(d.ratio, 2),
            },
            links: [{ label: 'Support calls', href: '/operations/customers?sort=risk' }],
          },
          evidenceKey: `calls:${Math.floor(d.recent / 10) * 10}`,
        },
      ];
    },
  };
}

export function forecastAccuracyChecker(
  reader: ForecastAccuracyReader,
  th: AlertThresholds['forecastAccuracy'] = ALERT_THRESHOLDS.forecastAccuracy,
): AlertChecker {
  return {
    name: 'forecast-accuracy',
    types: ['forecast_accuracy_degraded'],
    resolvesWhenCleared: true,
    async run(ctx) {
      const since = isoDay(new Date(startOfUtcDay(ctx.now).getTime() - th.lookbackDays * DAY_MS));
      const days = await reader.listDailyAccuracy(since);
      // The latest day compared, per subject.
      const latest = new Map<string, (typeof days)[number]>();
      for (const d of days) {
        const cur = latest.get(d.subject);
        if (!cur || d.day > cur.day) latest.set(d.subject, d);
      }
      const out: AlertCandidate[] = [];
      for (const d of latest.values()) {
        const severity = accuracySeverity(d, th);
        if (!severity) continue;
        const name = d.subjectName ?? d.subject;
        const what = [
          d.mase !== null && d.mase > th.maxMase ? `MASE ${round(d.mase, 2)} (limit ${th.maxMase})` : null,
          d.coverage !== null && d.coverage < th.minCoverage
            ? `interval coverage ${pct(d.coverage)} (limit ${pct(th.minCoverage)})`
            : null,
        ].filter(Boolean);
        out.push({
          type: 'forecast_accuracy_degraded',
          severity,
          dedupeKey: `forecast_accuracy_degraded:${d.subject}`,
          title: `${name} forecast accuracy degraded on ${d.day}`,
          description: `${what.join('; ')}; MAE ${round(d.mae, 2)} sessions over ${d.hours} hours.`,
          evidence: {
            ids: { subject: [d.subject] },
            metrics: { day: d.day, mae: round(d.mae, 3), mase: d.mase, coverage: d.coverage, hours: d.hours },
            links: [
              {
                label: 'Forecast accuracy',
                href: `/operations/forecasts?subject=${encodeURIComponent(d.subject)}`,
              },
            ],
          },
          evidenceKey: `day:${d.day}`,
        });
      }
      return out;
    },
  };
}
