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

export type DatabaseOptions =
  { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dataDir: string | 'memory' };

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.kind === 'postgres') return createPostgres(opts.url, opts.poolSize ?? 10);
  return createPglite(opts.dataDir);
}

async function createPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
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
      await db.execute(sql`select 1`);
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
