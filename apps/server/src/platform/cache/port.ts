/**
 * The read cache's storage port: values (serialized JSON with a time to live) and generation counters per tag.
 * A cached value's key carries the generations of its tags at the time it was computed; bumping a tag's
 * generation makes every value computed before unreachable at once (no key scan, no delete). Memory in
 * embedded mode, Redis (shared by every API and worker process) in scaled mode.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The current generation of each tag (0 for a tag never bumped), in the order asked. */
  generations(tags: readonly string[]): Promise<number[]>;
  /** Moves each tag to a new generation. */
  bump(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
