/**
 * Deny by default, checked on every route: without credentials every non-public route answers 401, and each
 * role the route does not allow gets 403 (and the denial is audited). Walks the app's own route table, so a
 * new route is covered the day it is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type TRole } from '@tutorpulse/contracts/identity';
import { auditLog } from '../src/db/schema/index';
import { createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';
import { eq } from 'drizzle-orm';

let t: TestApp;
const sessions = {} as Record<TRole, Session>;
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) {
    await createUser(t, { email: `${role}@authz.test`, role, studentId: 'stu-1', tutorId: 'tut-1' });
    sessions[role] = await login(t, `${role}@authz.test`);
  }
});
afterAll(() => t?.close());

const urlOf = (url: string) => url.replace(/:[A-Za-z_]+/g, SAMPLE_ID);

describe('every route declares who may call it', () => {
  it('has a non-empty route table including the identity routes', () => {
    const urls = t.app.accessTable.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('POST /api/auth/login');
    expect(urls).toContain('GET /api/users');
    expect(urls).toContain('GET /metrics');
  });

  it('answers 401 without credentials on every non-public route', async () => {
    const failures: string[] = [];
    for (const r of t.app.accessTable) {
      if ('public' in r.access) continue;
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: urlOf(r.url),
        payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      });
      if (res.statusCode !== 401 || res.json().code !== 'UNAUTHENTICATED')
        failures.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 to a forged or expired token', async () => {
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(forged.statusCode).toBe(401);
    const badKey = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'x-api-key': 'tp_nope_nope' },
    });
    expect(badKey.statusCode).toBe(401);
  });

  it('answers 403 to every role a route does not allow, and audits the denial', async () => {
    const failures: string[] = [];
    let denials = 0;
    for (const r of t.app.accessTable) {
      if ('public' in r.access) continue;
      for (const role of ROLES) {
        if (r.access.roles.includes(role)) continue;
        denials++;
        const res = await t.app.inject({
          method: r.method as 'GET',
          url: urlOf(r.url),
          headers: { authorization: `Bearer ${sessions[role].token}` },
          payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        });
        if (res.statusCode !== 403) failures.push(`${role} ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(denials).toBeGreaterThan(10);
    const audited = await t.rt.database.db.select().from(auditLog).where(eq(auditLog.action, 'authz.denied'));
    expect(audited.length).toBeGreaterThanOrEqual(denials);
  });

  it('lets every allowed role through (no 401/403)', async () => {
    const failures: string[] = [];
    for (const r of t.app.accessTable) {
      // Logout and refresh (which rotates the session) end the token the walk goes on using.
      if (
        'public' in r.access ||
        r.url === '/api/events' ||
        r.url === '/api/auth/logout' ||
        r.url === '/api/auth/refresh'
      )
        continue;
      for (const role of r.access.roles) {
        const res = await t.app.inject({
          method: r.method as 'GET',
          url: urlOf(r.url),
          headers: { authorization: `Bearer ${sessions[role].token}` },
          payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        });
        if (res.statusCode === 401 || res.statusCode === 403)
          failures.push(`${role} ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
