/**
 * The bench's own marketplace database on the machine's Postgres: created, seeded with `npm run seed` (the
 * real CLI, in a child process), every seeded session scored, then marked with a database comment so
 * `--reuse-db` can skip all of that next time. Scoring uses what the product offers: if the seed left sessions
 * `received`, the bulk back-fill (tier 1 in pages, then one rescore) and one tier 3 pass run here, as an
 * embedded first start does.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '@tutorpulse/server/src/config/env';
import { createDatabase } from '@tutorpulse/server/src/db/client';
import { backfillQuality } from '@tutorpulse/server/src/modules/quality/backfill';
import { createLogger } from '@tutorpulse/server/src/platform/logger';
import { createRuntime, type Runtime } from '@tutorpulse/server/src/runtime';
import { createServices } from '@tutorpulse/server/src/services';
import { spawnTracked, tsxArgs, waitForExit } from './processes';

export const SEED = 42;
export const SEED_DAYS = 90;
const MARKER = 'tutorpulse bench:scale';

export type StackSecrets = { jwtSecret: string; webhookSecret: string };
export type ScaleTarget = {
  scale: number;
  dbName: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  secrets: StackSecrets;
};

export type SeedMarker = { scale: number; seed: number; days: number; sessions: number; seededAt: string };

const fmt = (n: number) => n.toLocaleString('en-US');

export function databaseUrlFor(serverUrl: string, dbName: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function withAdmin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** `undefined` when the database does not exist; `null` when it exists without the bench's seed marker. */
export async function readSeedMarker(
  serverUrl: string,
  dbName: string,
): Promise<SeedMarker | null | undefined> {
  return withAdmin(serverUrl, async (c) => {
    const r = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [dbName],
    );
    if (r.rowCount === 0) return undefined;
    const comment = r.rows[0]!.comment ?? '';
    if (!comment.startsWith(MARKER)) return null;
    try {
      return JSON.parse(comment.slice(MARKER.length).trim()) as SeedMarker;
    } catch {
      return null;
    }
  });
}

export async function createBenchDatabase(serverUrl: string, dbName: string): Promise<void> {
  await withAdmin(serverUrl, (c) => c.query(`create database "${dbName}"`));
}

export async function dropBenchDatabase(serverUrl: string, dbName: string): Promise<void> {
  await withAdmin(serverUrl, (c) => c.query(`drop database if exists "${dbName}" with (force)`));
}

async function writeSeedMarker(serverUrl: string, dbName: string, marker: SeedMarker): Promise<void> {
  const text = `${MARKER} ${JSON.stringify(marker)}`.replaceAll("'", "''");
  await withAdmin(serverUrl, (c) => c.query(`comment on database "${dbName}" is '${text}'`));
}

/** The settings every process of the stack shares (seed CLI, back-fill, API, worker). */
export function stackEnv(t: ScaleTarget): Record<string, string> {
  return {
    DATABASE_URL: t.databaseUrl,
    REDIS_URL: t.redisUrl,
    REDIS_PREFIX: t.redisPrefix,
    DATA_DIR: t.dataDir,
    JWT_SECRET: t.secrets.jwtSecret,
    WEBHOOK_SECRET: t.secrets.webhookSecret,
  };
}

