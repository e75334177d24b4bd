/**
 * A Redis store for @fastify/rate-limit that counts concurrent requests of one key in one round trip. The
 * plugin's own Redis store runs one script per request; under a burst (a marketplace's webhooks, all counted under
 * one signing key) that is one Redis round trip per delivery, the largest single cost of a signed webhook in the
 * API's profile. Here, while a count for a key is in flight, the requests that arrive for it wait and are counted
 * together with one `INCRBY n` when it returns: each still gets its own position in the window (the n values up
 * to the new total), so limits, `retry-after` and 429s are exactly as with one call per request.
 *
 * Same window semantics as the plugin's store without `continueExceeding` / `exponentialBackoff` (which we do not
 * use): the window starts with its first request and its counter expires with it.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

type Result = { current: number; ttl: number };
type Callback = (err: Error | null, res?: Result) => void;
type Waiting = { cb: Callback; timeWindow: number };

const INCR_BY = `
  local current = redis.call('INCRBY', KEYS[1], ARGV[2])
  local ttl = tonumber(ARGV[1])
  if current == tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ttl)
  else
    ttl = redis.call('PTTL', KEYS[1])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      ttl = tonumber(ARGV[1])
    end
  end
  return {current, ttl}
`;

const READ = `
  local current = redis.call('GET', KEYS[1])
  if not current then return {0, 0} end
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = 0 end
  return {tonumber(current), ttl}
`;

type CountingCommands = {
  tpRateIncrBy(key: string, windowMs: number, n: number): Promise<[number, number]>;
  tpRateRead(key: string): Promise<[number, number]>;
};
type CountingRedis = Redis & CountingCommands;

/** Counts per key in flight, and the requests waiting for the next round trip. */
type Lanes = Map<string, { waiting: Waiting[] }>;

export class CoalescingStore implements FastifyRateLimitStore {
  constructor(
    private readonly redis: CountingRedis,
    private readonly prefix: string,
    private readonly lanes: Lanes,
  ) {}

  incr(key: string, cb: Callback, timeWindow: number): void {
    const full = this.prefix + key;
    const lane = this.lanes.get(full);
    if (lane) {
      lane.waiting.push({ cb, timeWindow });
      return;
    }
    this.lanes.set(full, { waiting: [] });
    this.flush(full, [{ cb, timeWindow }]);
  }

  read(key: string, cb: Callback): void {
    this.redis.tpRateRead(this.prefix + key).then(
      ([current, ttl]) => cb(null, { current, ttl }),
      (err: Error) => cb(err),
    );
  }

  child(routeOptions: object): CoalescingStore {
    // At run time the plugin passes the route's limiter settings with `routeInfo` (its own store reads the same).
    const { method, url } = (routeOptions as { routeInfo: { method: string; url: string } }).routeInfo;
    return new CoalescingStore(this.redis, `${this.prefix}${method}${url}-`, this.lanes);
  }

  /** One round trip for `batch`; whoever arrived meanwhile goes in the next one. */
  private flush(full: string, batch: Waiting[]): void {
    const n = batch.length;
    this.redis.tpRateIncrBy(full, batch[0]!.timeWindow, n).then(
      ([current, ttl]) => {
        batch.forEach((w, i) => w.cb(null, { current: current - n + 1 + i, ttl }));
        this.next(full);
      },
      (err: Error) => {
        for (const w of batch) w.cb(err);
        this.next(full);
      },
    );
  }

  private next(full: string): void {
    const lane = this.lanes.get(full);
    if (!lane || lane.waiting.length === 0) {
      this.lanes.delete(full);
      return;
    }
    const batch = lane.waiting;
    lane.waiting = [];
    this.flush(full, batch);
  }
}

/** The `store` option of @fastify/rate-limit (a class it instantiates), counting on `redis` under `prefix`. */
export function coalescingRedisStore(redis: Redis, prefix: string): FastifyRateLimitStoreCtor {
  const defined = redis as unknown as Partial<CountingCommands>;
  if (!defined.tpRateIncrBy) redis.defineCommand('tpRateIncrBy', { numberOfKeys: 1, lua: INCR_BY });
  if (!defined.tpRateRead) redis.defineCommand('tpRateRead', { numberOfKeys: 1, lua: READ });
  const r = redis as unknown as CountingRedis;
  const lanes: Lanes = new Map();
  return class extends CoalescingStore {
    constructor() {
      super(r, prefix, lanes);
    }
  };
}
