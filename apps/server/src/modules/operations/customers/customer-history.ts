/**
 * Builds the churn library's CustomerHistory from the database: the customer's record, the sessions of their
 * students (through the sessions module), what the quality module found on those sessions (tutor no-shows,
 * student no-shows, tutor-initiated reschedules) and its tutors' daily scores, plus the customer's support
 * calls and goals. A session counts as a tutor no-show when quality found one or the tutor never joined.
 */
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { customerGoals, customers, customerStudents, supportCalls } from '../../../db/schema/index';
import { findSessionFindingTypes, listTutorScoreHistory } from '../../quality/index';
import { listStudentSessions } from '../../sessions/index';
import type { CustomerHistory, SessionRecord } from '../churn/history';

const CHUNK = 5_000;
const HOUR = 3_600_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type LoadedCustomer = { id: string; customerId: string; history: CustomerHistory };

/** Ids (internal uuids) of every customer not deleted, oldest signup first. */
export async function listLiveCustomerIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: customers.id })
    .from(customers)
    .where(isNull(customers.deletedAt))
    .orderBy(customers.signupDate, customers.id);
  return rows.map((r) => r.id);
}

/** The histories of these customers (internal uuids; deleted ones are skipped). */
export async function loadCustomerHistories(db: DbOrTx, ids: readonly string[]): Promise<LoadedCustomer[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: customers.id,
      customerId: customers.customerId,
      signupDate: customers.signupDate,
      channel: customers.acquisitionChannel,
    })
    .from(customers)
    .where(and(inArray(customers.id, [...ids]), isNull(customers.deletedAt)));
  if (rows.length === 0) return [];
  const uuids = rows.map((r) => r.id);
  const links = await db
    .select({ customerId: customerStudents.customerId, studentId: customerStudents.studentId })
    .from(customerStudents)
    .where(inArray(customerStudents.customerId, uuids));
  const customerOfStudent = new Map(links.map((l) => [l.studentId, l.customerId]));

  const sessionsOf = new Map<string, SessionRecord[]>();
  const tutorIds = new Set<string>();
  for (const part of chunks([...customerOfStudent.keys()])) {
    const sessions = await listStudentSessions(db, part);
    const findings = new Map<string, Set<string>>();
    for (const ids of chunks(sessions.map((s) => s.id)))
      for (const [k, v] of await findSessionFindingTypes(db, ids)) findings.set(k, v);
    for (const s of sessions) {
      const f = findings.get(s.id);
      const status: SessionRecord['status'] =
        f?.has('tutor_no_show') || !s.tutorJoined
          ? 'tutor_no_show'
          : f?.has('student_no_show') || !s.studentJoined
            ? 'student_no_show'
            : 'completed';
      const by = s.rescheduledBy ?? (f?.has('tutor_rescheduled') ? 'tutor' : null);
      const record: SessionRecord = {
        tutorId: s.tutorId,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        status,
        isFirstSession: s.isFirstSession,
        rating: s.studentRating,
        reschedule: by
          ? { by, requestedAt: s.rescheduleRequestedAt ?? new Date(s.startsAt.getTime() - 24 * HOUR) }
          : null,
      };
      const customer = customerOfStudent.get(s.studentId)!;
      let list = sessionsOf.get(customer);
      if (!list) sessionsOf.set(customer, (list = []));
      list.push(record);
      tutorIds.add(s.tutorId);
    }
  }
  const scoresOf = new Map<string, { tutorId: string; at: Date; score: number }[]>();
  for (const part of chunks([...tutorIds], 1_000))
    for (const r of await listTutorScoreHistory(db, part)) {
      const l = scoresOf.get(r.tutorId) ?? [];
      l.push(r);
      scoresOf.set(r.tutorId, l);
    }
  const scoresFor = (sessions: readonly SessionRecord[]) =>
    [...new Set(sessions.map((s) => s.tutorId))].flatMap((t) => scoresOf.get(t) ?? []);
  const callsOf = new Map<string, { at: Date }[]>();
  const goalsOf = new Map<string, { setAt: Date; completedAt: Date | null }[]>();
  for (const part of chunks(uuids)) {
    const calls = await db
      .select({ customerId: supportCalls.customerId, at: supportCalls.calledAt })
      .from(supportCalls)
      .where(inArray(supportCalls.customerId, part));
    for (const c of calls) {
      const l = callsOf.get(c.customerId) ?? [];
      l.push({ at: c.at });
      callsOf.set(c.customerId, l);
    }
    const goals = await db
      .select({
        customerId: customerGoals.customerId,
        setAt: customerGoals.setAt,
        completedAt: customerGoals.completedAt,
      })
      .from(customerGoals)
      .where(inArray(customerGoals.customerId, part));
    for (const g of goals) {
      const l = goalsOf.get(g.customerId) ?? [];
      l.push({ setAt: g.setAt, completedAt: g.completedAt });
      goalsOf.set(g.customerId, l);
    }
  }
  return rows.map((r) => {
    const sessions = sessionsOf.get(r.id) ?? [];
    return {
      id: r.id,
      customerId: r.customerId,
      history: {
        customerId: r.customerId,
        signedUpAt: r.signupDate,
        channel: r.channel,
        sessions,
        supportCalls: callsOf.get(r.id) ?? [],
        goals: goalsOf.get(r.id) ?? [],
        // Only the scores of the tutors this customer met.
        tutorScores: scoresFor(sessions),
      },
    };
  });
}

/** Customers (internal uuids) whose features may have changed since `since`. */
export async function findChangedCustomerIds(db: DbOrTx, studentIds: readonly string[]): Promise<string[]> {
  const res = await db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        isNull(customers.deletedAt),
        studentIds.length > 0
          ? sql`(${customers.healthScoredAt} is null or ${customers.dataChangedAt} >= ${customers.healthScoredAt}
                 or ${customers.id} in (select customer_id from customer_students
                                         where student_id = any(${sql.param([...studentIds])}::text[])))`
          : sql`(${customers.healthScoredAt} is null or ${customers.dataChangedAt} >= ${customers.healthScoredAt})`,
      ),
    );
  return res.map((r) => r.id);
}
