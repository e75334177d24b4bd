import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TSessionPage } from '@tutorpulse/contracts/sessions-api';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const sessionPageSchema = lazySchema(() =>
  import('@tutorpulse/contracts/sessions-api').then((m) => m.ZSessionPage),
);

export const TUTOR_SESSIONS_PAGE_SIZE = 10;

export type TutorSessionsParams = {
  limit: number;
  /** The API's `next_cursor` of the page before (absent: the first page). */
  cursor?: string;
};

/** Reads the page of the tutor's sessions from the URL (`cursor`), dropping what the API would refuse. */
export function readTutorSessionsParams(searchParams: URLSearchParams): TutorSessionsParams {
  const params: TutorSessionsParams = { limit: TUTOR_SESSIONS_PAGE_SIZE };
  const cursor = searchParams.get('cursor');
  if (cursor && /^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) params.cursor = cursor;
  return params;
}

/** A tutor's sessions, newest first, by cursor: every page costs the API the same however deep. */
export function getTutorSessions(tutorId: string, params: TutorSessionsParams): Promise<TSessionPage> {
  return api.get('/sessions', {
    query: { tutor_id: tutorId, sort: 'newest', ...params },
    schema: sessionPageSchema,
  });
}

export const getTutorSessionsQueryOptions = (tutorId: string, params: TutorSessionsParams) =>
  queryOptions({
    // Under `sessions`: the session events invalidate it.
    queryKey: ['sessions', 'list', { tutor_id: tutorId, ...params }],
    queryFn: () => getTutorSessions(tutorId, params),
    placeholderData: keepPreviousData,
  });

export function useTutorSessions(tutorId: string, params: TutorSessionsParams) {
  return useQuery(getTutorSessionsQueryOptions(tutorId, params));
}
