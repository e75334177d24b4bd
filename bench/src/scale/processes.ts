/**
 * Child processes of `npm run bench:scale` (the seed CLI, the API, the worker), tracked by process id: every
 * one is stopped by its pid at the end, on failure and on Ctrl-C (SIGTERM, then SIGKILL after a grace period).
 * Cleanup steps (dropping the bench's database and Redis namespace) run after the children are gone.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** Node arguments that run a TypeScript entry point through tsx, as `npm start` and `npm run worker` do. */
export const tsxArgs = (entry: string) => ['--import', 'tsx', path.resolve(REPO_ROOT, entry)];

type Tracked = { name: string; child: ChildProcess; exited: Promise<void> };

const children = new Map<number, Tracked>();
const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
const STOP_GRACE_MS = 15_000;

/** Spawns `node <args>` from the repository root and tracks it by pid until it exits. */
export function spawnTracked(name: string, args: string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, ...opts });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      children.delete(pid);
      resolve();
    });
    child.once('error', () => {
      children.delete(pid);
      resolve();
    });
  });
  children.set(pid, { name, child, exited });
  return child;
}

/** Resolves with the exit code once the child exits. */
export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops one tracked child by pid: SIGTERM, then SIGKILL when it has not exited after the grace period. */
export async function stopTracked(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const tracked = children.get(pid);
  if (!tracked) return;
  if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref(),
  );
  if ((await Promise.race([tracked.exited, timer])) === 'timeout' && isAlive(pid)) {
    console.error(`  ${tracked.name} (pid ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s: SIGKILL`);
    process.kill(pid, 'SIGKILL');
    await tracked.exited;
  }
}

/** Stops every child still running, each by its pid. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children.values()].map((t) => stopTracked(t.child)));
}

/** Registers a cleanup step (run once, last registered first); returns a function that unregisters it. */
export function onCleanup(name: string, run: () => Promise<void>): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Stops the children, then runs (and forgets) the registered cleanup steps; a failing step is reported. */
export async function cleanUp(): Promise<void> {
  await stopAllChildren();
  while (cleanups.length) {
    const step = cleanups.pop()!;
    await step
      .run()
      .catch((err: unknown) => console.error(`  cleanup "${step.name}" failed: ${String(err)}`));
  }
}

let interrupted = false;

/** Ctrl-C / SIGTERM: stop every child and clean up, then exit 130 (a second signal exits at once). */
export function installSignalHandlers(): void {
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping ${children.size} child process(es) and cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Keeps the last `max` characters a stream wrote (to explain a child that failed). */
export function tailOf(stream: NodeJS.ReadableStream | null, max = 4000): () => string {
  let tail = '';
  stream?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-max);
  });
  return () => tail;
}
