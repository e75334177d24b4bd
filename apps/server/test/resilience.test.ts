/**
 * Faults: Postgres and Redis going away and coming back. Outages are simulated without touching the machine's
 * services: a small TCP proxy sits between the code and Postgres/Redis, and the test severs it (destroying the
 * live sockets gives the errors a restart gives) and restores it. Scaled-only parts run when DATABASE_URL /
 * REDIS_URL are set (and fail when REQUIRE_SERVICES=1 and they are not).
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config/env';
import { createDatabase } from '../src/db/client';
import { emailReports } from '../src/db/schema/index';
import { jobRegistry } from '../src/jobs';
import {
  createDependencyMonitor,
  isDatabaseUnavailable,
  isRedisUnavailable,
} from '../src/platform/dependency-monitor';
import { access } from '../src/platform/auth/principal';
import { createBullmqQueue, isConnectionError } from '../src/platform/queue/bullmq-queue';
import { dropRedisNamespace } from '../src/platform/redis-namespace';
import { StartupError, waitForPostgres } from '../src/platform/startup';
import { createRuntime } from '../src/runtime';
import { createTestApp, TEST_JWT_SECRET, TEST_WEBHOOK_SECRET, type TestApp } from './helpers/build-app';
import { testEnv, uniqueSuffix } from './helpers/services';

/** A TCP proxy to `target` that can be severed (live sockets destroyed, new ones refused) and restored. */
async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sever() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((r) => {
        open = false;
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function proxied(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, tries = 200): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met; last value: ${JSON.stringify(last)}`);
}

/** Collects log lines (level and message) written through a real pino logger. */
function captureLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line) lines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  return { logger, lines };
}

let unexpected: unknown[] = [];
const onUnexpected = (err: unknown) => unexpected.push(err);
beforeAll(() => {
  unexpected = [];
  process.on('uncaughtException', onUnexpected);
  process.on('unhandledRejection', onUnexpected);
});
afterAll(() => {
  process.off('uncaughtException', onUnexpected);
  process.off('unhandledRejection', onUnexpected);
  expect(unexpected).toEqual([]);
});

describe('classifying dependency errors', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, true],
    [
      { code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' },
      true,
    ],
    [{ code: '57P03', severity: 'FATAL', message: 'the database system is starting up' }, true],
    [{ code: '08006', severity: 'FATAL', message: 'connection failure' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('wrapped', { cause: new Error('Connection terminated due to connection timeout') }), true],
    [{ code: '23505', severity: 'ERROR', message: 'duplicate key' }, false],
    [new Error('Cannot read properties of undefined'), false],
  ])('%o → database unavailable: %s', (err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });

  it('tells Redis giving up from other errors', () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(isRedisUnavailable(maxRetries)).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key'))).toBe(false);
  });
});

describe('Redis connection errors versus BullMQ job errors', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }), true],
    [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), true],
    [new Error('Connection is closed.'), true],
    // BullMQ's script errors carry numeric codes: a job's keys gone with a Redis restarted empty, not an outage.
    [Object.assign(new Error('Missing key for job tier1%3Ax. moveToFinished'), { code: -1 }), false],
    [Object.assign(new Error('Missing lock for job x. moveToDelayed'), { code: -2 }), false],
    [new Error('could not renew lock for job x'), false],
  ])('%o → counts as Redis down: %s', (err, expected) => {
    expect(isConnectionError(err)).toBe(expected);
  });
});

describe('the dependency monitor', () => {
  it('logs a change of state once and a continuing outage at most once per interval', () => {
    let now = 0;
    const logs: string[] = [];
    const logger = {
      info: (_: object, m: string) => logs.push(`info ${m}`),
      warn: (_: object, m: string) => logs.push(`warn ${m}`),
    };
    const monitor = createDependencyMonitor({ logger, repeatDownMs: 30_000, now: () => now });
    const redis = monitor.register('redis', { setting: 'REDIS_URL', target: '127.0.0.1:6390' });
    // 12 connections failing every 2 s for a minute: 360 errors.
    for (let t = 0; t < 60_000; t += 2_000) {
      now = t;
      for (let c = 0; c < 12; c++) redis.down(new Error('connect ECONNREFUSED'), `conn${c}`);
    }
    expect(redis.isUp()).toBe(false);
    for (let c = 0; c < 11; c++) redis.up(`conn${c}`);
    expect(redis.isUp()).toBe(false);
    redis.up('conn11');
    expect(redis.isUp()).toBe(true);
    // Down at 0 s, still down at 30 s, back: three lines for 360 errors.
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(/^warn redis unreachable at 127\.0\.0\.1:6390 \(REDIS_URL\)/);
    expect(logs[1]).toMatch(/still unreachable .* after 30 s/);
    expect(logs[2]).toMatch(/^info redis is reachable again/);
    monitor.close();
  });
});

describe('start-up wait for Postgres', () => {
  it('names DATABASE_URL and what to check when it never answers', async () => {
    const { logger, lines } = captureLogger();
    const err = await waitForPostgres({
      ping: () =>
        Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        ),
      url: 'postgres://u:secret@127.0.0.1:1/db',
      timeoutS: 3,
      logger,
      sleep: async () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/DATABASE_URL \(127\.0\.0\.1:1\/db\)/);
    expect((err as Error).message).toMatch(/STARTUP_WAIT_S/);
    expect((err as Error).message).not.toMatch(/secret/);
    expect(lines.filter((l) => /waiting for Postgres at DATABASE_URL/.test(l.msg))).toHaveLength(1);
  });

  it('stops waiting at once when the database does not exist', async () => {
    const err = await waitForPostgres({
      ping: () => Promise.reject(Object.assign(new Error('database "x" does not exist'), { code: '3D000' })),
      url: 'postgres://127.0.0.1:5432/x',
      timeoutS: 3600,
      logger: { info() {}, warn() {} },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/createdb/);
  });
});

describe('HTTP answers while a dependency is away (both modes)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      routes: (app) => {
        app.get('/api/test/db-gone', { config: { access: access.public } }, async () => {
          throw Object.assign(new Error('terminating connection due to administrator command'), {
            code: '57P01',
            severity: 'FATAL',
          });
        });
      },
    });
  });
  afterAll(() => t?.close());

  it('GET /api/health/live answers 200 even when the database does not', async () => {
    const original = t.rt.database.ping;
    t.rt.database.ping = () => Promise.reject(new Error('connect ECONNREFUSED'));
    try {
      const live = await t.app.inject({ method: 'GET', url: '/api/health/live' });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toMatchObject({ status: 'ok' });
      const ready = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'degraded', down: ['database'] });
      expect(ready.headers['retry-after']).toBeDefined();
    } finally {
      t.rt.database.ping = original;
    }
  });

  it('a request failing because the database is unreachable gets 503 with retry-after, not 500', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/test/db-gone' });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(r.body).not.toMatch(/administrator/);
  });

  it('mails left pending without a job are enqueued again by the mail sweep, once per attempt', async () => {
    const now = t.clock.now();
    const old = new Date(now.getTime() - 10 * 60_000);
    const [row] = await t.rt.database.db
      .insert(emailReports)
      .values({
        kind: 'session_report',
        dedupeKey: `resilience:${uniqueSuffix()}`,
        recipientEmail: 'admin@resilience.test',
        subject: 'lost mail',
        createdAt: old,
        updatedAt: old,
      })
      .returning({ id: emailReports.id });
    const fresh = await t.rt.database.db
      .insert(emailReports)
      .values({
        kind: 'session_report',
        dedupeKey: `resilience:${uniqueSuffix()}`,
        recipientEmail: 'admin@resilience.test',
        subject: 'just queued',
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: emailReports.id });
    expect(await t.app.services.reports.sweepPending()).toEqual({ requeued: 1 });
    expect(await t.app.services.reports.sweepPending()).toEqual({ requeued: 0 });
    expect(row?.id).toBeDefined();
    expect(fresh).toHaveLength(1);
    // With no age limit (Redis came back empty) the fresh one is taken too.
    expect(await t.app.services.reports.sweepPending({ staleAfterMs: 0 })).toEqual({ requeued: 1 });
  });
});

describe.runIf(testEnv.databaseUrl || testEnv.requireServices)('Postgres going away (scaled)', () => {
  it('no crash, health 503 then 200, requests 503 then served, without a restart', async () => {
    if (!testEnv.databaseUrl) throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL is not set');
    const realUrl = new URL(testEnv.databaseUrl);
    const name = `tp_resil_${uniqueSuffix()
      .replace(/[^a-z0-9_]/gi, '_')
      .toLowerCase()}`;
    const admin = await createDatabase({ kind: 'postgres', url: realUrl.toString(), poolSize: 1 });
    await admin.db.execute(sql.raw(`create database ${name}`));
    const target = new URL(realUrl);
    target.pathname = `/${name}`;
    const proxy = await startProxy({ host: realUrl.hostname, port: Number(realUrl.port || 5432) });
    const { logger, lines } = captureLogger();
    const config = loadConfig(
      {
        DATABASE_URL: proxied(target.toString(), proxy.port),
        JWT_SECRET: TEST_JWT_SECRET,
        WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        LOG_LEVEL: 'info',
        REDIS_PREFIX: `tptest_${uniqueSuffix()}`,
      },
      { persistSecrets: false },
    );
    const rt = await createRuntime(config, { logger });
    const app = await buildApp(rt, { webDist: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      // A client checked out inside a transaction, idle between queries, when the server goes away: the case
      // that crashed processes (an 'error' event on a pg client with no listener).
      const inTx = rt.database.db
        .transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          proxy.sever();
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`select 1`);
        })
        .catch((e: unknown) => e);
      expect(isDatabaseUnavailable(await inTx)).toBe(true);

      const down = await app.inject({ method: 'GET', url: '/api/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ down: ['database'] });
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'nobody@resilience.test', password: 'whatever whatever' },
      });
      expect(login.statusCode).toBe(503);
      expect(login.headers['retry-after']).toBeDefined();
      expect((await app.inject({ method: 'GET', url: '/api/health/live' })).statusCode).toBe(200);

      proxy.restore();
      await eventually(
        () => app.inject({ method: 'GET', url: '/api/health' }),
        (r) => r.statusCode === 200,
      );
      const again = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'nobody@resilience.test', password: 'whatever whatever' },
      });
      expect(again.statusCode).toBe(401);
      expect(lines.filter((l) => /postgres unreachable/.test(l.msg)).length).toBe(1);
      await eventually(
        async () => lines.some((l) => /postgres is reachable again/.test(l.msg)),
        (v) => v,
      );
    } finally {
      await app.close();
      await rt.close();
      await proxy.close();
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    }
  });
});

describe.runIf(testEnv.redisUrl || testEnv.requireServices)('Redis restarting empty (scaled)', () => {
  it('re-creates the schedules and tells one worker that the jobs were lost', async () => {
    if (!testEnv.redisUrl) throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
    const real = new URL(testEnv.redisUrl);
    const proxy = await startProxy({ host: real.hostname, port: Number(real.port || 6379) });
    const prefix = `tptest_${uniqueSuffix()}`;
    const monitor = createDependencyMonitor({ logger: { info() {}, warn() {} } });
    const dep = monitor.register('redis', { setting: 'REDIS_URL' });
    const queue = createBullmqQueue({
      registry: jobRegistry,
      redisUrl: proxied(testEnv.redisUrl, proxy.port),
      prefix,
      dependency: dep,
      scheduleCheckMs: 200,
      logger: { info() {}, warn() {}, error() {} } as never,
    });
    const inspect = new Redis(testEnv.redisUrl);
    const schedulerKeys = () => inspect.keys(`${prefix}:*repeat*`);
    try {
      await queue.work({ 'sessions.sweep': async () => undefined });
      await queue.schedule('sessions-sweep', '* * * * *', 'sessions.sweep', {});
      expect((await schedulerKeys()).length).toBeGreaterThan(0);
      const ready: boolean[] = [];
      queue.onReady((info) => ready.push(info.dataLost));

      // Redis "restarts empty": this prefix's keys deleted while the connections are cut.
      proxy.sever();
      await eventually(
        async () => dep.isUp(),
        (up) => !up,
      );
      await dropRedisNamespace(testEnv.redisUrl, prefix);
      expect(await schedulerKeys()).toEqual([]);
      proxy.restore();

      await eventually(
        async () => ready,
        (r) => r.length > 0,
      );
      expect(ready[0]).toBe(true);
      await eventually(schedulerKeys, (keys) => keys.length > 0);
      await eventually(
        async () => dep.isUp(),
        (up) => up,
      );

      // Deleted again while connected: the periodic check puts it back.
      await dropRedisNamespace(testEnv.redisUrl, prefix);
      await eventually(schedulerKeys, (keys) => keys.length > 0);
    } finally {
      await queue.close();
      monitor.close();
      await dropRedisNamespace(testEnv.redisUrl, prefix).catch(() => 0);
      inspect.disconnect();
      await proxy.close();
    }
  });

  it('tells a working process, not a producer-only one (an API) that reconnects first', async () => {
    if (!testEnv.redisUrl) throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
    const real = new URL(testEnv.redisUrl);
    const target = { host: real.hostname, port: Number(real.port || 6379) };
    const apiProxy = await startProxy(target);
    const workerProxy = await startProxy(target);
    const prefix = `tptest_${uniqueSuffix()}`;
    const quiet = { info() {}, warn() {}, error() {} } as never;
    const api = createBullmqQueue({
      registry: jobRegistry,
      redisUrl: proxied(testEnv.redisUrl, apiProxy.port),
      prefix,
      logger: quiet,
    });
    const worker = createBullmqQueue({
      registry: jobRegistry,
      redisUrl: proxied(testEnv.redisUrl, workerProxy.port),
      prefix,
      logger: quiet,
    });
    const inspect = new Redis(testEnv.redisUrl);
    const epochKey = `${prefix}:tutorpulse:epoch`;
    try {
      await worker.work({ 'sessions.sweep': async () => undefined });
      await api.ping();
      await eventually(() => inspect.get(epochKey), (v) => v !== null);
      const told: Array<{ who: string; dataLost: boolean }> = [];
      api.onReady((info) => told.push({ who: 'api', ...info }));
      worker.onReady((info) => told.push({ who: 'worker', ...info }));

      // Redis "restarts empty"; the API's connection comes back first.
      apiProxy.sever();
      workerProxy.sever();
      await dropRedisNamespace(testEnv.redisUrl, prefix);
      apiProxy.restore();
      await eventually(
        async () => told,
        (t) => t.some((x) => x.who === 'api'),
      );
      // The API did not claim the new epoch: the loss is still there for a worker to find.
      expect(await inspect.get(epochKey)).toBeNull();
      workerProxy.restore();
      await eventually(
        async () => told,
        (t) => t.some((x) => x.who === 'worker'),
      );
      expect(told).toEqual([
        { who: 'api', dataLost: false },
        { who: 'worker', dataLost: true },
      ]);
    } finally {
      // Closing needs Redis: a failed assertion above must not leave the closes hanging on a severed proxy.
      apiProxy.restore();
      workerProxy.restore();
      await api.close();
      await worker.close();
      await dropRedisNamespace(testEnv.redisUrl, prefix).catch(() => 0);
      inspect.disconnect();
      await apiProxy.close();
      await workerProxy.close();
    }
  });
});
