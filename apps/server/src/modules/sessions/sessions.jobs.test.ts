import { afterEach, describe, expect, it } from 'vitest';
import type { QueueReadyInfo } from '../../platform/queue/port';
import { startUnqueuedSweeps, type UnqueuedSweeps } from './sessions.jobs';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A queue that only has ready listeners, fired by the test. */
function fakeQueue() {
  const listeners = new Set<(info: QueueReadyInfo) => void>();
  return {
    onReady(listener: (info: QueueReadyInfo) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fireReady(info: QueueReadyInfo = { dataLost: false }) {
      for (const l of listeners) l(info);
    },
    listeners,
  };
}

function fakeLogger() {
  const warnings: unknown[][] = [];
  return { warn: (...args: unknown[]) => warnings.push(args), warnings };
}

let running: UnqueuedSweeps | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('startUnqueuedSweeps', () => {
  it('sweeps on its interval', async () => {
    let calls = 0;
    running = startUnqueuedSweeps({
      sweep: async () => {
        calls++;
      },
      queue: fakeQueue(),
      logger: fakeLogger(),
      everyMs: 20,
    });
    // Timers fire late on a busy machine: wait for the second run rather than a fixed time.
    for (let i = 0; i < 250 && calls < 2; i++) await wait(20);
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('sweeps whenever the queue is ready again', async () => {
    let calls = 0;
    const queue = fakeQueue();
    running = startUnqueuedSweeps({
      sweep: async () => {
        calls++;
      },
      queue,
      logger: fakeLogger(),
      everyMs: 60_000,
    });
    queue.fireReady();
    await wait(0);
    expect(calls).toBe(1);
    queue.fireReady({ dataLost: true });
    await wait(0);
    expect(calls).toBe(2);
  });

  it('skips the interval while the queue is down, but not a ready event', async () => {
    let calls = 0;
    let down = true;
    const queue = fakeQueue();
    running = startUnqueuedSweeps({
      sweep: async () => {
        calls++;
      },
      queue,
      logger: fakeLogger(),
      isQueueDown: () => down,
      everyMs: 20,
    });
    await wait(100);
    expect(calls).toBe(0);
    queue.fireReady();
    await wait(0);
    expect(calls).toBe(1);
    down = false;
    for (let i = 0; i < 250 && calls < 2; i++) await wait(20);
    expect(calls).toBeGreaterThan(1);
  });

  it('runs one sweep at a time: a trigger during a sweep joins it', async () => {
    let calls = 0;
    let hold = true;
    let release: () => void = () => undefined;
    const queue = fakeQueue();
    running = startUnqueuedSweeps({
      sweep: () => {
        calls++;
        if (!hold) return Promise.resolve();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      queue,
      logger: fakeLogger(),
      everyMs: 60_000,
    });
    const first = running.runNow('test');
    const second = running.runNow('test');
    queue.fireReady();
    expect(calls).toBe(1);
    hold = false;
    release();
    await Promise.all([first, second]);
    await running.runNow('test again');
    expect(calls).toBe(2);
  });

  it('logs a failing streak once, never throws, and logs again after a success', async () => {
    let fail = true;
    const logger = fakeLogger();
    running = startUnqueuedSweeps({
      sweep: async () => {
        if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      queue: fakeQueue(),
      logger,
      everyMs: 60_000,
    });
    await running.runNow('a');
    await running.runNow('b');
    await running.runNow('c');
    expect(logger.warnings).toHaveLength(1);
    fail = false;
    await running.runNow('d');
    fail = true;
    await running.runNow('e');
    expect(logger.warnings).toHaveLength(2);
  });

  it('stop() ends the timer and the ready listener, after the sweep in progress', async () => {
    let calls = 0;
    let finished = false;
    const queue = fakeQueue();
    const sweeps = startUnqueuedSweeps({
      sweep: async () => {
        calls++;
        await wait(30);
        finished = true;
      },
      queue,
      logger: fakeLogger(),
      everyMs: 10,
    });
    void sweeps.runNow('test');
    await sweeps.stop();
    expect(finished).toBe(true);
    expect(queue.listeners.size).toBe(0);
    const after = calls;
    queue.fireReady();
    await wait(50);
    expect(calls).toBe(after);
  });
});
