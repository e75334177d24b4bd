/**
 * Regressions for every kind of bad input that once answered 500 or was silently corrupted (found by hand and by
 * the fuzz suite, test/fuzz.test.ts): each now gets a 400 naming the field and changes nothing. What the fuzzer
 * found on the code before the fixes, by kind:
 * - NUL in a body string, a query string or a path id: Postgres refused the text (22021), a 500 (users, API keys,
 *   interventions, both session ingestion routes, and the list and detail reads filtering on it);
 * - NUL or a lone surrogate in an API key's name: the key was stored (the surrogate as U+FFFD), then its audit
 *   entry's JSON was refused (22P02): a 500 after a write;
 * - a fractional or denormal score bound (`min_score=4e-323`) compared with a smallint (22P02), a 500;
 * - the year 0 in a date filter (22008), a 500; so was `end_date=9999-12-31`, whose end is in the year 10000 (22009);
 * - an event id beyond a safe integer: zod's error thrown inside the stream handler, a 500;
 * - in the session time checks added here: a JSON null body, a time past JavaScript's dates (+275760-…).
 * Also the session time rules (the window around now comes from settings: this file runs with
 * SESSION_MAX_AGE_DAYS=100, SESSION_MAX_FUTURE_DAYS=2), and the error handler's safety net: a value that gets past
 * a contract and is refused by the database answers 400/409, never 500.
 */
import { count, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TCreateApiKeyRequest, TCreateUserRequest } from '@tutorpulse/contracts/identity';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import { apiKeys, sessions, users, webhookDeliveries } from '../src/db/schema/index';
import { principalOf, requestContext } from '../src/platform/auth/access.plugin';
import { access } from '../src/platform/auth/principal';
import { classifyDbError } from '../src/platform/http/db-errors';
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

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEBHOOK_URL = '/api/webhooks/session-completed';

let t: TestApp;
let admin: Session;
const db = () => t.rt.database.db;

type LogLine = { level: number; msg: string; sqlstate?: string };
const logLines: LogLine[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
);

const PROBE = '/api/test-probe';
/**
 * Test-only routes that hand the client's body to the real services and the database without a contract, as a
 * route whose contract forgot a check would: what the error handler answers when the database is the one to
 * refuse. Admin only, like the real routes they stand in for.
 */
function probeRoutes(app: FastifyInstance) {
  const config = { access: access.roles('admin') };
  app.post(`${PROBE}/users`, { config }, (req) =>
    app.services.users.create(req.body as TCreateUserRequest, principalOf(req), requestContext(req)),
  );
  app.post(`${PROBE}/api-keys`, { config }, (req) =>
    app.services.apiKeys.create(req.body as TCreateApiKeyRequest, principalOf(req), requestContext(req)),
  );
  // A second user with the email of one that exists (a race between two creations), straight to the table.
  app.post(`${PROBE}/duplicate-user`, { config }, async (req) => {
    const { email } = req.body as { email: string };
    await db().insert(users).values({ email, name: 'twin', role: 'viewer', passwordHash: 'x' });
    return { ok: true };
  });
  // An API key recorded as created by a user who does not exist.
  app.post(`${PROBE}/orphan-key`, { config }, async (req) => {
    const { created_by } = req.body as { created_by: string };
    await db()
      .insert(apiKeys)
      .values({ name: 'orphan', prefix: 'tp_orphan', keyHash: 'x', role: 'viewer', createdBy: created_by });
    return { ok: true };
  });
  // A bug of ours: SQL that can never run.
  app.get(`${PROBE}/broken-sql`, { config }, async () => {
    await db().execute(sql`select nonsense from nowhere`);
    return { ok: true };
  });
}

beforeAll(async () => {
  t = await createTestApp({
    now: NOW.toISOString(),
    env: { SESSION_MAX_AGE_DAYS: '100', SESSION_MAX_FUTURE_DAYS: '2' },
    logger,
    routes: probeRoutes,
  });
  await createUser(t, { email: 'admin@bad-input.test', role: 'admin' });
  admin = await login(t, 'admin@bad-input.test');
});
afterAll(() => t?.close());

