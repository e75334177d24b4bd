import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TSessionDetail } from '@tutorpulse/contracts/quality-tutors';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const sessionDetailSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-tutors').then((m) => m.ZSessionDetail),
);

export function getSession(id: string): Promise<TSessionDetail> {
  return api.get(`/sessions/${encodeURIComponent(id)}`, { schema: sessionDetailSchema });
}

export const getSessionQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['sessions', 'detail', id], queryFn: () => getSession(id) });

export function useSession(id: string) {
  return useQuery(getSessionQueryOptions(id));
}
