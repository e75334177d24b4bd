import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ZRerunDeadLetterResponse, type TRerunDeadLetterResponse } from '@tutorpulse/contracts/dead-letters';
import { api } from '@/lib/api-client';

export function rerunDeadLetter(id: string): Promise<TRerunDeadLetterResponse> {
  return api.post(`/admin/dead-letters/${encodeURIComponent(id)}/rerun`, undefined, {
    schema: ZRerunDeadLetterResponse,
  });
}

export function useRerunDeadLetter({
  onSuccess,
}: { onSuccess?: (result: TRerunDeadLetterResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rerunDeadLetter,
    onSuccess: async (result) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['dead-letters'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      onSuccess?.(result);
    },
  });
}
