/**
 * Test infrastructure: a fresh database per test file (PGlite in memory, or a fresh database on the Postgres
 * of DATABASE_URL), and BullMQ + Redis pub/sub when REDIS_URL is set (unique prefix/channel per file). With
 * REQUIRE_SERVICES=1 a missing or unreachable service fails the suite instead of falling back.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readTestEnv } from '../../src/config/env';
import { createDatabase, type Database } from '../../src/db/client';

export const testEnv = readTestEnv();

export type TestDatabase = { database: Database; label: string; drop(): Promise<void> };

/** Creates and migrates a fresh database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testEnv.databaseUrl) {
    const adminUrl = new URL(testEnv.databaseUrl);
    const name = `${testEnv.namePrefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5_000 });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`DATABASE_URL is set but Postgres is unreachable: ${(err as Error).message}`);
    }
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
    await database.migrate();
    return {
      database,
      label: 'postgres',
      async drop() {
        // The runtime may have closed the pool already; the database must be dropped either way.
        await database.close().catch(() => {});
        const c = new pg.Client({ connectionString: adminUrl.toString() });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  if (testEnv.requireServices) throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL is not set');
  const database = await createDatabase({ kind: 'pglite', dataDir: 'memory' });
  await database.migrate();
  return { database, label: 'pglite', drop: () => database.close() };
}

export function uniqueSuffix(): string {
  return `${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
