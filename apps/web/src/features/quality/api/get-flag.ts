import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TFlagDetail } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const flagDetailSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-flags').then((m) => m.ZFlagDetail),
);

export function getFlag(id: string): Promise<TFlagDetail> {
  return api.get(`/flags/${encodeURIComponent(id)}`, { schema: flagDetailSchema });
}

export const getFlagQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['flags', 'detail', id], queryFn: () => getFlag(id) });

export function useFlag(id: string) {
  return useQuery(getFlagQueryOptions(id));
}
