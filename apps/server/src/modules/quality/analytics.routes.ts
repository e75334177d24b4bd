/**
 * Analytics API: the coach overview, trend series, and the on-demand nightly analysis (tier 3). Thin: schema +
 * one service call.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import {
  ZAnalyticsOverview,
  ZDailyAnalysisDone,
  ZDailyAnalysisQuery,
  ZDailyAnalysisQueued,
  ZTrendsQuery,
  ZTrendsResponse,
} from '@tutorpulse/contracts/quality-analytics';
import { access } from '../../platform/auth/principal';
import type { AnalyticsService } from './analytics.service';
import type { Tier3Service } from './tier3';

const READ = access.roles('admin', 'coach', 'viewer');
const ADMIN = access.roles('admin');
const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };

export function analyticsRoutes(deps: {
  analytics: AnalyticsService;
  tier3: Pick<Tier3Service, 'run' | 'enqueue'>;
}) {
  const { analytics, tier3 } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/analytics/overview',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Everything the coach overview shows, in one answer',
          description:
            'Today (UTC): sessions processed, flags raised, tutors flagged. Trends: mean 30-day score and its change ' +
            'over a week; flags raised per 100 sessions over 7 days and its change vs the 7 days before. Top issues ' +
            '(open flags by type), flags raised per day and type over 14 days, and the 5 newest open critical flags.',
          response: { 200: ZAnalyticsOverview, ...errors },
        },
        config: { access: READ },
      },
      () => analytics.overview(),
    );

    app.get(
      '/api/analytics/trends',
      {
        schema: {
          tags: ['analytics'],
          summary: 'A metric over time, per day, week or month',
          description:
            'Buckets are UTC days, ISO weeks (Monday) or months, oldest first; every bucket of the period is ' +
            'present (value null without data). Allowed groupings: 7d → day; 30d → day, week; 90d and 1y → day, ' +
            'week, month. Other combinations answer 400.',
          querystring: ZTrendsQuery,
          response: { 200: ZTrendsResponse, ...errors },
        },
        config: { access: READ },
      },
      (req) => analytics.trends(req.query),
    );

    app.post(
      '/api/cron/daily-analysis',
      {
        schema: {
          tags: ['analytics'],
          summary: 'Run the nightly analysis (tier 3) now',
          description:
            'Admins and admin API keys. Queues the `quality.tier3` job and answers 202; with `wait=true` runs it ' +
            'in this request and answers 200 with the summary. Re-running a date overwrites that date’s rows.',
          querystring: ZDailyAnalysisQuery,
          response: { 200: ZDailyAnalysisDone, 202: ZDailyAnalysisQueued, ...errors },
        },
        config: { access: ADMIN },
      },
      async (req, reply) => {
        const date = req.query.date ? { date: req.query.date } : {};
        if (req.query.wait)
          return reply.code(200).send({ queued: false as const, ...(await tier3.run(date)) });
        const queued = await tier3.enqueue(date);
        return reply
          .code(202)
          .send({ queued: true as const, analysis_date: queued.analysisDate, job_id: queued.jobId });
      },
    );
  };
}
