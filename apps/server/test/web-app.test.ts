/**
 * What the server sends: the web app's files precompressed (brotli or gzip by Accept-Encoding, else as they
 * are) with `Vary: Accept-Encoding` and the right caching (a year for hashed assets, revalidation for
 * index.html, also when it answers a client-side route), JSON compressed above ~1 KB, and the SSE stream never
 * compressed. The dist folder is made here, as the build makes it: each text file with a `.br` and a `.gz`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESS_THRESHOLD_BYTES } from '../src/platform/http/compression';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

const BR_GZIP = 'gzip, deflate, br, zstd'; // what Chromium sends
const INDEX_HTML =
  '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Tutorpulse</title>' +
  '<script type="module" crossorigin src="/assets/index-AbC123.js"></script></head>' +
  '<body><div id="root"></div></body></html>\n'.repeat(3);
const BUNDLE = Array.from(
  { length: 400 },
  (_, i) => `export function f${i}(x){return x*${i}+"tutorpulse-${i}"}`,
).join('\n');

function writeWithSiblings(file: string, content: string) {
  writeFileSync(file, content);
  writeFileSync(`${file}.br`, brotliCompressSync(content));
  writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
}

let dist: string;
let t: TestApp;
let admin: Session;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'tp-web-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeWithSiblings(path.join(dist, 'index.html'), INDEX_HTML);
  writeWithSiblings(path.join(dist, 'assets', 'index-AbC123.js'), BUNDLE);
  // A file the build left without siblings (compressing it would not shrink it).
  writeFileSync(path.join(dist, 'assets', 'logo-Zz9.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  t = await createTestApp({ webDist: dist, sseHeartbeatMs: 60_000 });
  await createUser(t, { email: 'admin@web.test', role: 'admin' });
  admin = await login(t, 'admin@web.test');
});
afterAll(async () => {
  await t?.close();
  rmSync(dist, { recursive: true, force: true });
});

const varyTokens = (v: unknown) =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

describe('the web app’s files', () => {
  it.each([
    { acceptEncoding: BR_GZIP, encoding: 'br', decode: brotliDecompressSync },
    { acceptEncoding: 'gzip, deflate', encoding: 'gzip', decode: gunzipSync },
    { acceptEncoding: 'br;q=0.5, gzip;q=1', encoding: 'gzip', decode: gunzipSync },
    { acceptEncoding: 'identity', encoding: undefined, decode: (b: Buffer) => b },
    { acceptEncoding: undefined, encoding: undefined, decode: (b: Buffer) => b },
  ])(
    'a hashed bundle with Accept-Encoding $acceptEncoding goes out as $encoding, cached for a year',
    async ({ acceptEncoding, encoding, decode }) => {
      const r = await t.app.inject({
        method: 'GET',
        url: '/assets/index-AbC123.js',
        headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-encoding']).toBe(encoding);
      expect(r.headers['content-type']).toMatch(/javascript/);
      expect(varyTokens(r.headers.vary)).toEqual(['accept-encoding']);
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
      expect(decode(r.rawPayload).toString()).toBe(BUNDLE);
      if (encoding) expect(r.rawPayload.length).toBeLessThan(BUNDLE.length / 3);
    },
  );

  it('a file without precompressed siblings goes out as it is', async () => {
    const r = await t.app.inject({
      method: 'GET',
      url: '/assets/logo-Zz9.png',
      headers: { 'accept-encoding': BR_GZIP },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.rawPayload.length).toBe(7);
  });

  it.each(['/', '/quality/flags?status=open'])(
    '%s answers index.html, compressed, revalidated on every visit (304 while unchanged)',
    async (url) => {
      const r = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': BR_GZIP } });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(varyTokens(r.headers.vary)).toContain('accept-encoding');
      expect(brotliDecompressSync(r.rawPayload).toString()).toBe(INDEX_HTML);
      const etag = r.headers.etag;
      expect(etag).toBeTruthy();

      const again = await t.app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': BR_GZIP, 'if-none-match': String(etag) },
      });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      expect(again.headers['cache-control']).toBe('no-cache');

      // The gzip variant is another representation: its own ETag, so a cached brotli copy is not reused for it.
      const gz = await t.app.inject({
        method: 'GET',
        url,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': String(etag) },
      });
      expect(gz.statusCode).toBe(200);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(INDEX_HTML);
    },
  );

  it.each(['/assets/index-AbC123.js', '/tutors/42'])(
    'HEAD %s answers the GET’s headers without a body',
    async (url) => {
      const get = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': BR_GZIP } });
      const head = await t.app.inject({ method: 'HEAD', url, headers: { 'accept-encoding': BR_GZIP } });
      expect(head.statusCode).toBe(200);
      expect(head.rawPayload.length).toBe(0);
      for (const h of ['content-encoding', 'content-length', 'content-type', 'cache-control', 'vary', 'etag'])
        expect(head.headers[h], h).toBe(get.headers[h]);
    },
  );

  it('a missing bundle is a 404, not index.html', async () => {
    const r = await t.app.inject({
      method: 'GET',
      url: '/assets/gone-123.js',
      headers: { 'accept-encoding': BR_GZIP },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('API responses', () => {
  it('compresses JSON above the threshold by Accept-Encoding, and keeps it out of shared caches', async () => {
    for (const [acceptEncoding, decode] of [
      ['gzip, deflate, br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const r = await t.app.inject({
        method: 'GET',
        url: '/api/openapi.json',
        headers: { 'accept-encoding': acceptEncoding },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-encoding']).toBe(acceptEncoding === 'gzip' ? 'gzip' : 'br');
      expect(varyTokens(r.headers.vary)).toEqual(['accept-encoding']);
      expect(r.headers['cache-control']).toBe('no-store');
      const body = JSON.parse(decode(r.rawPayload).toString()) as { openapi: string };
      expect(body.openapi).toBe('3.1.0');
      expect(r.rawPayload.length).toBeGreaterThan(0);
    }
    const plain = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESS_THRESHOLD_BYTES);
    expect(varyTokens(plain.headers.vary)).toEqual(['accept-encoding']);
  });

  it('compresses a personal-data list; HEAD answers with headers only', async () => {
    for (let i = 0; i < 12; i++)
      await createUser(t, { email: `coach-${i}@web.test`, role: 'coach', password: 'pw-not-used-0123' });
    const headers = { ...bearer(admin), 'accept-encoding': BR_GZIP };
    const r = await t.app.inject({ method: 'GET', url: '/api/users?limit=100', headers });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(brotliDecompressSync(r.rawPayload).toString()) as { total: number };
    expect(body.total).toBe(13);
    // HEAD runs the same handler; Fastify drops the body before compression, so the headers describe the
    // uncompressed representation (HTTP lets a HEAD omit payload headers determined while producing content).
    const head = await t.app.inject({ method: 'HEAD', url: '/api/users?limit=100', headers });
    expect(head.statusCode).toBe(200);
    expect(head.rawPayload.length).toBe(0);
    expect(head.headers['cache-control']).toBe('no-store');
    expect(varyTokens(head.headers.vary)).toEqual(['accept-encoding']);
  });

  it('sends small JSON as it is, still saying it varies on Accept-Encoding', async () => {
    for (const url of ['/api/health', '/api/nowhere']) {
      const r = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': BR_GZIP } });
      expect(r.rawPayload.length).toBeLessThan(COMPRESS_THRESHOLD_BYTES);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(varyTokens(r.headers.vary)).toEqual(['accept-encoding']);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.json()).toBeTypeOf('object');
    }
  });

  it('streams events uncompressed, each as soon as it happens', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const received = await new Promise<{ headers: http.IncomingHttpHeaders; raw: string }>(
      (resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/events',
            headers: { ...bearer(admin), 'accept-encoding': BR_GZIP },
          },
          (res) => {
            let raw = '';
            let published = false;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              raw += chunk;
              // The stream is open (the prelude arrived): publish one event and wait for it, on the same
              // connection. A compressor would hold it in its buffer (no flush) and this would time out.
              if (raw.includes('retry: 5000') && !published) {
                published = true;
                void t.app.services.events.publish({
                  type: 'system.test',
                  payload: { n: 'live' },
                  audience: ['admin'],
                });
              }
              if (raw.includes('"n":"live"')) {
                req.destroy();
                resolve({ headers: res.headers, raw });
              }
            });
          },
        );
        req.on('error', (err) => {
          if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
        });
        setTimeout(() => {
          req.destroy();
          reject(new Error('the event did not arrive on the open stream'));
        }, 10_000);
      },
    );
    expect(received.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(received.headers['content-encoding']).toBeUndefined();
    expect(received.raw).toMatch(/^retry: 5000\n\n/);
  });
});
