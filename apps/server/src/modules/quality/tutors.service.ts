/**
 * Tutor views for coaches: the tutors table (one SQL query: scores, open flags and the latest nightly analysis
 * joined per tutor, filtered, sorted and paged in the database), tutor detail, the score with its windows, and
 * the reschedule history (seed 002). Sessions come through the sessions module's service; interventions through
 * the interventions service; the nightly analysis through tier 3.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { TFlag, TReschedule, TSession, TTutorScore } from '@tutorpulse/contracts/quality';
import type { TInterventionListItem } from '@tutorpulse/contracts/quality-flags';
import type { TTutorAnalytics } from '@tutorpulse/contracts/quality-analytics';
import type {
  TScoreWindows,
  TTutorDetail,
  TTutorHistory,
  TTutorHistoryQuery,
  TTutorListItem,
  TTutorPage,
  TTutorProfile,
  TTutorMoves,
  TTutorMovesQuery,
  TTutorScoreResponse,
  TTutorsQuery,
} from '@tutorpulse/contracts/quality-tutors';
import { ZTutorDetail, ZTutorHistory, ZTutorScoreResponse } from '@tutorpulse/contracts/quality-tutors';
import type { Db } from '../../db/client';
import type { ReadCache } from '../../platform/cache/read-cache';
import { flags, sessionAnalyses, subjects, tutorSubjects, tutors } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import { toFlagDto } from './flags.core';
import { SEVERITY_RANK, type Severity } from './rules';
import { createSharedViews } from './shared-views';
import type { ScoreService } from './scores.service';
import { QUALITY_THRESHOLDS } from './thresholds';

const OPEN_STATUSES = ['open', 'in_progress'] as const;
const CLOSED_STATUSES = ['resolved', 'dismissed'] as const;
const RECENT_SESSIONS = 10;
const PAST_FLAGS = 10;
const HISTORY_DAYS = 90;
const SEVERITY_BY_RANK: Severity[] = ['low', 'medium', 'high', 'critical'];

/** What the tutor views need from other services (structural, so tests and adapters can stand in). */
export type TutorSessionsPort = {
  listRecentForTutor(tutorId: string, limit: number): Promise<TSession[]>;
  rescheduleHistory(
    tutorId: string,
    opts: { days?: number; limit?: number; now?: Date },
  ): Promise<TReschedule[]>;
};
export type TutorInterventionsPort = { listForTutor(tutorId: string): Promise<TInterventionListItem[]> };
export type TutorAnalyticsPort = { latestForTutor(tutorId: string): Promise<TTutorAnalytics | null> };

export const tutorNotFound = () => new AppError('TUTOR_NOT_FOUND', 'No tutor with that id', undefined, 404);

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

type ListRow = {
  id: string;
  name: string;
  is_active: boolean;
  main_subject_id: string | null;
  main_subject_name: string | null;
  overall_score: number | null;
  attendance_score: number | null;
  ratings_score: number | null;
  completion_score: number | null;
  reliability_score: number | null;
  confidence: number | null;
  total_sessions: number | null;
  rating_trend: TTutorListItem['rating_trend'];
  is_high_risk: boolean;
  open_flags: number;
  max_rank: number | null;
  direction: TTutorListItem['direction'];
  percentile_rank: number | null;
  peer_group: string | null;
  churn_risk_30d: number | null;
  churn_risk_90d: number | null;
  analysis_date: string | null;
  total: number;
};

function toListItem(r: ListRow, windowDays: number): TTutorListItem {
  const maxRank = num(r.max_rank);
  return {
    tutor_id: r.id,
    name: r.name,
    is_active: r.is_active,
    main_subject: r.main_subject_id
      ? { id: r.main_subject_id, name: r.main_subject_name ?? r.main_subject_id }
      : null,
    window_days: windowDays,
    overall_score: num(r.overall_score),
    breakdown:
      r.attendance_score === null
        ? null
        : {
            attendance: Number(r.attendance_score),
            ratings: Number(r.ratings_score ?? 0),
            completion: Number(r.completion_score ?? 0),
            reliability: Number(r.reliability_score ?? 0),
          },
    confidence: num(r.confidence),
    total_sessions: Number(r.total_sessions ?? 0),
    open_flags: Number(r.open_flags),
    max_open_severity: maxRank === null ? null : (SEVERITY_BY_RANK[maxRank] ?? null),
    is_high_risk: r.is_high_risk,
    rating_trend: r.rating_trend,
    direction: r.direction,
    percentile_rank: num(r.percentile_rank),
    peer_group: r.peer_group,
    churn_risk_30d: num(r.churn_risk_30d),
    churn_risk_90d: num(r.churn_risk_90d),
    analysis_date: r.analysis_date,
  };
}

