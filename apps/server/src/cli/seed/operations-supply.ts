/**
 * The operations seed's supply side, with planted ground truth:
 *
 * - **Planted demand** (pure, `generatePlantedDemand`): hourly sessions per subject with the demo's daily and
 *   weekly shape (weekday evenings peaking 17–20 h, flatter weekends, platform time UTC−5), each subject's
 *   share of the marketplace (the catalog's demand weights), slow growth, school holidays (demand × 0.3) and
 *   test-prep weeks (the SAT/ACT subjects × 1.8 in the week before a test date); Poisson counts.
 * - **Planted availability** (pure, `planAvailability`): per subject, weekday and local hour, enough tutors to
 *   cover a busy hour (expected demand + 2.5 standard deviations + 1, over the tutors' reliability), except in
 *   planted shortage windows (subject × weekday × 2–4 hours among the busy ones) where availability is cut to
 *   40 % of the expected demand. Tutors are stacked (tutor k is available when k < capacity), so each one gets
 *   contiguous weekly slots.
 * - **Demo writer** (`seedOperationsSupply`): for the seeded marketplace, the weekly demand profile measured
 *   from its own session history (through the sessions module), availability for the seeded tutors (their own
 *   subjects first), future bookings for the next 7 days (a share of the expected demand, larger for the next
 *   days) with a few cancellations, all through the supply ingestion handlers, and the truth file.
 *
 * The same seed gives the same data.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/client';
import {
  availabilityIngestHandler,
  bookingIngestHandler,
  cancellationIngestHandler,
} from '../../modules/operations/index';
import { subjectHourlyStarts } from '../../modules/sessions/index';
import { SUBJECTS } from './catalog';
import { createRng } from './random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Platform time, as the demo generator: a fixed UTC−05:00 (IANA's POSIX-style name). */
export const PLATFORM_TIME_ZONE = 'Etc/GMT+5';
const OFFSET = -5 * HOUR;

/** Monday first, mean 1 (the demo generator's weekday factors). */
const DOW = normalise([0.85, 1.15, 1.2, 1.15, 1.1, 0.8, 0.6]);
const FIRST_HOUR = 7;
const HOURS: Record<'weekday' | 'saturday' | 'sunday', number[]> = {
  weekday: [0.6, 0.6, 0.8, 1, 1, 1.1, 1.2, 1.8, 3.5, 6, 7.5, 8.5, 8.5, 7, 4, 1],
  saturday: [0.3, 1, 3, 4.5, 5, 4.5, 4.5, 4.5, 4.5, 4.5, 4, 3.5, 3.5, 2.5, 1.5, 0.4],
  sunday: [0.3, 0.8, 2.5, 4, 4.5, 4, 4, 4.5, 4.5, 5, 5, 5.5, 6, 5, 2.5, 0.6],
};

/** School closures planted in the demand (and given to the forecaster as its holiday calendar). */
export const PLANTED_SCHOOL_HOLIDAYS = [
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-11-27',
  '2026-12-24',
  '2026-12-25',
  '2026-12-31',
  '2027-01-01',
];
export const HOLIDAY_FACTOR = 0.3;
/** Test dates (SAT, ACT): their subjects' demand × TEST_PREP_FACTOR in the 7 days before. */
export const TEST_DATES: Record<'test-math' | 'test-verbal', string[]> = {
  'test-math': ['2026-10-03', '2026-11-07', '2026-12-05', '2026-10-24', '2026-12-12'],
  'test-verbal': ['2026-10-03', '2026-11-07', '2026-12-05'],
};
export const TEST_PREP_FACTOR = 1.8;
/** Sessions a day at scale 1, as the demo generator. */
export const SESSIONS_PER_DAY = 3000;

export type PlantedDemandSeries = {
  id: string;
  /** Expected sessions starting in each hour (what a perfect forecaster would say). */
  expected: Float64Array;
  /** Observed sessions (Poisson). */
  values: number[];
};

export type PlantedDemand = {
  /** Start of the first hour (UTC ms). */
  start: number;
  hours: number;
  series: PlantedDemandSeries[];
  holidays: string[];
  testPrepWeeks: Array<{ subject_id: string; from: string; to: string }>;
  timeZone: string;
};

function localParts(t: number): { date: string; dow: number; hour: number } {
  const local = new Date(t + OFFSET);
  return {
    date: local.toISOString().slice(0, 10),
    dow: (local.getUTCDay() + 6) % 7, // Monday 0
    hour: local.getUTCHours(),
  };
}

