/**
 * The dead-letter list, end to end through the real queue adapter (in-process; BullMQ when REDIS_URL is set)
 * and the real database (PGlite; Postgres when DATABASE_URL is set): a job that always throws ends as one
 * dead letter after its attempts, failing again re-opens the same entry, a re-run puts the original job back
 * and a now-succeeding job clears, discard closes it, and only admins may see or act on any of it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type TRole } from '@tutorpulse/contracts/identity';
import type { TDeadLetterDetail, TDeadLetterPage } from '@tutorpulse/contracts/dead-letters';
import { auditLog, deadLetters } from '../src/db/schema/index';
import { createDeadLetterSink } from '../src/platform/queue/dead-letters.service';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

let t: TestApp;
const sessions = {} as Record<TRole, Session>;
/** Tutor ids whose rescore job throws; every run is recorded. */
const failing = new Set<string>();
const runs: Array<{ tutorId: string; attempt: number; ok: boolean }> = [];
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) {
    await createUser(t, { email: `${role}@dead-letters.test`, role, studentId: 'stu-1', tutorId: 'tut-1' });
    sessions[role] = await login(t, `${role}@dead-letters.test`);
  }
  await t.rt.queue.work({
    'quality.rescore': async ({ tutorId }, ctx) => {
      const ok = !failing.has(tutorId);
      runs.push({ tutorId, attempt: ctx.attempt, ok });
      // NUL is not storable in Postgres text: the sink must still record the failure.
      if (!ok) throw new Error(`rescore exploded\u0000 for ${tutorId}`);
    },
  });
}, 60_000);
afterAll(() => t?.close());

const admin = () => bearer(sessions.admin);

async function rows(jobId: string) {
  return t.rt.database.db.select().from(deadLetters).where(eq(deadLetters.jobId, jobId));
}

async function failJob(tutorId: string, jobId: string, attempts = 3) {
  failing.add(tutorId);
  await t.rt.queue.add('quality.rescore', { tutorId }, { jobId, attempts, backoffMs: 5 });
  await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
}

async function idOf(jobId: string) {
  const [row] = await rows(jobId);
  if (!row) throw new Error(`no dead letter for ${jobId}`);
  return row.id;
}

describe('a job that keeps failing', () => {
  it('ends as one open dead letter after its attempts, with payload, error, stack and times', async () => {
    await failJob('tutor-always', 'dl-always');
    expect(runs.filter((r) => r.tutorId === 'tutor-always').map((r) => r.attempt)).toEqual([1, 2, 3]);
    const found = await rows('dl-always');
    expect(found).toHaveLength(1);
    const row = found[0]!;
    expect(row).toMatchObject({
      queue: 'default',
      jobName: 'quality.rescore',
      status: 'open',
      attempts: 3,
      failures: 1,
      payload: { tutorId: 'tutor-always' },
      actedBy: null,
    });
    expect(row.errorMessage).toBe('rescore exploded\uFFFD for tutor-always');
    expect(row.errorStack).toContain('rescore exploded');
    expect(row.firstFailedAt.toISOString()).toBe(t.clock.now().toISOString());
  });

  it('is listed for admins with filters, and readable with its payload and stack', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/dead-letters', headers: admin() });
    expect(list.statusCode).toBe(200);
    const page = list.json() as TDeadLetterPage;
    const item = page.data.find((d) => d.job_id === 'dl-always');
    expect(item).toMatchObject({
      job_name: 'quality.rescore',
      status: 'open',
      attempts: 3,
      queue: 'default',
    });
    expect(item).not.toHaveProperty('error_stack');

    for (const [query, expected] of [
      ['status=open&job_name=quality.rescore&queue=default', 1],
      ['status=discarded', 0],
      ['job_name=quality.email', 0],
      ['queue=pipeline', 0],
    ] as const) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/admin/dead-letters?${query}`,
        headers: admin(),
      });
      expect(res.statusCode, query).toBe(200);
      expect(
        (res.json() as TDeadLetterPage).data.filter((d) => d.job_id === 'dl-always'),
        query,
      ).toHaveLength(expected);
    }

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/admin/dead-letters/${item!.id}`,
      headers: admin(),
    });
    expect(detail.statusCode).toBe(200);
    const body = detail.json() as TDeadLetterDetail;
    expect(body.payload).toEqual({ tutorId: 'tutor-always' });
    expect(body.error_stack).toContain('rescore exploded');
  });

  it('re-run while still broken fails again into the same entry, re-opened, not a second row', async () => {
    const id = await idOf('dl-always');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/rerun`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ requeued: 'retried', dead_letter: { status: 'rerun' } });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    expect(runs.filter((r) => r.tutorId === 'tutor-always')).toHaveLength(6);
    const found = await rows('dl-always');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ status: 'open', failures: 2, attempts: 3 });
    // Who re-run it last is kept with the re-opened entry.
    expect(found[0]!.actedBy).toBe(sessions.admin.userId);
  });

  it('re-run once fixed: the original job runs with its payload and succeeds; the entry stays closed', async () => {
    const id = await idOf('dl-always');
    failing.delete('tutor-always');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/rerun`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(200);
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const last = runs.filter((r) => r.tutorId === 'tutor-always').at(-1);
    expect(last).toEqual({ tutorId: 'tutor-always', attempt: 1, ok: true });
    const [row] = await rows('dl-always');
    expect(row).toMatchObject({ status: 'rerun', failures: 2, actedByLabel: 'admin@dead-letters.test' });
    expect(row!.actedAt).not.toBeNull();
    expect((await t.rt.queue.listFailed()).map((f) => f.id)).not.toContain('dl-always');

    const audited = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'dead_letter.rerun'), eq(auditLog.targetId, id)));
    expect(audited).toHaveLength(2);
    expect(audited.every((a) => a.actorId === sessions.admin.userId && a.outcome === 'success')).toBe(true);

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/rerun`,
      headers: admin(),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('DEAD_LETTER_NOT_OPEN');
    const discard = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/discard`,
      headers: admin(),
    });
    expect(discard.statusCode).toBe(409);
  });

  it('re-run of a job the queue no longer holds enqueues the stored payload under the original id', async () => {
    // As after a restart in embedded mode: the entry is in the database, the in-memory queue is empty.
    await createDeadLetterSink({ db: t.rt.database.db }).record({
      queue: 'default',
      name: 'quality.rescore',
      id: 'dl-lost',
      payload: { tutorId: 'tutor-lost' },
      error: 'worker died',
      stack: null,
      attempts: 3,
      failedAt: t.clock.now(),
    });
    const id = await idOf('dl-lost');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/rerun`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().requeued).toBe('enqueued');
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    expect(runs.filter((r) => r.tutorId === 'tutor-lost')).toEqual([
      { tutorId: 'tutor-lost', attempt: 1, ok: true },
    ]);
    expect((await rows('dl-lost'))[0]?.status).toBe('rerun');
  });
});

describe('discard', () => {
  it('closes an open entry, audits it, leaves the job alone, and then refuses re-run and discard (409)', async () => {
    await failJob('tutor-discard', 'dl-discard', 2);
    const id = await idOf('dl-discard');
    const before = runs.length;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/admin/dead-letters/${id}/discard`,
      headers: admin(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'discarded', acted_by: sessions.admin.userId });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    expect(runs.length).toBe(before);
    const audited = await t.rt.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'dead_letter.discard'), eq(auditLog.targetId, id)));
    expect(audited).toHaveLength(1);
    for (const action of ['rerun', 'discard']) {
      const again = await t.app.inject({
        method: 'POST',
        url: `/api/admin/dead-letters/${id}/${action}`,
        headers: admin(),
      });
      expect(again.statusCode, action).toBe(409);
    }
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/admin/dead-letters?status=discarded',
      headers: admin(),
    });
    expect((list.json() as TDeadLetterPage).data.map((d) => d.job_id)).toEqual(['dl-discard']);
  });
});

