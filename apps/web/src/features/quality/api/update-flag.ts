import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TFlagDetail, TFlagPage, TUpdateFlagRequest } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const flagSchema = lazySchema(() => import('@tutorpulse/contracts/quality').then((m) => m.ZFlag));

export function updateFlag({ id, changes }: { id: string; changes: TUpdateFlagRequest }): Promise<TFlag> {
  return api.patch(`/flags/${encodeURIComponent(id)}`, changes, { schema: flagSchema });
}

type Snapshot = Array<[readonly unknown[], unknown]>;

/**
 * Optimistic update shared by take / resolve / dismiss: patches the flag in every cached list and detail,
 * and returns what was there so `rollbackFlagCaches` can put it back if the server says no.
 */
export async function patchFlagCaches(
  queryClient: QueryClient,
  id: string,
  patch: Partial<TFlag>,
): Promise<Snapshot> {
  await queryClient.cancelQueries({ queryKey: ['flags'] });
  const snapshot = queryClient.getQueriesData({ queryKey: ['flags'] }) as Snapshot;
  for (const [key, page] of queryClient.getQueriesData<TFlagPage>({ queryKey: ['flags', 'list'] })) {
    if (!page) continue;
    const status = (key[2] as { status?: string } | undefined)?.status;
    // A list filtered by status loses the flag at once when its new status falls outside the filter.
    const leaves = Boolean(patch.status && status && !status.split(',').includes(patch.status));
    const data = leaves
      ? page.data.filter((f) => f.id !== id)
      : page.data.map((f) => (f.id === id ? { ...f, ...patch } : f));
    queryClient.setQueryData<TFlagPage>(key, {
      ...page,
      data,
      total: page.total - (page.data.length - data.length),
    });
  }
  queryClient.setQueryData<TFlagDetail>(['flags', 'detail', id], (detail) =>
    detail ? { ...detail, flag: { ...detail.flag, ...patch } } : detail,
  );
  return snapshot;
}

export function rollbackFlagCaches(queryClient: QueryClient, snapshot: Snapshot | undefined): void {
  for (const [key, data] of snapshot ?? []) queryClient.setQueryData(key, data);
}

export async function invalidateFlagRelated(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['flags'] }),
    queryClient.invalidateQueries({ queryKey: ['interventions'] }),
    queryClient.invalidateQueries({ queryKey: ['tutors'] }),
    queryClient.invalidateQueries({ queryKey: ['dashboard'] }),
  ]);
}

export function useUpdateFlag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateFlag,
    onMutate: ({ id, changes }) =>
      patchFlagCaches(queryClient, id, changes.status ? { status: changes.status } : {}),
    onError: (_error, _vars, snapshot) => rollbackFlagCaches(queryClient, snapshot),
    onSettled: () => invalidateFlagRelated(queryClient),
  });
}
