/**
 * "The database cannot be reached right now", told apart from every other database error: the connection was
 * refused, reset or timed out, the server is shutting down or restarting (57P01–57P03), it has no connection
 * slot left (53300), or the pool gave up waiting for one. Such a failure says nothing about the request, and the
 * same request will succeed once the database is back: callers answer 503 with `retry-after`, never 500.
 * Works on `pg` and PGlite errors, bare or wrapped (drizzle's `DrizzleQueryError` keeps the driver's error in
 * `cause`).
 */
import { sqlStateOf } from './db-errors';

/** Node's socket errors on the way to the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that cannot serve now: class 08 (connection exception) is matched by prefix. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (fast restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '53000', // insufficient_resources
]);

/** What `pg` says, without a code, when the connection went away under it or the pool timed out. */
const DRIVER_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /connection.*(?:closed|ended|lost)/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
];

const MAX_CAUSE_DEPTH = 5;

export function isDbUnavailableError(err: unknown): boolean {
  const sqlstate = sqlStateOf(err);
  if (sqlstate) return sqlstate.startsWith('08') || UNAVAILABLE_SQLSTATES.has(sqlstate);
  let e: unknown = err;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && e !== null && typeof e === 'object'; depth++) {
    const candidate = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return true;
    if (
      typeof candidate.message === 'string' &&
      DRIVER_MESSAGES.some((re) => re.test(candidate.message as string))
    )
      return true;
    // Node's happy-eyeballs connect gives an AggregateError of one error per address tried.
    if (Array.isArray(candidate.errors) && candidate.errors.some((x) => isDbUnavailableError(x))) return true;
    e = candidate.cause;
  }
  return false;
}
