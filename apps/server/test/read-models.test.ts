/**
 * Read models (issue 10): the per tutor/day rollups and daily totals equal a recomputation from the raw rows
 * after sessions arrive out of order, are replayed and corrected (moved to another day and tutor); the tutors
 * list from `tutor_summaries` equals the former per-request computation; and the cached overview and detail
 * views (tutor, flag, session) change once an event says their data changed (and not before).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZTutorDetail } from '@tutorpulse/contracts/quality-tutors';
import { sessions } from '../src/db/schema/index';
import { ROLLUP_COUNTERS } from '../src/modules/quality/rollups';
import { QUALITY_THRESHOLDS } from '../src/modules/quality/thresholds';
import { applyRules } from '../src/modules/quality/tier1';
import { serializeWith } from '../src/platform/http/json-text';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { dailySessions, insertSessions, insertSubjects, insertTutors } from './helpers/quality-fixtures';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
let t: TestApp;
let coach: Session;
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** The rollups as the migration back-fill computes them from scratch. */
const RECOMPUTE = sql`
  select s.tutor_id, to_char(s.day, 'YYYY-MM-DD') as day, s.sessions, s.first_sessions, s.joined, s.both_joined,
    s.rated, s.rating_sum, s.first_rated, s.first_rating_sum, s.reschedules, s.tutor_reschedules,
    s.student_reschedules, coalesce(f.no_shows, 0) as no_shows, coalesce(f.late, 0) as late,
    coalesce(f.lateness_sum, 0)::float8 as lateness_minutes_sum, coalesce(f.early_ends, 0) as early_ends,
    coalesce(f.early_sum, 0)::float8 as early_end_minutes_sum, coalesce(f.student_no_shows, 0) as student_no_shows,
    coalesce(f.poor_first, 0) as poor_first
  from (
    select tutor_id, (session_start_time at time zone 'UTC')::date as day, count(*)::int as sessions,
      count(*) filter (where is_first_session)::int as first_sessions,
      count(*) filter (where tutor_join_time is not null)::int as joined,
      count(*) filter (where tutor_join_time is not null and student_join_time is not null)::int as both_joined,
      count(student_feedback_rating)::int as rated, coalesce(sum(student_feedback_rating), 0)::float8 as rating_sum,
      count(student_feedback_rating) filter (where is_first_session)::int as first_rated,
      coalesce(sum(student_feedback_rating) filter (where is_first_session), 0)::float8 as first_rating_sum,
      count(*) filter (where was_rescheduled)::int as reschedules,
      count(*) filter (where was_rescheduled and rescheduled_by = 'tutor')::int as tutor_reschedules,
      count(*) filter (where was_rescheduled and rescheduled_by = 'student')::int as student_reschedules
    from sessions group by 1, 2) s
  left join (
    select tutor_id, (occurred_at at time zone 'UTC')::date as day,
      count(*) filter (where type = 'tutor_no_show')::int as no_shows,
      count(*) filter (where type = 'tutor_late')::int as late,
      coalesce(sum(minutes) filter (where type = 'tutor_late'), 0) as lateness_sum,
      count(*) filter (where type = 'session_ended_early')::int as early_ends,
      coalesce(sum(minutes) filter (where type = 'session_ended_early'), 0) as early_sum,
      count(*) filter (where type = 'student_no_show')::int as student_no_shows,
      count(*) filter (where type = 'poor_first_session')::int as poor_first
    from session_findings group by 1, 2) f on f.tutor_id = s.tutor_id and f.day = s.day
  order by 1, 2`;

const normalise = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) =>
    Object.fromEntries(
      ['tutor_id', 'day', ...ROLLUP_COUNTERS].map((k) => [
        k,
        k === 'tutor_id' || k === 'day' ? r[k] : Number(r[k]),
      ]),
    ),
  );

