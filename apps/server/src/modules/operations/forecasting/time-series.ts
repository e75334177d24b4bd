/**
 * Timestamps around the engine: a series given as (timestamp, value) pairs is laid on a regular grid (its
 * step is the most common gap; missing steps become NaN), holiday dates are turned into per-step flags in a
 * time zone, and the forecast comes back with the timestamps of its steps. This is the entry point the
 * operations module and the CLI use.
 */
import { forecastSeries, ForecastInputError, type ForecastOptions, type ForecastResult } from './engine';

export type TimedPoint = { timestamp: number; value: number };

export type Holidays = {
  /** Calendar dates, `YYYY-MM-DD`. */
  dates: readonly string[];
  /** IANA time zone the dates are in (default UTC), e.g. `America/New_York`. */
  timeZone?: string;
  /** Multiplier for holiday steps when the history holds too few past holidays to learn one. */
  defaultEffect?: number;
};

export type TimedForecastOptions = Omit<ForecastOptions, 'holidays'> & {
  holidays?: Holidays;
  /** Step between values in ms; default: the most common gap between consecutive timestamps. */
  stepMs?: number;
};

export type TimedForecast = ForecastResult & { timestamps: number[]; stepMs: number };

/** A grid longer than this many steps (gaps included) is refused: a wrong timestamp, not a real series. */
export const MAX_GRID_STEPS = 1_000_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Lays points on a regular grid (NaN in the gaps). Points must have distinct timestamps. */
export function toRegularGrid(
  points: readonly TimedPoint[],
  stepMs?: number,
): { start: number; stepMs: number; values: number[] } {
  if (points.length === 0) throw new ForecastInputError('the series is empty');
  const sorted = [...points].sort((a, b) => a.timestamp - b.timestamp);
  const step = stepMs ?? inferStep(sorted.map((p) => p.timestamp));
  if (!(step > 0)) throw new ForecastInputError('step must be positive');
  const start = sorted[0]!.timestamp;
  const span = (sorted.at(-1)!.timestamp - start) / step;
  if (span + 1 > MAX_GRID_STEPS)
    throw new ForecastInputError(
      `the series spans ${Math.round(span) + 1} steps of ${step} ms: more than ${MAX_GRID_STEPS}`,
    );
  const values = new Array<number>(Math.round(span) + 1).fill(Number.NaN);
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    if (i > 0 && p.timestamp === sorted[i - 1]!.timestamp)
      throw new ForecastInputError(`two values at ${new Date(p.timestamp).toISOString()}`);
    const k = (p.timestamp - start) / step;
    if (Math.abs(k - Math.round(k)) > 1e-9)
      throw new ForecastInputError(
        `${new Date(p.timestamp).toISOString()} is not on the series' grid (a step of ${describeStep(step)} from ${new Date(start).toISOString()})`,
      );
    values[Math.round(k)] = p.value;
  }
  return { start, stepMs: step, values };
}

/** The most common gap between consecutive (sorted, distinct) timestamps; the smaller one on a tie. */
export function inferStep(sorted: readonly number[]): number {
  if (sorted.length < 2) return 3_600_000;
  const counts = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 3_600_000;
  let bestCount = 0;
  for (const [d, c] of counts) {
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/** `true` for each timestamp whose calendar date in `timeZone` is one of `dates`. */
export function holidayFlags(timestamps: readonly number[], holidays: Holidays): boolean[] {
  for (const d of holidays.dates) {
    if (!DATE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
      throw new ForecastInputError(`holiday "${d}" is not a date like 2025-12-25`);
  }
  const set = new Set(holidays.dates);
  if (set.size === 0) return timestamps.map(() => false);
  let format: Intl.DateTimeFormat;
  try {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: holidays.timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  } catch {
    throw new ForecastInputError(`unknown time zone "${holidays.timeZone}"`);
  }
  return timestamps.map((t) => set.has(format.format(t)));
}

export function forecastTimedSeries(
  points: readonly TimedPoint[],
  options: TimedForecastOptions,
): TimedForecast {
  const grid = toRegularGrid(points, options.stepMs);
  const lastTime = grid.start + (grid.values.length - 1) * grid.stepMs;
  const future = Array.from({ length: options.horizon }, (_, h) => lastTime + (h + 1) * grid.stepMs);
  const { holidays, stepMs: _stepMs, ...rest } = options;
  let holidayInput: ForecastOptions['holidays'];
  if (holidays && holidays.dates.length > 0) {
    const history = grid.values.map((_, i) => grid.start + i * grid.stepMs);
    holidayInput = {
      history: holidayFlags(history, holidays),
      future: holidayFlags(future, holidays),
      ...(holidays.defaultEffect !== undefined ? { defaultEffect: holidays.defaultEffect } : {}),
    };
  }
  const result = forecastSeries(grid.values, {
    ...rest,
    ...(holidayInput ? { holidays: holidayInput } : {}),
  });
  return { ...result, timestamps: future, stepMs: grid.stepMs };
}

function describeStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms} ms`;
}
