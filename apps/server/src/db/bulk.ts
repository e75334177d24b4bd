/**
 * Multi-row writes as one statement with one array parameter per column:
 *
 *   insert into t (a, b) select a::int, b::timestamptz from unnest($1::text[], $2::text[]) as u(a, b)
 *
 * Drizzle's `insert().values(rows)` builds one parameter per cell, and building that SQL costs more CPU than
 * the database spends running it once rows × columns reach the thousands (a group of 200 sessions is ~8,000
 * cells). Here the statement has as many parameters as columns whatever the row count, so it is built once
 * per call in microseconds, and Postgres parses one short statement. Same SQL on `pg` and PGlite.
 *
 * Values travel as text and are cast to each column's SQL type, so a value must be what that type accepts as
 * text: Dates become ISO timestamps, arrays Postgres array literals, other objects JSON (jsonb columns).
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';

type Row<T extends PgTable> = { [K in keyof T['$inferInsert']]?: T['$inferInsert'][K] | null };

/** Postgres array literal: `{"a","b \"c\"",NULL}`. */
export function pgArrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return pgArrayLiteral(item);
    const text = item instanceof Date ? item.toISOString() : String(item);
    return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  });
  return `{${parts.join(',')}}`;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('bulk insert: invalid Date');
    return value.toISOString();
  }
  if (Array.isArray(value)) return pgArrayLiteral(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export type BulkInsert = {
  /** `"t" ("a", "b") select … from unnest(…)`: follow `insert into` with it, then any `on conflict`. */
  sql: SQL;
  /** Quoted column names by property key, for `on conflict … set` clauses. */
  column(key: string): SQL;
};

/**
 * The table, column list and `select … from unnest(…)` of an insert of `rows`. Every row must give every
 * column any row gives: a missing (undefined) one throws, because in a drizzle insert it would mean "use
 * the column's default" and one statement cannot do that for some rows only. Use null for NULL.
 */
export function bulkInsert<T extends PgTable>(table: T, rows: ReadonlyArray<Row<T>>): BulkInsert {
  if (rows.length === 0) throw new Error('bulk insert: no rows');
  const columns = getTableColumns(table);
  const keys = [
    ...new Set(
      rows.flatMap((row) => Object.keys(row).filter((k) => row[k as keyof typeof row] !== undefined)),
    ),
  ];
  for (const key of keys) {
    if (!columns[key]) throw new Error(`bulk insert: ${getTableName(table)} has no column "${key}"`);
  }
  const arrays = keys.map((key) =>
    rows.map((row) => {
      const value = row[key as keyof typeof row];
      if (value === undefined) throw new Error(`bulk insert: a row has no "${key}"`);
      return toText(value);
    }),
  );
  const names = keys.map((key) => sql.identifier(columns[key]!.name));
  const aliases = keys.map((_, i) => sql.raw(`c${i}`));
  const casts = keys.map((key, i) => sql.raw(`c${i}::${columns[key]!.getSQLType()}`));
  const params = arrays.map((values) => sql`${sql.param(values)}::text[]`);
  return {
    sql: sql`${table} (${sql.join(names, sql`, `)}) select ${sql.join(casts, sql`, `)} from unnest(${sql.join(
      params,
      sql`, `,
    )}) as u(${sql.join(aliases, sql`, `)})`,
    column(key: string) {
      const column = columns[key];
      if (!column) throw new Error(`bulk insert: ${getTableName(table)} has no column "${key}"`);
      return sql`${sql.identifier(column.name)}`;
    },
  };
}

/**
 * `column = any($1::type[])`: one parameter for any number of values, where drizzle's `inArray` binds (and
 * builds SQL for) one parameter per value. For the hundreds-of-ids filters of batch passes.
 */
export function anyOf(column: AnyPgColumn, values: readonly unknown[]): SQL {
  return sql`${column} = any(${sql.param(values.map(toText))}::${sql.raw(column.getSQLType())}[])`;
}

/** The rows of a raw `db.execute` (both drivers return `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
