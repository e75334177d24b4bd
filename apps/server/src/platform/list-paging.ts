/**
 * Keyset ("cursor") pagination and cheap totals for long lists.
 *
 * A list declares its sorts as keysets: expressions in one direction ending with a unique column (the id), so
 * the order is total and stable. A page asks for `limit + 1` rows after the cursor with a row comparison
 * `(k1, …, id) > ($1, …, $n)` that a matching btree index turns into one index range read: the first page and
 * the thousandth cost the same. The cursor is base64url JSON of the last row's key (read back from the
 * database as text, so timestamps keep their microseconds), the sort's name and a hash of the filters; a
 * cursor that does not decode, names another sort or other filters is refused with a 400 naming `cursor`.
 *
 * Totals: `count(*)` over every matching row grows with history, so the count stops at
 * LIST_EXACT_COUNT_LIMIT rows; past that the total is the planner's estimate (never below what was counted),
 * cached per list and filters for LIST_COUNT_CACHE_SECONDS in the read cache (Redis in scaled mode, so every
 * API process reuses one estimate; memory in embedded mode), and flagged `total_is_estimate`.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { createMemoryCacheStore } from './cache/memory-store';
import { createReadCache, type ReadCache } from './cache/read-cache';
import { AppError } from './errors';

export type KeyType = 'timestamptz' | 'int' | 'uuid';

export type KeysetSort = {
  /** The `sort` value clients send; a cursor only continues the sort it was issued for. */
  name: string;
  /** Every key runs in this direction (a row comparison needs one), the last one unique. */
  dir: 'asc' | 'desc';
  keys: ReadonlyArray<{ expr: SQLWrapper; type: KeyType }>;
};

type CursorBody = { v: 1; s: string; f: string; k: string[] };

const CURSOR_VERSION = 1;
const TIMESTAMP_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/;
const INT_KEY = /^-?\d{1,9}$/;
const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function badCursor(message: string, path = 'querystring.cursor'): AppError {
  return new AppError('VALIDATION_FAILED', `${path}: ${message}`, [{ path, message }]);
}

