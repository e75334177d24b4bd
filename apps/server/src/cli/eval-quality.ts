/**
 * `npm run eval:quality`: does the quality pipeline find what the generator planted? Builds a fresh database
 * (PGlite in a temp dir, or a fresh database on DATABASE_URL's server, with BullMQ when REDIS_URL is set),
 * sends every generated session through the signed webhook in the order they ended, lets tier 1/2 finish,
 * runs tier 3, then compares the flags raised with the planted ground truth: precision and recall per
 * behaviour, and the misses with the tutor's numbers. Prints figures; the exit code is 0 unless it crashed.
 *
 * `--offline` replays the rules in memory instead (eval-quality-offline.ts): no database, several seeds
 * (`--seeds 7,11,13`), scale 1 in minutes; `--mode sliding` replays production's sliding windows with the
 * nightly auto-resolution and reports how many flags resolved themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { buildApp } from '../app';
import { loadConfig, readTestEnv } from '../config/env';
import { createDatabase } from '../db/client';
import { flags, tutorScores } from '../db/schema/index';
import { createLogger } from '../platform/logger';
import { dropRedisNamespace } from '../platform/redis-namespace';
import { createRuntime } from '../runtime';
import { startWorkers } from '../workers';
import { buildGroundTruth, collectSessions, generateDemoDataset, type Behaviour } from './seed/generate';
import { writeDirectory } from './seed/write';
import { QUALITY_THRESHOLDS } from '../modules/quality/index';
import { replayPatterns } from './eval-quality-offline';

/** Which flag type answers which planted behaviour. */
const FLAG_FOR: Partial<Record<Behaviour, string>> = {
  chronic_no_show: 'chronic_no_show',
  chronic_late: 'chronic_lateness',
  early_ender: 'chronic_early_end',
  high_rescheduler: 'high_reschedule_rate',
  poor_first_sessions: 'repeated_poor_first_sessions',
};

