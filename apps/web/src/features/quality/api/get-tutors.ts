import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { TTutorPage } from '@tutorpulse/contracts/quality-tutors';
import {
  SCORE_MAX,
  SCORE_MIN,
  SORT_ORDERS,
  TUTOR_RISK_STATUSES,
  TUTOR_SORTS,
  TUTOR_TEXT_FILTER_MAX,
  TUTOR_WINDOWS,
} from '@tutorpulse/contracts/quality-values';
import { api, lazySchema } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const tutorPageSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-tutors').then((m) => m.ZTutorPage),
);

export type TutorSort = (typeof TUTOR_SORTS)[number];
export type TutorsParams = {
  limit: number;
  offset: number;
  sort_by?: TutorSort;
  sort_order?: (typeof SORT_ORDERS)[number];
  window?: (typeof TUTOR_WINDOWS)[number];
  min_score?: number;
  max_score?: number;
  has_flags?: 'true' | 'false';
  risk_status?: (typeof TUTOR_RISK_STATUSES)[number];
  subject?: string;
  search?: string;
};

export const TUTORS_PAGE_SIZE = 25;
export const TUTOR_FILTER_KEYS = [
  'sort_by',
  'sort_order',
  'window',
  'min_score',
  'max_score',
  'has_flags',
  'risk_status',
  'subject',
  'search',
] as const;

const oneOf = <T extends string | number>(allowed: readonly T[], value: string | number | undefined) =>
  (allowed as ReadonlyArray<string | number>).includes(value ?? '') ? (value as T) : undefined;

/**
 * Reads the filters from the URL, dropping any value the API would refuse: the same rules as the contract's
 * ZTutorsQuery, from the same value lists (quality-values.ts), without zod; a test checks both agree.
 */
export function readTutorsParams(searchParams: URLSearchParams): TutorsParams {
  const params: TutorsParams = readPageParams(searchParams, TUTORS_PAGE_SIZE);
  const raw = (key: string) => searchParams.get(key)?.trim() || undefined;
  const sortBy = oneOf(TUTOR_SORTS, raw('sort_by'));
  if (sortBy) params.sort_by = sortBy;
  const order = oneOf(SORT_ORDERS, raw('sort_order'));
  if (order) params.sort_order = order;
  const window = oneOf(TUTOR_WINDOWS, raw('window') === undefined ? undefined : Number(raw('window')));
  if (window !== undefined && window !== 30) params.window = window;
  const bound = (key: string) => {
    const value = raw(key) === undefined ? Number.NaN : Number(raw(key));
    return Number.isInteger(value) && value >= SCORE_MIN && value <= SCORE_MAX ? value : undefined;
  };
  let min = bound('min_score');
  let max = bound('max_score');
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  if (min !== undefined) params.min_score = min;
  if (max !== undefined) params.max_score = max;
  const hasFlags = raw('has_flags');
  if (hasFlags === 'true' || hasFlags === 'false') params.has_flags = hasFlags;
  const risk = oneOf(TUTOR_RISK_STATUSES, raw('risk_status'));
  if (risk) params.risk_status = risk;
  const subject = raw('subject');
  if (subject && subject.length <= TUTOR_TEXT_FILTER_MAX) params.subject = subject;
  const search = raw('search');
  if (search && search.length <= TUTOR_TEXT_FILTER_MAX) params.search = search;
  return params;
}

export function getTutors(params: TutorsParams): Promise<TTutorPage> {
  return api.get('/tutors', { query: params, schema: tutorPageSchema });
}

export const getTutorsQueryOptions = (params: TutorsParams) =>
  queryOptions({
    queryKey: ['tutors', 'list', params],
    queryFn: () => getTutors(params),
    placeholderData: keepPreviousData,
  });

export function useTutors(params: TutorsParams) {
  return useQuery(getTutorsQueryOptions(params));
}
