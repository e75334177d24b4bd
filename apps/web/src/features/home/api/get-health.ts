import { queryOptions, useQuery } from '@tanstack/react-query';
import type { THealth } from '@tutorpulse/contracts/common';
import { api, isApiError, lazySchema } from '@/lib/api-client';

// The home page is where everyone lands: keep zod off it (development-only check, loaded lazily).
const healthSchema = lazySchema(() => import('@tutorpulse/contracts/common').then((m) => m.ZHealth));

function isHealthReport(body: unknown): body is THealth {
  return (
    typeof body === 'object' && body !== null && 'status' in body && 'checks' in body && 'version' in body
  );
}

/** A degraded server may answer 503 with the same report: that is still a report worth showing. */
export async function getHealth(): Promise<THealth> {
  try {
    return await api.get('/health', { schema: healthSchema });
  } catch (error) {
    if (isApiError(error) && error.status === 503 && isHealthReport(error.body)) return error.body;
    throw error;
  }
}

export const HEALTH_REFRESH_MS = 30_000;

export const getHealthQueryOptions = () =>
  queryOptions({
    queryKey: ['health'],
    queryFn: getHealth,
    // Health is not event-driven: refresh it on a timer whether or not the live stream is up.
    refetchInterval: HEALTH_REFRESH_MS,
    staleTime: 10_000,
  });

export function useHealth() {
  return useQuery(getHealthQueryOptions());
}
