/**
 * Session ingestion end to end on the real database and queue: the signed webhook, REST ingestion with an
 * API key, idempotency (replays, re-sends, concurrent duplicates), corrections, the list endpoint and the
 * sweeper. Workers are not started: a capturing tier 1 handler records the jobs instead of scoring, which
 * also leaves sessions `received` the way a lost job would.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { and, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { BODY_LIMIT_BYTES } from '../src/app';
import {
  auditLog,
  events,
  reschedules,
  sessions,
  students,
  tutors,
  webhookDeliveries,
} from '../src/db/schema/index';
import { createDatabase } from '../src/db/client';
import { createSessionJobs } from '../src/modules/sessions/sessions.jobs';
import type { JobOptions } from '../src/platform/queue/port';
import { runHousekeeping } from '../src/workers';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_WEBHOOK_SECRET,
  type Session,
  type TestApp,
} from './helpers/build-app';
import { signWebhook } from './helpers/webhooks';

const WEBHOOK_URL = '/api/webhooks/session-completed';
const OTHER_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ==';
const MINUTE = 60_000;

let t: TestApp;
let admin: Session;
let coach: Session;
let viewer: Session;
let tutorUser: Session;
let operatorKey: string;
let coachKey: string;
type CapturedJob = { id: string; sessionId: string; version: number };
const jobs: CapturedJob[] = [];
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-20T12:00:00Z' });
  await createUser(t, { email: 'admin@ingest.test', role: 'admin' });
  await createUser(t, { email: 'coach@ingest.test', role: 'coach' });
  await createUser(t, { email: 'viewer@ingest.test', role: 'viewer' });
  await createUser(t, { email: 'tutor@ingest.test', role: 'tutor', tutorId: 'tut-own' });
  admin = await login(t, 'admin@ingest.test');
  coach = await login(t, 'coach@ingest.test');
  viewer = await login(t, 'viewer@ingest.test');
  tutorUser = await login(t, 'tutor@ingest.test');
  const key = async (role: string) => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: `${role} ingest`, role },
    });
    expect(r.statusCode).toBe(201);
    return r.json().key as string;
  };
  operatorKey = await key('operator');
  coachKey = await key('coach');
  // Stands in for tier 1: records the job and leaves the session `received`.
  await t.rt.queue.work({
    'quality.tier1': async (payload, ctx) => {
      jobs.push({ id: ctx.id, ...payload });
    },
  });
});
afterAll(() => t?.close());

/** A valid payload with a unique session id; times relative to the test clock's day. */
function payload(changes: Partial<TWebhookPayload> = {}): TWebhookPayload {
  seq += 1;
  return {
    session_id: `ses_${seq}_${Math.random().toString(36).slice(2, 8)}`,
    tutor_id: 'tut_a',
    student_id: 'stu_a',
    session_start_time: '2026-11-20T09:00:00Z',
    session_end_time: '2026-11-20T10:00:00Z',
    tutor_join_time: '2026-11-20T09:02:00Z',
    student_join_time: '2026-11-20T09:00:30Z',
    tutor_leave_time: '2026-11-20T10:00:00Z',
    student_leave_time: '2026-11-20T10:00:00Z',
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 5, description: 'Great' },
    ...changes,
  };
}

type DeliverOptions = {
  id?: string;
  timestamp?: Date;
  secret?: string;
  headers?: Record<string, string | undefined>;
};

function deliver(body: unknown, opts: DeliverOptions = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signed = signWebhook(raw, opts.secret ?? TEST_WEBHOOK_SECRET, {
    ...(opts.id ? { id: opts.id } : {}),
    timestamp: opts.timestamp ?? t.clock.now(),
  });
  const headers = Object.fromEntries(
    Object.entries({ ...signed, ...opts.headers }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return t.app.inject({ method: 'POST', url: WEBHOOK_URL, headers, payload: raw });
}

const db = () => t.rt.database.db;

async function rowOf(sessionId: string) {
  const [row] = await db().select().from(sessions).where(eq(sessions.sessionId, sessionId));
  return row;
}
async function countRows(sessionId: string) {
  const [r] = await db().select({ n: count() }).from(sessions).where(eq(sessions.sessionId, sessionId));
  return r!.n;
}
async function countDeliveries(sessionId: string) {
  const [r] = await db()
    .select({ n: count() })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.sessionId, sessionId));
  return r!.n;
}
async function jobsFor(rowId: string) {
  await t.rt.queue.whenIdle({ timeoutMs: 10_000 });
  return jobs.filter((j) => j.sessionId === rowId).map((j) => j.id);
}
/** Records every enqueue's job options (id, priority) while `fn` runs. */
async function recordingAdds<T>(fn: () => Promise<T>) {
  const adds: Array<{ name: string; opts: JobOptions | undefined }> = [];
  const { add, addBulk } = t.rt.queue;
  t.rt.queue.add = (async (name, p, o) => {
    adds.push({ name, opts: o });
    return add(name, p, o);
  }) as typeof add;
  t.rt.queue.addBulk = (async (list) => {
    for (const j of list) adds.push({ name: j.name, opts: j.opts });
    return addBulk(list);
  }) as typeof addBulk;
  try {
    return { result: await fn(), adds };
  } finally {
    Object.assign(t.rt.queue, { add, addBulk });
  }
}