export function createTutorService(deps: {
  db: Db;
  clock: Clock;
  scores: Pick<ScoreService, 'current' | 'history'>;
  sessions: TutorSessionsPort;
  interventions: TutorInterventionsPort;
  analytics: TutorAnalyticsPort;
  /** Keeps the tutor detail serialized and shared (see shared-views.ts); without it every call computes. */
  cache?: ReadCache;
}) {
  const { db, clock, scores, sessions, interventions, analytics } = deps;
  const sharedView = createSharedViews(deps.cache);

  const scoreCol = (w: number) => sql.raw(`s.score_${w === 7 ? 7 : w === 90 ? 90 : 30}`);
  const sessionsCol = (w: number) => sql.raw(`s.sessions_${w === 7 ? 7 : w === 90 ? 90 : 30}`);

  /** Filters over the summary (`s`) and the tutor (`t`). */
  function filters(q: TTutorsQuery): SQL {
    const where: SQL[] = [];
    if (q.min_score !== undefined) where.push(sql`${scoreCol(q.window)} >= ${q.min_score}`);
    if (q.max_score !== undefined) where.push(sql`${scoreCol(q.window)} <= ${q.max_score}`);
    if (q.has_flags === true) where.push(sql`s.open_flags > 0`);
    if (q.has_flags === false) where.push(sql`s.open_flags = 0`);
    if (q.risk_status === 'high_risk') where.push(sql`s.is_high_risk`);
    if (q.risk_status === 'low_risk') where.push(sql`not s.is_high_risk`);
    if (q.subject) {
      where.push(sql`(t.main_subject_id = ${q.subject}
        or exists (select 1 from tutor_subjects x where x.tutor_id = t.id and x.subject_id = ${q.subject}))`);
    }
    if (q.search) {
      const pattern = `%${escapeLike(q.search)}%`;
      where.push(sql`(t.name ilike ${pattern} or t.id ilike ${pattern})`);
    }
    return where.length ? sql.join(where, sql` and `) : sql`true`;
  }

  function ordering(q: TTutorsQuery): SQL {
    const defaultDesc = q.sort_by === 'session_count' || q.sort_by === 'risk';
    const dir = (q.sort_order ?? (defaultDesc ? 'desc' : 'asc')) === 'desc' ? sql`desc` : sql`asc`;
    switch (q.sort_by) {
      case 'name':
        return sql`lower(t.name) ${dir}, t.id asc`;
      case 'session_count':
        return sql`${sessionsCol(q.window)} ${dir}, t.id asc`;
      case 'risk':
        return sql`s.is_high_risk::int ${dir}, s.max_open_rank ${dir}, s.churn_risk_30d ${dir} nulls last, t.id asc`;
      case 'score':
      default:
        return sql`${scoreCol(q.window)} ${dir} nulls last, t.id asc`;
    }
  }

  async function assertTutor(id: string) {
    const [row] = await db.select({ id: tutors.id }).from(tutors).where(eq(tutors.id, id)).limit(1);
    if (!row) throw tutorNotFound();
  }

  async function loadProfile(id: string): Promise<TTutorProfile | null> {
    // The tutor and the subjects taught, in parallel: one round trip's wait instead of two.
    const [[row], taught] = await Promise.all([
      db
        .select({ t: tutors, subjectName: subjects.name })
        .from(tutors)
        .leftJoin(subjects, eq(subjects.id, tutors.mainSubjectId))
        .where(eq(tutors.id, id))
        .limit(1),
      db
        .select({ id: subjects.id, name: subjects.name })
        .from(tutorSubjects)
        .innerJoin(subjects, eq(subjects.id, tutorSubjects.subjectId))
        .where(eq(tutorSubjects.tutorId, id))
        .orderBy(subjects.name),
    ]);
    if (!row) return null;
    const t = row.t;
    return {
      tutor_id: t.id,
      name: t.name,
      email: t.email,
      is_active: t.isActive,
      main_subject: t.mainSubjectId
        ? { id: t.mainSubjectId, name: row.subjectName ?? t.mainSubjectId }
        : null,
      subjects: taught,
      hired_at: t.hiredAt?.toISOString() ?? null,
      created_at: t.createdAt.toISOString(),
    };
  }

  async function loadFlags(tutorId: string, name: string | null, which: 'open' | 'closed'): Promise<TFlag[]> {
    const rows =
      which === 'open'
        ? await db
            .select()
            .from(flags)
            .where(and(eq(flags.tutorId, tutorId), inArray(flags.status, [...OPEN_STATUSES])))
            .orderBy(desc(flags.lastSeenAt))
        : await db
            .select()
            .from(flags)
            .where(and(eq(flags.tutorId, tutorId), inArray(flags.status, [...CLOSED_STATUSES])))
            .orderBy(desc(sql`coalesce(${flags.resolvedAt}, ${flags.updatedAt})`))
            .limit(PAST_FLAGS);
    if (which === 'open') rows.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    return rows.map((f) => toFlagDto(f, name));
  }

  const windowsOf = (m: Map<number, TTutorScore>): TScoreWindows => ({
    last_7d: m.get(7) ?? null,
    last_30d: m.get(30) ?? null,
    last_90d: m.get(90) ?? null,
  });

  /** Seed 000's TutorResponse, with all score windows, past flags and the latest nightly analysis. */
  async function getDetail(tutorId: string): Promise<TTutorDetail> {
    // Everything at once (the profile too): flags are named after the tutor afterwards, so nothing waits
    // for the profile. An unknown tutor costs a few empty reads before its 404.
    const [tutor, current, history, recent, active, past, tutorInterventions, latest] = await Promise.all([
      loadProfile(tutorId),
      scores.current(tutorId),
      scores.history(tutorId, { days: HISTORY_DAYS, now: clock.now() }),
      sessions.listRecentForTutor(tutorId, RECENT_SESSIONS),
      loadFlags(tutorId, null, 'open'),
      loadFlags(tutorId, null, 'closed'),
      interventions.listForTutor(tutorId),
      analytics.latestForTutor(tutorId),
    ]);
    if (!tutor) throw tutorNotFound();
    const named = (f: TFlag): TFlag => ({ ...f, tutor_name: tutor.name });
    return {
      tutor_id: tutorId,
      tutor,
      current_score: current.get(30) ?? null,
      windows: windowsOf(current),
      recent_sessions: recent,
      active_flags: active.map(named),
      past_flags: past.map(named),
      performance_history: history,
      interventions: tutorInterventions,
      analytics: latest,
    };
  }

  const service = {
    /**
     * The tutors table from `tutor_summaries` (one row per tutor, kept by tier 1, the flag trigger and tier 3):
     * the page is picked from the summaries (sorted and filtered there), then only its rows are joined to
     * their scores and latest analysis.
     */
    async list(q: TTutorsQuery): Promise<TTutorPage> {
      const where = filters(q);
      const [pageRes, countRes] = await Promise.all([
        db.execute(sql`
          with page as (
            select s.tutor_id, row_number() over () as rn
            from (
              select s.tutor_id from tutor_summaries s join tutors t on t.id = s.tutor_id
              where ${where}
              order by ${ordering(q)}
              limit ${q.limit} offset ${q.offset}
            ) s
          )
          select t.id, t.name, t.is_active, t.main_subject_id, sub.name as main_subject_name,
            ts.overall_score, ts.attendance_score, ts.ratings_score, ts.completion_score, ts.reliability_score,
            ts.confidence, ts.total_sessions, ts.rating_trend,
            sm.is_high_risk, sm.open_flags, case when sm.max_open_rank < 0 then null else sm.max_open_rank end as max_rank,
            ta.direction, ta.percentile_rank, ta.peer_group, ta.churn_risk_30d, ta.churn_risk_90d, ta.analysis_date,
            0 as total
          from page p
          join tutors t on t.id = p.tutor_id
          join tutor_summaries sm on sm.tutor_id = p.tutor_id
          left join subjects sub on sub.id = t.main_subject_id
          left join tutor_scores ts on ts.tutor_id = t.id and ts.window_days = ${q.window}
          left join lateral (
            select a.direction, a.percentile_rank, a.peer_group, a.churn_risk_30d, a.churn_risk_90d,
              to_char(a.analysis_date, 'YYYY-MM-DD') as analysis_date
            from tutor_analytics a
            where a.tutor_id = t.id
            order by a.analysis_date desc
            limit 1
          ) ta on true
          order by p.rn`),
        db.execute(sql`
          select count(*)::int as n from tutor_summaries s join tutors t on t.id = s.tutor_id where ${where}`),
      ]);
      const rows = rowsOf<ListRow>(pageRes);
      const total = Number(rowsOf<{ n: number }>(countRes)[0]?.n ?? 0);
      return { data: rows.map((r) => toListItem(r, q.window)), total, limit: q.limit, offset: q.offset };
    },

    get: getDetail,

    /** The tutor detail as JSON text, shared by every reader until an event changes it (see `get`). */
    getJson(tutorId: string): Promise<string> {
      return sharedView(`tutor:${tutorId}:${clock.now().toISOString().slice(0, 10)}`, ZTutorDetail, () =>
        getDetail(tutorId),
      );
    },

    /** Seed 000's TutorScoreResponse (the 30-day score), plus the three windows. */
    async score(tutorId: string): Promise<TTutorScoreResponse> {
      const [row] = await db
        .select({ name: tutors.name })
        .from(tutors)
        .where(eq(tutors.id, tutorId))
        .limit(1);
      if (!row) throw tutorNotFound();
      const [current, active] = await Promise.all([
        scores.current(tutorId),
        loadFlags(tutorId, row.name, 'open'),
      ]);
      const score = current.get(30) ?? null;
      return { score, breakdown: score?.breakdown ?? null, flags: active, windows: windowsOf(current) };
    },

    /**
     * The tutor's move trend: per week (Monday, UTC, by session start) the mean over analysed sessions of the
     * expected share of telling and of guiding (focus + probing) turns, from tier 2's stored shares.
     */
    async moves(tutorId: string, q: TTutorMovesQuery): Promise<TTutorMoves> {
      await assertTutor(tutorId);
      const now = clock.now();
      const from = new Date(weekStartUtc(now).getTime() - (q.weeks - 1) * 7 * DAY_MS);
      const at = sql`coalesce(${sessionAnalyses.sessionStartedAt}, ${sessionAnalyses.createdAt})`;
      const week = sql<string>`to_char(date_trunc('week', ${at} at time zone 'UTC'), 'YYYY-MM-DD')`;
      const rows = await db
        .select({
          week_start: week,
          sessions: sql<number>`count(*)::int`,
          tutor_turns: sql<number>`coalesce(sum((${sessionAnalyses.moves}->>'tutorTurns')::int), 0)::int`,
          focus: sql<number | null>`sum(${sessionAnalyses.focusShare})::float8`,
          probing: sql<number | null>`sum(${sessionAnalyses.probingShare})::float8`,
          telling: sql<number | null>`sum(${sessionAnalyses.tellingShare})::float8`,
          generic: sql<number | null>`sum(${sessionAnalyses.genericShare})::float8`,
          guidance: sql<number | null>`sum(${sessionAnalyses.guidanceScore})::float8`,
        })
        .from(sessionAnalyses)
        .where(
          and(
            eq(sessionAnalyses.tutorId, tutorId),
            sql`${sessionAnalyses.tellingShare} is not null`,
            sql`${at} >= ${from.toISOString()}::timestamptz`,
            sql`${at} < ${new Date(weekStartUtc(now).getTime() + 7 * DAY_MS).toISOString()}::timestamptz`,
          ),
        )
        .groupBy(week);
      const typed = rows.map((r) => ({
        ...r,
        sessions: Number(r.sessions),
        tutor_turns: Number(r.tutor_turns),
        focus: num(r.focus),
        probing: num(r.probing),
        telling: num(r.telling),
        generic: num(r.generic),
        guidance: num(r.guidance),
      }));
      return { tutor_id: tutorId, weeks: q.weeks, ...buildMoveSeries(typed, now, q.weeks) };
    },

    /** Seed 002's reschedule history: events newest first, the 30-day rate over time, the 7/30/90-day rates. */
    async history(tutorId: string, q: TTutorHistoryQuery): Promise<TTutorHistory> {
      await assertTutor(tutorId);
      const now = clock.now();
      const [events, points, current] = await Promise.all([
        sessions.rescheduleHistory(tutorId, { days: q.days, limit: q.limit, now }),
        scores.history(tutorId, { days: q.days, now }),
        scores.current(tutorId),
      ]);
      const rates = (s: TTutorScore | undefined) =>
        s
          ? {
              window_days: s.window_days,
              total_sessions: s.total_sessions,
              reschedule_count: s.reschedule_count,
              reschedule_rate: s.reschedule_rate,
              tutor_initiated_reschedules: s.tutor_initiated_reschedules,
              tutor_reschedule_rate: s.tutor_reschedule_rate,
            }
          : null;
      return {
        tutor_id: tutorId,
        days: q.days,
        events,
        trend: points.map((p) => ({
          day: p.day,
          tutor_reschedule_rate: p.tutor_reschedule_rate,
          total_sessions: p.total_sessions,
        })),
        rates: {
          last_7d: rates(current.get(7)),
          last_30d: rates(current.get(30)),
          last_90d: rates(current.get(90)),
        },
        threshold: QUALITY_THRESHOLDS.highRescheduleRate,
      };
    },

    /** The score view as JSON text, shared like the detail (see `getJson`). */
    scoreJson(tutorId: string): Promise<string> {
      return sharedView(`tutor-score:${tutorId}`, ZTutorScoreResponse, () => service.score(tutorId));
    },

    /** The reschedule history as JSON text, shared like the detail (see `getJson`). */
    historyJson(tutorId: string, q: TTutorHistoryQuery): Promise<string> {
      const day = clock.now().toISOString().slice(0, 10);
      return sharedView(`tutor-history:${tutorId}:${q.days}:${q.limit}:${day}`, ZTutorHistory, () =>
        service.history(tutorId, q),
      );
    },
  };
  return service;
}

