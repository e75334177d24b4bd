import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TFlagPage } from '@tutorpulse/contracts/quality-flags';
import { FLAG_STATUSES, FLAG_TYPES, SEVERITIES } from '@tutorpulse/contracts/quality-values';
import { api, lazySchema } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const flagPageSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-flags').then((m) => m.ZFlagPage),
);

export type FlagsParams = {
  limit: number;
  /** The API's `next_cursor` of the page before (absent: the first page). */
  cursor?: string;
  status?: string;
  severity?: string;
  type?: string;
  tutor_id?: string;
};

export const FLAGS_PAGE_SIZE = 25;
/** The inbox opens on work still to do. */
export const DEFAULT_FLAG_STATUS = 'open,in_progress';

function readList(value: string | null, allowed: readonly string[]): string | undefined {
  if (!value) return undefined;
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => allowed.includes(p));
  return parts.length ? [...new Set(parts)].join(',') : undefined;
}

/** Reads the inbox filters from the URL, dropping what the API would refuse. `status=all` means no filter. */
export function readFlagsParams(searchParams: URLSearchParams): FlagsParams {
  const params: FlagsParams = { limit: readPageParams(searchParams, FLAGS_PAGE_SIZE).limit };
  const cursor = searchParams.get('cursor');
  if (cursor && /^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) params.cursor = cursor;
  const rawStatus = searchParams.get('status');
  if (rawStatus !== 'all') params.status = readList(rawStatus, FLAG_STATUSES) ?? DEFAULT_FLAG_STATUS;
  const severity = readList(searchParams.get('severity'), SEVERITIES);
  if (severity) params.severity = severity;
  const type = readList(searchParams.get('type'), FLAG_TYPES);
  if (type) params.type = type;
  const tutor = searchParams.get('tutor_id')?.trim().slice(0, 255);
  if (tutor) params.tutor_id = tutor;
  return params;
}

export function getFlags(params: FlagsParams): Promise<TFlagPage> {
  // No `sort`: the API's default (severity, then oldest first) is the inbox order.
  return api.get('/flags', { query: params, schema: flagPageSchema });
}

export const getFlagsQueryOptions = (params: FlagsParams) =>
  queryOptions({
    queryKey: ['flags', 'list', params],
    queryFn: () => getFlags(params),
    placeholderData: keepPreviousData,
  });

export function useFlags(params: FlagsParams) {
  return useQuery(getFlagsQueryOptions(params));
}
