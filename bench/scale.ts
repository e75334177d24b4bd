/**
 * `npm run bench:scale` (issue 10): the dashboard's read routes at full scale, in scaled mode on the machine's
 * Postgres and Redis. Per scale: its own database (seeded with `npm run seed`, every session scored) and Redis
 * key prefix, one API process and one worker as child processes, then autocannon on every dashboard read route
 * (found from /api/openapi.json) beside GET /api/health, the floor, measured in the same run. Prints a table
 * with req/s, p50, p95, p99, non-2xx and whether the route meets the target. Never asserts; exits non-zero
 * only when it could not measure. Everything it started is stopped by pid, also on failure and Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { dropRedisNamespace } from '@tutorpulse/server/src/platform/redis-namespace';
import { parseScaleArgs, USAGE, UsageError, type ScaleArgs } from './src/scale/args';
import {
  databaseUrlFor,
  dropBenchDatabase,
  openRuntime,
  prepareDatabase,
  type ScaleTarget,
} from './src/scale/database';
import { runLoad } from './src/scale/measure';
import { cleanUp, installSignalHandlers, onCleanup } from './src/scale/processes';
import { formatTable, meets, targetFor, type Row } from './src/scale/report';
import { discoverRoutes } from './src/scale/routes';
import { signIn } from './src/scale/sign-in';
import { startStack } from './src/scale/stack';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** How long to wait for the worker to finish what the seed queued (tier 2 of seeded transcripts) before measuring. */
const QUEUE_DRAIN_MAX_MS = 30 * 60_000;

const tag = (scale: number) => String(scale).replace('.', '_');
const fmt = (n: number) => n.toLocaleString('en-US');

