import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, users } from '../src/db/schema/index';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_PASSWORD,
  type Session,
  type TestApp,
} from './helpers/build-app';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({ loginRateLimitPerMinute: 1000 });
  await createUser(t, { email: 'admin@id.test', role: 'admin' });
  admin = await login(t, 'admin@id.test');
});
afterAll(() => t?.close());

const countUsers = async () => (await t.rt.database.db.select({ n: count() }).from(users))[0]!.n;

describe('POST /api/auth/login', () => {
  it('sets an HttpOnly SameSite=Strict cookie and returns a Bearer token that works', async () => {
    await createUser(t, { email: 'coach1@id.test', role: 'coach' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'Coach1@ID.test', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'tp_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'coach1@id.test', role: 'coach' });
    expect(body.token_type).toBe('Bearer');
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().auth).toBe('bearer');
    const viaCookie = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { tp_session: cookie.value },
    });
    expect(viaCookie.json()).toMatchObject({ auth: 'cookie', csrf_token: body.csrf_token });
  });

  it('gives the same generic answer for an unknown email and a wrong password, and audits both', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@id.test', password: 'whatever-123' },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'admin@id.test', password: 'wrong-password' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    const failures = await t.rt.database.db.select().from(auditLog).where(eq(auditLog.outcome, 'failure'));
    expect(failures.map((f) => f.actorLabel)).toEqual(
      expect.arrayContaining(['nobody@id.test', 'admin@id.test']),
    );
    expect(JSON.stringify(failures)).not.toContain('wrong-password');
  });

  it('locks the account after 5 failures in 15 minutes, even for the right password, then lets it in', async () => {
    await createUser(t, { email: 'victim@id.test', role: 'viewer' });
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'victim@id.test', password: `guess-${i}-xx` },
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'victim@id.test', password: TEST_PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(16 * 60_000);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'victim@id.test', password: TEST_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses a disabled account with the generic message', async () => {
    await createUser(t, { email: 'gone@id.test', role: 'viewer', disabled: true });
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'gone@id.test', password: TEST_PASSWORD },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a cross-site login (foreign Origin)', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: 'admin@id.test', password: TEST_PASSWORD },
    });
    expect(r.statusCode).toBe(403);
  });

  it('rate-limits logins per IP', async () => {
    const limited = await createTestApp({ loginRateLimitPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: `x${i}@id.test`, password: 'nope-nope' },
        });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('sessions', () => {
  it('logout ends the session: the same token stops working', async () => {
    await createUser(t, { email: 'leaver@id.test', role: 'coach' });
    const s = await login(t, 'leaver@id.test');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(s) });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(s) });
    expect(after.statusCode).toBe(401);
  });

  it('expires after 30 minutes idle', async () => {
    await createUser(t, { email: 'idle@id.test', role: 'coach' });
    const s = await login(t, 'idle@id.test');
    t.clock.advance(29 * 60_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(s) })).statusCode).toBe(
      200,
    );
    t.clock.advance(29 * 60_000); // activity above moved the idle window
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(s) })).statusCode).toBe(
      200,
    );
    t.clock.advance(31 * 60_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(s) })).statusCode).toBe(
      401,
    );
  });

  it('disabling a user ends their sessions at once', async () => {
    const id = await createUser(t, { email: 'disable-me@id.test', role: 'operator' });
    const s = await login(t, 'disable-me@id.test');
    admin = await login(t, 'admin@id.test');
    const r = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: bearer(admin),
      payload: { disabled: true },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().disabled).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(s) })).statusCode).toBe(
      401,
    );
  });
});

describe('CSRF', () => {
  it('rejects a cookie-authenticated write without the token, accepts it with the token', async () => {
    admin = await login(t, 'admin@id.test');
    const payload = { name: 'csrf key', role: 'viewer' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { cookie: admin.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF_FAILED');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'forged' },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const keysBefore = (await t.rt.database.db.select({ n: count() }).from(apiKeys))[0]!.n;
    expect(keysBefore).toBe(0);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload,
    });
    expect(ok.statusCode).toBe(201);
  });

  it('does not ask Bearer clients for a CSRF token', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: 'bearer key', role: 'viewer' },
    });
    expect(r.statusCode).toBe(201);
  });
});

