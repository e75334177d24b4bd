/**
 * Interventions API through HTTP on the real database: create (with validation), list filters (due, closed,
 * outcome), detail with the tutor's metrics 30 days before / after against planted sessions (findings from the
 * real rules), outcome tracking and closing, delete (admin only), and audit entries.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TIntervention } from '@tutorpulse/contracts/quality';
import {
  auditLog,
  events,
  flags,
  interventions,
  sessionFindings,
  sessions,
  students,
  tutors,
} from '../src/db/schema/index';
import { evaluateSession } from '../src/modules/quality/rules';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

let t: TestApp;
let admin: Session;
let coach: Session;
let viewer: Session;

const NOW = new Date('2026-11-20T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** I1's date: 35 days ago, so its 30 days after are complete. */
const D1 = new Date(NOW.getTime() - 35 * DAY);
/** I2's date: 10 days ago (after window incomplete). */
const D2 = new Date(NOW.getTime() - 10 * DAY);
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let seq = 0;
/** Inserts a one-hour session and the findings the real tier 1 rules make of it. */
async function plantSession(tutorId: string, start: Date, opts: { lateMin?: number; rating?: number } = {}) {
  const db = t.rt.database.db;
  const end = at(start, HOUR);
  const tutorJoin = at(start, (opts.lateMin ?? 0) * MIN);
  const platformId = `ses-i-${++seq}`;
  const [row] = await db
    .insert(sessions)
    .values({
      sessionId: platformId,
      tutorId,
      studentId: 'stu-i1',
      sessionStartTime: start,
      sessionEndTime: end,
      tutorJoinTime: tutorJoin,
      studentJoinTime: start,
      tutorLeaveTime: end,
      studentLeaveTime: end,
      subjectsCovered: ['algebra-1'],
      sessionLengthScheduled: 60,
      studentFeedbackRating: opts.rating ?? null,
      contentHash: `h-${platformId}`,
      processingStatus: 'processed',
    })
    .returning({ id: sessions.id });
  const findings = evaluateSession({
    sessionId: platformId,
    tutorId,
    start,
    end,
    tutorJoin,
    studentJoin: start,
    tutorLeave: end,
    studentLeave: end,
    isFirstSession: false,
    studentRating: opts.rating ?? null,
    wasRescheduled: false,
    rescheduledBy: null,
  });
  if (findings.length) {
    await db.insert(sessionFindings).values(
      findings.map((f) => ({
        sessionId: row!.id,
        tutorId,
        occurredAt: start,
        type: f.type,
        severity: f.severity,
        minutes: f.minutes,
        blamesTutor: f.blamesTutor,
        details: f.details,
      })),
    );
  }
}

const get = (url: string, s: Session = coach) => t.app.inject({ method: 'GET', url, headers: bearer(s) });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, s: Session = coach) =>
  t.app.inject({
    method,
    url,
    headers: bearer(s),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const countInterventions = async () => (await t.rt.database.db.select().from(interventions)).length;
const interventionRow = async (id: string) =>
  (await t.rt.database.db.select().from(interventions).where(eq(interventions.id, id)))[0];

let lateFlagId: string;
let otherFlagId: string;
let i1: TIntervention;
let i2: TIntervention;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString(), loginRateLimitPerMinute: 1000 });
  await createUser(t, { email: 'admin@int.test', role: 'admin' });
  await createUser(t, { email: 'coach@int.test', role: 'coach' });
  await createUser(t, { email: 'viewer@int.test', role: 'viewer' });
  admin = await login(t, 'admin@int.test');
  coach = await login(t, 'coach@int.test');
  viewer = await login(t, 'viewer@int.test');
  const db = t.rt.database.db;
  await db.insert(tutors).values([
    { id: 'tut-i1', name: 'Ines Tutor' },
    { id: 'tut-i2', name: 'Jon Tutor' },
  ]);
  await db.insert(students).values({ id: 'stu-i1', name: 'Sam Student' });

  // tut-i1, before D1: 10 sessions, 5 of them 15 min late (late rate 0.5); after D1: 10 sessions, 1 of them
  // 25 min late (0.1). Late sessions just outside both windows must not count.
  for (let k = 1; k <= 10; k++)
    await plantSession('tut-i1', at(D1, -k * DAY - 2 * HOUR), { lateMin: k <= 5 ? 15 : 0, rating: 4 });
  for (let k = 1; k <= 10; k++)
    await plantSession('tut-i1', at(D1, k * DAY + 2 * HOUR), { lateMin: k === 3 ? 25 : 0, rating: 5 });
  await plantSession('tut-i1', at(D1, -31 * DAY), { lateMin: 40 });
  await plantSession('tut-i1', at(D1, 31 * DAY), { lateMin: 40 });
  // tut-i2: three on-time sessions since D2, none before.
  for (let k = 1; k <= 3; k++) await plantSession('tut-i2', at(D2, k * DAY));

  const flagValues = (tutorId: string, type: 'tutor_late' | 'tutor_no_show') => ({
    tutorId,
    flagType: type,
    severity: 'medium' as const,
    title: `${type} flag`,
    description: 'planted',
    supportingData: { sessions: [], metrics: {} },
    firstSeenAt: at(D1, -DAY),
    lastSeenAt: at(D1, -DAY),
    createdAt: at(D1, -DAY),
    updatedAt: at(D1, -DAY),
  });
  [{ id: lateFlagId }, { id: otherFlagId }] = (await db
    .insert(flags)
    .values([flagValues('tut-i1', 'tutor_late'), flagValues('tut-i2', 'tutor_no_show')])
    .returning({ id: flags.id })) as [{ id: string }, { id: string }];
});
afterAll(() => t?.close());

