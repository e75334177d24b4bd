/**
 * One conformance suite over both JobQueue adapters. The in-process adapter always runs; the BullMQ half runs
 * when REDIS_URL is set (a unique key prefix per run, one queue per test, obliterated afterwards). Without
 * REDIS_URL it is skipped with a message, or fails when REQUIRE_SERVICES=1; an unreachable Redis fails it.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { readTestEnv } from '../../config/env';
import { createBullmqQueue, decodeJobId, encodeJobId } from './bullmq-queue';
import { createMemoryQueue } from './memory-queue';
import type { DeadLetter, DeadLetterSink, JobContext, JobEvent, JobQueue, LaneSpecs } from './port';

const testEnv = readTestEnv();

const registry = {
  // default() and coerce show the handler gets the parsed output, not the raw input.
  'test.echo': z.object({
    n: z.number().int(),
    label: z.string().default('none'),
    at: z.coerce.date().optional(),
  }),
  'test.flaky': z.object({ failTimes: z.number().int() }),
  'test.fail': z.object({ reason: z.string() }),
  'test.slow': z.object({ ms: z.number() }),
  'test.tick': z.object({ tag: z.string() }),
  'test.unhandled': z.object({}),
};
type TestQueue = JobQueue<typeof registry>;
type QueueSettings = {
  defaultBackoffMs?: number;
  keepCompleted?: number;
  lanes?: LaneSpecs;
  deadLetters?: DeadLetterSink;
};

type Adapter = {
  name: 'memory' | 'bullmq';
  available: boolean;
  /** A new queue for one test; with BullMQ, every queue opened in a test shares that test's Redis queue. */
  open(settings?: QueueSettings): TestQueue;
  /** Called after each test, once its queues are closed. */
  cleanup(): Promise<void>;
};

const runPrefix = `tp-test-${randomUUID().slice(0, 8)}`;
let admin: Redis | undefined;
/** The suite provokes errors on purpose (a throwing listener, an unreachable Redis): keep the output clean. */
const quietLogger = { warn: () => undefined, error: () => undefined };

function bullmqAdapter(redisUrl: string): Adapter {
  let queueName = '';
  const usedNames: string[] = [];
  return {
    name: 'bullmq',
    available: true,
    open(settings) {
      if (!queueName) {
        queueName = `q-${randomUUID().slice(0, 8)}`;
        usedNames.push(queueName);
      }
      // Each lane is a queue of its own, to be cleaned up too.
      for (const lane of Object.keys(settings?.lanes ?? {})) {
        if (!usedNames.includes(`${queueName}-${lane}`)) usedNames.push(`${queueName}-${lane}`);
      }
      return createBullmqQueue({
        registry,
        redisUrl,
        prefix: runPrefix,
        queueName,
        logger: quietLogger,
        ...settings,
      });
    },
    async cleanup() {
      admin ??= new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      for (const name of usedNames.splice(0)) {
        const q = new Queue(name, { connection: admin, prefix: runPrefix });
        await q.obliterate({ force: true });
        await q.close();
      }
      queueName = '';
    },
  };
}

const adapters: Adapter[] = [
  {
    name: 'memory',
    available: true,
    open: (settings) => createMemoryQueue({ registry, logger: quietLogger, ...settings }),
    cleanup: async () => undefined,
  },
  testEnv.redisUrl
    ? bullmqAdapter(testEnv.redisUrl)
    : { name: 'bullmq', available: false, open: () => unavailable(), cleanup: async () => undefined },
];

