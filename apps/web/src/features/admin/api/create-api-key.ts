import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  ZCreateApiKeyResponse,
  type TCreateApiKeyRequest,
  type TCreateApiKeyResponse,
} from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';

/** The response holds the secret key: it is shown once and never cached. */
export function createApiKey(body: TCreateApiKeyRequest): Promise<TCreateApiKeyResponse> {
  return api.post('/api-keys', body, { schema: ZCreateApiKeyResponse });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]),
  });
}
