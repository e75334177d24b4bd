import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TAnalyticsOverview } from '@tutorpulse/contracts/quality-analytics';
import { api, lazySchema } from '@/lib/api-client';

// The coach's landing page: its schema comes lazily (development check only), keeping zod (~29 KB as sent)
// out of the overview's first load.
const overviewSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-analytics').then((m) => m.ZAnalyticsOverview),
);

/** The whole overview in one request (no waterfall). Keyed under `dashboard` so every SSE event that changes it invalidates it. */
export function getOverview(): Promise<TAnalyticsOverview> {
  return api.get('/analytics/overview', { schema: overviewSchema });
}

export const getOverviewQueryOptions = () =>
  queryOptions({
    queryKey: ['dashboard', 'overview'],
    queryFn: getOverview,
  });

export function useOverview() {
  return useQuery(getOverviewQueryOptions());
}