const fmt = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(2).padStart(5));

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '7' },
      concurrency: { type: 'string', default: '16' },
      days: { type: 'string', default: '90' },
      offline: { type: 'boolean', default: false },
      seeds: { type: 'string' },
      mode: { type: 'string', default: 'fixed' },
    },
  });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  const days = Number(values.days);
  if (!(scale > 0) || !Number.isInteger(seed) || !(concurrency > 0) || !(days > 0)) {
    console.error('usage: npm run eval:quality -- [--scale 0.05] [--seed 7] [--concurrency 16] [--days 90]');
    process.exit(2);
  }
  if (values.offline) {
    const seeds = (values.seeds ?? String(seed)).split(',').map(Number);
    const mode = values.mode;
    if (seeds.some((s) => !Number.isInteger(s)) || (mode !== 'fixed' && mode !== 'sliding')) {
      console.error(
        'usage: npm run eval:quality -- --offline [--scale 1] [--seeds 7,11,13] [--mode fixed|sliding] [--days 90]',
      );
      process.exit(2);
    }
    runOffline({ scale, seeds, days, mode });
    return;
  }
  const env = readTestEnv();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-eval-'));
  let dropDatabase = async () => {};
  let databaseUrl: string | undefined;
  if (env.databaseUrl) {
    const name = `tp_eval_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(env.databaseUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: env.databaseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: webhookSecret,
      REDIS_PREFIX: `tpeval_${randomBytes(3).toString('hex')}`,
      // The history it replays must fit the window of plausible session starts (400 days by default).
      SESSION_MAX_AGE_DAYS: String(Math.max(400, Math.ceil(days) + 1)),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(env.redisUrl ? { REDIS_URL: env.redisUrl } : {}),
    },
    { persistSecrets: false },
  );
  const database = databaseUrl
    ? await createDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 20 })
    : await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
  const rt = await createRuntime(config, {
    database,
    logger: createLogger({ level: 'warn' }),
  });
  const app = await buildApp(rt, { webDist: false });
  await startWorkers(rt, app.services, { concurrency: 8 });

  try {
    const now = new Date();
    const dataset = generateDemoDataset({ seed, scale, now, days });
    const { sessions: payloads, stats } = collectSessions(dataset);
    const truth = buildGroundTruth(dataset, stats, now);
    payloads.sort((a, b) => Date.parse(a.session_end_time) - Date.parse(b.session_end_time));
    console.log(
      `Quality evaluation — ${database.kind}${env.redisUrl ? ' + BullMQ' : ''}, seed ${seed}, scale ${scale}: ` +
        `${dataset.tutors.length} tutors, ${payloads.length} sessions over ${days} days`,
    );

    // The platform's directory (names, subjects) exists before sessions arrive.
    const { db } = rt.database;
    await writeDirectory(db, dataset);

    const signer = new Webhook(webhookSecret);
    const codes = new Map<number, number>();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= payloads.length) return;
          const body = JSON.stringify(payloads[i]);
          const id = `msg_eval_${i}`;
          // A sender as Standard Webhooks describes it: a 429 or 503 is retried (same id, fresh signature)
          // after its retry-after, so an overloaded moment delays a delivery and never drops it from the eval.
          for (let attempt = 0; ; attempt++) {
            const at = new Date();
            const res = await app.inject({
              method: 'POST',
              url: '/api/webhooks/session-completed',
              headers: {
                'content-type': 'application/json',
                'webhook-id': id,
                'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
                'webhook-signature': signer.sign(id, at, body),
              },
              payload: body,
            });
            codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
            if ((res.statusCode !== 503 && res.statusCode !== 429) || attempt >= 20) break;
            const after = Number(res.headers['retry-after']);
            await new Promise((r) => setTimeout(r, (Number.isFinite(after) && after > 0 ? after : 1) * 1000));
          }
          if ((i + 1) % 2000 === 0) {
            const c = await rt.queue.counts();
            console.log(
              `  … ${i + 1} delivered after ${((performance.now() - t0) / 1000).toFixed(0)} s (queue: ${c.waiting} waiting, ${c.active} active)`,
            );
          }
        }
      }),
    );
    const sentS = (performance.now() - t0) / 1000;
    await rt.queue.whenIdle({ timeoutMs: 30 * 60_000 });
    const doneS = (performance.now() - t0) / 1000;
    const tier3 = await app.services.tier3.run({});
    console.log(
      `  delivered in ${sentS.toFixed(1)} s (${Math.round(payloads.length / sentS)}/s; answers ${[...codes].map(([c, n]) => `${c}×${n}`).join(', ')}); ` +
        `pipeline idle after ${doneS.toFixed(1)} s; tier 3 ${(tier3.duration_ms / 1000).toFixed(1)} s`,
    );

    const raised = await db.select({ tutorId: flags.tutorId, type: flags.flagType }).from(flags);
    const byType = new Map<string, Set<string>>();
    for (const f of raised) {
      if (!byType.has(f.type)) byType.set(f.type, new Set());
      byType.get(f.type)!.add(f.tutorId);
    }
    const scores = await db.select().from(tutorScores).where(eq(tutorScores.windowDays, 30));
    const scoreOf = new Map(scores.map((s) => [s.tutorId, s]));

    console.log(
      '\n  behaviour              flag type                      planted  flagged  precision  recall',
    );
    const misses: string[] = [];
    let allMet = true;
    for (const [behaviour, flagType] of Object.entries(FLAG_FOR) as Array<[Behaviour, string]>) {
      const planted = new Set(truth.behaviours[behaviour]);
      const flagged = byType.get(flagType) ?? new Set<string>();
      const tp = [...flagged].filter((id) => planted.has(id)).length;
      const precision = flagged.size ? tp / flagged.size : planted.size ? 0 : Number.NaN;
      const recall = planted.size ? tp / planted.size : Number.NaN;
      const met = precision >= 0.95 && recall >= 0.95;
      allMet &&= met;
      console.log(
        `  ${behaviour.padEnd(22)} ${flagType.padEnd(30)} ${String(planted.size).padStart(7)}  ${String(flagged.size).padStart(7)}  ${fmt(precision)}      ${fmt(recall)}  ${met ? 'met' : 'BELOW 0.95'}`,
      );
      const describe = (id: string) => {
        const s = scoreOf.get(id);
        return s
          ? `${id} (30d: ${s.totalSessions} sessions, no-show ${pct(s.noShowRate)}, late ${pct(s.lateRate)}, early ${pct(s.earlyEndRate)}, tutor resched ${pct(s.tutorRescheduleRate)}, poor first ${s.poorFirstSessions}/${s.firstSessionsRated})`
          : `${id} (no score)`;
      };
      for (const id of planted) if (!flagged.has(id)) misses.push(`  missed   ${behaviour}: ${describe(id)}`);
      for (const id of flagged) if (!planted.has(id)) misses.push(`  extra    ${flagType}: ${describe(id)}`);
    }
    // Excellent tutors should rank at the top: the share of them among the top-k scores (k = how many).
    const excellent = new Set(truth.behaviours.excellent);
    const ranked = [...scores]
      .filter((s) => s.overallScore !== null)
      .sort((a, b) => b.overallScore! - a.overallScore!);
    const topK = ranked.slice(0, excellent.size);
    const overlap = topK.filter((s) => excellent.has(s.tutorId)).length;
    console.log(
      `  excellent (top-${excellent.size} by score) ${' '.repeat(21)} ${String(excellent.size).padStart(7)}  ${String(topK.length).padStart(7)}  ${fmt(overlap / Math.max(1, topK.length))}      ${fmt(overlap / Math.max(1, excellent.size))}`,
    );
    const poorTeaching = new Set(truth.poor_teaching);
    const lowQuality = byType.get('low_session_quality') ?? new Set<string>();
    const lqTp = [...lowQuality].filter((id) => poorTeaching.has(id)).length;
    console.log(
      `  poor teaching (tier 2)  low_session_quality            ${String(poorTeaching.size).padStart(7)}  ${String(lowQuality.size).padStart(7)}  ${fmt(lowQuality.size ? lqTp / lowQuality.size : Number.NaN)}      ${fmt(poorTeaching.size ? lqTp / poorTeaching.size : Number.NaN)}  (informational)`,
    );
    console.log(misses.length ? `\n  misses:\n${misses.join('\n')}` : '\n  no misses');
    console.log(
      `\n  target (precision and recall ≥ 0.95 for every flagged behaviour): ${allMet ? 'met' : 'not met'}`,
    );
  } finally {
    await app.close();
    await rt.close();
    if (config.redisUrl) await dropRedisNamespace(config.redisUrl, config.redisPrefix);
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Precision and recall of the offline replay per seed, and the worst of each over the seeds. */
function runOffline(o: { scale: number; seeds: number[]; days: number; mode: 'fixed' | 'sliding' }) {
  const worst = new Map<string, { precision: number; recall: number }>();
  console.log(
    `Offline quality evaluation (pattern rules replayed in memory, ${o.mode} windows) — scale ${o.scale}, seeds ${o.seeds.join(', ')}`,
  );
  for (const seed of o.seeds) {
    const t0 = performance.now();
    const now = new Date();
    const dataset = generateDemoDataset({ seed, scale: o.scale, now, days: o.days });
    const r = replayPatterns(dataset, { thresholds: QUALITY_THRESHOLDS, mode: o.mode, now });
    console.log(
      `\n  seed ${seed}: ${dataset.tutors.length} tutors, ${r.sessions} sessions over ${o.days} days (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    console.log(
      '  behaviour              flag type                      planted  flagged  precision  recall',
    );
    for (const [behaviour, flagType] of Object.entries(FLAG_FOR) as Array<[Behaviour, string]>) {
      const planted = new Set(dataset.behaviours[behaviour]);
      const flagged = r.flagged.get(flagType) ?? new Set<string>();
      const tp = [...flagged].filter((id) => planted.has(id)).length;
      const precision = flagged.size ? tp / flagged.size : planted.size ? 0 : Number.NaN;
      const recall = planted.size ? tp / planted.size : Number.NaN;
      const w = worst.get(behaviour) ?? { precision: 1, recall: 1 };
      worst.set(behaviour, {
        precision: Math.min(w.precision, precision),
        recall: Math.min(w.recall, recall),
      });
      console.log(
        `  ${behaviour.padEnd(22)} ${flagType.padEnd(30)} ${String(planted.size).padStart(7)}  ${String(flagged.size).padStart(7)}  ${fmt(precision)}      ${fmt(recall)}  ${precision >= 0.95 && recall >= 0.95 ? 'met' : 'BELOW 0.95'}`,
      );
    }
    if (o.mode === 'sliding') {
      const plantedFor = new Map(
        (Object.entries(FLAG_FOR) as Array<[Behaviour, string]>).map(([b, f]) => [
          f,
          new Set(dataset.behaviours[b]),
        ]),
      );
      const wrong = r.autoResolved.filter((a) => plantedFor.get(a.type)?.has(a.tutorId)).length;
      console.log(
        `  auto-resolved: ${r.autoResolved.length} flags (${r.autoResolved.length - wrong} of tutors not planted with that behaviour, ${wrong} of planted ones)`,
      );
    }
  }
  let allMet = true;
  console.log('\n  worst over the seeds: behaviour, precision, recall');
  for (const [behaviour, w] of worst) {
    const met = w.precision >= 0.95 && w.recall >= 0.95;
    allMet &&= met;
    console.log(
      `  ${behaviour.padEnd(22)} ${fmt(w.precision)}  ${fmt(w.recall)}  ${met ? 'met' : 'BELOW 0.95'}`,
    );
  }
  console.log(
    `\n  target (precision and recall ≥ 0.95 for every behaviour, every seed): ${allMet ? 'met' : 'not met'}`,
  );
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