/** Share of a day's sessions in a local hour (0 outside 7–22 h). */
function hourShare(dow: number, hour: number): number {
  const w = HOURS[dow === 5 ? 'saturday' : dow === 6 ? 'sunday' : 'weekday'];
  const slot = hour - FIRST_HOUR;
  return slot >= 0 && slot < w.length ? w[slot]! / sum(w) : 0;
}

export function generatePlantedDemand(opts: {
  seed: number;
  /** End of the last hour (UTC ms). */
  end: number;
  days: number;
  scale?: number;
}): PlantedDemand {
  const rng = createRng(`planted-demand/${opts.seed}`);
  const hours = opts.days * 24;
  const start = opts.end - hours * HOUR;
  const totalWeight = sum(SUBJECTS.map((s) => s.demand));
  const perDay = SESSIONS_PER_DAY * (opts.scale ?? 1);
  const holidays = new Set(PLANTED_SCHOOL_HOLIDAYS);
  const dayNoise = Array.from({ length: opts.days + 2 }, () => 1 + rng.normal(0, 0.04));
  const prepDays = new Map<string, Set<string>>();
  const testPrepWeeks: PlantedDemand['testPrepWeeks'] = [];
  for (const s of SUBJECTS) {
    if (s.kind !== 'test-math' && s.kind !== 'test-verbal') continue;
    const days = new Set<string>();
    for (const d of TEST_DATES[s.kind]) {
      const testDay = Date.parse(`${d}T00:00:00Z`);
      for (let k = 1; k <= 7; k++) days.add(new Date(testDay - k * DAY).toISOString().slice(0, 10));
      testPrepWeeks.push({
        subject_id: s.id,
        from: new Date(testDay - 7 * DAY).toISOString().slice(0, 10),
        to: new Date(testDay - DAY).toISOString().slice(0, 10),
      });
    }
    prepDays.set(s.id, days);
  }
  const series = SUBJECTS.map((s) => {
    const subjectRng = rng.fork(s.id);
    const daily = (perDay * s.demand) / totalWeight;
    const expected = new Float64Array(hours);
    const values: number[] = [];
    const prep = prepDays.get(s.id);
    for (let i = 0; i < hours; i++) {
      const t = start + i * HOUR;
      const { date, dow, hour } = localParts(t);
      const day = Math.floor(i / 24);
      const growth = 1 + (0.08 * i) / hours;
      const factor =
        (holidays.has(date) ? HOLIDAY_FACTOR : 1) * (prep?.has(date) ? TEST_PREP_FACTOR : 1) * dayNoise[day]!;
      const lambda = daily * DOW[dow]! * hourShare(dow, hour) * growth * factor;
      expected[i] = lambda;
      values.push(subjectRng.poisson(lambda));
    }
    return { id: s.id, expected, values };
  });
  return { start, hours, series, holidays: [...holidays], testPrepWeeks, timeZone: PLATFORM_TIME_ZONE };
}

// ---------------------------------------------------------------------------------------------------------
// Availability with planted shortages

/** Expected sessions per subject, local weekday (0 = Monday) and local hour: 7 × 24 values. */
export type WeeklyProfile = Map<string, Float64Array>;

export type PlantedShortage = {
  subject_id: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Local hours [start_hour, end_hour) in PLATFORM_TIME_ZONE. */
  start_hour: number;
  end_hour: number;
  expected_demand: number[];
  capacity: number[];
};

export type PlannedSlot = {
  tutorKey: number;
  subjectId: string;
  weekday: number;
  start: string;
  end: string;
};

/** Reliability the capacity plan assumes (the population's typical share of hours delivered). */
export const PLAN_RELIABILITY = 0.95;
export const SHORTAGE_SHARE = 0.4;

/** Hours a healthy plan covers: demand + 2.5 standard deviations (Poisson) + 1, over the reliability. */
export function healthyCapacity(expected: number): number {
  if (expected < 0.02) return 0;
  return Math.ceil((expected + 2.5 * Math.sqrt(expected) + 1) / PLAN_RELIABILITY);
}

/**
 * Capacity per subject × weekday × hour, and the planted shortages: `count` windows of 2–4 hours among busy
 * hours (expected ≥ minDemand), at most one per subject, with capacity cut to SHORTAGE_SHARE of the demand.
 */
