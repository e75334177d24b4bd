/**
 * `npm run bench`: prints figures for the embedded stack, and for Postgres + Redis when DATABASE_URL /
 * REDIS_URL are set (a fresh database is created on that server and dropped afterwards). Never asserts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFreshDatabase } from './src/fresh-db';
import { benchForecast } from './src/forecast.bench';
import { benchPlatform, type Target } from './src/platform.bench';
import { benchQuality } from './src/quality.bench';
import { wantPhase, wantTarget } from './src/util';

/** The web app's built bundles (gzipped), built first when missing: what a coach downloads. */
function printBundleSizes() {
  const web = path.resolve(import.meta.dirname, '../apps/web');
  console.log('\nWeb bundle (gzipped)');
  if (!existsSync(path.join(web, 'dist/index.html'))) {
    execFileSync('npx', ['vite', 'build'], {
      cwd: web,
      stdio: 'ignore',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  // The size check exits non-zero over budget: print what it says either way (the bench never fails on a figure).
  const r = spawnSync(process.execPath, [path.join(web, 'scripts/check-bundle-size.mjs'), '150'], {
    encoding: 'utf8',
  });
  console.log(`${r.stdout}${r.stderr}`.trimEnd().replace(/^/gm, '  '));
}

async function main() {
  console.log(
    `Tutorpulse benchmarks — node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  if (wantPhase('bundle')) printBundleSizes();
  // No database: the same figure for both targets.
  if (wantPhase('forecast')) benchForecast();
  if (wantTarget('embedded')) {
    const embedded: Target = { label: 'embedded (PGlite + in-process queue)' };
    if (wantPhase('platform')) await benchPlatform(embedded);
    await benchQuality(embedded);
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
