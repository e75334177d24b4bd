/**
 * Access control for every route: each route declares `config.access` (public, or the roles allowed) and a
 * route under /api or /metrics without one fails at start-up (deny by default). On each request: authenticate
 * through the `authenticate` port (the identity module implements it: Bearer JWTs, API keys, session cookies),
 * answer 401/403, and require the CSRF token on cookie-authenticated writes. Denials are logged and handed to
 * the `onDenied` hook (the identity module's audit log) with who, what and when.
 *
 * The platform knows the HTTP side (headers, cookie, CSRF header, route table); what a token or a key means is
 * the identity module's business, so nothing here imports a module.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import type { TRole } from '@tutorpulse/contracts/identity';
import { AppError } from '../errors';
import { access, actorOf, type Access, type Actor, type Principal, type RequestContext } from './principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /**
     * Every API route, who may call it and the schemas of what it accepts: the authorization tests, the request
     * schema checks and the fuzz suite walk this table, so a new route is covered the day it is added.
     */
    accessTable: AccessTableEntry[];
  }
}

export type AccessTableEntry = {
  method: string;
  url: string;
  access: Access;
  schema: FastifySchema | undefined;
};

export const SESSION_COOKIE = 'tp_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes added by plugins (docs) that are public by nature. */
const PUBLIC_PREFIXES = ['/api/docs', '/api/openapi.json'];

/** What a request presents, as the access plugin found it; the authenticator decides what it is worth. */
export type Credentials =
  { kind: 'bearer'; value: string } | { kind: 'api_key'; value: string } | { kind: 'cookie'; value: string };

/** A refused request, for the audit log. */
export type AccessDenial = {
  actor: Actor;
  role: TRole | null;
  /** `METHOD /route/:pattern` */
  route: string;
  reason: 'role' | 'csrf';
  ctx: RequestContext;
};

/** The ports the plugin needs; the identity module implements them. */
export type AccessPorts = {
  /** The principal behind the credentials, or null (unknown, expired, revoked, disabled). */
  authenticate(credentials: Credentials): Promise<Principal | null>;
  /** Whether the CSRF token presented matches the login session's. */
  checkCsrf(sessionId: string, presented: string | undefined): boolean;
  /** Records a denial (must not throw for the request to get its 403). */
  onDenied(denial: AccessDenial): Promise<void>;
};

export function requestContext(req: FastifyRequest): RequestContext {
  return { ip: req.ip ?? null, requestId: req.id, userAgent: req.headers['user-agent'] ?? null };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  return req.principal;
}

/**
 * The credentials a request carries, in order of precedence: the Authorization header (a malformed one counts
 * as none: no falling through to the cookie), then `x-api-key`, then the session cookie.
 */
export function credentialsOf(req: FastifyRequest): Credentials | null {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() !== 'bearer' || !value) return null;
    return { kind: 'bearer', value };
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') return { kind: 'api_key', value: apiKey };
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) return { kind: 'cookie', value: cookie };
  return null;
}

export const accessControl = fp(
  async (app: FastifyInstance, ports: AccessPorts) => {
    app.decorateRequest('principal', null);
    const table: AccessTableEntry[] = [];
    app.decorate('accessTable', table);

    app.addHook('onRoute', (route) => {
      const url = route.url;
      if (!url.startsWith('/api') && url !== '/metrics') return;
      if (PUBLIC_PREFIXES.some((p) => url.startsWith(p))) {
        route.config = { ...(route.config ?? {}), access: access.public };
        return;
      }
      if (!route.config?.access) {
        throw new Error(
          `Route ${String(route.method)} ${url} declares no access (config.access): deny by default`,
        );
      }
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') table.push({ method, url, access: route.config.access, schema: route.schema });
      }
    });

    const deny = async (req: FastifyRequest, code: 'FORBIDDEN' | 'CSRF_FAILED', reason: 'role' | 'csrf') => {
      const p = req.principal;
      const route = `${req.method} ${req.routeOptions.url}`;
      req.log.warn(
        { who: p ? `${p.kind}:${p.id}` : 'anonymous', role: p?.role, what: route, reason },
        'authorization denied',
      );
      await ports.onDenied({
        actor: actorOf(p),
        role: p?.role ?? null,
        route,
        reason,
        ctx: requestContext(req),
      });
      throw new AppError(
        code,
        code === 'CSRF_FAILED' ? 'Missing or invalid CSRF token' : 'You do not have permission to do this',
      );
    };

    // Who is calling is known from `onRequest` on (the rate limits count per principal in a route-level
    // onRequest hook, which runs after this one); what they may do is enforced in `preParsing`, still before
    // any body is read, so a refused request is counted by the limits too.
    app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
      if (!req.routeOptions.config?.access) return;
      const credentials = credentialsOf(req);
      req.principal = credentials ? await ports.authenticate(credentials) : null;
    });
    app.addHook('preParsing', async (req: FastifyRequest, _reply: FastifyReply) => {
      const acc = req.routeOptions.config?.access;
      if (!acc || 'public' in acc) return;
      if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Authentication required');
      if (!acc.roles.includes(req.principal.role)) await deny(req, 'FORBIDDEN', 'role');
      if (req.principal.via === 'cookie' && !SAFE_METHODS.has(req.method)) {
        const presented = req.headers[CSRF_HEADER];
        if (
          !ports.checkCsrf(req.principal.sessionId!, typeof presented === 'string' ? presented : undefined)
        ) {
          await deny(req, 'CSRF_FAILED', 'csrf');
        }
      }
    });
  },
  { name: 'access-control', dependencies: ['@fastify/cookie'] },
);