describe('POST /api/interventions', () => {
  it('records an intervention for a flag, audits it and announces it', async () => {
    const res = await send('POST', '/api/interventions', {
      tutor_id: 'tut-i1',
      flag_id: lateFlagId,
      intervention_type: 'coaching_session',
      description: 'Punctuality coaching; calendar reminders 10 min before.',
      intervention_date: D1.toISOString(),
      follow_up_date: at(D1, 14 * DAY).toISOString(),
    });
    expect(res.statusCode).toBe(201);
    i1 = res.json();
    expect(i1).toMatchObject({
      tutor_id: 'tut-i1',
      tutor_name: 'Ines Tutor',
      flag_id: lateFlagId,
      intervention_type: 'coaching_session',
      coach_id: coach.userId,
      coach_label: 'coach@int.test',
      intervention_date: D1.toISOString(),
      follow_up_date: at(D1, 14 * DAY).toISOString(),
      outcome: 'pending',
      outcome_notes: null,
      closed_at: null,
      created_at: NOW.toISOString(),
    });
    const db = t.rt.database.db;
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'intervention.create'), eq(auditLog.targetId, i1.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: coach.userId, outcome: 'success' });
    const evts = await db.select().from(events).where(eq(events.type, 'intervention.changed'));
    expect(evts.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ intervention_id: i1.id, action: 'created' }),
    );

    const second = await send('POST', '/api/interventions', {
      tutor_id: 'tut-i2',
      intervention_type: 'warning',
      description: 'Written warning about reschedules.',
      intervention_date: D2.toISOString(),
    });
    expect(second.statusCode).toBe(201);
    i2 = second.json();
    expect(i2).toMatchObject({ flag_id: null, follow_up_date: null });
  });

  it('defaults the intervention date to now', async () => {
    const res = await send('POST', '/api/interventions', {
      tutor_id: 'tut-i2',
      intervention_type: 'training',
      description: 'Onboarding refresher.',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().intervention_date).toBe(NOW.toISOString());
    // Keep the fixture to I1 and I2.
    expect((await send('DELETE', `/api/interventions/${res.json().id}`, undefined, admin)).statusCode).toBe(
      204,
    );
  });

  const valid = { tutor_id: 'tut-i1', intervention_type: 'warning', description: 'Be on time.' };
  it.each([
    ['missing description', { tutor_id: 'tut-i1', intervention_type: 'warning' }, 400, 'body.description'],
    ['blank description', { ...valid, description: ' ' }, 400, 'body.description'],
    ['unknown type', { ...valid, intervention_type: 'yelling' }, 400, 'body.intervention_type'],
    ['unknown field', { ...valid, coach_id: 'x' }, 400, 'body.coach_id'],
    ['bad date', { ...valid, intervention_date: 'last tuesday' }, 400, 'body.intervention_date'],
    [
      'future date',
      { ...valid, intervention_date: at(NOW, DAY).toISOString() },
      400,
      'body.intervention_date',
    ],
    [
      'follow-up before the date',
      { ...valid, intervention_date: D1.toISOString(), follow_up_date: at(D1, -DAY).toISOString() },
      400,
      'body.follow_up_date',
    ],
    ['unknown tutor', { ...valid, tutor_id: 'tut-nobody' }, 422, 'body.tutor_id'],
    ['another tutor’s flag', { ...valid, flag_id: '' }, 422, 'body.flag_id'],
    ['unknown flag', { ...valid, flag_id: '00000000-0000-4000-8000-000000000009' }, 422, 'body.flag_id'],
  ] as const)('refuses %s and stores nothing', async (label, payload, status, field) => {
    const body = label === 'another tutor’s flag' ? { ...payload, flag_id: otherFlagId } : payload;
    const before = await countInterventions();
    const res = await send('POST', '/api/interventions', body);
    expect(res.statusCode).toBe(status);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await countInterventions()).toBe(before);
  });
});

