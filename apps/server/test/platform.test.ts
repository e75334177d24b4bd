import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({ sseHeartbeatMs: 200 });
  await createUser(t, { email: 'admin@plat.test', role: 'admin' });
  admin = await login(t, 'admin@plat.test');
});
afterAll(() => t?.close());

describe('GET /api/health', () => {
  it('reports database, queue and version', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      status: 'ok',
      checks: { database: { ok: true }, queue: { ok: true } },
    });
    expect(r.json().version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers 503 when a dependency is down', async () => {
    const original = t.rt.database.ping;
    t.rt.database.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const r = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({
        status: 'degraded',
        checks: { database: { ok: false, error: 'connection refused' } },
      });
    } finally {
      t.rt.database.ping = original;
    }
  });
});

describe('HTTP hardening', () => {
  it('sends a strict CSP, nosniff, a referrer policy and a request id', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBeDefined();
    expect(r.headers['x-request-id']).toBeTruthy();
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never leaks internals in a 5xx', async () => {
    const original = t.app.services.users.list;
    t.app.services.users.list = async () => {
      throw new Error('relation "secret_table" does not exist at /app/src/x.ts:12');
    };
    try {
      const r = await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin) });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: 'Internal server error', code: 'INTERNAL' });
    } finally {
      t.app.services.users.list = original;
    }
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas, and the docs page', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/users', '/api/health']),
    );
    expect(doc.paths['/api/auth/login'].post.requestBody).toBeDefined();
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('GET /metrics', () => {
  it('exposes Prometheus metrics to an admin', async () => {
    await t.app.inject({ method: 'GET', url: '/api/health' });
    const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(admin) });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('http_request_duration_seconds');
    expect(r.body).toContain('route="/api/health"');
  });
});

/** Reads an SSE stream over real HTTP until `until` says stop. */
type SseEvent = { id: number; type: string; data: { payload: Record<string, unknown> } };
function readSse(
  port: number,
  headers: Record<string, string>,
  until: (events: SseEvent[], raw: string) => boolean,
): Promise<{ events: SseEvent[]; raw: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE status ${res.statusCode}`));
        return;
      }
      let raw = '';
      const events: SseEvent[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        const blocks = raw.split('\n\n');
        events.length = 0;
        for (const b of blocks) {
          const id = /^id: (\d+)$/m.exec(b)?.[1];
          const type = /^event: (.+)$/m.exec(b)?.[1];
          const data = /^data: (.+)$/m.exec(b)?.[1];
          if (id && type && data) events.push({ id: Number(id), type, data: JSON.parse(data) });
        }
        if (until(events, raw)) {
          req.destroy();
          resolve({ events: [...events], raw });
        }
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    setTimeout(() => {
      req.destroy();
      reject(new Error('SSE read timed out'));
    }, 10_000);
  });
}

describe('GET /api/events (SSE)', () => {
  let port: number;
  let coach: Session;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    await createUser(t, { email: 'coach@plat.test', role: 'coach' });
    coach = await login(t, 'coach@plat.test');
  });

  it('replays what was missed after Last-Event-ID, only what the role may see, then streams live', async () => {
    const ev = t.app.services.events;
    const [first] = await ev.publish({ type: 'system.test', payload: { n: 1 }, audience: ['coach'] });
    await ev.publish({ type: 'system.test', payload: { n: 2 }, audience: ['operator'] });
    await ev.publish({ type: 'system.test', payload: { n: 3 }, audience: ['coach', 'operator'] });
    await ev.publish({ type: 'system.test', payload: { n: 4 }, audience: ['coach'], userId: 'someone-else' });

    const live = setTimeout(
      () => void ev.publish({ type: 'system.test', payload: { n: 5 }, audience: ['coach'] }),
      300,
    );
    const got = await readSse(port, { cookie: coach.cookie, 'last-event-id': String(first!.id) }, (events) =>
      events.some((e) => e.data.payload.n === 5),
    );
    clearTimeout(live);
    expect(got.events.map((e) => e.data.payload.n)).toEqual([3, 5]);
    expect(got.events.every((e, i, a) => i === 0 || e.id > a[i - 1]!.id)).toBe(true);
  });

  it('admins see every event; a new connection without Last-Event-ID gets only live ones', async () => {
    const ev = t.app.services.events;
    await ev.publish({ type: 'system.test', payload: { n: 'old' }, audience: ['operator'] });
    const live = setTimeout(
      () => void ev.publish({ type: 'system.test', payload: { n: 'new' }, audience: ['operator'] }),
      300,
    );
    const got = await readSse(port, bearer(admin), (events) =>
      events.some((e) => e.data.payload.n === 'new'),
    );
    clearTimeout(live);
    expect(got.events.map((e) => e.data.payload.n)).toEqual(['new']);
  });

  it('sends heartbeats', async () => {
    const got = await readSse(port, bearer(coach), (_e, raw) => raw.includes(': heartbeat'));
    expect(got.raw).toContain(': heartbeat');
    expect(got.raw).toContain('retry: 5000');
  });

  it('refuses anonymous clients', async () => {
    await expect(readSse(port, {}, () => true)).rejects.toThrow('SSE status 401');
  });
});

describe('request log', () => {
  it('writes one line per request when it completes: method, URL, client, status and time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logged = await createTestApp({ logger: pino({ level: 'info' }, sink) });
    try {
      // Over a real socket: the client address is the socket's.
      await logged.app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(logged.app.server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/api/health?probe=1`)).status).toBe(200);
      expect((await fetch(`${base}/api/no-such-route`)).status).toBe(404);
      const requestLines = lines.filter((l) => typeof l.reqId === 'string');
      expect(requestLines.map((l) => l.msg)).toEqual(['request completed', 'request completed']);
      expect(requestLines[0]).toMatchObject({
        level: 30,
        req: { method: 'GET', url: '/api/health?probe=1', remoteAddress: '127.0.0.1' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      });
      expect(requestLines[1]).toMatchObject({ res: { statusCode: 404 } });
    } finally {
      await logged.close();
    }
  });
});
