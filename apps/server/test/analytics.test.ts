/**
 * Analytics API on a known fixture: the overview's numbers (today, 7-day flag rate and its change, average
 * score and its change, top issues, the 14-day chart, newest critical flags) and the trend series (buckets,
 * values, validation). The clock is Friday 2026-11-20 12:00 UTC.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags, tutorScoreHistory } from '../src/db/schema/index';
import { refreshDayTotals } from '../src/modules/quality/rollups';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import {
  insertSessions,
  insertSubjects,
  insertTutors,
  type FixtureSession,
} from './helpers/quality-fixtures';

let t: TestApp;
let coach: Session;
const NOW = new Date('2026-11-20T12:00:00Z');
const at = (iso: string) => new Date(iso);
let avgNow: number;
const firstRow = <T>(res: unknown) => (res as { rows: T[] }).rows[0]!;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  const db = t.rt.database.db;
  await createUser(t, { email: 'coach@analytics.test', role: 'coach' });
  coach = await login(t, 'coach@analytics.test');

  await insertSubjects(db, [{ id: 'math', name: 'Math' }]);
  await insertTutors(db, [
    { id: 't-a', name: 'Ann', mainSubjectId: 'math' },
    { id: 't-b', name: 'Ben', mainSubjectId: 'math' },
  ]);
  const list: FixtureSession[] = [
    // Ann: three sessions this morning (processed today), two no-shows yesterday, one reschedule on Wednesday.
    { tutorId: 't-a', start: at('2026-11-20T06:00:00Z') },
    { tutorId: 't-a', start: at('2026-11-20T08:00:00Z') },
    { tutorId: 't-a', start: at('2026-11-20T09:00:00Z') },
    { tutorId: 't-a', start: at('2026-11-19T10:00:00Z'), lateMin: null, rating: null },
    { tutorId: 't-a', start: at('2026-11-19T11:00:00Z'), lateMin: null, rating: null },
    { tutorId: 't-a', start: at('2026-11-18T10:00:00Z'), rescheduledBy: 'tutor' },
  ];
  // Ben: two a day on Nov 14–19, two more on Nov 14 (14 in the last 7 days); two a day on Nov 8–12.
  for (const day of ['14', '15', '16', '17', '18', '19', '08', '09', '10', '11', '12']) {
    for (const hour of ['13', '14'])
      list.push({ tutorId: 't-b', start: at(`2026-11-${day}T${hour}:00:00Z`), rating: 4 });
  }
  list.push({ tutorId: 't-b', start: at('2026-11-14T15:00:00Z'), rating: 4 });
  list.push({ tutorId: 't-b', start: at('2026-11-14T16:00:00Z'), rating: 4 });
  await insertSessions(db, list);

  await t.app.services.scores.rescore(undefined, { now: NOW });
  const flagCount = firstRow<{ n: number }>(await db.execute(sql`select count(*)::int as n from flags`));
  expect(Number(flagCount.n)).toBe(0); // the fixture raises no pattern flag: the flags below are all there is
  const mean = firstRow<{ avg: number }>(
    await db.execute(
      sql`select avg(overall_score)::float8 as avg from tutor_scores where window_days = 30 and total_sessions > 0`,
    ),
  );
  avgNow = Math.round(Number(mean.avg) * 10) / 10;

  // A week ago the two tutors averaged 75.
  await db.insert(tutorScoreHistory).values([
    {
      tutorId: 't-a',
      day: '2026-11-13',
      overallScore: 70,
      confidence: 0.5,
      totalSessions: 10,
      updatedAt: NOW,
    },
    {
      tutorId: 't-b',
      day: '2026-11-13',
      overallScore: 80,
      confidence: 0.5,
      totalSessions: 10,
      updatedAt: NOW,
    },
  ]);
  // The daily totals, as the rescore keeps them when it writes history.
  await db.transaction((tx) => refreshDayTotals(tx, ['2026-11-13'], NOW));

  const flag = (o: {
    tutorId: string;
    type: string;
    severity: 'low' | 'medium' | 'high' | 'critical';
    at: string;
    status?: 'open' | 'resolved' | 'dismissed';
  }) => ({
    tutorId: o.tutorId,
    flagType: o.type,
    severity: o.severity,
    title: o.type,
    description: o.type,
    supportingData: { sessions: [], metrics: {} },
    status: o.status ?? 'open',
    firstSeenAt: at(o.at),
    lastSeenAt: at(o.at),
    createdAt: at(o.at),
    updatedAt: at(o.at),
  });
  await db.insert(flags).values([
    flag({ tutorId: 't-a', type: 'tutor_no_show', severity: 'critical', at: '2026-11-20T09:30:00Z' }),
    flag({ tutorId: 't-b', type: 'tutor_late', severity: 'medium', at: '2026-11-20T10:00:00Z' }),
    flag({ tutorId: 't-a', type: 'chronic_lateness', severity: 'high', at: '2026-11-17T10:00:00Z' }),
    flag({
      tutorId: 't-b',
      type: 'high_reschedule_rate',
      severity: 'high',
      at: '2026-11-10T10:00:00Z',
      status: 'resolved',
    }),
    flag({
      tutorId: 't-a',
      type: 'tutor_no_show',
      severity: 'critical',
      at: '2026-10-31T10:00:00Z',
      status: 'dismissed',
    }),
  ]);
});
afterAll(() => t?.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(coach) });

describe('GET /api/analytics/overview', () => {
  it('counts today, the 7-day flag rate and its change, and the average score and its change', async () => {
    const res = await get('/api/analytics/overview');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.today).toEqual({
      date: '2026-11-20',
      sessions_processed: 3,
      flags_raised: 2,
      tutors_flagged: 2,
    });
    // 3 flags over 20 sessions in the last 7 days; 1 over 10 the 7 days before.
    expect(body.trends).toMatchObject({ sessions_7d: 20, flags_7d: 3, flag_rate: 15, flag_rate_change: 5 });
    expect(body.trends.avg_score).toBe(avgNow);
    expect(body.trends.avg_score_change).toBe(Math.round((avgNow - 75) * 10) / 10);
  });

  it('lists top issues, the 14-day chart and the newest critical flags', async () => {
    const body = (await get('/api/analytics/overview')).json();
    expect(body.top_issues).toEqual([
      { issue: 'chronic_lateness', count: 1 },
      { issue: 'tutor_late', count: 1 },
      { issue: 'tutor_no_show', count: 1 },
    ]);
    expect(body.flags_by_type_daily).toHaveLength(14);
    expect(body.flags_by_type_daily[0].day).toBe('2026-11-07');
    expect(body.flags_by_type_daily.at(-1)).toEqual({
      day: '2026-11-20',
      total: 2,
      by_type: { tutor_no_show: 1, tutor_late: 1 },
    });
    const byDay = Object.fromEntries(
      body.flags_by_type_daily.map((d: { day: string; total: number }) => [d.day, d.total]),
    );
    expect(byDay).toMatchObject({ '2026-11-17': 1, '2026-11-10': 1, '2026-11-12': 0 });
    expect(body.newest_critical_flags).toHaveLength(1);
    expect(body.newest_critical_flags[0]).toMatchObject({
      tutor_id: 't-a',
      tutor_name: 'Ann',
      flag_type: 'tutor_no_show',
      status: 'open',
    });
  });
});

describe('GET /api/analytics/trends', () => {
  type Point = { bucket: string; value: number | null; sample_size: number };
  const pointsOf = (body: { points: Point[] }) => Object.fromEntries(body.points.map((p) => [p.bucket, p]));

  it('no-show rate per day over 7 days: every day present, rates from findings over sessions', async () => {
    const res = await get('/api/analytics/trends?metric=no_show_rate&period=7d');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ metric: 'no_show_rate', period: '7d', group_by: 'day' });
    expect(body.points.map((p: Point) => p.bucket)).toEqual([
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
    ]);
    const p = pointsOf(body);
    expect(p['2026-11-19']).toEqual({ bucket: '2026-11-19', value: 0.5, sample_size: 4 });
    expect(p['2026-11-20']).toEqual({ bucket: '2026-11-20', value: 0, sample_size: 3 });
    expect(p['2026-11-14']).toEqual({ bucket: '2026-11-14', value: 0, sample_size: 4 });
    expect(p['2026-11-13']).toEqual({ bucket: '2026-11-13', value: null, sample_size: 0 });
  });

  it('reschedule rate (tutor-initiated) per day', async () => {
    const p = pointsOf(
      (await get('/api/analytics/trends?metric=reschedule_rate&period=7d&group_by=day')).json(),
    );
    expect(p['2026-11-18']).toEqual({ bucket: '2026-11-18', value: 0.3333, sample_size: 3 });
    expect(p['2026-11-17']!.value).toBe(0);
  });

  it('flag rate per ISO week over 30 days', async () => {
    const body = (await get('/api/analytics/trends?metric=flag_rate&period=30d&group_by=week')).json();
    expect(body.points.map((p: Point) => p.bucket)).toEqual([
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
    ]);
    const p = pointsOf(body);
    // Week of Nov 16: 3 flags over 14 sessions; week of Nov 9 (Ben's 9th–15th): 1 over 14.
    expect(p['2026-11-16']).toEqual({ bucket: '2026-11-16', value: 21.43, sample_size: 14 });
    expect(p['2026-11-09']).toEqual({ bucket: '2026-11-09', value: 7.14, sample_size: 14 });
    expect(p['2026-10-26']).toEqual({ bucket: '2026-10-26', value: null, sample_size: 0 });
  });

  it('average score from the score history', async () => {
    const p = pointsOf((await get('/api/analytics/trends?metric=avg_score&period=7d')).json());
    expect(p['2026-11-13']).toEqual({ bucket: '2026-11-13', value: 75, sample_size: 2 });
    expect(p['2026-11-20']).toEqual({ bucket: '2026-11-20', value: avgNow, sample_size: 2 });
    expect(p['2026-11-16']!.value).toBeNull();
  });

  it('defaults the grouping from the period and covers a year by month', async () => {
    expect((await get('/api/analytics/trends?metric=avg_score&period=90d')).json().group_by).toBe('week');
    const year = (await get('/api/analytics/trends?metric=flag_rate&period=1y')).json();
    expect(year.group_by).toBe('month');
    expect(year.points).toHaveLength(13);
    expect(year.points[0].bucket).toBe('2025-11-01');
    expect(year.points.at(-1).bucket).toBe('2026-11-01');
  });

  it('rejects combinations that do not fit, and unknown values, with 400 and a clear message', async () => {
    const month = await get('/api/analytics/trends?metric=avg_score&period=7d&group_by=month');
    expect(month.statusCode).toBe(400);
    expect(month.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(month.json().error).toContain('group_by=month does not fit period=7d');
    for (const q of [
      'metric=avg_score&period=7d&group_by=week',
      'metric=revenue',
      'metric=avg_score&period=2y',
      '',
    ]) {
      const res = await get(`/api/analytics/trends?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });
});
