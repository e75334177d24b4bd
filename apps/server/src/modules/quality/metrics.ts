/**
 * Window counts: the sessions module's totals (attendance, ratings, reschedules) joined in code with the
 * rules' findings (late, early end, no-show, poor first session) per tutor and window. Everything the scores,
 * pattern flags, tier 3 and before/after comparisons need, from two aggregate queries.
 */
import { sql } from 'drizzle-orm';
import type { TWindowMetrics } from '@tutorpulse/contracts/quality';
import type { DbOrTx } from '../../db/client';
import {
  EMPTY_TOTALS,
  populationTotals,
  tutorTotalsBetween,
  tutorWindowTotals,
  type SessionTotals,
} from '../sessions/index';
import { rateOrNull, type Population, type WindowCounts } from './scoring';

type FindingTotals = {
  noShows: number;
  late: number;
  latenessMinutesSum: number;
  earlyEnds: number;
  earlyEndMinutesSum: number;
  studentNoShows: number;
  poorFirst: number;
};
const EMPTY_FINDINGS: FindingTotals = {
  noShows: 0,
  late: 0,
  latenessMinutesSum: 0,
  earlyEnds: 0,
  earlyEndMinutesSum: 0,
  studentNoShows: 0,
  poorFirst: 0,
};

const FINDING_COLUMNS = sql`
  count(*) filter (where f.type = 'tutor_no_show')::int as no_shows,
  count(*) filter (where f.type = 'tutor_late')::int as late,
  coalesce(sum(f.minutes) filter (where f.type = 'tutor_late'), 0)::float8 as lateness_sum,
  count(*) filter (where f.type = 'session_ended_early')::int as early_ends,
  coalesce(sum(f.minutes) filter (where f.type = 'session_ended_early'), 0)::float8 as early_sum,
  count(*) filter (where f.type = 'student_no_show')::int as student_no_shows,
  count(*) filter (where f.type = 'poor_first_session')::int as poor_first`;

type FindingRow = {
  no_shows: number;
  late: number;
  lateness_sum: number;
  early_ends: number;
  early_sum: number;
  student_no_shows: number;
  poor_first: number;
};
const toFindings = (r: FindingRow): FindingTotals => ({
  noShows: Number(r.no_shows),
  late: Number(r.late),
  latenessMinutesSum: Number(r.lateness_sum),
  earlyEnds: Number(r.early_ends),
  earlyEndMinutesSum: Number(r.early_sum),
  studentNoShows: Number(r.student_no_shows),
  poorFirst: Number(r.poor_first),
});
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

export function combine(t: SessionTotals, f: FindingTotals): WindowCounts {
  return {
    sessions: t.sessions,
    firstSessions: t.firstSessions,
    joined: t.joined,
    bothJoined: t.bothJoined,
    noShows: f.noShows,
    late: f.late,
    latenessMinutesSum: f.latenessMinutesSum,
    earlyEnds: f.earlyEnds,
    earlyEndMinutesSum: f.earlyEndMinutesSum,
    reschedules: t.reschedules,
    tutorReschedules: t.tutorReschedules,
    studentNoShows: f.studentNoShows,
    rated: t.rated,
    ratingSum: t.ratingSum,
    firstRated: t.firstRated,
    firstRatingSum: t.firstRatingSum,
    poorFirst: f.poorFirst,
  };
}

export const EMPTY_COUNTS: WindowCounts = combine(EMPTY_TOTALS, EMPTY_FINDINGS);

/** Counts per tutor and window (windows end at `now`). `tutorIds` undefined = all tutors with sessions. */
export async function loadWindowCounts(
  db: DbOrTx,
  opts: { tutorIds?: string[]; now: Date; windowsDays: number[] },
): Promise<Map<string, Map<number, WindowCounts>>> {
  const maxDays = Math.max(...opts.windowsDays);
  const tutorFilter =
    opts.tutorIds === undefined ? sql`true` : sql`f.tutor_id = any(${sql.param(opts.tutorIds)}::text[])`;
  // Sequential: `db` may be a transaction, i.e. one connection.
  const totals = await tutorWindowTotals(db, opts);
  const findingsRes = await db.execute(sql`
      select f.tutor_id, w.days, ${FINDING_COLUMNS}
      from session_findings f
      join (values ${sql.join(
        opts.windowsDays.map((d) => sql`(${d}::int)`),
        sql`, `,
      )}) as w(days)
        on f.occurred_at > ${opts.now}::timestamptz - make_interval(days => w.days)
      where ${tutorFilter}
        and f.occurred_at > ${opts.now}::timestamptz - make_interval(days => ${maxDays}::int)
        and f.occurred_at <= ${opts.now}::timestamptz
      group by f.tutor_id, w.days`);
  const findings = new Map<string, FindingTotals>();
  for (const r of rowsOf<FindingRow & { tutor_id: string; days: number }>(findingsRes)) {
    findings.set(`${r.tutor_id}|${Number(r.days)}`, toFindings(r));
  }
  const out = new Map<string, Map<number, WindowCounts>>();
  const ids = opts.tutorIds ?? [...totals.keys()];
  for (const id of ids) {
    const m = new Map<number, WindowCounts>();
    for (const d of opts.windowsDays) {
      m.set(d, combine(totals.get(id)?.get(d) ?? EMPTY_TOTALS, findings.get(`${id}|${d}`) ?? EMPTY_FINDINGS));
    }
    out.set(id, m);
  }
  return out;
}

