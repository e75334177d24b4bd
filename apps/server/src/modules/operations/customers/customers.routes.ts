/**
 * Customers and churn model routes. Roles: admin everything; operator and viewer read; operator exports;
 * coach none (deny by default). Thin: schema, access, one service call.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import {
  ZAtRiskList,
  ZAtRiskQuery,
  ZCustomerDetail,
  ZCustomerExportQuery,
  ZCustomerHealth,
  ZCustomerListQuery,
  ZCustomerPage,
  ZCustomerParams,
  ZChurnModelSummary,
  ZModelList,
  ZModelParams,
  ZTrainResult,
} from '@tutorpulse/contracts/operations-customers';
import { access, actorOf } from '../../../platform/auth/principal';
import { principalOf, requestContext } from '../../../platform/auth/access.plugin';
import type { AuditService } from '../../identity/index';
import type { ChurnService } from './churn.service';
import type { CustomerService } from './customers.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const READERS = access.roles('admin', 'operator', 'viewer');

export function customersRoutes(deps: {
  customers: CustomerService;
  churn: ChurnService;
  audit: AuditService;
}) {
  const { customers, churn } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/customers',
      {
        schema: {
          tags: ['operations'],
          summary: 'List customers (highest churn risk first by default)',
          querystring: ZCustomerListQuery,
          response: { 200: ZCustomerPage, ...errors },
        },
        config: { access: READERS },
      },
      (req) => customers.list(req.query),
    );

    app.get(
      '/api/customers/at-risk',
      {
        schema: {
          tags: ['operations'],
          summary: 'Customers at high or critical churn risk, riskiest first, with their top 3 factors',
          querystring: ZAtRiskQuery,
          response: { 200: ZAtRiskList, ...errors },
        },
        config: { access: READERS },
      },
      (req) => customers.atRisk(req.query),
    );

    app.get(
      '/api/customers/export.csv',
      {
        schema: {
          tags: ['operations'],
          summary: 'Customers as CSV (highest risk first)',
          querystring: ZCustomerExportQuery,
          response: { 200: z.string().describe('text/csv'), ...errors },
        },
        config: { access: access.roles('admin', 'operator') },
      },
      async (req, reply) => {
        const p = principalOf(req);
        await deps.audit.record({
          actor: actorOf(p),
          action: 'customers.export',
          outcome: 'success',
          details: { ...req.query },
          ctx: requestContext(req),
        });
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="customers.csv"');
        let csv = '';
        for await (const chunk of customers.exportCsv(req.query)) csv += chunk;
        return reply.send(csv);
      },
    );

    app.get(
      '/api/customers/:id',
      {
        schema: {
          tags: ['operations'],
          summary: 'One customer: account, students, goals, support calls, latest risk factors',
          params: ZCustomerParams,
          response: { 200: ZCustomerDetail, 404: ZApiError, ...errors },
        },
        config: { access: READERS },
      },
      (req) => customers.get(req.params.id),
    );

    app.get(
      '/api/customers/:id/health',
      {
        schema: {
          tags: ['operations'],
          summary:
            'Health: churn probability, tier, components (log-odds terms), top 3 factors in words, history',
          params: ZCustomerParams,
          response: { 200: ZCustomerHealth, 404: ZApiError, ...errors },
        },
        config: { access: READERS },
      },
      (req) => customers.health(req.params.id),
    );

    app.get(
      '/api/models',
      {
        schema: {
          tags: ['operations'],
          summary: 'Stored churn model versions, newest first, with holdout metrics',
          response: { 200: ZModelList, ...errors },
        },
        config: { access: READERS },
      },
      async () => ({ data: await churn.listModels() }),
    );

    app.post(
      '/api/models/churn/train',
      {
        schema: {
          tags: ['operations'],
          summary: 'Train a new churn model version now (activated only if it beats the active one)',
          description:
            'Trains on time-based snapshots of the stored history and compares with the active model on the new ' +
            'version’s holdout: activated when its ROC AUC is higher by ≥ 0.002 and its Brier score no worse. 422 ' +
            'NOT_ENOUGH_HISTORY when the history is too short for the label horizon. Synchronous (seconds).',
          response: { 200: ZTrainResult, 422: ZApiError, ...errors },
        },
        config: { access: access.roles('admin') },
      },
      async (req) => {
        const p = principalOf(req);
        const result = await churn.train({ by: p.kind === 'user' ? p.id : null });
        await deps.audit.record({
          actor: actorOf(p),
          action: 'models.churn.train',
          outcome: 'success',
          target: { type: 'churn_model', id: result.model.id },
          details: { version: result.model.version, activated: result.activated, reason: result.reason },
          ctx: requestContext(req),
        });
        if (result.activated) await churn.scoreAll();
        return result;
      },
    );

    app.post(
      '/api/models/:id/activate',
      {
        schema: {
          tags: ['operations'],
          summary: 'Make a stored model version the active one (rollback), then re-score every customer',
          params: ZModelParams,
          response: { 200: ZChurnModelSummary, 404: ZApiError, ...errors },
        },
        config: { access: access.roles('admin') },
      },
      async (req) => {
        const p = principalOf(req);
        const model = await churn.activate(req.params.id, p.kind === 'user' ? p.id : null);
        await deps.audit.record({
          actor: actorOf(p),
          action: 'models.activate',
          outcome: 'success',
          target: { type: 'churn_model', id: model.id },
          details: { version: model.version },
          ctx: requestContext(req),
        });
        await churn.scoreAll();
        return model;
      },
    );
  };
}
