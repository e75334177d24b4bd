import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TTutorMoves } from '@tutorpulse/contracts/quality-tutors';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const tutorMovesSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-tutors').then((m) => m.ZTutorMoves),
);

/** A tutor's move trend: per week, the share of telling and of guiding (focus + probing) turns. */
export function getTutorMoves(tutorId: string, weeks = 12): Promise<TTutorMoves> {
  return api.get(`/tutors/${encodeURIComponent(tutorId)}/moves`, {
    query: { weeks },
    schema: tutorMovesSchema,
  });
}

export const getTutorMovesQueryOptions = (tutorId: string, weeks = 12) =>
  queryOptions({
    queryKey: ['tutors', 'moves', tutorId, weeks],
    queryFn: () => getTutorMoves(tutorId, weeks),
  });

export function useTutorMoves(tutorId: string, weeks = 12) {
  return useQuery(getTutorMovesQueryOptions(tutorId, weeks));
}
