/**
 * Sessions routes: the signed `session-completed` webhook, REST ingestion with an API key (seed 002) and the
 * session list. Thin: schema, access, one service call. `GET /api/sessions/:id` (with flags, analysis and
 * score) belongs to the quality module.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZText } from '@tutorpulse/contracts/common';
import { ZWebhookAccepted, ZWebhookPayload } from '@tutorpulse/contracts/sessions';
import { ZSessionListQuery, ZSessionPage } from '@tutorpulse/contracts/sessions-api';
import { AppError } from '../../platform/errors';
import type { Clock } from '../../platform/clock';
import { principalOf, requestContext } from '../../platform/auth/access.plugin';
import { access } from '../../platform/auth/principal';
import { toAcceptedResponse } from './sessions.mapper';
import type { SessionService } from './sessions.service';
import { createWebhookVerifier, WebhookSignatureError } from './webhook-signature';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const ingestErrors = { ...errors, 413: ZApiError, 415: ZApiError, 503: ZApiError };

/**
 * Ingestion's answer when the delivery could not be stored (database away, or not committed within the
 * deadline): 503 with `retry-after`, so the sender retries; nothing else is caught here.
 */
async function ingestOr503<T>(reply: FastifyReply, ingest: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await ingest();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'SERVICE_UNAVAILABLE') throw err;
    const retry = (err.details as { retry_after_s?: number } | undefined)?.retry_after_s ?? 5;
    return reply
      .code(503)
      .header('retry-after', String(retry))
      .send({ error: err.message, code: 'SERVICE_UNAVAILABLE' });
  }
}

const ZWebhookHeaders = z.looseObject({
  'webhook-id': ZText.describe('Unique message id; a repeat is answered as the first time'),
  'webhook-timestamp': ZText.describe('Unix seconds; refused when more than 5 minutes off'),
  'webhook-signature': ZText.describe(
    'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` entries',
  ),
});

export function sessionsRoutes(deps: { sessions: SessionService; webhookSecret: string; clock: Clock }) {
  const { sessions } = deps;
  const verifier = createWebhookVerifier({ secret: deps.webhookSecret, clock: deps.clock });

  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    // Its own encapsulated context: the signature covers the exact bytes sent, so JSON is parsed only after
    // it has been verified (an unsigned request learns nothing, not even whether its JSON was valid).
    await app.register(async (scope) => {
      // JSON only (no text/plain fallback), kept as the string that was signed.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
        done(null, body);
      });
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/webhooks/session-completed',
        {
          schema: {
            tags: ['sessions'],
            summary: 'Session completed (platform webhook, Standard Webhooks signature)',
            description:
              'Signed with the shared `WEBHOOK_SECRET` (`whsec_…`) as Standard Webhooks specifies. The session ' +
              'is stored before the 202; scoring runs in the background (`queued: false` when the queue could not take ' +
              'the job at once: the stored session is queued by the sweeper). 503 with `retry-after` when it could ' +
              'not be stored (database unavailable or too slow): send it again. Replays (same `webhook-id`) and ' +
              're-sends with the same content change nothing; a corrected re-send creates a new version ' +
              'and re-scores it.',
            security: [],
            headers: ZWebhookHeaders,
            body: ZWebhookPayload,
            response: { 202: ZWebhookAccepted, ...ingestErrors },
          },
          config: { access: access.public, rateLimit: false },
          // Limited per signing key, once the signature is verified (a forger spends nothing).
          preHandler: app.webhookLimit('session-completed'),
          preValidation: async (req) => {
            const raw = typeof req.body === 'string' ? req.body : '';
            try {
              verifier.verify(raw, req.headers);
            } catch (err) {
              if (err instanceof WebhookSignatureError) {
                const id = req.headers['webhook-id'];
                req.log.warn(
                  { reason: err.reason, webhookId: typeof id === 'string' ? id.slice(0, 255) : null },
                  'webhook refused',
                );
              }
              throw err;
            }
            try {
              req.body = JSON.parse(raw) as typeof req.body;
            } catch (err) {
              throw new AppError('INVALID_JSON', `Malformed JSON body: ${(err as Error).message}`);
            }
          },
        },
        async (req, reply) =>
          ingestOr503(reply, async () => {
            const result = await sessions.ingest(req.body, {
              webhookId: req.headers['webhook-id'],
              elapsedMs: reply.elapsedTime,
            });
            return reply.code(202).send(toAcceptedResponse(result));
          }),
      );
    });

    app.post(
      '/api/sessions',
      {
        schema: {
          tags: ['sessions'],
          summary: 'Submit a completed session (API key or Bearer token)',
          description:
            'The webhook’s body and behaviour without a signature, for integrations holding an API key. ' +
            'Idempotent on `session_id`: the same content changes nothing, new content creates a new version.',
          body: ZWebhookPayload,
          response: { 202: ZWebhookAccepted, ...ingestErrors },
        },
        config: { access: access.roles('admin', 'operator') },
      },
      async (req, reply) =>
        ingestOr503(reply, async () => {
          const result = await sessions.ingest(req.body, {
            by: principalOf(req),
            ctx: requestContext(req),
            elapsedMs: reply.elapsedTime,
          });
          return reply.code(202).send(toAcceptedResponse(result));
        }),
    );

    app.get(
      '/api/sessions',
      {
        schema: {
          tags: ['sessions'],
          summary: 'List sessions, newest first',
          querystring: ZSessionListQuery,
          response: { 200: ZSessionPage, ...errors },
        },
        config: { access: access.roles('admin', 'coach', 'operator', 'viewer') },
      },
      (req) => sessions.list(req.query),
    );
  };
}
