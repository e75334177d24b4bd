/**
 * Starts the REAL server for browser tests: `npx tsx apps/server/src/main.ts` in embedded mode (PGlite in a
 * fresh temporary DATA_DIR, no DATABASE_URL / REDIS_URL), on a free port, and waits for /api/health.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ensureWebBuild as ensureWebBuildIfStale } from '../../../scripts/web-build.mjs';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const WEB_ROOT = path.resolve(import.meta.dirname, '..');

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The server serves apps/web/dist only if it exists when it starts: build it first when it is missing, older
 * than its sources, or without its precompressed files (E2E_REBUILD=1 forces a build). The build is the
 * production one (vitest sets NODE_ENV=test, which would give React's development bundle): the browser tests
 * drive what users get, and leave behind a dist/ that `npm start` can serve.
 */
export function ensureWebBuild(): void {
  const reason = ensureWebBuildIfStale({ force: process.env.E2E_REBUILD === '1' });
  if (reason) console.log(`[e2e] built the web app (${reason})`);
}

export type RunningServer = {
  baseUrl: string;
  stop: () => Promise<void>;
  output: () => string;
  /** The server's DATA_DIR (holds secrets.json, e.g. the webhook secret); removed by stop(). */
  dataDir: string;
};

export async function startServer({ timeoutMs = 90_000 } = {}): Promise<RunningServer> {
  const port = await findFreePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tutorpulse-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_SEED_SCALE: '0.005',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;

  const child: ChildProcess = spawn('npx', ['tsx', 'apps/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    // Own process group, so stopping it also stops the node process npx and tsx start underneath.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && exited === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 10_000;
      while (exited === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (exited === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop();
      throw new Error(`The server exited with code ${exited} before answering /api/health:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) return { baseUrl, stop, output: () => output, dataDir };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`The server did not answer /api/health with 200 within ${timeoutMs / 1000} s:\n${output}`);
}

/** Debian's Chromium; browser tests skip without it unless REQUIRE_SERVICES=1. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const requireServices = process.env.REQUIRE_SERVICES === '1';
export const SCREENSHOTS = path.join(REPO_ROOT, 'artifacts', 'screenshots');

/** Headless Chromium with the flags this closed network needs (no background connections, no QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * What every browser-test file starts with: the web build, the real server and Chromium (a missing Chromium
 * under REQUIRE_SERVICES=1 fails the file rather than skipping it). If Chromium fails to start, the server
 * is stopped again.
 */
export async function startBrowserStack(): Promise<{ server: RunningServer; browser: Browser }> {
  if (!hasChromium)
    throw new Error(`REQUIRE_SERVICES=1 but ${CHROMIUM} is missing (apt-get install -y chromium)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  ensureWebBuild();
  const server = await startServer({ timeoutMs: 90_000 });
  try {
    return { server, browser: await launchChromium() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
