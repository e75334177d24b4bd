import { z } from 'zod';

/** Every error the API returns has this shape. */
export const ZApiError = z
  .object({
    error: z.string().describe('Human-readable message'),
    code: z.string().describe('Machine-readable code, e.g. VALIDATION_FAILED'),
    details: z.unknown().optional(),
  })
  .meta({ id: 'ApiError' });
export type TApiError = z.infer<typeof ZApiError>;

/** Error codes and the HTTP status each maps to. Server and client share this table. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  ACCOUNT_LOCKED: 429,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS | (string & {});

export const ZPagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ZIdParams = z.object({ id: z.uuid() });

export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

export const ZHealth = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    mode: z.enum(['embedded', 'scaled']),
    checks: z.object({
      database: z.object({
        ok: z.boolean(),
        kind: z.string(),
        latency_ms: z.number(),
        error: z.string().optional(),
      }),
      queue: z.object({
        ok: z.boolean(),
        kind: z.string(),
        latency_ms: z.number(),
        error: z.string().optional(),
      }),
    }),
    uptime_s: z.number(),
  })
  .meta({ id: 'Health' });
export type THealth = z.infer<typeof ZHealth>;