describe('GET /api/interventions/:id', () => {
  it('gives the tutor’s metrics 30 days before and after, and suggests "improved" for fewer late joins', async () => {
    const res = await get(`/api/interventions/${i1.id}`);
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d).toMatchObject({
      id: i1.id,
      flag_type: 'tutor_late',
      after_complete: true,
      suggested_outcome: 'improved',
    });
    expect(d.metrics_before).toMatchObject({
      window_days: 30,
      window_start: at(D1, -30 * DAY).toISOString(),
      window_end: D1.toISOString(),
      total_sessions: 10,
      late_count: 5,
      late_rate: 0.5,
      avg_lateness_minutes: 15,
      no_show_count: 0,
      avg_student_rating: 4,
    });
    expect(d.metrics_after).toMatchObject({
      window_days: 30,
      window_start: D1.toISOString(),
      window_end: at(D1, 30 * DAY).toISOString(),
      total_sessions: 10,
      late_count: 1,
      late_rate: 0.1,
      avg_lateness_minutes: 25,
      avg_student_rating: 5,
    });
    expect(d.suggestion_basis.focus).toBe('tutor_late');
    expect(d.suggestion_basis.comparisons).toEqual([
      { metric: 'late_rate', better_when: 'lower', before: 0.5, after: 0.1, change: -0.4, verdict: 'better' },
    ]);
  });

  it('covers the days so far when 30 have not passed (after_complete false), and waits for data', async () => {
    const d = (await get(`/api/interventions/${i2.id}`)).json();
    expect(d.after_complete).toBe(false);
    expect(d.metrics_after).toMatchObject({
      window_start: D2.toISOString(),
      window_end: NOW.toISOString(),
      window_days: 10,
      total_sessions: 3,
    });
    expect(d.metrics_before.total_sessions).toBe(0);
    expect(d.flag_type).toBeNull();
    expect(d.suggestion_basis.focus).toBe('overall');
    expect(d.suggested_outcome).toBe('pending');
  });

  it('answers 404 for an unknown id', async () => {
    const res = await get('/api/interventions/00000000-0000-4000-8000-000000000001');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('INTERVENTION_NOT_FOUND');
  });
});

