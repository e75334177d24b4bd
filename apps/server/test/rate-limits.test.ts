/**
 * Rate limits per who calls: signed-in users per user (not per address), API keys per key, anonymous callers
 * per address (refused requests count too), signed webhooks per signing key once verified, health never.
 * In scaled mode two API processes sharing a Redis prefix share the counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_WEBHOOK_SECRET,
  type TestApp,
} from './helpers/build-app';
import { testEnv, uniqueSuffix } from './helpers/services';
import { signWebhook } from './helpers/webhooks';

const PER_USER = 5;
const PER_KEY = 8;
const PER_WEBHOOK = 7;
const LIMITS = {
  RATE_LIMIT_PER_MINUTE: String(PER_USER),
  RATE_LIMIT_API_KEY_PER_MINUTE: String(PER_KEY),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: String(PER_WEBHOOK),
};
const OFFICE = '203.0.113.7';

let t: TestApp;
let seq = 0;

async function get(app: TestApp, url: string, headers: Record<string, string> = {}, ip = OFFICE) {
  return app.app.inject({ method: 'GET', url, headers, remoteAddress: ip });
}

function sessionBody() {
  seq += 1;
  return JSON.stringify({
    session_id: `ses_rl_${seq}_${uniqueSuffix()}`,
    tutor_id: 'tut_rl',
    student_id: 'stu_rl',
    session_start_time: '2026-11-20T09:00:00Z',
    session_end_time: '2026-11-20T10:00:00Z',
    tutor_join_time: '2026-11-20T09:00:00Z',
    student_join_time: '2026-11-20T09:00:00Z',
    tutor_leave_time: '2026-11-20T10:00:00Z',
    student_leave_time: '2026-11-20T10:00:00Z',
    subjects_covered: ['algebra-1'],
    is_first_session: false,
    was_rescheduled: false,
    student_feedback: { rating: 5, description: 'Great' },
  });
}

function deliver(app: TestApp, opts: { secret?: string } = {}) {
  const raw = sessionBody();
  const headers = signWebhook(raw, opts.secret ?? TEST_WEBHOOK_SECRET, { timestamp: app.clock.now() });
  return app.app.inject({
    method: 'POST',
    url: '/api/webhooks/session-completed',
    headers: { ...headers },
    payload: raw,
    remoteAddress: OFFICE,
  });
}

beforeAll(async () => {
  t = await createTestApp({ env: LIMITS, loginRateLimitPerMinute: 1000 });
  for (const who of ['ana', 'ben', 'cat', 'dan', 'eve'])
    await createUser(t, { email: `${who}@rl.test`, role: 'admin' });
});
afterAll(() => t?.close());

describe('signed-in users', () => {
  it('are limited per user, not per address: colleagues behind one office address keep their own budget', async () => {
    const ana = await login(t, 'ana@rl.test');
    const ben = await login(t, 'ben@rl.test');
    const codes: number[] = [];
    for (let i = 0; i < PER_USER + 1; i++) codes.push((await get(t, '/api/auth/me', bearer(ana))).statusCode);
    expect(codes).toEqual([...Array(PER_USER).fill(200), 429]);

    const refused = await get(t, '/api/auth/me', bearer(ana));
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Same address, another user: untouched.
    expect((await get(t, '/api/auth/me', bearer(ben))).statusCode).toBe(200);
  });

  it('count the same user across addresses (a limit per user follows the user)', async () => {
    const cat = await login(t, 'cat@rl.test');
    const codes: number[] = [];
    for (let i = 0; i < PER_USER + 1; i++)
      codes.push((await get(t, '/api/auth/me', bearer(cat), `198.51.100.${i + 1}`)).statusCode);
    expect(codes.at(-1)).toBe(429);
  });
});

describe('anonymous callers', () => {
  it('are limited per address, refused requests included', async () => {
    const codes: number[] = [];
    for (let i = 0; i < PER_USER + 2; i++)
      codes.push((await get(t, '/api/tutors', {}, '192.0.2.10')).statusCode);
    expect(codes).toEqual([...Array(PER_USER).fill(401), 429, 429]);
    // Another address is not affected.
    expect((await get(t, '/api/tutors', {}, '192.0.2.11')).statusCode).toBe(401);
  });
});

describe('API keys', () => {
  it('are limited per key, with their own (larger) budget', async () => {
    const dan = await login(t, 'dan@rl.test');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(dan),
      payload: { name: 'report bot', role: 'viewer' },
      remoteAddress: OFFICE,
    });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;
    const codes: number[] = [];
    for (let i = 0; i < PER_KEY + 1; i++)
      codes.push((await get(t, '/api/analytics/overview', { 'x-api-key': key })).statusCode);
    expect(codes).toEqual([...Array(PER_KEY).fill(200), 429]);
    // The user who made the key has spent one request (the key's creation), not the key's.
    expect((await get(t, '/api/auth/me', bearer(dan))).statusCode).toBe(200);
  });
});

describe('health', () => {
  it('is never limited', async () => {
    for (let i = 0; i < PER_USER * 3; i++) {
      const r = await get(t, '/api/health', {}, '192.0.2.20');
      expect(r.statusCode).not.toBe(429);
    }
  });
});

describe('signed webhooks', () => {
  it('are limited per signing key, beyond the per-address budget, and forged deliveries spend nothing', async () => {
    const hook = await createTestApp({ env: LIMITS });
    try {
      // Forged deliveries from the marketplace's own address: refused, and they spend none of its budget.
      for (let i = 0; i < PER_WEBHOOK + 2; i++) {
        const forged = await deliver(hook, { secret: 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ==' });
        expect(forged.statusCode).toBe(401);
      }
      // More deliveries than the per-address budget (PER_USER), up to the key's.
      const codes: number[] = [];
      for (let i = 0; i < PER_WEBHOOK + 1; i++) codes.push((await deliver(hook)).statusCode);
      expect(codes).toEqual([...Array(PER_WEBHOOK).fill(202), 429]);
      const refused = await deliver(hook);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await hook.close();
    }
  });
});

describe.runIf(testEnv.redisUrl)('scaled mode', () => {
  it('API processes sharing a Redis prefix share the counters', async () => {
    const prefix = `tptest_rl_${uniqueSuffix()}`;
    const a = await createTestApp({ env: { ...LIMITS, REDIS_PREFIX: prefix } });
    const b = await createTestApp({ env: { ...LIMITS, REDIS_PREFIX: prefix } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < PER_USER + 1; i++)
        codes.push((await get(i % 2 ? b : a, '/api/tutors', {}, '192.0.2.30')).statusCode);
      expect(codes).toEqual([...Array(PER_USER).fill(401), 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
