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

// ---------------------------------------------------------------------------------------------------------
// Request building blocks. Every string a request carries (body, query string, path, headers) is built from
// these, so it is checked once, the same way, before it reaches a service or the database: a test walks every
// route's request schemas and fails on a string without STORABLE_TEXT (apps/server/test/request-schemas.test.ts).

/** NUL (Postgres text cannot hold it) or a lone UTF-16 surrogate (UTF-8 cannot encode it). */
const UNSTORABLE_CHARACTER = /[\0\p{Cs}]/u;

/**
 * The one check every request string carries: no NUL character and no unpaired surrogate. Without it the first
 * fails in the database (a 500) and the second is silently stored as U+FFFD. Compared by identity, so keep
 * using this instance (through the blocks below) rather than an equivalent refinement.
 */
export const STORABLE_TEXT = z.refine<string>((s) => !UNSTORABLE_CHARACTER.test(s), {
  message: 'must not contain NUL (\\u0000) or unpaired surrogate characters',
});

/** Any text from a client: chain `.min()`, `.max()`, `.trim()`, `.regex()` as with `z.string()`. */
export const ZText = z.string().check(STORABLE_TEXT);
export const ZUuid = z.uuid().check(STORABLE_TEXT);
export const ZEmailAddress = z.email().check(STORABLE_TEXT);
export const ZHttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .check(STORABLE_TEXT);

/**
 * Instants a request may carry: years 1000 to 8999 (UTC). Postgres and JavaScript both hold far more, but code
 * adds days and years to what it is sent (an end-of-day filter, a window after a date), and the result must
 * still be storable; no date this application deals with is near either end.
 */
const MIN_INSTANT_MS = Date.parse('1000-01-01T00:00:00Z');
const MAX_INSTANT_MS = Date.parse('9000-01-01T00:00:00Z');
const STORABLE_INSTANT = z.refine<string>(
  (s) => {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms < MAX_INSTANT_MS;
  },
  { message: 'must be between the years 1000 and 8999' },
);

/** An instant, ISO 8601 with an offset (`2025-03-04T22:00:00Z`, `…+01:00`): a bare local time is ambiguous. */
export const ZInstant = z.iso.datetime({ offset: true }).check(STORABLE_TEXT, STORABLE_INSTANT);
/** A calendar day, `2025-03-04`. */
export const ZCalendarDate = z.iso.date().check(STORABLE_TEXT, STORABLE_INSTANT);
/** `2025-03-04` (a whole UTC day) or `2025-03-04T22:00:00Z` (an instant, offset required): for filters. */
export const ZDateOrInstant = z.union([ZCalendarDate, ZInstant]);

export const ZPagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Keyset ("cursor") pagination for long lists: `cursor` is the `next_cursor` of the previous page, opaque to
 * clients. It continues the same sort and filters; `offset` stays accepted (deprecated: its cost grows with
 * the offset) but cannot be combined with a cursor.
 */
export const ZCursorPagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Deprecated for deep pages (its cost grows with the offset): follow `next_cursor` instead'),
  cursor: ZText.min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor value from a previous page')
    .optional()
    .describe('The `next_cursor` of the previous page (same sort and filters); not with `offset`'),
});

/** A page of a cursor-paginated list. */
export function ZCursorPage<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    total: z
      .number()
      .int()
      .describe('Rows matching the filters: exact, or an estimate when `total_is_estimate` is true'),
    total_is_estimate: z
      .boolean()
      .describe('True when `total` is the planner estimate (past LIST_EXACT_COUNT_LIMIT rows)'),
    limit: z.number().int(),
    offset: z.number().int(),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}

export const ZIdParams = z.object({ id: ZUuid });

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
    /** The dependencies that did not answer (present only when status is degraded). */
    down: z.array(z.enum(['database', 'queue'])).optional(),
  })
  .meta({ id: 'Health' });
export type THealth = z.infer<typeof ZHealth>;
