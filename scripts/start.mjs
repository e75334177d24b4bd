#!/usr/bin/env node
// `npm start`: builds the web app when its sources are newer than the build (or the build lacks its
// precompressed files), then runs the API process (which migrates the database, seeds demo data on the first
// embedded start, and runs the workers).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildWeb, REPO_ROOT, webBuildStaleReason } from './web-build.mjs';

if (!existsSync(path.join(REPO_ROOT, 'node_modules'))) {
  console.error('Dependencies are missing: run `npm install` first.');
  process.exit(1);
}

const reason = webBuildStaleReason();
if (reason) {
  console.log(`Building the web app (${reason})…`);
  try {
    buildWeb();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps/server/src/main.ts')], {
  cwd: process.cwd(),
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
