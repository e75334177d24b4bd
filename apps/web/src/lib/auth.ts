/**
 * Who is signed in: the `/api/auth/me` query (the single source of truth for the session in the UI), the
 * CSRF token it carries, and logout. Features read the user through `useUser()`; only the app's guard
 * decides what to do when there is none.
 */
import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import type { TMeResponse, TUser } from '@tutorpulse/contracts/identity';
import { paths } from '@/config/paths';
import { api, isApiError, lazySchema, setCsrfToken } from './api-client';

// Part of the first load: the schema comes lazily (development check only), keeping zod out of it.
const meSchema = lazySchema(() => import('@tutorpulse/contracts/identity').then((m) => m.ZMeResponse));

export const meQueryKey = ['auth', 'me'] as const;

/** Resolves to `null` when nobody is signed in (401), so "signed out" is data, not an error. */
export async function getMe(): Promise<TMeResponse | null> {
  try {
    const me = await api.get('/auth/me', { schema: meSchema, on401: 'throw' });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: meQueryKey,
    queryFn: getMe,
    staleTime: 5 * 60_000,
    // A role change or a disabled account shows up when the tab regains focus.
    refetchOnWindowFocus: true,
  });

export function useMe() {
  return useQuery(meQueryOptions());
}

/** The signed-in user. Only call below the auth guard, which renders nothing until the user is known. */
export function useUser(): TUser {
  const { data } = useMe();
  if (!data) throw new Error('useUser() called outside the auth guard');
  return data.user;
}

export async function logout(): Promise<void> {
  await api.post('/auth/logout', undefined, { on401: 'throw' });
}

/**
 * Signing out reloads the app on the login page: a full reload is the one sure way to drop every cached
 * response, the SSE connection and any in-flight request of the old session.
 */
export function useLogout() {
  return useMutation({
    mutationFn: logout,
    // Even if the call fails (the session had already expired), the user asked to leave.
    onSettled: () => {
      setCsrfToken(null);
      window.location.replace(`${paths.login.path}?signed_out=1`);
    },
  });
}
