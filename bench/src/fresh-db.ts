/** A fresh database on a Postgres server for one bench (or one bench phase), dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function withFreshDatabase<T>(url: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `tp_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  try {
    return await fn(fresh.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
