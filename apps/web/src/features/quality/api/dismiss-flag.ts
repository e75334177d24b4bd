import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFlag } from '@tutorpulse/contracts/quality';
import type { TDismissFlagRequest } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';
import { invalidateFlagRelated, patchFlagCaches, rollbackFlagCaches } from './update-flag';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const flagSchema = lazySchema(() => import('@tutorpulse/contracts/quality').then((m) => m.ZFlag));

export function dismissFlag({ id, body }: { id: string; body: TDismissFlagRequest }): Promise<TFlag> {
  return api.post(`/flags/${encodeURIComponent(id)}/dismiss`, body, { schema: flagSchema });
}

export function useDismissFlag({ onSuccess }: { onSuccess?: (flag: TFlag) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: dismissFlag,
    onMutate: ({ id }) => patchFlagCaches(queryClient, id, { status: 'dismissed', coach_agreed: false }),
    onError: (_error, _vars, snapshot) => rollbackFlagCaches(queryClient, snapshot),
    onSuccess: (flag) => onSuccess?.(flag),
    onSettled: () => invalidateFlagRelated(queryClient),
  });
}
