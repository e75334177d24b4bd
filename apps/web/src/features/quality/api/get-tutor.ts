import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZTutorDetail, type TTutorDetail } from '@tutorpulse/contracts/quality-tutors';
import { api } from '@/lib/api-client';

export function getTutor(tutorId: string): Promise<TTutorDetail> {
  return api.get(`/tutors/${encodeURIComponent(tutorId)}`, { schema: ZTutorDetail });
}

export const getTutorQueryOptions = (tutorId: string) =>
  queryOptions({
    queryKey: ['tutors', 'detail', tutorId],
    queryFn: () => getTutor(tutorId),
  });

export function useTutor(tutorId: string) {
  return useQuery(getTutorQueryOptions(tutorId));
}
