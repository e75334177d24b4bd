/**
 * Read models kept by the quality pipeline, so reads do not grow with history:
 *
 * - `quality_daily_rollups`: per tutor and UTC day, the counters of metrics.ts (sessions, attendance,
 *   ratings, reschedules by whom, late starts, early ends, no-shows, poor first sessions). Tier 1 (and the
 *   bulk backfill) recompute every (tutor, day) their sessions touch, from the raw rows, in the transaction
 *   that writes the findings: each key is locked (advisory, in key order) before it is read, so two passes
 *   over the same day serialise and the later one reads the earlier one's rows. A replay recomputes the same
 *   row; a correction that moves a session recomputes its old (tutor, day) too (`quality_rollup_sessions`).
 * - `quality_daily_totals`: per day, the sum of that day's tutor rows (recomputed under a per-day lock) plus
 *   the sum and count of that day's 30-day scores from the score history.
 * - `tutor_summaries`: per tutor, what the tutors table sorts and filters on (see the schema). Flag columns
 *   are kept by a trigger on flags (migration 0003); scores and analysis columns by the functions below.
 *
 * Lock order, everywhere: per tutor (in id order, "C" collation = JS order) its flag rows then its summary
 * row; rollup keys and day keys are taken last and their holders take nothing else, so no cycle can form.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/bulk';
import type { DbOrTx } from '../../db/client';
import { tutorDayTotals } from '../sessions/index';

const rollupKey = (tutorId: string, day: string) => `${tutorId}|${day}`;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const FINDING_COLUMNS = sql`
  count(*) filter (where f.type = 'tutor_no_show')::int as no_shows,
  count(*) filter (where f.type = 'tutor_late')::int as late,
  coalesce(sum(f.minutes) filter (where f.type = 'tutor_late'), 0)::float8 as lateness_sum,
  count(*) filter (where f.type = 'session_ended_early')::int as early_ends,
  coalesce(sum(f.minutes) filter (where f.type = 'session_ended_early'), 0)::float8 as early_sum,
  count(*) filter (where f.type = 'student_no_show')::int as student_no_shows,
  count(*) filter (where f.type = 'poor_first_session')::int as poor_first`;

/** The counter columns shared by the rollups and the daily totals (their SQL names). */
export const ROLLUP_COUNTERS = [
  'sessions',
  'first_sessions',
  'joined',
  'both_joined',
  'rated',
  'rating_sum',
  'first_rated',
  'first_rating_sum',
  'reschedules',
  'tutor_reschedules',
  'student_reschedules',
  'no_shows',
  'late',
  'lateness_minutes_sum',
  'early_ends',
  'early_end_minutes_sum',
  'student_no_shows',
  'poor_first',
] as const;

async function lockKeys(tx: DbOrTx, namespace: string, keys: string[]) {
  if (keys.length === 0) return;
  await tx.execute(sql`
    select pg_advisory_xact_lock(k)
    from (select hashtextextended(${namespace} || x, 0) as k
          from unnest(${sql.param(keys)}::text[]) as x order by x collate "C") as keys`);
}

/**
 * Recomputes the given (tutor, day) rollups from the sessions and findings stored now, then the totals of
 * their days. In the caller's transaction, after it has written the findings.
 */