export function planAvailability(
  profile: WeeklyProfile,
  opts: { seed: number; count: number; minDemand: number },
): { capacity: Map<string, Int32Array>; shortages: PlantedShortage[]; slots: PlannedSlot[] } {
  const rng = createRng(`planted-shortages/${opts.seed}`);
  const capacity = new Map<string, Int32Array>();
  for (const [subject, e] of profile) capacity.set(subject, Int32Array.from(e, healthyCapacity));
  // Candidate windows: start hours where every hour of a 3-hour window is busy.
  const candidates: Array<{ subject: string; dow: number; hour: number; len: number }> = [];
  for (const [subject, e] of profile) {
    for (let dow = 0; dow < 7; dow++) {
      for (let h = 7; h <= 19; h++) {
        const len = 2 + ((dow + h) % 3);
        let busy = true;
        for (let k = 0; k < len; k++) if (!(e[dow * 24 + h + k]! >= opts.minDemand)) busy = false;
        if (busy) candidates.push({ subject, dow, hour: h, len });
      }
    }
  }
  const shortages: PlantedShortage[] = [];
  const used = new Set<string>();
  for (const c of rng.shuffle(candidates)) {
    if (shortages.length >= opts.count) break;
    if (used.has(c.subject)) continue;
    used.add(c.subject);
    const e = profile.get(c.subject)!;
    const cap = capacity.get(c.subject)!;
    const demand: number[] = [];
    const caps: number[] = [];
    for (let k = 0; k < c.len; k++) {
      const i = c.dow * 24 + c.hour + k;
      cap[i] = Math.floor(SHORTAGE_SHARE * e[i]!);
      demand.push(round(e[i]!));
      caps.push(cap[i]!);
    }
    shortages.push({
      subject_id: c.subject,
      weekday: c.dow + 1,
      start_hour: c.hour,
      end_hour: c.hour + c.len,
      expected_demand: demand,
      capacity: caps,
    });
  }
  shortages.sort((a, b) => a.subject_id.localeCompare(b.subject_id));
  // Stack tutors: tutor k of a subject is available in the hours where k < capacity (contiguous runs).
  const slots: PlannedSlot[] = [];
  for (const [subject, cap] of capacity) {
    for (let dow = 0; dow < 7; dow++) {
      const max = Math.max(...cap.subarray(dow * 24, dow * 24 + 24));
      for (let k = 0; k < max; k++) {
        let runStart = -1;
        for (let h = 0; h <= 24; h++) {
          const on = h < 24 && cap[dow * 24 + h]! > k;
          if (on && runStart < 0) runStart = h;
          if (!on && runStart >= 0) {
            slots.push({
              tutorKey: k,
              subjectId: subject,
              weekday: dow + 1,
              start: `${String(runStart).padStart(2, '0')}:00`,
              end: `${String(h).padStart(2, '0')}:00`,
            });
            runStart = -1;
          }
        }
      }
    }
  }
  return { capacity, shortages, slots };
}

/** The weekly profile of a series: mean per (local weekday, hour) over its last `weeks` weeks, holidays skipped. */
export function weeklyProfileOf(
  start: number,
  values: ArrayLike<number>,
  opts: { weeks: number; holidays?: readonly string[] },
): Float64Array {
  const holidays = new Set(opts.holidays ?? []);
  const sums = new Float64Array(168);
  const counts = new Float64Array(168);
  const from = Math.max(0, values.length - opts.weeks * 168);
  for (let i = from; i < values.length; i++) {
    const { date, dow, hour } = localParts(start + i * HOUR);
    if (holidays.has(date)) continue;
    sums[dow * 24 + hour]! += values[i]!;
    counts[dow * 24 + hour]! += 1;
  }
  return sums.map((s, i) => (counts[i]! > 0 ? s / counts[i]! : 0));
}

/** Whether a UTC hour falls in a planted shortage window (local platform time). */
export function isPlantedShortageHour(
  shortages: readonly PlantedShortage[],
  subject: string,
  t: number,
): boolean {
  const { dow, hour } = localParts(t);
  return shortages.some(
    (s) => s.subject_id === subject && s.weekday === dow + 1 && hour >= s.start_hour && hour < s.end_hour,
  );
}

// ---------------------------------------------------------------------------------------------------------
// The demo writer

export type SupplySeedResult = {
  tutorsWithAvailability: number;
  slots: number;
  bookings: number;
  cancellations: number;
  shortages: PlantedShortage[];
  truthPath: string | null;
};

