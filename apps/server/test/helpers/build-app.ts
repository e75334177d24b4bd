/**
 * Builds the real app for an integration test file: real database (see services.ts), real queue and bus
 * adapters (memory, or BullMQ + Redis when REDIS_URL is set), the outbox mailer in a temp dir, a manual clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import type { Database } from '../../src/db/client';
import { users } from '../../src/db/schema/index';
import { hashPassword } from '../../src/modules/identity/passwords';
import { createManualClock, type ManualClock } from '../../src/platform/clock';
import { createLogger, type Logger } from '../../src/platform/logger';
import { dropRedisNamespace } from '../../src/platform/redis-namespace';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createTestDatabase, testEnv, uniqueSuffix, type TestDatabase } from './services';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789-abcdefghijklmnop';
export const TEST_WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const TEST_PASSWORD = 'correct horse battery staple';

export type TestApp = {
  app: FastifyInstance;
  rt: Runtime;
  clock: ManualClock;
  dataDir: string;
  db: TestDatabase;
  close(): Promise<void>;
};

export async function createTestApp(
  opts: BuildAppOptions & {
    env?: Record<string, string>;
    now?: string;
    logger?: Logger;
    /** Test-only routes added before the app is ready: probes into the real hooks and error handler. */
    routes?: (app: FastifyInstance) => void;
    /** A database of the test's own instead of a fresh one (e.g. one that cannot be reached); closed, not dropped. */
    database?: Database;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-test-'));
  const own = opts.database;
  const db: TestDatabase = own
    ? { database: own, label: 'given', drop: () => own.close().catch(() => {}) }
    : await createTestDatabase();
  // Each test file its own Redis namespace (queues and events channel), dropped when it closes.
  const redisPrefix = `${testEnv.namePrefix === 'tp_test' ? 'tptest' : testEnv.namePrefix}_${uniqueSuffix()}`;
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      LOG_LEVEL: 'silent',
      REDIS_PREFIX: redisPrefix,
      ...(testEnv.databaseUrl ? { DATABASE_URL: testEnv.databaseUrl } : {}),
      ...(testEnv.redisUrl ? { REDIS_URL: testEnv.redisUrl } : {}),
      ...opts.env,
    },
    { persistSecrets: false },
  );
  if (!testEnv.redisUrl && testEnv.requireServices)
    throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
  const clock = createManualClock(opts.now ?? '2026-11-20T12:00:00Z');
  const rt = await createRuntime(config, {
    database: db.database,
    clock,
    logger: opts.logger ?? createLogger({ level: 'silent' }),
  });
  const { env: _env, now: _now, logger: _logger, routes, database: _database, ...appOptions } = opts;
  const app = await buildApp(rt, { webDist: false, ...appOptions });
  routes?.(app);
  await app.ready();
  return {
    app,
    rt,
    clock,
    dataDir,
    db,
    async close() {
      await app.close();
      await rt.close(); // closes the database too
      if (config.redisUrl) await dropRedisNamespace(config.redisUrl, config.redisPrefix).catch(() => 0);
      if (db.label === 'postgres') await db.drop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inserts a user directly (fast path for tests); returns its id. */
export async function createUser(
  t: TestApp,
  u: {
    email: string;
    role: (typeof users.$inferInsert)['role'];
    password?: string;
    disabled?: boolean;
    studentId?: string;
    tutorId?: string;
  },
): Promise<string> {
  const [row] = await t.rt.database.db
    .insert(users)
    .values({
      email: u.email,
      name: u.email.split('@')[0]!,
      role: u.role,
      passwordHash: await hashPassword(u.password ?? TEST_PASSWORD),
      disabled: u.disabled ?? false,
      studentId: u.studentId ?? null,
      tutorId: u.tutorId ?? null,
    })
    .returning({ id: users.id });
  return row!.id;
}

export type Session = { token: string; cookie: string; csrf: string; userId: string };

export async function login(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { token: string; csrf_token: string; user: { id: string } };
  const setCookie = res.cookies.find((c) => c.name === 'tp_session');
  return {
    token: body.token,
    cookie: `tp_session=${setCookie!.value}`,
    csrf: body.csrf_token,
    userId: body.user.id,
  };
}

export const bearer = (s: Session) => ({ authorization: `Bearer ${s.token}` });
