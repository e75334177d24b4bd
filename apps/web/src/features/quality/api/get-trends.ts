import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  ZTrendsResponse,
  type TTrendGrouping,
  type TTrendMetric,
  type TTrendPeriod,
  type TTrendsResponse,
} from '@tutorpulse/contracts/quality-analytics';
import { api } from '@/lib/api-client';

export type TrendsParams = { metric: TTrendMetric; period?: TTrendPeriod; group_by?: TTrendGrouping };

export function getTrends(params: TrendsParams): Promise<TTrendsResponse> {
  return api.get('/analytics/trends', { query: params, schema: ZTrendsResponse });
}

export const getTrendsQueryOptions = (params: TrendsParams) =>
  queryOptions({
    queryKey: ['analytics', 'trends', params],
    queryFn: () => getTrends(params),
  });

export function useTrends(params: TrendsParams) {
  return useQuery(getTrendsQueryOptions(params));
}
