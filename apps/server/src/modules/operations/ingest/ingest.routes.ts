/**
 * Operations ingestion routes: the signed webhook `POST /api/webhooks/operations` (Standard Webhooks, the
 * session webhook's verifier, secret and ±5-minute window) dispatching on the event's `type`, and the API-key
 * REST batch `POST /api/operations/import/:kind` answering one outcome per record (200 when every record was
 * taken, 207 when some failed: the body says which and why).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZText } from '@tutorpulse/contracts/common';
import {
  ZImportParams,
  ZImportRequest,
  ZImportResponse,
  ZOperationsWebhookAccepted,
} from '@tutorpulse/contracts/operations-customers';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import { access } from '../../../platform/auth/principal';
import { createWebhookVerifier, WebhookSignatureError } from '../../sessions/index';
import type { IngestService } from './ingest.service';

const errors = {
  400: ZApiError,
  401: ZApiError,
  403: ZApiError,
  404: ZApiError,
  413: ZApiError,
  415: ZApiError,
};

const ZWebhookHeaders = z.looseObject({
  'webhook-id': ZText.describe('Unique message id; a repeat is answered as the first time'),
  'webhook-timestamp': ZText.describe('Unix seconds; refused when more than 5 minutes off'),
  'webhook-signature': ZText.describe(
    'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` entries',
  ),
});

export function operationsIngestRoutes(deps: { ingest: IngestService; webhookSecret: string; clock: Clock }) {
  const verifier = createWebhookVerifier({ secret: deps.webhookSecret, clock: deps.clock });
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    await app.register(async (scope) => {
      // The signature covers the exact bytes: JSON is parsed only once verified.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      );
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/webhooks/operations',
        {
          schema: {
            tags: ['operations'],
            summary: 'Operations event (marketplace webhook, Standard Webhooks signature)',
            description:
              'Body `{type, timestamp?, data}`. Types: `customer.upserted`, `support_call.created`, `goal.upserted` ' +
              '(and the supply side’s `tutor.availability_updated`, `session.booked`, `session.cancelled`). Signed with ' +
              '`WEBHOOK_SECRET` like the session webhook. Stored before the 202; a replay (same `webhook-id`) answers ' +
              'the first answer with `replayed: true` and changes nothing. A record with an unknown id is refused ' +
              'with 422 (`UNKNOWN_CUSTOMER`, `UNKNOWN_STUDENT`, …) and can be sent again later.',
            security: [],
            headers: ZWebhookHeaders,
            response: { 202: ZOperationsWebhookAccepted, 422: ZApiError, ...errors },
          },
          config: { access: access.public, rateLimit: false },
          preHandler: app.webhookLimit('operations'),
          preValidation: async (req) => {
            const raw = typeof req.body === 'string' ? req.body : '';
            try {
              verifier.verify(raw, req.headers);
            } catch (err) {
              if (err instanceof WebhookSignatureError) {
                const id = req.headers['webhook-id'];
                req.log.warn(
                  { reason: err.reason, webhookId: typeof id === 'string' ? id.slice(0, 255) : null },
                  'operations webhook refused',
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
        async (req, reply) => {
          const answer = await deps.ingest.ingestEvent(String(req.headers['webhook-id']), req.body);
          return reply.code(202).send(answer);
        },
      );
    });

    app.post(
      '/api/operations/import/:kind',
      {
        schema: {
          tags: ['operations'],
          summary: 'Batch upsert of operations records (API key or Bearer token)',
          description:
            'Kinds: `customers`, `support_calls`, `goals` (and the supply side’s kinds). Up to 1,000 records; each ' +
            'is validated and applied on its own merits: `results[i]` tells record i’s outcome (`created`, ' +
            '`updated`, `unchanged` or `failed` with `error.code`, e.g. `UNKNOWN_CUSTOMER`). 200 when none failed, ' +
            '207 when some did. Idempotent by the records’ ids.',
          params: ZImportParams,
          body: ZImportRequest,
          response: { 200: ZImportResponse, 207: ZImportResponse, ...errors },
        },
        config: { access: access.roles('admin', 'operator') },
      },
      async (req, reply) => {
        const result = await deps.ingest.importBatch(req.params.kind, req.body.records);
        return reply.code(result.failed > 0 ? 207 : 200).send(result);
      },
    );
  };
}