async function expectRollupsMatchRawRows() {
  const db = t.rt.database.db;
  const stored = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select r.*, to_char(r.day, 'YYYY-MM-DD') as day from quality_daily_rollups r order by r.tutor_id, r.day`),
  );
  const recomputed = rowsOf<Record<string, unknown>>(await db.execute(RECOMPUTE));
  expect(normalise(stored)).toEqual(normalise(recomputed));
  const totals = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select to_char(day, 'YYYY-MM-DD') as day, tutors, sessions, no_shows, tutor_reschedules
      from quality_daily_totals where sessions > 0 order by day`),
  );
  const sums = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select r.day, count(*)::int as tutors,
      sum(sessions)::int as sessions, sum(no_shows)::int as no_shows, sum(tutor_reschedules)::int as tutor_reschedules
      from (${RECOMPUTE}) r group by r.day order by r.day`),
  );
  expect(totals.map((r) => Object.values(r).map(String))).toEqual(
    sums.map((r) => Object.values(r).map(String)),
  );
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  await createUser(t, { email: 'coach@read-models.test', role: 'coach' });
  coach = await login(t, 'coach@read-models.test');
  const db = t.rt.database.db;
  await insertSubjects(db, [
    { id: 'math', name: 'Math' },
    { id: 'art', name: 'Art' },
  ]);
  await insertTutors(db, [
    { id: 't-a', name: 'Ann', mainSubjectId: 'math' },
    { id: 't-b', name: 'Ben', mainSubjectId: 'art', subjectIds: ['math'] },
    { id: 't-c', name: 'Cy', mainSubjectId: 'math' },
    { id: 't-d', name: 'Dee' },
  ]);
  // Out of order: recent days first, then older ones, in several batches; a mix of outcomes.
  await insertSessions(db, dailySessions(NOW, 't-a', { fromDaysAgo: 3, toDaysAgo: 0, perDay: 2 }));
  await insertSessions(db, [
    ...dailySessions(NOW, 't-b', {
      fromDaysAgo: 40,
      toDaysAgo: 1,
      shape: (d, k) =>
        d % 5 === 0
          ? { lateMin: null, rating: null }
          : d % 3 === 0
            ? { lateMin: 12, rescheduledBy: 'tutor', rating: 2 }
            : d % 7 === 0
              ? { earlyMin: 20, rescheduledBy: 'student', first: k === 0, rating: 2 }
              : {},
    }),
    ...dailySessions(NOW, 't-c', {
      fromDaysAgo: 20,
      toDaysAgo: 2,
      perDay: 3,
      shape: (d) => ({ studentNoShow: d === 4 }),
    }),
  ]);
  await insertSessions(
    db,
    dailySessions(NOW, 't-a', { fromDaysAgo: 30, toDaysAgo: 10, shape: () => ({ lateMin: 25 }) }),
  );
  await t.app.services.scores.rescore(undefined, { now: NOW });
});
afterAll(() => t?.close());

describe('quality_daily_rollups and quality_daily_totals', () => {
  it('equal a recomputation from the raw rows after out-of-order batches', async () => {
    await expectRollupsMatchRawRows();
  });

  it('stay equal after a replayed pass and a correction that moves a session to another day and tutor', async () => {
    const db = t.rt.database.db;
    const all = await db.select().from(sessions).where(eq(sessions.tutorId, 't-b'));
    // Replay: the same sessions scored again (at-least-once).
    await db.transaction((tx) =>
      applyRules(tx, all.slice(0, 10), { now: NOW, thresholds: QUALITY_THRESHOLDS, flagTime: () => NOW }),
    );
    await expectRollupsMatchRawRows();
    // Correction: one session moves to t-d, 50 days earlier, as a no-show; then it is rescored.
    const moved = all[3]!;
    const start = new Date(moved.sessionStartTime.getTime() - 50 * DAY);
    await db
      .update(sessions)
      .set({
        tutorId: 't-d',
        sessionStartTime: start,
        sessionEndTime: new Date(start.getTime() + 3_600_000),
        tutorJoinTime: null,
        tutorLeaveTime: null,
        version: moved.version + 1,
      })
      .where(eq(sessions.id, moved.id));
    const [corrected] = await db.select().from(sessions).where(eq(sessions.id, moved.id));
    await db.transaction((tx) =>
      applyRules(tx, [corrected!], { now: NOW, thresholds: QUALITY_THRESHOLDS, flagTime: () => NOW }),
    );
    await expectRollupsMatchRawRows();
    const [dRow] = rowsOf<{ sessions: number; no_shows: number }>(
      await db.execute(sql`select sessions, no_shows from quality_daily_rollups where tutor_id = 't-d'`),
    );
    expect({ sessions: Number(dRow!.sessions), no_shows: Number(dRow!.no_shows) }).toEqual({
      sessions: 1,
      no_shows: 1,
    });
  });
});

/** The tutors list as it was computed per request before the summaries (every tutor, lateral joins). */
async function formerList(q: { window: number; order: string; where?: string }) {
  const res = await t.rt.database.db.execute(sql`
    select t.id
    from tutors t
    left join tutor_scores ts on ts.tutor_id = t.id and ts.window_days = ${q.window}
    left join tutor_scores r30 on r30.tutor_id = t.id and r30.window_days = 30
    left join lateral (
      select count(*)::int as open_flags,
        max(case fl.severity when 'critical' then 3 when 'high' then 2 when 'medium' then 1 else 0 end) as max_rank
      from flags fl where fl.tutor_id = t.id and fl.status in ('open', 'in_progress')) f on true
    left join lateral (
      select a.churn_risk_30d from tutor_analytics a where a.tutor_id = t.id order by a.analysis_date desc limit 1
    ) ta on true
    where ${sql.raw(q.where ?? 'true')}
    order by ${sql.raw(q.order)}`);
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}

describe('GET /api/tutors from tutor_summaries', () => {
  const list = async (qs: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/tutors?${qs}`, headers: bearer(coach) });
    expect(res.statusCode).toBe(200);
    return res.json() as { data: Array<{ tutor_id: string; open_flags: number }>; total: number };
  };

  it('orders and filters exactly as the former per-request computation', async () => {
    await t.app.services.tier3.run({});
    const cases: Array<[string, Parameters<typeof formerList>[0]]> = [
      ['', { window: 30, order: 'ts.overall_score asc nulls last, t.id asc' }],
      ['window=7&sort_order=desc', { window: 7, order: 'ts.overall_score desc nulls last, t.id asc' }],
      [
        'sort_by=session_count&window=90',
        { window: 90, order: 'coalesce(ts.total_sessions, 0) desc, t.id asc' },
      ],
      [
        'sort_by=risk',
        {
          window: 30,
          order:
            'coalesce(r30.is_high_risk, false)::int desc, coalesce(f.max_rank, -1) desc, ta.churn_risk_30d desc nulls last, t.id asc',
        },
      ],
      [
        'has_flags=true',
        { window: 30, order: 'ts.overall_score asc nulls last, t.id asc', where: 'f.open_flags > 0' },
      ],
      [
        'risk_status=low_risk&sort_by=name',
        { window: 30, order: 'lower(t.name) asc, t.id asc', where: 'not coalesce(r30.is_high_risk, false)' },
      ],
    ];
    for (const [qs, former] of cases) {
      const body = await list(qs);
      const expected = await formerList(former);
      expect(
        body.data.map((d) => d.tutor_id),
        qs,
      ).toEqual(expected);
      expect(body.total, qs).toBe(expected.length);
    }
  });

  it('follows flag changes through the trigger', async () => {
    const before = (await list('has_flags=true')).total;
    const [open] = rowsOf<{ id: string; tutor_id: string }>(
      await t.rt.database.db.execute(sql`
        select id, tutor_id from flags where status in ('open', 'in_progress')
          and tutor_id in (select tutor_id from flags where status in ('open','in_progress') group by 1 having count(*) = 1)
        limit 1`),
    );
    expect(open, 'the fixture raises at least one lone open flag').toBeDefined();
    await t.rt.database.db.execute(sql`update flags set status = 'dismissed' where id = ${open!.id}`);
    expect((await list('has_flags=true')).total).toBe(before - 1);
    const mine = (await list('search=' + open!.tutor_id)).data[0]!;
    expect(mine.open_flags).toBe(0);
  });
});

