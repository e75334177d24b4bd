import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import {
  DEAD_LETTER_STATUSES,
  ZDeadLetterPage,
  type TDeadLetterPage,
  type TDeadLetterStatus,
} from '@tutorpulse/contracts/dead-letters';
import { api } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

/** `all` in the URL lists every status; no `status` at all means open ones, what an admin came to act on. */
export type DeadLetterStatusFilter = TDeadLetterStatus | 'all';
export type DeadLettersParams = { limit: number; offset: number; status: DeadLetterStatusFilter };

export const DEAD_LETTERS_PAGE_SIZE = 25;

export function readDeadLettersParams(searchParams: URLSearchParams): DeadLettersParams {
  const raw = searchParams.get('status');
  const status: DeadLetterStatusFilter =
    raw === 'all' || (DEAD_LETTER_STATUSES as readonly string[]).includes(raw ?? '')
      ? (raw as DeadLetterStatusFilter)
      : 'open';
  return { ...readPageParams(searchParams, DEAD_LETTERS_PAGE_SIZE), status };
}

export function getDeadLetters(params: DeadLettersParams): Promise<TDeadLetterPage> {
  const { status, ...page } = params;
  return api.get('/admin/dead-letters', {
    query: status === 'all' ? page : { ...page, status },
    schema: ZDeadLetterPage,
  });
}

export const getDeadLettersQueryOptions = (params: DeadLettersParams) =>
  queryOptions({
    queryKey: ['dead-letters', 'list', params],
    queryFn: () => getDeadLetters(params),
    placeholderData: keepPreviousData,
  });

export function useDeadLetters(params: DeadLettersParams) {
  return useQuery(getDeadLettersQueryOptions(params));
}
