/**
 * Foreground first, within one worker process. Tier 1 is the latency-critical step (a coach should see a
 * no-show flagged within a second or two); per-session mails and transcript analysis are throughput work that
 * may lag a little. Both run on the same event loop, so background jobs running flat out (rendering and
 * writing mail, NLP over transcripts) slow every tier 1 pass. While any foreground work is in flight, at most
 * `whileBusy` background jobs run at once (never zero: background work always progresses); when the foreground
 * is idle, background jobs run as widely as their queue lane allows.
 */
export type PriorityGate = {
  /** Runs latency-critical work; background jobs are throttled until no foreground work is in flight. */
  foreground<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs throughput work, waiting for a slot while the foreground is busy. */
  background<T>(fn: () => Promise<T>): Promise<T>;
  /** Foreground calls in flight, background calls running and waiting (metrics, tests). */
  stats(): { foreground: number; background: number; waiting: number };
};

export function createPriorityGate(opts: { whileBusy?: number } = {}): PriorityGate {
  const whileBusy = opts.whileBusy ?? 1;
  if (!Number.isInteger(whileBusy) || whileBusy < 1) throw new Error('whileBusy must be an integer >= 1');
  let foreground = 0;
  let running = 0;
  const waiting: Array<() => void> = [];

  const mayStart = () => foreground === 0 || running < whileBusy;

  function release() {
    while (waiting.length > 0 && mayStart()) {
      running += 1;
      waiting.shift()!();
    }
  }

  return {
    async foreground(fn) {
      foreground += 1;
      try {
        return await fn();
      } finally {
        foreground -= 1;
        if (foreground === 0) release();
      }
    },
    async background(fn) {
      if (waiting.length === 0 && mayStart()) running += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        running -= 1;
        release();
      }
    },
    stats: () => ({ foreground, background: running, waiting: waiting.length }),
  };
}
