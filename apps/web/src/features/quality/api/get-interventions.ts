import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TInterventionPage } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const interventionPageSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-flags').then((m) => m.ZInterventionPage),
);

export const INTERVENTION_VIEWS = ['open', 'due', 'closed'] as const;
export type InterventionView = (typeof INTERVENTION_VIEWS)[number];
export type InterventionsParams = { limit: number; offset: number; view: InterventionView };

export function readInterventionsParams(searchParams: URLSearchParams): InterventionsParams {
  const raw = searchParams.get('view');
  const view = (INTERVENTION_VIEWS as readonly string[]).includes(raw ?? '')
    ? (raw as InterventionView)
    : 'open';
  return { ...readPageParams(searchParams, 25), view };
}

export function getInterventions({ limit, offset, view }: InterventionsParams): Promise<TInterventionPage> {
  const query = {
    limit,
    offset,
    include_metrics: true,
    ...(view === 'due' ? { due: true } : { closed: view === 'closed' }),
  };
  return api.get('/interventions', { query, schema: interventionPageSchema });
}

export const getInterventionsQueryOptions = (params: InterventionsParams) =>
  queryOptions({
    queryKey: ['interventions', 'list', params],
    queryFn: () => getInterventions(params),
    placeholderData: keepPreviousData,
  });

export function useInterventions(params: InterventionsParams) {
  return useQuery(getInterventionsQueryOptions(params));
}
