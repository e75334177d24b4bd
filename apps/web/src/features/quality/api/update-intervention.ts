import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TIntervention } from '@tutorpulse/contracts/quality';
import type { TUpdateInterventionRequest } from '@tutorpulse/contracts/quality-flags';
import { api, lazySchema } from '@/lib/api-client';

// Checked in development only (see lazySchema): loaded lazily, so zod stays out of production.
const interventionSchema = lazySchema(() =>
  import('@tutorpulse/contracts/quality').then((m) => m.ZIntervention),
);

export function updateIntervention({
  id,
  changes,
}: {
  id: string;
  changes: TUpdateInterventionRequest;
}): Promise<TIntervention> {
  return api.patch(`/interventions/${encodeURIComponent(id)}`, changes, { schema: interventionSchema });
}

export function useUpdateIntervention({ onSuccess }: { onSuccess?: (i: TIntervention) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateIntervention,
    onSuccess: async (intervention) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['interventions'] }),
        queryClient.invalidateQueries({ queryKey: ['flags'] }),
        queryClient.invalidateQueries({ queryKey: ['tutors'] }),
      ]);
      onSuccess?.(intervention);
    },
  });
}
