/**
 * In-process cache store (embedded mode): a Map in insertion order with per-entry expiry, bounded in size
 * (the oldest entries go first), and generation counters per tag.
 */
import type { Clock } from '../clock';
import type { CacheStore } from './port';

export function createMemoryCacheStore(opts: { clock: Clock; maxEntries?: number }): CacheStore {
  const maxEntries = opts.maxEntries ?? 5_000;
  const values = new Map<string, { value: string; expiresAt: number }>();
  const gens = new Map<string, number>();
  return {
    kind: 'memory',
    async get(key) {
      const e = values.get(key);
      if (!e) return null;
      if (e.expiresAt <= opts.clock.now().getTime()) {
        values.delete(key);
        return null;
      }
      return e.value;
    },
    async set(key, value, ttlMs) {
      values.delete(key);
      values.set(key, { value, expiresAt: opts.clock.now().getTime() + ttlMs });
      while (values.size > maxEntries) values.delete(values.keys().next().value!);
    },
    async generations(tags) {
      return tags.map((t) => gens.get(t) ?? 0);
    },
    async bump(tags) {
      for (const t of tags) gens.set(t, (gens.get(t) ?? 0) + 1);
    },
    async close() {
      values.clear();
    },
  };
}
