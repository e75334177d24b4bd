/**
 * Flags API through HTTP on the real database: the inbox (filters, triage order, pagination), a flag's detail,
 * and the state machine a coach drives (resolve with an intervention, dismiss, take / put back, re-open), with
 * the audit log, flag history and stored events checked in the database.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TFlag } from '@tutorpulse/contracts/quality';
import {
  auditLog,
  events,
  flagEvents,
  flags,
  interventions,
  sessions,
  students,
  tutors,
} from '../src/db/schema/index';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

let t: TestApp;
let admin: Session;
let coach: Session;
let coach2: Session;
let viewer: Session;

const NOW = new Date('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

type FlagSeed = {
  tutorId: string;
  type: TFlag['flag_type'];
  severity: TFlag['severity'];
  status?: TFlag['status'];
  firstSeen: Date;
  sessions?: string[];
  assignedTo?: string | null;
};

async function insertFlag(f: FlagSeed): Promise<string> {
  const db = t.rt.database.db;
  const [row] = await db
    .insert(flags)
    .values({
      tutorId: f.tutorId,
      sessionId: f.sessions?.[0] ?? null,
      flagType: f.type,
      severity: f.severity,
      title: `${f.type} for ${f.tutorId}`,
      description: `Planted ${f.type}`,
      recommendedAction: 'Talk to the tutor.',
      supportingData: { sessions: f.sessions ?? [], metrics: { planted: 1 } },
      status: f.status ?? 'open',
      assignedTo: f.assignedTo ?? null,
      firstSeenAt: f.firstSeen,
      lastSeenAt: f.firstSeen,
      resolvedAt: f.status === 'resolved' || f.status === 'dismissed' ? ago(HOUR) : null,
      createdAt: f.firstSeen,
      updatedAt: f.firstSeen,
    })
    .returning({ id: flags.id });
  await db
    .insert(flagEvents)
    .values({ flagId: row!.id, at: f.firstSeen, action: 'raised', actorLabel: 'system' });
  return row!.id;
}

async function insertSession(platformId: string, tutorId: string, start: Date, joinLateMin = 0) {
  await t.rt.database.db.insert(sessions).values({
    sessionId: platformId,
    tutorId,
    studentId: 'stu-f1',
    sessionStartTime: start,
    sessionEndTime: new Date(start.getTime() + HOUR),
    tutorJoinTime: new Date(start.getTime() + joinLateMin * 60_000),
    studentJoinTime: start,
    tutorLeaveTime: new Date(start.getTime() + HOUR),
    studentLeaveTime: new Date(start.getTime() + HOUR),
    subjectsCovered: ['algebra-1'],
    sessionLengthScheduled: 60,
    contentHash: `hash-${platformId}`,
    processingStatus: 'processed',
  });
}

const get = (url: string, s: Session = coach) => t.app.inject({ method: 'GET', url, headers: bearer(s) });
const send = (method: 'POST' | 'PATCH', url: string, payload: unknown, s: Session = coach) =>
  t.app.inject({
    method,
    url,
    headers: bearer(s),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const flagRow = async (id: string) =>
  (await t.rt.database.db.select().from(flags).where(eq(flags.id, id)))[0]!;

const ids = {} as Record<'f1' | 'f2' | 'f3' | 'f4' | 'f5' | 'f6', string>;

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString(), loginRateLimitPerMinute: 1000 });
  await createUser(t, { email: 'admin@flags.test', role: 'admin' });
  await createUser(t, { email: 'coach@flags.test', role: 'coach' });
  await createUser(t, { email: 'coach2@flags.test', role: 'coach' });
  await createUser(t, { email: 'viewer@flags.test', role: 'viewer' });
  admin = await login(t, 'admin@flags.test');
  coach = await login(t, 'coach@flags.test');
  coach2 = await login(t, 'coach2@flags.test');
  viewer = await login(t, 'viewer@flags.test');
  const db = t.rt.database.db;
  await db.insert(tutors).values([
    { id: 'tut-f1', name: 'Alice Tutor' },
    { id: 'tut-f2', name: 'Bob Tutor' },
  ]);
  await db.insert(students).values({ id: 'stu-f1', name: 'Sam Student' });
  await insertSession('ses-f1', 'tut-f1', ago(3 * DAY), 15);
  await insertSession('ses-f2', 'tut-f1', ago(2 * DAY), 25);
  // A current 30-day score for Alice, as tier 1 would leave it (two sessions raise no pattern flag).
  const rescored = await t.app.services.scores.rescore(['tut-f1']);
  expect(rescored.flags).toEqual([]);

  // Planted inbox: three critical flags of different ages, one high, one medium, one resolved.
  ids.f1 = await insertFlag({
    tutorId: 'tut-f1',
    type: 'tutor_late',
    severity: 'medium',
    firstSeen: ago(3 * DAY),
    sessions: ['ses-f2', 'ses-f1'],
  });
  ids.f2 = await insertFlag({
    tutorId: 'tut-f1',
    type: 'tutor_no_show',
    severity: 'critical',
    firstSeen: ago(1 * DAY),
  });
  ids.f3 = await insertFlag({
    tutorId: 'tut-f2',
    type: 'chronic_lateness',
    severity: 'high',
    firstSeen: ago(5 * DAY),
  });
  ids.f4 = await insertFlag({
    tutorId: 'tut-f2',
    type: 'tutor_no_show',
    severity: 'critical',
    status: 'in_progress',
    firstSeen: ago(2 * DAY),
    assignedTo: coach.userId,
  });
  ids.f5 = await insertFlag({
    tutorId: 'tut-f1',
    type: 'high_reschedule_rate',
    severity: 'high',
    status: 'resolved',
    firstSeen: ago(10 * DAY),
  });
  ids.f6 = await insertFlag({
    tutorId: 'tut-f2',
    type: 'session_ended_early',
    severity: 'critical',
    firstSeen: ago(4 * DAY),
  });
});
afterAll(() => t?.close());

describe('GET /api/flags', () => {
  it('sorts for triage by default: active first, then severity, then oldest first, with tutor names', async () => {
    const res = await get('/api/flags');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(6);
    expect(body.limit).toBe(25);
    expect(body.offset).toBe(0);
    expect(body.data.map((f: TFlag) => f.id)).toEqual([ids.f6, ids.f4, ids.f2, ids.f3, ids.f1, ids.f5]);
    expect(body.data[0]).toMatchObject({ tutor_id: 'tut-f2', tutor_name: 'Bob Tutor', severity: 'critical' });
  });

  it.each([
    ['status=open', ['f6', 'f2', 'f3', 'f1']],
    ['status=open,in_progress', ['f6', 'f4', 'f2', 'f3', 'f1']],
    ['status=resolved', ['f5']],
    ['severity=critical', ['f6', 'f4', 'f2']],
    ['severity=high,medium', ['f3', 'f1', 'f5']],
    ['type=tutor_no_show', ['f4', 'f2']],
    ['tutor_id=tut-f1', ['f2', 'f1', 'f5']],
    ['tutor_id=tut-f2&severity=critical&status=open', ['f6']],
    ['assigned_to=me', ['f4']],
    ['assigned_to=none&tutor_id=tut-f2', ['f6', 'f3']],
    [`since=${ago(2 * DAY).toISOString()}`, ['f4', 'f2']],
    ['since=2026-11-17', ['f4', 'f2', 'f1']],
    ['sort=newest', ['f2', 'f4', 'f1', 'f6', 'f3', 'f5']],
    ['sort=oldest&status=open', ['f3', 'f6', 'f1', 'f2']],
  ] as const)('%s', async (query, expected) => {
    const res = await get(`/api/flags?${query}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.map((f: TFlag) => f.id)).toEqual(expected.map((k) => ids[k]));
    expect(body.total).toBe(expected.length);
  });

  it('paginates with a stable order and the full total', async () => {
    const res = await get('/api/flags?limit=2&offset=2');
    expect(res.json()).toMatchObject({ total: 6, limit: 2, offset: 2 });
    expect(res.json().data.map((f: TFlag) => f.id)).toEqual([ids.f2, ids.f3]);
  });

  it('assigned_to=another coach finds nothing of theirs', async () => {
    const res = await get(`/api/flags?assigned_to=${coach2.userId}`);
    expect(res.json()).toMatchObject({ total: 0, data: [] });
  });

  it.each([
    ['status=bogus', 'querystring.status'],
    ['severity=critical,extreme', 'querystring.severity'],
    ['limit=1000', 'querystring.limit'],
    ['sort=random', 'querystring.sort'],
    ['since=yesterday', 'querystring.since'],
    ['assigned_to=bob', 'querystring.assigned_to'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await get(`/api/flags?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('lets a viewer read', async () => {
    expect((await get('/api/flags', viewer)).statusCode).toBe(200);
    expect((await get(`/api/flags/${ids.f1}`, viewer)).statusCode).toBe(200);
  });
});

describe('GET /api/flags/:id', () => {
  it('returns the flag with its tutor, current score, supporting sessions, interventions and history', async () => {
    const res = await get(`/api/flags/${ids.f1}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.flag).toMatchObject({ id: ids.f1, flag_type: 'tutor_late', tutor_name: 'Alice Tutor' });
    expect(body.tutor).toMatchObject({ tutor_id: 'tut-f1', name: 'Alice Tutor' });
    expect(body.tutor.current_score).toMatchObject({
      tutor_id: 'tut-f1',
      window_days: 30,
      total_sessions: 2,
    });
    expect(body.related_sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      'ses-f2',
      'ses-f1',
    ]);
    expect(body.related_sessions[0]).toMatchObject({
      tutor_name: 'Alice Tutor',
      student_name: 'Sam Student',
    });
    expect(body.interventions).toEqual([]);
    expect(body.history).toEqual([
      expect.objectContaining({ action: 'raised', actor_label: 'system', at: ago(3 * DAY).toISOString() }),
    ]);
  });

  it('gives a null score to a tutor never scored', async () => {
    const res = await get(`/api/flags/${ids.f3}`);
    expect(res.json().tutor).toEqual({ tutor_id: 'tut-f2', name: 'Bob Tutor', current_score: null });
    expect(res.json().related_sessions).toEqual([]);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await get('/api/flags/00000000-0000-4000-8000-000000000001');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('FLAG_NOT_FOUND');
    const bad = await get('/api/flags/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('params.id');
  });
});

describe('POST /api/flags/:id/resolve', () => {
  it('resolves, records the intervention in the same change, the history, the audit entry and the event', async () => {
    const followUp = new Date(NOW.getTime() + 14 * DAY).toISOString();
    const res = await send('POST', `/api/flags/${ids.f1}/resolve`, {
      resolution_notes: 'Talked it through; calendar reminders set.',
      coach_agreed: true,
      intervention_type: 'coaching_session',
      follow_up_date: followUp,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.flag).toMatchObject({
      id: ids.f1,
      status: 'resolved',
      resolved_at: NOW.toISOString(),
      resolved_by: coach.userId,
      resolution_notes: 'Talked it through; calendar reminders set.',
      coach_agreed: true,
      updated_at: NOW.toISOString(),
    });
    expect(body.intervention).toMatchObject({
      flag_id: ids.f1,
      tutor_id: 'tut-f1',
      tutor_name: 'Alice Tutor',
      intervention_type: 'coaching_session',
      description: 'Talked it through; calendar reminders set.',
      coach_id: coach.userId,
      coach_label: 'coach@flags.test',
      intervention_date: NOW.toISOString(),
      follow_up_date: followUp,
      outcome: 'pending',
      closed_at: null,
    });

    const db = t.rt.database.db;
    const stored = await db.select().from(interventions).where(eq(interventions.flagId, ids.f1));
    expect(stored).toHaveLength(1);
    const history = await db
      .select()
      .from(flagEvents)
      .where(eq(flagEvents.flagId, ids.f1))
      .orderBy(asc(flagEvents.id));
    expect(history.map((h) => h.action)).toEqual(['raised', 'resolved']);
    expect(history[1]).toMatchObject({ actorId: coach.userId, actorLabel: 'coach@flags.test' });
    expect(history[1]!.details).toMatchObject({
      coach_agreed: true,
      intervention_id: body.intervention.id,
      from: 'open',
    });
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'flag.resolve'), eq(auditLog.targetId, ids.f1)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: coach.userId, outcome: 'success', targetType: 'flag' });
    const evts = await db.select().from(events).where(eq(events.type, 'flag.updated'));
    expect(evts.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ flag_id: ids.f1, status: 'resolved' }),
    );
    const changed = await db.select().from(events).where(eq(events.type, 'intervention.changed'));
    expect(changed.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({ intervention_id: body.intervention.id, action: 'created' }),
    );

    const detail = (await get(`/api/flags/${ids.f1}`)).json();
    expect(detail.interventions.map((i: { id: string }) => i.id)).toEqual([body.intervention.id]);
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['raised', 'resolved']);
  });

  it('refuses to resolve or dismiss it again (409) and changes nothing', async () => {
    const before = await flagRow(ids.f1);
    t.clock.advance(60_000);
    const again = await send('POST', `/api/flags/${ids.f1}/resolve`, {
      resolution_notes: 'again',
      coach_agreed: false,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'FLAG_ALREADY_CLOSED', details: { status: 'resolved' } });
    const dismiss = await send('POST', `/api/flags/${ids.f1}/dismiss`, {});
    expect(dismiss.statusCode).toBe(409);
    expect(await flagRow(ids.f1)).toEqual(before);
    t.clock.set(NOW);
  });

  it.each([
    ['missing notes', { coach_agreed: true }, 'body.resolution_notes'],
    ['blank notes', { resolution_notes: '   ', coach_agreed: true }, 'body.resolution_notes'],
    ['notes too long', { resolution_notes: 'x'.repeat(5001), coach_agreed: true }, 'body.resolution_notes'],
    ['missing coach_agreed', { resolution_notes: 'ok' }, 'body.coach_agreed'],
    ['coach_agreed not boolean', { resolution_notes: 'ok', coach_agreed: 'yes' }, 'body.coach_agreed'],
    [
      'unknown intervention type',
      { resolution_notes: 'ok', coach_agreed: true, intervention_type: 'shouting' },
      'body.intervention_type',
    ],
    [
      'description without type',
      { resolution_notes: 'ok', coach_agreed: true, intervention_description: 'x' },
      'body.intervention_description',
    ],
    ['unknown field', { resolution_notes: 'ok', coach_agreed: true, surprise: 1 }, 'body.surprise'],
    [
      'follow-up in the past',
      {
        resolution_notes: 'ok',
        coach_agreed: true,
        intervention_type: 'warning',
        follow_up_date: '2026-11-01T00:00:00Z',
      },
      'body.follow_up_date',
    ],
  ])('answers 400 naming the field and changes nothing: %s', async (_label, payload, field) => {
    const before = await flagRow(ids.f2);
    const count = (await t.rt.database.db.select().from(interventions)).length;
    const res = await send('POST', `/api/flags/${ids.f2}/resolve`, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await flagRow(ids.f2)).toEqual(before);
    expect(await t.rt.database.db.select().from(interventions)).toHaveLength(count);
  });

  it('answers 404 for an unknown flag', async () => {
    const res = await send('POST', '/api/flags/00000000-0000-4000-8000-000000000001/resolve', {
      resolution_notes: 'n',
      coach_agreed: true,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /api/flags/:id/dismiss', () => {
  it('dismisses with notes (coach_agreed false), with history and audit', async () => {
    const res = await send('POST', `/api/flags/${ids.f3}/dismiss`, {
      notes: 'Platform clock drift, not the tutor.',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: ids.f3,
      status: 'dismissed',
      coach_agreed: false,
      resolution_notes: 'Platform clock drift, not the tutor.',
      resolved_by: coach.userId,
    });
    const db = t.rt.database.db;
    const history = await db.select().from(flagEvents).where(eq(flagEvents.flagId, ids.f3));
    expect(history.map((h) => h.action)).toEqual(['raised', 'dismissed']);
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'flag.dismiss'), eq(auditLog.targetId, ids.f3)));
    expect(audit).toHaveLength(1);
  });

  it('accepts no body at all', async () => {
    const id = await insertFlag({
      tutorId: 'tut-f2',
      type: 'poor_first_session',
      severity: 'high',
      firstSeen: ago(HOUR),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/flags/${id}/dismiss`,
      headers: bearer(admin),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'dismissed',
      resolution_notes: null,
      resolved_by: admin.userId,
    });
  });
});

describe('PATCH /api/flags/:id', () => {
  it('takes a flag (in progress, assigned to the caller) and puts it back (open, unassigned)', async () => {
    const take = await send('PATCH', `/api/flags/${ids.f2}`, { status: 'in_progress' }, coach2);
    expect(take.statusCode).toBe(200);
    expect(take.json()).toMatchObject({ status: 'in_progress', assigned_to: coach2.userId });
    const back = await send('PATCH', `/api/flags/${ids.f2}`, { status: 'open' }, coach2);
    expect(back.json()).toMatchObject({ status: 'open', assigned_to: null });
    const assign = await send('PATCH', `/api/flags/${ids.f2}`, { assigned_to: coach.userId }, admin);
    expect(assign.json()).toMatchObject({ status: 'open', assigned_to: coach.userId });

    const db = t.rt.database.db;
    const history = await db
      .select()
      .from(flagEvents)
      .where(eq(flagEvents.flagId, ids.f2))
      .orderBy(asc(flagEvents.id));
    expect(history.map((h) => h.action)).toEqual(['raised', 'assigned', 'assigned', 'assigned']);
    expect(history[1]!.details).toEqual({
      status: { from: 'open', to: 'in_progress' },
      assigned_to: { from: null, to: coach2.userId },
    });
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'flag.update'), eq(auditLog.targetId, ids.f2)));
    expect(audit).toHaveLength(3);
  });

  it('checks expected_updated_at (409 FLAG_STALE when someone else changed it)', async () => {
    const current = (await get(`/api/flags/${ids.f2}`)).json().flag as TFlag;
    const stale = await send('PATCH', `/api/flags/${ids.f2}`, {
      status: 'in_progress',
      expected_updated_at: ago(DAY).toISOString(),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'FLAG_STALE', details: { updated_at: current.updated_at } });
    t.clock.advance(1_000);
    const fresh = await send('PATCH', `/api/flags/${ids.f2}`, {
      status: 'in_progress',
      expected_updated_at: current.updated_at,
    });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().updated_at).toBe(new Date(NOW.getTime() + 1_000).toISOString());
    t.clock.set(NOW);
  });

  it('re-opens a resolved flag when the tutor has no other open flag of that type', async () => {
    const res = await send('PATCH', `/api/flags/${ids.f5}`, { status: 'open' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'open',
      resolved_at: null,
      resolved_by: null,
      coach_agreed: null,
    });
    const history = await t.rt.database.db.select().from(flagEvents).where(eq(flagEvents.flagId, ids.f5));
    expect(history.map((h) => h.action)).toContain('reopened');
  });

  it('refuses to re-open when another open flag of that tutor and type exists (409) and changes nothing', async () => {
    const resolved = await send('POST', `/api/flags/${ids.f2}/resolve`, {
      resolution_notes: 'done',
      coach_agreed: true,
    });
    expect(resolved.statusCode).toBe(200);
    const newer = await insertFlag({
      tutorId: 'tut-f1',
      type: 'tutor_no_show',
      severity: 'critical',
      firstSeen: ago(HOUR),
    });
    const before = await flagRow(ids.f2);
    const res = await send('PATCH', `/api/flags/${ids.f2}`, { status: 'in_progress' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'FLAG_OPEN_DUPLICATE', details: { open_flag_id: newer } });
    expect(res.json().error).toMatch(/already has an open flag/);
    expect(await flagRow(ids.f2)).toEqual(before);
  });

  it('refuses to assign a closed flag without re-opening it', async () => {
    const res = await send('PATCH', `/api/flags/${ids.f3}`, { assigned_to: coach.userId });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('FLAG_ALREADY_CLOSED');
  });

  it.each([
    [{}, 'body'],
    [{ status: 'resolved' }, 'body.status'],
    [{ assigned_to: 'bob' }, 'body.assigned_to'],
    [{ status: 'open', extra: true }, 'body.extra'],
  ])('answers 400 for %j', async (payload, field) => {
    const res = await send('PATCH', `/api/flags/${ids.f6}`, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('answers 422 for an assignee that does not exist', async () => {
    const before = await flagRow(ids.f6);
    const res = await send('PATCH', `/api/flags/${ids.f6}`, {
      assigned_to: '00000000-0000-4000-8000-00000000000f',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0].path).toBe('body.assigned_to');
    expect(await flagRow(ids.f6)).toEqual(before);
  });
});

describe('viewers see but cannot act', () => {
  it('answers 403 to every write and changes nothing', async () => {
    const before = await flagRow(ids.f6);
    const attempts = [
      send('POST', `/api/flags/${ids.f6}/resolve`, { resolution_notes: 'n', coach_agreed: true }, viewer),
      send('POST', `/api/flags/${ids.f6}/dismiss`, {}, viewer),
      send('PATCH', `/api/flags/${ids.f6}`, { status: 'in_progress' }, viewer),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect(await flagRow(ids.f6)).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('documents every flags route with tags, a summary and a response schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const [path, method] of [
      ['/api/flags', 'get'],
      ['/api/flags/{id}', 'get'],
      ['/api/flags/{id}/resolve', 'post'],
      ['/api/flags/{id}/dismiss', 'post'],
      ['/api/flags/{id}', 'patch'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags).toEqual(['flags']);
      expect(op.summary).toBeTruthy();
      expect(op.responses['200']).toBeDefined();
    }
    expect(doc.paths['/api/flags'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'status',
        'severity',
        'type',
        'tutor_id',
        'assigned_to',
        'since',
        'sort',
        'limit',
        'offset',
      ]),
    );
    expect(doc.components.schemas.FlagDetail).toBeDefined();
    expect(
      doc.components.schemas.ResolveFlagRequestInput ?? doc.components.schemas.ResolveFlagRequest,
    ).toBeDefined();
  });
});
