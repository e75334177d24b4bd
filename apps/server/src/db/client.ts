/**
 * Database factory: PGlite (Postgres compiled to WASM) in DATA_DIR when no DATABASE_URL is set, a `pg` pool
 * otherwise. Both are exposed as the same Drizzle `Db` type, so every query runs unchanged on either.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: repositories accept either. */
export type DbOrTx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs the committed drizzle-kit migrations (idempotent; serialised across processes on Postgres). */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Postgres returns int8 (count(*), bigserial) as strings; numbers are what every caller wants and our
// values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// numeric → number (rates and averages with a handful of decimals).
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

/** Where the pool reports connection failures and recoveries (the runtime passes its dependency monitor). */
export type ConnectionReporter = { down(err: unknown, source?: string): void; up(source?: string): void };
const unreported: ConnectionReporter = { down() {}, up() {} };

export type DatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** Where connection errors and recoveries are reported (see platform/dependency-monitor.ts). */
      monitor?: ConnectionReporter;
    }
  | { kind: 'pglite'; dataDir: string | 'memory' };

/** Longest wait for a new connection: a server that accepts TCP but never answers fails the query, not hangs it. */
export const CONNECT_TIMEOUT_MS = 5_000;

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.kind === 'postgres') return createPostgres(opts.url, opts.poolSize ?? 10, opts.monitor);
  return createPglite(opts.dataDir);
}

async function createPostgres(url: string, poolSize: number, monitor = unreported): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  // A server restart (57P01 "terminating connection due to administrator command") errors idle clients (the
  // pool's 'error') and checked-out ones between queries (each client's 'error'): both must be listened to or
  // the process dies. The pool drops dead clients and opens new ones on demand, so the next query reconnects.
  pool.on('error', (err) => monitor.down(err, 'pool'));
  pool.on('connect', (client) => {
    client.on('error', (err) => monitor.down(err, 'pool'));
    monitor.up('pool');
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      const client = await pool.connect();
      try {
        // Several API/worker processes may start at once: one migrates, the others wait.
        await client.query('select pg_advisory_lock(727274)');
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock(727274)').catch(() => {});
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
        monitor.up();
      } catch (err) {
        monitor.down(err, 'ping');
        throw err;
      }
    },
    async close() {
      await pool.end();
    },
  };
}

async function createPglite(dataDir: string | 'memory'): Promise<Database> {
  let releaseLock = () => {};
  let client: PGlite;
  if (dataDir === 'memory') {
    client = new PGlite();
  } else {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireDirLock(dataDir);
    try {
      client = new PGlite(dataDir);
    } catch (err) {
      releaseLock();
      throw err;
    }
  }
  await client.waitReady;
  // PGlite returns int8 as bigint by default; match the pg pool's behaviour.
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite has no file lock of its own: two processes on one data directory would corrupt it. A lock file
 * holding our pid guards it; a lock left by a process that no longer exists is taken over.
 */
function acquireDirLock(dir: string): () => void {
  const lockPath = path.join(dir, '.tutorpulse.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(pid) && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The data directory ${dir} is in use by process ${pid}. Stop it first, or set DATA_DIR to another folder.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function pgliteExists(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}
