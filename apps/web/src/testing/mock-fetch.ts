/**
 * A `fetch` stand-in for component tests: routes are matched on "METHOD /path" (query string ignored),
 * every call is recorded, and anything unrouted fails loudly instead of hanging.
 */
import { vi } from 'vitest';

export type MockResponse = { status?: number; body?: unknown; headers?: Record<string, string> };
export type MockHandler =
  | MockResponse
  | ((request: { url: URL; init: RequestInit; body: unknown }) => MockResponse | Promise<MockResponse>);
export type RecordedCall = { method: string; url: URL; headers: Record<string, string>; body: unknown };

export function mockFetch(routes: Record<string, MockHandler>) {
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, headers: { ...(init.headers as Record<string, string>) }, body });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) throw new Error(`Unexpected request in test: ${method} ${url.pathname}`);
    const result = typeof handler === 'function' ? await handler({ url, init, body }) : handler;
    const status = result.status ?? 200;
    return new Response(status === 204 || result.body === undefined ? null : JSON.stringify(result.body), {
      status,
      headers: { 'content-type': 'application/json', ...result.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls };
}