/** Counts for one tutor over [from, to): before/after comparisons around an intervention. */
export async function loadCountsBetween(
  db: DbOrTx,
  opts: { tutorId: string; from: Date; to: Date },
): Promise<WindowCounts> {
  const totals = await tutorTotalsBetween(db, opts);
  const res = await db.execute(sql`
      select ${FINDING_COLUMNS}
      from session_findings f
      where f.tutor_id = ${opts.tutorId}
        and f.occurred_at >= ${opts.from}::timestamptz and f.occurred_at < ${opts.to}::timestamptz`);
  const [r] = rowsOf<FindingRow>(res);
  return combine(totals, r ? toFindings(r) : EMPTY_FINDINGS);
}

/** The marketplace's average rates over a window: the prior for shrinkage. */
export async function measurePopulation(
  db: DbOrTx,
  opts: { now: Date; windowDays: number },
): Promise<Population & { tutors: number; sessions: number; avgFirstSessionRating: number }> {
  const totals = await populationTotals(db, opts);
  const res = await db.execute(sql`
      select ${FINDING_COLUMNS}
      from session_findings f
      where f.occurred_at > ${opts.now}::timestamptz - make_interval(days => ${opts.windowDays}::int)
        and f.occurred_at <= ${opts.now}::timestamptz`);
  const [r] = rowsOf<FindingRow>(res);
  const c = combine(totals, r ? toFindings(r) : EMPTY_FINDINGS);
  return {
    tutors: totals.tutors,
    sessions: c.sessions,
    noShowRate: rateOrNull(c.noShows, c.sessions) ?? 0,
    lateRate: rateOrNull(c.late, c.joined) ?? 0,
    earlyEndRate: rateOrNull(c.earlyEnds, c.bothJoined) ?? 0,
    tutorRescheduleRate: rateOrNull(c.tutorReschedules, c.sessions) ?? 0,
    avgStudentRating: rateOrNull(c.ratingSum, c.rated) ?? 0,
    avgFirstSessionRating: rateOrNull(c.firstRatingSum, c.firstRated) ?? 0,
  };
}

/** The API shape of a window's metrics. */
export function toWindowMetrics(c: WindowCounts, windowDays: number, start: Date, end: Date): TWindowMetrics {
  return {
    window_days: windowDays,
    window_start: start.toISOString(),
    window_end: end.toISOString(),
    total_sessions: c.sessions,
    first_sessions: c.firstSessions,
    no_show_count: c.noShows,
    no_show_rate: rateOrNull(c.noShows, c.sessions),
    late_count: c.late,
    late_rate: rateOrNull(c.late, c.joined),
    avg_lateness_minutes: rateOrNull(c.latenessMinutesSum, c.late),
    early_end_count: c.earlyEnds,
    early_end_rate: rateOrNull(c.earlyEnds, c.bothJoined),
    avg_early_end_minutes: rateOrNull(c.earlyEndMinutesSum, c.earlyEnds),
    reschedule_count: c.reschedules,
    reschedule_rate: rateOrNull(c.reschedules, c.sessions),
    tutor_initiated_reschedules: c.tutorReschedules,
    tutor_reschedule_rate: rateOrNull(c.tutorReschedules, c.sessions),
    student_no_show_count: c.studentNoShows,
    avg_student_rating: rateOrNull(c.ratingSum, c.rated),
    avg_first_session_rating: rateOrNull(c.firstRatingSum, c.firstRated),
    poor_first_sessions: c.poorFirst,
  };
}
