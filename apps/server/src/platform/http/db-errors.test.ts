import { describe, expect, it } from 'vitest';
import { classifyDbError, sqlStateOf } from './db-errors';

/** The shape both drivers give a server error: the SQLSTATE in `code`, with the server's severity beside it. */
const pgError = (code: string) => Object.assign(new Error('refused'), { code, severity: 'ERROR' });
/** drizzle's DrizzleQueryError keeps the driver's error in `cause`. */
const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: …'), { cause });

describe('classifyDbError', () => {
  it.each([
    { code: '22021', status: 400, what: 'NUL in text' },
    { code: '22P05', status: 400, what: 'NUL in jsonb' },
    { code: '22P02', status: 400, what: 'malformed uuid, integer or json' },
    { code: '22001', status: 400, what: 'string too long' },
    { code: '22003', status: 400, what: 'number out of range' },
    { code: '22007', status: 400, what: 'bad datetime format' },
    { code: '22008', status: 400, what: 'datetime out of range' },
    { code: '22009', status: 400, what: 'bad time zone (year 10000)' },
    { code: '23505', status: 409, what: 'unique violation' },
    { code: '23503', status: 409, what: 'foreign key violation' },
  ])('$code ($what) → $status, bare or wrapped by drizzle', ({ code, status }) => {
    expect(classifyDbError(pgError(code))).toMatchObject({ status, sqlstate: code });
    expect(classifyDbError(wrapped(pgError(code)))).toMatchObject({ status, sqlstate: code });
    expect(classifyDbError(wrapped(wrapped(pgError(code))))?.status).toBe(status);
  });

  it.each([
    { what: 'a syntax error in our SQL', err: pgError('42601') },
    { what: 'a NOT NULL the server should have filled', err: pgError('23502') },
    { what: 'division by zero in a computation', err: pgError('22012') },
    { what: 'a lost connection', err: pgError('08006') },
    {
      what: "Node's EPIPE (no severity: not from the server)",
      err: Object.assign(new Error('x'), { code: 'EPIPE' }),
    },
    { what: 'a plain error', err: new Error('boom') },
    { what: 'not an error at all', err: 'boom' },
    { what: 'null', err: null },
  ])('leaves $what to the 500 path', ({ err }) => {
    expect(classifyDbError(err)).toBeNull();
  });

  it('stops following causes after a few levels (a cycle cannot hang it)', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(sqlStateOf(a)).toBeUndefined();
  });
});