/** Waits until no query of the bench database is running (requests abandoned by the last load finish first). */
async function settle(dbName: string, maxMs = 120_000): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrlFor(SERVER_URL, 'postgres') });
  await c.connect();
  try {
    const deadline = Date.now() + maxMs;
    let quiet = 0;
    while (Date.now() < deadline && quiet < 2) {
      const r = await c.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()`,
        [dbName],
      );
      quiet = r.rows[0]!.n === 0 ? quiet + 1 : 0;
      await sleep(250);
    }
  } finally {
    await c.end();
  }
}

/** Lets the worker finish the jobs the seed and back-fill queued, so the routes are measured on an idle worker. */
async function drainQueue(t: ScaleTarget): Promise<void> {
  const rt = await openRuntime(t);
  try {
    const t0 = Date.now();
    let last = 0;
    for (;;) {
      const c = await rt.queue.counts();
      const left = c.waiting + c.active;
      if (left === 0) {
        if (Date.now() - t0 > 2000)
          console.log(`  worker queue drained in ${Math.round((Date.now() - t0) / 1000)} s`);
        return;
      }
      if (Date.now() - t0 > QUEUE_DRAIN_MAX_MS) {
        console.log(
          `  (worker still has ${fmt(left)} jobs after ${QUEUE_DRAIN_MAX_MS / 60_000} min: measuring anyway)`,
        );
        return;
      }
      if (Date.now() - last > 10_000) {
        last = Date.now();
        console.log(
          `  worker queue: ${fmt(c.waiting)} waiting, ${c.active} active (tier 2 of seeded transcripts…)`,
        );
      }
      await sleep(1000);
    }
  } finally {
    await rt.close();
  }
}

async function benchScale(args: ScaleArgs, scale: number, index: number): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const reuse = args.reuseDb[index];
  const dbName = reuse ?? `tp_scale_s${tag(scale)}_${suffix}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tp-bench-scale-'));
  const t: ScaleTarget = {
    scale,
    dbName,
    databaseUrl: databaseUrlFor(SERVER_URL, dbName),
    redisUrl: REDIS_URL,
    redisPrefix: `tpscale_${tag(scale)}_${suffix}`,
    dataDir,
    secrets: {
      jwtSecret: randomBytes(32).toString('hex'),
      webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
    },
  };
  console.log(`\n=== scale ${scale}: database ${dbName}, Redis prefix ${t.redisPrefix} ===`);
  // Registered first, run last: after the children are stopped.
  const keepDb = args.keep || reuse !== undefined;
  onCleanup(`database ${dbName}`, async () => {
    if (keepDb) console.log(`  kept database ${dbName} (reuse with --reuse-db ${dbName})`);
    else await dropBenchDatabase(SERVER_URL, dbName);
  });
  onCleanup(`Redis prefix ${t.redisPrefix}`, async () => {
    await dropRedisNamespace(REDIS_URL, t.redisPrefix);
  });
  onCleanup('data dir', async () => rmSync(dataDir, { recursive: true, force: true }));

  const marker = await prepareDatabase(t, SERVER_URL, reuse !== undefined);
  const stack = await startStack(t);
  console.log(`  API pid ${stack.apiPid} at ${stack.baseUrl}, worker pid ${stack.workerPid}`);
  await drainQueue(t);
  const tokens = await signIn(stack.baseUrl);
  const { cases, skipped } = await discoverRoutes(stack.baseUrl, tokens, args.only);
  console.log(
    `  ${cases.length} routes to load, ${args.connections} connections × ${args.seconds} s each` +
      (skipped.length ? `; not loaded: ${skipped.map((s) => `${s.route} (${s.reason})`).join(', ')}` : ''),
  );

  const floorRows: Row[] = [];
  const measureFloor = async (label: string) => {
    await settle(dbName);
    const result = await runLoad({
      url: `${stack.baseUrl}/api/health`,
      connections: args.connections,
      seconds: args.seconds,
    });
    floorRows.push({ label, role: 'public', result });
    console.log(`    ${label}: p95 ${result.p95.toFixed(1)} ms, ${result.reqPerSec.toFixed(0)} req/s`);
  };
  await measureFloor('/api/health (floor, first)');
  const rows: Row[] = [];
  for (const c of cases) {
    await settle(dbName);
    const result = await runLoad({
      url: stack.baseUrl + c.url,
      token: c.token,
      connections: args.connections,
      seconds: args.seconds,
    });
    rows.push({ label: c.label, role: c.role, result });
    const codes = Object.entries(result.statuses)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n}×${code}`)
      .join(', ');
    console.log(
      `    ${c.label}: p95 ${Math.round(result.p95)} ms, ${result.reqPerSec.toFixed(1)} req/s` +
        (codes ? ` (${codes})` : '') +
        (result.errors ? ` (${result.errors} errors/timeouts)` : ''),
    );
  }
  await measureFloor('/api/health (floor, last)');
  await stack.stop();

  // The floor: the mean of the two health runs' p95 (the machine's noise shows in how far apart they are).
  const floorP95 = floorRows.reduce((s, r) => s + r.result.p95, 0) / floorRows.length;
  const target = targetFor(scale, floorP95);
  const met = rows.filter((r) => meets(r.result, target.limitMs)).length;
  console.log(
    `\nScale ${scale}: ${fmt(marker.sessions)} sessions (seed ${marker.seed}, ${marker.days} days, seeded ${marker.seededAt}), ` +
      `1 API + 1 worker, ${args.connections} connections × ${args.seconds} s per route, ${os.cpus().length} cores`,
  );
  console.log(
    `Floor: /api/health p95 ${floorP95.toFixed(1)} ms (mean of first and last). Target: ${target.text}, no non-2xx.`,
  );
  console.log(formatTable(rows, floorRows, target.limitMs));
  console.log(`${met} of ${rows.length} routes meet the target.`);
  if (skipped.length) console.log(`Not loaded: ${skipped.map((s) => `${s.route} (${s.reason})`).join('; ')}`);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseScaleArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench:scale: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  installSignalHandlers();
  console.log(
    `Tutorpulse bench:scale — node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
      `Postgres ${new URL(SERVER_URL).host}, Redis ${new URL(REDIS_URL).host}; scales ${args.scales.join(', ')}`,
  );
  for (const [i, scale] of args.scales.entries()) {
    try {
      await benchScale(args, scale, i);
    } finally {
      await cleanUp();
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(`bench:scale failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanUp();
    process.exit(1);
  },
);