const iso = (ms: number) => new Date(ms).toISOString();

function session(startMs: number, changes: Partial<TWebhookPayload> = {}): TWebhookPayload {
  return {
    session_id: `ses_${Math.random().toString(36).slice(2, 10)}`,
    tutor_id: 'tut_bad',
    student_id: 'stu_bad',
    session_start_time: iso(startMs),
    session_end_time: iso(startMs + HOUR),
    tutor_join_time: iso(startMs + 60_000),
    student_join_time: iso(startMs),
    tutor_leave_time: iso(startMs + HOUR),
    student_leave_time: iso(startMs + HOUR),
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    ...changes,
  };
}

const deliver = (body: unknown) => {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: WEBHOOK_URL,
    headers: signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: NOW }),
    payload: raw,
  });
};
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(admin) });

type Refusal = { code: string; error: string; details: Array<{ path: string; message: string }> };
function expectRefused(res: { statusCode: number; json(): unknown }, path: string, message?: RegExp) {
  expect(res.statusCode).toBe(400);
  const body = res.json() as Refusal;
  expect(body.code).toBe('VALIDATION_FAILED');
  expect(body.error).toContain(path);
  const detail = body.details.find((d) => d.path === path);
  expect(detail, JSON.stringify(body.details)).toBeDefined();
  if (message) expect(detail!.message).toMatch(message);
}

const countSessions = async () => (await db().select({ n: count() }).from(sessions))[0]!.n;
const countDeliveries = async () => (await db().select({ n: count() }).from(webhookDeliveries))[0]!.n;

describe('text that cannot be stored', () => {
  const UNSTORABLE = /NUL|surrogate/;

  it('POST /api/users with a name of "\\u0000\\ud800" answers 400 naming body.name and creates no user', async () => {
    for (const name of ['\u0000\ud800', 'ok\ud800', 'nul\u0000inside']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: bearer(admin),
        payload: { email: 'new@bad-input.test', name, password: 'a long enough password', role: 'viewer' },
      });
      expectRefused(res, 'body.name', UNSTORABLE);
    }
    expect(await db().select().from(users).where(eq(users.email, 'new@bad-input.test'))).toEqual([]);
  });

  it('POST /api/api-keys with a lone surrogate in the name answers 400 and creates no key', async () => {
    // Before the contracts checked text, this key was stored (as "a\uFFFDgebra-2") and the request then failed on
    // its audit entry's JSON: a 500 after a write.
    const before = (await db().select({ n: count() }).from(apiKeys))[0]!.n;
    for (const name of ['a\ud800gebra-2', 'key\udc00', 'nul\u0000']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/api-keys',
        headers: bearer(admin),
        payload: { name, role: 'viewer' },
      });
      expectRefused(res, 'body.name', UNSTORABLE);
    }
    expect((await db().select({ n: count() }).from(apiKeys))[0]!.n).toBe(before);
  });

  it('refuses NUL and lone surrogates in query strings and path ids with 400 naming the field', async () => {
    expectRefused(await get('/api/tutors?search=%00'), 'querystring.search', UNSTORABLE);
    expectRefused(await get('/api/audit-log?action=a%00'), 'querystring.action', UNSTORABLE);
    // A URL cannot carry a lone surrogate (bytes decode to well-formed text): its UTF-8-like bytes are refused.
    expect((await get('/api/tutors/%ED%A0%80')).statusCode).toBe(400);
    expectRefused(await get('/api/sessions?tutor_id=a%00b'), 'querystring.tutor_id', UNSTORABLE);
    expectRefused(await get('/api/tutors/%00'), 'params.id', UNSTORABLE);
    expectRefused(await get('/api/sessions/x%00'), 'params.id', UNSTORABLE);
  });

  it('refuses them in every kind of body field, URLs included (a URL parser keeps the NUL)', async () => {
    const before = await countSessions();
    const start = NOW.getTime() - DAY;
    expectRefused(
      await deliver(session(start, { video_url: 'https://example.com/\u0000' })),
      'body.video_url',
    );
    expectRefused(
      await deliver(session(start, { subjects_covered: ['alg\u0000'] })),
      'body.subjects_covered.0',
    );
    expectRefused(
      await deliver(session(start, { student_feedback: { rating: 4, description: 'fine\ud800' } })),
      'body.student_feedback.description',
    );
    expectRefused(await deliver(session(start, { transcript: 'Tutor: hi\u0000' })), 'body.transcript');
    expect(await countSessions()).toBe(before);
    expect(await countDeliveries()).toBe(0);
  });
});

