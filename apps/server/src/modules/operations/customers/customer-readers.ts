/**
 * The customers capability's side of the alert engine's reader ports: customers whose latest score moved them
 * into high or critical risk, their activity since (for a recommendation's measured effect), customers per
 * risk tier, and support calls per hour. Read-only; the checkers decide what is worth an alert.
 */
import { and, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/bulk';
import type { Db } from '../../../db/client';
import { customerHealthScores, customers, customerStudents, supportCalls } from '../../../db/schema/index';
import { listStudentSessions } from '../../sessions/index';
import type {
  ChurnRiskReader,
  CustomerRiskSummaryReader,
  RiskTier,
  SupportCallReader,
} from '../alerts/ports';

const TIER_RANK: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function createCustomerAlertReaders(db: Db): {
  churn: ChurnRiskReader;
  customerRisk: CustomerRiskSummaryReader;
  supportCalls: SupportCallReader;
} {
  async function customerByPlatformId(customerId: string) {
    const [c] = await db
      .select({ id: customers.id, probability: customers.churnProbability })
      .from(customers)
      .where(and(eq(customers.customerId, customerId), isNull(customers.deletedAt)))
      .limit(1);
    return c ?? null;
  }

  return {
    churn: {
      async listTierChanges(since) {
        const h = customerHealthScores;
        const rows = await db
          .select({
            id: h.id,
            customerId: customers.customerId,
            customerName: customers.name,
            toTier: h.riskTier,
            probability: h.probability,
            scoredAt: h.calculatedAt,
            factors: h.factors,
            fromTier: sql<RiskTier | null>`(
              select p.risk_tier from customer_health_scores p
              where p.customer_id = ${h.customerId} and p.calculated_at < ${h.calculatedAt}
              order by p.calculated_at desc limit 1)`,
          })
          .from(h)
          .innerJoin(customers, eq(customers.id, h.customerId))
          .where(
            and(
              gte(h.calculatedAt, since),
              inArray(h.riskTier, ['high', 'critical']),
              isNull(customers.deletedAt),
            ),
          )
          .orderBy(h.calculatedAt, h.id);
        // The latest move of each customer; a score that did not raise the tier is not a change.
        const latest = new Map<string, (typeof rows)[number]>();
        for (const r of rows) latest.set(r.customerId, r);
        return [...latest.values()]
          .filter((r) => r.fromTier === null || TIER_RANK[r.fromTier] < TIER_RANK[r.toTier])
          .map((r) => ({
            customerId: r.customerId,
            customerName: r.customerName,
            fromTier: r.fromTier,
            toTier: r.toTier,
            probability: r.probability,
            scoredAt: r.scoredAt,
            topFactors: r.factors.map((f) => ({
              factor: f.factor,
              label: f.words || f.label,
              contribution: f.contribution,
              intervention: f.intervention,
            })),
          }));
      },
      async customerActivity(customerId, since) {
        const c = await customerByPlatformId(customerId);
        if (!c) return null;
        const students = await db
          .select({ studentId: customerStudents.studentId })
          .from(customerStudents)
          .where(eq(customerStudents.customerId, c.id));
        const sessions = await listStudentSessions(
          db,
          students.map((s) => s.studentId),
        );
        const sessionsSince = sessions.filter((s) => s.startsAt >= since && s.tutorJoined).length;
        return { sessionsSince, probability: c.probability };
      },
    },
    customerRisk: {
      async countByTier(at) {
        const counts: Record<RiskTier, number> = { low: 0, medium: 0, high: 0, critical: 0 };
        if (!at) {
          const rows = await db
            .select({ tier: customers.riskTier, n: sql<number>`count(*)::int` })
            .from(customers)
            .where(and(eq(customers.status, 'active'), isNull(customers.deletedAt)))
            .groupBy(customers.riskTier);
          for (const r of rows) if (r.tier) counts[r.tier] = Number(r.n);
          return counts;
        }
        // As of `at`: each active customer's latest score at or before it.
        const res = await db.execute(sql`
          select latest.risk_tier as tier, count(*)::int as n
          from customers c
          cross join lateral (
            select h.risk_tier from customer_health_scores h
            where h.customer_id = c.id and h.calculated_at <= ${at.toISOString()}::timestamptz
            order by h.calculated_at desc limit 1) latest
          where c.status = 'active' and c.deleted_at is null
          group by latest.risk_tier`);
        for (const r of rowsOf<{ tier: RiskTier; n: number }>(res)) counts[r.tier] = Number(r.n);
        return counts;
      },
    },
    supportCalls: {
      async hourlyCallCounts(from, to) {
        const hour = sql<Date>`date_trunc('hour', ${supportCalls.calledAt})`;
        const rows = await db
          .select({ hour, reason: supportCalls.reasonCode, calls: sql<number>`count(*)::int` })
          .from(supportCalls)
          .where(and(gte(supportCalls.calledAt, from), lt(supportCalls.calledAt, to)))
          .groupBy(hour, supportCalls.reasonCode)
          .orderBy(hour);
        return rows.map((r) => ({ hour: new Date(r.hour), reason: r.reason, calls: Number(r.calls) }));
      },
    },
  };
}
