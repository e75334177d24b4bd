#!/usr/bin/env node
// `npm start`: builds the web app when its sources are newer than the build, then runs the API process
// (which migrates the database, seeds demo data on the first embedded start, and runs the workers).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'apps/web');
const builtIndex = path.join(webDir, 'dist/index.html');

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

if (!existsSync(path.join(root, 'node_modules'))) {
  console.error('Dependencies are missing: run `npm install` first.');
  process.exit(1);
}

const sources = ['src', 'index.html', 'vite.config.ts', 'public'].map((p) => path.join(webDir, p));
sources.push(path.join(root, 'packages/contracts/src'));
const built = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
if (built < Math.max(...sources.map(newestMtime))) {
  console.log('Building the web app…');
  const r = spawnSync('npm', ['run', 'build', '-w', '@tutorpulse/web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/server/src/main.ts')], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
