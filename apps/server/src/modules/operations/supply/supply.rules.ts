/**
 * Pure rules of the supply side (no I/O): local wall-clock times to UTC in a time zone, a tutor's weekly
 * availability and dated exceptions laid on the hours of a forecast window, the reliability discount of a
 * tutor (observed no-shows and cancellations, shrunk toward the population on small samples), and the
 * imbalances between forecast demand and expected supply with their size and severity.
 */

export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `t`, in ms (New York in winter: −5 h). */
export function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The UTC instant of a local date and wall-clock time (`HH:MM[:SS]`, `24:00` = next midnight) in a zone. */
export function localToUtc(date: string, clock: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = clock.split(':').map(Number) as [number, number, number | undefined];
  const naive = Date.UTC(y, m - 1, d, hh, mm, ss ?? 0);
  // Two passes settle DST changes (a wall time in a gap lands after it).
  let t = naive - zoneOffsetMs(naive, timeZone);
  t = naive - zoneOffsetMs(t, timeZone);
  return t;
}

/** Local calendar date (`YYYY-MM-DD`) and ISO weekday (1 = Monday) of an instant in a zone. */
export function localDay(t: number, timeZone: string): { date: string; weekday: number } {
  const local = new Date(t + zoneOffsetMs(t, timeZone));
  const date = local.toISOString().slice(0, 10);
  const weekday = ((local.getUTCDay() + 6) % 7) + 1;
  return { date, weekday };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// Availability on the hours of a window

export type WeeklySlot = {
  tutorId: string;
  subjectId: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  start: string;
  end: string;
  timeZone: string;
};

export type AvailabilityException = {
  tutorId: string;
  /** null: every subject of the tutor. */
  subjectId: string | null;
  date: string;
  /** null with end null: the whole day. */
  start: string | null;
  end: string | null;
  available: boolean;
  timeZone: string;
};

type Interval = [number, number];

function subtract(intervals: Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of intervals) {
    if (cut[1] <= a || cut[0] >= b) out.push([a, b]);
    else {
      if (cut[0] > a) out.push([a, cut[0]]);
      if (cut[1] < b) out.push([cut[1], b]);
    }
  }
  return out;
}

/**
 * Per subject and tutor, the share of each hour of [from, from + hours·1h) the tutor is available for the
 * subject (0–1), after the exceptions: time off removes hours, extra hours add them.
 */