describe('dates outside what can be stored, and numbers the database cannot compare', () => {
  it('refuses the year 0 and years past 8999 in filters and triggers', async () => {
    expectRefused(await get('/api/flags?since=0000-01-01'), 'querystring.since');
    expectRefused(await get('/api/sessions?start_date=0000-01-01'), 'querystring.start_date');
    // The end of 9999-12-31 is in the year 10000, which Postgres cannot parse as sent.
    expectRefused(await get('/api/sessions?end_date=9999-12-31'), 'querystring.end_date');
    expectRefused(await get('/api/flags?since=0001-01-01T00:00:00%2B14:00'), 'querystring.since');
    const cron = await t.app.inject({
      method: 'POST',
      url: '/api/cron/daily-analysis?date=0000-01-01&wait=true',
      headers: bearer(admin),
    });
    expectRefused(cron, 'querystring.date');
  });

  it('refuses a fractional score bound (scores are whole numbers) instead of failing in SQL', async () => {
    expectRefused(await get('/api/tutors?min_score=40.5'), 'querystring.min_score');
    expectRefused(await get('/api/tutors?max_score=4e-323'), 'querystring.max_score');
    expect((await get('/api/tutors?min_score=40&max_score=100')).statusCode).toBe(200);
  });

  it('refuses an event id longer than any the stream will reach, before the stream opens', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/events?last_event_id=99999999999999999999',
      headers: bearer(admin),
    });
    expectRefused(res, 'querystring.last_event_id');
    const header = await t.app.inject({
      method: 'GET',
      url: '/api/events',
      headers: { ...bearer(admin), 'last-event-id': '99999999999999999999' },
    });
    expectRefused(header, 'headers.last-event-id');
  });
});

