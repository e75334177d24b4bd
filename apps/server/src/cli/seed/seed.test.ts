/**
 * The demo seed against a real database: row counts match the generated data, stored sessions are exactly
 * what the sessions module's mapping produces, a re-run adds nothing, and the demo accounts exist and log in.
 * Runs on one in-memory PGlite, and also on a fresh database of the Postgres server in DATABASE_URL when set
 * (REQUIRE_SERVICES=1 turns a missing DATABASE_URL into a failure). Plus the CLI's handling of bad options.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTestEnv } from '../../config/env';
import { createDatabase, type Database } from '../../db/client';
import {
  reschedules,
  sessions,
  students,
  subjects,
  tutorSubjects,
  tutors,
  users,
} from '../../db/schema/index';
import { verifyPassword } from '../../modules/identity/passwords';
import { toSessionRecord } from '../../modules/sessions/session-mapping';
import { dropRedisNamespace } from '../../platform/redis-namespace';
import { runCli } from '../main';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts';
import { collectSessions, generateDemoDataset, type GroundTruth } from './generate';
import { seedDemo, type SeedDemoOptions, type SeedDemoResult } from './seed';

const testEnv = readTestEnv();
const NOW = new Date('2025-06-15T18:23:00Z');
const SMALL = { scale: 0.01, seed: 5, days: 30, now: NOW } as const;

type Target = {
  name: string;
  open(): Promise<{ database: Database; dispose(): Promise<void> }>;
};

const targets: Target[] = [
  {
    name: 'PGlite',
    async open() {
      const database = await createDatabase({ kind: 'pglite', dataDir: 'memory' });
      return { database, dispose: () => database.close() };
    },
  },
];
if (testEnv.databaseUrl) {
  const serverUrl = testEnv.databaseUrl;
  targets.push({
    name: 'Postgres',
    async open() {
      // A fresh database per run on the given server, so the test owns every row it counts.
      const name = `tp_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const database = await createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
      return {
        database,
        async dispose() {
          await database.close();
          const cleanup = new pg.Client({ connectionString: serverUrl });
          await cleanup.connect();
          await cleanup.query(`drop database if exists ${name} with (force)`);
          await cleanup.end();
        },
      };
    },
  });
} else if (testEnv.requireServices) {
  describe('Postgres', () => {
    it('is required (REQUIRE_SERVICES=1) but DATABASE_URL is not set', () => {
      throw new Error('Set DATABASE_URL to run the seed tests against Postgres, or unset REQUIRE_SERVICES');
    });
  });
} else {
  console.info('seed.test: DATABASE_URL is not set, so the Postgres run is skipped (PGlite only)');
}

describe.each(targets)('seedDemo on $name', (target) => {
  let database: Database;
  let dispose: () => Promise<void>;
  let tmp: string;
  let options: SeedDemoOptions;
  let first: SeedDemoResult;

  beforeAll(async () => {
    ({ database, dispose } = await target.open());
    await database.migrate();
    tmp = mkdtempSync(path.join(tmpdir(), 'tp-seed-'));
    options = {
      db: database.db,
      ...SMALL,
      truthPath: path.join(tmp, 'truth', 'ground-truth.json'),
      withAccounts: true,
      quiet: true,
    };
    first = await seedDemo(options);
  });

  afterAll(async () => {
    await dispose?.();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function countRows() {
    const db = database.db;
    const one = async (
      table:
        | typeof sessions
        | typeof tutors
        | typeof students
        | typeof subjects
        | typeof reschedules
        | typeof users
        | typeof tutorSubjects,
    ) => Number((await db.select({ n: count() }).from(table))[0]?.n ?? 0);
    return {
      subjects: await one(subjects),
      tutors: await one(tutors),
      tutorSubjects: await one(tutorSubjects),
      students: await one(students),
      sessions: await one(sessions),
      reschedules: await one(reschedules),
      users: await one(users),
    };
  }

  it('stores every generated record, sessions as received, and writes the ground truth', async () => {
    const rows = await countRows();
    const g = first.generated;
    expect(g.sessions).toBeGreaterThan(500);
    expect(rows).toMatchObject({
      subjects: g.subjects,
      tutors: g.tutors,
      students: g.students,
      sessions: g.sessions,
      reschedules: g.reschedules,
      users: DEMO_ACCOUNTS.length,
    });
    expect(first.inserted).toMatchObject({
      sessions: g.sessions,
      reschedules: g.reschedules,
      tutors: g.tutors,
      accounts: 6,
    });
    expect(rows.tutorSubjects).toBe(first.inserted.tutorSubjects);
    const statuses = await database.db.selectDistinct({ status: sessions.processingStatus }).from(sessions);
    expect(statuses).toEqual([{ status: 'received' }]);

    const truth = JSON.parse(readFileSync(options.truthPath as string, 'utf8')) as GroundTruth;
    expect(truth).toMatchObject({
      seed: SMALL.seed,
      scale: SMALL.scale,
      days: SMALL.days,
      now: NOW.toISOString(),
    });
    expect(truth.counts.sessions).toBe(g.sessions);
    for (const ids of Object.values(truth.behaviours)) expect(ids.length).toBeGreaterThanOrEqual(2);
    const planted = Object.values(truth.behaviours).flat();
    const found = await database.db.select({ id: tutors.id }).from(tutors);
    const tutorIds = new Set(found.map((t) => t.id));
    for (const id of planted) expect(tutorIds.has(id)).toBe(true);
  });

  it('stores sessions and reschedules exactly as the sessions module maps the payloads', async () => {
    const { sessions: payloads } = collectSessions(generateDemoDataset(SMALL));
    const samples = [
      payloads[0],
      payloads.find((p) => p.transcript),
      payloads.find((p) => p.tutor_join_time === null),
      payloads.find((p) => p.reschedule),
      payloads.find((p) => p.subjects_covered.length > 1) ?? payloads[1],
    ];
    for (const payload of samples) {
      if (!payload) throw new Error('the sample dataset lacks a kind of session');
      const [row] = await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.sessionId, payload.session_id));
      expect(row).toMatchObject(toSessionRecord(payload));
    }
    const rescheduled = samples[3];
    const [row] = await database.db
      .select({
        initiator: reschedules.initiator,
        originalTime: reschedules.originalTime,
        hours: reschedules.hoursBeforeSession,
      })
      .from(reschedules)
      .innerJoin(sessions, eq(sessions.id, reschedules.sessionId))
      .where(eq(sessions.sessionId, rescheduled?.session_id ?? ''));
    expect(row?.initiator).toBe(rescheduled?.reschedule?.initiator);
    expect(row?.originalTime).toEqual(new Date(rescheduled?.reschedule?.original_time ?? 0));
    expect(row?.hours).toBeGreaterThan(0);
  });

  it('adds nothing when run again with the same seed', async () => {
    const before = await countRows();
    const again = await seedDemo(options);
    expect(again.inserted).toEqual({
      subjects: 0,
      tutors: 0,
      tutorSubjects: 0,
      students: 0,
      sessions: 0,
      reschedules: 0,
      accounts: 0,
    });
    expect(again.generated).toEqual(first.generated);
    expect(await countRows()).toEqual(before);
  });

  it('creates the demo accounts with their roles, links and the documented password', async () => {
    const accounts = await database.db
      .select({
        email: users.email,
        role: users.role,
        tutorId: users.tutorId,
        studentId: users.studentId,
        hash: users.passwordHash,
      })
      .from(users);
    expect(accounts.map((a) => [a.email, a.role]).sort()).toEqual(
      DEMO_ACCOUNTS.map((a) => [a.email, a.role]).sort(),
    );
    const student = accounts.find((a) => a.role === 'student');
    const tutor = accounts.find((a) => a.role === 'tutor');
    expect(
      await database.db
        .select({ id: students.id })
        .from(students)
        .where(eq(students.id, student?.studentId ?? '')),
    ).toHaveLength(1);
    expect(
      await database.db
        .select({ id: tutors.id })
        .from(tutors)
        .where(eq(tutors.id, tutor?.tutorId ?? '')),
    ).toHaveLength(1);
    for (const a of accounts.filter((x) => x.role !== 'student' && x.role !== 'tutor')) {
      expect(a.tutorId).toBeNull();
      expect(a.studentId).toBeNull();
    }
    const admin = accounts.find((a) => a.role === 'admin');
    expect(admin?.hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin?.hash ?? '', DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(admin?.hash ?? '', 'not-the-password')).toBe(false);
    // Each account has its own salt.
    expect(new Set(accounts.map((a) => a.hash)).size).toBe(accounts.length);
  });

  it('leaves accounts out when not asked for them', async () => {
    const without = await seedDemo({ ...options, seed: 6, truthPath: null, withAccounts: false });
    expect(without.inserted.accounts).toBe(0);
    expect(without.inserted.sessions).toBe(without.generated.sessions);
    expect((await countRows()).users).toBe(DEMO_ACCOUNTS.length);
  });
});

/**
 * `tutorpulse seed` end to end, as an operator runs it: embedded (PGlite in DATA_DIR) and, when DATABASE_URL and
 * REDIS_URL are set, scaled (its own fresh database and Redis prefix). Every seeded session ends scored, unless
 * `--no-process` asks to only write the data.
 */