describe('GET /api/interventions', () => {
  const idsOf = (body: { data: TIntervention[] }) => body.data.map((i) => i.id);

  it('lists newest first, without metrics unless asked', async () => {
    const res = await get('/api/interventions', viewer);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(idsOf(body)).toEqual([i2.id, i1.id]);
    expect(body).toMatchObject({ total: 2, limit: 25, offset: 0 });
    expect(body.data[0].metrics_before).toBeUndefined();
    expect(body.data[1]).toMatchObject({ tutor_name: 'Ines Tutor', flag_type: 'tutor_late' });
  });

  it.each([
    ['tutor_id=tut-i1', ['i1']],
    ['flag_id=LATE', ['i1']],
    ['outcome=pending', ['i2', 'i1']],
    ['outcome=improved,worsened', []],
    ['due=true', ['i1']],
    ['closed=false', ['i2', 'i1']],
    ['closed=true', []],
    ['limit=1&offset=1', ['i1']],
  ] as const)('%s', async (query, expected) => {
    const res = await get(`/api/interventions?${query.replace('LATE', lateFlagId)}`);
    expect(res.statusCode).toBe(200);
    expect(idsOf(res.json())).toEqual(expected.map((k) => (k === 'i1' ? i1.id : i2.id)));
  });

  it('adds metrics with include_metrics=true', async () => {
    const body = (await get('/api/interventions?include_metrics=true&tutor_id=tut-i1')).json();
    expect(body.data[0]).toMatchObject({ suggested_outcome: 'improved', after_complete: true });
    expect(body.data[0].metrics_before.late_rate).toBe(0.5);
  });

  it.each(['outcome=great', 'due=maybe', 'flag_id=nope', 'limit=0'])('answers 400 for %s', async (query) => {
    const res = await get(`/api/interventions?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe(`querystring.${query.split('=')[0]}`);
  });
});

describe('PATCH /api/interventions/:id', () => {
  it('will not close an intervention whose outcome is still pending (422) and changes nothing', async () => {
    const before = await interventionRow(i1.id);
    const res = await send('PATCH', `/api/interventions/${i1.id}`, { closed: true });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'OUTCOME_REQUIRED', details: [{ path: 'body.outcome' }] });
    expect(await interventionRow(i1.id)).toEqual(before);
  });

  it('records the outcome and closes; closed lists carry before/after metrics', async () => {
    t.clock.advance(MIN);
    const res = await send('PATCH', `/api/interventions/${i1.id}`, {
      outcome: 'improved',
      outcome_notes: 'On time every session since.',
      closed: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      outcome: 'improved',
      outcome_notes: 'On time every session since.',
      closed_at: at(NOW, MIN).toISOString(),
      updated_at: at(NOW, MIN).toISOString(),
    });
    t.clock.set(NOW);
    const audit = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'intervention.update'), eq(auditLog.targetId, i1.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ outcome: { from: 'pending', to: 'improved' }, closed: true });

    const closed = (await get('/api/interventions?closed=true')).json();
    expect(closed.data.map((i: TIntervention) => i.id)).toEqual([i1.id]);
    expect(closed.data[0]).toMatchObject({
      suggested_outcome: 'improved',
      after_complete: true,
      outcome: 'improved',
    });
    expect(closed.data[0].metrics_before).toMatchObject({ total_sessions: 10, late_rate: 0.5 });
    expect(closed.data[0].metrics_after).toMatchObject({ total_sessions: 10, late_rate: 0.1 });
    expect((await get('/api/interventions?due=true')).json().data).toEqual([]);
  });

  it('will not set a closed intervention back to pending, but re-opens it on request', async () => {
    const pending = await send('PATCH', `/api/interventions/${i1.id}`, { outcome: 'pending' });
    expect(pending.statusCode).toBe(422);
    const reopened = await send('PATCH', `/api/interventions/${i1.id}`, { closed: false });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ closed_at: null, outcome: 'improved' });
    const closedAgain = await send('PATCH', `/api/interventions/${i1.id}`, { closed: true });
    expect(closedAgain.json().closed_at).toBe(NOW.toISOString());
  });

  it('checks expected_updated_at (409) and the follow-up date (400)', async () => {
    const stale = await send('PATCH', `/api/interventions/${i2.id}`, {
      outcome_notes: 'x',
      expected_updated_at: at(NOW, -DAY).toISOString(),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('INTERVENTION_STALE');
    const early = await send('PATCH', `/api/interventions/${i2.id}`, {
      follow_up_date: at(D2, -DAY).toISOString(),
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().details[0].path).toBe('body.follow_up_date');
    const empty = await send('PATCH', `/api/interventions/${i2.id}`, {});
    expect(empty.statusCode).toBe(400);
    const ok = await send('PATCH', `/api/interventions/${i2.id}`, {
      follow_up_date: at(NOW, 7 * DAY).toISOString(),
      expected_updated_at: i2.updated_at,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().follow_up_date).toBe(at(NOW, 7 * DAY).toISOString());
  });

  it('answers 404 for an unknown id', async () => {
    const res = await send('PATCH', '/api/interventions/00000000-0000-4000-8000-000000000001', {
      outcome: 'improved',
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('listForTutor (for GET /api/tutors/:id)', () => {
  it('returns the tutor’s interventions with before/after metrics', async () => {
    const list = await t.app.services.interventions.listForTutor('tut-i1');
    expect(list.map((i) => i.id)).toEqual([i1.id]);
    expect(list[0]).toMatchObject({
      suggested_outcome: 'improved',
      metrics_after: expect.objectContaining({ late_count: 1 }),
    });
  });
});

describe('who may change interventions', () => {
  it('answers 403 to viewers on every write and to coaches on delete; changes nothing', async () => {
    const before = await interventionRow(i2.id);
    const responses = await Promise.all([
      send(
        'POST',
        '/api/interventions',
        { tutor_id: 'tut-i2', intervention_type: 'warning', description: 'x' },
        viewer,
      ),
      send('PATCH', `/api/interventions/${i2.id}`, { outcome: 'worsened' }, viewer),
      send('DELETE', `/api/interventions/${i2.id}`, undefined, viewer),
      send('DELETE', `/api/interventions/${i2.id}`, undefined, coach),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
    expect(await interventionRow(i2.id)).toEqual(before);
    expect(await countInterventions()).toBe(2);
  });

  it('lets an admin delete (audited), then answers 404', async () => {
    const res = await send('DELETE', `/api/interventions/${i2.id}`, undefined, admin);
    expect(res.statusCode).toBe(204);
    expect(await interventionRow(i2.id)).toBeUndefined();
    const audit = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'intervention.delete'), eq(auditLog.targetId, i2.id)));
    expect(audit).toHaveLength(1);
    expect((await get(`/api/interventions/${i2.id}`)).statusCode).toBe(404);
    expect((await send('DELETE', `/api/interventions/${i2.id}`, undefined, admin)).statusCode).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the interventions routes with tags, summaries and response schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const [path, method, status] of [
      ['/api/interventions', 'get', '200'],
      ['/api/interventions', 'post', '201'],
      ['/api/interventions/{id}', 'get', '200'],
      ['/api/interventions/{id}', 'patch', '200'],
      ['/api/interventions/{id}', 'delete', '204'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags).toEqual(['interventions']);
      expect(op.summary).toBeTruthy();
      expect(op.responses[status]).toBeDefined();
    }
    expect(doc.components.schemas.InterventionDetail).toBeDefined();
  });
});
