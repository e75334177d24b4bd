/**
 * Tier 3 (nightly analysis) on the real database: 90 days of fixture sessions with the real rules' findings,
 * then the analysis through `POST /api/cron/daily-analysis` and the job handler; results read through the API
 * and from `tutor_analytics`.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, tutorAnalytics } from '../src/db/schema/index';
import { createTier3Jobs } from '../src/modules/quality/tier3';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import {
  dailySessions,
  insertSessions,
  insertSubjects,
  insertTutors,
  type FixtureSession,
} from './helpers/quality-fixtures';

let t: TestApp;
let admin: Session;
let coach: Session;
let viewer: Session;
const NOW = new Date('2026-11-20T12:00:00Z');
const TODAY = '2026-11-20';

/** Bad session: 25 minutes late, rated 2. */
const bad = (): Partial<FixtureSession> => ({ lateMin: 25, rating: 2 });

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  const db = t.rt.database.db;
  for (const role of ['admin', 'coach', 'viewer'] as const)
    await createUser(t, { email: `${role}@t3.test`, role });
  admin = await login(t, 'admin@t3.test');
  coach = await login(t, 'coach@t3.test');
  viewer = await login(t, 'viewer@t3.test');

  await insertSubjects(db, [
    { id: 'math', name: 'Math' },
    { id: 'art', name: 'Art' },
    { id: 'reading', name: 'Reading' },
  ]);
  await insertTutors(db, [
    { id: 'm-s1', name: 'Math Steady One', mainSubjectId: 'math' },
    { id: 'm-s2', name: 'Math Steady Two', mainSubjectId: 'math' },
    { id: 'm-s3', name: 'Math Steady Three', mainSubjectId: 'math' },
    { id: 'm-s4', name: 'Math Steady Four', mainSubjectId: 'math' },
    { id: 'm-improving', name: 'Math Improving', mainSubjectId: 'math' },
    { id: 'm-declining', name: 'Math Declining', mainSubjectId: 'math' },
    // No main subject: the peer group comes from the sessions' subjects ("Math" → math).
    { id: 'm-fallback', name: 'Math By Sessions', mainSubjectId: null },
    { id: 'a-1', name: 'Art One', mainSubjectId: 'art' },
    { id: 'a-2', name: 'Art Two', mainSubjectId: 'art' },
    { id: 'c-steady', name: 'Churn Steady', mainSubjectId: 'reading' },
    { id: 'c-fading', name: 'Churn Fading', mainSubjectId: 'reading' },
    { id: 'x-idle', name: 'Idle Tutor', mainSubjectId: 'reading' },
  ]);
  const quarter = { fromDaysAgo: 89, toDaysAgo: 0 };
  await insertSessions(db, [
    ...dailySessions(NOW, 'm-s1', quarter),
    ...dailySessions(NOW, 'm-s2', { ...quarter, shape: () => ({ rating: 4 }) }),
    ...dailySessions(NOW, 'm-s3', {
      ...quarter,
      shape: (d) => ({ rating: 4, lateMin: d % 5 === 0 ? 10 : 0 }),
    }),
    ...dailySessions(NOW, 'm-s4', {
      ...quarter,
      shape: (d) => ({ rating: 3, lateMin: d % 3 === 0 ? 10 : 0 }),
    }),
    // Weak for 12 weeks, then a perfect last week.
    ...dailySessions(NOW, 'm-improving', {
      fromDaysAgo: 89,
      toDaysAgo: 7,
      shape: (d) => ({ rating: 3, lateMin: d % 10 === 0 ? null : d % 2 === 0 ? 25 : 0 }),
    }),
    ...dailySessions(NOW, 'm-improving', { fromDaysAgo: 6, toDaysAgo: 0, perDay: 2 }),
    // Perfect for 12 weeks, then a bad last week.
    ...dailySessions(NOW, 'm-declining', { fromDaysAgo: 89, toDaysAgo: 7 }),
    ...dailySessions(NOW, 'm-declining', {
      fromDaysAgo: 6,
      toDaysAgo: 0,
      perDay: 2,
      shape: (_d, k) => (k === 0 ? { lateMin: null, rating: null } : bad()),
    }),
    ...dailySessions(NOW, 'm-fallback', {
      fromDaysAgo: 29,
      toDaysAgo: 0,
      shape: () => ({ rating: 4, subjects: ['Math'] }),
    }),
    ...dailySessions(NOW, 'a-1', { fromDaysAgo: 29, toDaysAgo: 0 }),
    ...dailySessions(NOW, 'a-2', { fromDaysAgo: 29, toDaysAgo: 0, shape: () => ({ rating: 3 }) }),
    ...dailySessions(NOW, 'c-steady', quarter),
    // Busy for two months, then 8 poor sessions in the last 30 days.
    ...dailySessions(NOW, 'c-fading', { fromDaysAgo: 89, toDaysAgo: 30 }),
    ...[24, 21, 18, 15, 12, 9, 6, 3].flatMap((d) =>
      dailySessions(NOW, 'c-fading', { fromDaysAgo: d, toDaysAgo: d, shape: bad }),
    ),
  ]);
});
afterAll(() => t?.close());

