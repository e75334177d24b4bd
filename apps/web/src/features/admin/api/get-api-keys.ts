import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { ZPage } from '@tutorpulse/contracts/common';
import { ZApiKey, type TApiKey } from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';
import type { PageParams } from '@/lib/search-params';

export type ApiKeysPage = { data: TApiKey[]; total: number; limit: number; offset: number };
const ZApiKeysPage = ZPage(ZApiKey);

export function getApiKeys({ limit, offset }: PageParams): Promise<ApiKeysPage> {
  return api.get('/api-keys', { query: { limit, offset }, schema: ZApiKeysPage });
}

export const getApiKeysQueryOptions = (params: PageParams) =>
  queryOptions({
    queryKey: ['api-keys', 'list', params],
    queryFn: () => getApiKeys(params),
    placeholderData: keepPreviousData,
  });

export function useApiKeys(params: PageParams) {
  return useQuery(getApiKeysQueryOptions(params));
}
