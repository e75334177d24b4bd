import { describe, expect, it } from 'vitest';
import { createPriorityGate } from './priority';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('createPriorityGate', () => {
  it('runs background work freely while the foreground is idle', async () => {
    const gate = createPriorityGate({ whileBusy: 1 });
    const blockers = [deferred(), deferred(), deferred()];
    const runs = blockers.map((b) => gate.background(() => b.promise));
    await tick();
    expect(gate.stats()).toEqual({ foreground: 0, background: 3, waiting: 0 });
    blockers.forEach((b) => b.resolve());
    await Promise.all(runs);
    expect(gate.stats()).toEqual({ foreground: 0, background: 0, waiting: 0 });
  });

  it('lets only `whileBusy` background jobs run while foreground work is in flight, then releases the rest', async () => {
    const gate = createPriorityGate({ whileBusy: 1 });
    const fg = deferred();
    const foreground = gate.foreground(() => fg.promise);
    const started: number[] = [];
    const bg = [deferred(), deferred(), deferred()];
    const runs = bg.map((b, i) =>
      gate.background(async () => {
        started.push(i);
        await b.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0]);
    expect(gate.stats()).toEqual({ foreground: 1, background: 1, waiting: 2 });

    // Background keeps progressing one at a time while the foreground is busy.
    bg[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1]);

    // Foreground done: everything waiting starts.
    fg.resolve();
    await foreground;
    await tick();
    expect(started).toEqual([0, 1, 2]);
    bg[1]!.resolve();
    bg[2]!.resolve();
    await Promise.all(runs);
    expect(gate.stats()).toEqual({ foreground: 0, background: 0, waiting: 0 });
  });

  it('passes results and errors through, and frees its slot on failure', async () => {
    const gate = createPriorityGate();
    await expect(gate.foreground(async () => 42)).resolves.toBe(42);
    await expect(gate.background(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.foreground(async () => Promise.reject(new Error('fg boom')))).rejects.toThrow(
      'fg boom',
    );
    expect(gate.stats()).toEqual({ foreground: 0, background: 0, waiting: 0 });
    await expect(gate.background(async () => 'ok')).resolves.toBe('ok');
  });

  it('refuses a zero background share (background work must always progress)', () => {
    expect(() => createPriorityGate({ whileBusy: 0 })).toThrow(/whileBusy/);
  });
});
