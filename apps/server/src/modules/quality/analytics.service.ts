/**
 * Quality analytics for the coach dashboard: the overview (everything the overview page shows, in one answer,
 * from a few aggregate queries) and trend series for charts. Session counts, no-shows, reschedules and the
 * daily mean score come from `quality_daily_totals` (one row a day, kept by tier 1: see rollups.ts), flags
 * from the flags table by its time index, so neither grows with history. Windows are whole UTC days of the
 * injected clock ("the last 7 days" = today and the 6 days before). Answers go through the read cache, keyed
 * by the day and invalidated by the events that change them (QUALITY_READ_TAG).
 */
import { inArray, sql } from 'drizzle-orm';
import {
  TREND_ALLOWED_GROUPINGS,
  TREND_DEFAULT_GROUPING,
  TREND_PERIOD_DAYS,
  type TAnalyticsOverview,
  type TTrendGrouping,
  type TTrendPoint,
  type TTrendsQuery,
  type TTrendsResponse,
} from '@tutorpulse/contracts/quality-analytics';
import type { Db } from '../../db/client';
import { flags } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import type { ReadCache } from '../../platform/cache/read-cache';
import { AppError } from '../../platform/errors';
import { loadTutorNames, toFlagDto, type FlagRow } from './flags.core';

const DAY_MS = 86_400_000;
const OVERVIEW_CHART_DAYS = 14;
const NEWEST_CRITICAL = 5;
/** Processing finishes within minutes of a session's end: "processed today" looks at sessions this recent. */
const PROCESSED_TODAY_LOOKBACK_DAYS = 3;

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** First day (UTC) of the bucket holding `d`: the day, the ISO week's Monday, or the month's first. */
export function bucketStart(d: Date, g: TTrendGrouping): Date {
  const day = startOfUtcDay(d);
  if (g === 'day') return day;
  if (g === 'week') return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
}

/** Every bucket start from the one holding `from` to the one holding `to`, as YYYY-MM-DD. */
export function bucketsBetween(from: Date, to: Date, g: TTrendGrouping): string[] {
  const out: string[] = [];
  let cur = bucketStart(from, g);
  const last = bucketStart(to, g).getTime();
  while (cur.getTime() <= last) {
    out.push(isoDay(cur));
    cur =
      g === 'day'
        ? new Date(cur.getTime() + DAY_MS)
        : g === 'week'
          ? new Date(cur.getTime() + 7 * DAY_MS)
          : new Date(Date.UTC(cur.getUTCFullYear(), cur.getUTCMonth() + 1, 1));
  }
  return out;
}

/** The cache tag of every quality aggregate; bumped by the events in QUALITY_INVALIDATING_EVENTS. */
export const QUALITY_READ_TAG = 'quality';
/** Event types (prefixes) after which cached quality aggregates are stale: scored sessions, flags, scores … */
const QUALITY_INVALIDATING_PREFIXES = [
  'session.',
  'flag.',
  'score.',
  'intervention.',
  'analysis.',
  'analytics.',
];
export const invalidatesQuality = (eventType: string) =>
  QUALITY_INVALIDATING_PREFIXES.some((p) => eventType.startsWith(p));

