import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TTutorDetail } from '@tutorpulse/contracts/quality-tutors';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const tutorDetailSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-tutors').then((m) => m.ZTutorDetail),
);

export function getTutor(tutorId: string): Promise<TTutorDetail> {
  return api.get(`/tutors/${encodeURIComponent(tutorId)}`, { schema: tutorDetailSchema });
}

export const getTutorQueryOptions = (tutorId: string) =>
  queryOptions({
    queryKey: ['tutors', 'detail', tutorId],
    queryFn: () => getTutor(tutorId),
  });

export function useTutor(tutorId: string) {
  return useQuery(getTutorQueryOptions(tutorId));
}
