/**
 * Group commit: callers submit one item each and get their own item's result, while the work runs on groups
 * of items (one transaction, multi-row statements). While fewer than `concurrency` groups are running, a new
 * item starts a group on the next turn of the event loop; otherwise it waits and joins the next group (up to
 * `maxSize`). Throughput follows load: a lone item runs alone and at once, a burst shares a few groups.
 *
 * Used by ingestion (a group of webhook deliveries per transaction) and by tier 1 (a group of sessions per
 * pass of rules, flags and rescoring).
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** The error of an item whose deadline passed before a group took it: it was not run at all. */
export class GroupDeadlineError extends Error {
  constructor() {
    super('the item waited past its deadline for a group and was not run');
    this.name = 'GroupDeadlineError';
  }
}

export type GroupCommitter<T, R> = {
  /**
   * `deadline` (a `performance.now()` time): if no group has taken the item by then, it is dropped unrun and
   * its promise rejects with GroupDeadlineError, so a caller that stopped waiting does not leave work behind.
   */
  submit(item: T, opts?: { deadline?: number }): Promise<R>;
  /** Items waiting for a group plus groups running: 0 when nothing is in flight. */
  readonly pending: number;
};

export function createGroupCommitter<T, R>(opts: {
  maxSize: number;
  concurrency: number;
  /** One result per item, in order; a rejection fails every item of the group. */
  run(items: T[]): Promise<Array<Settled<R>>>;
}): GroupCommitter<T, R> {
  if (!Number.isInteger(opts.maxSize) || opts.maxSize < 1) throw new Error('maxSize must be an integer >= 1');
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
    throw new Error('concurrency must be an integer >= 1');
  const waiting: Array<{ item: T; deadline: number; resolve(r: R): void; reject(e: unknown): void }> = [];
  let running = 0;
  let pumpQueued = false;

  function pump() {
    pumpQueued = false;
    while (running < opts.concurrency && waiting.length > 0) {
      const now = performance.now();
      const group: typeof waiting = [];
      while (group.length < opts.maxSize && waiting.length > 0) {
        const w = waiting.shift()!;
        if (w.deadline <= now) w.reject(new GroupDeadlineError());
        else group.push(w);
      }
      if (group.length === 0) continue;
      running += 1;
      // A synchronous throw in run() must fail its group, not escape into the event loop.
      Promise.resolve()
        .then(() => opts.run(group.map((g) => g.item)))
        .then(
          (results) =>
            group.forEach((g, i) => {
              const r = results[i];
              if (r?.ok) g.resolve(r.value);
              else g.reject(r ? r.error : new Error('the group produced no result for this item'));
            }),
          (err: unknown) => group.forEach((g) => g.reject(err)),
        )
        .finally(() => {
          running -= 1;
          pump();
        });
    }
  }

  return {
    submit(item: T, submitOpts?: { deadline?: number }): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, deadline: submitOpts?.deadline ?? Number.POSITIVE_INFINITY, resolve, reject });
        // Deferred to the next turn of the event loop, so the callers already in progress (with PGlite, a
        // transaction runs to completion without yielding to I/O) join this group instead of waiting for the next.
        if (!pumpQueued) {
          pumpQueued = true;
          setImmediate(pump);
        }
      });
    },
    get pending() {
      return waiting.length + running;
    },
  };
}
