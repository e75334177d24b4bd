import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import {
  ZTutorPage,
  ZTutorsQuery,
  type TUTOR_SORTS,
  type TTutorPage,
} from '@tutorpulse/contracts/quality-tutors';
import { api } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

export type TutorSort = (typeof TUTOR_SORTS)[number];
export type TutorsParams = {
  limit: number;
  offset: number;
  sort_by?: TutorSort;
  sort_order?: 'asc' | 'desc';
  window?: 7 | 30 | 90;
  min_score?: number;
  max_score?: number;
  has_flags?: 'true' | 'false';
  risk_status?: 'high_risk' | 'low_risk';
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

/** Reads the filters from the URL, dropping any value the API would refuse (ZTutorsQuery). */
export function readTutorsParams(searchParams: URLSearchParams): TutorsParams {
  const params: TutorsParams = readPageParams(searchParams, TUTORS_PAGE_SIZE);
  const shape = ZTutorsQuery.shape;
  const raw = (key: string) => searchParams.get(key)?.trim() || undefined;
  const sortBy = shape.sort_by.safeParse(raw('sort_by'));
  if (raw('sort_by') && sortBy.success) params.sort_by = sortBy.data;
  const order = shape.sort_order.safeParse(raw('sort_order'));
  if (order.success && order.data) params.sort_order = order.data;
  const window = shape.window.safeParse(raw('window'));
  if (raw('window') && window.success && window.data !== 30) params.window = window.data;
  const bound = (key: string) => {
    const parsed = shape.min_score.safeParse(raw(key));
    return parsed.success ? parsed.data : undefined;
  };
  let min = bound('min_score');
  let max = bound('max_score');
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  if (min !== undefined) params.min_score = min;
  if (max !== undefined) params.max_score = max;
  const hasFlags = raw('has_flags');
  if (hasFlags === 'true' || hasFlags === 'false') params.has_flags = hasFlags;
  const risk = shape.risk_status.safeParse(raw('risk_status'));
  if (risk.success && risk.data) params.risk_status = risk.data;
  const subject = shape.subject.safeParse(raw('subject'));
  if (subject.success && subject.data) params.subject = subject.data;
  const search = shape.search.safeParse(raw('search'));
  if (search.success && search.data) params.search = search.data;
  for (const key of Object.keys(params) as Array<keyof TutorsParams>)
    if (params[key] === undefined) delete params[key];
  return params;
}

export function getTutors(params: TutorsParams): Promise<TTutorPage> {
  return api.get('/tutors', { query: params, schema: ZTutorPage });
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