/** `npm run seed -- --scale <n>` against the bench database, in a tracked child process (its progress shown). */
async function runSeedCli(t: ScaleTarget): Promise<void> {
  const child = spawnTracked(
    'seed',
    [
      ...tsxArgs('apps/server/src/cli/main.ts'),
      'seed',
      '--scale',
      String(t.scale),
      '--seed',
      String(SEED),
      '--days',
      String(SEED_DAYS),
    ],
    { env: { ...process.env, ...stackEnv(t), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await waitForExit(child);
  if (code !== 0) throw new Error(`npm run seed exited with code ${code}`);
}

/** A runtime on the bench database and Redis namespace, without workers (back-fill, queue counts). */
export async function openRuntime(t: ScaleTarget): Promise<Runtime> {
  const config = loadConfig({ ...stackEnv(t), LOG_LEVEL: 'silent' }, { persistSecrets: false });
  const database = await createDatabase({ kind: 'postgres', url: t.databaseUrl, poolSize: 4 });
  return createRuntime(config, { database, logger: createLogger({ level: 'silent' }) });
}

async function countSessions(rt: Runtime): Promise<{ total: number; received: number }> {
  const r = await rt.database.db.execute<{ total: number; received: number }>(
    sql`select count(*)::int as total, (count(*) filter (where processing_status = 'received'))::int as received from sessions`,
  );
  const row = (r as unknown as { rows: Array<{ total: number; received: number }> }).rows[0]!;
  return { total: Number(row.total), received: Number(row.received) };
}

/**
 * Scores whatever the seed left `received`: the bulk back-fill (progress every 10 s), then tier 3 once. Tier 2
 * jobs for sessions with transcripts are queued (BullMQ, this namespace) for the worker started later.
 */
async function ensureScored(t: ScaleTarget): Promise<number> {
  const rt = await openRuntime(t);
  try {
    const { total, received } = await countSessions(rt);
    if (received === 0) {
      console.log(`  all ${fmt(total)} seeded sessions are already processed`);
      return total;
    }
    console.log(
      `  ${fmt(received)} of ${fmt(total)} sessions still received: bulk back-fill (tier 1), then tier 3`,
    );
    const services = createServices(rt);
    const t0 = performance.now();
    let lastPrint = t0;
    const result = await backfillQuality(
      {
        db: rt.database.db,
        clock: rt.clock,
        queue: rt.queue,
        events: services.events,
        scores: services.scores,
      },
      {
        onProgress: (done) => {
          const now = performance.now();
          if (now - lastPrint < 10_000) return;
          lastPrint = now;
          const s = (now - t0) / 1000;
          const rate = done / s;
          console.log(
            `    tier 1: ${fmt(done)} / ${fmt(received)} (${Math.round((100 * done) / received)}%), ` +
              `${Math.round(rate)}/s, eta ${Math.round((received - done) / Math.max(rate, 1))} s`,
          );
        },
      },
    );
    console.log(
      `    tier 1 done: ${fmt(result.sessions)} sessions, ${fmt(result.findings)} findings, ${fmt(result.flags)} flags, ` +
        `${fmt(result.tutors)} tutors rescored, ${fmt(result.historyRows)} score-history rows, ` +
        `${fmt(result.tier2Queued)} tier 2 jobs queued, in ${Math.round(result.ms / 1000)} s`,
    );
    const t3 = performance.now();
    const tier3 = await services.tier3.run({});
    console.log(
      `    tier 3 done: ${fmt(tier3.tutors)} tutors in ${Math.round((performance.now() - t3) / 1000)} s`,
    );
    const after = await countSessions(rt);
    if (after.received > 0)
      throw new Error(`${after.received} sessions are still received after the back-fill`);
    return after.total;
  } finally {
    await rt.close();
  }
}

/**
 * Makes `t.dbName` a seeded, scored marketplace at `t.scale`. With `reuse`, a database carrying the bench's
 * marker for the same scale is used as it is; one without the marker is refused (it is not the bench's).
 */
export async function prepareDatabase(
  t: ScaleTarget,
  serverUrl: string,
  reuse: boolean,
): Promise<SeedMarker> {
  const existing = await readSeedMarker(serverUrl, t.dbName);
  if (existing) {
    if (!reuse) throw new Error(`database ${t.dbName} already exists`);
    if (existing.scale !== t.scale)
      throw new Error(`database ${t.dbName} was seeded at scale ${existing.scale}, not ${t.scale}`);
    console.log(
      `  reusing ${t.dbName}: scale ${existing.scale}, ${fmt(existing.sessions)} sessions, seeded ${existing.seededAt}`,
    );
    return existing;
  }
  if (existing === null)
    throw new Error(
      `database ${t.dbName} exists but has no bench:scale seed marker (a partial seed, or not the bench's): drop it or pick another name`,
    );
  await createBenchDatabase(serverUrl, t.dbName);
  const t0 = performance.now();
  console.log(`  seeding ${t.dbName}: npm run seed -- --scale ${t.scale} --seed ${SEED} --days ${SEED_DAYS}`);
  await runSeedCli(t);
  console.log(`  seed done in ${Math.round((performance.now() - t0) / 1000)} s`);
  const sessions = await ensureScored(t);
  const marker: SeedMarker = {
    scale: t.scale,
    seed: SEED,
    days: SEED_DAYS,
    sessions,
    seededAt: new Date().toISOString(),
  };
  await writeSeedMarker(serverUrl, t.dbName, marker);
  console.log(
    `  ready in ${Math.round((performance.now() - t0) / 1000)} s (${fmt(sessions)} sessions, all scored)`,
  );
  return marker;
}