/** Makes the queue refuse every enqueue while `fn` runs (Redis down). */
async function withQueueDown<T>(fn: () => Promise<T>): Promise<T> {
  const { add, addBulk } = t.rt.queue;
  const refuse = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  };
  Object.assign(t.rt.queue, { add: refuse, addBulk: refuse });
  try {
    return await fn();
  } finally {
    Object.assign(t.rt.queue, { add, addBulk });
  }
}

describe('POST /api/webhooks/session-completed', () => {
  it('stores a signed session as received, creates its tutor and student, enqueues tier 1 and answers 202', async () => {
    const p = payload({ tutor_id: 'tut_new_1', student_id: 'stu_new_1' });
    const res = await deliver(p);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      success: true,
      session_id: p.session_id,
      queued: true,
      estimated_processing_time: '60 seconds',
    });
    const row = (await rowOf(p.session_id))!;
    expect(row).toMatchObject({
      processingStatus: 'received',
      version: 1,
      tutorId: 'tut_new_1',
      studentId: 'stu_new_1',
      sessionLengthScheduled: 60,
      sessionLengthActual: 58,
      studentFeedbackRating: 5,
    });
    expect(row.receivedAt.toISOString()).toBe(t.clock.now().toISOString());
    const [tutor] = await db().select().from(tutors).where(eq(tutors.id, 'tut_new_1'));
    const [student] = await db().select().from(students).where(eq(students.id, 'stu_new_1'));
    expect(tutor?.name).toBe('Tutor tut_new_1');
    expect(student?.name).toBe('Student stu_new_1');
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`]);
    expect(jobs.find((j) => j.sessionId === row.id)).toMatchObject({ version: 1 });
    const stored = await db().select().from(events).where(eq(events.type, 'session.received'));
    expect(stored.map((e) => e.payload)).toContainEqual({
      session_id: p.session_id,
      tutor_id: 'tut_new_1',
      version: 1,
    });
    expect(stored[0]!.audience).toEqual(['admin', 'coach', 'viewer']);
  });

  it('keeps existing tutors and students as they are', async () => {
    await db().insert(tutors).values({ id: 'tut_known', name: 'Ada Lovelace' });
    const p = payload({ tutor_id: 'tut_known' });
    expect((await deliver(p)).statusCode).toBe(202);
    const [tutor] = await db().select().from(tutors).where(eq(tutors.id, 'tut_known'));
    expect(tutor?.name).toBe('Ada Lovelace');
  });

  it('gives first sessions priority 1 and others priority 5', async () => {
    const first = payload({ is_first_session: true });
    const other = payload();
    const { adds } = await recordingAdds(async () => {
      expect((await deliver(first)).statusCode).toBe(202);
      expect((await deliver(other)).statusCode).toBe(202);
    });
    expect(adds.map((a) => [a.name, a.opts?.priority])).toEqual([
      ['quality.tier1', 1],
      ['quality.tier1', 5],
    ]);
  });

  describe('refuses a bad signature with 401 and stores nothing', () => {
    const now = () => t.clock.now().getTime();
    it.each<{ name: string; opts: () => DeliverOptions; tamper?: boolean }>([
      { name: 'no webhook-id', opts: () => ({ headers: { 'webhook-id': undefined } }) },
      { name: 'no webhook-timestamp', opts: () => ({ headers: { 'webhook-timestamp': undefined } }) },
      { name: 'no webhook-signature', opts: () => ({ headers: { 'webhook-signature': undefined } }) },
      { name: 'another secret', opts: () => ({ secret: OTHER_SECRET }) },
      { name: 'a tampered body', opts: () => ({}), tamper: true },
      { name: 'a stale timestamp (6 min)', opts: () => ({ timestamp: new Date(now() - 6 * MINUTE) }) },
      { name: 'a future timestamp (6 min)', opts: () => ({ timestamp: new Date(now() + 6 * MINUTE) }) },
      { name: 'a garbage signature', opts: () => ({ headers: { 'webhook-signature': 'v1,bm9wZQ==' } }) },
    ])('$name', async ({ opts, tamper }) => {
      const p = payload();
      const o = opts();
      let res;
      if (tamper) {
        const raw = JSON.stringify(p);
        const headers = signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() });
        res = await t.app.inject({
          method: 'POST',
          url: WEBHOOK_URL,
          headers,
          payload: raw.replace('"is_first_session":false', '"is_first_session":true'),
        });
      } else {
        res = await deliver(p, o);
      }
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'INVALID_SIGNATURE', error: expect.any(String) });
      expect(await countRows(p.session_id)).toBe(0);
      expect(await countDeliveries(p.session_id)).toBe(0);
    });

    it('checks the signature before the body: unsigned garbage is 401, not 400', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: WEBHOOK_URL,
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('INVALID_SIGNATURE');
    });

    it('is not behind a login: credentials do not replace the signature', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: WEBHOOK_URL,
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: JSON.stringify(payload()),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('INVALID_SIGNATURE');
    });
  });

  describe('refuses bad input with 4xx, naming the field, and stores nothing', () => {
    it('malformed JSON (signed) → 400 INVALID_JSON', async () => {
      const res = await deliver('{"session_id": "ses_broken",');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'INVALID_JSON',
        error: expect.stringContaining('Malformed JSON'),
      });
      expect(await countRows('ses_broken')).toBe(0);
    });

    it('an empty body (signed) → 400 INVALID_JSON', async () => {
      const res = await deliver('');
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('INVALID_JSON');
    });

    it.each<{ name: string; body: (p: TWebhookPayload) => unknown; field: string }>([
      { name: 'an unknown field', body: (p) => ({ ...p, coach_notes: 'x' }), field: 'body.coach_notes' },
      {
        name: 'a wrong type',
        body: (p) => ({ ...p, is_first_session: 'yes' }),
        field: 'body.is_first_session',
      },
      {
        name: 'a missing field',
        body: ({ tutor_id: _t, ...rest }) => rest,
        field: 'body.tutor_id',
      },
      {
        name: 'a time without offset',
        body: (p) => ({ ...p, session_start_time: '2026-11-20T09:00:00' }),
        field: 'body.session_start_time',
      },
      {
        name: 'an end before the start',
        body: (p) => ({ ...p, session_end_time: '2026-11-20T08:00:00Z' }),
        field: 'body.session_end_time',
      },
      {
        name: 'a rating out of range',
        body: (p) => ({ ...p, student_feedback: { rating: 9, description: '' } }),
        field: 'body.student_feedback.rating',
      },
      {
        name: 'an id with a slash',
        body: (p) => ({ ...p, tutor_id: 'tut/../x' }),
        field: 'body.tutor_id',
      },
    ])('$name → 400 naming $field', async ({ body, field }) => {
      const p = payload();
      const res = await deliver(body(p));
      expect(res.statusCode).toBe(400);
      const json = res.json();
      expect(json.code).toBe('VALIDATION_FAILED');
      expect(json.details.map((d: { path: string }) => d.path)).toContain(field);
      expect(json.error).toContain(field);
      expect(await countRows(p.session_id)).toBe(0);
      expect(await countDeliveries(p.session_id)).toBe(0);
    });

    it('an oversized body → 413', async () => {
      const p = payload({ ai_summary: 'x'.repeat(BODY_LIMIT_BYTES) });
      const res = await deliver(p);
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countRows(p.session_id)).toBe(0);
    });

    it('another content type → 415', async () => {
      const res = await deliver(payload(), { headers: { 'content-type': 'text/plain' } });
      expect(res.statusCode).toBe(415);
    });
  });

  describe('idempotency', () => {
    it('answers a replayed webhook-id exactly as the first time and changes nothing', async () => {
      const p = payload();
      const first = await deliver(p, { id: 'msg_replay_1' });
      expect(first.statusCode).toBe(202);
      const before = (await rowOf(p.session_id))!;
      t.clock.advance(MINUTE);
      const again = await deliver(p, { id: 'msg_replay_1' });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toEqual(first.json());
      // Even a different body under a seen id is a replay of that id.
      const other = await deliver(
        { ...p, student_feedback: { rating: 1, description: 'Bad' } },
        { id: 'msg_replay_1' },
      );
      expect(other.json()).toEqual(first.json());
      // A replay naming other people creates nobody, alone or next to a first delivery in the same group.
      const [alone, beside] = await Promise.all([
        deliver(
          { ...p, tutor_id: 'tut_only_in_replay', student_id: 'stu_only_in_replay' },
          { id: 'msg_replay_1' },
        ),
        deliver(payload({ tutor_id: 'tut_beside_replay' }), { id: 'msg_replay_2' }),
      ]);
      expect(alone.json()).toEqual(first.json());
      expect(beside.statusCode).toBe(202);
      const people = await db()
        .select({ id: tutors.id })
        .from(tutors)
        .where(inArray(tutors.id, ['tut_only_in_replay', 'tut_beside_replay']));
      expect(people).toEqual([{ id: 'tut_beside_replay' }]);
      const [studentCount] = await db()
        .select({ n: count() })
        .from(students)
        .where(eq(students.id, 'stu_only_in_replay'));
      expect(studentCount!.n).toBe(0);
      expect(await rowOf(p.session_id)).toEqual(before);
      expect(await jobsFor(before.id)).toEqual([`tier1:${before.id}:v1`]);
      expect(await countDeliveries(p.session_id)).toBe(1);
    });

    it('leaves a session alone when the same content arrives under a new webhook-id (in any key order)', async () => {
      const p = payload();
      expect((await deliver(p)).statusCode).toBe(202);
      const before = (await rowOf(p.session_id))!;
      t.clock.advance(MINUTE);
      const reordered = Object.fromEntries(Object.entries(p).reverse());
      const res = await deliver(reordered, { id: 'msg_reordered_1' });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ success: true, session_id: p.session_id, queued: true });
      expect(await rowOf(p.session_id)).toEqual(before);
      expect(await jobsFor(before.id)).toEqual([`tier1:${before.id}:v1`]);
      const [delivery] = await db()
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.webhookId, 'msg_reordered_1'));
      expect(delivery?.outcome).toBe('unchanged');
    });

    it('applies a corrected re-send as version 2, back to received, with a new tier 1 job', async () => {
      const p = payload({
        was_rescheduled: true,
        rescheduled_by: 'tutor',
        reschedule: {
          initiator: 'tutor',
          original_time: '2026-11-19T09:00:00Z',
          new_time: '2026-11-20T09:00:00Z',
          reason: 'conflict',
          reason_code: 'schedule_conflict',
          cancelled_at: '2026-11-18T21:00:00Z',
        },
      });
      expect((await deliver(p)).statusCode).toBe(202);
      const v1 = (await rowOf(p.session_id))!;
      const [r1] = await db().select().from(reschedules).where(eq(reschedules.sessionId, v1.id));
      expect(r1).toMatchObject({
        initiator: 'tutor',
        reasonCode: 'schedule_conflict',
        hoursBeforeSession: 12,
      });
      await t.app.services.sessions.markProcessed(v1.id, 1, t.clock.now());

      t.clock.advance(MINUTE);
      const corrected = { ...p, student_feedback: { rating: 2, description: 'Tutor was late' } };
      delete (corrected as Partial<TWebhookPayload>).reschedule;
      const res = await deliver(corrected);
      expect(res.statusCode).toBe(202);
      expect(res.json().queued).toBe(true);
      const v2 = (await rowOf(p.session_id))!;
      expect(v2).toMatchObject({
        id: v1.id,
        version: 2,
        processingStatus: 'received',
        processedAt: null,
        studentFeedbackRating: 2,
        processingAttempts: 0,
      });
      expect(v2.createdAt).toEqual(v1.createdAt);
      expect(v2.updatedAt.getTime()).toBe(t.clock.now().getTime());
      expect(await db().select().from(reschedules).where(eq(reschedules.sessionId, v1.id))).toEqual([]);
      expect(await jobsFor(v1.id)).toEqual([`tier1:${v1.id}:v1`, `tier1:${v1.id}:v2`]);
      expect(await countRows(p.session_id)).toBe(1);
    });

    it('ends with one row and one version when 10 deliveries of a new session arrive at once', async () => {
      const p = payload({ tutor_id: 'tut_race', student_id: 'stu_race' });
      const results = await Promise.all(Array.from({ length: 10 }, () => deliver(p)));
      expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
      for (const r of results) expect(r.json()).toMatchObject({ success: true, session_id: p.session_id });
      expect(await countRows(p.session_id)).toBe(1);
      const row = (await rowOf(p.session_id))!;
      expect(row.version).toBe(1);
      expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`]);
      const outcomes = await db()
        .select({ outcome: webhookDeliveries.outcome })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.sessionId, p.session_id));
      expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'unchanged')).toHaveLength(9);
      const [tutorCount] = await db().select({ n: count() }).from(tutors).where(eq(tutors.id, 'tut_race'));
      expect(tutorCount!.n).toBe(1);
    });

    it('answers 10 simultaneous copies of one delivery alike, storing it once', async () => {
      const p = payload();
      const results = await Promise.all(Array.from({ length: 10 }, () => deliver(p, { id: 'msg_same_10' })));
      expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(202));
      expect(new Set(results.map((r) => r.body)).size).toBe(1);
      // And copies arriving together after it was committed (replays of a replay within one group).
      const later = await Promise.all(Array.from({ length: 5 }, () => deliver(p, { id: 'msg_same_10' })));
      expect(later.map((r) => r.statusCode)).toEqual(Array(5).fill(202));
      expect(later.map((r) => r.body)).toEqual(Array(5).fill(results[0]!.body));
      expect(await countRows(p.session_id)).toBe(1);
      expect(await countDeliveries(p.session_id)).toBe(1);
    });

    it('stores 20 simultaneous new sessions of one new tutor (one group), each with its own job', async () => {
      const batch = Array.from({ length: 20 }, () =>
        payload({ tutor_id: 'tut_group', student_id: 'stu_group' }),
      );
      const results = await Promise.all(batch.map((p) => deliver(p)));
      expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(202));
      results.forEach((r, i) => expect(r.json().session_id).toBe(batch[i]!.session_id));
      const rows = await db()
        .select({ id: sessions.id, version: sessions.version })
        .from(sessions)
        .where(eq(sessions.tutorId, 'tut_group'));
      expect(rows).toHaveLength(20);
      for (const row of rows) expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`]);
      const [tutorCount] = await db().select({ n: count() }).from(tutors).where(eq(tutors.id, 'tut_group'));
      expect(tutorCount!.n).toBe(1);
    });

    it('applies a session and its correction arriving together as versions 1 and 2', async () => {
      const p = payload();
      const corrected = { ...p, student_feedback: { rating: 3, description: 'Fine' } };
      const [a, b] = await Promise.all([deliver(p), deliver(corrected)]);
      expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
      const row = (await rowOf(p.session_id))!;
      expect(row.version).toBe(2);
      // Both versions are queued (tier 1 runs many jobs at once: in either order).
      expect((await jobsFor(row.id)).sort()).toEqual([`tier1:${row.id}:v1`, `tier1:${row.id}:v2`]);
    });

    it('never deadlocks when overlapping deliveries (sessions, tutors, students, ids) race', async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const sessionsIn = Array.from({ length: 15 }, () => payload());
      let next = 0;
      const codes: number[] = [];
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          while (next < 300) {
            const i = next++;
            const p = {
              ...sessionsIn[i % 15]!,
              tutor_id: `tut_mix_${tag}_${(i * 7) % 5}`,
              student_id: `stu_mix_${tag}_${(i * 3) % 5}`,
              student_feedback: { rating: 1 + (i % 5), description: 'mix' },
            };
            codes.push((await deliver(p, { id: `msg_mix_${tag}_${i % 250}` })).statusCode);
          }
        }),
      );
      expect(codes.filter((c) => c !== 202)).toEqual([]);
      for (const p of sessionsIn) expect(await countRows(p.session_id)).toBe(1);
    });

    it('does not let one failing delivery fail the others written with it', async () => {
      const good = Array.from({ length: 4 }, () => payload());
      // Bypasses validation on purpose: the database refuses a rating of 9 (check constraint).
      const bad = payload({ student_feedback: { rating: 9, description: 'x' } });
      const results = await Promise.allSettled(
        [good[0]!, good[1]!, bad, good[2]!, good[3]!].map((p) => t.app.services.sessions.ingest(p)),
      );
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      for (const p of good) expect(await countRows(p.session_id)).toBe(1);
      expect(await countRows(bad.session_id)).toBe(0);
    });

    it('answers 202 (queued: false) when the queue hangs (Redis away), and the sweeper queues it later', async () => {
      const p = payload();
      const { add, addBulk } = t.rt.queue;
      // An enqueue that never returns, as ioredis' offline queue holds commands while Redis is away.
      const hang = () => new Promise<never>(() => {});
      Object.assign(t.rt.queue, { add: hang, addBulk: hang });
      let res;
      try {
        res = await deliver(p);
      } finally {
        Object.assign(t.rt.queue, { add, addBulk });
      }
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ success: true, session_id: p.session_id, queued: false });
      const row = (await rowOf(p.session_id))!;
      expect(row.processingStatus).toBe('received');
      t.clock.advance(3 * MINUTE);
      await createSessionJobs({ sessions: t.app.services.sessions, logger: t.rt.logger }).sweep();
      expect(await jobsFor(row.id)).toContain(`tier1:${row.id}:v1:s1`);
    });

    it('still answers 202 (queued: false) when the queue is down, and keeps the row', async () => {
      const p = payload();
      const res = await withQueueDown(() => deliver(p));
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ success: true, session_id: p.session_id, queued: false });
      const row = (await rowOf(p.session_id))!;
      expect(row.processingStatus).toBe('received');
      expect(await jobsFor(row.id)).toEqual([]);
    });
  });
});

describe('POST /api/sessions', () => {
  it('ingests with an operator API key (202), idempotently, and audits the change', async () => {
    const p = payload({ tutor_id: 'tut_rest' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-api-key': operatorKey },
      payload: p,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      success: true,
      session_id: p.session_id,
      queued: true,
      estimated_processing_time: '60 seconds',
    });
    const row = (await rowOf(p.session_id))!;
    expect(row.processingStatus).toBe('received');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { authorization: `Bearer ${operatorKey}` },
      payload: p,
    });
    expect(again.statusCode).toBe(202);
    expect(await rowOf(p.session_id)).toEqual(row);
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`]);
    const audited = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'session.create'), eq(auditLog.targetId, row.id)));
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actorType).toBe('api_key');
  });

  it('accepts an admin Bearer token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: bearer(admin),
      payload: payload(),
    });
    expect(res.statusCode).toBe(202);
  });

  it('answers 401 without credentials, 403 to other roles, and stores nothing', async () => {
    const p = payload();
    const anon = await t.app.inject({ method: 'POST', url: '/api/sessions', payload: p });
    expect(anon.statusCode).toBe(401);
    const asCoach = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-api-key': coachKey },
      payload: p,
    });
    expect(asCoach.statusCode).toBe(403);
    const signedOnly = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: signWebhook(JSON.stringify(p), TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() }),
      payload: JSON.stringify(p),
    });
    expect(signedOnly.statusCode).toBe(401);
    expect(await countRows(p.session_id)).toBe(0);
  });

  it('validates the body like the webhook', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { 'x-api-key': operatorKey },
      payload: { ...payload(), extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain('body.extra');
  });
});

