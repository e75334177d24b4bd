import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function revokeApiKey(id: string): Promise<void> {
  return api.delete(`/api-keys/${encodeURIComponent(id)}`);
}

export function useRevokeApiKey({ onSuccess }: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      onSuccess?.();
    },
  });
}
