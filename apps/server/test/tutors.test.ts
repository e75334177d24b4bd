/**
 * Tutors API and session detail, on the real database: sessions inserted with the real rules' findings, scores
 * from the real rescore, then read through HTTP.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interventions, sessionAnalyses, sessions as sessionsTable } from '../src/db/schema/index';
import { createTier2Runner } from '../src/modules/quality/tier2';
import { createAiPort } from '../src/platform/ai/ai';
import { raiseFlag } from '../src/modules/quality/flags.core';
import { evaluateSession, flagForFinding } from '../src/modules/quality/rules';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { dailySessions, insertSessions, insertSubjects, insertTutors } from './helpers/quality-fixtures';

let t: TestApp;
let coach: Session;
let viewer: Session;
const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
let noShowRowId: string;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString() });
  const db = t.rt.database.db;
  await createUser(t, { email: 'coach@tutors.test', role: 'coach' });
  await createUser(t, { email: 'viewer@tutors.test', role: 'viewer' });
  coach = await login(t, 'coach@tutors.test');
  viewer = await login(t, 'viewer@tutors.test');

  await insertSubjects(db, [
    { id: 'math', name: 'Math' },
    { id: 'reading', name: 'Reading' },
  ]);
  await insertTutors(db, [
    { id: 't-alice', name: 'Alice Good', mainSubjectId: 'math', subjectIds: ['math'] },
    { id: 't-bob', name: 'Bob Late', mainSubjectId: 'math', subjectIds: ['math', 'reading'] },
    { id: 't-carol', name: 'Carol Resched', mainSubjectId: 'reading', subjectIds: ['reading'] },
    { id: 't-dan', name: 'Dan Noshow', mainSubjectId: 'reading', subjectIds: ['reading'] },
    { id: 't-eve', name: 'Eve New', mainSubjectId: null },
  ]);
  await insertSessions(db, [
    // Alice: 30 perfect sessions over 30 days.
    ...dailySessions(NOW, 't-alice', { fromDaysAgo: 29, toDaysAgo: 0 }),
    // Bob: 20 sessions, every other one 15 minutes late, rated 4.
    ...dailySessions(NOW, 't-bob', {
      fromDaysAgo: 19,
      toDaysAgo: 0,
      shape: (d) => ({ lateMin: d % 2 === 0 ? 15 : 0, rating: 4 }),
    }),
    // Carol: 20 sessions, 10 rescheduled by her (clearly over the 15 % threshold, whatever the sample-size guard).
    ...dailySessions(NOW, 't-carol', {
      fromDaysAgo: 19,
      toDaysAgo: 0,
      shape: (d) => ({ rescheduledBy: d % 2 === 0 ? 'tutor' : null, rating: 5 }),
    }),
    // Dan: 24 sessions (a rate flag trusts 20 or more), 6 no-shows (the platform id of the most recent is known).
    ...dailySessions(NOW, 't-dan', {
      fromDaysAgo: 23,
      toDaysAgo: 0,
      shape: (d) => ({ lateMin: d % 4 === 0 ? null : 0, rating: d % 4 === 0 ? null : 3, id: `dan-${d}` }),
    }),
  ]);
  // Tier 1 would have raised the per-session no-show flag for Dan's latest miss.
  const ids = await insertSessionsFlagFor('dan-0');
  noShowRowId = ids;
  await t.app.services.scores.rescore(undefined, { now: NOW });
});
afterAll(() => t?.close());

/** Raises the per-session flag tier 1 would raise for a stored fixture session; returns its row id. */
async function insertSessionsFlagFor(platformId: string): Promise<string> {
  const dto = await t.app.services.sessions.getSessionDto(platformId);
  const facts = {
    sessionId: dto!.session_id,
    tutorId: dto!.tutor_id,
    start: new Date(dto!.session_start_time),
    end: new Date(dto!.session_end_time),
    tutorJoin: null,
    studentJoin: new Date(dto!.session_start_time),
    tutorLeave: null,
    studentLeave: new Date(dto!.session_end_time),
    isFirstSession: false,
    studentRating: null,
    wasRescheduled: false,
    rescheduledBy: null,
  };
  const finding = evaluateSession(facts).find((f) => f.type === 'tutor_no_show')!;
  await raiseFlag(t.rt.database.db, {
    tutorId: facts.tutorId,
    decision: flagForFinding(finding, facts)!,
    sessionId: facts.sessionId,
    evidenceKey: `session:${dto!.id}:v1`,
    at: NOW,
  });
  return dto!.id;
}

