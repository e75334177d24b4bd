/**
 * The one way the web app talks to the API: same-origin fetch with the session cookie, the CSRF header on
 * writes, API errors parsed into `ApiError`, and a single hook for "the session is gone" (401).
 */
import type { TApiError } from '@tutorpulse/contracts/common';

/** Anything with a zod-like `parse`; passing a contract schema also gives the call its return type. */
export type ResponseSchema<T> = { parse: (data: unknown) => T };
/** A schema fetched only when it is used (see `lazySchema`). */
export type LazySchema<T> = { load: () => Promise<ResponseSchema<T>> };

/**
 * For calls made before any lazy route has loaded (who am I, login, health): importing a contract schema
 * there would put zod (~26 KB gzipped) into the first load, yet production never validates responses.
 * `lazySchema(() => import('@tutorpulse/contracts/identity').then((m) => m.ZMeResponse))` keeps the typing
 * and the development check, and production never fetches the chunk.
 */
export function lazySchema<T>(load: () => Promise<ResponseSchema<T>>): LazySchema<T> {
  return { load };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds from a `Retry-After` header (429/503), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** The parsed response body as sent (e.g. a health report that comes with a 503). */
  readonly body: unknown;

  constructor(
    status: number,
    error: Pick<TApiError, 'error' | 'code' | 'details'>,
    extra: { retryAfterSeconds?: number; body?: unknown } = {},
  ) {
    super(error.error);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code;
    this.details = error.details;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.body = extra.body;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
/** Set from the login and `/api/auth/me` responses; sent back as `x-csrf-token` on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}

type UnauthorizedHandler = (error: ApiError) => void;
/** Until the app installs its handler (which lets the router redirect), fall back to a full-page redirect. */
let unauthorizedHandler: UnauthorizedHandler = () => {
  const { pathname, search, hash } = window.location;
  if (pathname !== '/login')
    window.location.assign(`/login?next=${encodeURIComponent(pathname + search + hash)}`);
};
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  unauthorizedHandler = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions<T> = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema?: ResponseSchema<T> | LazySchema<T>;
  signal?: AbortSignal;
  /**
   * 'redirect' (default): a 401 means the session ended, so the auth flow takes over.
   * 'throw': the caller expects 401 as an answer (login with a wrong password, "who am I?").
   */
  on401?: 'redirect' | 'throw';
  /** Internal: set on the single retry after a CSRF failure. */
  isCsrfRetry?: boolean;
};

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = path.startsWith('/api/') ? path : `/api${path.startsWith('/') ? '' : '/'}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function parseError(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && 'error' in body && 'code' in body) {
    const { error, code, details } = body as TApiError;
    if (typeof error === 'string' && typeof code === 'string') {
      return new ApiError(response.status, { error, code, details }, { retryAfterSeconds, body });
    }
  }
  // Not our API's shape: a proxy page, an HTML 502, a dropped connection.
  return new ApiError(
    response.status,
    {
      error: response.statusText || `Request failed with status ${response.status}`,
      code: `HTTP_${response.status}`,
    },
    { retryAfterSeconds, body },
  );
}

/**
 * Responses are checked against the contract schema in development and tests only. The server already
 * validates every response against the same schemas before sending it (fastify-type-provider-zod), so in
 * production the check would cost CPU on every list for no new information; in development it catches a
 * route that forgot its response schema, right where the mismatch happens.
 */
const VALIDATE_RESPONSES = import.meta.env.DEV;

export async function apiRequest<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (WRITE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, {
      error: 'Cannot reach the server. Check your connection and try again.',
      code: 'NETWORK_ERROR',
    });
  }

  if (!response.ok) {
    const error = await parseError(response);
    // The CSRF token rotates with the session (a login in another tab, for instance): fetch the current one
    // and retry the write once rather than failing the user's action.
    if (
      error.code === 'CSRF_FAILED' &&
      WRITE_METHODS.has(method) &&
      !options.isCsrfRetry &&
      (await refreshCsrfToken())
    ) {
      return apiRequest(path, { ...options, isCsrfRetry: true });
    }
    if (response.status === 401 && (options.on401 ?? 'redirect') === 'redirect') unauthorizedHandler(error);
    throw error;
  }
  if (response.status === 204 || response.headers.get('content-length') === '0') return undefined as T;

  const data: unknown = await response.json();
  if (options.schema && VALIDATE_RESPONSES) {
    const schema = 'load' in options.schema ? await options.schema.load() : options.schema;
    try {
      return schema.parse(data);
    } catch (cause) {
      console.error(`Response of ${method} ${path} does not match its contract`, cause);
      throw new ApiError(response.status, {
        error: `The server's answer to ${method} ${path} does not match the contract`,
        code: 'CONTRACT_MISMATCH',
        details: cause,
      });
    }
  }
  return data as T;
}

async function refreshCsrfToken(): Promise<boolean> {
  try {
    const response = await fetch('/api/auth/me', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return false;
    const me = (await response.json()) as { csrf_token?: string | null };
    if (!me.csrf_token || me.csrf_token === csrfToken) return false;
    csrfToken = me.csrf_token;
    return true;
  } catch {
    return false;
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions<T>, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions<T>, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'POST', body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions<T>, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PATCH', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions<T>, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PUT', body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions<T>, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'DELETE' }),
};
