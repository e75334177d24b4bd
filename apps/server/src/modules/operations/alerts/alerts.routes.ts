/**
 * Alerts, recommendations and the operations metrics. Roles: admin everything; operator reads, acts on alerts
 * and recommendations, and exports; viewer reads; coach (and everyone else) nothing. Thin: schema + one call.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import {
  ZAlert,
  ZAlertActionRequest,
  ZAlertDetail,
  ZAlertExportQuery,
  ZAlertPage,
  ZAlertsQuery,
  ZOperationsMetrics,
  ZRecommendation,
  ZRecommendationDecisionRequest,
  ZRecommendationPage,
  ZRecommendationsQuery,
} from '@tutorpulse/contracts/operations-alerts';
import { principalOf, requestContext } from '../../../platform/auth/access.plugin';
import { access } from '../../../platform/auth/principal';
import type { AlertService } from './alerts.service';
import type { OperationsMetricsService } from './metrics.service';
import type { RecommendationService } from './recommendations.service';

export const OPERATIONS_READ = access.roles('admin', 'operator', 'viewer');
export const OPERATIONS_ACT = access.roles('admin', 'operator');
export const OPERATIONS_EXPORT = access.roles('admin', 'operator');
export const OPERATIONS_ADMIN = access.roles('admin');

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const writeErrors = { ...errors, 404: ZApiError, 409: ZApiError };

export function alertsRoutes(deps: {
  alerts: AlertService;
  recommendations: RecommendationService;
  metrics: OperationsMetricsService;
}) {
  const { alerts, recommendations, metrics } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/alerts',
      {
        schema: {
          tags: ['alerts'],
          summary: 'List alerts (filters: status, severity, type; cursor pagination)',
          description:
            'Filters combine with AND and take comma-separated lists. Default order (`sort=priority`): open and ' +
            'acknowledged alerts first, then severity (critical first), then the longest waiting. Follow ' +
            '`next_cursor` for the next page.',
          querystring: ZAlertsQuery,
          response: { 200: ZAlertPage, ...errors },
        },
        config: { access: OPERATIONS_READ },
      },
      (req) => alerts.list(req.query),
    );

    app.get(
      '/api/alerts/export.csv',
      {
        schema: {
          tags: ['alerts'],
          summary: 'Alerts as CSV (same filters as the list; newest first, at most 50,000 rows)',
          querystring: ZAlertExportQuery,
          produces: ['text/csv'],
        },
        config: { access: OPERATIONS_EXPORT },
      },
      async (req, reply) => {
        const csv = await alerts.exportCsv(req.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="alerts.csv"')
          .send(csv);
      },
    );

    app.get(
      '/api/alerts/:id',
      {
        schema: {
          tags: ['alerts'],
          summary: 'An alert with its history and the recommendations made from it',
          params: ZIdParams,
          response: { 200: ZAlertDetail, ...errors, 404: ZApiError },
        },
        config: { access: OPERATIONS_READ },
      },
      async (req) => {
        const detail = await alerts.get(req.params.id);
        return { ...detail, recommendations: await recommendations.listForAlert(req.params.id) };
      },
    );

    for (const action of ['acknowledge', 'resolve', 'dismiss'] as const) {
      app.post(
        `/api/alerts/:id/${action}`,
        {
          schema: {
            tags: ['alerts'],
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} an alert (optional note)`,
            description:
              'Lifecycle: open → acknowledged → resolved | dismissed (open may also be resolved or dismissed ' +
              'directly). Any other move answers 409 ALERT_TRANSITION_NOT_ALLOWED.',
            params: ZIdParams,
            body: ZAlertActionRequest.nullish(),
            response: { 200: ZAlert, ...writeErrors },
          },
          config: { access: OPERATIONS_ACT },
        },
        (req) => alerts[action](req.params.id, req.body?.note ?? null, principalOf(req), requestContext(req)),
      );
    }

    app.delete(
      '/api/alerts/:id',
      {
        schema: {
          tags: ['alerts'],
          summary: 'Soft-delete an alert (admin): hidden from lists, kept for analysis',
          params: ZIdParams,
          response: { 204: z.null(), ...errors, 404: ZApiError },
        },
        config: { access: OPERATIONS_ADMIN },
      },
      async (req, reply) => {
        await alerts.remove(req.params.id, principalOf(req), requestContext(req));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/recommendations',
      {
        schema: {
          tags: ['recommendations'],
          summary: 'List recommendations (filters: status, priority, type, alert; cursor pagination)',
          querystring: ZRecommendationsQuery,
          response: { 200: ZRecommendationPage, ...errors },
        },
        config: { access: OPERATIONS_READ },
      },
      (req) => recommendations.list(req.query),
    );

    for (const action of ['accept', 'dismiss'] as const) {
      app.post(
        `/api/recommendations/:id/${action}`,
        {
          schema: {
            tags: ['recommendations'],
            summary: `${action === 'accept' ? 'Accept' : 'Dismiss'} a recommendation (optional reason)`,
            description:
              'Only an open recommendation can be decided (else 409 RECOMMENDATION_NOT_OPEN). After acceptance its ' +
              'effect is measured by a follow-up job at `measure_after`.',
            params: ZIdParams,
            body: ZRecommendationDecisionRequest.nullish(),
            response: { 200: ZRecommendation, ...writeErrors },
          },
          config: { access: OPERATIONS_ACT },
        },
        (req) =>
          recommendations[action](
            req.params.id,
            req.body?.reason ?? null,
            principalOf(req),
            requestContext(req),
          ),
      );
    }

    app.get(
      '/api/operations/metrics',
      {
        schema: {
          tags: ['operations'],
          summary: 'Dashboard cards with their trend against last week',
          response: { 200: ZOperationsMetrics, ...errors },
        },
        config: { access: OPERATIONS_READ },
      },
      () => metrics.get(),
    );
  };
}
