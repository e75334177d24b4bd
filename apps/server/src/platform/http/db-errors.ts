/**
 * Database errors a client's data can cause, told apart from the ones that are our bugs. Contracts are the first
 * line (they reject NUL, lone surrogates, impossible dates, over-long strings); this is the second, so that data a
 * contract let through is still answered with a 4xx naming the problem, never with a 500. Only SQLSTATEs that a
 * value sent by the client explains are listed: an error in the SQL itself, a constraint the server should have
 * checked first (NOT NULL, CHECK), a lost connection, stay 5xx. Works on `pg` and PGlite errors, bare or wrapped
 * by drizzle (`DrizzleQueryError` keeps the driver's error in `cause`).
 */

export type ClientDataError = {
  status: 400 | 409;
  code: 'VALIDATION_FAILED' | 'CONFLICT';
  message: string;
  /** The Postgres SQLSTATE behind it, for logs. */
  sqlstate: string;
};

type Rule = { status: 400 | 409; code: ClientDataError['code']; message: string };

const TEXT = 'A text value contains characters that cannot be stored (NUL or invalid Unicode)';
const TIME = 'A date or time is out of the range that can be stored';

/** SQLSTATE → answer. https://www.postgresql.org/docs/current/errcodes-appendix.html */
const CLIENT_DATA_ERRORS: Record<string, Rule> = {
  '22001': { status: 400, code: 'VALIDATION_FAILED', message: 'A value is longer than can be stored' },
  '22003': {
    status: 400,
    code: 'VALIDATION_FAILED',
    message: 'A number is out of the range that can be stored',
  },
  '22007': { status: 400, code: 'VALIDATION_FAILED', message: TIME },
  '22008': { status: 400, code: 'VALIDATION_FAILED', message: TIME },
  '22009': { status: 400, code: 'VALIDATION_FAILED', message: TIME },
  '22021': { status: 400, code: 'VALIDATION_FAILED', message: TEXT },
  '22P05': { status: 400, code: 'VALIDATION_FAILED', message: TEXT },
  '22P02': { status: 400, code: 'VALIDATION_FAILED', message: 'A value is not in the format expected' },
  '22025': { status: 400, code: 'VALIDATION_FAILED', message: 'A search pattern has an invalid escape' },
  '2201B': { status: 400, code: 'VALIDATION_FAILED', message: 'A search pattern is not a valid expression' },
  '23505': { status: 409, code: 'CONFLICT', message: 'This conflicts with an existing record' },
  '23503': {
    status: 409,
    code: 'CONFLICT',
    message: 'This refers to a record that does not exist, or one that others still refer to',
  },
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_CAUSE_DEPTH = 5;

/** The SQLSTATE of a Postgres error, looking through wrappers' `cause`; undefined for anything else. */
export function sqlStateOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && e !== null && typeof e === 'object'; depth++) {
    const candidate = e as { code?: unknown; severity?: unknown; cause?: unknown };
    // Both drivers' errors carry the server's severity next to the code; Node's system errors (EPIPE…) do not.
    if (
      typeof candidate.code === 'string' &&
      SQLSTATE.test(candidate.code) &&
      typeof candidate.severity === 'string'
    ) {
      return candidate.code;
    }
    e = candidate.cause;
  }
  return undefined;
}

/** The 4xx a database error stands for when the client's data caused it; null when it is a server fault. */
export function classifyDbError(err: unknown): ClientDataError | null {
  const sqlstate = sqlStateOf(err);
  const rule = sqlstate ? CLIENT_DATA_ERRORS[sqlstate] : undefined;
  return rule && sqlstate ? { ...rule, sqlstate } : null;
}
