import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { ZPage } from '@tutorpulse/contracts/common';
import { ZUser, type TUser } from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';
import type { PageParams } from '@/lib/search-params';

export type UsersPage = { data: TUser[]; total: number; limit: number; offset: number };
const ZUsersPage = ZPage(ZUser);

export function getUsers({ limit, offset }: PageParams): Promise<UsersPage> {
  return api.get('/users', { query: { limit, offset }, schema: ZUsersPage });
}

export const getUsersQueryOptions = (params: PageParams) =>
  queryOptions({
    queryKey: ['users', 'list', params],
    queryFn: () => getUsers(params),
    placeholderData: keepPreviousData,
  });

export function useUsers(params: PageParams) {
  return useQuery(getUsersQueryOptions(params));
}
