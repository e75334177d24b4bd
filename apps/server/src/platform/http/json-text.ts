/**
 * Sending a response body that is already JSON text (a shared view serialized once and kept in the read
 * cache): Fastify passes a string with a JSON content type through as it is, so the route's response
 * serializer (a zod encode and a JSON.stringify per request) is skipped. Whoever made the text validated it
 * against the same response schema (see `serializeWith`).
 */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The route's answer: `text` as the body, status 200. */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(text);
}

/** What the route's serializer would send for `value`: checked (encoded) by the schema, then stringified. */
export function serializeWith<S extends z.ZodType>(schema: S, value: z.output<S>): string {
  return JSON.stringify(schema.encode(value));
}