function unavailable(): never {
  throw new Error('REDIS_URL is not set');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const waitOpts = { timeout: 10_000, interval: 10 };

/** A `test.slow` handler that records how many of its jobs ran at once at most, and how many finished. */
function slowJobProbe() {
  let running = 0;
  const probe = {
    widest: 0,
    done: 0,
    handler: async (payload: { ms: number }) => {
      running += 1;
      probe.widest = Math.max(probe.widest, running);
      await sleep(payload.ms);
      running -= 1;
      probe.done += 1;
    },
  };
  return probe;
}

afterAll(async () => {
  if (admin) {
    // Nothing of this run may be left behind in Redis.
    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${runPrefix}:*`, 'COUNT', 1000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    // The epoch marker (one per prefix and Redis lifetime, how a process tells Redis came back empty) is kept on
    // purpose; everything else must be gone.
    expect(left.filter((k) => !k.endsWith(':tutorpulse:epoch'))).toEqual([]);
    await Promise.all(left.map((k) => admin!.del(k)));
    await admin.quit();
  }
});

describe.each(adapters)('JobQueue ($name)', (adapter) => {
  const skip = !adapter.available && !testEnv.requireServices;
  if (skip) console.log(`[queue.test] skipping the ${adapter.name} adapter: REDIS_URL is not set`);

  describe.skipIf(skip)('contract', () => {
    const opened: TestQueue[] = [];
    const open = (settings?: QueueSettings) => {
      const q = adapter.open(settings);
      opened.push(q);
      return q;
    };

    beforeAll(async () => {
      if (!adapter.available) {
        throw new Error(
          `REQUIRE_SERVICES=1 but REDIS_URL is not set: the ${adapter.name} queue cannot be tested`,
        );
      }
      // Fails the suite (rather than skipping it) when REDIS_URL points at a Redis that does not answer.
      const probe = adapter.open();
      const pinged = await probe.ping().then(
        () => undefined,
        (err: unknown) => err,
      );
      await probe.close();
      if (pinged !== undefined)
        throw new Error(`${adapter.name} queue backend unreachable: ${String(pinged)}`);
      await adapter.cleanup();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close()));
      await adapter.cleanup();
    });

    it('hands a job that spends its attempts to the dead-letter sink, once, before it is idle', async () => {
      const letters: DeadLetter[] = [];
      const q = open({
        defaultBackoffMs: 5,
        lanes: { side: { jobs: ['test.unhandled'], concurrency: 1 } },
        deadLetters: {
          record: async (letter) => {
            await sleep(20); // a slow database: whenIdle() must still wait for the write
            letters.push(letter);
          },
        },
      });
      await q.work({
        'test.fail': async (payload) => {
          throw new Error(payload.reason);
        },
        'test.flaky': async (payload, ctx) => {
          if (ctx.attempt <= payload.failTimes) throw new Error('not yet');
        },
        'test.unhandled': async () => {
          throw new Error('side lane broke');
        },
      });
      await q.add('test.fail', { reason: 'always broken' }, { jobId: 'dead-1', attempts: 3 });
      await q.add('test.flaky', { failTimes: 2 }, { jobId: 'recovers', attempts: 3 });
      await q.add('test.unhandled', {}, { jobId: 'dead-2', attempts: 1 });
      await q.whenIdle({ timeoutMs: 10_000 });

      const byId = new Map(letters.map((l) => [l.id, l]));
      expect([...byId.keys()].sort()).toEqual(['dead-1', 'dead-2']);
      expect(letters).toHaveLength(2);
      expect(byId.get('dead-1')).toMatchObject({
        queue: 'default',
        name: 'test.fail',
        payload: { reason: 'always broken' },
        error: 'always broken',
        attempts: 3,
      });
      expect(byId.get('dead-1')?.stack).toContain('always broken');
      expect(byId.get('dead-1')?.failedAt).toBeInstanceOf(Date);
      expect(byId.get('dead-2')).toMatchObject({ queue: 'side', name: 'test.unhandled', attempts: 1 });
    });

    it('keeps a job failed as usual when the dead-letter sink throws', async () => {
      const q = open({
        deadLetters: {
          record: () => Promise.reject(new Error('database down')),
        },
      });
      await q.work({
        'test.fail': async (payload) => {
          throw new Error(payload.reason);
        },
      });
      await q.add('test.fail', { reason: 'kaput' }, { jobId: 'sink-down', attempts: 1 });
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(await q.listFailed()).toMatchObject([{ id: 'sink-down', error: 'kaput' }]);
    });

    it('reports its kind and answers ping', async () => {
      const q = open();
      expect(q.kind).toBe(adapter.name);
      await expect(q.ping()).resolves.toBeUndefined();
    });

    it('runs a job with its parsed payload and context', async () => {
      const q = open();
      const seen: Array<{ payload: unknown; ctx: JobContext }> = [];
      await q.work({
        'test.echo': async (payload, ctx) => {
          seen.push({ payload, ctx });
        },
      });
      const result = await q.add('test.echo', { n: 7, at: '2025-03-01T10:00:00.000Z' });
      expect(result.added).toBe(true);
      expect(result.id).toEqual(expect.any(String));
      await q.whenIdle({ timeoutMs: 10_000 });

      expect(seen).toHaveLength(1);
      expect(seen[0]?.payload).toEqual({ n: 7, label: 'none', at: new Date('2025-03-01T10:00:00.000Z') });
      expect(seen[0]?.ctx).toEqual({ id: result.id, name: 'test.echo', attempt: 1, attemptsMax: 3 });
      expect(await q.counts()).toMatchObject({ waiting: 0, active: 0, completed: 1, failed: 0 });
    });

    it('rejects an invalid payload at add and enqueues nothing', async () => {
      const q = open();
      // Deliberately wrong types: the schema, not the compiler, must stop them at run time.
      await expect(q.add('test.echo', { n: 'seven' } as never)).rejects.toThrow(
        /Invalid payload for job "test.echo"/,
      );
      await expect(q.add('test.nope' as never, {} as never)).rejects.toThrow(/Unknown job "test.nope"/);
      await expect(
        q.addBulk([
          { name: 'test.echo', payload: { n: 1 } },
          { name: 'test.echo', payload: { n: 1.5 } },
        ]),
      ).rejects.toThrow(/Invalid payload/);
      await expect(q.add('test.echo', { n: 1 }, { priority: 0 })).rejects.toThrow(/priority/);
      await expect(q.add('test.echo', { n: 1 }, { jobId: '' })).rejects.toThrow(/jobId/);
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
    });

    it('de-duplicates by job id, truthfully, in every state', async () => {
      const q = open();
      const runs: string[] = [];
      const id = `tier1:${randomUUID()}:v2`;
      expect(await q.add('test.echo', { n: 1 }, { jobId: id })).toEqual({ id, added: true });
      // Still waiting (no worker yet).
      expect(await q.add('test.echo', { n: 2 }, { jobId: id })).toEqual({ id, added: false });
      // Within one bulk, and against the waiting one.
      const bulk = await q.addBulk([
        { name: 'test.echo', payload: { n: 3 }, opts: { jobId: 'bulk-1' } },
        { name: 'test.echo', payload: { n: 4 }, opts: { jobId: 'bulk-1' } },
        { name: 'test.echo', payload: { n: 5 }, opts: { jobId: id } },
      ]);
      expect(bulk).toEqual([
        { id: 'bulk-1', added: true },
        { id: 'bulk-1', added: false },
        { id, added: false },
      ]);

      await q.work({
        'test.echo': async (payload, ctx) => {
          runs.push(`${ctx.id}=${payload.n}`);
        },
      });
      await q.whenIdle({ timeoutMs: 10_000 });
      // Completed ids are remembered too.
      expect(await q.add('test.echo', { n: 6 }, { jobId: id })).toEqual({ id, added: false });
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(runs.sort()).toEqual([`${id}=1`, 'bulk-1=3'].sort());
    });

    it('forgets the oldest completed ids beyond keepCompleted', async () => {
      const q = open({ keepCompleted: 2 });
      const runs: string[] = [];
      await q.work(
        {
          'test.echo': async (_payload, ctx) => {
            runs.push(ctx.id);
          },
        },
        { concurrency: 1 },
      );
      for (const id of ['k1', 'k2', 'k3']) {
        await q.add('test.echo', { n: 1 }, { jobId: id });
        await q.whenIdle({ timeoutMs: 10_000 });
      }
      expect(await q.counts()).toMatchObject({ completed: 2 });
      expect((await q.add('test.echo', { n: 1 }, { jobId: 'k3' })).added).toBe(false);
      expect((await q.add('test.echo', { n: 1 }, { jobId: 'k1' })).added).toBe(true);
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(runs).toEqual(['k1', 'k2', 'k3', 'k1']);
    });

    it('accepts ids BullMQ would refuse (integers, colons, percent signs) and gives them back unchanged', async () => {
      const q = open();
      const ids = ['42', '-7', 'a:b', 'a:b:c:d', '100%:x', '%3A', 'repeat:x:12', 'plain'];
      const seen: string[] = [];
      await q.work({
        'test.echo': async (_payload, ctx) => {
          seen.push(ctx.id);
        },
      });
      for (const id of ids)
        expect(await q.add('test.echo', { n: 1 }, { jobId: id })).toEqual({ id, added: true });
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(seen.sort()).toEqual([...ids].sort());
      for (const id of ids) expect((await q.add('test.echo', { n: 1 }, { jobId: id })).added).toBe(false);
    });

    it('gives a lane its own slots: its burst runs wide and never blocks the default lane', async () => {
      const q = open({ lanes: { burst: { jobs: ['test.slow'], concurrency: 3 } } });
      const slow = slowJobProbe();
      const echoSawSlowRunning: boolean[] = [];
      for (let i = 0; i < 6; i++) await q.add('test.slow', { ms: 150 });
      await q.add('test.echo', { n: 1 });
      await q.add('test.echo', { n: 2 });
      await q.work(
        {
          'test.slow': slow.handler,
          'test.echo': async () => {
            echoSawSlowRunning.push(slow.done < 6);
          },
        },
        { concurrency: 1 },
      );
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(slow.widest).toBe(3);
      expect(slow.done).toBe(6);
      // The default lane (one slot) ran both echoes while the burst lane was still busy.
      expect(echoSawSlowRunning).toEqual([true, true]);
      expect(await q.counts()).toMatchObject({ waiting: 0, active: 0, completed: 8, failed: 0 });
    });

    it("overrides a lane's concurrency per process and refuses unknown lanes", async () => {
      const q = open({ lanes: { burst: { jobs: ['test.slow'], concurrency: 3 } } });
      await expect(q.work({}, { lanes: { nope: 2 } })).rejects.toThrow(/unknown lane "nope"/);
      const slow = slowJobProbe();
      for (let i = 0; i < 4; i++) await q.add('test.slow', { ms: 60 });
      await q.work({ 'test.slow': slow.handler }, { lanes: { burst: 1 } });
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(slow.widest).toBe(1);
    });

    it('lists and retries failed jobs, de-duplicates ids and counts across lanes', async () => {
      const q = open({ lanes: { side: { jobs: ['test.fail'], concurrency: 2 } } });
      let failNow = true;
      await q.work({
        'test.fail': async (payload) => {
          if (failNow) throw new Error(payload.reason);
        },
        'test.echo': async () => undefined,
      });
      await q.add('test.echo', { n: 1 }, { jobId: 'same-id' });
      await q.add('test.fail', { reason: 'side lane broke' }, { jobId: 'side-1', attempts: 1 });
      expect((await q.add('test.fail', { reason: 'again' }, { jobId: 'side-1' })).added).toBe(false);
      await q.whenIdle({ timeoutMs: 10_000 });
      await vi.waitFor(async () => expect(await q.listFailed()).toHaveLength(1), waitOpts);
      const [failed] = await q.listFailed();
      expect(failed).toMatchObject({ id: 'side-1', name: 'test.fail', error: 'side lane broke' });
      expect(await q.counts()).toMatchObject({ failed: 1, completed: 1 });

      failNow = false;
      expect(await q.retryFailed('side-1')).toBe(true);
      await q.whenIdle({ timeoutMs: 10_000 });
      await vi.waitFor(
        async () => expect(await q.counts()).toMatchObject({ failed: 0, completed: 2 }),
        waitOpts,
      );
    });

    it('refuses lane specs that are ambiguous or name unknown jobs', () => {
      expect(() => open({ lanes: { default: { jobs: ['test.slow'], concurrency: 2 } } })).toThrow(/reserved/);
      expect(() =>
        open({
          lanes: {
            a: { jobs: ['test.slow'], concurrency: 2 },
            b: { jobs: ['test.slow'], concurrency: 2 },
          },
        }),
      ).toThrow(/two lanes/);
      expect(() => open({ lanes: { a: { jobs: ['test.nope'], concurrency: 2 } } })).toThrow(/unknown job/);
      expect(() => open({ lanes: { a: { jobs: ['test.slow'], concurrency: 0 } } })).toThrow(/concurrency/);
    });

    it('runs a priority-1 job before earlier priority-5 jobs (concurrency 1)', async () => {
      const q = open();
      const order: number[] = [];
      await q.add('test.echo', { n: 1 }, { priority: 5 });
      await q.add('test.echo', { n: 2 }, { priority: 5 });
      await q.add('test.echo', { n: 3 }); // default priority is 5
      await q.add('test.echo', { n: 4 }, { priority: 1 });
      await q.add('test.echo', { n: 5 }, { priority: 9 });
      await q.work(
        {
          'test.echo': async (payload) => {
            order.push(payload.n);
          },
        },
        { concurrency: 1 },
      );
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(order).toEqual([4, 1, 2, 3, 5]);
    });

    it('retries with backoff: fails twice, then succeeds on the third attempt', async () => {
      const q = open({ defaultBackoffMs: 20 });
      const attempts: number[] = [];
      const events: JobEvent[] = [];
      q.onEvent((e) => events.push(e));
      await q.work({
        'test.flaky': async (payload, ctx) => {
          attempts.push(ctx.attempt);
          expect(ctx.attemptsMax).toBe(3);
          if (ctx.attempt <= payload.failTimes) throw new Error(`flaky failure ${ctx.attempt}`);
        },
      });
      const { id } = await q.add('test.flaky', { failTimes: 2 }, { attempts: 3 });
      await q.whenIdle({ timeoutMs: 10_000 });

      expect(attempts).toEqual([1, 2, 3]);
      expect(await q.listFailed()).toEqual([]);
      expect(await q.counts()).toMatchObject({ failed: 0, completed: 1, delayed: 0 });
      await vi.waitFor(() => expect(events).toHaveLength(3), waitOpts);
      expect(events.map((e) => [e.type, e.id, e.attempt, e.type === 'failed' ? e.final : null])).toEqual([
        ['failed', id, 1, false],
        ['failed', id, 2, false],
        ['completed', id, 3, null],
      ]);
    });

    it('puts a job that always fails in the failed list after 3 attempts; retryFailed runs it again', async () => {
      const q = open({ defaultBackoffMs: 10 });
      const attempts: number[] = [];
      await q.work({
        'test.fail': async (payload, ctx) => {
          attempts.push(ctx.attempt);
          throw new Error(payload.reason);
        },
      });
      const { id } = await q.add('test.fail', { reason: 'always broken' }, { jobId: 'doomed' });
      await q.whenIdle({ timeoutMs: 10_000 });

      expect(attempts).toEqual([1, 2, 3]);
      const failed = await q.listFailed();
      expect(failed).toEqual([
        {
          id,
          name: 'test.fail',
          payload: { reason: 'always broken' },
          error: 'always broken',
          attempts: 3,
          failedAt: expect.any(Date),
        },
      ]);
      expect(Math.abs((failed[0]?.failedAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(await q.counts()).toMatchObject({ failed: 1, completed: 0 });
      // Still known while failed: no silent re-add.
      expect((await q.add('test.fail', { reason: 'again' }, { jobId: 'doomed' })).added).toBe(false);

      expect(await q.retryFailed('not-a-job')).toBe(false);
      expect(await q.retryFailed(id)).toBe(true);
      await q.whenIdle({ timeoutMs: 10_000 });
      // Fresh attempts: 1..3 again, then back in the failed list.
      expect(attempts).toEqual([1, 2, 3, 1, 2, 3]);
      expect((await q.listFailed()).map((f) => [f.id, f.attempts])).toEqual([[id, 3]]);
      expect(await q.retryFailed(id)).toBe(true);
      expect(await q.retryFailed(id)).toBe(false); // no longer failed
    });

    it('pages the failed list, newest first', async () => {
      const q = open({ defaultBackoffMs: 0 });
      await q.work({
        'test.fail': async (payload) => {
          throw new Error(payload.reason);
        },
      });
      for (const reason of ['first', 'second', 'third']) {
        await q.add('test.fail', { reason }, { attempts: 1 });
        await q.whenIdle({ timeoutMs: 10_000 });
      }
      expect((await q.listFailed()).map((f) => f.error)).toEqual(['third', 'second', 'first']);
      expect((await q.listFailed({ limit: 1, offset: 1 })).map((f) => f.error)).toEqual(['second']);
      expect((await q.listFailed()).every((f) => f.attempts === 1)).toBe(true);
    });

    it('runs a delayed job only after its delay', async () => {
      const q = open();
      const ran: number[] = [];
      await q.work({
        'test.echo': async (payload) => {
          ran.push(payload.n);
        },
      });
      await q.add('test.echo', { n: 1 }, { delayMs: 1_000 });
      await q.add('test.echo', { n: 2 });
      await vi.waitFor(() => expect(ran).toEqual([2]), waitOpts);
      expect(await q.counts()).toMatchObject({ delayed: 1 });
      await sleep(200);
      expect(ran).toEqual([2]);
      await vi.waitFor(() => expect(ran).toEqual([2, 1]), waitOpts);
      expect(await q.counts()).toMatchObject({ delayed: 0, completed: 2 });
    });

    it('fires a cron schedule every second until unscheduled', async () => {
      const q = open();
      const fired: JobContext[] = [];
      await q.work({
        'test.tick': async (payload, ctx) => {
          expect(payload).toEqual({ tag: 'hello' });
          fired.push(ctx);
        },
      });
      await expect(q.schedule('bad', 'not a cron', 'test.tick', { tag: 'x' })).rejects.toThrow(
        /Invalid cron/,
      );
      await expect(q.schedule('bad', '* * * * *', 'test.tick', { tag: 1 } as never)).rejects.toThrow(
        /Invalid payload/,
      );

      await q.schedule('ticker', '* * * * * *', 'test.tick', { tag: 'hello' });
      await sleep(2_200);
      expect(fired.length).toBeGreaterThanOrEqual(1);
      expect(fired.length).toBeLessThanOrEqual(3);
      for (const ctx of fired) {
        // `<scheduler id>:<fire time>` on a whole second.
        expect(ctx.id).toMatch(/^ticker:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
        expect(ctx.name).toBe('test.tick');
      }
      // The fire id is a real job id: enqueuing it by hand is a no-op.
      expect((await q.add('test.tick', { tag: 'hello' }, { jobId: fired[0]?.id })).added).toBe(false);

      await q.unschedule('ticker');
      await q.whenIdle({ timeoutMs: 10_000 });
      const count = fired.length;
      await sleep(1_300);
      expect(fired).toHaveLength(count);
      expect(await q.counts()).toMatchObject({ waiting: 0, delayed: 0 });
    });

    it('counts waiting, delayed, active, completed and failed jobs', async () => {
      const q = open({ defaultBackoffMs: 0 });
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await q.add('test.echo', { n: 1 });
      await q.add('test.echo', { n: 2 });
      await q.add('test.echo', { n: 3 }, { delayMs: 60_000 });
      await q.add('test.fail', { reason: 'no' }, { attempts: 1 });
      expect(await q.counts()).toEqual({ waiting: 3, active: 0, delayed: 1, failed: 0, completed: 0 });

      await q.work(
        {
          'test.echo': async () => gate,
          'test.fail': async (payload) => {
            throw new Error(payload.reason);
          },
        },
        { concurrency: 2 },
      );
      await vi.waitFor(async () => expect((await q.counts()).active).toBe(2), waitOpts);
      release();
      // A far-future delayed job does not keep the queue busy.
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(await q.counts()).toEqual({ waiting: 0, active: 0, delayed: 1, failed: 1, completed: 2 });
    });

    it('reports completions and failures to listeners, with durations', async () => {
      const q = open({ defaultBackoffMs: 0 });
      const events: JobEvent[] = [];
      const other: JobEvent[] = [];
      q.onEvent((e) => events.push(e));
      const unsubscribe = q.onEvent((e) => other.push(e));
      unsubscribe();
      q.onEvent(() => {
        throw new Error('a broken listener changes nothing');
      });
      await q.work({
        'test.slow': async (payload) => sleep(payload.ms),
        'test.fail': async (payload) => {
          await sleep(20);
          throw new Error(payload.reason);
        },
      });
      const slow = await q.add('test.slow', { ms: 60 });
      const bad = await q.add('test.fail', { reason: 'kaput' }, { attempts: 2 });
      await q.whenIdle({ timeoutMs: 10_000 });
      await vi.waitFor(() => expect(events).toHaveLength(3), waitOpts);

      expect(other).toEqual([]);
      const completed = events.find((e) => e.type === 'completed');
      expect(completed).toMatchObject({ type: 'completed', id: slow.id, name: 'test.slow', attempt: 1 });
      expect(completed?.durationMs).toBeGreaterThanOrEqual(50);
      const failures = events.filter((e) => e.type === 'failed');
      expect(failures.map((e) => [e.id, e.attempt, e.final, e.error])).toEqual([
        [bad.id, 1, false, 'kaput'],
        [bad.id, 2, true, 'kaput'],
      ]);
      for (const f of failures) expect(f.durationMs).toBeGreaterThanOrEqual(10);
      expect(await q.counts()).toMatchObject({ completed: 1, failed: 1 });
    });

    it('whenIdle gives up with a clear error while work is pending', async () => {
      const q = open();
      await q.add('test.echo', { n: 1 }); // nobody works in this process
      await expect(q.whenIdle({ timeoutMs: 150 })).rejects.toThrow(/not idle after 150 ms/);
    });

    it('leaves a job with no handler in this process alone and runs the others', async () => {
      const q = open();
      const ran: number[] = [];
      await q.add('test.unhandled', {});
      await q.add('test.echo', { n: 1 });
      await q.work({
        'test.echo': async (payload) => {
          ran.push(payload.n);
        },
      });
      await vi.waitFor(() => expect(ran).toEqual([1]), waitOpts);
      await sleep(100);
      const counts = await q.counts();
      expect(counts.failed).toBe(0);
      expect(counts.waiting + counts.delayed).toBe(1);
      expect(await q.listFailed()).toEqual([]);
    });

    it('close() lets in-flight jobs finish, then refuses new work', async () => {
      const q = open();
      const log: string[] = [];
      const events: JobEvent[] = [];
      q.onEvent((e) => events.push(e));
      await q.work({
        'test.slow': async (payload, ctx) => {
          log.push(`start ${ctx.id}`);
          await sleep(payload.ms);
          log.push(`end ${ctx.id}`);
        },
      });
      const { id } = await q.add('test.slow', { ms: 300 }, { jobId: 'long' });
      await vi.waitFor(() => expect(log).toEqual([`start ${id}`]), waitOpts);

      await q.close();
      expect(log).toEqual([`start ${id}`, `end ${id}`]);
      expect(events.map((e) => [e.type, e.id])).toEqual([['completed', id]]);
      await expect(q.add('test.slow', { ms: 1 })).rejects.toThrow(/closed/);
      await expect(q.close()).resolves.toBeUndefined(); // idempotent

      if (adapter.name === 'bullmq') {
        // The outcome reached Redis before the connections went away.
        const again = open();
        expect(await again.counts()).toMatchObject({ active: 0, completed: 1 });
      }
    });
  });
});

describe('BullMQ job id encoding', () => {
  it.each([
    'plain',
    '42',
    '-7',
    '0',
    'a:b',
    'tier1:uuid:v2',
    '100%',
    '%3A',
    'repeat:x:12',
    'x:2025-01-01T00:00:00.000Z',
  ])('%s survives the round trip and is a valid BullMQ custom id', (id) => {
    const encoded = encodeJobId(id);
    expect(decodeJobId(encoded)).toBe(id);
    expect(`${parseInt(encoded, 10)}`).not.toBe(encoded);
    expect(!encoded.includes(':') || encoded.split(':').length === 3).toBe(true);
  });

  it('maps a scheduler fire id to the id BullMQ gives that fire', () => {
    expect(encodeJobId('nightly:2025-01-01T00:00:00.000Z')).toBe('repeat:nightly:1735689600000');
    expect(decodeJobId('repeat:nightly:1735689600000')).toBe('nightly:2025-01-01T00:00:00.000Z');
    // Not a real instant: kept as an ordinary id.
    expect(encodeJobId('x:2025-02-30T00:00:00.000Z')).not.toMatch(/^repeat:/);
  });
});
