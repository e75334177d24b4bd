import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TResolveFlagRequest, TResolveFlagResponse } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';
import { invalidateFlagRelated, patchFlagCaches, rollbackFlagCaches } from './update-flag';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const resolveFlagResponseSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality-flags').then((m) => m.ZResolveFlagResponse),
);

export function resolveFlag({
  id,
  body,
}: {
  id: string;
  body: TResolveFlagRequest;
}): Promise<TResolveFlagResponse> {
  return api.post(`/flags/${encodeURIComponent(id)}/resolve`, body, { schema: resolveFlagResponseSchema });
}

/** Optimistic: the flag shows as resolved at once, and goes back to how it was if the server refuses. */
export function useResolveFlag({ onSuccess }: { onSuccess?: (result: TResolveFlagResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resolveFlag,
    onMutate: ({ id, body }) =>
      patchFlagCaches(queryClient, id, {
        status: 'resolved',
        resolution_notes: body.resolution_notes,
        coach_agreed: body.coach_agreed,
      }),
    onError: (_error, _vars, snapshot) => rollbackFlagCaches(queryClient, snapshot),
    onSuccess: (result) => onSuccess?.(result),
    onSettled: () => invalidateFlagRelated(queryClient),
  });
}