export async function refreshTutorDays(tx: DbOrTx, keys: Array<{ tutorId: string; day: string }>, now: Date) {
  const unique = [...new Map(keys.map((k) => [rollupKey(k.tutorId, k.day), k])).values()].sort((a, b) =>
    compare(rollupKey(a.tutorId, a.day), rollupKey(b.tutorId, b.day)),
  );
  if (unique.length === 0) return;
  await lockKeys(
    tx,
    'quality-rollup:',
    unique.map((k) => rollupKey(k.tutorId, k.day)),
  );
  const totals = await tutorDayTotals(tx, unique);
  const tutorIds = sql.param(unique.map((k) => k.tutorId));
  const days = sql.param(unique.map((k) => k.day));
  const findingsRes = await tx.execute(sql`
    select k.tutor_id, to_char(k.day, 'YYYY-MM-DD') as day, ${FINDING_COLUMNS}
    from unnest(${tutorIds}::text[], ${days}::date[]) as k(tutor_id, day)
    join session_findings f
      on f.tutor_id = k.tutor_id
      and f.occurred_at >= (k.day::timestamp at time zone 'UTC')
      and f.occurred_at < ((k.day + 1)::timestamp at time zone 'UTC')
    group by k.tutor_id, k.day`);
  type F = {
    tutor_id: string;
    day: string;
    no_shows: number;
    late: number;
    lateness_sum: number;
    early_ends: number;
    early_sum: number;
    student_no_shows: number;
    poor_first: number;
  };
  const findings = new Map(rowsOf<F>(findingsRes).map((r) => [rollupKey(r.tutor_id, r.day), r]));
  const rows: string[][] = [];
  const gone: Array<{ tutorId: string; day: string }> = [];
  for (const k of unique) {
    const key = rollupKey(k.tutorId, k.day);
    const t = totals.get(key);
    if (!t || t.sessions === 0) {
      gone.push(k);
      continue;
    }
    const f = findings.get(key);
    rows.push([
      k.tutorId,
      k.day,
      ...[
        t.sessions,
        t.firstSessions,
        t.joined,
        t.bothJoined,
        t.rated,
        t.ratingSum,
        t.firstRated,
        t.firstRatingSum,
        t.reschedules,
        t.tutorReschedules,
        t.studentReschedules,
        Number(f?.no_shows ?? 0),
        Number(f?.late ?? 0),
        Number(f?.lateness_sum ?? 0),
        Number(f?.early_ends ?? 0),
        Number(f?.early_sum ?? 0),
        Number(f?.student_no_shows ?? 0),
        Number(f?.poor_first ?? 0),
      ].map(String),
    ]);
  }
  if (gone.length) {
    await tx.execute(sql`
      delete from quality_daily_rollups r
      using unnest(${sql.param(gone.map((g) => g.tutorId))}::text[], ${sql.param(gone.map((g) => g.day))}::date[])
        as k(tutor_id, day)
      where r.tutor_id = k.tutor_id and r.day = k.day`);
  }
  if (rows.length) {
    // One array per column, unnested side by side: one statement for any number of rows.
    const cols = ['tutor_id', 'day', ...ROLLUP_COUNTERS];
    const types = ['text', 'date', ...ROLLUP_COUNTERS.map((c) => (c.endsWith('_sum') ? 'float8' : 'int'))];
    const arrays = sql.join(
      cols.map((_, i) => sql`${sql.param(rows.map((r) => r[i]!))}::${sql.raw(types[i]!)}[]`),
      sql`, `,
    );
    const names = sql.raw(cols.map((c) => `"${c}"`).join(', '));
    await tx.execute(sql`
      insert into quality_daily_rollups (${names}, updated_at)
      select *, ${now}::timestamptz from unnest(${arrays})
      on conflict (tutor_id, day) do update set
        ${sql.raw(ROLLUP_COUNTERS.map((c) => `"${c}" = excluded."${c}"`).join(', '))},
        updated_at = excluded.updated_at`);
  }
  await refreshDayTotals(tx, [...new Set(unique.map((k) => k.day))], now);
}

/** Recomputes the days' totals (counters from the tutor rollups, scores from the history), per-day locked. */
export async function refreshDayTotals(tx: DbOrTx, days: string[], now: Date) {
  const sorted = [...new Set(days)].sort();
  if (sorted.length === 0) return;
  await lockKeys(tx, 'quality-day:', sorted);
  const sums = sql.raw(ROLLUP_COUNTERS.map((c) => `coalesce(sum(r."${c}"), 0) as "${c}"`).join(', '));
  const names = sql.raw(ROLLUP_COUNTERS.map((c) => `"${c}"`).join(', '));
  await tx.execute(sql`
    insert into quality_daily_totals (day, tutors, ${names}, score_sum, score_count, updated_at)
    select d.day,
      coalesce(c.tutors, 0), ${sql.raw(ROLLUP_COUNTERS.map((c) => `coalesce(c."${c}", 0)`).join(', '))},
      coalesce(h.score_sum, 0), coalesce(h.score_count, 0), ${now}::timestamptz
    from unnest(${sql.param(sorted)}::date[]) as d(day)
    left join lateral (
      select count(*)::int as tutors, ${sums} from quality_daily_rollups r where r.day = d.day
    ) c on true
    left join lateral (
      select coalesce(sum(h.overall_score), 0)::float8 as score_sum, count(*)::int as score_count
      from tutor_score_history h
      where h.day = d.day and h.total_sessions > 0 and h.overall_score is not null
    ) h on true
    on conflict (day) do update set
      tutors = excluded.tutors,
      ${sql.raw(ROLLUP_COUNTERS.map((c) => `"${c}" = excluded."${c}"`).join(', '))},
      score_sum = excluded.score_sum, score_count = excluded.score_count, updated_at = excluded.updated_at`);
}

