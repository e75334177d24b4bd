/**
 * Pure rules of the alert engine: thresholds, the lifecycle's legal transitions, evidence merging, and the
 * decisions each checker makes from its figures. No I/O: tested with tables of cases (rules.test.ts).
 */
import { createHash } from 'node:crypto';
import type { AlertEvidence, Priority, Severity } from './plugins';
import type { ShortageHour, SupportCallHour } from './ports';

export const ALERT_THRESHOLDS = {
  tutorQuality: { maxScore: 50, minConfidence: 0.5 },
  firstSession: {
    windowDays: 7,
    baselineDays: 28,
    minFirstSessions: 20,
    /** Rate at or above which an alert is raised, and the severities above it. */
    rate: 0.2,
    highRate: 0.3,
    criticalRate: 0.4,
  },
  churn: { lookbackHours: 24 },
  shortage: {
    horizonHours: 72,
    /** Shortage (sessions) summed over a window at or above which an alert is raised. */
    minSessions: 1,
    highSessions: 5,
    criticalSessions: 10,
    /** Windows starting within this many hours are one severity step more urgent. */
    soonHours: 24,
  },
  supportSpike: {
    windowHours: 24,
    baselineDays: 28,
    minCalls: 10,
    minRatio: 1.5,
    zHigh: 3,
    zCritical: 5,
  },
  forecastAccuracy: { lookbackDays: 3, maxMase: 1.2, criticalMase: 2, minCoverage: 0.8 },
} as const;

export type AlertThresholds = typeof ALERT_THRESHOLDS;

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const maxSeverity = (a: Severity, b: Severity): Severity =>
  SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
export const priorityOfSeverity = (s: Severity): Priority =>
  s === 'critical' ? 'urgent' : s === 'high' ? 'high' : s === 'medium' ? 'medium' : 'low';

// ---------------------------------------------------------------------------------------------------------
// Lifecycle

export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'dismissed';
export type AlertAction = 'acknowledge' | 'resolve' | 'dismiss';

const TARGET: Record<AlertAction, AlertStatus> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  dismiss: 'dismissed',
};

/** open → acknowledged → resolved | dismissed; open → resolved | dismissed; closed is final. */
export function nextStatus(from: AlertStatus, action: AlertAction): AlertStatus | null {
  if (from === 'resolved' || from === 'dismissed') return null;
  if (action === 'acknowledge' && from !== 'open') return null;
  return TARGET[action];
}

export const isActive = (s: AlertStatus) => s === 'open' || s === 'acknowledged';

// ---------------------------------------------------------------------------------------------------------
// Evidence

export const emptyEvidence = (): AlertEvidence => ({ ids: {}, metrics: {}, links: [] });

/** Keep evidence bounded: the newest ids are the useful ones. */
const MAX_IDS_PER_KIND = 100;

/** Ids and links are unions (newest last), metrics the latest. */
export function mergeEvidence(old: AlertEvidence, add: AlertEvidence): AlertEvidence {
  const ids: Record<string, string[]> = {};
  for (const kind of new Set([...Object.keys(old.ids), ...Object.keys(add.ids)])) {
    const merged = [...new Set([...(old.ids[kind] ?? []), ...(add.ids[kind] ?? [])])];
    ids[kind] = merged.slice(-MAX_IDS_PER_KIND);
  }
  const links = [...old.links];
  for (const l of add.links) if (!links.some((x) => x.href === l.href)) links.push(l);
  return { ids, metrics: { ...old.metrics, ...add.metrics }, links: links.slice(-20) };
}

