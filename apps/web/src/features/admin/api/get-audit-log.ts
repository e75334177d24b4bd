import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { ZPage } from '@tutorpulse/contracts/common';
import { ZAuditEntry, ZAuditQuery, type TAuditEntry } from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';
import { readPageParams } from '@/lib/search-params';

export type AuditOutcome = TAuditEntry['outcome'];
export type AuditLogParams = {
  limit: number;
  offset: number;
  action?: string;
  actor_id?: string;
  outcome?: AuditOutcome;
};
export type AuditLogPage = { data: TAuditEntry[]; total: number; limit: number; offset: number };

const ZAuditLogPage = ZPage(ZAuditEntry);
export const AUDIT_PAGE_SIZE = 50;

/** Reads the filters from the URL, dropping any value the API would refuse (ZAuditQuery). */
export function readAuditLogParams(searchParams: URLSearchParams): AuditLogParams {
  const params: AuditLogParams = readPageParams(searchParams, AUDIT_PAGE_SIZE);
  const action = ZAuditQuery.shape.action.safeParse(searchParams.get('action')?.trim() || undefined);
  if (action.success && action.data) params.action = action.data;
  const actor = ZAuditQuery.shape.actor_id.safeParse(searchParams.get('actor_id')?.trim() || undefined);
  if (actor.success && actor.data) params.actor_id = actor.data;
  const outcome = ZAuditQuery.shape.outcome.safeParse(searchParams.get('outcome') || undefined);
  if (outcome.success && outcome.data) params.outcome = outcome.data;
  return params;
}

export function getAuditLog(params: AuditLogParams): Promise<AuditLogPage> {
  return api.get('/audit-log', { query: params, schema: ZAuditLogPage });
}

export const getAuditLogQueryOptions = (params: AuditLogParams) =>
  queryOptions({
    queryKey: ['audit-log', 'list', params],
    queryFn: () => getAuditLog(params),
    placeholderData: keepPreviousData,
  });

export function useAuditLog(params: AuditLogParams) {
  return useQuery(getAuditLogQueryOptions(params));
}
