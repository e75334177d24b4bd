/** Identity routes: login/logout/me, users, API keys and the audit log. Thin: schema + one service call. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZIdParams, ZPage, ZPagination } from '@tutorpulse/contracts/common';
import {
  ZApiKey,
  ZAuditEntry,
  ZAuditQuery,
  ZCreateApiKeyRequest,
  ZCreateApiKeyResponse,
  ZCreateUserRequest,
  ZLoginRequest,
  ZLoginResponse,
  ZMeResponse,
  ZUpdateUserRequest,
  ZUser,
} from '@tutorpulse/contracts/identity';
import {
  ZRefreshResponse,
  ZRegisterRequest,
  ZRegisterResponse,
} from '@tutorpulse/contracts/companion-engagement';
import { AppError } from '../../platform/errors';
import type { ApiKeyService } from './api-keys.service';
import type { AuditService } from './audit.service';
import { SESSION_ABSOLUTE_MS, type AuthService } from './auth.service';
import { principalOf, requestContext, SESSION_COOKIE } from '../../platform/auth/access.plugin';
import { access } from '../../platform/auth/principal';
import type { UserService } from './users.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const ADMIN = access.roles('admin');
const ANY_ROLE = access.roles('admin', 'coach', 'operator', 'viewer', 'student', 'tutor');

export function identityRoutes(deps: {
  auth: AuthService;
  users: UserService;
  apiKeys: ApiKeyService;
  audit: AuditService;
  loginRateLimitPerMinute: number;
  /** Self-registrations per client address per hour. */
  registerRateLimitPerHour?: number;
}) {
  const { auth, users, apiKeys, audit } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in with email and password',
          description:
            'Sets an HttpOnly session cookie for the browser and returns a Bearer token for other clients. ' +
            'Five failed attempts in 15 minutes lock the account for 15 minutes.',
          body: ZLoginRequest,
          response: { 200: ZLoginResponse, ...errors, 429: ZApiError },
        },
        config: {
          access: access.public,
          rateLimit: { max: deps.loginRateLimitPerMinute, timeWindow: 60_000 },
        },
      },
      async (req, reply) => {
        // Login CSRF: a browser posting from another site sends its Origin; refuse it.
        const origin = req.headers.origin;
        if (origin && origin !== `${req.protocol}://${req.host}`) {
          throw new AppError('CSRF_FAILED', 'Cross-site login refused');
        }
        const r = await auth.login(req.body.email, req.body.password, requestContext(req));
        reply.setCookie(SESSION_COOKIE, r.token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.protocol === 'https',
          path: '/',
          maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
        });
        reply.header('cache-control', 'no-store');
        return {
          user: r.user,
          token: r.token,
          token_type: 'Bearer' as const,
          expires_at: r.expiresAt.toISOString(),
          csrf_token: r.csrfToken,
        };
      },
    );

    app.post(
      '/api/auth/register',
      {
        schema: {
          tags: ['auth'],
          summary: 'Register as a student',
          description:
            'Creates a student account and its student record (always the student role: no role choice). ' +
            'Same password rules as every account. Rate-limited per client address. Log in afterwards.',
          body: ZRegisterRequest,
          response: { 201: ZRegisterResponse, ...errors, 409: ZApiError, 429: ZApiError },
        },
        config: {
          access: access.public,
          rateLimit: { max: deps.registerRateLimitPerHour ?? 10, timeWindow: 3_600_000 },
        },
      },
      async (req, reply) => {
        const origin = req.headers.origin;
        if (origin && origin !== `${req.protocol}://${req.host}`) {
          throw new AppError('CSRF_FAILED', 'Cross-site registration refused');
        }
        const user = await users.registerStudent(req.body, requestContext(req));
        return reply.code(201).send({ user });
      },
    );

    app.post(
      '/api/auth/refresh',
      {
        schema: {
          tags: ['auth'],
          summary: 'Refresh the session token',
          description:
            'Rotates the login session: a new token (and cookie, and CSRF token) replaces the one presented, ' +
            'which stops working at once. The 12-hour limit from the original login still applies.',
          response: { 200: ZRefreshResponse, ...errors, 422: ZApiError },
        },
        config: { access: ANY_ROLE },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const r = await auth.refresh(p, requestContext(req));
        if (p.via === 'cookie') {
          reply.setCookie(SESSION_COOKIE, r.token, {
            httpOnly: true,
            sameSite: 'strict',
            secure: req.protocol === 'https',
            path: '/',
            expires: r.expiresAt,
          });
        }
        reply.header('cache-control', 'no-store');
        return {
          token: r.token,
          token_type: 'Bearer' as const,
          expires_at: r.expiresAt.toISOString(),
          csrf_token: r.csrfToken,
        };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), ...errors } },
        config: { access: ANY_ROLE },
      },
      async (req, reply) => {
        await auth.logout(principalOf(req), requestContext(req));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/auth/me',
      {
        schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: ZMeResponse, ...errors } },
        config: { access: ANY_ROLE },
      },
      async (req) => {
        const p = principalOf(req);
        const user = await auth.currentUser(p);
        if (!user) throw new AppError('NOT_FOUND', 'API keys have no user profile', undefined, 404);
        return { user, csrf_token: p.sessionId ? auth.csrfFor(p.sessionId) : null, auth: p.via };
      },
    );

    app.get(
      '/api/users',
      {
        schema: {
          tags: ['users'],
          summary: 'List users',
          querystring: ZPagination,
          response: { 200: ZPage(ZUser), ...errors },
        },
        config: { access: ADMIN },
      },
      (req) => users.list(req.query),
    );

    app.post(
      '/api/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user',
          body: ZCreateUserRequest,
          response: { 201: ZUser, ...errors, 409: ZApiError },
        },
        config: { access: ADMIN },
      },
      async (req, reply) =>
        reply.code(201).send(await users.create(req.body, principalOf(req), requestContext(req))),
    );

    app.patch(
      '/api/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a user’s role, name or disabled flag (disabling ends their sessions)',
          params: ZIdParams,
          body: ZUpdateUserRequest,
          response: { 200: ZUser, ...errors, 404: ZApiError, 422: ZApiError },
        },
        config: { access: ADMIN },
      },
      (req) => users.update(req.params.id, req.body, principalOf(req), requestContext(req)),
    );

    app.get(
      '/api/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'List API keys',
          querystring: ZPagination,
          response: { 200: ZPage(ZApiKey), ...errors },
        },
        config: { access: ADMIN },
      },
      (req) => apiKeys.list(req.query),
    );

    app.post(
      '/api/api-keys',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Create an API key (the key is returned once)',
          body: ZCreateApiKeyRequest,
          response: { 201: ZCreateApiKeyResponse, ...errors },
        },
        config: { access: ADMIN },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return reply.code(201).send(await apiKeys.create(req.body, principalOf(req), requestContext(req)));
      },
    );

    app.delete(
      '/api/api-keys/:id',
      {
        schema: {
          tags: ['api keys'],
          summary: 'Revoke an API key',
          params: ZIdParams,
          response: { 204: z.null(), ...errors, 404: ZApiError },
        },
        config: { access: ADMIN },
      },
      async (req, reply) => {
        await apiKeys.revoke(req.params.id, principalOf(req), requestContext(req));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/audit-log',
      {
        schema: {
          tags: ['audit'],
          summary: 'Audit log, newest first',
          querystring: ZAuditQuery,
          response: { 200: ZPage(ZAuditEntry), ...errors },
        },
        config: { access: ADMIN },
      },
      (req) => audit.list(req.query),
    );
  };
}
