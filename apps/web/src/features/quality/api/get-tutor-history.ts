import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TTutorHistory } from '@tutorpulse/contracts/quality-tutors';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const tutorHistorySchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-tutors').then((m) => m.ZTutorHistory),
);

export type TutorHistoryParams = { days?: number; limit?: number };

/** Reschedule history: events, the tutor-initiated rate over time, and 7/30/90-day rates. */
export function getTutorHistory(tutorId: string, params: TutorHistoryParams = {}): Promise<TTutorHistory> {
  return api.get(`/tutors/${encodeURIComponent(tutorId)}/history`, {
    query: params,
    schema: tutorHistorySchema,
  });
}

export const getTutorHistoryQueryOptions = (tutorId: string, params: TutorHistoryParams = {}) =>
  queryOptions({
    queryKey: ['tutors', 'history', tutorId, params],
    queryFn: () => getTutorHistory(tutorId, params),
  });

export function useTutorHistory(tutorId: string, params: TutorHistoryParams = {}) {
  return useQuery(getTutorHistoryQueryOptions(tutorId, params));
}