/** A short, stable fingerprint of the filters a cursor was issued under (key order does not matter). */
export function filtersFingerprint(filters: Record<string, unknown>): string {
  const canonical = Object.keys(filters)
    .filter((k) => filters[k] !== undefined && filters[k] !== null)
    .sort()
    .map((k) => [k, filters[k]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 12);
}

function isValidKey(type: KeyType, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (type === 'int') return INT_KEY.test(value);
  if (type === 'uuid') return UUID_KEY.test(value);
  const m = TIMESTAMP_KEY.exec(value);
  if (!m) return false;
  // Reject impossible dates (2025-02-30) here: the database would refuse the cast with a 500-class error.
  const ms = Date.parse(`${m[1]}Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === m[1];
}

export function encodeCursor(sort: KeysetSort, fingerprint: string, key: string[]): string {
  const body: CursorBody = { v: CURSOR_VERSION, s: sort.name, f: fingerprint, k: key };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * The key a cursor continues after, or null without a cursor. Throws a 400 (VALIDATION_FAILED, details naming
 * the field) for a cursor that does not decode, was issued for another sort or other filters, or comes with
 * an offset.
 */
export function decodeCursor(
  raw: string | undefined,
  expect: { sort: KeysetSort; fingerprint: string; offset: number },
): string[] | null {
  if (raw === undefined) return null;
  if (expect.offset > 0) throw badCursor('cannot be combined with cursor; drop offset', 'querystring.offset');
  let body: unknown;
  try {
    const text = Buffer.from(raw, 'base64url').toString('utf8');
    body = JSON.parse(text);
  } catch {
    throw badCursor('is not a cursor issued by this list (malformed)');
  }
  const b = body as Partial<CursorBody> | null;
  if (
    !b ||
    typeof b !== 'object' ||
    b.v !== CURSOR_VERSION ||
    typeof b.s !== 'string' ||
    typeof b.f !== 'string'
  ) {
    throw badCursor('is not a cursor issued by this list (malformed)');
  }
  if (b.s !== expect.sort.name) {
    throw badCursor(`was issued for sort=${b.s.slice(0, 40)}; it cannot continue sort=${expect.sort.name}`);
  }
  if (b.f !== expect.fingerprint) {
    throw badCursor('was issued for different filters; start again without a cursor');
  }
  const keys = expect.sort.keys;
  if (
    !Array.isArray(b.k) ||
    b.k.length !== keys.length ||
    !keys.every((k, i) => isValidKey(k.type, b.k![i]))
  ) {
    throw badCursor('is not a cursor issued by this list (bad key)');
  }
  return b.k;
}

/** ORDER BY for a sort. */
export function keysetOrder(sort: KeysetSort): SQL[] {
  const dir = sql.raw(sort.dir);
  return sort.keys.map((k) => sql`${k.expr} ${dir}`);
}

/** The rows after `key` in the sort: one row comparison, which a btree index on the same keys serves. */
export function keysetAfter(sort: KeysetSort, key: string[]): SQL {
  const left = sql.join(
    sort.keys.map((k) => sql`${k.expr}`),
    sql`, `,
  );
  const right = sql.join(
    sort.keys.map((k, i) => sql`${key[i]}::${sql.raw(k.type)}`),
    sql`, `,
  );
  return sort.dir === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** The sort key as text, to select beside each row (timestamps in UTC with microseconds). */
export function keysetKeyText(sort: KeysetSort): SQL<string[]> {
  const parts = sort.keys.map((k) =>
    k.type === 'timestamptz'
      ? sql`to_char(${k.expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
      : sql`(${k.expr})::text`,
  );
  return sql<string[]>`array[${sql.join(parts, sql`, `)}]`;
}

/** Splits the `limit + 1` rows a page query read into the page and the cursor of the next page. */
export function takePage<T>(
  rows: T[],
  limit: number,
  sort: KeysetSort,
  fingerprint: string,
  keyOf: (row: T) => string[],
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(sort, fingerprint, keyOf(page[page.length - 1]!)) };
}

// ---------------------------------------------------------------------------------------------------------
// Totals

export type ListTotal = { total: number; isEstimate: boolean };

export type ListTotals = {
  /**
   * The number of rows `matching` returns (a `select … from … where …` without order or limit): counted up to
   * the exact-count limit, else estimated by the planner. `cacheKey` names the list and its filters.
   */
  count(db: DbOrTx, cacheKey: string, matching: SQLWrapper): Promise<ListTotal>;
};

/** The defaults of LIST_EXACT_COUNT_LIMIT and LIST_COUNT_CACHE_SECONDS, for services built without config. */
export const DEFAULT_LIST_TOTALS = (clock: { now(): Date }) => ({
  exactCountLimit: 10_000,
  cacheSeconds: 10,
  now: () => clock.now().getTime(),
});

/** Where estimated totals are kept: the read cache (Redis in scaled mode, shared by every API process). */
export type TotalsCache = Pick<ReadCache, 'getOrCompute'>;

export function createListTotals(opts: {
  exactCountLimit: number;
  cacheSeconds: number;
  now: () => number;
  /** Default: a cache of this process's own (tests, services built without a runtime). */
  cache?: TotalsCache;
}): ListTotals {
  const cache =
    opts.cache ??
    createReadCache({
      store: createMemoryCacheStore({ clock: { now: () => new Date(opts.now()) }, maxEntries: 2_000 }),
      ttlMs: opts.cacheSeconds * 1000,
    });

  async function compute(db: DbOrTx, matching: SQLWrapper): Promise<ListTotal> {
    const cap = opts.exactCountLimit;
    const counted = await db.execute(
      sql`select count(*)::int as n from (${matching} limit ${cap + 1}) as matching`,
    );
    const n = Number((counted as { rows: Array<{ n: number | string }> }).rows[0]?.n ?? 0);
    if (n <= cap) return { total: n, isEstimate: false };
    const explained = await db.execute(sql`explain (format json) ${matching}`);
    return { total: Math.max(planRows(explained), n), isEstimate: true };
  }

  return {
    async count(db, cacheKey, matching) {
      if (opts.cacheSeconds <= 0) return compute(db, matching);
      // Only estimates are kept (an exact count under the limit is cheap and must not lag behind inserts);
      // concurrent requests for the same list in a process share one count either way (single flight).
      // Keyed by the period of the injected clock as well: every process reuses the same estimate for at most
      // LIST_COUNT_CACHE_SECONDS, and the store's expiry only reclaims space.
      const ttlMs = opts.cacheSeconds * 1000;
      const period = Math.floor(opts.now() / ttlMs);
      return cache.getOrCompute(
        `list-total:${cacheKey}:${period}`,
        {
          tags: [],
          ttlMs,
          cacheIf: (v) => (v as ListTotal).isEstimate,
        },
        () => compute(db, matching),
      );
    },
  };
}

/** `Plan Rows` of the top node of an `explain (format json)` result (pg parses the json; PGlite may not). */
function planRows(result: unknown): number {
  const row = (result as { rows: Array<Record<string, unknown>> }).rows[0] ?? {};
  let plan = row['QUERY PLAN'] ?? Object.values(row)[0];
  if (typeof plan === 'string') plan = JSON.parse(plan);
  const top = (plan as Array<{ Plan?: { 'Plan Rows'?: number } }>)[0]?.Plan?.['Plan Rows'];
  return typeof top === 'number' && Number.isFinite(top) ? Math.round(top) : 0;
}
