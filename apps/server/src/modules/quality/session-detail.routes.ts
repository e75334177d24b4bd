/** Session detail: a session with its findings, flags, analysis, tutor score and reschedule. Thin. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import { ZSessionDetail, ZSessionDetailParams } from '@tutorpulse/contracts/quality-tutors';
import { access } from '../../platform/auth/principal';
import { sendJsonText } from '../../platform/http/json-text';
import type { SessionDetailService } from './session-detail.service';

const READ = access.roles('admin', 'coach', 'viewer');

export function sessionDetailRoutes(deps: { sessionDetail: SessionDetailService }) {
  const { sessionDetail } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/sessions/:id',
      {
        schema: {
          tags: ['sessions'],
          summary: 'A session with what the rules found, its flags, analysis, tutor score and reschedule',
          description:
            'Accepts the session’s uuid or the platform’s `session_id`. `flags` are the tutor’s flags this session ' +
            'raised or added evidence to (open or closed).',
          params: ZSessionDetailParams,
          response: { 200: ZSessionDetail, 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError },
        },
        config: { access: READ },
      },
      // Shared by every reader: JSON text from the read cache, sent as it is.
      async (req, reply) => sendJsonText(reply, await sessionDetail.getJson(req.params.id)),
    );
  };
}
