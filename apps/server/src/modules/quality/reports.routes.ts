/** Email report ledger (admin): what was mailed, what is pending and what failed, with the last error. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import { ZEmailReportPage, ZEmailReportsQuery } from '@tutorpulse/contracts/quality-flags';
import { access } from '../../platform/auth/principal';
import type { ReportService } from './reports.service';

export function reportsRoutes(deps: { reports: ReportService }) {
  const { reports } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/email-reports',
      {
        schema: {
          tags: ['email reports'],
          summary: 'List email reports (per-session reports and critical alerts), newest first',
          description:
            'Status `pending` (queued or between retries), `sent` or `failed` (every attempt failed; ' +
            '`error_message` holds the last error).',
          querystring: ZEmailReportsQuery,
          response: { 200: ZEmailReportPage, 400: ZApiError, 401: ZApiError, 403: ZApiError },
        },
        config: { access: access.roles('admin') },
      },
      (req) => reports.list(req.query),
    );
  };
}
