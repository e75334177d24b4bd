/**
 * The read cache for dashboard aggregates: get-or-compute with single flight and generation-based
 * invalidation.
 *
 * - A value is cached under its key plus the current generation of each of its tags; `invalidate(tag)` bumps
 *   the tag, so every value computed before is never read again (it expires by itself).
 * - Single flight: concurrent misses of the same key in one process share one computation (50 users opening
 *   the same overview at once cost one query, then everyone reads the stored copy).
 * - The time to live is a backstop only (a lost invalidation, a clock-dependent figure); freshness comes from
 *   the events that bump generations.
 * - The store failing (Redis down) never fails a read: the value is computed directly, one warning per outage.
 */
import type { Logger } from '../logger';
import type { CacheStore } from './port';

export type ReadCacheStats = { hits: number; misses: number; computes: number; errors: number };

export type GetOrComputeOptions = {
  /** What the value depends on: bumping any of these tags invalidates it. */
  tags: readonly string[];
  /** Overrides the cache's default time to live. */
  ttlMs?: number;
  /** Whether a computed value is worth storing (default: always); single flight applies either way. */
  cacheIf?: (value: unknown) => boolean;
};

export type ReadCache = {
  readonly kind: CacheStore['kind'] | 'off';
  getOrCompute<T>(key: string, opts: GetOrComputeOptions, compute: () => Promise<T>): Promise<T>;
  /**
   * The same for a value that is already text (a serialized response): stored and returned as is, so a hit
   * costs no parse and no serialization.
   */
  getOrComputeText(key: string, opts: GetOrComputeOptions, compute: () => Promise<string>): Promise<string>;
  /** Invalidates every value depending on any of the tags (in every process sharing the store). */
  invalidate(...tags: string[]): Promise<void>;
  stats(): ReadCacheStats;
  close(): Promise<void>;
};

export function createReadCache(opts: {
  store: CacheStore;
  /** Default time to live; 0 turns caching off (every call computes; single flight still applies). */
  ttlMs: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}): ReadCache {
  const { store, ttlMs } = opts;
  const inflight = new Map<string, Promise<unknown>>();
  const stats: ReadCacheStats = { hits: 0, misses: 0, computes: 0, errors: 0 };
  let failing = false;

  function storeFailed(err: unknown, op: string) {
    stats.errors++;
    if (failing) return;
    failing = true;
    opts.logger?.warn(
      { err: (err as Error)?.message ?? String(err), op },
      'read cache: store unavailable; computing directly',
    );
  }
  function storeOk() {
    if (!failing) return;
    failing = false;
    opts.logger?.info('read cache: store is back');
  }

  async function fullKey(key: string, tags: readonly string[]): Promise<string | null> {
    if (tags.length === 0) return key;
    try {
      const gens = await store.generations(tags);
      storeOk();
      return `${key}|${tags.map((t, i) => `${t}.${gens[i]}`).join(',')}`;
    } catch (err) {
      storeFailed(err, 'generations');
      return null;
    }
  }

  type Codec<T> = { encode(value: T): string; decode(text: string): T };
  const JSON_CODEC: Codec<unknown> = { encode: (v) => JSON.stringify(v), decode: (t) => JSON.parse(t) };
  const TEXT_CODEC: Codec<string> = { encode: (v) => v, decode: (t) => t };

  async function load<T>(
    k: string,
    ttl: number,
    compute: () => Promise<T>,
    cacheIf: ((value: unknown) => boolean) | undefined,
    codec: Codec<T>,
  ): Promise<T> {
    if (ttl > 0) {
      let cached: string | null = null;
      try {
        cached = await store.get(k);
        storeOk();
      } catch (err) {
        storeFailed(err, 'get');
      }
      if (cached !== null) {
        stats.hits++;
        return codec.decode(cached);
      }
    }
    stats.misses++;
    stats.computes++;
    const value = await compute();
    if (ttl > 0 && (cacheIf === undefined || cacheIf(value))) {
      try {
        await store.set(k, codec.encode(value), ttl);
      } catch (err) {
        storeFailed(err, 'set');
      }
    }
    return value;
  }

  async function get<T>(
    key: string,
    o: GetOrComputeOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<T> {
    const k = await fullKey(key, o.tags);
    if (k === null) {
      stats.computes++;
      return compute();
    }
    // One flight per key and codec (a text and a JSON value never share a computation).
    const flightKey = codec === (TEXT_CODEC as unknown) ? `text:${k}` : k;
    const running = inflight.get(flightKey);
    if (running) {
      stats.hits++;
      return running as Promise<T>;
    }
    const p = load(k, o.ttlMs ?? ttlMs, compute, o.cacheIf, codec).finally(() => inflight.delete(flightKey));
    inflight.set(flightKey, p);
    return p;
  }

  return {
    kind: ttlMs > 0 ? store.kind : 'off',

    getOrCompute<T>(key: string, o: GetOrComputeOptions, compute: () => Promise<T>): Promise<T> {
      return get(key, o, compute, JSON_CODEC as Codec<T>);
    },

    getOrComputeText(key: string, o: GetOrComputeOptions, compute: () => Promise<string>): Promise<string> {
      return get(key, o, compute, TEXT_CODEC);
    },

    async invalidate(...tags: string[]) {
      if (tags.length === 0) return;
      try {
        await store.bump(tags);
        storeOk();
      } catch (err) {
        // The TTL bounds how stale a value can be while the store is away.
        storeFailed(err, 'bump');
      }
    },

    stats: () => ({ ...stats }),
    close: () => store.close(),
  };
}
