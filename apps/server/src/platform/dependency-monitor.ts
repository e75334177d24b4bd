/**
 * Which of the process's dependencies (Postgres, Redis) answer, and one place that says so in the logs.
 *
 * Every connection reports here: a `pg` pool and each of its clients ('error' events, which without a listener
 * would crash the process), every ioredis connection ('error', 'ready'), pings and failed jobs. A dependency is
 * down while any of its connections last reported an error and up again once they are all back. The log gets one
 * line when a dependency goes down (naming the setting that points at it), at most one line per `repeatDownMs`
 * while it stays down, and one line when it is back: an outage of a minute is three lines, not hundreds.
 *
 * A dependency with a probe (Postgres: `select 1`) is probed with backoff while down, so it is seen back even
 * when nothing else uses it; connections that reconnect by themselves (ioredis) report 'ready' instead.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';

export type MonitorLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
};

export type DependencyStatus = {
  name: string;
  /** The setting that points at it (DATABASE_URL, REDIS_URL), named in every log line. */
  setting: string;
  up: boolean;
  /** When it last changed state. */
  since: Date;
  /** Last error seen while down. */
  error?: string;
};

export type DependencyOptions = {
  setting: string;
  /** Where it is (host:port), for log lines; never a password. */
  target?: string;
  /** Run while down, with backoff, until it resolves: the dependency is then up. */
  probe?: () => Promise<void>;
  /** Say nothing until it has been up once (start-up waits and explains on its own, see platform/startup.ts). */
  quietUntilUp?: boolean;
};

export type DependencyHandle = {
  readonly name: string;
  /** One connection (`source`) failed. */
  down(err: unknown, source?: string): void;
  /** One connection (`source`) is working again; without a source, every connection is. */
  up(source?: string): void;
  isUp(): boolean;
};

export type ChangeListener = (status: DependencyStatus) => void;

const DEFAULT_SOURCE = 'default';
const PROBE_MIN_MS = 1_000;
const PROBE_MAX_MS = 10_000;

export function createDependencyMonitor(opts: {
  logger: MonitorLogger;
  /** Least time between two "still down" lines for one dependency (default 30 s). */
  repeatDownMs?: number;
  now?: () => number;
}) {
  const { logger } = opts;
  const repeatDownMs = opts.repeatDownMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const listeners = new Set<ChangeListener>();
  const entries = new Map<
    string,
    {
      opts: DependencyOptions;
      failing: Set<string>;
      since: number;
      error?: string;
      lastLog: number;
      probeTimer?: NodeJS.Timeout;
      probeDelay: number;
      probing: boolean;
      everUp: boolean;
    }
  >();
  let closed = false;

  function statusOf(name: string): DependencyStatus {
    const e = entries.get(name)!;
    return {
      name,
      setting: e.opts.setting,
      up: e.failing.size === 0,
      since: new Date(e.since),
      ...(e.error !== undefined ? { error: e.error } : {}),
    };
  }

  function emit(name: string) {
    const status = statusOf(name);
    for (const l of listeners) {
      try {
        l(status);
      } catch (err) {
        logger.warn({ err, dependency: name }, 'dependency listener failed');
      }
    }
  }

  function scheduleProbe(name: string) {
    const e = entries.get(name);
    if (!e?.opts.probe || e.probeTimer || e.probing || closed || e.failing.size === 0) return;
    e.probeTimer = setTimeout(() => {
      e.probeTimer = undefined;
      e.probing = true;
      e.opts.probe!().then(
        () => {
          e.probing = false;
          e.probeDelay = PROBE_MIN_MS;
          handle(name).up();
        },
        (err: unknown) => {
          e.probing = false;
          e.probeDelay = Math.min(e.probeDelay * 2, PROBE_MAX_MS);
          handle(name).down(err, 'probe');
        },
      );
    }, e.probeDelay);
    e.probeTimer.unref();
  }

  function handle(name: string): DependencyHandle {
    return {
      name,
      down(err, source = DEFAULT_SOURCE) {
        const e = entries.get(name);
        if (!e || closed) return;
        const wasUp = e.failing.size === 0;
        e.failing.add(source);
        e.error = describe(err);
        const t = now();
        const where = e.opts.target ? ` at ${e.opts.target}` : '';
        if (e.opts.quietUntilUp && !e.everUp) {
          e.lastLog = t;
        } else if (wasUp) {
          e.since = t;
          e.lastLog = t;
          logger.warn(
            { dependency: name, setting: e.opts.setting, err: e.error },
            `${name} unreachable${where} (${e.opts.setting}): ${e.error}; retrying with backoff`,
          );
          emit(name);
        } else if (t - e.lastLog >= repeatDownMs) {
          e.lastLog = t;
          logger.warn(
            {
              dependency: name,
              setting: e.opts.setting,
              err: e.error,
              down_s: Math.round((t - e.since) / 1000),
            },
            `${name} still unreachable${where} (${e.opts.setting}) after ${Math.round((t - e.since) / 1000)} s: ${e.error}`,
          );
        }
        scheduleProbe(name);
      },
      up(source) {
        const e = entries.get(name);
        if (!e || closed) return;
        const wasDown = e.failing.size > 0;
        // The probe and a ping speak for the whole dependency: it answered, so other reporters' errors are old.
        if (source === undefined || source === 'probe') e.failing.clear();
        else e.failing.delete(source);
        if (e.failing.size > 0) return;
        const firstUp = !e.everUp;
        e.everUp = true;
        if (!wasDown) return;
        const t = now();
        if (!(e.opts.quietUntilUp && firstUp)) {
          logger.info(
            { dependency: name, setting: e.opts.setting, down_s: Math.round((t - e.since) / 1000) },
            `${name} is reachable again after ${Math.round((t - e.since) / 1000)} s`,
          );
        }
        e.since = t;
        delete e.error;
        if (e.probeTimer) clearTimeout(e.probeTimer);
        e.probeTimer = undefined;
        e.probeDelay = PROBE_MIN_MS;
        emit(name);
      },
      isUp() {
        return (entries.get(name)?.failing.size ?? 0) === 0;
      },
    };
  }

  return {
    /** Registers a dependency (once per name; a second call returns the same handle). */
    register(name: string, depOpts: DependencyOptions): DependencyHandle {
      if (!entries.has(name)) {
        entries.set(name, {
          opts: depOpts,
          failing: new Set(),
          since: now(),
          lastLog: 0,
          probeDelay: PROBE_MIN_MS,
          probing: false,
          everUp: false,
        });
      }
      return handle(name);
    },
    get(name: string): DependencyHandle | undefined {
      return entries.has(name) ? handle(name) : undefined;
    },
    statuses(): DependencyStatus[] {
      return [...entries.keys()].map(statusOf);
    },
    /** Called on every change of a dependency's state (down → up, up → down). Returns an unsubscribe. */
    onChange(listener: ChangeListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      for (const e of entries.values()) if (e.probeTimer) clearTimeout(e.probeTimer);
      listeners.clear();
    },
  };
}