describe('the cached overview', () => {
  const overview = async () =>
    (
      await t.app.inject({ method: 'GET', url: '/api/analytics/overview', headers: bearer(coach) })
    ).json() as {
      trends: { sessions_7d: number };
    };

  it('is served from the cache until an event says the data changed, then recomputed', async () => {
    const first = (await overview()).trends.sessions_7d;
    await insertSessions(
      t.rt.database.db,
      dailySessions(NOW, 't-d', { fromDaysAgo: 2, toDaysAgo: 1, perDay: 2 }),
    );
    // No event yet: the cached answer stands.
    expect((await overview()).trends.sessions_7d).toBe(first);
    await t.app.services.events.publish({
      type: 'session.processed',
      payload: { tutor_id: 't-d' },
      audience: ['coach'],
    });
    expect((await overview()).trends.sessions_7d).toBe(first + 4);
  });
});

describe('the cached detail views (tutor, flag, session)', () => {
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(coach) });
  const db = () => t.rt.database.db;

  it('serve the tutor detail exactly as the route schema would, from the cache until an event changes it', async () => {
    const first = await get('/api/tutors/t-d');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    // The cached text is what the route's serializer makes of a fresh computation.
    expect(first.body).toBe(serializeWith(ZTutorDetail, await t.app.services.tutors.get('t-d')));

    await db().execute(sql`update tutors set name = 'Dee Renamed' where id = 't-d'`);
    // No event yet: the shared copy stands.
    expect((await get('/api/tutors/t-d')).json().tutor.name).toBe('Dee');
    await t.app.services.events.publish({
      type: 'score.changed',
      payload: { tutor_id: 't-d' },
      audience: ['coach'],
    });
    expect((await get('/api/tutors/t-d')).json().tutor.name).toBe('Dee Renamed');
    // Unknown tutors are a 404, never cached as an answer.
    expect((await get('/api/tutors/t-nobody')).statusCode).toBe(404);
  });

  it('serve the flag detail from the cache until the flag changes through the API', async () => {
    const [row] = rowsOf<{ id: string }>(
      await db().execute(sql`
        insert into flags (tutor_id, flag_type, severity, title, description, supporting_data, first_seen_at, last_seen_at)
        values ('t-d', 'chronic_lateness', 'medium', 'Often late', 'Late in 4 of 10 sessions',
          '{"sessions": [], "metrics": {"late_rate": 0.4}}'::jsonb, ${NOW.toISOString()}::timestamptz, ${NOW.toISOString()}::timestamptz)
        returning id::text`),
    );
    const url = `/api/flags/${row!.id}`;
    const first = await get(url);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().flag.status).toBe('open');

    await db().execute(sql`update flags set title = 'Edited behind the API' where id = ${row!.id}::uuid`);
    expect((await get(url)).json().flag.title).toBe('Often late');

    const taken = await t.app.inject({
      method: 'PATCH',
      url,
      headers: bearer(coach),
      payload: { status: 'in_progress' },
    });
    expect(taken.statusCode, taken.body).toBe(200);
    const after = (await get(url)).json();
    expect(after.flag.status).toBe('in_progress');
    expect(after.flag.title).toBe('Edited behind the API');
  });

  it('serve the session detail from the cache until a session event, by uuid and by platform id', async () => {
    const [s] = await db()
      .select({ id: sessions.id, sessionId: sessions.sessionId })
      .from(sessions)
      .where(eq(sessions.tutorId, 't-a'))
      .limit(1);
    const byUuid = await get(`/api/sessions/${s!.id}`);
    expect(byUuid.statusCode, byUuid.body).toBe(200);
    expect((await get(`/api/sessions/${s!.sessionId}`)).json().session.id).toBe(s!.id);

    await db().update(sessions).set({ aiSummary: 'A new summary' }).where(eq(sessions.id, s!.id));
    expect((await get(`/api/sessions/${s!.id}`)).json().session.ai_summary).toBe(
      byUuid.json().session.ai_summary,
    );
    await t.app.services.events.publish({
      type: 'session.processed',
      payload: { tutor_id: 't-a' },
      audience: ['coach'],
    });
    expect((await get(`/api/sessions/${s!.id}`)).json().session.ai_summary).toBe('A new summary');
    expect((await get(`/api/sessions/${s!.sessionId}`)).json().session.ai_summary).toBe('A new summary');
  });
});
