/**
 * Operations demo data, customers side. `writeChurnPopulation` stores a synthetic churn population
 * (churn-population.ts: customers with planted churn causes, their sessions, calls and goals) as database rows
 * (a tutor, a student per customer, sessions, customers, support calls, goals), so churn in production (history
 * from the database, training, scoring) can be run and evaluated on known truth. Used by the integration tests
 * and `eval:churn --database`. `writeDemoCustomers` stores the demo seed's customers (demo-customers.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bulkInsert } from '../../db/bulk';
import {
  customerGoals,
  customers,
  customerStudents,
  sessions,
  students,
  subjects,
  supportCalls,
  tutors,
} from '../../db/schema/index';
import type { ChurnPopulation } from './churn-population';
import type { CustomerPlan } from './demo-customers';

const CHUNK = 2_000;
const CHANNEL_PLANS = ['monthly-4', 'monthly-8', 'pay-as-you-go'] as const;

async function insertAll<T extends Parameters<typeof bulkInsert>[0]>(
  db: Db,
  table: T,
  rows: Parameters<typeof bulkInsert<T>>[1],
) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    if (part.length > 0)
      await db.execute(sql`insert into ${bulkInsert(table, part).sql} on conflict do nothing`);
  }
}

export async function writeChurnPopulation(db: Db, pop: ChurnPopulation): Promise<{ sessions: number }> {
  await db
    .insert(subjects)
    .values({ id: 'general', name: 'General', category: 'general' })
    .onConflictDoNothing();
  const tutorIds = new Set<string>();
  for (const c of pop.customers) for (const s of c.sessions) tutorIds.add(s.tutorId);
  await insertAll(
    db,
    tutors,
    [...tutorIds].map((id) => ({ id, name: `Tutor ${id}`, mainSubjectId: 'general' })),
  );
  await insertAll(
    db,
    students,
    pop.customers.map((c) => ({
      id: `stu-${c.customerId}`,
      name: `Student ${c.customerId}`,
      signedUpAt: c.signedUpAt,
    })),
  );
  const sessionRows: Array<typeof sessions.$inferInsert> = [];
  let n = 0;
  for (const c of pop.customers)
    for (const s of c.sessions) {
      if (s.status === 'cancelled') continue;
      n++;
      sessionRows.push({
        sessionId: `ses-${c.customerId}-${n}`,
        tutorId: s.tutorId,
        studentId: `stu-${c.customerId}`,
        sessionStartTime: s.startsAt,
        sessionEndTime: s.endsAt,
        tutorJoinTime: s.status === 'tutor_no_show' ? null : s.startsAt,
        studentJoinTime: s.status === 'student_no_show' ? null : s.startsAt,
        subjectsCovered: ['general'],
        isFirstSession: s.isFirstSession,
        wasRescheduled: s.reschedule != null,
        rescheduledBy: s.reschedule?.by ?? null,
        studentFeedbackRating: s.rating ?? null,
        contentHash: 'seeded',
        processingStatus: 'processed',
        // Arrived when they ended: re-scoring looks at what changed recently.
        receivedAt: s.endsAt,
        createdAt: s.endsAt,
        updatedAt: s.endsAt,
      });
    }
  const full = sessionRows.map((r) => ({
    ...r,
    tutorJoinTime: r.tutorJoinTime ?? null,
    studentJoinTime: r.studentJoinTime ?? null,
    rescheduledBy: r.rescheduledBy ?? null,
    studentFeedbackRating: r.studentFeedbackRating ?? null,
  }));
  await insertAll(db, sessions, full as never);
  await insertAll(
    db,
    customers,
    pop.customers.map((c, i) => ({
      customerId: c.customerId,
      name: `Customer ${c.customerId}`,
      kind: i % 4 === 0 ? ('adult_learner' as const) : ('family' as const),
      signupDate: c.signedUpAt,
      acquisitionChannel: c.channel,
      plan: CHANNEL_PLANS[i % CHANNEL_PLANS.length]!,
      status: 'active' as const,
      dataChangedAt: c.signedUpAt,
      createdAt: c.signedUpAt,
      updatedAt: c.signedUpAt,
    })),
  );
  const ids = new Map(
    (await db.select({ id: customers.id, customerId: customers.customerId }).from(customers)).map((r) => [
      r.customerId,
      r.id,
    ]),
  );
  await insertAll(
    db,
    customerStudents,
    pop.customers.map((c) => ({ customerId: ids.get(c.customerId)!, studentId: `stu-${c.customerId}` })),
  );
  await insertAll(
    db,
    supportCalls,
    pop.customers.flatMap((c) =>
      c.supportCalls.map((call, k) => ({
        callId: `call-${c.customerId}-${k}`,
        customerId: ids.get(c.customerId)!,
        calledAt: call.at,
        reasonCode: 'general',
        durationSeconds: 300,
        resolved: true,
      })),
    ),
  );
  await insertAll(
    db,
    customerGoals,
    pop.customers.flatMap((c) =>
      c.goals.map((g, k) => ({
        goalId: `goal-${c.customerId}-${k}`,
        customerId: ids.get(c.customerId)!,
        title: 'Goal',
        setAt: g.setAt,
        completedAt: g.completedAt,
      })),
    ),
  );
  return { sessions: n };
}

/** Stores the demo seed's customers, their students' links, goals and support calls (idempotent). */
export async function writeDemoCustomers(
  db: Db,
  plan: CustomerPlan,
  at: Date,
): Promise<{ customers: number; goals: number; supportCalls: number }> {
  await insertAll(
    db,
    customers,
    plan.customers.map((c) => ({
      customerId: c.customerId,
      name: c.name,
      email: c.email,
      kind: c.kind,
      signupDate: c.signupDate,
      acquisitionChannel: c.channel,
      plan: c.plan,
      status: 'active' as const,
      dataChangedAt: at,
      createdAt: at,
      updatedAt: at,
    })),
  );
  const ids = new Map(
    (await db.select({ id: customers.id, customerId: customers.customerId }).from(customers)).map((r) => [
      r.customerId,
      r.id,
    ]),
  );
  await insertAll(
    db,
    customerStudents,
    plan.customers.flatMap((c) =>
      c.studentIds.map((studentId) => ({ customerId: ids.get(c.customerId)!, studentId })),
    ),
  );
  await insertAll(
    db,
    customerGoals,
    plan.goals.map((g) => ({
      goalId: g.goalId,
      customerId: ids.get(g.customerId)!,
      studentId: g.studentId,
      title: g.title,
      subjectId: g.subjectId,
      setAt: g.setAt,
      targetDate: g.targetDate,
      completedAt: g.completedAt,
    })),
  );
  await insertAll(
    db,
    supportCalls,
    plan.supportCalls.map((c) => ({
      callId: c.callId,
      customerId: ids.get(c.customerId)!,
      calledAt: c.calledAt,
      reasonCode: c.reasonCode,
      durationSeconds: c.durationSeconds,
      resolved: c.resolved,
    })),
  );
  return {
    customers: plan.customers.length,
    goals: plan.goals.length,
    supportCalls: plan.supportCalls.length,
  };
}
