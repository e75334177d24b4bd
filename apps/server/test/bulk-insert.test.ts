/** bulkInsert writes exactly what a drizzle insert would, for every column type we use, on both drivers. */
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkInsert, pgArrayLiteral, rowsOf } from '../src/db/bulk';
import { createDatabase, type Database } from '../src/db/client';
import { createTestDatabase, testEnv, type TestDatabase } from './helpers/services';

const things = pgTable('bulk_things', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  tags: text('tags').array().notNull(),
  doc: jsonb('doc'),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
  flag: boolean('flag').notNull().default(false),
  n: integer('n'),
  small: smallint('small'),
  ratio: doublePrecision('ratio'),
  note: text('note'),
});

const CREATE = sql`create table bulk_things (
  id uuid primary key default gen_random_uuid(),
  key text not null unique,
  tags text[] not null,
  doc jsonb,
  at timestamptz,
  flag boolean not null default false,
  n integer,
  small smallint,
  ratio double precision,
  note text)`;

const tricky = {
  key: 'a',
  tags: ['plain', 'with "quotes"', 'back\\slash', 'comma, and {braces}', '', 'NULL'],
  doc: { nested: { list: [1, 'two', null], quote: 'say "hi"' }, emoji: 'é✓' },
  at: new Date('2026-03-04T05:06:07.089Z'),
  flag: true,
  n: -42,
  small: 5,
  ratio: 0.125,
  note: "it's\nmulti-line\ttext",
};
const sparse = {
  key: 'b',
  tags: [],
  doc: null,
  at: null,
  flag: false,
  n: null,
  small: null,
  ratio: null,
  note: null,
};

const targets: Array<{ name: string; open(): Promise<{ db: Database; close(): Promise<void> }> }> = [
  {
    name: 'pglite',
    async open() {
      const db = await createDatabase({ kind: 'pglite', dataDir: 'memory' });
      return { db, close: () => db.close() };
    },
  },
];
if (testEnv.databaseUrl) {
  targets.push({
    name: 'postgres',
    async open() {
      const t: TestDatabase = await createTestDatabase();
      return { db: t.database, close: () => t.drop() };
    },
  });
}

describe('pgArrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(pgArrayLiteral(['a', 'b "c"', 'd\\e', null])).toBe('{"a","b \\"c\\"","d\\\\e",NULL}');
    expect(pgArrayLiteral([])).toBe('{}');
  });
});

describe.each(targets)('bulkInsert on $name', ({ open }) => {
  let handle: { db: Database; close(): Promise<void> };
  beforeAll(async () => {
    handle = await open();
    await handle.db.db.execute(CREATE);
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
  });

  it('round-trips every column type, nulls and defaults', async () => {
    const { db } = handle.db;
    const ins = bulkInsert(things, [tricky, sparse]);
    const res = await db.execute(sql`insert into ${ins.sql} returning id`);
    expect(rowsOf<{ id: string }>(res)).toHaveLength(2);
    const stored = await db.select().from(things).orderBy(things.key);
    expect(stored).toEqual([
      { ...tricky, id: expect.any(String) },
      { ...sparse, id: expect.any(String) },
    ]);
  });

  it('supports on conflict clauses naming columns by key', async () => {
    const { db } = handle.db;
    const ins = bulkInsert(things, [
      { ...sparse, key: 'a', note: 'replaced' },
      { ...sparse, key: 'c', n: 3 },
    ]);
    await db.execute(
      sql`insert into ${ins.sql} on conflict (${ins.column('key')}) do update set ${ins.column('note')} = excluded.${ins.column('note')}`,
    );
    const stored = await db.select({ key: things.key, note: things.note, n: things.n }).from(things);
    expect(stored.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'a', note: 'replaced', n: -42 },
      { key: 'b', note: null, n: null },
      { key: 'c', note: null, n: 3 },
    ]);
  });

  it('refuses rows that do not all carry the same columns, and unknown columns', () => {
    expect(() => bulkInsert(things, [tricky, { key: 'x', tags: [] }])).toThrow(/no "doc"/);
    expect(() => bulkInsert(things, [{ key: 'x', tags: [], nope: 1 } as never])).toThrow(/no column "nope"/);
    expect(() => bulkInsert(things, [])).toThrow(/no rows/);
  });
});