describe('session times', () => {
  it('refuses a session in the year 3000 on the webhook and on POST /api/sessions, storing nothing', async () => {
    const before = await countSessions();
    const future = Date.parse('3000-01-01T10:00:00Z');
    expectRefused(
      await deliver(session(future)),
      'body.session_start_time',
      /100 days before and 2 days after/,
    );
    const rest = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: bearer(admin),
      payload: session(future),
    });
    expectRefused(rest, 'body.session_start_time');
    expect(await countSessions()).toBe(before);
    expect(await countDeliveries()).toBe(0);
  });

  it('refuses a body of JSON null, or of another type than an object, on both ingestion routes', async () => {
    for (const raw of ['null', '[]', '"text"', '42']) {
      const webhook = await t.app.inject({
        method: 'POST',
        url: WEBHOOK_URL,
        headers: signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: NOW }),
        payload: raw,
      });
      expect(webhook.statusCode, raw).toBe(400);
      const rest = await t.app.inject({
        method: 'POST',
        url: '/api/sessions',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        payload: raw,
      });
      expect(rest.statusCode, raw).toBe(400);
    }
  });

  it('refuses a start past JavaScript’s dates (+275760-…) with 400, not a crash in the time checks', async () => {
    const p = session(NOW.getTime() - DAY, { session_start_time: '+275760-09-13T00:00:00Z' });
    expectRefused(await deliver(p), 'body.session_start_time');
  });

  it('takes its window from the settings and the clock: inside is accepted, just outside refused', async () => {
    const accepted = [NOW.getTime() - 99 * DAY, NOW.getTime() + 1.9 * DAY];
    for (const start of accepted) expect((await deliver(session(start))).statusCode).toBe(202);
    const refused = [
      NOW.getTime() - 101 * DAY,
      NOW.getTime() + 2.1 * DAY,
      Date.parse('1970-01-01T00:00:00Z'),
    ];
    for (const start of refused) expectRefused(await deliver(session(start)), 'body.session_start_time');
    // The clock moves: what was too far ahead is inside the window a day later.
    const later = session(NOW.getTime() + 2.1 * DAY);
    t.clock.set(new Date(NOW.getTime() + DAY));
    try {
      const raw = JSON.stringify(later);
      const res = await t.app.inject({
        method: 'POST',
        url: WEBHOOK_URL,
        headers: signWebhook(raw, TEST_WEBHOOK_SECRET, { timestamp: t.clock.now() }),
        payload: raw,
      });
      expect(res.statusCode).toBe(202);
    } finally {
      t.clock.set(NOW);
    }
  });

  it.each([
    {
      what: 'an end before the start',
      changes: (s: number) => ({ session_end_time: iso(s - 60_000) }),
      path: 'body.session_end_time',
      message: /before session_start_time/,
    },
    {
      what: 'a session over 24 hours',
      changes: (s: number) => ({
        session_end_time: iso(s + 25 * HOUR),
        tutor_leave_time: null,
        student_leave_time: null,
      }),
      path: 'body.session_end_time',
      message: /24 hours/,
    },
    {
      what: 'a join three days after the session',
      changes: (s: number) => ({ tutor_join_time: iso(s + 3 * DAY), tutor_leave_time: null }),
      path: 'body.tutor_join_time',
      message: /within 24 hours of the session/,
    },
    {
      what: 'a leave before the join',
      changes: (s: number) => ({
        student_join_time: iso(s + 30 * 60_000),
        student_leave_time: iso(s + 10 * 60_000),
      }),
      path: 'body.student_leave_time',
      message: /before student_join_time/,
    },
    {
      what: 'a reschedule from two years away',
      changes: (s: number) => ({
        was_rescheduled: true,
        reschedule: { initiator: 'tutor' as const, original_time: iso(s - 730 * DAY), new_time: iso(s) },
      }),
      path: 'body.reschedule.original_time',
      message: /365 days/,
    },
    {
      what: 'a reschedule requested after the session ended',
      changes: (s: number) => ({
        was_rescheduled: true,
        reschedule: {
          initiator: 'student' as const,
          original_time: iso(s - DAY),
          new_time: iso(s),
          cancelled_at: iso(s + 2 * HOUR),
        },
      }),
      path: 'body.reschedule.cancelled_at',
      message: /not be after session_end_time/,
    },
  ])('refuses $what with 400 naming the field', async ({ changes, path, message }) => {
    const before = await countSessions();
    const start = NOW.getTime() - 2 * DAY;
    expectRefused(await deliver(session(start, changes(start))), path, message);
    expect(await countSessions()).toBe(before);
  });

  it('accepts what real sessions look like: early joins, overruns, no-shows, a reschedule days before', async () => {
    const s = NOW.getTime() - 3 * DAY;
    const ok = [
      session(s, { tutor_join_time: iso(s - 10 * 60_000), tutor_leave_time: iso(s + 2 * HOUR) }),
      session(s, { tutor_join_time: null, tutor_leave_time: null }),
      session(s, {
        student_join_time: null,
        student_leave_time: null,
        tutor_leave_time: iso(s + 15 * 60_000),
      }),
      session(s, {
        was_rescheduled: true,
        reschedule: {
          initiator: 'tutor',
          original_time: iso(s - 2 * DAY),
          new_time: iso(s),
          cancelled_at: iso(s - 3 * DAY),
        },
      }),
      session(s, { session_end_time: iso(s + 24 * HOUR), tutor_leave_time: null, student_leave_time: null }),
    ];
    for (const p of ok) expect((await deliver(p)).statusCode, JSON.stringify(p)).toBe(202);
  });
});

