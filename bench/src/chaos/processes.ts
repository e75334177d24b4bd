/**
 * The processes a chaos run starts — API processes (`apps/server/src/main.ts`) and workers
 * (`apps/server/src/worker.ts`), run through tsx as `npm start` and `npm run worker` do — each tracked by its pid,
 * its output in `<log dir>/<name>.log`. A process that exits without being told to is reported, never restarted:
 * only the ones the run kills on purpose get a replacement. `stopAll` ends every live one by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

export type Role = 'api' | 'worker';

export type Proc = {
  name: string;
  role: Role;
  pid: number;
  /** API processes: the port it listens on (a replacement takes over the same one). */
  port?: number;
  logFile: string;
  startedAt: number;
  /** Set once it has exited: how, and whether this run asked for it. */
  exit?: { code: number | null; signal: NodeJS.Signals | null; at: number; expected: boolean };
  child: ChildProcess;
};

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const ENTRY: Record<Role, string> = {
  api: path.join(REPO_ROOT, 'apps/server/src/main.ts'),
  worker: path.join(REPO_ROOT, 'apps/server/src/worker.ts'),
};

export function createSupervisor(opts: {
  logDir: string;
  env: NodeJS.ProcessEnv;
  onUnexpectedExit: (p: Proc) => void;
}) {
  const procs: Proc[] = [];
  const expectedExit = new Set<number>();

  function start(name: string, role: Role, port?: number): Proc {
    const logFile = path.join(opts.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY[role]], {
      cwd: REPO_ROOT,
      env: {
        ...opts.env,
        ...(role === 'api' ? { RUN_WORKERS: 'false', PORT: String(port) } : {}),
      },
      // Straight into the file: the logs survive this process being slow or killed.
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    const proc: Proc = {
      name,
      role,
      pid: child.pid,
      ...(port !== undefined ? { port } : {}),
      logFile,
      startedAt: Date.now(),
      child,
    };
    child.once('exit', (code, signal) => {
      const expected = expectedExit.has(proc.pid);
      proc.exit = { code, signal, at: Date.now(), expected };
      if (!expected) opts.onUnexpectedExit(proc);
    });
    procs.push(proc);
    return proc;
  }

  const isAlive = (p: Proc) => p.exit === undefined;

  /** kill -9 by pid, as the fault; resolves once the process is gone. */
  async function kill9(p: Proc): Promise<void> {
    if (!isAlive(p)) return;
    expectedExit.add(p.pid);
    const gone = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
    process.kill(p.pid, 'SIGKILL');
    await gone;
  }

  /** SIGTERM to every live process by pid, SIGKILL to whoever is still there after `graceMs`. */
  async function stopAll(graceMs = 10_000): Promise<void> {
    const live = procs.filter(isAlive);
    await Promise.all(
      live.map(async (p) => {
        expectedExit.add(p.pid);
        const gone = new Promise<void>((resolve) => {
          if (!isAlive(p)) resolve();
          else p.child.once('exit', () => resolve());
        });
        try {
          process.kill(p.pid, 'SIGTERM');
        } catch {
          return;
        }
        const timer = setTimeout(() => {
          try {
            if (isAlive(p)) process.kill(p.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }, graceMs);
        await gone;
        clearTimeout(timer);
      }),
    );
  }

  /** Synchronous last resort (process exit handler): SIGKILL every live child by pid. */
  function killAllNow(): void {
    for (const p of procs.filter(isAlive)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  return {
    start,
    kill9,
    stopAll,
    killAllNow,
    isAlive,
    all: () => [...procs],
    live: (role?: Role) => procs.filter((p) => isAlive(p) && (role === undefined || p.role === role)),
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
