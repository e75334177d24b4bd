/**
 * Access control for every route: each route declares `config.access` (public, or the roles allowed) and a
 * route under /api or /metrics without one fails at start-up (deny by default). On each request: authenticate
 * (Bearer JWT, API key, or the session cookie), answer 401/403, and require the CSRF token on
 * cookie-authenticated writes. Denials are logged and audited with who, what and when.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../platform/errors';
import type { AuditService } from './audit.service';
import type { AuthService } from './auth.service';
import { access, actorOf, type Access, type Principal, type RequestContext } from './principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every API route and who may call it: the authorization tests walk this table. */
    accessTable: Array<{ method: string; url: string; access: Access }>;
  }
}

export const SESSION_COOKIE = 'tp_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes added by plugins (docs) that are public by nature. */
const PUBLIC_PREFIXES = ['/api/docs', '/api/openapi.json'];

export function requestContext(req: FastifyRequest): RequestContext {
  return { ip: req.ip ?? null, requestId: req.id, userAgent: req.headers['user-agent'] ?? null };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  return req.principal;
}

async function authenticate(req: FastifyRequest, auth: AuthService): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() !== 'bearer' || !value) return null;
    return value.startsWith('tp_') ? auth.authenticateApiKey(value) : auth.authenticateToken(value, 'bearer');
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') return auth.authenticateApiKey(apiKey);
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (cookie) return auth.authenticateToken(cookie, 'cookie');
  return null;
}

export const accessControl = fp(
  async (app: FastifyInstance, opts: { auth: AuthService; audit: AuditService }) => {
    const { auth, audit } = opts;
    app.decorateRequest('principal', null);
    const table: Array<{ method: string; url: string; access: Access }> = [];
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
        if (method !== 'HEAD') table.push({ method, url, access: route.config.access });
      }
    });

    const deny = async (req: FastifyRequest, code: 'FORBIDDEN' | 'CSRF_FAILED', reason: string) => {
      const p = req.principal;
      req.log.warn(
        {
          who: p ? `${p.kind}:${p.id}` : 'anonymous',
          role: p?.role,
          what: `${req.method} ${req.routeOptions.url}`,
          reason,
        },
        'authorization denied',
      );
      await audit.record({
        actor: actorOf(p),
        action: 'authz.denied',
        outcome: 'denied',
        target: { type: 'route', id: `${req.method} ${req.routeOptions.url}` },
        details: { reason, role: p?.role ?? null },
        ctx: requestContext(req),
      });
      throw new AppError(
        code,
        code === 'CSRF_FAILED' ? 'Missing or invalid CSRF token' : 'You do not have permission to do this',
      );
    };

    app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
      const acc = req.routeOptions.config?.access;
      if (!acc) return;
      req.principal = await authenticate(req, auth);
      if ('public' in acc) return;
      if (!req.principal) throw new AppError('UNAUTHENTICATED', 'Authentication required');
      if (!acc.roles.includes(req.principal.role)) await deny(req, 'FORBIDDEN', 'role');
      if (req.principal.via === 'cookie' && !SAFE_METHODS.has(req.method)) {
        const presented = req.headers[CSRF_HEADER];
        if (
          !auth.checkCsrf(req.principal.sessionId!, typeof presented === 'string' ? presented : undefined)
        ) {
          await deny(req, 'CSRF_FAILED', 'csrf');
        }
      }
    });
  },
  { name: 'access-control', dependencies: ['@fastify/cookie'] },
);