/** The default evidence key: a hash of the evidence ids (kinds and ids sorted). */
export function evidenceKeyOf(e: AlertEvidence): string {
  const canonical = Object.keys(e.ids)
    .sort()
    .map((k) => [k, [...(e.ids[k] ?? [])].sort()]);
  return `ids:${createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Checker decisions

export function tutorQualitySeverity(t: {
  flags: Array<{ severity: Severity }>;
  overallScore: number | null;
  isHighRisk: boolean;
}): Severity {
  let s: Severity = 'medium';
  for (const f of t.flags) s = maxSeverity(s, f.severity);
  if (t.overallScore !== null && t.overallScore < 35) s = maxSeverity(s, 'high');
  if (t.isHighRisk) s = maxSeverity(s, 'high');
  return s;
}

export function firstSessionDecision(
  window: { firstSessions: number; poorFirst: number },
  baseline: { firstSessions: number; poorFirst: number },
  th: AlertThresholds['firstSession'] = ALERT_THRESHOLDS.firstSession,
): { alert: false } | { alert: true; severity: Severity; rate: number; baselineRate: number | null } {
  if (window.firstSessions < th.minFirstSessions) return { alert: false };
  const rate = window.poorFirst / window.firstSessions;
  if (rate < th.rate) return { alert: false };
  const baselineRate = baseline.firstSessions > 0 ? baseline.poorFirst / baseline.firstSessions : null;
  const severity: Severity = rate >= th.criticalRate ? 'critical' : rate >= th.highRate ? 'high' : 'medium';
  return { alert: true, severity, rate, baselineRate };
}

export function churnSeverity(toTier: 'high' | 'critical' | string): Severity {
  return toTier === 'critical' ? 'critical' : 'high';
}

export type ShortageWindow = {
  subject: string;
  subjectName: string | null;
  /** First hour of the window and the hour after its last. */
  start: Date;
  end: Date;
  hours: number;
  shortage: number;
  peakShortage: number;
};

const HOUR_MS = 3_600_000;

/** Consecutive shortage hours of a subject, grouped into windows (a gap of an hour or more splits them). */
export function shortageWindows(hours: ShortageHour[]): ShortageWindow[] {
  const bySubject = new Map<string, ShortageHour[]>();
  for (const h of hours) {
    if (!(h.shortage > 0)) continue;
    const list = bySubject.get(h.subject) ?? [];
    list.push(h);
    bySubject.set(h.subject, list);
  }
  const out: ShortageWindow[] = [];
  for (const [subject, list] of bySubject) {
    list.sort((a, b) => a.hour.getTime() - b.hour.getTime());
    let cur: ShortageWindow | null = null;
    for (const h of list) {
      if (cur && h.hour.getTime() === cur.end.getTime()) {
        cur.end = new Date(h.hour.getTime() + HOUR_MS);
        cur.hours++;
        cur.shortage += h.shortage;
        cur.peakShortage = Math.max(cur.peakShortage, h.shortage);
      } else {
        if (cur) out.push(cur);
        cur = {
          subject,
          subjectName: h.subjectName,
          start: h.hour,
          end: new Date(h.hour.getTime() + HOUR_MS),
          hours: 1,
          shortage: h.shortage,
          peakShortage: h.shortage,
        };
      }
    }
    if (cur) out.push(cur);
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.subject.localeCompare(b.subject));
}

export function shortageSeverity(
  w: Pick<ShortageWindow, 'shortage' | 'start'>,
  now: Date,
  th: AlertThresholds['shortage'] = ALERT_THRESHOLDS.shortage,
): Severity | null {
  if (w.shortage < th.minSessions) return null;
  let s: Severity =
    w.shortage >= th.criticalSessions ? 'critical' : w.shortage >= th.highSessions ? 'high' : 'medium';
  const soon = w.start.getTime() - now.getTime() <= th.soonHours * HOUR_MS;
  if (soon && s !== 'critical') s = s === 'high' ? 'critical' : 'high';
  return s;
}

export type SpikeDecision =
  | { alert: false; recent: number; baselineMean: number }
  | {
      alert: true;
      severity: Severity;
      recent: number;
      baselineMean: number;
      baselineSd: number;
      z: number;
      ratio: number;
      topReasons: Array<{ reason: string; calls: number; baseline: number }>;
    };

/**
 * Calls in the last `windowHours` against the same-length windows of the `baselineDays` before: alert when the
 * count is at least `minCalls`, `minRatio` times the baseline mean and `zHigh` standard deviations above it.
 */
export function supportSpikeDecision(
  hours: SupportCallHour[],
  now: Date,
  th: AlertThresholds['supportSpike'] = ALERT_THRESHOLDS.supportSpike,
): SpikeDecision {
  const windowMs = th.windowHours * HOUR_MS;
  const start = now.getTime() - windowMs;
  const nBase = Math.floor((th.baselineDays * 24) / th.windowHours);
  const base = new Array<number>(nBase).fill(0);
  const baseByReason = new Map<string, number>();
  const recentByReason = new Map<string, number>();
  let recent = 0;
  for (const h of hours) {
    const t = h.hour.getTime();
    if (t >= start && t < now.getTime()) {
      recent += h.calls;
      recentByReason.set(h.reason, (recentByReason.get(h.reason) ?? 0) + h.calls);
    } else if (t < start) {
      const i = Math.floor((start - 1 - t) / windowMs);
      if (i < nBase) {
        base[i]! += h.calls;
        baseByReason.set(h.reason, (baseByReason.get(h.reason) ?? 0) + h.calls);
      }
    }
  }
  const mean = base.reduce((a, b) => a + b, 0) / nBase;
  const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, nBase - 1));
  // A flat baseline has no spread: count the Poisson noise of its mean instead of dividing by zero.
  const spread = Math.max(sd, Math.sqrt(Math.max(mean, 1)));
  const z = (recent - mean) / spread;
  const ratio = mean > 0 ? recent / mean : Infinity;
  if (recent < th.minCalls || ratio < th.minRatio || z < th.zHigh) {
    return { alert: false, recent, baselineMean: mean };
  }
  const topReasons = [...recentByReason.entries()]
    .map(([reason, calls]) => ({ reason, calls, baseline: (baseByReason.get(reason) ?? 0) / nBase }))
    .sort((a, b) => b.calls - b.baseline - (a.calls - a.baseline))
    .slice(0, 3);
  return {
    alert: true,
    severity: z >= th.zCritical ? 'critical' : 'high',
    recent,
    baselineMean: mean,
    baselineSd: sd,
    z,
    ratio,
    topReasons,
  };
}

export function accuracySeverity(
  d: { mase: number | null; coverage: number | null },
  th: AlertThresholds['forecastAccuracy'] = ALERT_THRESHOLDS.forecastAccuracy,
): Severity | null {
  const maseBad = d.mase !== null && d.mase > th.maxMase;
  const coverageBad = d.coverage !== null && d.coverage < th.minCoverage;
  if (!maseBad && !coverageBad) return null;
  if (d.mase !== null && d.mase >= th.criticalMase) return 'high';
  return 'medium';
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `Sunday 18–21 h` (UTC). */
export function describeWindow(start: Date, end: Date): string {
  const endHour = end.getUTCHours() === 0 && end.getTime() > start.getTime() ? 24 : end.getUTCHours();
  return `${WEEKDAYS[start.getUTCDay()]} ${start.getUTCHours()}–${endHour} h`;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
export const pct = (x: number) => `${round(x * 100, 1)}%`;
