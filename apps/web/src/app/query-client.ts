import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '@/lib/api-client';
import { pollWhileStreamDown } from '@/lib/sse';

/** 4xx answers will not change by asking again; network errors and 5xx get two more tries. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Fresh enough: the SSE stream invalidates what changes, and polling takes over while it is down.
        staleTime: 30_000,
        refetchInterval: pollWhileStreamDown,
        retry: shouldRetry,
      },
      mutations: { retry: false },
    },
  });
}