describe('what the database refuses is classified, on this driver', () => {
  it.each([
    { sql: sql`select ${'a\u0000b'}::text`, status: 400, sqlstate: '22021' },
    { sql: sql`select ${'0000-01-01T00:00:00.000Z'}::timestamptz`, status: 400, sqlstate: '22008' },
    { sql: sql`select ${'+010000-01-01T00:00:00.000Z'}::timestamptz`, status: 400, sqlstate: '22009' },
    { sql: sql`select ${'4e-323'}::int`, status: 400, sqlstate: '22P02' },
    { sql: sql`select ${JSON.stringify({ a: '\u0000' })}::jsonb`, status: 400, sqlstate: '22P05' },
    { sql: sql`select ${'99999999999999999999'}::bigint`, status: 400, sqlstate: '22003' },
    { sql: sql`select nonsense from nowhere`, status: null, sqlstate: null },
  ])('$sqlstate → $status', async ({ sql: query, status, sqlstate }) => {
    const err = await db()
      .execute(query)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeNull();
    const c = classifyDbError(err);
    expect(c?.status ?? null).toBe(status);
    expect(c?.sqlstate ?? null).toBe(sqlstate);
  });
});

describe('what the database refuses through a request is answered 4xx by the error handler, never 500', () => {
  const post = (path: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `${PROBE}${path}`, headers: bearer(admin), payload });
  /** The log lines a request wrote: the refusal is a warning naming its SQLSTATE, never an error. */
  async function logsOf(send: () => Promise<{ statusCode: number; body: string; json(): unknown }>) {
    const from = logLines.length;
    const res = await send();
    return { res, logs: logLines.slice(from) };
  }
  const expectWarnedOnly = (logs: LogLine[], sqlstate: string) => {
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs.some((l) => l.level === 40 && l.sqlstate === sqlstate)).toBe(true);
  };

  it('a NUL that reaches the users service answers 400 and creates no user', async () => {
    const email = 'unchecked@bad-input.test';
    const { res, logs } = await logsOf(() =>
      post('/users', { email, name: '\u0000\ud800', password: 'a long enough password', role: 'viewer' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: expect.stringMatching(/cannot be stored/),
      code: 'VALIDATION_FAILED',
    });
    expectWarnedOnly(logs, '22021');
    expect(await db().select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it('an expiry in the year 10000 that reaches the API key service answers 400 and creates no key', async () => {
    const before = (await db().select({ n: count() }).from(apiKeys))[0]!.n;
    const { res, logs } = await logsOf(() =>
      post('/api-keys', { name: 'far future', role: 'viewer', expires_at: '+010000-01-01T00:00:00Z' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', error: expect.stringMatching(/date/) });
    expectWarnedOnly(logs, '22009');
    expect((await db().select({ n: count() }).from(apiKeys))[0]!.n).toBe(before);
  });

  it('a duplicate and a reference to nothing answer 409 CONFLICT', async () => {
    const duplicate = await logsOf(() => post('/duplicate-user', { email: 'admin@bad-input.test' }));
    expect(duplicate.res.statusCode).toBe(409);
    expect(duplicate.res.json()).toMatchObject({ code: 'CONFLICT' });
    expectWarnedOnly(duplicate.logs, '23505');

    const orphan = await logsOf(() =>
      post('/orphan-key', { created_by: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(orphan.res.statusCode).toBe(409);
    expect(orphan.res.json()).toMatchObject({ code: 'CONFLICT' });
    expectWarnedOnly(orphan.logs, '23503');
    expect(await db().select().from(apiKeys).where(eq(apiKeys.prefix, 'tp_orphan'))).toEqual([]);
  });

  it('our own SQL error stays a 500, logged as an error, with no SQL in the answer', async () => {
    const { res, logs } = await logsOf(() =>
      t.app.inject({ method: 'GET', url: `${PROBE}/broken-sql`, headers: bearer(admin) }),
    );
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'Internal server error', code: 'INTERNAL' });
    expect(logs.some((l) => l.level >= 50)).toBe(true);
  });
});