export function createAnalyticsService(deps: { db: Db; clock: Clock; cache?: ReadCache }) {
  const { db, clock, cache } = deps;
  const cached = <T>(key: string, compute: () => Promise<T>): Promise<T> =>
    cache ? cache.getOrCompute(key, { tags: [QUALITY_READ_TAG] }, compute) : compute();

  async function flagsPerBucket(from: Date, to: Date, g: TTrendGrouping): Promise<Map<string, number>> {
    const res = await db.execute(sql`
      select to_char(date_trunc(${g}, f.created_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket, count(*)::int as n
      from flags f
      where f.created_at >= ${from}::timestamptz and f.created_at <= ${to}::timestamptz
      group by 1`);
    return new Map(rowsOf<{ bucket: string; n: number }>(res).map((r) => [r.bucket, Number(r.n)]));
  }

  type DayBucket = {
    bucket: string;
    sessions: number;
    no_shows: number;
    tutor_reschedules: number;
    score_sum: number;
    score_count: number;
  };
  /** The daily totals between two days (inclusive), summed per bucket: a few hundred rows at most. */
  async function totalsPerBucket(fromDay: string, toDay: string, g: TTrendGrouping): Promise<DayBucket[]> {
    const res = await db.execute(sql`
      select to_char(date_trunc(${g}, d.day::timestamp), 'YYYY-MM-DD') as bucket,
        sum(d.sessions)::int as sessions, sum(d.no_shows)::int as no_shows,
        sum(d.tutor_reschedules)::int as tutor_reschedules,
        sum(d.score_sum)::float8 as score_sum, sum(d.score_count)::int as score_count
      from quality_daily_totals d
      where d.day >= ${fromDay}::date and d.day <= ${toDay}::date
      group by 1`);
    return rowsOf<DayBucket>(res).map((r) => ({
      bucket: r.bucket,
      sessions: Number(r.sessions),
      no_shows: Number(r.no_shows),
      tutor_reschedules: Number(r.tutor_reschedules),
      score_sum: Number(r.score_sum),
      score_count: Number(r.score_count),
    }));
  }

  async function computeOverview(): Promise<TAnalyticsOverview> {
    const now = clock.now();
    const dayStart = startOfUtcDay(now);
    // The last 7 days = today and the 6 before; the 7 before that are the comparison.
    const weekStart = new Date(dayStart.getTime() - 6 * DAY_MS);
    const prevWeekStart = new Date(dayStart.getTime() - 13 * DAY_MS);
    const lastWeekDay = isoDay(new Date(dayStart.getTime() - 7 * DAY_MS));
    const lastWeekFloor = isoDay(new Date(dayStart.getTime() - 14 * DAY_MS));
    const chartFrom = new Date(dayStart.getTime() - (OVERVIEW_CHART_DAYS - 1) * DAY_MS);

    const [totalsRes, pastAvgRes, topRes, dailyRes, criticalRes] = await Promise.all([
      db.execute(sql`
          select
            (select count(*)::int from sessions s
              where s.processing_status = 'processed'
                and s.processed_at >= ${dayStart}::timestamptz and s.processed_at <= ${now}::timestamptz
                and s.session_start_time > ${dayStart}::timestamptz - make_interval(days => ${PROCESSED_TODAY_LOOKBACK_DAYS}::int)
            ) as sessions_processed,
            (select count(*)::int from flags f
              where f.created_at >= ${dayStart}::timestamptz and f.created_at <= ${now}::timestamptz) as flags_today,
            (select count(distinct f.tutor_id)::int from flags f
              where f.created_at >= ${dayStart}::timestamptz and f.created_at <= ${now}::timestamptz) as tutors_flagged,
            (select avg(ts.overall_score)::float8 from tutor_scores ts
              where ts.window_days = 30 and ts.total_sessions > 0 and ts.overall_score is not null) as avg_score,
            (select coalesce(sum(d.sessions), 0)::int from quality_daily_totals d
              where d.day >= ${isoDay(weekStart)}::date and d.day <= ${isoDay(dayStart)}::date) as sessions_7d,
            (select coalesce(sum(d.sessions), 0)::int from quality_daily_totals d
              where d.day >= ${isoDay(prevWeekStart)}::date and d.day < ${isoDay(weekStart)}::date) as sessions_prev_7d,
            (select count(*)::int from flags f
              where f.created_at >= ${weekStart}::timestamptz and f.created_at <= ${now}::timestamptz) as flags_7d,
            (select count(*)::int from flags f
              where f.created_at >= ${prevWeekStart}::timestamptz and f.created_at < ${weekStart}::timestamptz) as flags_prev_7d`),
      // The mean 30-day score a week ago: the latest day with scores at or before then (within a week), from
      // the daily totals (one row a day) instead of the whole score history.
      db.execute(sql`
          select (d.score_sum / d.score_count)::float8 as avg_score
          from quality_daily_totals d
          where d.day <= ${lastWeekDay}::date and d.day > ${lastWeekFloor}::date and d.score_count > 0
          order by d.day desc
          limit 1`),
      db.execute(sql`
          select f.flag_type as issue, count(*)::int as n
          from flags f
          where f.status in ('open', 'in_progress')
          group by 1
          order by 2 desc, 1 asc`),
      db.execute(sql`
          select to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, f.flag_type, count(*)::int as n
          from flags f
          where f.created_at >= ${chartFrom}::timestamptz and f.created_at <= ${now}::timestamptz
          group by 1, 2`),
      db.execute(sql`
          select f.id from flags f
          where f.severity = 'critical' and f.status in ('open', 'in_progress')
          order by f.created_at desc, f.id desc
          limit ${NEWEST_CRITICAL}`),
    ]);

    type Totals = Record<
      | 'sessions_processed'
      | 'flags_today'
      | 'tutors_flagged'
      | 'sessions_7d'
      | 'sessions_prev_7d'
      | 'flags_7d'
      | 'flags_prev_7d',
      number
    > & { avg_score: number | null };
    const t = rowsOf<Totals>(totalsRes)[0]!;
    const n = (v: unknown) => Number(v ?? 0);
    const avgNow = t.avg_score === null ? null : round(Number(t.avg_score), 1);
    const pastAvg = rowsOf<{ avg_score: number | null }>(pastAvgRes)[0]?.avg_score ?? null;
    const flagRate = n(t.sessions_7d) > 0 ? (100 * n(t.flags_7d)) / n(t.sessions_7d) : 0;
    const prevRate = n(t.sessions_prev_7d) > 0 ? (100 * n(t.flags_prev_7d)) / n(t.sessions_prev_7d) : null;

    const byDay = new Map<string, Record<string, number>>();
    for (const r of rowsOf<{ day: string; flag_type: string; n: number }>(dailyRes)) {
      let m = byDay.get(r.day);
      if (!m) byDay.set(r.day, (m = {}));
      m[r.flag_type] = Number(r.n);
    }
    const flagsByTypeDaily = bucketsBetween(chartFrom, now, 'day').map((day) => {
      const m = byDay.get(day) ?? {};
      return { day, total: Object.values(m).reduce((a, b) => a + b, 0), by_type: m };
    });

    const criticalIds = rowsOf<{ id: string }>(criticalRes).map((r) => r.id);
    let critical: FlagRow[] = [];
    if (criticalIds.length) {
      const res = await db.select().from(flags).where(inArray(flags.id, criticalIds));
      const order = new Map(criticalIds.map((id, i) => [id, i]));
      critical = res.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    const names = await loadTutorNames(
      db,
      critical.map((f) => f.tutorId),
    );

    return {
      generated_at: now.toISOString(),
      today: {
        date: isoDay(now),
        sessions_processed: n(t.sessions_processed),
        flags_raised: n(t.flags_today),
        tutors_flagged: n(t.tutors_flagged),
      },
      trends: {
        avg_score: avgNow,
        avg_score_change: avgNow === null || pastAvg === null ? null : round(avgNow - Number(pastAvg), 1),
        flag_rate: round(flagRate, 2),
        flag_rate_change: prevRate === null ? null : round(flagRate - prevRate, 2),
        sessions_7d: n(t.sessions_7d),
        flags_7d: n(t.flags_7d),
      },
      top_issues: rowsOf<{ issue: string; n: number }>(topRes).map((r) => ({
        issue: r.issue,
        count: Number(r.n),
      })),
      flags_by_type_daily: flagsByTypeDaily,
      newest_critical_flags: critical.map((f) => toFlagDto(f, names.get(f.tutorId) ?? null)),
    };
  }

  return {
    /** Everything the overview page shows; one computation per day and quality generation. */
    overview(): Promise<TAnalyticsOverview> {
      return cached(`quality:overview:${isoDay(clock.now())}`, computeOverview);
    },

    async trends(q: TTrendsQuery): Promise<TTrendsResponse> {
      const groupBy = q.group_by ?? TREND_DEFAULT_GROUPING[q.period];
      if (!TREND_ALLOWED_GROUPINGS[q.period].includes(groupBy)) {
        throw new AppError(
          'VALIDATION_FAILED',
          `group_by=${groupBy} does not fit period=${q.period}; use ${TREND_ALLOWED_GROUPINGS[q.period].join(' or ')}`,
        );
      }
      const to = clock.now();
      const from = new Date(to.getTime() - TREND_PERIOD_DAYS[q.period] * DAY_MS);
      return cached(`quality:trends:${q.metric}:${q.period}:${groupBy}:${isoDay(to)}`, () =>
        computeTrends(q, groupBy, from, to),
      );
    },
  };

  async function computeTrends(
    q: TTrendsQuery,
    groupBy: TTrendGrouping,
    from: Date,
    to: Date,
  ): Promise<TTrendsResponse> {
    const buckets = bucketsBetween(from, to, groupBy);
    const values = new Map<string, { value: number | null; sample: number }>();
    // Whole UTC days: the first bucket starts at the start of `from`'s day.
    const totals = await totalsPerBucket(isoDay(from), isoDay(to), groupBy);

    if (q.metric === 'avg_score') {
      for (const b of totals) {
        if (b.score_count === 0) continue;
        values.set(b.bucket, { value: round(b.score_sum / b.score_count, 1), sample: b.score_count });
      }
    } else {
      const flagsIn =
        q.metric === 'flag_rate' ? await flagsPerBucket(startOfUtcDay(from), to, groupBy) : null;
      for (const b of totals) {
        if (b.sessions === 0) continue;
        if (flagsIn) {
          values.set(b.bucket, {
            value: round((100 * (flagsIn.get(b.bucket) ?? 0)) / b.sessions, 2),
            sample: b.sessions,
          });
        } else {
          const k = q.metric === 'no_show_rate' ? b.no_shows : b.tutor_reschedules;
          values.set(b.bucket, { value: round(k / b.sessions, 4), sample: b.sessions });
        }
      }
    }

    const points: TTrendPoint[] = buckets.map((bucket) => {
      const v = values.get(bucket);
      return { bucket, value: v?.value ?? null, sample_size: v?.sample ?? 0 };
    });
    return {
      metric: q.metric,
      period: q.period,
      group_by: groupBy,
      from: from.toISOString(),
      to: to.toISOString(),
      points,
    };
  }
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
