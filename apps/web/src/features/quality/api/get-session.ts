import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZSessionDetail, type TSessionDetail } from '@tutorpulse/contracts/quality-tutors';
import { api } from '@/lib/api-client';

export function getSession(id: string): Promise<TSessionDetail> {
  return api.get(`/sessions/${encodeURIComponent(id)}`, { schema: ZSessionDetail });
}

export const getSessionQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['sessions', 'detail', id], queryFn: () => getSession(id) });

export function useSession(id: string) {
  return useQuery(getSessionQueryOptions(id));
}
