/**
 * Serves the built web app (apps/web/dist) from the API's origin, and answers what no route matched: the SPA's
 * index.html for client-side routes, a JSON 404 for everything else.
 *
 * The build writes a `.br` and a `.gz` beside every text file (vite-plugin-compression2); @fastify/static's
 * `preCompressed` picks the one the request's Accept-Encoding prefers (brotli, then gzip, else the file as
 * is) and adds `Vary: Accept-Encoding`. Hashed files under assets/ never change, so browsers keep them a
 * year without asking again; index.html and the icons are revalidated on every visit (`no-cache` + ETag,
 * answered 304 while unchanged), so a new deploy reaches every browser on its next page load.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIST = path.resolve(here, '../../../../web/dist');

export const CACHE_HASHED_ASSET = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';

/** apps/web/dist when it has been built, else false (an API-only server). */
export function findWebDist(): string | false {
  return existsSync(path.join(DEFAULT_WEB_DIST, 'index.html')) ? DEFAULT_WEB_DIST : false;
}

const isHashedAsset = (filePath: string) => filePath.includes(`${path.sep}assets${path.sep}`);

/** `root`: the built web app to serve at `/`, or false to serve none (every unmatched URL is then a JSON 404). */
export const webApp = fp(
  async (app: FastifyInstance, { root }: { root: string | false }) => {
    if (root) {
      // Files are looked up at request time (a rebuild adds bundles); a missing one falls to the handler below.
      await app.register(fastifyStatic, {
        root,
        wildcard: true,
        index: ['index.html'],
        preCompressed: true,
        cacheControl: false,
        // Called for the file actually sent (`x.js.br` too), and by sendFile below.
        setHeaders: (reply, filePath) => {
          reply.header('cache-control', isHashedAsset(filePath) ? CACHE_HASHED_ASSET : CACHE_REVALIDATE);
        },
      });
    }
    app.setNotFoundHandler((req, reply) => {
      const isApi = req.url.startsWith('/api/') || req.url === '/api' || req.url.startsWith('/metrics');
      const isAsset = req.url.startsWith('/assets/');
      if (!isApi && !isAsset && root && (req.method === 'GET' || req.method === 'HEAD')) {
        // SPA fallback: a client-side route loads index.html, precompressed and revalidated like `/`.
        return reply.sendFile('index.html', root);
      }
      return reply
        .code(404)
        .send({ error: `No route ${req.method} ${req.url.split('?')[0]}`, code: 'NOT_FOUND' });
    });
  },
  { name: 'web-app' },
);
