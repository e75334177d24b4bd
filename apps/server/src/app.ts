/**
 * buildApp(runtime): the one composition root of the HTTP API. No listen() here, so tests use `app.inject`.
 * Security headers, rate limits, one error shape, response compression, OpenAPI from the same zod schemas
 * that validate, and the built web app served from the same origin (platform/http/web-app.ts).
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { createAccessPorts, identityRoutes } from './modules/identity/index';
import { sessionsRoutes } from './modules/sessions/index';
import {
  analyticsRoutes,
  flagsRoutes,
  interventionsRoutes,
  reportsRoutes,
  sessionDetailRoutes,
  tutorsRoutes,
} from './modules/quality/index';
import {
  alertsRoutes,
  customersRoutes,
  forecastsRoutes,
  operationsIngestRoutes,
} from './modules/operations/index';
import { companionLearningRoutes, engagementRoutes } from './modules/companion/index';
import { aiUsageRoutes } from './platform/ai/usage.routes';
import { accessControl } from './platform/auth/access.plugin';
import { AppError } from './platform/errors';
import { isDatabaseUnavailable, isRedisUnavailable } from './platform/dependency-monitor';
import { eventsRoutes } from './platform/events/events.routes';
import { responseCompression } from './platform/http/compression';
import { classifyDbError } from './platform/http/db-errors';
import { healthRoutes } from './platform/http/health.routes';
import { deadLetterRoutes } from './platform/queue/dead-letters.routes';
import { rateLimits } from './platform/http/rate-limits';
import { findWebDist, webApp } from './platform/http/web-app';
import type { Runtime } from './runtime';
import { createServices, type ServiceOverrides, type Services } from './services';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** `retry-after` of a 503 answered because Postgres or Redis is away (a restart takes seconds). */
export const DEPENDENCY_RETRY_AFTER_S = 5;

export type BuildAppOptions = {
  /** Built web app to serve at `/` (defaults to apps/web/dist when it exists). `false` serves none. */
  webDist?: string | false;
  /** SSE heartbeat interval (tests shorten it). */
  sseHeartbeatMs?: number;
  loginRateLimitPerMinute?: number;
} & ServiceOverrides;

type ValidationIssue = { path: string; message: string };

function validationDetails(err: FastifyError): ValidationIssue[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const params = v.params as { keys?: string[] } | undefined;
    const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    // Unknown fields: name them (zod reports them on the parent object).
    if (v.keyword === 'unrecognized_keys' && params?.keys?.length) {
      return { path: `${where}.${params.keys.join(',')}`, message: v.message ?? 'Unknown field' };
    }
    return { path: field ? `${where}.${field}` : where, message: v.message ?? 'Invalid value' };
  });
}

/**
 * One log line per request, when it completes (method, URL, client, status, time), instead of Fastify's two
 * ("incoming request" carries nothing the completion line cannot): half the logging work on a busy webhook
 * endpoint, and one line to read per request. Errors keep their own lines.
 */
class OneLineRequestLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply) {
    // Fastify's serializers turn these into {method, url, host, remoteAddress, remotePort} and {statusCode}.
    const line = { req, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export async function buildApp(rt: Runtime, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: rt.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: rt.config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,128}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    logController: new OneLineRequestLog(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const services = createServices(rt, {
    ...(opts.masteryReader ? { masteryReader: opts.masteryReader } : {}),
  });
  app.decorate('services', services);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    rt.metrics.httpDuration.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  // Personal data must not sit in shared caches.
  app.addHook('onSend', async (req, reply, payload) => {
    if (
      req.url.startsWith('/api/') &&
      !req.url.startsWith('/api/docs') &&
      !reply.hasHeader('cache-control')
    ) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = validationDetails(err);
      return reply.code(400).send({
        error: `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
        code: 'VALIDATION_FAILED',
        details,
      });
    }
    if (err instanceof AppError) {
      if (err.code === 'ACCOUNT_LOCKED' || err.code === 'RATE_LIMITED') {
        const retry = (err.details as { retry_after_s?: number } | undefined)?.retry_after_s;
        if (retry) reply.header('retry-after', String(retry));
      }
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      return reply.code(err.status).send({
        error: err.message,
        code: String(err.code),
        ...(err.details !== undefined ? { details: err.details } : {}),
      });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      return reply.code(500).send({ error: 'Internal server error', code: 'INTERNAL' });
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send({ error: `Malformed JSON body: ${err.message}`, code: 'INVALID_JSON' });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .code(413)
          .send({ error: `Body larger than ${BODY_LIMIT_BYTES} bytes`, code: 'PAYLOAD_TOO_LARGE' });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({ error: 'Send application/json', code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    if (err.statusCode === 429) {
      return reply.code(429).send({ error: 'Too many requests, slow down', code: 'RATE_LIMITED' });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message, code: err.code ?? 'BAD_REQUEST' });
    }
    // Data the database refused (NUL, out-of-range dates, duplicates): the client's fault, so a 4xx, never a 500.
    const refused = classifyDbError(err);
    if (refused) {
      req.log.warn({ err, sqlstate: refused.sqlstate }, 'database refused the request’s data');
      return reply.code(refused.status).send({ error: refused.message, code: refused.code });
    }
    // A dependency that is away (Postgres restarting, Redis down) is a retryable 503, never a 500: the client
    // tries again later and it works, with no one having to do anything.
    const unavailable = isDatabaseUnavailable(err) ? 'database' : isRedisUnavailable(err) ? 'queue' : null;
    if (unavailable) {
      if (unavailable === 'database') rt.monitor.get('postgres')?.down(err, 'request');
      req.log.warn({ err: err.message, dependency: unavailable }, 'dependency unavailable: answered 503');
      return reply
        .code(503)
        .header('retry-after', String(DEPENDENCY_RETRY_AFTER_S))
        .send({
          error: `The ${unavailable} is temporarily unavailable; retry in a few seconds`,
          code: 'SERVICE_UNAVAILABLE',
        });
    }
    // Never leak internals (stack, SQL) on 5xx.
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'Internal server error', code: 'INTERNAL' });
  });

  // Security headers on every response. helmet's middleware is built once here: @fastify/helmet rebuilds it
  // (parsing the CSP directives) on every request, a measurable share of a busy webhook endpoint's CPU.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // HSTS only means something over HTTPS; helmet sends it regardless, so leave it to the TLS terminator.
    hsts: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (req, reply, done) => {
    securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
  // Before any route: brotli/gzip for JSON and other built-at-request-time bodies (never the SSE stream).
  await app.register(responseCompression);
  await app.register(fastifyCookie);
  await app.register(accessControl, createAccessPorts({ auth: services.auth, audit: services.audit }));
  await app.register(rateLimits, {
    ...rt.config.rateLimit,
    redisUrl: rt.config.redisUrl,
    redisPrefix: rt.config.redisPrefix,
    ...(rt.monitor.get('redis') ? { dependency: rt.monitor.get('redis') } : {}),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tutorpulse API',
        version: rt.config.version,
        description:
          'Tutoring-marketplace intelligence. Authenticate with the session cookie from `POST /api/auth/login` ' +
          '(browser; send `x-csrf-token` on writes), `Authorization: Bearer <token>` or an API key ' +
          '(`Authorization: Bearer tp_…` or `x-api-key`). Errors: `{error, code, details?}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'tp_session' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    healthRoutes({
      version: rt.config.version,
      mode: rt.config.mode,
      database: rt.database,
      queue: rt.queue,
      metrics: rt.metrics,
    }),
  );
  await app.register(
    identityRoutes({
      auth: services.auth,
      users: services.users,
      apiKeys: services.apiKeys,
      audit: services.audit,
      loginRateLimitPerMinute: opts.loginRateLimitPerMinute ?? 20,
      registerRateLimitPerHour: rt.config.registerRateLimitPerHour,
    }),
  );
  await app.register(
    sessionsRoutes({ sessions: services.sessions, webhookSecret: rt.config.webhookSecret, clock: rt.clock }),
  );
  await app.register(flagsRoutes({ flags: services.flags }));
  await app.register(interventionsRoutes({ interventions: services.interventions }));
  await app.register(reportsRoutes({ reports: services.reports }));
  await app.register(tutorsRoutes({ tutors: services.tutors }));
  await app.register(sessionDetailRoutes({ sessionDetail: services.sessionDetail }));
  await app.register(analyticsRoutes({ analytics: services.analytics, tier3: services.tier3 }));
  await app.register(forecastsRoutes({ forecasts: services.forecasts }));
  await app.register(
    alertsRoutes({
      alerts: services.operations.alerts,
      recommendations: services.operations.recommendations,
      metrics: services.operations.metrics,
    }),
  );
  await app.register(
    companionLearningRoutes({
      transcripts: services.companion.transcripts,
      progress: services.companion.progress,
      practice: services.companion.practice,
    }),
  );
  await app.register(aiUsageRoutes({ usage: services.aiUsage }));
  await app.register(deadLetterRoutes({ deadLetters: services.deadLetters }));
  await app.register(engagementRoutes(services.engagement));
  await app.register(
    operationsIngestRoutes({
      ingest: services.ingest,
      webhookSecret: rt.config.webhookSecret,
      clock: rt.clock,
    }),
  );
  await app.register(
    customersRoutes({ customers: services.customers, churn: services.churn, audit: services.audit }),
  );
  await app.register(
    eventsRoutes({
      events: services.events,
      metrics: rt.metrics,
      heartbeatMs: opts.sseHeartbeatMs ?? 15_000,
    }),
  );

  // Last: the web app's files, and the answer to every URL no route matched.
  await app.register(webApp, { root: opts.webDist ?? findWebDist() });

  return app;
}
