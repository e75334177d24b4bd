/** `GET /api/admin/ai-usage` (admin): what the AI tasks cost, by task, user, day or model. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZAiUsageQuery, ZAiUsageReport } from '@tutorpulse/contracts/ai';
import { ZApiError } from '@tutorpulse/contracts/common';
import { access } from '../auth/principal';
import type { AiUsageService } from './usage.service';

export function aiUsageRoutes(deps: { usage: AiUsageService }) {
  const { usage } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/admin/ai-usage',
      {
        schema: {
          tags: ['admin'],
          summary: 'AI usage: calls, outcomes, tokens and estimated cost per task, user, day or model',
          description:
            'Every AI call is recorded (local answers and failures included). `estimated_cost_usd` uses the ' +
            'per-model prices configured in AI_PRICES (USD per million tokens); tokens of models without a ' +
            'price are counted in `unpriced_tokens` instead. Days are UTC; `from` and `to` are inclusive ' +
            '(default: the last 30 days, at most 366).',
          querystring: ZAiUsageQuery,
          response: { 200: ZAiUsageReport, 400: ZApiError, 401: ZApiError, 403: ZApiError },
        },
        config: { access: access.roles('admin') },
      },
      (req) => usage.report(req.query),
    );
  };
}
