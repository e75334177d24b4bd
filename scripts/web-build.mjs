/**
 * When apps/web/dist needs a (re)build, and the build itself: shared by `npm start`, the browser tests and the
 * bench, so all three serve the same production build with its precompressed `.br`/`.gz` files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIR = path.join(REPO_ROOT, 'apps/web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

/** Why dist/ must be rebuilt, or null when it is up to date. */
export function webBuildStaleReason() {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return 'there is no build';
  // A build from before the server sent precompressed files: it would go out uncompressed.
  if (!existsSync(`${index}.br`) || !existsSync(`${index}.gz`)) return 'the build has no .br/.gz files';
  const sources = ['src', 'index.html', 'vite.config.ts', 'public', 'package.json'].map((p) =>
    path.join(WEB_DIR, p),
  );
  sources.push(path.join(REPO_ROOT, 'packages/contracts/src'));
  if (statSync(index).mtimeMs < Math.max(...sources.map(newestMtime))) return 'the sources changed';
  return null;
}

/**
 * `vite build` for production (NODE_ENV=production: under vitest NODE_ENV=test, and Vite would then bundle
 * React's development build). Throws when the build fails.
 */
export function buildWeb({ quiet = false } = {}) {
  const r = spawnSync('npm', ['run', 'build', '-w', '@tutorpulse/web'], {
    cwd: REPO_ROOT,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`the web build failed (exit code ${r.status ?? r.signal})`);
}

/** Builds when needed; returns the reason it built, or null. */
export function ensureWebBuild({ quiet = false, force = false } = {}) {
  const reason = force ? 'a rebuild was asked for' : webBuildStaleReason();
  if (reason) buildWeb({ quiet });
  return reason;
}
