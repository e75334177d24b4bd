/**
 * Session counts per tutor and window, for the quality module's scores and analytics. Only what the sessions
 * table knows (attendance facts, ratings, reschedules); what counts as late or early is decided by the quality
 * rules and counted from their findings. One aggregate query for any number of tutors and windows.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';

export type SessionTotals = {
  sessions: number;
  firstSessions: number;
  /** Sessions the tutor joined / both parties joined. */
  joined: number;
  bothJoined: number;
  rated: number;
  ratingSum: number;
  firstRated: number;
  firstRatingSum: number;
  reschedules: number;
  tutorReschedules: number;
  studentReschedules: number;
};

export const EMPTY_TOTALS: SessionTotals = {
  sessions: 0,
  firstSessions: 0,
  joined: 0,
  bothJoined: 0,
  rated: 0,
  ratingSum: 0,
  firstRated: 0,
  firstRatingSum: 0,
  reschedules: 0,
  tutorReschedules: 0,
  studentReschedules: 0,
};

const TOTALS_COLUMNS = sql`
  count(*)::int as sessions,
  count(*) filter (where s.is_first_session)::int as first_sessions,
  count(*) filter (where s.tutor_join_time is not null)::int as joined,
  count(*) filter (where s.tutor_join_time is not null and s.student_join_time is not null)::int as both_joined,
  count(s.student_feedback_rating)::int as rated,
  coalesce(sum(s.student_feedback_rating), 0)::float8 as rating_sum,
  count(s.student_feedback_rating) filter (where s.is_first_session)::int as first_rated,
  coalesce(sum(s.student_feedback_rating) filter (where s.is_first_session), 0)::float8 as first_rating_sum,
  count(*) filter (where s.was_rescheduled)::int as reschedules,
  count(*) filter (where s.was_rescheduled and s.rescheduled_by = 'tutor')::int as tutor_reschedules,
  count(*) filter (where s.was_rescheduled and s.rescheduled_by = 'student')::int as student_reschedules`;

type TotalsRow = {
  sessions: number;
  first_sessions: number;
  joined: number;
  both_joined: number;
  rated: number;
  rating_sum: number;
  first_rated: number;
  first_rating_sum: number;
  reschedules: number;
  tutor_reschedules: number;
  student_reschedules: number;
};

function toTotals(r: TotalsRow): SessionTotals {
  return {
    sessions: Number(r.sessions),
    firstSessions: Number(r.first_sessions),
    joined: Number(r.joined),
    bothJoined: Number(r.both_joined),
    rated: Number(r.rated),
    ratingSum: Number(r.rating_sum),
    firstRated: Number(r.first_rated),
    firstRatingSum: Number(r.first_rating_sum),
    reschedules: Number(r.reschedules),
    tutorReschedules: Number(r.tutor_reschedules),
    studentReschedules: Number(r.student_reschedules),
  };
}

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** Windows are (now − days, now] on the scheduled start time. */
function windowsValues(windowsDays: number[]): SQL {
  return sql.join(
    windowsDays.map((d) => sql`(${d}::int)`),
    sql`, `,
  );
}

/**
 * Totals per tutor and window. `tutorIds` undefined = every tutor with a session in the largest window.
 * Tutors without sessions are absent from the map (callers use EMPTY_TOTALS).
 */
export async function tutorWindowTotals(
  db: DbOrTx,
  opts: { tutorIds?: string[]; now: Date; windowsDays: number[] },
): Promise<Map<string, Map<number, SessionTotals>>> {
  const maxDays = Math.max(...opts.windowsDays);
  const tutorFilter =
    opts.tutorIds === undefined ? sql`true` : sql`s.tutor_id = any(${sql.param(opts.tutorIds)}::text[])`;
  const res = await db.execute(sql`
    select s.tutor_id, w.days, ${TOTALS_COLUMNS}
    from sessions s
    join (values ${windowsValues(opts.windowsDays)}) as w(days)
      on s.session_start_time > ${opts.now}::timestamptz - make_interval(days => w.days)
    where ${tutorFilter}
      and s.session_start_time > ${opts.now}::timestamptz - make_interval(days => ${maxDays}::int)
      and s.session_start_time <= ${opts.now}::timestamptz
    group by s.tutor_id, w.days`);
  const out = new Map<string, Map<number, SessionTotals>>();
  for (const r of rowsOf<TotalsRow & { tutor_id: string; days: number }>(res)) {
    let m = out.get(r.tutor_id);
    if (!m) out.set(r.tutor_id, (m = new Map()));
    m.set(Number(r.days), toTotals(r));
  }
  return out;
}

/** Totals for one tutor over [from, to). */
export async function tutorTotalsBetween(
  db: DbOrTx,
  opts: { tutorId: string; from: Date; to: Date },
): Promise<SessionTotals> {
  const res = await db.execute(sql`
    select ${TOTALS_COLUMNS}
    from sessions s
    where s.tutor_id = ${opts.tutorId}
      and s.session_start_time >= ${opts.from}::timestamptz
      and s.session_start_time < ${opts.to}::timestamptz`);
  const [r] = rowsOf<TotalsRow>(res);
  return r ? toTotals(r) : { ...EMPTY_TOTALS };
}

