/** The dead-letter list (admin only): jobs that failed on every attempt; re-run or discard them. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import {
  ZDeadLetterDetail,
  ZDeadLetterPage,
  ZDeadLettersQuery,
  ZRerunDeadLetterResponse,
} from '@tutorpulse/contracts/dead-letters';
import { principalOf, requestContext } from '../auth/access.plugin';
import { access } from '../auth/principal';
import type { DeadLetterService } from './dead-letters.service';

const ADMIN = access.roles('admin');
const TAGS = ['admin'];
const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const writeErrors = { ...errors, 404: ZApiError, 409: ZApiError, 422: ZApiError, 503: ZApiError };

export function deadLetterRoutes(deps: { deadLetters: DeadLetterService }) {
  const { deadLetters } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/admin/dead-letters',
      {
        schema: {
          tags: TAGS,
          summary: 'Failed jobs: jobs that failed on every attempt (newest failure first)',
          description:
            'A job that spends all its attempts (or fails unrecoverably) lands here once per queue and job id; ' +
            'failing again after a re-run re-opens the same entry. Filters combine with AND.',
          querystring: ZDeadLettersQuery,
          response: { 200: ZDeadLetterPage, ...errors },
        },
        config: { access: ADMIN },
      },
      (req) => deadLetters.list(req.query),
    );

    app.get(
      '/api/admin/dead-letters/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'A failed job with its payload and error stack',
          params: ZIdParams,
          response: { 200: ZDeadLetterDetail, ...errors, 404: ZApiError },
        },
        config: { access: ADMIN },
      },
      (req) => deadLetters.get(req.params.id),
    );

    app.post(
      '/api/admin/dead-letters/:id/rerun',
      {
        schema: {
          tags: TAGS,
          summary: 'Re-run a failed job with its original payload and id',
          description:
            'Marks the entry `rerun` and puts the job back on its queue with fresh attempts. Only an open entry ' +
            'can be re-run (409 DEAD_LETTER_NOT_OPEN otherwise). 422 when the job can no longer be enqueued ' +
            '(its name or payload is no longer accepted), 503 when the queue is unreachable; the entry stays ' +
            'open in both cases.',
          params: ZIdParams,
          response: { 200: ZRerunDeadLetterResponse, ...writeErrors },
        },
        config: { access: ADMIN },
      },
      (req) => deadLetters.rerun(req.params.id, principalOf(req), requestContext(req)),
    );

    app.post(
      '/api/admin/dead-letters/:id/discard',
      {
        schema: {
          tags: TAGS,
          summary: 'Discard a failed job (it will not be re-run)',
          description: 'Only an open entry can be discarded (409 DEAD_LETTER_NOT_OPEN otherwise).',
          params: ZIdParams,
          response: { 200: ZDeadLetterDetail, ...writeErrors },
        },
        config: { access: ADMIN },
      },
      (req) => deadLetters.discard(req.params.id, principalOf(req), requestContext(req)),
    );
  };
}