export type TutorService = ReturnType<typeof createTutorService>;

const DAY_MS = 86_400_000;
/** Monday 00:00 UTC of the week holding `d`. */
export function weekStartUtc(d: Date): Date {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

export type MoveWeekRow = {
  week_start: string;
  sessions: number;
  tutor_turns: number;
  focus: number | null;
  probing: number | null;
  telling: number | null;
  generic: number | null;
  guidance: number | null;
};

const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Week rows (sums per week) into the API series: every week of the period, oldest first, means per session. */
export function buildMoveSeries(
  rows: MoveWeekRow[],
  now: Date,
  weeks: number,
): Pick<TTutorMoves, 'series' | 'overall'> {
  const byWeek = new Map(rows.map((r) => [r.week_start, r]));
  const last = weekStartUtc(now).getTime();
  const point = (r: Omit<MoveWeekRow, 'week_start'> | undefined) => {
    const n = r?.sessions ?? 0;
    const mean = (v: number | null | undefined) => (n > 0 && v !== null && v !== undefined ? v / n : null);
    const focus = mean(r?.focus);
    const probing = mean(r?.probing);
    return {
      sessions: n,
      tutor_turns: r?.tutor_turns ?? 0,
      telling_share: r3(mean(r?.telling)),
      guiding_share: focus === null || probing === null ? null : r3(focus + probing),
      focus_share: r3(focus),
      probing_share: r3(probing),
      generic_share: r3(mean(r?.generic)),
      guidance_score: r1(mean(r?.guidance)),
    };
  };
  const series = Array.from({ length: weeks }, (_, i) => {
    const week = new Date(last - (weeks - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10);
    return { week_start: week, ...point(byWeek.get(week)) };
  });
  const sum = (k: keyof Omit<MoveWeekRow, 'week_start'>) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
  const overall = point({
    sessions: sum('sessions'),
    tutor_turns: sum('tutor_turns'),
    focus: sum('focus'),
    probing: sum('probing'),
    telling: sum('telling'),
    generic: sum('generic'),
    guidance: sum('guidance'),
  });
  return { series, overall };
}