const get = (url: string, s: Session = coach) => t.app.inject({ method: 'GET', url, headers: bearer(s) });
const idsOf = (body: { data: Array<{ tutor_id: string }> }) => body.data.map((d) => d.tutor_id);

describe('GET /api/tutors', () => {
  it('lists every tutor weakest first by default, tutors without a score last', async () => {
    const res = await get('/api/tutors');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(5);
    expect(body.data).toHaveLength(5);
    const scores = body.data.map((d: { overall_score: number | null }) => d.overall_score);
    expect(scores.at(-1)).toBeNull();
    const ranked = scores.slice(0, 4) as number[];
    expect(ranked).toEqual([...ranked].sort((a, b) => a - b));
    expect(idsOf(body).at(-1)).toBe('t-eve');
    expect(idsOf(body).slice(0, 4).at(-1)).toBe('t-alice');
    const alice = body.data.find((d: { tutor_id: string }) => d.tutor_id === 't-alice');
    expect(alice).toMatchObject({
      name: 'Alice Good',
      main_subject: { id: 'math', name: 'Math' },
      window_days: 30,
      total_sessions: 30,
      open_flags: 0,
      max_open_severity: null,
      is_high_risk: false,
      direction: null,
    });
    expect(alice.breakdown).toMatchObject({
      attendance: expect.any(Number),
      reliability: expect.any(Number),
    });
  });

  it('sorts by name, session count and risk, both ways', async () => {
    expect(idsOf((await get('/api/tutors?sort_by=name')).json())).toEqual([
      't-alice',
      't-bob',
      't-carol',
      't-dan',
      't-eve',
    ]);
    expect(idsOf((await get('/api/tutors?sort_by=name&sort_order=desc')).json())).toEqual([
      't-eve',
      't-dan',
      't-carol',
      't-bob',
      't-alice',
    ]);
    const busiest = (await get('/api/tutors?sort_by=session_count')).json();
    expect(idsOf(busiest)[0]).toBe('t-alice');
    expect(busiest.data.map((d: { total_sessions: number }) => d.total_sessions)).toEqual([
      30, 24, 20, 20, 0,
    ]);
    const quietest = (await get('/api/tutors?sort_by=session_count&sort_order=asc')).json();
    expect(idsOf(quietest)[0]).toBe('t-eve');
    const risky = (await get('/api/tutors?sort_by=risk')).json();
    expect(risky.data[0].is_high_risk).toBe(true);
    expect(idsOf(risky).slice(-2)).toEqual(['t-alice', 't-eve']);
  });

  it('filters by score range, open flags, risk status, subject and search', async () => {
    const all = (await get('/api/tutors')).json().data as Array<{
      tutor_id: string;
      overall_score: number | null;
    }>;
    const alice = all.find((d) => d.tutor_id === 't-alice')!.overall_score!;
    const high = (await get(`/api/tutors?min_score=${alice}`)).json();
    expect(idsOf(high)).toEqual(['t-alice']);
    const low = (await get(`/api/tutors?max_score=${alice - 1}`)).json();
    expect(idsOf(low)).not.toContain('t-alice');
    expect(idsOf(low)).not.toContain('t-eve');
    expect(low.total).toBe(3);

    const flagged = (await get('/api/tutors?has_flags=true&sort_by=name')).json();
    expect(idsOf(flagged)).toEqual(['t-bob', 't-carol', 't-dan']);
    const dan = flagged.data.find((d: { tutor_id: string }) => d.tutor_id === 't-dan');
    expect(dan.max_open_severity).toBe('critical');
    expect(dan.open_flags).toBeGreaterThanOrEqual(2);
    expect(idsOf((await get('/api/tutors?has_flags=false&sort_by=name')).json())).toEqual([
      't-alice',
      't-eve',
    ]);

    const highRisk = (await get('/api/tutors?risk_status=high_risk')).json();
    expect(idsOf(highRisk)).toContain('t-carol');
    expect(highRisk.data.every((d: { is_high_risk: boolean }) => d.is_high_risk)).toBe(true);
    const lowRisk = (await get('/api/tutors?risk_status=low_risk')).json();
    expect(idsOf(lowRisk)).not.toContain('t-carol');
    expect(highRisk.total + lowRisk.total).toBe(5);

    // Main subject or any subject taught.
    expect(idsOf((await get('/api/tutors?subject=math&sort_by=name')).json())).toEqual(['t-alice', 't-bob']);
    expect(idsOf((await get('/api/tutors?subject=reading&sort_by=name')).json())).toEqual([
      't-bob',
      't-carol',
      't-dan',
    ]);

    expect(idsOf((await get('/api/tutors?search=ALI')).json())).toEqual(['t-alice']);
    expect(idsOf((await get('/api/tutors?search=t-car')).json())).toEqual(['t-carol']);
    expect((await get('/api/tutors?search=%25')).json().total).toBe(0);
  });

  it('pages with limit and offset and keeps the total', async () => {
    const p1 = (await get('/api/tutors?sort_by=name&limit=2')).json();
    expect(p1).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(idsOf(p1)).toEqual(['t-alice', 't-bob']);
    const p3 = (await get('/api/tutors?sort_by=name&limit=2&offset=4')).json();
    expect(idsOf(p3)).toEqual(['t-eve']);
    const past = (await get('/api/tutors?sort_by=name&limit=2&offset=10')).json();
    expect(past).toMatchObject({ data: [], total: 5 });
  });

  it('switches the score window', async () => {
    const body = (await get('/api/tutors?window=7&sort_by=name')).json();
    expect(body.data[0]).toMatchObject({ tutor_id: 't-alice', window_days: 7, total_sessions: 7 });
  });

  it('rejects bad queries with 400', async () => {
    for (const q of [
      'window=14',
      'min_score=60&max_score=40',
      'sort_by=age',
      'limit=500',
      'risk_status=maybe',
    ]) {
      const res = await get(`/api/tutors?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('is readable by viewers', async () => {
    expect((await get('/api/tutors', viewer)).statusCode).toBe(200);
  });
});

describe('GET /api/tutors/:id', () => {
  it('returns the profile, all windows, sessions, flags, history, interventions and analytics', async () => {
    await t.rt.database.db.insert(interventions).values({
      tutorId: 't-bob',
      interventionType: 'coaching_session',
      description: 'Talked about punctuality',
      interventionDate: new Date(NOW.getTime() - 5 * DAY),
      outcome: 'improved',
      closedAt: new Date(NOW.getTime() - DAY),
      coachLabel: 'coach@tutors.test',
    });
    const res = await get('/api/tutors/t-bob');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tutor_id).toBe('t-bob');
    expect(body.tutor).toMatchObject({
      name: 'Bob Late',
      main_subject: { id: 'math', name: 'Math' },
      subjects: [
        { id: 'math', name: 'Math' },
        { id: 'reading', name: 'Reading' },
      ],
    });
    expect(body.current_score).toMatchObject({ window_days: 30, total_sessions: 20, late_count: 10 });
    expect(body.windows.last_7d.window_days).toBe(7);
    expect(body.windows.last_30d).toEqual(body.current_score);
    expect(body.windows.last_90d.window_days).toBe(90);
    expect(body.recent_sessions).toHaveLength(10);
    const starts = body.recent_sessions.map((s: { session_start_time: string }) => s.session_start_time);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(body.active_flags.map((f: { flag_type: string }) => f.flag_type)).toContain('chronic_lateness');
    expect(body.past_flags).toEqual([]);
    expect(body.performance_history).toHaveLength(1);
    expect(body.performance_history[0]).toMatchObject({ day: '2026-11-20', total_sessions: 20 });
    expect(body.interventions).toHaveLength(1);
    expect(body.interventions[0]).toMatchObject({ outcome: 'improved', metrics_before: expect.any(Object) });
    expect(body.interventions[0].metrics_after.total_sessions).toBe(5);
    expect(body.analytics).toBeNull();
  });

  it('answers 404 TUTOR_NOT_FOUND for an unknown tutor on every tutor route', async () => {
    for (const url of ['/api/tutors/nobody', '/api/tutors/nobody/score', '/api/tutors/nobody/history']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('TUTOR_NOT_FOUND');
    }
  });

  it('shows a tutor without sessions with empty parts', async () => {
    const body = (await get('/api/tutors/t-eve')).json();
    expect(body).toMatchObject({
      current_score: null,
      windows: { last_7d: null, last_30d: null, last_90d: null },
      recent_sessions: [],
      active_flags: [],
      performance_history: [],
      interventions: [],
      analytics: null,
    });
  });
});

describe('GET /api/tutors/:id/score', () => {
  it('returns the 30-day score, its breakdown, open flags and all windows', async () => {
    const res = await get('/api/tutors/t-dan/score');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.score).toMatchObject({
      tutor_id: 't-dan',
      window_days: 30,
      no_show_count: 6,
      total_sessions: 24,
    });
    expect(body.breakdown).toEqual(body.score.breakdown);
    expect(Object.keys(body.breakdown).sort()).toEqual([
      'attendance',
      'completion',
      'ratings',
      'reliability',
    ]);
    const types = body.flags.map((f: { flag_type: string }) => f.flag_type);
    expect(types).toEqual(expect.arrayContaining(['tutor_no_show', 'chronic_no_show']));
    expect(body.flags[0].severity).toBe('critical');
    expect(body.windows.last_7d).toMatchObject({ window_days: 7 });
  });
});

describe('GET /api/tutors/:id/history', () => {
  it('returns reschedule events newest first, the rate trend and the window rates', async () => {
    const res = await get('/api/tutors/t-carol/history');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.days).toBe(90);
    expect(body.events).toHaveLength(10);
    expect(body.events.every((e: { initiator: string }) => e.initiator === 'tutor')).toBe(true);
    const times = body.events.map((e: { original_time: string }) => e.original_time);
    expect(times).toEqual([...times].sort().reverse());
    expect(body.rates.last_30d).toMatchObject({
      total_sessions: 20,
      tutor_initiated_reschedules: 10,
      tutor_reschedule_rate: 0.5,
    });
    expect(body.rates.last_7d.window_days).toBe(7);
    expect(body.trend).toEqual([{ day: '2026-11-20', tutor_reschedule_rate: 0.5, total_sessions: 20 }]);
    expect(body.threshold).toBe(0.15);

    const limited = (await get('/api/tutors/t-carol/history?days=10&limit=2')).json();
    expect(limited.events).toHaveLength(2);
    expect(limited.days).toBe(10);
  });

  it('validates days (≤ 365) and limit', async () => {
    expect((await get('/api/tutors/t-carol/history?days=366')).statusCode).toBe(400);
    expect((await get('/api/tutors/t-carol/history?days=0')).statusCode).toBe(400);
    expect((await get('/api/tutors/t-carol/history?limit=0')).statusCode).toBe(400);
  });
});

describe('GET /api/sessions/:id', () => {
  it('returns the session with findings, flags, score and no analysis, by uuid or platform id', async () => {
    const byUuid = await get(`/api/sessions/${noShowRowId}`);
    expect(byUuid.statusCode).toBe(200);
    const body = byUuid.json();
    expect(body.session).toMatchObject({
      id: noShowRowId,
      session_id: 'dan-0',
      tutor_id: 't-dan',
      tutor_join_time: null,
    });
    expect(body.findings).toEqual([
      {
        type: 'tutor_no_show',
        severity: 'critical',
        minutes: null,
        blames_tutor: true,
        details: { student_joined: true },
      },
    ]);
    expect(body.flags.map((f: { flag_type: string }) => f.flag_type)).toEqual(['tutor_no_show']);
    expect(body.flags[0].supporting_data.sessions).toContain('dan-0');
    expect(body.analysis).toBeNull();
    expect(body.tutor_score).toMatchObject({ tutor_id: 't-dan', window_days: 30 });
    expect(body.reschedule).toBeNull();

    const byPlatformId = await get('/api/sessions/dan-0');
    expect(byPlatformId.statusCode).toBe(200);
    expect(byPlatformId.json()).toEqual(body);
  });

  it('includes the tier 2 analysis and the reschedule when there are some', async () => {
    const carol = (await get('/api/tutors/t-carol/history')).json();
    const platformId = carol.events[0].session_id as string;
    const session = await t.app.services.sessions.getSessionDto(platformId);
    await t.rt.database.db.insert(sessionAnalyses).values({
      sessionId: session!.id,
      tutorId: 't-carol',
      sessionVersion: 1,
      provider: 'local',
      source: 'summary',
      qualityScore: 72,
      empathyScore: 70,
      clarityScore: 75,
      engagement: 'medium',
      redFlags: [],
      metrics: { tutor_talk_share: 0.6 },
      evidence: [{ label: 'question', quote: 'What do you think?' }],
      createdAt: NOW,
    });
    const body = (await get(`/api/sessions/${platformId}`)).json();
    expect(body.analysis).toMatchObject({ provider: 'local', quality_score: 72, engagement: 'medium' });
    expect(body.reschedule).toMatchObject({
      session_id: platformId,
      initiator: 'tutor',
      hours_before_session: 24,
    });
    expect(body.findings.map((f: { type: string }) => f.type)).toEqual(['tutor_rescheduled']);
  });

  it('answers 404 SESSION_NOT_FOUND for unknown ids', async () => {
    for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
      const res = await get(`/api/sessions/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('SESSION_NOT_FOUND');
    }
  });
});

describe('tutor moves: the session’s move profile and the tutor’s weekly trend', () => {
  const GUIDING = [
    'Tutor: Hi Sam, please talk me through your solution.',
    'Student: I added 12 and 3 and got 15, then took away 5 so 10.',
    'Tutor: Why did you add the 3 spoons she used?',
    'Student: Because she still has them, they were only used.',
    'Tutor: Good. How could you check your answer?',
    'Student: 10 plus 5 is 15, minus 3 is 12, so it works.',
    'Tutor: Well done!',
  ].join('\n');
  const TELLING = [
    'Tutor: First one: Julia has 12 spoons and used 3. How many were there?',
    "Student: I'm not sure where to start.",
    'Tutor: No, you need to add them: 12 + 3 = 15. So the answer is 15.',
    'Student: Oh. Why?',
    'Tutor: The answer is 15 because you add the 3 she used to the 12 she has: 12 + 3 = 15.',
    'Student: okay',
    'Tutor: Yes, 15. Then 15 - 5 = 10, so she bought 10 spoons. Write that down.',
  ].join('\n');
  let guidingId: string;
  let tellingId: string;

  beforeAll(async () => {
    const db = t.rt.database.db;
    // Two of Alice's sessions get transcripts: today's (guiding) and one 10 days ago (telling); tier 2 runs.
    const rows = await db
      .select()
      .from(sessionsTable)
      .where(eq(sessionsTable.tutorId, 't-alice'))
      .orderBy(asc(sessionsTable.sessionStartTime));
    const today = rows[rows.length - 1]!;
    const earlier = rows[rows.length - 11]!;
    const run = createTier2Runner({
      db,
      clock: t.clock,
      events: t.app.services.events,
      ai: createAiPort({ provider: null }),
      sessions: t.app.services.sessions,
      logger: t.rt.logger,
    });
    for (const [row, transcript] of [
      [today, GUIDING],
      [earlier, TELLING],
    ] as const) {
      await db.update(sessionsTable).set({ transcript }).where(eq(sessionsTable.id, row.id));
      expect(await run({ sessionId: row.id, version: row.version })).toMatchObject({ status: 'stored' });
    }
    guidingId = today.sessionId;
    tellingId = earlier.sessionId;
  });

  it('GET /api/sessions/:id returns the move profile: shares, guidance, quotes and every tutor turn', async () => {
    const body = (await get(`/api/sessions/${guidingId}`)).json();
    const moves = body.analysis.moves;
    expect(moves).toMatchObject({ model: expect.stringMatching(/^moves-v/), tutor_turns: 4 });
    expect(moves.turns.map((m: { turn: number }) => m.turn)).toEqual([0, 2, 4, 6]);
    const shares = moves.shares as Record<string, number>;
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(moves.guidance_score).toBe(Math.round(100 * (1 - shares.telling!)));
    expect(moves.guidance_score).toBeGreaterThan(70);
    const quotes = Object.values(moves.examples as Record<string, Array<{ quote: string }>>).flat();
    expect(quotes.map((q) => q.quote)).toContain('Why did you add the 3 spoons she used?');

    const telling = (await get(`/api/sessions/${tellingId}`, viewer)).json().analysis.moves;
    expect(telling.shares.telling).toBeGreaterThan(0.5);
    expect(telling.examples.telling.length).toBeGreaterThan(0);
  });

  it('GET /api/tutors/:id/moves returns every week, oldest first, with the telling and guiding shares', async () => {
    const res = await get('/api/tutors/t-alice/moves?weeks=4');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tutor_id: 't-alice', weeks: 4 });
    expect(body.series).toHaveLength(4);
    // 2026-11-20 is a Friday: its week starts on Monday 2026-11-16.
    expect(body.series.map((w: { week_start: string }) => w.week_start)).toEqual([
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
    ]);
    const byWeek = new Map(body.series.map((w: { week_start: string }) => [w.week_start, w]));
    const [guiding] = await t.rt.database.db
      .select()
      .from(sessionAnalyses)
      .innerJoin(sessionsTable, eq(sessionsTable.id, sessionAnalyses.sessionId))
      .where(and(eq(sessionAnalyses.tutorId, 't-alice'), eq(sessionsTable.sessionId, guidingId)));
    expect(byWeek.get('2026-11-16')).toMatchObject({
      sessions: 1,
      tutor_turns: 4,
      telling_share: expect.closeTo(guiding!.session_analyses.tellingShare!, 3),
    });
    const thisWeek = byWeek.get('2026-11-16') as Record<string, number>;
    expect(thisWeek.guiding_share).toBeCloseTo(thisWeek.focus_share! + thisWeek.probing_share!, 2);
    // The telling session (10 days ago) is in the week of 2026-11-09.
    expect((byWeek.get('2026-11-09') as Record<string, number>).telling_share).toBeGreaterThan(
      thisWeek.telling_share!,
    );
    expect(byWeek.get('2026-10-26')).toMatchObject({ sessions: 0, telling_share: null, guiding_share: null });
    expect(body.overall.sessions).toBe(2);
    expect((await get('/api/tutors/t-alice/moves', viewer)).json().series).toHaveLength(12);
  });

  it('validates weeks and answers 404 for an unknown tutor', async () => {
    expect((await get('/api/tutors/t-alice/moves?weeks=0')).statusCode).toBe(400);
    expect((await get('/api/tutors/t-alice/moves?weeks=53')).statusCode).toBe(400);
    const res = await get('/api/tutors/nobody/moves');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TUTOR_NOT_FOUND');
  });
});