/** Marketplace-wide totals over the window ending at `now`, and how many tutors they cover. */
export async function populationTotals(
  db: DbOrTx,
  opts: { now: Date; windowDays: number },
): Promise<SessionTotals & { tutors: number }> {
  const res = await db.execute(sql`
    select ${TOTALS_COLUMNS}, count(distinct s.tutor_id)::int as tutors
    from sessions s
    where s.session_start_time > ${opts.now}::timestamptz - make_interval(days => ${opts.windowDays}::int)
      and s.session_start_time <= ${opts.now}::timestamptz`);
  const [r] = rowsOf<TotalsRow & { tutors: number }>(res);
  return r ? { ...toTotals(r), tutors: Number(r.tutors) } : { ...EMPTY_TOTALS, tutors: 0 };
}

/** Daily totals per day (UTC) for trend charts: sessions, tutor no-shows, tutor reschedules, rated. */
export async function dailyTotals(
  db: DbOrTx,
  opts: { from: Date; to: Date; bucket: 'day' | 'week' | 'month' },
): Promise<Array<{ bucket: string } & SessionTotals>> {
  const res = await db.execute(sql`
    select to_char(date_trunc(${opts.bucket}, s.session_start_time at time zone 'UTC'), 'YYYY-MM-DD') as bucket,
      ${TOTALS_COLUMNS}
    from sessions s
    where s.session_start_time >= ${opts.from}::timestamptz and s.session_start_time < ${opts.to}::timestamptz
    group by 1
    order by 1`);
  return rowsOf<TotalsRow & { bucket: string }>(res).map((r) => ({ bucket: r.bucket, ...toTotals(r) }));
}

/** Tutors with a session scheduled in the `days` before `now` (the windows' span), sorted. */
export async function tutorsWithSessions(db: DbOrTx, opts: { now: Date; days: number }): Promise<string[]> {
  const res = await db.execute(sql`
    select distinct s.tutor_id
    from sessions s
    where s.session_start_time > ${opts.now}::timestamptz - make_interval(days => ${opts.days}::int)
      and s.session_start_time <= ${opts.now}::timestamptz
    order by 1`);
  return rowsOf<{ tutor_id: string }>(res).map((r) => r.tutor_id);
}

/** The UTC day of a session, as the rollups count it. */
export const SESSION_DAY_SQL = sql`(s.session_start_time at time zone 'UTC')::date`;

/**
 * Totals per (tutor, UTC day of the scheduled start) for the given keys: what the quality rollups recompute
 * when sessions of those days are scored. Keys without sessions are absent.
 */
export async function tutorDayTotals(
  db: DbOrTx,
  keys: Array<{ tutorId: string; day: string }>,
): Promise<Map<string, SessionTotals>> {
  if (keys.length === 0) return new Map();
  const res = await db.execute(sql`
    select k.tutor_id, to_char(k.day, 'YYYY-MM-DD') as day, ${TOTALS_COLUMNS}
    from unnest(${sql.param(keys.map((k) => k.tutorId))}::text[], ${sql.param(keys.map((k) => k.day))}::date[])
      as k(tutor_id, day)
    join sessions s
      on s.tutor_id = k.tutor_id
      and s.session_start_time >= (k.day::timestamp at time zone 'UTC')
      and s.session_start_time < ((k.day + 1)::timestamp at time zone 'UTC')
    group by k.tutor_id, k.day`);
  const out = new Map<string, SessionTotals>();
  for (const r of rowsOf<TotalsRow & { tutor_id: string; day: string }>(res))
    out.set(`${r.tutor_id}|${r.day}`, toTotals(r));
  return out;
}

/**
 * Sessions starting per hour and subject (the first subject covered) over [from, to): the demand history the
 * operations forecasts learn from. Hours without a session are absent.
 */
export async function subjectHourlyStarts(
  db: DbOrTx,
  opts: { from: Date; to: Date },
): Promise<Array<{ subjectId: string; hour: Date; sessions: number }>> {
  const res = await db.execute(sql`
    select s.subjects_covered[1] as subject_id,
      extract(epoch from date_trunc('hour', s.session_start_time at time zone 'UTC'))::float8 as hour,
      count(*)::int as sessions
    from sessions s
    where s.session_start_time >= ${opts.from}::timestamptz and s.session_start_time < ${opts.to}::timestamptz
      and cardinality(s.subjects_covered) > 0
    group by 1, 2`);
  return rowsOf<{ subject_id: string; hour: number; sessions: number }>(res).map((r) => ({
    subjectId: r.subject_id,
    hour: new Date(Number(r.hour) * 1000),
    sessions: Number(r.sessions),
  }));
}
