/**
 * What the quality module knows about the sessions a customer had, for the operations module's churn features:
 * the rules' findings per session (a tutor no-show, a poor first session, a tutor-initiated reschedule) and
 * the tutors' daily quality scores. Read-only; the operations module never reads these tables itself.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { rowsOf } from '../../db/bulk';

/** Finding types the customer side uses. */
export const CUSTOMER_FINDING_TYPES = [
  'tutor_no_show',
  'student_no_show',
  'poor_first_session',
  'tutor_rescheduled',
] as const;
export type CustomerFindingType = (typeof CUSTOMER_FINDING_TYPES)[number];

/** The findings of these sessions (internal session uuids), per session. */
export async function findSessionFindingTypes(
  db: DbOrTx,
  sessionIds: readonly string[],
): Promise<Map<string, Set<CustomerFindingType>>> {
  const out = new Map<string, Set<CustomerFindingType>>();
  if (sessionIds.length === 0) return out;
  const res = await db.execute(sql`
    select session_id as "sessionId", type from session_findings
    where session_id = any(${sql.param(sessionIds)}::uuid[])
      and type = any(${sql.param([...CUSTOMER_FINDING_TYPES])}::text[])`);
  for (const r of rowsOf<{ sessionId: string; type: CustomerFindingType }>(res)) {
    let set = out.get(r.sessionId);
    if (!set) out.set(r.sessionId, (set = new Set()));
    set.add(r.type);
  }
  return out;
}

/** Daily overall scores (0–100) of these tutors; `at` is the end of the scored day (when it was known). */
export async function listTutorScoreHistory(
  db: DbOrTx,
  tutorIds: readonly string[],
): Promise<Array<{ tutorId: string; at: Date; score: number }>> {
  if (tutorIds.length === 0) return [];
  const res = await db.execute(sql`
    select tutor_id as "tutorId", day::text as day, overall_score::int as score from tutor_score_history
    where tutor_id = any(${sql.param([...new Set(tutorIds)])}::text[]) and overall_score is not null`);
  return rowsOf<{ tutorId: string; day: string; score: number }>(res).map((r) => ({
    tutorId: r.tutorId,
    at: new Date(Date.parse(`${r.day}T23:59:59Z`)),
    score: Number(r.score),
  }));
}
