/** The same committed migrations build the same schema on PGlite and on Postgres, and re-running is a no-op. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/db/client';
import { createTestDatabase, testEnv } from './helpers/services';

async function describeSchema(d: Database) {
  const res = await d.db.execute(sql`
    select table_name, column_name, data_type, is_nullable
    from information_schema.columns
    where table_schema = 'public'
    order by table_name, column_name`);
  return (res as unknown as { rows: Array<Record<string, unknown>> }).rows.map((r) =>
    Object.values(r).join(' '),
  );
}

describe('migrations', () => {
  it('apply on PGlite and re-apply as a no-op', async () => {
    const d = await createDatabase({ kind: 'pglite', dataDir: 'memory' });
    try {
      await d.migrate();
      const once = await describeSchema(d);
      await d.migrate();
      expect(await describeSchema(d)).toEqual(once);
      expect(once.some((c) => c.startsWith('sessions session_id'))).toBe(true);
    } finally {
      await d.close();
    }
  });

  it.runIf(testEnv.databaseUrl || testEnv.requireServices)(
    'build the same schema on Postgres as on PGlite',
    async () => {
      const pgDb = await createTestDatabase();
      const lite = await createDatabase({ kind: 'pglite', dataDir: 'memory' });
      try {
        expect(pgDb.label).toBe('postgres');
        await lite.migrate();
        await pgDb.database.migrate(); // concurrent-safe and idempotent
        expect(await describeSchema(pgDb.database)).toEqual(await describeSchema(lite));
      } finally {
        await lite.close();
        await pgDb.drop();
      }
    },
  );
});
