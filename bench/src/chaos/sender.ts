/**
 * The tutoring platform as a webhook sender: each delivery keeps its `webhook-id` and is signed afresh
 * (Standard Webhooks, the server's own signing helper) on every attempt; 5xx, 408, 429 and network errors
 * are retried with exponential backoff and jitter (1 s, 2 s, 4 s … at most 30 s), waiting what a
 * `retry-after` asks (at most 60 s); other 4xx answers are final. Attempt k of delivery i goes to API
 * `(i + k) mod n`, as a round-robin balancer would, so a retry after a refused connection reaches another
 * process. Deliveries start at a fixed rate while the faults run; `release()` sends the rest at full speed.
 */
import http from 'node:http';
import {
  computeWebhookSignature,
  decodeWebhookSecret,
} from '@tutorpulse/server/src/modules/sessions/webhook-signature';

export type Delivery = { sessionId: string; webhookId: string; body: string };

export type SenderCounters = {
  /** Deliveries started. */
  started: number;
  /** Deliveries finished: accepted, refused for good or given up. */
  finished: number;
  attempts: number;
  accepted: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Attempts that got no answer, by error code (ECONNREFUSED, ECONNRESET, TIMEOUT…). */
  networkErrors: Record<string, number>;
  /** Slowest answer (or timeout) so far, in ms. */
  maxAnswerMs: number;
  /** Answers (or timeouts) that took longer than 2 s. */
  slowAnswers: number;
  gaveUp: number;
  refused: number;
};

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
const RETRY_AFTER_MAX_MS = 60_000;
const SLOW_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `retry-after` in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

type Answer = { status: number; retryAfter: number | null; body: string } | { error: string };

export function createSender(opts: {
  urls: string[];
  webhookSecret: string;
  deliveries: Delivery[];
  rate: number;
  concurrency: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Called with a refused (final 4xx) delivery, for the run's log. */
  onRefused?: (d: Delivery, status: number, body: string) => void;
  /** Called when only the reserve is left and the faults are still running. */
  onReserve?: () => void;
}) {
  const key = decodeWebhookSecret(opts.webhookSecret);
  const urls = opts.urls.map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const c: SenderCounters = {
    started: 0,
    finished: 0,
    attempts: 0,
    accepted: 0,
    statuses: {},
    networkErrors: {},
    maxAnswerMs: 0,
    slowAnswers: 0,
    gaveUp: 0,
    refused: 0,
  };
  /** Session id → when the first 2xx for it was read (ms epoch). */
  const acceptedAt = new Map<string, number>();
  const gaveUp = new Set<string>();

  // A counting semaphore: only requests hold a slot, not the waits between attempts (a real sender schedules
  // its retries rather than keeping a connection busy).
  let free = opts.concurrency;
  const waiting: Array<() => void> = [];
  const acquire = () =>
    free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve));
  const releaseSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  let released = false;
  let releaseNow: () => void = () => {};
  const releasedSignal = new Promise<void>((resolve) => (releaseNow = resolve));

  function post(url: URL, d: Delivery): Promise<Answer> {
    const at = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(d.body),
      'webhook-id': d.webhookId,
      'webhook-timestamp': String(at),
      'webhook-signature': computeWebhookSignature(key, d.webhookId, at, d.body),
    };
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(a);
      };
      const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 2_000) body += chunk;
        });
        res.on('end', () =>
          done({
            status: res.statusCode ?? 0,
            retryAfter: retryAfterMs(res.headers['retry-after']),
            body,
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? 'RESPONSE_ERROR' }));
      });
      const timer = setTimeout(() => {
        done({ error: 'TIMEOUT' });
        req.destroy(new Error('timeout'));
      }, opts.requestTimeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
      req.end(d.body);
    });
  }

  async function deliver(i: number): Promise<void> {
    const d = opts.deliveries[i]!;
    c.started++;
    for (let attempt = 1; ; attempt++) {
      await acquire();
      const t0 = performance.now();
      let answer: Answer;
      try {
        answer = await post(urls[(i + attempt - 1) % urls.length]!, d);
      } finally {
        releaseSlot();
      }
      const took = performance.now() - t0;
      c.attempts++;
      c.maxAnswerMs = Math.max(c.maxAnswerMs, took);
      if (took > SLOW_MS) c.slowAnswers++;
      let retryAfter: number | null = null;
      if ('error' in answer) {
        c.networkErrors[answer.error] = (c.networkErrors[answer.error] ?? 0) + 1;
      } else {
        c.statuses[answer.status] = (c.statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 200 && answer.status < 300) {
          if (!acceptedAt.has(d.sessionId)) {
            acceptedAt.set(d.sessionId, Date.now());
            c.accepted++;
          }
          break;
        }
        const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
        if (!retryable) {
          c.refused++;
          opts.onRefused?.(d, answer.status, answer.body);
          break;
        }
        retryAfter = answer.retryAfter;
      }
      if (attempt >= opts.maxAttempts) {
        c.gaveUp++;
        gaveUp.add(d.sessionId);
        break;
      }
      const backoff =
        Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
      await sleep(retryAfter !== null ? Math.min(RETRY_AFTER_MAX_MS, retryAfter) : backoff);
    }
    c.finished++;
  }

  /** Starts every delivery (paced until released); resolves once each one is accepted, refused or given up. */
  async function run(): Promise<void> {
    const inflight: Array<Promise<void>> = [];
    // The last tenth of the burst is kept for after the faults: should the faults outlast the rest, it goes
    // out at a tenth of the rate meanwhile, so traffic keeps flowing during every fault.
    const reserveFrom = Math.max(1, Math.floor(opts.deliveries.length * 0.9));
    let nextAt = performance.now();
    for (let i = 0; i < opts.deliveries.length; i++) {
      if (!released) {
        if (i === reserveFrom) opts.onReserve?.();
        nextAt += ((i >= reserveFrom ? 10 : 1) * 1000) / opts.rate;
        const wait = nextAt - performance.now();
        if (wait > 1) await Promise.race([sleep(wait), releasedSignal]);
      }
      // Bounded fan-out: no more deliveries waiting for a slot than there are slots.
      while (waiting.length > opts.concurrency) await sleep(5);
      inflight.push(deliver(i));
    }
    await Promise.all(inflight);
    agent.destroy();
  }

  return {
    run,
    /** From now on, the remaining deliveries go as fast as the slots allow. */
    release() {
      released = true;
      releaseNow();
    },
    counters: (): SenderCounters => ({
      ...c,
      statuses: { ...c.statuses },
      networkErrors: { ...c.networkErrors },
    }),
    acceptedAt,
    gaveUp,
  };
}

export type Sender = ReturnType<typeof createSender>;