describe('GET /api/sessions', () => {
  const tutor = 'tut_list';
  const ids: string[] = [];
  beforeAll(async () => {
    // Five sessions on five days, newest last; the 2nd and 4th are first sessions.
    for (let day = 1; day <= 5; day++) {
      const start = `2026-11-0${day}T15:00:00Z`;
      const p = payload({
        tutor_id: tutor,
        student_id: day % 2 ? 'stu_list_odd' : 'stu_list_even',
        session_start_time: start,
        session_end_time: `2026-11-0${day}T16:00:00Z`,
        tutor_join_time: start,
        student_join_time: start,
        tutor_leave_time: `2026-11-0${day}T16:00:00Z`,
        student_leave_time: `2026-11-0${day}T16:00:00Z`,
        is_first_session: day % 2 === 0,
      });
      expect((await deliver(p)).statusCode).toBe(202);
      ids.push(p.session_id);
    }
    const third = (await rowOf(ids[2]!))!;
    await t.app.services.sessions.markProcessed(third.id, third.version, t.clock.now());
  });

  const list = async (query: string, who: Session = coach) =>
    t.app.inject({ method: 'GET', url: `/api/sessions?${query}`, headers: bearer(who) });
  const sessionIds = (res: { json(): { data: Array<{ session_id: string }> } }) =>
    res.json().data.map((s) => s.session_id);

  it('lists a tutor’s sessions newest first with names and the total', async () => {
    const res = await list(`tutor_id=${tutor}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 5, limit: 25, offset: 0 });
    expect(sessionIds(res)).toEqual([...ids].reverse());
    expect(body.data[0]).toMatchObject({
      tutor_id: tutor,
      tutor_name: `Tutor ${tutor}`,
      student_name: 'Student stu_list_odd',
      processing_status: 'received',
      version: 1,
      has_transcript: false,
      student_feedback: { rating: 5, description: 'Great' },
      tutor_feedback: null,
    });
  });

  it.each([
    { query: `student_id=stu_list_even`, expect: [3, 1] },
    { query: `is_first_session=true`, expect: [3, 1] },
    { query: `is_first_session=false`, expect: [4, 2, 0] },
    { query: `processing_status=processed`, expect: [2] },
    { query: `start_date=2026-11-02&end_date=2026-11-04`, expect: [3, 2, 1] },
    { query: `start_date=2026-11-04T15:00:00Z`, expect: [4, 3] },
    { query: `end_date=2026-11-02T14:59:59Z`, expect: [0] },
    { query: `end_date=2026-11-02T15:00:00%2B00:00`, expect: [1, 0] },
    { query: `limit=2&offset=1`, expect: [3, 2] },
    { query: `limit=2&offset=4`, expect: [0] },
  ])('filters: $query', async ({ query, expect: idx }) => {
    const res = await list(`tutor_id=${tutor}&${query}`);
    expect(res.statusCode).toBe(200);
    expect(sessionIds(res)).toEqual(idx.map((i) => ids[i]));
  });

  it('reports the total across pages', async () => {
    const res = await list(`tutor_id=${tutor}&limit=2`);
    expect(res.json()).toMatchObject({ total: 5, limit: 2, offset: 0 });
  });

  it.each([
    { query: 'limit=101', field: 'querystring.limit' },
    { query: 'limit=0', field: 'querystring.limit' },
    { query: 'offset=-1', field: 'querystring.offset' },
    { query: 'start_date=yesterday', field: 'querystring.start_date' },
    { query: 'start_date=2026-11-05&end_date=2026-11-01', field: 'querystring.end_date' },
    { query: 'is_first_session=maybe', field: 'querystring.is_first_session' },
    { query: 'processing_status=lost', field: 'querystring.processing_status' },
  ])('answers 400 to $query', async ({ query, field }) => {
    const res = await list(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('is open to admin, coach, operator and viewer; not to tutors; 401 without credentials', async () => {
    expect((await list('limit=1', admin)).statusCode).toBe(200);
    expect((await list('limit=1', viewer)).statusCode).toBe(200);
    const asOperator = await t.app.inject({
      method: 'GET',
      url: '/api/sessions?limit=1',
      headers: { 'x-api-key': operatorKey },
    });
    expect(asOperator.statusCode).toBe(200);
    expect((await list('limit=1', tutorUser)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/sessions' })).statusCode).toBe(401);
  });
});

describe('sessions service (used by the quality module)', () => {
  it('finds a session by row id or platform id, full row for processing', async () => {
    const p = payload({ transcript: 'Tutor: Hi\nStudent: Hello' });
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    const svc = t.app.services.sessions;
    const byUuid = await svc.getSessionDto(row.id);
    const byPlatform = await svc.getSessionDto(p.session_id);
    expect(byUuid).toEqual(byPlatform);
    expect(byUuid).toMatchObject({ id: row.id, session_id: p.session_id, has_transcript: true });
    expect(await svc.getSessionDto('ses_nope')).toBeNull();
    expect(await svc.getSessionDto('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect((await svc.getSessionForProcessing(row.id))?.transcript).toBe(p.transcript);
    expect(await svc.getSessionForProcessing('not-a-uuid')).toBeNull();
  });

  it('changes processing state only for the current version', async () => {
    const p = payload();
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    const svc = t.app.services.sessions;
    expect(await svc.markProcessing(row.id, 1)).toBe(true);
    expect((await rowOf(p.session_id))!.processingStatus).toBe('processing');
    // A correction arrives: version 2.
    await deliver({ ...p, subjects_covered: ['geometry'] });
    expect(await svc.markProcessed(row.id, 1, t.clock.now())).toBe(false);
    expect(await svc.markFailed(row.id, 1, 'boom')).toBe(false);
    expect((await rowOf(p.session_id))!).toMatchObject({ version: 2, processingStatus: 'received' });
    expect(await svc.markProcessed(row.id, 2, t.clock.now())).toBe(true);
    expect((await rowOf(p.session_id))!).toMatchObject({ processingStatus: 'processed' });
    expect(await svc.markFailed(row.id, 2, 'later failure')).toBe(true);
    expect((await rowOf(p.session_id))!).toMatchObject({
      processingStatus: 'failed',
      lastError: 'later failure',
    });
  });

  it('lists a tutor’s recent sessions, sessions by platform ids, and reschedule history', async () => {
    const svc = t.app.services.sessions;
    const make = (day: number, reschedule?: TWebhookPayload['reschedule']) =>
      payload({
        tutor_id: 'tut_hist',
        session_start_time: `2026-11-1${day}T15:00:00Z`,
        session_end_time: `2026-11-1${day}T16:00:00Z`,
        tutor_join_time: null,
        student_join_time: null,
        tutor_leave_time: null,
        student_leave_time: null,
        ...(reschedule ? { was_rescheduled: true, reschedule } : {}),
      });
    const a = make(1, {
      initiator: 'tutor',
      original_time: '2026-11-10T15:00:00Z',
      new_time: '2026-11-11T15:00:00Z',
    });
    const b = make(2);
    const c = make(3, {
      initiator: 'student',
      original_time: '2026-11-12T15:00:00Z',
      new_time: '2026-11-13T15:00:00Z',
      cancelled_at: '2026-11-12T13:00:00Z',
    });
    for (const p of [a, b, c]) expect((await deliver(p)).statusCode).toBe(202);
    expect((await svc.listRecentForTutor('tut_hist', 2)).map((s) => s.session_id)).toEqual([
      c.session_id,
      b.session_id,
    ]);
    expect(
      (await svc.listByPlatformIds([a.session_id, c.session_id, 'ses_none'])).map((s) => s.session_id),
    ).toEqual([c.session_id, a.session_id]);
    expect(await svc.listByPlatformIds([])).toEqual([]);
    const history = await svc.rescheduleHistory('tut_hist', { days: 30, limit: 10, now: t.clock.now() });
    expect(history).toEqual([
      {
        session_id: c.session_id,
        initiator: 'student',
        original_time: '2026-11-12T15:00:00.000Z',
        new_time: '2026-11-13T15:00:00.000Z',
        reason: null,
        reason_code: null,
        cancelled_at: '2026-11-12T13:00:00.000Z',
        hours_before_session: 2,
      },
      expect.objectContaining({ session_id: a.session_id, initiator: 'tutor', hours_before_session: 24 }),
    ]);
    const narrow = await svc.rescheduleHistory('tut_hist', {
      days: 1,
      now: new Date('2026-11-12T20:00:00Z'),
    });
    expect(narrow.map((r) => r.session_id)).toEqual([c.session_id]);
  });
});

describe('sessions.sweep', () => {
  const sweep = () =>
    createSessionJobs({ sessions: t.app.services.sessions, logger: t.rt.logger }).handlers[
      'sessions.sweep'
    ]();

  beforeEach(async () => {
    // Only the session under test is left unprocessed.
    await t.rt.queue.whenIdle({ timeoutMs: 10_000 });
    await db().update(sessions).set({ processingStatus: 'processed' });
  });

  it('re-enqueues a session whose job was lost, with a new job id, oldest first', async () => {
    const p = payload({ is_first_session: true });
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`]);

    // Not yet stale: left alone.
    t.clock.advance(MINUTE);
    await sweep();
    expect(await jobsFor(row.id)).toHaveLength(1);

    t.clock.advance(2 * MINUTE);
    const { adds } = await recordingAdds(() => sweep());
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`, `tier1:${row.id}:v1:s1`]);
    expect(jobs.at(-1)).toMatchObject({ sessionId: row.id, version: 1 });
    expect(adds).toEqual([{ name: 'quality.tier1', opts: { jobId: `tier1:${row.id}:v1:s1`, priority: 1 } }]);
    expect((await rowOf(p.session_id))!).toMatchObject({
      processingAttempts: 1,
      processingStatus: 'received',
    });

    // Claimed sessions are not claimed again within the interval.
    await sweep();
    expect(await jobsFor(row.id)).toHaveLength(2);
  });

  it('recovers sessions still `processing` (worker crashed) and ignores processed ones', async () => {
    const p = payload();
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    await t.app.services.sessions.markProcessing(row.id, 1);
    t.clock.advance(3 * MINUTE);
    await sweep();
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`, `tier1:${row.id}:v1:s1`]);
    await t.app.services.sessions.markProcessed(row.id, 1, t.clock.now());
    t.clock.advance(3 * MINUTE);
    await sweep();
    expect(await jobsFor(row.id)).toHaveLength(2);
  });

  it('marks a session failed after 5 sweeps', async () => {
    const p = payload();
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    for (let i = 1; i <= 5; i++) {
      t.clock.advance(3 * MINUTE);
      await sweep();
      expect((await rowOf(p.session_id))!).toMatchObject({
        processingAttempts: i,
        processingStatus: 'received',
      });
    }
    t.clock.advance(3 * MINUTE);
    await sweep();
    const failed = (await rowOf(p.session_id))!;
    expect(failed.processingStatus).toBe('failed');
    expect(failed.lastError).toMatch(/sweeper/);
    expect(await jobsFor(row.id)).toEqual([
      `tier1:${row.id}:v1`,
      ...[1, 2, 3, 4, 5].map((s) => `tier1:${row.id}:v1:s${s}`),
    ]);
    t.clock.advance(3 * MINUTE);
    await sweep();
    expect(await jobsFor(row.id)).toHaveLength(6);
  });

  it('counts nothing when the queue refuses the batch (the next sweep retries the same job ids)', async () => {
    const p = payload();
    await deliver(p);
    const row = (await rowOf(p.session_id))!;
    t.clock.advance(3 * MINUTE);
    await withQueueDown(() => expect(sweep()).rejects.toThrow('ECONNREFUSED'));
    expect((await rowOf(p.session_id))!.processingAttempts).toBe(0);
    await sweep();
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1`, `tier1:${row.id}:v1:s1`]);
  });

  it('picks up a session whose enqueue failed at ingestion', async () => {
    const p = payload();
    expect((await withQueueDown(() => deliver(p))).json().queued).toBe(false);
    const row = (await rowOf(p.session_id))!;
    t.clock.advance(3 * MINUTE);
    await sweep();
    expect(await jobsFor(row.id)).toEqual([`tier1:${row.id}:v1:s1`]);
  });
});

describe('OpenAPI', () => {
  it('documents the webhook (no login, signature headers) and the list filters', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const hook = doc.paths[WEBHOOK_URL].post;
    expect(hook.security).toEqual([]);
    expect(hook.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(Object.keys(hook.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413']));
    expect(doc.paths['/api/sessions'].post.responses['202']).toBeDefined();
    expect(doc.paths['/api/sessions'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'tutor_id',
        'student_id',
        'start_date',
        'end_date',
        'is_first_session',
        'processing_status',
        'limit',
        'offset',
      ]),
    );
  });

  it('lists the webhook as public (authenticated by its signature) and the rest by role', () => {
    const byRoute = Object.fromEntries(t.app.accessTable.map((r) => [`${r.method} ${r.url}`, r.access]));
    expect(byRoute[`POST ${WEBHOOK_URL}`]).toEqual({ public: true });
    expect(byRoute['POST /api/sessions']).toEqual({ roles: ['admin', 'operator'] });
    expect(byRoute['GET /api/sessions']).toEqual({ roles: ['admin', 'coach', 'operator', 'viewer'] });
  });
});

describe('housekeeping', () => {
  it('forgets webhook deliveries after 8 days', async () => {
    const now = t.clock.now().getTime();
    await db()
      .insert(webhookDeliveries)
      .values([
        {
          webhookId: 'msg_old',
          sessionId: 'ses_x',
          outcome: 'created',
          receivedAt: new Date(now - 9 * 86_400_000),
        },
        {
          webhookId: 'msg_recent',
          sessionId: 'ses_x',
          outcome: 'created',
          receivedAt: new Date(now - 6 * 86_400_000),
        },
      ]);
    const removed = await runHousekeeping(t.rt);
    expect(removed.webhookDeliveries).toBeGreaterThanOrEqual(1);
    const left = await db()
      .select({ id: webhookDeliveries.webhookId })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.webhookId, ['msg_old', 'msg_recent']));
    expect(left).toEqual([{ id: 'msg_recent' }]);
  });
});

describe('when the database cannot be reached', () => {
  // A second app whose database is a `pg` pool pointed at a closed port, or at a server that accepts the
  // connection and never answers (a hung or partitioned Postgres). Nothing is ever stored through it.
  let refused: TestApp;
  let hung: TestApp;
  let blackhole: Server;
  const held = new Set<Socket>();

  async function unreachableApp(port: number): Promise<TestApp> {
    const database = await createDatabase({
      kind: 'postgres',
      url: `postgres://postgres@127.0.0.1:${port}/none`,
    });
    // No migration either: the point is that this database never answers.
    return createTestApp({ database: { ...database, migrate: async () => {} } });
  }

  beforeAll(async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    blackhole = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    refused = await unreachableApp(closedPort);
    hung = await unreachableApp((blackhole.address() as AddressInfo).port);
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await Promise.all([refused?.close(), hung?.close()]);
    await new Promise<void>((r) => blackhole.close(() => r()));
  });

  function deliverTo(app: TestApp, p: TWebhookPayload) {
    const raw = JSON.stringify(p);
    const headers = signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: app.clock.now() });
    return app.app.inject({ method: 'POST', url: WEBHOOK_URL, headers, payload: raw });
  }

  it('answers 503 with retry-after, not 500, when the connection is refused', async () => {
    const res = await deliverTo(refused, payload());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('answers 503 with retry-after when the database does not answer within the deadline', async () => {
    const res = await deliverTo(hung, payload());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error).toMatch(/not stored within/);
  });

  it('answers every delivery of a burst 503, none 500', async () => {
    const codes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        deliverTo(i % 2 ? refused : hung, payload()).then((r) => r.statusCode),
      ),
    );
    expect(new Set(codes)).toEqual(new Set([503]));
  });
});
