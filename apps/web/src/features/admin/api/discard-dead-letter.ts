import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ZDeadLetterDetail, type TDeadLetterDetail } from '@tutorpulse/contracts/dead-letters';
import { api } from '@/lib/api-client';

export function discardDeadLetter(id: string): Promise<TDeadLetterDetail> {
  return api.post(`/admin/dead-letters/${encodeURIComponent(id)}/discard`, undefined, {
    schema: ZDeadLetterDetail,
  });
}

export function useDiscardDeadLetter({ onSuccess }: { onSuccess?: (entry: TDeadLetterDetail) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: discardDeadLetter,
    onSuccess: async (entry) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['dead-letters'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      onSuccess?.(entry);
    },
  });
}