describe('API keys', () => {
  it('are shown once, hashed at rest, scoped to their role, and stop working when revoked', async () => {
    admin = await login(t, 'admin@id.test');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: 'ops bot', role: 'admin' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key).toMatch(/^tp_/);
    expect(key.startsWith(`tp_${prefix}_`)).toBe(true);
    const stored = await t.rt.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(JSON.stringify(stored)).not.toContain(key);
    const list = await t.app.inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } });
    expect(list.statusCode).toBe(200);
    const viaBearer = await t.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaBearer.statusCode).toBe(200);
    const listed = await t.app.inject({ method: 'GET', url: '/api/api-keys', headers: bearer(admin) });
    expect(JSON.stringify(listed.json())).not.toContain(key);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: bearer(admin) });
    expect(del.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
  });

  it('a viewer-scoped key cannot manage users', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: bearer(admin),
      payload: { name: 'viewer bot', role: 'viewer' },
    });
    const r = await t.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { 'x-api-key': created.json().key },
    });
    expect(r.statusCode).toBe(403);
  });
});

describe('users', () => {
  it('creates a user who can then log in, and audits it', async () => {
    admin = await login(t, 'admin@id.test');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: {
        email: 'New.Coach@id.test',
        name: 'New Coach',
        password: 'a-long-enough-pass',
        role: 'coach',
      },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ email: 'new.coach@id.test', role: 'coach', disabled: false });
    await login(t, 'new.coach@id.test', 'a-long-enough-pass');
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/audit-log?action=user.create',
      headers: bearer(admin),
    });
    expect(audit.json().data[0]).toMatchObject({
      action: 'user.create',
      actor_label: 'admin@id.test',
      outcome: 'success',
    });
  });

  it('refuses duplicates (409), common passwords and short ones (400), and writes nothing', async () => {
    const before = await countUsers();
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { email: 'admin@id.test', name: 'Dup', password: 'a-long-enough-pass', role: 'coach' },
    });
    expect(dup.statusCode).toBe(409);
    const common = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { email: 'c@id.test', name: 'C', password: 'password123', role: 'coach' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().details[0].path).toBe('password');
    const short = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(admin),
      payload: { email: 'd@id.test', name: 'D', password: 'short', role: 'coach' },
    });
    expect(short.statusCode).toBe(400);
    expect(JSON.stringify(short.json().details)).toContain('body.password');
    expect(await countUsers()).toBe(before);
  });

  it('will not let an admin disable themselves', async () => {
    const r = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${admin.userId}`,
      headers: bearer(admin),
      payload: { disabled: true },
    });
    expect(r.statusCode).toBe(422);
  });

  it('answers 404 for an unknown user', async () => {
    const r = await t.app.inject({
      method: 'PATCH',
      url: '/api/users/00000000-0000-4000-8000-000000000001',
      headers: bearer(admin),
      payload: { role: 'viewer' },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('NOT_FOUND');
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  const post = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...bearer(admin), 'content-type': 'application/json', ...headers },
      payload,
    });

  it.each([
    {
      name: 'malformed JSON',
      body: '{"email": "x@id.test",',
      status: 400,
      code: 'INVALID_JSON',
      field: undefined,
    },
    {
      name: 'an unknown field',
      body: JSON.stringify({
        email: 'u@id.test',
        name: 'U',
        password: 'a-long-enough-pass',
        role: 'coach',
        is_admin: true,
      }),
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'is_admin',
    },
    {
      name: 'a wrong type',
      body: JSON.stringify({ email: 'w@id.test', name: 42, password: 'a-long-enough-pass', role: 'coach' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'body.name',
    },
    {
      name: 'a bad enum',
      body: JSON.stringify({
        email: 'e@id.test',
        name: 'E',
        password: 'a-long-enough-pass',
        role: 'superuser',
      }),
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'body.role',
    },
    {
      name: 'an oversized body',
      body: JSON.stringify({
        email: 'o@id.test',
        name: 'x'.repeat(1_100_000),
        password: 'a-long-enough-pass',
        role: 'coach',
      }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      field: undefined,
    },
  ])('$name → $status $code', async ({ body, status, code, field }) => {
    admin = await login(t, 'admin@id.test');
    const before = await countUsers();
    const r = await post(body);
    expect(r.statusCode).toBe(status);
    expect(r.json().code).toBe(code);
    expect(typeof r.json().error).toBe('string');
    if (field) expect(JSON.stringify(r.json().details)).toContain(field);
    expect(await countUsers()).toBe(before);
  });

  it('a bad query parameter names the field', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/users?limit=5000', headers: bearer(admin) });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json().details)).toContain('querystring.limit');
  });

  it('an unknown API route is a JSON 404', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/nope', headers: bearer(admin) });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('NOT_FOUND');
  });
});