const post = (url: string, s: Session) => t.app.inject({ method: 'POST', url, headers: bearer(s) });
const get = (url: string, s: Session = coach) => t.app.inject({ method: 'GET', url, headers: bearer(s) });
const analyticsOf = async (tutorId: string) => (await get(`/api/tutors/${tutorId}`)).json().analytics;
const rowsFor = async (date: string) =>
  (
    await t.rt.database.db
      .select({ n: count() })
      .from(tutorAnalytics)
      .where(eq(tutorAnalytics.analysisDate, date))
  )[0]!.n;

describe('POST /api/cron/daily-analysis?wait=true', () => {
  it('rescores, analyses every tutor and answers the summary', async () => {
    const res = await post('/api/cron/daily-analysis?wait=true', admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      queued: false,
      analysis_date: TODAY,
      tutors: 12,
      rescored_tutors: 11,
      improving: expect.any(Number),
      declining: expect.any(Number),
      duration_ms: expect.any(Number),
    });
    expect(await rowsFor(TODAY)).toBe(12);
    const [published] = await t.rt.database.db
      .select()
      .from(events)
      .where(eq(events.type, 'analytics.updated'));
    expect(published?.payload).toMatchObject({ analysis_date: TODAY, tutors: 12 });
  });

  it('finds the improving and the declining tutor, and steady ones stable', async () => {
    const up = await analyticsOf('m-improving');
    expect(up.direction).toBe('improving');
    expect(up.performance_trend.direction).toMatchObject({ value: 'improving', basis: '7d_vs_90d' });
    expect(up.performance_trend.direction.delta).toBeGreaterThanOrEqual(5);
    const down = await analyticsOf('m-declining');
    expect(down.direction).toBe('declining');
    expect(down.performance_trend.direction.delta).toBeLessThanOrEqual(-5);
    for (const id of ['m-s1', 'm-s2', 'm-s3', 'm-s4', 'c-steady']) {
      expect((await analyticsOf(id)).direction, id).toBe('stable');
    }
  });

  it('stores 7/30/90-day trends', async () => {
    const a = await analyticsOf('m-s1');
    expect(a.performance_trend.last_7d).toMatchObject({
      window_days: 7,
      sessions: 7,
      avg_rating: 5,
      no_show_rate: 0,
    });
    expect(a.performance_trend.last_30d.sessions).toBe(30);
    expect(a.performance_trend.last_90d.sessions).toBe(90);
    expect(a.performance_trend.last_90d.overall_score).toEqual(expect.any(Number));
    expect(a.performance_trend.volume).toMatchObject({ sessions_30d: 30, sessions_prior_60d: 60, change: 0 });
  });

  it('ranks tutors within their main subject, by sessions when there is none, and small groups within all', async () => {
    const best = await analyticsOf('m-s1');
    expect(best).toMatchObject({ peer_group: 'math', peer_group_size: 7, percentile_rank: 100 });
    const fallback = await analyticsOf('m-fallback');
    expect(fallback).toMatchObject({ peer_group: 'math', peer_group_size: 7 });
    const math = await t.rt.database.db
      .select()
      .from(tutorAnalytics)
      .where(and(eq(tutorAnalytics.analysisDate, TODAY), eq(tutorAnalytics.peerGroup, 'math')));
    expect(math).toHaveLength(7);
    const ranks = math.map((r) => r.percentileRank!).sort((a, b) => a - b);
    expect(ranks[0]).toBe(0);
    expect(ranks.at(-1)).toBe(100);
    // m-s2 and m-fallback had identical months (30 sessions rated 4): ties share the middle rank.
    const rankOf = (id: string) => math.find((r) => r.tutorId === id)!.percentileRank;
    expect(rankOf('m-s2')).toBe(rankOf('m-fallback'));
    // Two art tutors are too few for a group: they are ranked among all 11 scored tutors.
    const art = await analyticsOf('a-1');
    expect(art).toMatchObject({ peer_group: 'all', peer_group_size: 11 });
    expect(art.percentile_rank).toEqual(expect.any(Number));
    // No sessions: no rank.
    expect((await analyticsOf('x-idle')).percentile_rank).toBeNull();
  });

  it('gives a declining, fading tutor a much higher churn risk than a steady one, with its reasons', async () => {
    const steady = await analyticsOf('c-steady');
    const fading = await analyticsOf('c-fading');
    expect(fading.direction).toBe('declining');
    expect(fading.performance_trend.direction.basis).toBe('30d_vs_90d');
    expect(fading.churn_risk_30d).toBeGreaterThan(steady.churn_risk_30d * 3);
    expect(fading.churn_risk_90d).toBeGreaterThan(fading.churn_risk_30d);
    expect(steady.churn_risk_30d).toBeLessThan(0.1);
    const factor = (a: { churn_factors: Array<{ factor: string; value: number }> }, name: string) =>
      a.churn_factors.find((f) => f.factor === name)!;
    expect(factor(fading, 'volume_drop').value).toBeGreaterThan(0.7);
    expect(factor(fading, 'declining_trend').value).toBe(1);
    expect(fading.churn_factors[0]).toMatchObject({ contribution: expect.any(Number) });
    expect(factor(await analyticsOf('x-idle'), 'inactivity').value).toBe(1);
  });

  it('shows the analysis in the tutors list', async () => {
    const body = (await get('/api/tutors?search=m-s1')).json();
    expect(body.data[0]).toMatchObject({
      tutor_id: 'm-s1',
      direction: 'stable',
      percentile_rank: 100,
      peer_group: 'math',
      analysis_date: TODAY,
      churn_risk_30d: expect.any(Number),
    });
    const risky = (await get('/api/tutors?sort_by=risk&limit=100')).json();
    expect(risky.total).toBe(12);
  });

  it('re-running the same date overwrites the rows (no duplicates)', async () => {
    const db = t.rt.database.db;
    const [before] = await db
      .select()
      .from(tutorAnalytics)
      .where(and(eq(tutorAnalytics.tutorId, 'm-s1'), eq(tutorAnalytics.analysisDate, TODAY)));
    t.clock.advance(10 * 60_000); // same day, within the login's idle timeout
    try {
      const res = await post('/api/cron/daily-analysis?wait=true', admin);
      expect(res.statusCode).toBe(200);
    } finally {
      t.clock.set(NOW);
    }
    expect(await rowsFor(TODAY)).toBe(12);
    const [after] = await db
      .select()
      .from(tutorAnalytics)
      .where(and(eq(tutorAnalytics.tutorId, 'm-s1'), eq(tutorAnalytics.analysisDate, TODAY)));
    expect(after!.id).toBe(before!.id);
    expect(after!.createdAt.getTime()).toBeGreaterThan(before!.createdAt.getTime());
  });

  it('analyses a past date as of the end of that day, without rescoring', async () => {
    const res = await post('/api/cron/daily-analysis?wait=true&date=2026-11-19', admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ analysis_date: '2026-11-19', rescored_tutors: null, tutors: 12 });
    expect(await rowsFor('2026-11-19')).toBe(12);
    // The latest analysis stays today's.
    expect((await analyticsOf('m-s1')).analysis_date).toBe(TODAY);
  });

  it('refuses a future date with 400', async () => {
    const res = await post('/api/cron/daily-analysis?wait=true&date=2026-11-21', admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect((await post('/api/cron/daily-analysis?date=tomorrow', admin)).statusCode).toBe(400);
  });
});

