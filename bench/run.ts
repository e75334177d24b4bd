/**
 * `npm run bench`: prints figures for the embedded stack, and for Postgres + Redis when DATABASE_URL /
 * REDIS_URL are set (a fresh database is created on that server and dropped afterwards). Never asserts.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ensureWebBuild, WEB_DIR } from '../scripts/web-build.mjs';
import { withFreshDatabase } from './src/fresh-db';
import { benchCompanion } from './src/companion.bench';
import { benchCompanionLearning } from './src/companion-learning.bench';
import { benchForecast } from './src/forecast.bench';
import { benchPlatform, type Target } from './src/platform.bench';
import { benchQuality } from './src/quality.bench';
import { benchWeb } from './src/web.bench';
import { wantPhase, wantTarget } from './src/util';

/** The first load's JS as the server sends it (the build's .br files), built first when stale: `npm run size`. */
function printBundleSizes() {
  console.log('\nWeb bundle: initial JS of any page, as the server sends it (precompressed files on disk)');
  const rebuilt = ensureWebBuild({ quiet: true });
  if (rebuilt) console.log(`  (built apps/web first: ${rebuilt})`);
  // The size check exits non-zero over budget: print what it says either way (the bench never fails on a figure).
  const r = spawnSync(process.execPath, [path.join(WEB_DIR, 'scripts/check-bundle-size.mjs'), '150'], {
    encoding: 'utf8',
  });
  console.log(`${r.stdout}${r.stderr}`.trimEnd().replace(/^/gm, '  '));
}

async function main() {
  console.log(
    `Tutorpulse benchmarks — node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  if (wantPhase('bundle')) printBundleSizes();
  if (wantPhase('web')) await benchWeb();
  // No database: the same figure for both targets.
  if (wantPhase('forecast')) benchForecast();
  if (wantPhase('companion')) benchCompanionLearning();
  if (wantTarget('embedded')) {
    const embedded: Target = { label: 'embedded (PGlite + in-process queue)' };
    if (wantPhase('platform')) await benchPlatform(embedded);
    await benchQuality(embedded);
    if (wantPhase('chat')) await benchCompanion();
  }
  const databaseUrl = wantTarget('postgres') ? process.env.DATABASE_URL : undefined;
  const redisUrl = process.env.REDIS_URL;
  if (databaseUrl) {
    const server: Target = {
      label: `Postgres${redisUrl ? ' + Redis/BullMQ' : ''}`,
      databaseUrl,
      ...(redisUrl ? { redisUrl } : {}),
    };
    if (wantPhase('platform'))
      await withFreshDatabase(databaseUrl, (url) => benchPlatform({ ...server, databaseUrl: url }));
    // The quality bench creates (and drops) its own fresh database on this server for every phase.
    await benchQuality(server);
  } else if (wantTarget('postgres')) {
    console.log('\n(set DATABASE_URL and REDIS_URL to also measure Postgres + Redis)');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
