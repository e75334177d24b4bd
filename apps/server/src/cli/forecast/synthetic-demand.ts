/**
 * Booking-like hourly demand per subject, for testing and evaluating the forecaster until the operations
 * seed exists: the demo generator's weekly shape (Mon–Thu busy, Friday/Saturday quiet, weekday evenings
 * peaking 17–20 h, flatter weekends, in platform time UTC−5), slow growth, ±4 % day-to-day noise, Poisson
 * counts, and planted holidays where demand drops to a fraction. Seeded: the same seed gives the same series.
 */
import { createRng } from '../seed/random';

export const PLATFORM_TIME_ZONE = 'Etc/GMT+5'; // IANA's POSIX-style name for a fixed UTC−05:00

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday first, mean 1 (as in the demo generator). */
const DOW = normalise([0.85, 1.15, 1.2, 1.15, 1.1, 0.8, 0.6]);
const FIRST_HOUR = 7;
// Local hours 7..22 (the demo generator's weights).
const HOURS: Record<'weekday' | 'saturday' | 'sunday', number[]> = {
  weekday: [0.6, 0.6, 0.8, 1, 1, 1.1, 1.2, 1.8, 3.5, 6, 7.5, 8.5, 8.5, 7, 4, 1],
  saturday: [0.3, 1, 3, 4.5, 5, 4.5, 4.5, 4.5, 4.5, 4.5, 4, 3.5, 3.5, 2.5, 1.5, 0.4],
  sunday: [0.3, 0.8, 2.5, 4, 4.5, 4, 4, 4.5, 4.5, 5, 5, 5.5, 6, 5, 2.5, 0.6],
};

export type SyntheticDemandSeries = {
  id: string;
  /** Start of the first hour (UTC ms); one value per hour after it. */
  start: number;
  values: number[];
  /** Expected count per hour (what a perfect forecaster would say). */
  expected: number[];
};

export type SyntheticDemand = {
  series: SyntheticDemandSeries[];
  /** Planted holiday dates (platform time), demand × holidayFactor on those days. */
  holidays: string[];
  holidayFactor: number;
  timeZone: string;
};

export type SyntheticDemandOptions = {
  seed: number;
  /** Number of subjects (default 20), volumes spread from ~8 to ~240 bookings a day. */
  subjects?: number;
  days: number;
  /** End of the last hour (UTC ms), default 2025-06-02T05:00Z (a Monday midnight in platform time). */
  end?: number;
  /** Days (0-based from the start) that are holidays. Default: about one every 40 days, none in the first week. */
  holidayDays?: number[];
  holidayFactor?: number;
};

export function generateSyntheticDemand(options: SyntheticDemandOptions): SyntheticDemand {
  const rng = createRng(`synthetic-demand/${options.seed}`);
  const count = options.subjects ?? 20;
  const end = options.end ?? Date.parse('2025-06-02T05:00:00Z');
  const hours = options.days * 24;
  const start = end - hours * HOUR;
  const holidayFactor = options.holidayFactor ?? 0.3;
  const holidayDays = new Set(
    options.holidayDays ??
      Array.from({ length: Math.floor(options.days / 40) }, (_, i) => 20 + i * 40 + (i % 3)),
  );
  const holidays = [...holidayDays].sort((a, b) => a - b).map((d) => localDate(start + d * DAY + 12 * HOUR));
  const dayNoise = Array.from({ length: options.days + 1 }, () => 1 + rng.normal(0, 0.04));
  const series: SyntheticDemandSeries[] = [];
  for (let s = 0; s < count; s++) {
    // Geometric spread of daily volumes, 8 → 240 a day.
    const daily = 8 * Math.pow(30, count === 1 ? 0.5 : s / (count - 1));
    const subjectRng = rng.fork(`subject-${s}`);
    const values: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < hours; i++) {
      const t = start + i * HOUR;
      const local = new Date(t - 5 * HOUR);
      const day = Math.floor(i / 24);
      const dow = (local.getUTCDay() + 6) % 7; // Monday 0
      const kind = dow === 5 ? 'saturday' : dow === 6 ? 'sunday' : 'weekday';
      const weights = HOURS[kind];
      const slot = local.getUTCHours() - FIRST_HOUR;
      const share = slot >= 0 && slot < weights.length ? weights[slot]! / sum(weights) : 0;
      const growth = 1 + (0.08 * i) / hours;
      const holiday = holidayDays.has(day) ? holidayFactor : 1;
      const lambda = daily * DOW[dow]! * share * growth * dayNoise[day]! * holiday;
      expected.push(lambda);
      values.push(subjectRng.poisson(lambda));
    }
    series.push({ id: `subject-${String(s + 1).padStart(2, '0')}`, start, values, expected });
  }
  return { series, holidays, holidayFactor, timeZone: PLATFORM_TIME_ZONE };
}

function localDate(t: number): string {
  return new Date(t - 5 * HOUR).toISOString().slice(0, 10);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function normalise(xs: number[]): number[] {
  const m = sum(xs) / xs.length;
  return xs.map((x) => x / m);
}
