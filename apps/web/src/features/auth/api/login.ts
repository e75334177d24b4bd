import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TLoginRequest, TLoginResponse, TMeResponse } from '@tutorpulse/contracts/identity';
import { api, lazySchema, setCsrfToken } from '@/lib/api-client';
import { meQueryOptions } from '@/lib/auth';

// The login page is most visitors' first screen: keep zod off it (development-only check, loaded lazily).
const loginSchema = lazySchema(() => import('@tutorpulse/contracts/identity').then((m) => m.ZLoginResponse));

/** A wrong password is an answer here, not an expired session: 401 is thrown to the form, not redirected. */
export function login(body: TLoginRequest): Promise<TLoginResponse> {
  return api.post('/auth/login', body, { schema: loginSchema, on401: 'throw' });
}

export function useLogin({ onSuccess }: { onSuccess?: (data: TLoginResponse) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (data) => {
      setCsrfToken(data.csrf_token);
      // Nothing cached from an earlier session may leak into this one.
      const meKey = meQueryOptions().queryKey;
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
      const me: TMeResponse = { user: data.user, csrf_token: data.csrf_token, auth: 'cookie' };
      queryClient.setQueryData(meKey, me);
      onSuccess?.(data);
    },
  });
}