describe('POST /api/cron/daily-analysis (queued)', () => {
  it('queues the job for admins and admin API keys with 202', async () => {
    const res = await post('/api/cron/daily-analysis', admin);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ queued: true, analysis_date: TODAY });
    expect(res.json().job_id).toMatch(/^tier3:2026-11-20:\d+$/);

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: 'scheduler', role: 'admin' },
    });
    expect(created.statusCode).toBe(201);
    t.clock.advance(1);
    const byKey = await t.app.inject({
      method: 'POST',
      url: '/api/cron/daily-analysis',
      headers: { 'x-api-key': created.json().key },
    });
    t.clock.set(NOW);
    expect(byKey.statusCode).toBe(202);
  });

  it('refuses coaches and viewers with 403', async () => {
    for (const s of [coach, viewer]) {
      const res = await post('/api/cron/daily-analysis?wait=true', s);
      expect(res.statusCode).toBe(403);
    }
  });
});

describe('quality.tier3 job', () => {
  it('runs the analysis for the payload date', async () => {
    const jobs = createTier3Jobs({ tier3: t.app.services.tier3 });
    await jobs.handlers['quality.tier3']!(
      { date: '2026-11-18' },
      { id: 'j', name: 'quality.tier3', attempt: 1, attemptsMax: 3 },
    );
    expect(await rowsFor('2026-11-18')).toBe(12);
  });
});
