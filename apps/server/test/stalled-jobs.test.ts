/**
 * BullMQ's stalled-job recovery with the workers' lock settings (JOB_LOCK_MS / JOB_STALLED_CHECK_MS): a job whose
 * worker process is killed (SIGKILL, no chance to clean up) is run again by another worker once its lock expires,
 * and a live job running longer than the lock is not (its worker keeps renewing it). Scaled only: needs REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { jobRegistry } from '../src/jobs';
import { createBullmqQueue } from '../src/platform/queue/bullmq-queue';
import { dropRedisNamespace } from '../src/platform/redis-namespace';
import { testEnv } from './helpers/services';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const prefix = `tptest_stall_${randomUUID().slice(0, 8)}`;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const LOCK_MS = 2_000;
const STALLED_MS = 500;
const queueNames: string[] = [];

function openQueue(queueName: string) {
  return createBullmqQueue({
    registry: jobRegistry,
    redisUrl: testEnv.redisUrl!,
    prefix,
    queueName,
    logger: quiet,
    lockDurationMs: LOCK_MS,
    stalledIntervalMs: STALLED_MS,
  });
}

/** Resolves with the first stdout line of `child` that starts with `prefix`. */
function lineFrom(child: ChildProcess, start: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no "${start}" line from the worker`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith(start));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(line);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before "${start}"`)));
  });
}

afterAll(async () => {
  if (!testEnv.redisUrl) return;
  const admin = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  for (const name of queueNames.flatMap((n) => [n, `${n}-pipeline`])) {
    const q = new Queue(name, { connection: admin, prefix });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  await admin.quit();
  // Whatever else the queues wrote under the prefix (the epoch key).
  await dropRedisNamespace(testEnv.redisUrl, prefix).catch(() => 0);
});

describe.runIf(testEnv.redisUrl || testEnv.requireServices)('stalled jobs (scaled)', () => {
  it('re-runs the job of a worker killed with SIGKILL once its lock expires', async () => {
    if (!testEnv.redisUrl) throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
    const queueName = `stall-${randomUUID().slice(0, 8)}`;
    queueNames.push(queueName);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, 'fixtures/hanging-worker.ts'),
        testEnv.redisUrl,
        prefix,
        queueName,
        String(LOCK_MS),
        String(STALLED_MS),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const survivor = openQueue(queueName);
    try {
      await lineFrom(child, 'ready');
      const active = lineFrom(child, 'active');
      await survivor.add('sessions.sweep', {}, { jobId: 'stalled-1' });
      expect(await active).toBe('active stalled-1');
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      const reran: string[] = [];
      await survivor.work({
        'sessions.sweep': async (_payload, ctx) => {
          reran.push(ctx.id);
        },
      });
      // With BullMQ's defaults (30 s lock, 30 s check) this would take up to a minute.
      await survivor.whenIdle({ timeoutMs: 20_000 });
      expect(reran).toEqual(['stalled-1']);
      expect(await survivor.listFailed()).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await survivor.close();
    }
  });

  it('does not take a live job running longer than the lock for a stalled one', async () => {
    if (!testEnv.redisUrl) throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set');
    const queueName = `stall-${randomUUID().slice(0, 8)}`;
    queueNames.push(queueName);
    const a = openQueue(queueName);
    const b = openQueue(queueName);
    const runs: string[] = [];
    const slow = async (_payload: unknown, ctx: { id: string }) => {
      runs.push(ctx.id);
      await new Promise((resolve) => setTimeout(resolve, 2 * LOCK_MS));
    };
    try {
      await a.work({ 'sessions.sweep': slow });
      await b.work({ 'sessions.sweep': slow });
      await a.add('sessions.sweep', {}, { jobId: 'long-1' });
      await a.whenIdle({ timeoutMs: 20_000 });
      expect(runs).toEqual(['long-1']);
      expect(await a.listFailed()).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
