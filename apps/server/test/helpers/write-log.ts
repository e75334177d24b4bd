/**
 * Test-only record of every row written, to prove that a refused request wrote nothing: a trigger on every table
 * appends (table, operation) to `test_write_log` in the writer's own transaction, so a write that was rolled
 * back leaves no trace and one that was committed always does. Reading the newest id is one index lookup,
 * cheap enough to do around each of thousands of requests. Works on PGlite and Postgres.
 *
 * Not counted, by design: the audit log and login attempts (refusals are recorded there on purpose: ASVS asks
 * for it) and the "last seen" stamps authentication refreshes (auth_sessions.last_seen_at,
 * api_keys.last_used_at), which any authenticated request may touch whatever it then asks.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';

export const UNCOUNTED_TABLES = ['audit_log', 'login_attempts'] as const;
/** Columns whose change alone is not counted, per table. */
export const UNCOUNTED_COLUMNS: Record<string, string[]> = {
  auth_sessions: ['last_seen_at'],
  api_keys: ['last_used_at'],
};

export type Write = { id: number; table: string; op: string };

export async function installWriteLog(db: Db): Promise<void> {
  await db.execute(sql`
    create table if not exists test_write_log (
      id bigserial primary key,
      table_name text not null,
      op text not null
    )`);
  await db.execute(
    sql.raw(`
    create or replace function test_log_write() returns trigger language plpgsql as $$
    declare
      ignored text[] := tg_argv;
    begin
      if tg_op = 'UPDATE' then
        if (to_jsonb(old) - ignored) = (to_jsonb(new) - ignored) then
          return null;
        end if;
      end if;
      insert into test_write_log (table_name, op) values (tg_table_name, tg_op);
      return null;
    end $$`),
  );
  const tables = await db.execute<{ name: string }>(sql`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'test_write_log'`);
  for (const { name } of rowsOf<{ name: string }>(tables)) {
    if ((UNCOUNTED_TABLES as readonly string[]).includes(name)) continue;
    const args = (UNCOUNTED_COLUMNS[name] ?? []).map((c) => `'${c}'`).join(', ');
    await db.execute(
      sql.raw(`create trigger test_write_log_row after insert or update or delete on "${name}"
        for each row execute function test_log_write(${args})`),
    );
    await db.execute(
      sql.raw(`create trigger test_write_log_truncate after truncate on "${name}"
        for each statement execute function test_log_write()`),
    );
  }
}

/** The id of the newest write committed so far (0 before any). */
export async function lastWriteId(db: Db): Promise<number> {
  const r = await db.execute<{ id: number }>(sql`select coalesce(max(id), 0)::int as id from test_write_log`);
  return Number(rowsOf<{ id: number }>(r)[0]?.id ?? 0);
}

/** The writes committed after `afterId`, grouped as `table op ×n`. */
export async function writesSince(db: Db, afterId: number): Promise<string[]> {
  const r = await db.execute<{ t: string; op: string; n: number }>(sql`
    select table_name as t, op, count(*)::int as n from test_write_log where id > ${afterId}
    group by table_name, op order by table_name, op`);
  return rowsOf<{ t: string; op: string; n: number }>(r).map((w) => `${w.t} ${w.op} ×${w.n}`);
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