const cliModes = [
  { name: 'embedded', scaled: false },
  ...(testEnv.databaseUrl && testEnv.redisUrl ? [{ name: 'scaled', scaled: true }] : []),
];
describe.each(cliModes)('tutorpulse seed ($name)', ({ scaled }) => {
  let tmp: string;
  let env: Record<string, string | undefined>;
  let dispose: () => Promise<void> = async () => {};

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'tp-seed-cli-'));
    env = {
      DATA_DIR: tmp,
      LOG_LEVEL: 'silent',
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      REDIS_PREFIX: `tpseedcli_${randomBytes(3).toString('hex')}`,
      // Scaled mode wants its secrets given, not generated.
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    };
    if (scaled) {
      const serverUrl = testEnv.databaseUrl!;
      const name = `tp_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
      env.REDIS_URL = testEnv.redisUrl!;
      dispose = async () => {
        await dropRedisNamespace(testEnv.redisUrl!, env.REDIS_PREFIX!).catch(() => 0);
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      };
    }
  });
  afterAll(async () => {
    await dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function seedCli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      [
        'node',
        'tutorpulse',
        'seed',
        '--scale',
        '0.01',
        '--days',
        '20',
        '--now',
        NOW.toISOString(),
        '--quiet',
        ...args,
      ],
      { out: (l) => out.push(l), err: (l) => err.push(l), env },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  async function statusCounts() {
    const database = await createDatabase(
      env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 }
        : { kind: 'pglite', dataDir: path.join(tmp, 'db') },
    );
    try {
      const rows = await database.db
        .select({ status: sessions.processingStatus, n: count() })
        .from(sessions)
        .groupBy(sessions.processingStatus);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    } finally {
      await database.close();
    }
  }

  it('with --no-process only writes: every session stays received', async () => {
    const r = await seedCli('--seed', '7', '--no-process');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/not processed \(--no-process\)/);
    const counts = await statusCounts();
    expect(counts.received).toBeGreaterThan(0);
    expect(counts.processed ?? 0).toBe(0);
  }, 180_000);

  it('scores everything it created (and what an earlier --no-process left): no session stays received', async () => {
    const r = await seedCli('--seed', '8');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/processed in .*sessions through tier 1/);
    const counts = await statusCounts();
    expect(counts.received ?? 0).toBe(0);
    expect(counts.processed).toBeGreaterThan(0);
  }, 180_000);
});

describe('tutorpulse CLI', () => {
  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['node', 'tutorpulse', ...args], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it.each([
    { args: ['seed', '--scale', '-1'], message: /--scale.*greater than 0/ },
    { args: ['seed', '--scale', 'lots'], message: /--scale.*greater than 0/ },
    { args: ['seed', '--days', '0'], message: /--days.*1 to 365/ },
    { args: ['seed', '--seed', '1.5'], message: /--seed.*whole number/ },
    { args: ['seed', '--now', 'yesterday'], message: /--now.*ISO 8601/ },
    { args: ['seed', '--frobnicate'], message: /unknown option/ },
    { args: ['frobnicate'], message: /unknown command/ },
  ])('rejects $args with exit code 2 and a clear message', async ({ args, message }) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('prints help with exit code 0', async () => {
    const result = await run('seed', '--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/--scale <n>/);
    expect(result.out).toMatch(/--no-accounts/);
  });
});
