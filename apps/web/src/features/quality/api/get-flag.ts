import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZFlagDetail, type TFlagDetail } from '@tutorpulse/contracts/quality-flags';
import { api } from '@/lib/api-client';

export function getFlag(id: string): Promise<TFlagDetail> {
  return api.get(`/flags/${encodeURIComponent(id)}`, { schema: ZFlagDetail });
}

export const getFlagQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['flags', 'detail', id], queryFn: () => getFlag(id) });

export function useFlag(id: string) {
  return useQuery(getFlagQueryOptions(id));
}