/**
 * Rollup maintenance for sessions just (re)scored, in the transaction that wrote their findings: records
 * where each is counted now and recomputes its (tutor, day) and, when it moved, its old one.
 */
export async function refreshRollupsForSessions(
  tx: DbOrTx,
  rows: Array<{ id: string; tutorId: string; sessionStartTime: Date }>,
  now: Date,
) {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const before = rowsOf<{ tutor_id: string; day: string }>(
    await tx.execute(sql`
      select tutor_id, to_char(day, 'YYYY-MM-DD') as day from quality_rollup_sessions
      where session_id = any(${sql.param(ids)}::uuid[])`),
  );
  const current = rows.map((r) => ({ tutorId: r.tutorId, day: isoDay(r.sessionStartTime) }));
  await tx.execute(sql`
    insert into quality_rollup_sessions (session_id, tutor_id, day)
    select * from unnest(${sql.param(ids)}::uuid[], ${sql.param(current.map((c) => c.tutorId))}::text[],
      ${sql.param(current.map((c) => c.day))}::date[])
    on conflict (session_id) do update set tutor_id = excluded.tutor_id, day = excluded.day
      where (quality_rollup_sessions.tutor_id, quality_rollup_sessions.day) is distinct from (excluded.tutor_id, excluded.day)`);
  await refreshTutorDays(tx, [...current, ...before.map((b) => ({ tutorId: b.tutor_id, day: b.day }))], now);
}

/**
 * Copies the tutors' current scores (all windows) into their summaries, and the day's score totals. After the
 * rescore's transaction (its own statement, rows locked in tutor order): a later copy reads later scores.
 */
export async function refreshSummaryScores(db: DbOrTx, tutorIds: string[], day: string, now: Date) {
  if (tutorIds.length === 0) return;
  await db.execute(sql`
    insert into tutor_summaries as s (tutor_id, score_7, score_30, score_90, sessions_7, sessions_30, sessions_90,
      is_high_risk, tutor_reschedule_rate_30, scores_calculated_at, last_session_day, updated_at)
    select t.id,
      s7.overall_score, s30.overall_score, s90.overall_score,
      coalesce(s7.total_sessions, 0), coalesce(s30.total_sessions, 0), coalesce(s90.total_sessions, 0),
      coalesce(s30.is_high_risk, false), s30.tutor_reschedule_rate, s30.calculated_at,
      (select max(r.day) from quality_daily_rollups r where r.tutor_id = t.id),
      ${now}::timestamptz
    from tutors t
    left join tutor_scores s7 on s7.tutor_id = t.id and s7.window_days = 7
    left join tutor_scores s30 on s30.tutor_id = t.id and s30.window_days = 30
    left join tutor_scores s90 on s90.tutor_id = t.id and s90.window_days = 90
    where t.id = any(${sql.param(tutorIds)}::text[])
    order by t.id collate "C"
    on conflict (tutor_id) do update set
      score_7 = excluded.score_7, score_30 = excluded.score_30, score_90 = excluded.score_90,
      sessions_7 = excluded.sessions_7, sessions_30 = excluded.sessions_30, sessions_90 = excluded.sessions_90,
      is_high_risk = excluded.is_high_risk, tutor_reschedule_rate_30 = excluded.tutor_reschedule_rate_30,
      scores_calculated_at = excluded.scores_calculated_at, last_session_day = excluded.last_session_day,
      updated_at = excluded.updated_at`);
  await refreshDayTotals(db, [day], now);
}

/** Copies each tutor's latest nightly analysis (churn risk, direction) into the summaries (all tutors). */
export async function refreshSummaryAnalytics(db: DbOrTx, now: Date) {
  await db.execute(sql`
    insert into tutor_summaries as s (tutor_id, churn_risk_30d, direction, analysis_date, updated_at)
    select t.id, a.churn_risk_30d, a.direction, a.analysis_date, ${now}::timestamptz
    from tutors t
    left join lateral (
      select x.churn_risk_30d, x.direction, x.analysis_date from tutor_analytics x
      where x.tutor_id = t.id order by x.analysis_date desc limit 1
    ) a on true
    order by t.id collate "C"
    on conflict (tutor_id) do update set
      churn_risk_30d = excluded.churn_risk_30d, direction = excluded.direction,
      analysis_date = excluded.analysis_date, updated_at = excluded.updated_at
    where (s.churn_risk_30d, s.direction, s.analysis_date)
      is distinct from (excluded.churn_risk_30d, excluded.direction, excluded.analysis_date)`);
}