describe('bad input', () => {
  it.each([
    ['GET', '/api/admin/dead-letters/not-a-uuid', 400],
    ['GET', `/api/admin/dead-letters/${MISSING_ID}`, 404],
    ['POST', '/api/admin/dead-letters/123/rerun', 400],
    ['POST', `/api/admin/dead-letters/${MISSING_ID}/rerun`, 404],
    ['POST', '/api/admin/dead-letters/%00/discard', 400],
    ['POST', `/api/admin/dead-letters/${MISSING_ID}/discard`, 404],
    ['GET', '/api/admin/dead-letters?status=broken', 400],
    ['GET', '/api/admin/dead-letters?limit=1000', 400],
    ['GET', '/api/admin/dead-letters?offset=-1', 400],
    ['GET', '/api/admin/dead-letters?job_name=%00', 400],
    ['GET', '/api/admin/dead-letters?nope=1', 400],
  ] as const)('%s %s answers %i', async (method, url, status) => {
    const res = await t.app.inject({ method, url, headers: admin() });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toHaveProperty('code');
  });
});

describe('authorization', () => {
  const routes = [
    ['GET', '/api/admin/dead-letters'],
    ['GET', `/api/admin/dead-letters/${MISSING_ID}`],
    ['POST', `/api/admin/dead-letters/${MISSING_ID}/rerun`],
    ['POST', `/api/admin/dead-letters/${MISSING_ID}/discard`],
  ] as const;

  it.each(routes)('%s %s: 401 without credentials', async (method, url) => {
    const res = await t.app.inject({ method, url });
    expect(res.statusCode).toBe(401);
  });

  it.each(routes)('%s %s: only admin gets past authorization; every other role 403', async (method, url) => {
    for (const role of ROLES) {
      const res = await t.app.inject({ method, url, headers: bearer(sessions[role]) });
      if (role === 'admin') expect(res.statusCode, role).toBe(url.endsWith('dead-letters') ? 200 : 404);
      else expect(res.statusCode, role).toBe(403);
    }
  });

  it('a non-admin cannot re-run or discard a real entry, and it stays open', async () => {
    await failJob('tutor-authz', 'dl-authz', 1);
    const id = await idOf('dl-authz');
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      for (const action of ['rerun', 'discard']) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/admin/dead-letters/${id}/${action}`,
          headers: bearer(sessions[role]),
        });
        expect(res.statusCode, `${role} ${action}`).toBe(403);
      }
    }
    expect((await rows('dl-authz'))[0]?.status).toBe('open');
  });
});
