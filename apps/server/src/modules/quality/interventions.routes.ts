/** Interventions API: coaching actions with follow-up and outcome, and their before/after metrics. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import { ZIntervention } from '@tutorpulse/contracts/quality';
import {
  ZCreateInterventionRequest,
  ZInterventionDetail,
  ZInterventionPage,
  ZInterventionsQuery,
  ZUpdateInterventionRequest,
} from '@tutorpulse/contracts/quality-flags';
import { principalOf, requestContext } from '../../platform/auth/access.plugin';
import { access } from '../../platform/auth/principal';
import { QUALITY_READ, QUALITY_WRITE } from './flags.routes';
import type { InterventionService } from './interventions.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const TAGS = ['interventions'];

export function interventionsRoutes(deps: { interventions: InterventionService }) {
  const { interventions } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/interventions',
      {
        schema: {
          tags: TAGS,
          summary: 'List interventions',
          description:
            'Newest first; `due=true` lists those whose follow-up date has come with the outcome still pending ' +
            '(soonest first). With `closed=true` (or `include_metrics=true`) each item carries the tutor’s metrics ' +
            'in the 30 days before and after the intervention and a suggested outcome.',
          querystring: ZInterventionsQuery,
          response: { 200: ZInterventionPage, ...errors },
        },
        config: { access: QUALITY_READ },
      },
      (req) => interventions.list(req.query),
    );

    app.post(
      '/api/interventions',
      {
        schema: {
          tags: TAGS,
          summary: 'Record an intervention',
          body: ZCreateInterventionRequest,
          response: { 201: ZIntervention, ...errors, 422: ZApiError },
        },
        config: { access: QUALITY_WRITE },
      },
      async (req, reply) =>
        reply.code(201).send(await interventions.create(req.body, principalOf(req), requestContext(req))),
    );

    app.get(
      '/api/interventions/:id',
      {
        schema: {
          tags: TAGS,
          summary:
            'An intervention with the tutor’s metrics 30 days before and after, and a suggested outcome',
          description:
            '`metrics_after` covers the 30 days from the intervention, or up to now while they have not all ' +
            'passed (`after_complete: false`). `suggested_outcome` compares the metrics that matter for the ' +
            'flag’s type; `suggestion_basis` shows the rule and each comparison.',
          params: ZIdParams,
          response: { 200: ZInterventionDetail, ...errors, 404: ZApiError },
        },
        config: { access: QUALITY_READ },
      },
      (req) => interventions.get(req.params.id),
    );

    app.patch(
      '/api/interventions/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Record the outcome, notes or follow-up date; close or re-open',
          description: 'Closing needs an outcome other than `pending` (422 OUTCOME_REQUIRED).',
          params: ZIdParams,
          body: ZUpdateInterventionRequest,
          response: { 200: ZIntervention, ...errors, 404: ZApiError, 409: ZApiError, 422: ZApiError },
        },
        config: { access: QUALITY_WRITE },
      },
      (req) => interventions.update(req.params.id, req.body, principalOf(req), requestContext(req)),
    );

    app.delete(
      '/api/interventions/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete an intervention (admin only)',
          params: ZIdParams,
          response: { 204: z.null(), ...errors, 404: ZApiError },
        },
        config: { access: access.roles('admin') },
      },
      async (req, reply) => {
        await interventions.remove(req.params.id, principalOf(req), requestContext(req));
        return reply.code(204).send(null);
      },
    );
  };
}
