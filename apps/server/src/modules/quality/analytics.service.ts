/**
 * Quality analytics for the coach dashboard: the overview (everything the overview page shows, in one answer,
 * from a few aggregate queries) and trend series for charts (average score from the daily score history; rates
 * from sessions, findings and flags per day, week or month). Days are UTC days of the injected clock.
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
import { dailyTotals } from '../sessions/index';
import type { Clock } from '../../platform/clock';
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

export function createAnalyticsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function countsPerBucket(
    query: 'flags' | 'no_shows',
    from: Date,
    to: Date,
    g: TTrendGrouping,
  ): Promise<Map<string, number>> {
    const res =
      query === 'flags'
        ? await db.execute(sql`
            select to_char(date_trunc(${g}, f.created_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket, count(*)::int as n
            from flags f
            where f.created_at >= ${from}::timestamptz and f.created_at < ${to}::timestamptz
            group by 1`)
        : await db.execute(sql`
            select to_char(date_trunc(${g}, f.occurred_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket, count(*)::int as n
            from session_findings f
            where f.type = 'tutor_no_show'
              and f.occurred_at >= ${from}::timestamptz and f.occurred_at < ${to}::timestamptz
            group by 1`);
    return new Map(rowsOf<{ bucket: string; n: number }>(res).map((r) => [r.bucket, Number(r.n)]));
  }

  return {
    async overview(): Promise<TAnalyticsOverview> {
      const now = clock.now();
      const dayStart = startOfUtcDay(now);
      const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
      const twoWeeksAgo = new Date(now.getTime() - 14 * DAY_MS);
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
            (select count(*)::int from sessions s
              where s.session_start_time > ${weekAgo}::timestamptz and s.session_start_time <= ${now}::timestamptz) as sessions_7d,
            (select count(*)::int from sessions s
              where s.session_start_time > ${twoWeeksAgo}::timestamptz and s.session_start_time <= ${weekAgo}::timestamptz) as sessions_prev_7d,
            (select count(*)::int from flags f
              where f.created_at > ${weekAgo}::timestamptz and f.created_at <= ${now}::timestamptz) as flags_7d,
            (select count(*)::int from flags f
              where f.created_at > ${twoWeeksAgo}::timestamptz and f.created_at <= ${weekAgo}::timestamptz) as flags_prev_7d`),
        // The mean 30-day score a week ago: the latest history day at or before then (within a week).
        db.execute(sql`
          select avg(h.overall_score)::float8 as avg_score
          from tutor_score_history h
          where h.day = (
            select max(h2.day) from tutor_score_history h2
            where h2.day <= ${lastWeekDay}::date and h2.day > ${lastWeekFloor}::date)
            and h.total_sessions > 0 and h.overall_score is not null`),
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
      const buckets = bucketsBetween(from, to, groupBy);
      const values = new Map<string, { value: number | null; sample: number }>();

      if (q.metric === 'avg_score') {
        const res = await db.execute(sql`
          select to_char(date_trunc(${groupBy}, h.day::timestamp), 'YYYY-MM-DD') as bucket,
            avg(h.overall_score)::float8 as value, count(*)::int as n
          from tutor_score_history h
          where h.day >= ${isoDay(from)}::date and h.day <= ${isoDay(to)}::date
            and h.total_sessions > 0 and h.overall_score is not null
          group by 1`);
        for (const r of rowsOf<{ bucket: string; value: number; n: number }>(res)) {
          values.set(r.bucket, { value: round(Number(r.value), 1), sample: Number(r.n) });
        }
      } else {
        const totals = await dailyTotals(db, { from, to, bucket: groupBy });
        const numerators =
          q.metric === 'reschedule_rate'
            ? new Map(totals.map((b) => [b.bucket, b.tutorReschedules]))
            : await countsPerBucket(q.metric === 'flag_rate' ? 'flags' : 'no_shows', from, to, groupBy);
        for (const b of totals) {
          if (b.sessions === 0) continue;
          const k = numerators.get(b.bucket) ?? 0;
          const value =
            q.metric === 'flag_rate' ? round((100 * k) / b.sessions, 2) : round(k / b.sessions, 4);
          values.set(b.bucket, { value, sample: b.sessions });
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
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