describe('OpenAPI', () => {
  it('documents the tutors, session detail and analytics routes with tags, summaries, parameters and responses', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const ops: Array<[string, string, string]> = [
      ['/api/tutors', 'get', '200'],
      ['/api/tutors/{id}', 'get', '200'],
      ['/api/tutors/{id}/score', 'get', '200'],
      ['/api/tutors/{id}/history', 'get', '200'],
      ['/api/tutors/{id}/moves', 'get', '200'],
      ['/api/sessions/{id}', 'get', '200'],
      ['/api/analytics/overview', 'get', '200'],
      ['/api/analytics/trends', 'get', '200'],
      ['/api/cron/daily-analysis', 'post', '202'],
    ];
    for (const [path, method, status] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags?.length, path).toBeGreaterThan(0);
      expect(op.summary, path).toEqual(expect.any(String));
      expect(op.responses[status], `${path} ${status}`).toBeDefined();
    }
    const params = (path: string, method = 'get') =>
      (doc.paths[path][method].parameters as Array<{ name: string }>).map((p) => p.name);
    expect(params('/api/tutors')).toEqual(
      expect.arrayContaining([
        'sort_by',
        'sort_order',
        'window',
        'min_score',
        'max_score',
        'has_flags',
        'risk_status',
        'subject',
        'search',
        'limit',
        'offset',
      ]),
    );
    expect(params('/api/analytics/trends')).toEqual(expect.arrayContaining(['metric', 'period', 'group_by']));
    expect(params('/api/cron/daily-analysis', 'post')).toEqual(expect.arrayContaining(['date', 'wait']));
  });
});

