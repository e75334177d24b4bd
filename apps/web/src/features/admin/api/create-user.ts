import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ZUser, type TCreateUserRequest, type TUser } from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';

export function createUser(body: TCreateUserRequest): Promise<TUser> {
  return api.post('/users', body, { schema: ZUser });
}

export function useCreateUser({ onSuccess }: { onSuccess?: (user: TUser) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: async (user) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['users'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      onSuccess?.(user);
    },
  });
}
