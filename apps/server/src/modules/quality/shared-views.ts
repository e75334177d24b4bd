/**
 * Shared quality views (tutor, flag and session detail): every coach opening the same tutor reads the same
 * answer, so it is computed once per change and kept as serialized JSON in the read cache (Redis in scaled
 * mode, shared by every API process). Keyed under QUALITY_READ_TAG, whose generation every event about
 * sessions, flags, scores, interventions or analyses bumps after its commit, so a view changes as soon as an
 * event changes it; READ_CACHE_TTL_SECONDS bounds it otherwise. A miss computes with the same response schema
 * the route declares; errors (404) are never cached.
 */
import type { z } from 'zod';
import type { ReadCache } from '../../platform/cache/read-cache';
import { serializeWith } from '../../platform/http/json-text';
import { QUALITY_READ_TAG } from './analytics.service';

export type SharedViews = <S extends z.ZodType>(
  key: string,
  schema: S,
  compute: () => Promise<z.output<S>>,
) => Promise<string>;

export function createSharedViews(cache: ReadCache | undefined): SharedViews {
  return (key, schema, compute) => {
    const make = async () => serializeWith(schema, await compute());
    return cache ? cache.getOrComputeText(`quality:view:${key}`, { tags: [QUALITY_READ_TAG] }, make) : make();
  };
}
