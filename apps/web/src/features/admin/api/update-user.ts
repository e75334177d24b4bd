import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ZUser, type TUpdateUserRequest, type TUser } from '@tutorpulse/contracts/identity';
import { api } from '@/lib/api-client';

export function updateUser({ id, changes }: { id: string; changes: TUpdateUserRequest }): Promise<TUser> {
  return api.patch(`/users/${encodeURIComponent(id)}`, changes, { schema: ZUser });
}

export function useUpdateUser({ onSuccess }: { onSuccess?: (user: TUser) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: async (user) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['users'] }),
        queryClient.invalidateQueries({ queryKey: ['audit-log'] }),
      ]);
      onSuccess?.(user);
    },
  });
}
