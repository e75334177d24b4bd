/**
 * Bulk access to the sessions inbox for backfills (demo seed, imports): pages of sessions still `received`
 * and marking a page processed in one statement. The live path goes one session at a time through tier 1.
 */
import { and, asc, eq, gt, gte, sql } from 'drizzle-orm';
import { anyOf } from '../../db/bulk';
import type { DbOrTx } from '../../db/client';
import { sessions } from '../../db/schema/index';

export type SessionRow = typeof sessions.$inferSelect;

/** Oldest-first page of sessions still waiting for tier 1, after the given row id (keyset pagination). */
export async function listReceivedBatch(
  db: DbOrTx,
  opts: { after?: { start: Date; id: string }; limit: number },
): Promise<SessionRow[]> {
  // The plain `>=` on the start time lets Postgres walk the start-time index from the last page on; the row
  // comparison alone is not indexable here and made every page sort the whole inbox.
  const after = opts.after
    ? and(
        gte(sessions.sessionStartTime, opts.after.start),
        sql`(${sessions.sessionStartTime}, ${sessions.id}) > (${opts.after.start}::timestamptz, ${opts.after.id}::uuid)`,
      )
    : undefined;
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.processingStatus, 'received'), after))
    .orderBy(asc(sessions.sessionStartTime), asc(sessions.id))
    .limit(opts.limit);
}

/** Marks these rows processed, unless a correction bumped their version meanwhile. */
export async function markProcessedBatch(
  db: DbOrTx,
  rows: Array<{ id: string; version: number }>,
  at: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const byVersion = new Map<number, string[]>();
  for (const r of rows) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r.id]);
  let n = 0;
  for (const [version, ids] of byVersion) {
    const done = await db
      .update(sessions)
      .set({ processingStatus: 'processed', processedAt: at, updatedAt: at, lastError: null })
      .where(and(anyOf(sessions.id, ids), eq(sessions.version, version), gt(sessions.version, 0)))
      .returning({ id: sessions.id });
    n += done.length;
  }
  return n;
}
