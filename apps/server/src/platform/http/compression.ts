/**
 * Response compression for everything the server builds at request time (JSON, the OpenAPI document, metrics,
 * the docs page): brotli or gzip by the request's Accept-Encoding, above ~1 KB, through @fastify/compress. The
 * web app's files are compressed once, at build time, and served as they are (see web-app.ts). Never the event
 * stream: an SSE response must reach the browser event by event, and a compressor holds bytes back until its
 * buffer fills (the SSE route also hijacks its reply, so no onSend hook ever sees it).
 *
 * Register before any route: @fastify/compress attaches itself to the routes declared after it.
 */
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** Bodies smaller than this go out as they are: below ~1 KB compression saves less than it costs. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/** Text, JSON, XML, JavaScript and SVG; not `text/event-stream`, nor images, fonts or archives. */
const COMPRESSIBLE_TYPE = /^text\/(?!event-stream)|[+/](?:json|xml|javascript)(?:;|$)/;

export function isCompressibleType(contentType: string): boolean {
  return COMPRESSIBLE_TYPE.test(contentType);
}

/**
 * Adds `accept-encoding` to Vary (lower case, as @fastify/static and @fastify/compress write and look for it,
 * so neither adds it twice).
 */
export function varyOnAcceptEncoding(reply: FastifyReply): void {
  const current = reply.getHeader('vary');
  const value = Array.isArray(current) ? current.join(', ') : current === undefined ? '' : String(current);
  const tokens = value.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.includes('accept-encoding') || tokens.includes('*')) return;
  reply.header('vary', value.trim() ? `${value}, accept-encoding` : 'accept-encoding');
}

export const responseCompression = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyCompress, {
      globalCompression: true,
      // Request bodies stay as sent: a compressed body would slip past the body limit's intent and change
      // what webhook signatures are computed over.
      globalDecompression: false,
      encodings: ['br', 'gzip'],
      threshold: COMPRESS_THRESHOLD_BYTES,
      customTypes: COMPRESSIBLE_TYPE,
      // Quality 4 (the plugin's default for brotli): most of the gain, a fraction of the CPU of quality 11.
    });
    // Every compressible response says it depends on Accept-Encoding, also when it went out uncompressed (too
    // small, or the client asked for identity), so no shared cache hands one client's variant to another.
    app.addHook('onSend', async (_req, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && isCompressibleType(type)) varyOnAcceptEncoding(reply);
      return payload;
    });
  },
  { name: 'response-compression' },
);
