/** Flags API: the coach's inbox, a flag's detail, and resolve / dismiss / assign. Thin: schema + one call. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import { ZFlag } from '@tutorpulse/contracts/quality';
import {
  ZDismissFlagRequest,
  ZFlagDetail,
  ZFlagPage,
  ZFlagsQuery,
  ZResolveFlagRequest,
  ZResolveFlagResponse,
  ZUpdateFlagRequest,
} from '@tutorpulse/contracts/quality-flags';
import { principalOf, requestContext } from '../../platform/auth/access.plugin';
import { sendJsonText } from '../../platform/http/json-text';
import { access } from '../../platform/auth/principal';
import type { FlagService } from './flags.service';

/** Staff read the quality module; viewers see but cannot act. */
export const QUALITY_READ = access.roles('admin', 'coach', 'viewer');
export const QUALITY_WRITE = access.roles('admin', 'coach');

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const writeErrors = { ...errors, 404: ZApiError, 409: ZApiError, 422: ZApiError };
const TAGS = ['flags'];

export function flagsRoutes(deps: { flags: FlagService }) {
  const { flags } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/flags',
      {
        schema: {
          tags: TAGS,
          summary: 'List flags (the coach inbox)',
          description:
            'Filters combine with AND; `status`, `severity` and `type` take comma-separated lists. Default order ' +
            '(`sort=priority`): open and in-progress flags before closed ones, then severity (critical first), then ' +
            'oldest first within a severity, so the flag that has waited longest at the most serious level is on top.',
          querystring: ZFlagsQuery,
          response: { 200: ZFlagPage, ...errors },
        },
        config: { access: QUALITY_READ },
      },
      (req) => {
        const p = principalOf(req);
        return flags.list(req.query, p.kind === 'user' ? p.id : null);
      },
    );

    app.get(
      '/api/flags/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'A flag with its tutor, current score, supporting sessions, interventions and history',
          params: ZIdParams,
          response: { 200: ZFlagDetail, ...errors, 404: ZApiError },
        },
        config: { access: QUALITY_READ },
      },
      // Shared by every reader: JSON text from the read cache, sent as it is.
      async (req, reply) => sendJsonText(reply, await flags.getJson(req.params.id)),
    );

    app.post(
      '/api/flags/:id/resolve',
      {
        schema: {
          tags: TAGS,
          summary: 'Resolve a flag (notes, coach agreed, optional intervention)',
          description:
            'Marks the flag resolved and, when `intervention_type` is given, records the intervention in the same ' +
            'transaction. A resolved or dismissed flag answers 409 FLAG_ALREADY_CLOSED; a stale ' +
            '`expected_updated_at` answers 409 FLAG_STALE.',
          params: ZIdParams,
          body: ZResolveFlagRequest,
          response: { 200: ZResolveFlagResponse, ...writeErrors },
        },
        config: { access: QUALITY_WRITE },
      },
      (req) => flags.resolve(req.params.id, req.body, principalOf(req), requestContext(req)),
    );

    app.post(
      '/api/flags/:id/dismiss',
      {
        schema: {
          tags: TAGS,
          summary: 'Dismiss a flag as not a real issue (coach_agreed = false)',
          params: ZIdParams,
          // A bare POST (no body) is fine: the notes are optional.
          body: ZDismissFlagRequest.nullish(),
          response: { 200: ZFlag, ...writeErrors },
        },
        config: { access: QUALITY_WRITE },
      },
      (req) => flags.dismiss(req.params.id, req.body, principalOf(req), requestContext(req)),
    );

    app.patch(
      '/api/flags/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Take, assign or put back a flag; re-open a resolved or dismissed one',
          description:
            '`status: in_progress` takes the flag (assigned to the caller unless `assigned_to` says otherwise); ' +
            '`status: open` puts it back. On a closed flag, a status re-opens it, unless the tutor already has ' +
            'another open flag of that type (409 FLAG_OPEN_DUPLICATE).',
          params: ZIdParams,
          body: ZUpdateFlagRequest,
          response: { 200: ZFlag, ...writeErrors },
        },
        config: { access: QUALITY_WRITE },
      },
      (req) => flags.update(req.params.id, req.body, principalOf(req), requestContext(req)),
    );
  };
}
