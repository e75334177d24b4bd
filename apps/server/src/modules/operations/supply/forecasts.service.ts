/**
 * Demand and supply forecasts per subject and hour, their imbalances and their daily accuracy.
 *
 * A run (daily at 02:00 and on demand) takes, per subject, the sessions that started each hour over the last
 * FORECAST_HISTORY_DAYS (through the sessions module), forecasts the next FORECAST_HORIZON_HOURS with the
 * forecasting engine (95 % interval, never negative, the configured holiday calendar), never below what is
 * already booked; lays tutor availability on the same hours, each tutor discounted by their observed no-show
 * and cancellation rates; stores both under (subject, hour, forecasted_at), finds the hours where demand's
 * upper bound exceeds expected supply, and removes runs older than FORECAST_RETENTION_DAYS.
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type {
  TAccuracyQuery,
  TAccuracyResponse,
  TAccuracyRow,
  TForecastHour,
  TForecastRun,
  TForecastsQuery,
  TForecastsResponse,
  TImbalance,
  TImbalancePage,
  TImbalancesQuery,
  TSubjectForecast,
} from '@tutorpulse/contracts/operations-forecasts';
import type { Config } from '../../../config/env';
import type { Db } from '../../../db/client';
import {
  bookings,
  forecastAccuracy,
  forecastRuns,
  subjects,
  supplyDemandForecasts,
  supplyImbalances,
  tutorAvailability,
  tutorAvailabilityExceptions,
} from '../../../db/schema/index';
import type { AppJobs } from '../../../jobs';
import type { ReadCache } from '../../../platform/cache/read-cache';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { EventService } from '../../../platform/events/events.service';
import type { Logger } from '../../../platform/logger';
import type { JobQueue } from '../../../platform/queue/port';
import { subjectHourlyStarts, tutorWindowTotals } from '../../sessions/index';
import { forecastSeries } from '../forecasting/engine';
import { holidayFlags } from '../forecasting/time-series';
import {
  availabilityByHour,
  expectedSupply,
  findImbalances,
  HOUR_MS,
  IMBALANCE_THRESHOLDS,
  reliability,
  severityRank,
  type HourBalance,
  type ImbalanceSeverity,
} from './supply.rules';

export const FORECAST_AUDIENCE = ['admin', 'operator', 'viewer'] as const;
export const FORECAST_READ_TAG = 'operations.forecasts';
export const FORECAST_SCHEDULER_ID = 'operations-forecast-daily';
export const FORECAST_CRON = '0 2 * * *';
export const ACCURACY_SCHEDULER_ID = 'operations-forecast-accuracy-daily';
export const ACCURACY_CRON = '30 1 * * *';
const LEVEL = 95;
const DAY_MS = 86_400_000;
const CHUNK = 1000;

export type ForecastConfig = Config['forecast'];

export type ForecastRunSummary = {
  forecastedAt: string;
  subjects: number;
  hours: number;
  imbalances: number;
  durationMs: number;
  methods: Record<string, number>;
};

const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;
const iso = (d: Date | number) => new Date(d).toISOString();
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

type ForecastRow = typeof supplyDemandForecasts.$inferSelect;
type ImbalanceRow = typeof supplyImbalances.$inferSelect;
type RunRow = typeof forecastRuns.$inferSelect;
type AccuracyRow = typeof forecastAccuracy.$inferSelect;

function toRunDto(r: RunRow): TForecastRun {
  return {
    forecasted_at: iso(r.forecastedAt),
    horizon_hours: r.horizonHours,
    history_days: r.historyDays,
    subjects: r.subjects,
    imbalances: r.imbalances,
    duration_ms: r.durationMs,
  };
}

function toHourDto(r: ForecastRow): TForecastHour {
  return {
    subject_id: r.subjectId,
    hour: iso(r.forecastHour),
    demand: { mean: round(r.demandMean), lo: round(r.demandLo), hi: round(r.demandHi) },
    booked: r.booked,
    supply: { tutors: r.supplyTutors, expected: round(r.supplyExpected) },
    shortage: round(Math.max(0, r.demandHi - r.supplyExpected)),
    method: r.method,
  };
}

function toImbalanceDto(r: ImbalanceRow): TImbalance {
  return {
    subject_id: r.subjectId,
    start_hour: iso(r.startHour),
    end_hour: iso(r.endHour),
    hours: r.hours,
    peak_shortage: round(r.peakShortage),
    total_shortage: round(r.totalShortage),
    peak_demand_hi: round(r.peakDemandHi),
    min_supply: round(r.minSupply),
    severity: r.severity,
    forecasted_at: iso(r.forecastedAt),
  };
}

function toAccuracyDto(r: AccuracyRow): TAccuracyRow {
  return {
    subject_id: r.subjectId,
    day: r.day,
    forecasted_at: iso(r.forecastedAt),
    hours: r.hours,
    actual_total: r.actualTotal,
    forecast_total: round(r.forecastTotal),
    mae: round(r.mae),
    mase: r.mase === null ? null : round(r.mase),
    coverage: round(r.coverage),
  };
}

export function createForecastService(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  queue: JobQueue<AppJobs>;
  cache?: ReadCache;
  config: ForecastConfig;
  logger?: Pick<Logger, 'info' | 'warn'>;
}) {
  const { db, clock, events, queue, config } = deps;

  async function latestRun(): Promise<RunRow | null> {
    const [r] = await db.select().from(forecastRuns).orderBy(desc(forecastRuns.forecastedAt)).limit(1);
    return r ?? null;
  }

  /** Per tutor, the share of available hours expected to turn into sessions (no-shows, cancellations). */
  async function reliabilityFactors(now: Date): Promise<(tutorId: string) => number> {
    const windowDays = 90;
    const totals = await tutorWindowTotals(db, { now, windowsDays: [windowDays] });
    const since = new Date(now.getTime() - windowDays * DAY_MS);
    const cancels = await db
      .select({
        tutorId: bookings.tutorId,
        total: sql<number>`count(*)::int`,
        tutorCancelled: sql<number>`count(*) filter (where ${bookings.status} = 'cancelled' and ${bookings.cancelledBy} = 'tutor')::int`,
      })
      .from(bookings)
      .where(and(gte(bookings.scheduledStart, since), lt(bookings.scheduledStart, now)))
      .groupBy(bookings.tutorId);
    const cancelOf = new Map(cancels.map((c) => [c.tutorId, c]));
    let sessions = 0;
    let joined = 0;
    let denominators = 0;
    let cancelled = 0;
    const inputs = new Map<
      string,
      { sessions: number; joined: number; bookings: number; tutorCancellations: number }
    >();
    for (const [tutorId, byWindow] of totals) {
      const t = byWindow.get(windowDays);
      if (!t) continue;
      const c = cancelOf.get(tutorId);
      const input = {
        sessions: t.sessions,
        joined: t.joined,
        // A tutor-initiated reschedule also takes the hour away from the marketplace.
        bookings: t.sessions + Number(c?.total ?? 0),
        tutorCancellations: t.tutorReschedules + Number(c?.tutorCancelled ?? 0),
      };
      inputs.set(tutorId, input);
      sessions += input.sessions;
      joined += input.joined;
      denominators += input.bookings;
      cancelled += input.tutorCancellations;
    }
    for (const [tutorId, c] of cancelOf) {
      if (inputs.has(tutorId)) continue;
      const input = {
        sessions: 0,
        joined: 0,
        bookings: Number(c.total),
        tutorCancellations: Number(c.tutorCancelled),
      };
      inputs.set(tutorId, input);
      denominators += input.bookings;
      cancelled += input.tutorCancellations;
    }
    const population = {
      noShowRate: sessions > 0 ? (sessions - joined) / sessions : 0,
      cancelRate: denominators > 0 ? cancelled / denominators : 0,
    };
    const factors = new Map<string, number>();
    for (const [tutorId, input] of inputs) factors.set(tutorId, reliability(input, population).factor);
    const fallback = Math.max(0, 1 - population.noShowRate - population.cancelRate);
    return (tutorId) => factors.get(tutorId) ?? fallback;
  }

  const service = {
    latestRun,

    /** One forecast run at `at` (default now), stored under the hour it starts; re-running the hour replaces it. */
    async run(opts: { at?: Date } = {}): Promise<ForecastRunSummary> {
      const started = performance.now();
      const now = opts.at ?? clock.now();
      const origin = floorHour(now.getTime());
      const horizon = config.horizonHours;
      const historyHours = config.historyDays * 24;
      const historyFrom = origin - historyHours * HOUR_MS;
      const horizonEnd = origin + horizon * HOUR_MS;

      const subjectRows = await db.select({ id: subjects.id }).from(subjects).orderBy(asc(subjects.id));
      const starts = await subjectHourlyStarts(db, { from: new Date(historyFrom), to: new Date(origin) });
      // The history begins at the first hour anything happened: an install younger than the window has no
      // zeros before it.
      let firstHour = origin;
      for (const s of starts) firstHour = Math.min(firstHour, s.hour.getTime());
      const length = Math.max(0, (origin - firstHour) / HOUR_MS);
      const history = new Map<string, Float64Array>();
      for (const s of starts) {
        let v = history.get(s.subjectId);
        if (!v) history.set(s.subjectId, (v = new Float64Array(length)));
        const k = (s.hour.getTime() - firstHour) / HOUR_MS;
        if (k >= 0 && k < length) v[k] = s.sessions;
      }
      const bookedRows = await db
        .select({
          subjectId: bookings.subjectId,
          hour: sql<number>`extract(epoch from date_trunc('hour', ${bookings.scheduledStart} at time zone 'UTC'))::float8`,
          n: sql<number>`count(*)::int`,
        })
        .from(bookings)
        .where(
          and(
            eq(bookings.status, 'booked'),
            gte(bookings.scheduledStart, new Date(origin)),
            lt(bookings.scheduledStart, new Date(horizonEnd)),
          ),
        )
        .groupBy(sql`1, 2`);
      const booked = new Map<string, Int32Array>();
      for (const b of bookedRows) {
        let v = booked.get(b.subjectId);
        if (!v) booked.set(b.subjectId, (v = new Int32Array(horizon)));
        const k = (Number(b.hour) * 1000 - origin) / HOUR_MS;
        if (k >= 0 && k < horizon) v[k] = Number(b.n);
      }

      // Supply: availability on the horizon's hours, each tutor discounted.
      const slots = await db.select().from(tutorAvailability);
      const exceptions = await db
        .select()
        .from(tutorAvailabilityExceptions)
        .where(
          and(
            gte(tutorAvailabilityExceptions.date, isoDay(origin - 2 * DAY_MS)),
            lte(tutorAvailabilityExceptions.date, isoDay(horizonEnd + 2 * DAY_MS)),
          ),
        );
      const availability = availabilityByHour(
        slots.map((s) => ({
          tutorId: s.tutorId,
          subjectId: s.subjectId,
          weekday: s.weekday,
          start: s.startTime,
          end: s.endTime,
          timeZone: s.timeZone,
        })),
        exceptions.map((e) => ({
          tutorId: e.tutorId,
          subjectId: e.subjectId,
          date: e.date,
          start: e.startTime,
          end: e.endTime,
          available: e.available,
          timeZone: e.timeZone,
        })),
        { from: origin, hours: horizon },
      );
      const factorOf = await reliabilityFactors(new Date(origin));

      const futureStamps = Array.from({ length: horizon }, (_, h) => origin + h * HOUR_MS);
      const calendar = { dates: config.holidays, timeZone: config.timeZone };
      const futureFlags = holidayFlags(futureStamps, calendar);
      const historyFlags = holidayFlags(
        Array.from({ length }, (_, i) => firstHour + i * HOUR_MS),
        calendar,
      );
      const anyHoliday = futureFlags.some(Boolean) || historyFlags.some(Boolean);

      const rows: Array<typeof supplyDemandForecasts.$inferInsert> = [];
      const imbalanceRows: Array<typeof supplyImbalances.$inferInsert> = [];
      const methods: Record<string, number> = {};
      const forecastedAt = new Date(origin);
      for (const { id: subjectId } of subjectRows) {
        const values = history.get(subjectId) ?? new Float64Array(length);
        let mean: number[];
        let lo: number[];
        let hi: number[];
        let method: string;
        if (length < 48) {
          // Not two days of history: nothing to learn from; demand is what is booked.
          mean = lo = hi = new Array<number>(horizon).fill(0);
          method = 'none (history too short)';
        } else {
          const result = forecastSeries(values, {
            horizon,
            seasons: [24, 168],
            level: LEVEL,
            nonNegative: true,
            // Bookings are counts: a quiet hour's interval is narrower than a busy one's.
            countIntervals: true,
            ...(anyHoliday ? { holidays: { history: historyFlags, future: futureFlags } } : {}),
          });
          ({ mean, lo, hi, method } = result);
        }
        methods[method] = (methods[method] ?? 0) + 1;
        const b = booked.get(subjectId);
        const supply = expectedSupply(availability.get(subjectId) ?? new Map(), factorOf, horizon);
        const balance: HourBalance[] = [];
        for (let h = 0; h < horizon; h++) {
          const floor = b?.[h] ?? 0;
          const m = Math.max(0, mean[h]!, floor);
          const l = Math.max(0, lo[h]!, floor);
          const u = Math.max(m, hi[h]!, floor);
          rows.push({
            subjectId,
            forecastHour: new Date(futureStamps[h]!),
            forecastedAt,
            demandMean: m,
            demandLo: Math.min(l, m),
            demandHi: u,
            booked: floor,
            supplyTutors: supply.tutors[h]!,
            supplyExpected: supply.expected[h]!,
            method,
          });
          balance.push({ hour: futureStamps[h]!, demandMean: m, demandHi: u, supply: supply.expected[h]! });
        }
        for (const im of findImbalances(balance, IMBALANCE_THRESHOLDS)) {
          imbalanceRows.push({
            subjectId,
            forecastedAt,
            startHour: new Date(im.startHour),
            endHour: new Date(im.endHour),
            hours: im.hours,
            peakShortage: im.peakShortage,
            totalShortage: im.totalShortage,
            peakDemandHi: im.peakDemandHi,
            minSupply: im.minSupply,
            severity: im.severity,
          });
        }
      }

      const durationMs = Math.round(performance.now() - started);
      const retentionCutoff = new Date(origin - config.retentionDays * DAY_MS);
      await db.transaction(async (tx) => {
        // Idempotent: a re-run in the same hour replaces that hour's run.
        await tx.delete(supplyDemandForecasts).where(eq(supplyDemandForecasts.forecastedAt, forecastedAt));
        await tx.delete(supplyImbalances).where(eq(supplyImbalances.forecastedAt, forecastedAt));
        for (let i = 0; i < rows.length; i += CHUNK)
          await tx.insert(supplyDemandForecasts).values(rows.slice(i, i + CHUNK));
        for (let i = 0; i < imbalanceRows.length; i += CHUNK)
          await tx.insert(supplyImbalances).values(imbalanceRows.slice(i, i + CHUNK));
        await tx
          .insert(forecastRuns)
          .values({
            forecastedAt,
            horizonHours: horizon,
            historyDays: config.historyDays,
            subjects: subjectRows.length,
            imbalances: imbalanceRows.length,
            durationMs,
            details: JSON.stringify({ methods, holidays: anyHoliday, time_zone: config.timeZone }),
          })
          .onConflictDoUpdate({
            target: forecastRuns.forecastedAt,
            set: {
              subjects: subjectRows.length,
              imbalances: imbalanceRows.length,
              durationMs,
              horizonHours: horizon,
              historyDays: config.historyDays,
              details: JSON.stringify({ methods, holidays: anyHoliday, time_zone: config.timeZone }),
            },
          });
        // Stale runs: older than the retention (accuracy needs the runs of the last days only).
        await tx.delete(supplyDemandForecasts).where(lt(supplyDemandForecasts.forecastedAt, retentionCutoff));
        await tx.delete(supplyImbalances).where(lt(supplyImbalances.forecastedAt, retentionCutoff));
        await tx.delete(forecastRuns).where(lt(forecastRuns.forecastedAt, retentionCutoff));
      });
      await events.publish({
        type: 'forecast_updated',
        payload: {
          forecasted_at: iso(forecastedAt),
          subjects: subjectRows.length,
          imbalances: imbalanceRows.length,
        },
        audience: FORECAST_AUDIENCE,
      });
      await deps.cache?.invalidate(FORECAST_READ_TAG).catch(() => {});
      const summary: ForecastRunSummary = {
        forecastedAt: iso(forecastedAt),
        subjects: subjectRows.length,
        hours: horizon,
        imbalances: imbalanceRows.length,
        durationMs,
        methods,
      };
      deps.logger?.info({ forecast: summary }, 'forecast run done');
      return summary;
    },

    /** Queues a run now; the job id carries the moment, so each request runs once. */
    async enqueue(): Promise<{ jobId: string; added: boolean }> {
      const jobId = `forecast:${clock.now().getTime()}`;
      const r = await queue.add('operations.forecast', {}, { jobId, priority: 7 });
      return { jobId: r.id, added: r.added };
    },

    /**
     * Accuracy of `day` (UTC, default yesterday): that day's hours as forecast by the last run made before the
     * day began, against the sessions that started. Per subject MAE, MASE (against the in-sample error of the
     * weekly seasonal naive over the 28 days before) and the interval's coverage; upserted by (subject, day).
     */
    async computeAccuracy(
      opts: { day?: string } = {},
    ): Promise<{ day: string; subjects: number; run: string | null }> {
      const now = clock.now().getTime();
      const day = opts.day ?? isoDay(now - DAY_MS);
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      const dayEnd = dayStart + DAY_MS;
      const [run] = await db
        .select()
        .from(forecastRuns)
        .where(lte(forecastRuns.forecastedAt, new Date(dayStart)))
        .orderBy(desc(forecastRuns.forecastedAt))
        .limit(1);
      if (!run) return { day, subjects: 0, run: null };
      const forecasts = await db
        .select()
        .from(supplyDemandForecasts)
        .where(
          and(
            eq(supplyDemandForecasts.forecastedAt, run.forecastedAt),
            gte(supplyDemandForecasts.forecastHour, new Date(dayStart)),
            lt(supplyDemandForecasts.forecastHour, new Date(dayEnd)),
          ),
        );
      if (forecasts.length === 0) return { day, subjects: 0, run: iso(run.forecastedAt) };
      const scaleFrom = dayStart - 35 * DAY_MS;
      const starts = await subjectHourlyStarts(db, { from: new Date(scaleFrom), to: new Date(dayEnd) });
      const series = new Map<string, Float64Array>();
      const n = (dayEnd - scaleFrom) / HOUR_MS;
      for (const s of starts) {
        let v = series.get(s.subjectId);
        if (!v) series.set(s.subjectId, (v = new Float64Array(n)));
        v[(s.hour.getTime() - scaleFrom) / HOUR_MS] = s.sessions;
      }
      const bySubject = new Map<string, ForecastRow[]>();
      for (const f of forecasts) {
        const list = bySubject.get(f.subjectId) ?? [];
        list.push(f);
        bySubject.set(f.subjectId, list);
      }
      const values: Array<typeof forecastAccuracy.$inferInsert> = [];
      const dayOffset = (dayStart - scaleFrom) / HOUR_MS;
      for (const [subjectId, list] of bySubject) {
        const y = series.get(subjectId) ?? new Float64Array(n);
        let absErr = 0;
        let inside = 0;
        let actualTotal = 0;
        let forecastTotal = 0;
        for (const f of list) {
          const a = y[dayOffset + (f.forecastHour.getTime() - dayStart) / HOUR_MS] ?? 0;
          absErr += Math.abs(a - f.demandMean);
          if (a >= f.demandLo - 1e-9 && a <= f.demandHi + 1e-9) inside++;
          actualTotal += a;
          forecastTotal += f.demandMean;
        }
        // In-sample weekly seasonal naive error over the 28 days before the day.
        let scaleSum = 0;
        let scaleN = 0;
        for (let t = 168; t < dayOffset; t++) {
          scaleSum += Math.abs(y[t]! - y[t - 168]!);
          scaleN++;
        }
        const scale = scaleN > 0 ? scaleSum / scaleN : 0;
        const mae = absErr / list.length;
        values.push({
          subjectId,
          day,
          forecastedAt: run.forecastedAt,
          hours: list.length,
          actualTotal,
          forecastTotal,
          mae,
          mase: scale > 0 ? mae / scale : null,
          coverage: inside / list.length,
          computedAt: new Date(now),
        });
      }
      for (let i = 0; i < values.length; i += CHUNK) {
        await db
          .insert(forecastAccuracy)
          .values(values.slice(i, i + CHUNK))
          .onConflictDoUpdate({
            target: [forecastAccuracy.subjectId, forecastAccuracy.day],
            set: {
              forecastedAt: sql`excluded.forecasted_at`,
              hours: sql`excluded.hours`,
              actualTotal: sql`excluded.actual_total`,
              forecastTotal: sql`excluded.forecast_total`,
              mae: sql`excluded.mae`,
              mase: sql`excluded.mase`,
              coverage: sql`excluded.coverage`,
              computedAt: sql`excluded.computed_at`,
            },
          });
      }
      await deps.cache?.invalidate(FORECAST_READ_TAG).catch(() => {});
      return { day, subjects: values.length, run: iso(run.forecastedAt) };
    },

    /** The latest run's hours, optionally for one subject and a time range. */
    async list(q: TForecastsQuery): Promise<TForecastsResponse> {
      const run = await latestRun();
      if (!run) return { run: null, data: [] };
      const conditions = [eq(supplyDemandForecasts.forecastedAt, run.forecastedAt)];
      if (q.subject) conditions.push(eq(supplyDemandForecasts.subjectId, q.subject));
      if (q.from) conditions.push(gte(supplyDemandForecasts.forecastHour, new Date(q.from)));
      if (q.to) conditions.push(lt(supplyDemandForecasts.forecastHour, new Date(q.to)));
      const rows = await db
        .select()
        .from(supplyDemandForecasts)
        .where(and(...conditions))
        .orderBy(asc(supplyDemandForecasts.subjectId), asc(supplyDemandForecasts.forecastHour));
      return { run: toRunDto(run), data: rows.map(toHourDto) };
    },

    /** One subject: the latest run's hours, its imbalances and the last 14 days of accuracy. */
    async forSubject(subjectId: string): Promise<TSubjectForecast> {
      const [subject] = await db.select().from(subjects).where(eq(subjects.id, subjectId));
      if (!subject) throw new AppError('NOT_FOUND', `No subject with id "${subjectId}"`, undefined, 404);
      const run = await latestRun();
      const since = isoDay(clock.now().getTime() - 14 * DAY_MS);
      const accuracy = await db
        .select()
        .from(forecastAccuracy)
        .where(and(eq(forecastAccuracy.subjectId, subjectId), gte(forecastAccuracy.day, since)))
        .orderBy(asc(forecastAccuracy.day));
      const base = {
        subject: { id: subject.id, name: subject.name, category: subject.category },
        accuracy: accuracy.map(toAccuracyDto),
      };
      if (!run) return { ...base, run: null, hours: [], imbalances: [] };
      const hours = await db
        .select()
        .from(supplyDemandForecasts)
        .where(
          and(
            eq(supplyDemandForecasts.forecastedAt, run.forecastedAt),
            eq(supplyDemandForecasts.subjectId, subjectId),
          ),
        )
        .orderBy(asc(supplyDemandForecasts.forecastHour));
      const imbalances = await db
        .select()
        .from(supplyImbalances)
        .where(
          and(eq(supplyImbalances.forecastedAt, run.forecastedAt), eq(supplyImbalances.subjectId, subjectId)),
        )
        .orderBy(asc(supplyImbalances.startHour));
      return {
        ...base,
        run: toRunDto(run),
        hours: hours.map(toHourDto),
        imbalances: imbalances.map(toImbalanceDto),
      };
    },

    /** The latest run's imbalances, most severe first, then soonest. */
    async imbalances(q: TImbalancesQuery): Promise<TImbalancePage> {
      const compute = async (): Promise<TImbalancePage> => {
        const run = await latestRun();
        if (!run) return { run: null, data: [], total: 0, limit: q.limit, offset: q.offset };
        const conditions = [eq(supplyImbalances.forecastedAt, run.forecastedAt)];
        if (q.subject) conditions.push(eq(supplyImbalances.subjectId, q.subject));
        if (q.from) conditions.push(sql`${supplyImbalances.endHour} > ${new Date(q.from)}`);
        if (q.to) conditions.push(lt(supplyImbalances.startHour, new Date(q.to)));
        if (q.min_severity) {
          const allowed = (['low', 'medium', 'high', 'critical'] as ImbalanceSeverity[]).filter(
            (s) => severityRank(s) >= severityRank(q.min_severity!),
          );
          conditions.push(inArray(supplyImbalances.severity, allowed));
        }
        const rows = await db
          .select()
          .from(supplyImbalances)
          .where(and(...conditions))
          .orderBy(
            desc(
              sql`case ${supplyImbalances.severity} when 'critical' then 3 when 'high' then 2 when 'medium' then 1 else 0 end`,
            ),
            asc(supplyImbalances.startHour),
            asc(supplyImbalances.subjectId),
          );
        return {
          run: toRunDto(run),
          data: rows.slice(q.offset, q.offset + q.limit).map(toImbalanceDto),
          total: rows.length,
          limit: q.limit,
          offset: q.offset,
        };
      };
      if (!deps.cache) return compute();
      return deps.cache.getOrCompute(
        `forecasts:imbalances:${JSON.stringify(q)}`,
        { tags: [FORECAST_READ_TAG] },
        compute,
      );
    },

    /** Stored daily accuracy (default: the last 14 days), per subject and averaged per day. */
    async accuracy(q: TAccuracyQuery): Promise<TAccuracyResponse> {
      const today = clock.now().getTime();
      const from = q.from ?? isoDay(today - 14 * DAY_MS);
      const to = q.to ?? isoDay(today - DAY_MS);
      const conditions = [gte(forecastAccuracy.day, from), lte(forecastAccuracy.day, to)];
      if (q.subject) conditions.push(eq(forecastAccuracy.subjectId, q.subject));
      const rows = await db
        .select()
        .from(forecastAccuracy)
        .where(and(...conditions))
        .orderBy(asc(forecastAccuracy.day), asc(forecastAccuracy.subjectId));
      const byDay = new Map<string, AccuracyRow[]>();
      for (const r of rows) {
        const list = byDay.get(r.day) ?? [];
        list.push(r);
        byDay.set(r.day, list);
      }
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const days = [...byDay].map(([day, list]) => {
        const mases = list.flatMap((r) => (r.mase === null ? [] : [r.mase]));
        return {
          day,
          subjects: list.length,
          mae: round(avg(list.map((r) => r.mae))),
          mase: mases.length ? round(avg(mases)) : null,
          coverage: round(avg(list.map((r) => r.coverage))),
        };
      });
      return { days, data: rows.map(toAccuracyDto) };
    },

    /** The latest run as CSV: one line per subject and hour. */
    async exportCsv(q: TForecastsQuery): Promise<string> {
      const { data } = await service.list(q);
      const lines = [
        'subject_id,hour,demand_mean,demand_lo,demand_hi,booked,supply_tutors,supply_expected,shortage,method',
      ];
      const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
      for (const h of data)
        lines.push(
          [
            cell(h.subject_id),
            h.hour,
            h.demand.mean,
            h.demand.lo,
            h.demand.hi,
            h.booked,
            h.supply.tutors,
            h.supply.expected,
            h.shortage,
            cell(h.method),
          ].join(','),
        );
      return `${lines.join('\n')}\n`;
    },
  };
  return service;
}

export type ForecastService = ReturnType<typeof createForecastService>;

/** The forecast and accuracy jobs and their daily schedules (forecast 02:00, accuracy 01:30 UTC). */
export function createForecastJobs(deps: { forecasts: Pick<ForecastService, 'run' | 'computeAccuracy'> }) {
  return {
    handlers: {
      'operations.forecast': async (payload: { at?: string | undefined }) => {
        await deps.forecasts.run(payload.at ? { at: new Date(payload.at) } : {});
      },
      'operations.forecast-accuracy': async (payload: { day?: string | undefined }) => {
        await deps.forecasts.computeAccuracy(payload.day ? { day: payload.day } : {});
      },
    },
    async schedule(queue: JobQueue<AppJobs>) {
      await queue.schedule(FORECAST_SCHEDULER_ID, FORECAST_CRON, 'operations.forecast', {});
      await queue.schedule(ACCURACY_SCHEDULER_ID, ACCURACY_CRON, 'operations.forecast-accuracy', {});
    },
  };
}
