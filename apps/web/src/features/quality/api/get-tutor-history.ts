import { queryOptions, useQuery } from '@tanstack/react-query';
import { ZTutorHistory, type TTutorHistory } from '@tutorpulse/contracts/quality-tutors';
import { api } from '@/lib/api-client';

export type TutorHistoryParams = { days?: number; limit?: number };

/** Reschedule history: events, the tutor-initiated rate over time, and 7/30/90-day rates. */
export function getTutorHistory(tutorId: string, params: TutorHistoryParams = {}): Promise<TTutorHistory> {
  return api.get(`/tutors/${encodeURIComponent(tutorId)}/history`, { query: params, schema: ZTutorHistory });
}

export const getTutorHistoryQueryOptions = (tutorId: string, params: TutorHistoryParams = {}) =>
  queryOptions({
    queryKey: ['tutors', 'history', tutorId, params],
    queryFn: () => getTutorHistory(tutorId, params),
  });

export function useTutorHistory(tutorId: string, params: TutorHistoryParams = {}) {
  return useQuery(getTutorHistoryQueryOptions(tutorId, params));
}