export async function seedOperationsSupply(opts: {
  db: Db;
  seed: number;
  now: Date;
  tutors: Array<{ id: string; subjectIds: string[] }>;
  students: Array<{ id: string }>;
  truthPath: string | null;
  /** Planted shortage windows (default 8). */
  shortages?: number;
}): Promise<SupplySeedResult> {
  const { db, now } = opts;
  const rng = createRng(`operations-supply/${opts.seed}`);
  const weeks = 8;
  const nowHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const from = nowHour - weeks * 7 * DAY;
  const starts = await subjectHourlyStarts(db, { from: new Date(from), to: new Date(nowHour) });
  const bySubject = new Map<string, number[]>();
  for (const s of starts) {
    let v = bySubject.get(s.subjectId);
    if (!v) bySubject.set(s.subjectId, (v = new Array<number>(weeks * 168).fill(0)));
    const k = (s.hour.getTime() - from) / HOUR;
    if (k >= 0 && k < v.length) v[k] = s.sessions;
  }
  const profile: WeeklyProfile = new Map();
  for (const [subject, values] of bySubject)
    profile.set(subject, weeklyProfileOf(from, values, { weeks, holidays: PLANTED_SCHOOL_HOLIDAYS }));
  // Shortages among the busier hours of this marketplace (a small demo has small numbers).
  const peak = Math.max(0, ...[...profile.values()].flatMap((p) => [...p]));
  const plan = planAvailability(profile, {
    seed: opts.seed,
    count: opts.shortages ?? 8,
    minDemand: Math.max(0.3, peak * 0.25),
  });

  // Tutor k of a subject: the subject's own tutors first, then the others (a small demo has few per subject).
  const ordered = [...opts.tutors].sort((a, b) => a.id.localeCompare(b.id));
  const tutorFor = (subject: string, k: number): string => {
    const own = ordered.filter((t) => t.subjectIds.includes(subject));
    const rest = ordered.filter((t) => !t.subjectIds.includes(subject));
    const list = [...own, ...rest];
    return list[k % list.length]!.id;
  };
  const weekly = new Map<
    string,
    Array<{ subject_id: string; weekday: number; start: string; end: string }>
  >();
  for (const s of plan.slots) {
    const tutorId = tutorFor(s.subjectId, s.tutorKey);
    const list = weekly.get(tutorId) ?? [];
    // A tutor stacked twice for the same subject and day (more positions than tutors): merge by skipping overlaps.
    if (
      !list.some(
        (o) => o.subject_id === s.subjectId && o.weekday === s.weekday && s.start < o.end && o.start < s.end,
      )
    )
      list.push({ subject_id: s.subjectId, weekday: s.weekday, start: s.start, end: s.end });
    weekly.set(tutorId, list);
  }
  const records = [...weekly].map(([tutor_id, slots]) =>
    availabilityIngestHandler.schema.parse({ tutor_id, time_zone: PLATFORM_TIME_ZONE, weekly: slots }),
  );
  await db.transaction(async (tx) => {
    const results = await availabilityIngestHandler.apply(tx, records);
    const failed = results.find((r) => 'error' in r);
    if (failed) throw new Error(`availability seed: ${JSON.stringify(failed)}`);
  });

  // Bookings for the next 7 days: the share already booked falls with the lead time.
  const bookingRecords: unknown[] = [];
  const slotTutors = (subject: string, t: number): string[] => {
    const { dow, hour } = localParts(t);
    const out: string[] = [];
    for (const [tutorId, slots] of weekly)
      if (
        slots.some((s) => s.subject_id === subject && s.weekday === dow + 1 && hourIn(hour, s.start, s.end))
      )
        out.push(tutorId);
    return out;
  };
  const bookRng = rng.fork('bookings');
  for (let h = 1; h <= 168; h++) {
    const t = nowHour + h * HOUR;
    const { dow, hour } = localParts(t);
    const share = 0.8 - (0.6 * (h - 1)) / 167;
    for (const [subject, p] of profile) {
      const n = bookRng.poisson(p[dow * 24 + hour]! * share);
      const tutorsThere = slotTutors(subject, t);
      for (let k = 0; k < n && tutorsThere.length > 0; k++) {
        bookingRecords.push({
          session_id: `book_${bookRng.hex(16)}`,
          tutor_id: bookRng.pick(tutorsThere),
          student_id: bookRng.pick(opts.students).id,
          subject_id: subject,
          scheduled_start: new Date(t + bookRng.pick([0, 30]) * 60_000).toISOString(),
          duration_minutes: bookRng.pick([60, 60, 60, 90, 30]),
          booked_at: new Date(now.getTime() - bookRng.float(1, 14) * DAY).toISOString(),
        });
      }
    }
  }
  const parsedBookings = bookingRecords.map((r) => bookingIngestHandler.schema.parse(r));
  const cancellations = parsedBookings
    .filter(() => bookRng.bernoulli(0.05))
    .map((b) =>
      cancellationIngestHandler.schema.parse({
        session_id: b.session_id,
        cancelled_at: new Date(now.getTime() - bookRng.float(0, 1) * DAY).toISOString(),
        cancelled_by: bookRng.bernoulli(0.6) ? 'tutor' : 'student',
      }),
    );
  await db.transaction(async (tx) => {
    for (let i = 0; i < parsedBookings.length; i += 1000)
      await bookingIngestHandler.apply(tx, parsedBookings.slice(i, i + 1000));
    for (let i = 0; i < cancellations.length; i += 1000)
      await cancellationIngestHandler.apply(tx, cancellations.slice(i, i + 1000));
  });

  if (opts.truthPath) {
    const truth = {
      seed: opts.seed,
      generated_for: now.toISOString(),
      time_zone: PLATFORM_TIME_ZONE,
      definitions: {
        planted_shortages:
          'subject × weekday × local hours where availability was cut to 40 % of the expected demand (elsewhere it covers expected demand + 2.5 sd + 1)',
        expected_demand:
          'mean sessions starting per hour over the last 8 weeks of the seeded history (holidays skipped)',
      },
      planted_shortages: plan.shortages,
      school_holidays: PLANTED_SCHOOL_HOLIDAYS,
      bookings: parsedBookings.length,
      cancellations: cancellations.length,
    };
    mkdirSync(path.dirname(opts.truthPath), { recursive: true });
    const tmp = `${opts.truthPath}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(truth, null, 2)}\n`);
    renameSync(tmp, opts.truthPath);
  }
  return {
    tutorsWithAvailability: weekly.size,
    slots: [...weekly.values()].reduce((n, l) => n + l.length, 0),
    bookings: parsedBookings.length,
    cancellations: cancellations.length,
    shortages: plan.shortages,
    truthPath: opts.truthPath,
  };
}