describe('score history backfill', () => {
  it('fills past days from stored sessions as each day would have read, keeping days recorded live', async () => {
    const live = (await get('/api/tutors/t-bob')).json().performance_history;
    expect(live).toHaveLength(1); // only today's, from the live rescore

    const written = await t.app.services.scores.backfillHistory({ days: 10, now: NOW });
    expect(written).toBeGreaterThan(0);
    const history = (await get('/api/tutors/t-bob')).json().performance_history as Array<{
      day: string;
      total_sessions: number;
      late_rate: number | null;
    }>;
    // NOW is 2026-11-20 12:00: the ten days before it, then today's live row, oldest first.
    expect(history.map((h) => h.day)).toEqual([
      '2026-11-10',
      '2026-11-11',
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
    ]);
    // Bob's sessions began 19 days ago, one a day: each past day's 30-day window holds fewer of them.
    const totals = history.map((h) => h.total_sessions);
    expect(totals.slice(0, -1)).toEqual([...totals.slice(0, -1)].sort((a, b) => a - b));
    expect(totals[0]).toBeLessThan(totals.at(-1)!);
    expect(history.at(-1)).toEqual(live[0]); // the live row is untouched
    // Every other session was late, whatever the day.
    for (const h of history) expect(h.late_rate).toBeGreaterThan(0.3);

    // Idempotent: nothing left to write.
    expect(await t.app.services.scores.backfillHistory({ days: 10, now: NOW })).toBe(0);
  });
});
