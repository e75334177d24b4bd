import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '@/testing/mock-fetch';
import { ApiError, api, buildUrl, setCsrfToken, setUnauthorizedHandler } from './api-client';

afterEach(() => setCsrfToken(null));

describe('api client', () => {
  it('builds /api URLs and drops empty query values', () => {
    expect(buildUrl('/users', { limit: 25, offset: 0, action: '', outcome: undefined })).toBe(
      '/api/users?limit=25&offset=0',
    );
    expect(buildUrl('/api/health')).toBe('/api/health');
  });

  it('sends the CSRF token on writes only, with the same-origin cookie', async () => {
    const { fetchMock, calls } = mockFetch({
      'GET /api/users': { body: { ok: true } },
      'PATCH /api/users/1': { body: { ok: true } },
    });
    setCsrfToken('tok');
    await api.get('/users');
    await api.patch('/users/1', { role: 'coach' });
    expect(calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls[1]!.headers['x-csrf-token']).toBe('tok');
    expect(calls[1]!.headers['content-type']).toBe('application/json');
    expect(fetchMock.mock.calls[1]![1]).toMatchObject({ credentials: 'same-origin', method: 'PATCH' });
  });

  it('parses the API error shape into ApiError', async () => {
    mockFetch({
      'POST /api/users': {
        status: 400,
        body: {
          error: 'Invalid body',
          code: 'VALIDATION_FAILED',
          details: [{ path: ['email'], message: 'bad' }],
        },
      },
    });
    const error = await api.post('/users', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid body',
      details: [{ path: ['email'], message: 'bad' }],
    });
  });

  it('turns a non-API error page into an HTTP_<status> ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })),
    );
    await expect(api.get('/health')).rejects.toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'Bad Gateway',
    });
  });

  it('calls the unauthorized handler on 401, unless the caller expects a 401', async () => {
    mockFetch({
      'GET /api/users': { status: 401, body: { error: 'Session expired', code: 'UNAUTHENTICATED' } },
    });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    await expect(api.get('/users')).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(api.get('/users', { on401: 'throw' })).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('on CSRF_FAILED, fetches the current token and retries the write once', async () => {
    let attempts = 0;
    const { calls } = mockFetch({
      'DELETE /api/api-keys/k1': () => {
        attempts += 1;
        return attempts === 1
          ? { status: 403, body: { error: 'CSRF token missing', code: 'CSRF_FAILED' } }
          : { status: 204 };
      },
      'GET /api/auth/me': { body: { csrf_token: 'fresh' } },
    });
    setCsrfToken('stale');
    await api.delete('/api-keys/k1');
    expect(calls.map((c) => `${c.method} ${c.url.pathname} ${c.headers['x-csrf-token'] ?? ''}`)).toEqual([
      'DELETE /api/api-keys/k1 stale',
      'GET /api/auth/me ',
      'DELETE /api/api-keys/k1 fresh',
    ]);
  });

  it('in development, rejects a response that does not match its contract', async () => {
    mockFetch({ 'GET /api/thing': { body: { id: 'not-a-number' } } });
    const schema = {
      parse: (data: unknown) => {
        if (typeof (data as { id: unknown }).id !== 'number') throw new Error('id must be a number');
        return data as { id: number };
      },
    };
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(api.get('/thing', { schema })).rejects.toMatchObject({ code: 'CONTRACT_MISMATCH' });
  });

  it('reports an unreachable server as NETWORK_ERROR', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(api.get('/health')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});
