/** Forecasts API: demand and supply per subject and hour, imbalances, accuracy, on-demand runs, CSV export. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import {
  ZAccuracyQuery,
  ZAccuracyResponse,
  ZForecastsQuery,
  ZForecastsResponse,
  ZImbalancePage,
  ZImbalancesQuery,
  ZRunForecastResponse,
  ZSubjectForecast,
  ZSubjectForecastParams,
} from '@tutorpulse/contracts/operations-forecasts';
import { access } from '../../../platform/auth/principal';
import type { ForecastService } from './forecasts.service';

/** Operations staff read (viewers included); admins and operators run. Coaches keep the quality area only. */
const READ = access.roles('admin', 'operator', 'viewer');
const RUN = access.roles('admin', 'operator');
const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const TAGS = ['forecasts'];

export function forecastsRoutes(deps: { forecasts: ForecastService }) {
  const { forecasts } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/forecasts',
      {
        schema: {
          tags: TAGS,
          summary: 'Demand and expected supply per subject and hour (the latest run)',
          description:
            'Every hour of the latest run’s horizon (168 h by default), per subject: demand (sessions starting in ' +
            'the hour: point forecast and 95 % interval, never below what is already booked), the bookings already ' +
            'made, the tutors available and the sessions they are expected to deliver after their observed ' +
            'no-show and cancellation rates, and the shortage (demand upper bound − expected supply, at least 0).',
          querystring: ZForecastsQuery,
          response: { 200: ZForecastsResponse, ...errors },
        },
        config: { access: READ },
      },
      (req) => forecasts.list(req.query),
    );

    app.get(
      '/api/forecasts/subject/:subject',
      {
        schema: {
          tags: TAGS,
          summary: 'One subject: its forecast hours, imbalances and the last 14 days of accuracy',
          params: ZSubjectForecastParams,
          response: { 200: ZSubjectForecast, ...errors, 404: ZApiError },
        },
        config: { access: READ },
      },
      (req) => forecasts.forSubject(req.params.subject),
    );

    app.get(
      '/api/forecasts/imbalances',
      {
        schema: {
          tags: TAGS,
          summary: 'Hours where forecast demand (upper bound) exceeds expected supply',
          description:
            'Contiguous short hours of one subject, from the latest run, most severe first. Severity: critical ' +
            'when supply covers at most half of the typical demand at the worst hour, high when it is below the ' +
            'typical demand, medium when the upper bound exceeds supply by a quarter or more, low otherwise.',
          querystring: ZImbalancesQuery,
          response: { 200: ZImbalancePage, ...errors },
        },
        config: { access: READ },
      },
      (req) => forecasts.imbalances(req.query),
    );

    app.get(
      '/api/forecasts/accuracy',
      {
        schema: {
          tags: TAGS,
          summary: 'Daily accuracy of past forecasts: MAE, MASE and interval coverage per subject',
          querystring: ZAccuracyQuery,
          response: { 200: ZAccuracyResponse, ...errors },
        },
        config: { access: READ },
      },
      (req) => forecasts.accuracy(req.query),
    );

    app.post(
      '/api/forecasts/run',
      {
        schema: {
          tags: TAGS,
          summary: 'Run the forecasts now (queued; a `forecast_updated` event follows)',
          response: { 202: ZRunForecastResponse, ...errors },
        },
        config: { access: RUN },
      },
      async (_req, reply) => {
        const r = await forecasts.enqueue();
        return reply.code(202).send({ queued: r.added, job_id: r.jobId });
      },
    );

    app.get(
      '/api/forecasts/export.csv',
      {
        schema: {
          tags: TAGS,
          summary: 'The latest run as CSV (one line per subject and hour); admins and operators',
          querystring: ZForecastsQuery,
          produces: ['text/csv'],
        },
        config: { access: RUN },
      },
      async (req, reply) => {
        const csv = await forecasts.exportCsv(req.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="forecasts.csv"')
          .send(csv);
      },
    );
  };
}