/**
 * Imbalances (as the API lists them) against the planted shortages of a supply truth file: per severity, how
 * many lie on a planted window, and how many planted windows have an imbalance. Lines to print; a missing file
 * says so.
 */
export function compareWithPlantedShortages(
  truthPath: string,
  imbalances: ReadonlyArray<{ subject_id: string; start_hour: string; end_hour: string; severity: string }>,
): string[] {
  if (!existsSync(truthPath)) return [`no supply truth file at ${truthPath}: nothing to compare with`];
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { planted_shortages: PlantedShortage[] };
  const planted = truth.planted_shortages;
  const bySeverity = new Map<string, { n: number; onPlanted: number }>();
  const found = new Set<number>();
  for (const im of imbalances) {
    let on = false;
    for (let t = Date.parse(im.start_hour); t < Date.parse(im.end_hour); t += HOUR) {
      planted.forEach((p, i) => {
        if (isPlantedShortageHour([p], im.subject_id, t)) {
          on = true;
          if (im.severity === 'high' || im.severity === 'critical') found.add(i);
        }
      });
    }
    const b = bySeverity.get(im.severity) ?? { n: 0, onPlanted: 0 };
    b.n++;
    if (on) b.onPlanted++;
    bySeverity.set(im.severity, b);
  }
  return [
    `planted shortage windows (${truthPath}): ${planted.length}; with a high or critical imbalance: ${found.size}`,
    `imbalances on a planted window, by severity: ${['critical', 'high', 'medium', 'low']
      .map((s) => `${s} ${bySeverity.get(s)?.onPlanted ?? 0}/${bySeverity.get(s)?.n ?? 0}`)
      .join(', ')}`,
  ];
}

function hourIn(hour: number, start: string, end: string): boolean {
  const s = Number(start.slice(0, 2));
  const e = Number(end.slice(0, 2));
  return hour >= s && hour < e;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function normalise(xs: number[]): number[] {
  const m = sum(xs) / xs.length;
  return xs.map((x) => x / m);
}