export function availabilityByHour(
  slots: readonly WeeklySlot[],
  exceptions: readonly AvailabilityException[],
  window: { from: number; hours: number },
): Map<string, Map<string, Float64Array>> {
  const { from, hours } = window;
  const to = from + hours * HOUR_MS;
  // Intervals per tutor and subject, in UTC ms.
  const intervals = new Map<string, Map<string, Interval[]>>();
  const push = (tutorId: string, subjectId: string, iv: Interval) => {
    let bySubject = intervals.get(tutorId);
    if (!bySubject) intervals.set(tutorId, (bySubject = new Map()));
    const list = bySubject.get(subjectId) ?? [];
    list.push(iv);
    bySubject.set(subjectId, list);
  };
  for (const s of slots) {
    // Every local date that can overlap the window (a day of margin each side for the zone's offset).
    const first = localDay(from - DAY_MS, s.timeZone).date;
    for (let d = 0; d <= Math.ceil(hours / 24) + 2; d++) {
      const date = addDays(first, d);
      const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
      if (weekday !== s.weekday) continue;
      const a = localToUtc(date, s.start, s.timeZone);
      const b = localToUtc(date, s.end, s.timeZone);
      if (b > from && a < to) push(s.tutorId, s.subjectId, [Math.max(a, from), Math.min(b, to)]);
    }
  }
  for (const e of exceptions) {
    const a = localToUtc(e.date, e.start ?? '00:00', e.timeZone);
    const b = e.end
      ? localToUtc(e.date, e.end, e.timeZone)
      : localToUtc(addDays(e.date, 1), '00:00', e.timeZone);
    if (b <= from || a >= to) continue;
    const cut: Interval = [Math.max(a, from), Math.min(b, to)];
    const bySubject = intervals.get(e.tutorId);
    if (e.available) {
      if (e.subjectId) push(e.tutorId, e.subjectId, cut);
      else for (const subject of bySubject?.keys() ?? []) push(e.tutorId, subject, cut);
      continue;
    }
    if (!bySubject) continue;
    for (const [subject, list] of bySubject) {
      if (e.subjectId && e.subjectId !== subject) continue;
      let next = list;
      next = subtract(next, cut);
      bySubject.set(subject, next);
    }
  }
  const out = new Map<string, Map<string, Float64Array>>();
  for (const [tutorId, bySubject] of intervals) {
    for (const [subjectId, list] of bySubject) {
      const share = new Float64Array(hours);
      // Union of overlapping intervals (extra hours over a weekly slot count once).
      const merged = [...list].sort((x, y) => x[0] - y[0]);
      let cur: Interval | null = null;
      const union: Interval[] = [];
      for (const iv of merged) {
        if (cur && iv[0] <= cur[1]) cur[1] = Math.max(cur[1], iv[1]);
        else {
          if (cur) union.push(cur);
          cur = [iv[0], iv[1]];
        }
      }
      if (cur) union.push(cur);
      for (const [a, b] of union) {
        for (let h = Math.floor((a - from) / HOUR_MS); h < hours && from + h * HOUR_MS < b; h++) {
          const hs = from + h * HOUR_MS;
          const overlap = Math.min(b, hs + HOUR_MS) - Math.max(a, hs);
          if (overlap > 0) share[h] = Math.min(1, share[h]! + overlap / HOUR_MS);
        }
      }
      let bySubjectOut = out.get(subjectId);
      if (!bySubjectOut) out.set(subjectId, (bySubjectOut = new Map()));
      bySubjectOut.set(tutorId, share);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Reliability and expected supply

export type TutorReliabilityInput = {
  /** Sessions in the window and those the tutor joined. */
  sessions: number;
  joined: number;
  /** Bookings in the window and those the tutor cancelled (plus tutor-initiated reschedules). */
  bookings: number;
  tutorCancellations: number;
};

/** Pseudo-observations that pull a small sample toward the population rate. */
export const RELIABILITY_PRIOR_WEIGHT = 20;

/**
 * Share of a tutor's available hours expected to become delivered sessions: 1 − no-show rate − cancellation
 * rate, each shrunk toward the population's rate with RELIABILITY_PRIOR_WEIGHT pseudo-observations, floored at 0.
 */
export function reliability(
  t: TutorReliabilityInput,
  population: { noShowRate: number; cancelRate: number },
): { noShowRate: number; cancelRate: number; factor: number } {
  const w = RELIABILITY_PRIOR_WEIGHT;
  const noShowRate = (t.sessions - t.joined + w * population.noShowRate) / (t.sessions + w);
  const cancelRate = (t.tutorCancellations + w * population.cancelRate) / (t.bookings + w);
  return { noShowRate, cancelRate, factor: Math.max(0, 1 - noShowRate - cancelRate) };
}

/** Expected sessions per hour for one subject: Σ tutors (share of the hour available × reliability). */
export function expectedSupply(
  byTutor: ReadonlyMap<string, Float64Array>,
  factorOf: (tutorId: string) => number,
  hours: number,
): { expected: Float64Array; tutors: Int32Array } {
  const expected = new Float64Array(hours);
  const tutors = new Int32Array(hours);
  for (const [tutorId, share] of byTutor) {
    const f = factorOf(tutorId);
    for (let h = 0; h < hours; h++) {
      const s = share[h]!;
      if (s <= 0) continue;
      expected[h] = expected[h]! + s * f;
      if (s >= 0.5) tutors[h] = tutors[h]! + 1;
    }
  }
  return { expected, tutors };
}

// ---------------------------------------------------------------------------------------------------------
// Imbalances

export type ImbalanceSeverity = 'low' | 'medium' | 'high' | 'critical';

export type ImbalanceThresholds = {
  /** An hour is short when demand's upper bound exceeds expected supply by at least this many sessions. */
  minShortage: number;
  /**
   * … and its typical (mean) demand is at least this: an hour that is usually empty, whose upper bound is a
   * fraction of one session, is not a shortage an operator can act on.
   */
  minDemandMean: number;
};

export const IMBALANCE_THRESHOLDS: ImbalanceThresholds = { minShortage: 0.5, minDemandMean: 0.25 };

export type HourBalance = { hour: number; demandMean: number; demandHi: number; supply: number };

export type Imbalance = {
  startHour: number;
  /** Exclusive. */
  endHour: number;
  hours: number;
  /** Largest and summed (demand upper bound − expected supply), in sessions. */
  peakShortage: number;
  totalShortage: number;
  peakDemandHi: number;
  minSupply: number;
  severity: ImbalanceSeverity;
};

/**
 * Severity of a run of short hours: critical when supply covers at most half of the typical (mean) demand at
 * the worst hour, high when it falls below the mean demand, medium when the upper bound exceeds supply by a
 * quarter or more, low otherwise (only a busy hour would run short).
 */
export function severityOf(worst: {
  demandMean: number;
  demandHi: number;
  supply: number;
}): ImbalanceSeverity {
  const { demandMean, demandHi, supply } = worst;
  if (demandMean >= 1 && supply <= 0.5 * demandMean) return 'critical';
  if (supply < demandMean) return 'high';
  if (demandHi - supply >= 0.25 * demandHi) return 'medium';
  return 'low';
}

const SEVERITY_RANK: Record<ImbalanceSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const severityRank = (s: ImbalanceSeverity) => SEVERITY_RANK[s];

/** Hours (in order, one hour apart) where demand's upper bound exceeds supply, merged into contiguous runs. */
export function findImbalances(
  balance: readonly HourBalance[],
  thresholds: ImbalanceThresholds = IMBALANCE_THRESHOLDS,
): Imbalance[] {
  const out: Imbalance[] = [];
  let run: HourBalance[] = [];
  const close = () => {
    if (run.length === 0) return;
    let peak = run[0]!;
    let severity: ImbalanceSeverity = 'low';
    let total = 0;
    for (const h of run) {
      const short = h.demandHi - h.supply;
      total += short;
      if (short > peak.demandHi - peak.supply) peak = h;
      const s = severityOf(h);
      if (SEVERITY_RANK[s] > SEVERITY_RANK[severity]) severity = s;
    }
    out.push({
      startHour: run[0]!.hour,
      endHour: run.at(-1)!.hour + HOUR_MS,
      hours: run.length,
      peakShortage: peak.demandHi - peak.supply,
      totalShortage: total,
      peakDemandHi: Math.max(...run.map((h) => h.demandHi)),
      minSupply: Math.min(...run.map((h) => h.supply)),
      severity,
    });
    run = [];
  };
  for (const h of balance) {
    const short = h.demandHi - h.supply >= thresholds.minShortage && h.demandMean >= thresholds.minDemandMean;
    if (short && (run.length === 0 || h.hour === run.at(-1)!.hour + HOUR_MS)) run.push(h);
    else {
      close();
      if (short) run.push(h);
    }
  }
  close();
  return out;
}
