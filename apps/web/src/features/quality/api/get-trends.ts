import { queryOptions, useQuery } from '@tanstack/react-query';
import type {
  TTrendGrouping,
  TTrendMetric,
  TTrendPeriod,
  TTrendsResponse,
} from '@tutorpulse/contracts/quality-analytics';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const trendsSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-analytics').then((m) => m.ZTrendsResponse),
);

export type TrendsParams = { metric: TTrendMetric; period?: TTrendPeriod; group_by?: TTrendGrouping };

export function getTrends(params: TrendsParams): Promise<TTrendsResponse> {
  return api.get('/analytics/trends', { query: params, schema: trendsSchema });
}

export const getTrendsQueryOptions = (params: TrendsParams) =>
  queryOptions({
    queryKey: ['analytics', 'trends', params],
    queryFn: () => getTrends(params),
  });

export function useTrends(params: TrendsParams) {
  return useQuery(getTrendsQueryOptions(params));
}
