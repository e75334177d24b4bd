import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZAnalyticsOverview, type TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { api } from '@/lib/api-client';

/** The whole overview in one request (no waterfall). Keyed under `dashboard` so every SSE event that changes it invalidates it. */
export function getOverview(): Promise<TAnalyticsOverview> {
  return api.get('/analytics/overview', { schema: ZAnalyticsOverview });
}

export const getOverviewQueryOptions = () =>
  queryOptions({
    queryKey: ['dashboard', 'overview'],
    queryFn: getOverview,
  });

export function useOverview() {
  return useQuery(getOverviewQueryOptions());
}