export type DependencyMonitor = ReturnType<typeof createDependencyMonitor>;

/** A handle that reports nowhere (adapters built without a monitor, e.g. in unit tests). */
export const unmonitored: DependencyHandle = {
  name: 'unmonitored',
  down() {},
  up() {},
  isUp: () => true,
};

/**
 * Listens to a `pg` pool and every client it opens. `pg` emits 'error' on a client whose connection dies while
 * it is checked out but between queries (inside a transaction waiting on something else): with no listener
 * that is an uncaught exception. The pool's own 'error' covers idle clients. A new connection means the server
 * answers again.
 */
export function watchPgPool(pool: pg.Pool, dep: DependencyHandle): void {
  pool.on('error', (err) => dep.down(err, 'pool'));
  pool.on('connect', (client) => {
    client.on('error', (err) => dep.down(err, 'pool'));
    dep.up('pool');
  });
}

/**
 * Listens to one ioredis connection: errors (each failed reconnect attempt emits one) and readiness. Without an
 * 'error' listener ioredis prints every attempt to the console.
 */
export function watchRedis(client: Redis, dep: DependencyHandle, source: string): void {
  client.on('error', (err) => dep.down(err, source));
  client.on('ready', () => dep.up(source));
}

/** Reconnect backoff for ioredis: 200 ms doubling to 5 s, with jitter so many processes do not reconnect in step. */
export function redisRetryStrategy(attempt: number): number {
  const base = Math.min(200 * 2 ** Math.min(attempt, 10), 5_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** `host:port/db` of a connection URL, without user or password, for log lines. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'an unparsable URL';
  }
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return err.message || code || err.name;
  }
  return String(err);
}

// ---------------------------------------------------------------------------------------------------------
// Which errors mean "the dependency is not there right now" (retry later) rather than "this request is wrong".

/** SQLSTATE classes/codes of a database that is restarting, shutting down or refusing connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53000']);
const NODE_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const PG_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /client was closed and is not queryable/i,
  /cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /connection (is )?(closed|lost)/i,
];
const MAX_DEPTH = 6;

/** True when the error (or one it wraps, through `cause` or AggregateError) says Postgres is unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return walk(err, (e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && typeof e.severity === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')))
      return true;
    if (code && NODE_NET_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return PG_MESSAGES.some((re) => re.test(message));
  });
}

/** True when the error says Redis is unreachable (ioredis gave up on a command, or the connection is down). */
export function isRedisUnavailable(err: unknown): boolean {
  return walk(err, (e) => {
    if (e.name === 'MaxRetriesPerRequestError') return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return (
      /Connection is closed/.test(message) ||
      /enableOfflineQueue options is false/.test(message) ||
      /Redis did not answer/.test(message) ||
      (typeof e.code === 'string' && NODE_NET_CODES.has(e.code) && /redis|6379/i.test(message))
    );
  });
}

function walk(err: unknown, test: (e: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const stack: Array<{ e: unknown; depth: number }> = [{ e: err, depth: 0 }];
  while (stack.length) {
    const { e, depth } = stack.pop()!;
    if (e === null || typeof e !== 'object' || seen.has(e) || depth > MAX_DEPTH) continue;
    seen.add(e);
    const rec = e as Record<string, unknown>;
    if (test(rec)) return true;
    if (rec.cause !== undefined) stack.push({ e: rec.cause, depth: depth + 1 });
    if (Array.isArray(rec.errors)) for (const inner of rec.errors) stack.push({ e: inner, depth: depth + 1 });
  }
  return false;
}
