/**
 * Reads of customers for the API: the list (filters, sort by risk, cursor pages), one customer, their health
 * (latest score, components, top 3 factors, history), the at-risk list and the CSV export.
 */
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type {
  TCustomer,
  TCustomerDetail,
  TCustomerHealth,
  TCustomerListQuery,
  TRiskTier,
} from '@tutorpulse/contracts/operations-customers';
import type { Db } from '../../../db/client';
import {
  churnModels,
  customerGoals,
  customerHealthScores,
  customers,
  customerStudents,
  supportCalls,
  type CustomerRiskFactorJson,
} from '../../../db/schema/index';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import {
  decodeCursor,
  filtersFingerprint,
  keysetAfter,
  keysetKeyText,
  keysetOrder,
  takePage,
  type KeysetSort,
  type ListTotals,
} from '../../../platform/list-paging';

type CustomerRow = typeof customers.$inferSelect;
const DAY = 86_400_000;
const TIER_ORDER: TRiskTier[] = ['low', 'medium', 'high', 'critical'];

const SORTS: Record<TCustomerListQuery['sort'], KeysetSort> = {
  risk: {
    name: 'risk',
    dir: 'desc',
    keys: [
      { expr: customers.riskRank, type: 'int' },
      { expr: customers.id, type: 'uuid' },
    ],
  },
  newest: {
    name: 'newest',
    dir: 'desc',
    keys: [
      { expr: customers.signupDate, type: 'timestamptz' },
      { expr: customers.id, type: 'uuid' },
    ],
  },
};

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type CustomerFilters = {
  risk_tier?: TRiskTier;
  status?: TCustomer['status'];
  channel?: string;
  search?: string;
};

function filterWhere(f: CustomerFilters): SQL {
  const where: SQL[] = [isNull(customers.deletedAt)];
  if (f.risk_tier) where.push(eq(customers.riskTier, f.risk_tier));
  if (f.status) where.push(eq(customers.status, f.status));
  if (f.channel) where.push(eq(customers.acquisitionChannel, f.channel));
  if (f.search) {
    const like = `%${escapeLike(f.search)}%`;
    where.push(
      sql`(${customers.name} ilike ${like} or ${customers.email} ilike ${like} or ${customers.customerId} ilike ${like})`,
    );
  }
  return and(...where)!;
}

async function studentsOf(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const links = await db
    .select({ customerId: customerStudents.customerId, studentId: customerStudents.studentId })
    .from(customerStudents)
    .where(sql`${customerStudents.customerId} = any(${sql.param(ids)}::uuid[])`)
    .orderBy(customerStudents.studentId);
  for (const l of links) out.set(l.customerId, [...(out.get(l.customerId) ?? []), l.studentId]);
  return out;
}

function toCustomer(r: CustomerRow, studentIds: string[]): TCustomer {
  return {
    id: r.customerId,
    name: r.name,
    email: r.email,
    kind: r.kind,
    signup_date: r.signupDate.toISOString(),
    acquisition_channel: r.acquisitionChannel,
    plan: r.plan,
    status: r.status,
    student_ids: studentIds,
    health:
      r.churnProbability !== null && r.riskTier && r.healthScoredAt
        ? {
            churn_probability: r.churnProbability,
            risk_tier: r.riskTier,
            scored_at: r.healthScoredAt.toISOString(),
          }
        : null,
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Spreadsheet formula injection: a leading =, +, - or @ is neutralised.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function createCustomerService(deps: { db: Db; clock: Clock; listTotals: ListTotals }) {
  const { db } = deps;

  async function findRow(customerId: string): Promise<CustomerRow> {
    const [row] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.customerId, customerId), isNull(customers.deletedAt)));
    if (!row) throw new AppError('CUSTOMER_NOT_FOUND', 'No customer with that id', undefined, 404);
    return row;
  }

  async function latestFactors(ids: string[]): Promise<Map<string, CustomerRiskFactorJson[]>> {
    if (ids.length === 0) return new Map();
    const res = await db.execute(sql`
      select distinct on (customer_id) customer_id as "customerId", factors
      from customer_health_scores where customer_id = any(${sql.param(ids)}::uuid[])
      order by customer_id, calculated_at desc, id desc`);
    return new Map(
      (
        res as unknown as { rows: Array<{ customerId: string; factors: CustomerRiskFactorJson[] | string }> }
      ).rows.map((r) => [r.customerId, typeof r.factors === 'string' ? JSON.parse(r.factors) : r.factors]),
    );
  }

  return {
    async list(q: TCustomerListQuery) {
      const sort = SORTS[q.sort];
      const filters: CustomerFilters = {
        ...(q.risk_tier ? { risk_tier: q.risk_tier } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.search ? { search: q.search } : {}),
      };
      const fingerprint = filtersFingerprint(filters);
      const key = decodeCursor(q.cursor, { sort, fingerprint, offset: q.offset });
      const where = filterWhere(filters);
      const rows = await db
        .select({ row: customers, key: keysetKeyText(sort) })
        .from(customers)
        .where(key ? and(where, keysetAfter(sort, key)) : where)
        .orderBy(...keysetOrder(sort))
        .limit(q.limit + 1)
        .offset(key ? 0 : q.offset);
      const page = takePage(rows, q.limit, sort, fingerprint, (r) => r.key);
      const students = await studentsOf(
        db,
        page.rows.map((r) => r.row.id),
      );
      const total = await deps.listTotals.count(
        db,
        `customers:${fingerprint}`,
        db.select({ id: customers.id }).from(customers).where(where),
      );
      return {
        data: page.rows.map((r) => toCustomer(r.row, students.get(r.row.id) ?? [])),
        total: total.total,
        total_is_estimate: total.isEstimate,
        limit: q.limit,
        offset: key ? 0 : q.offset,
        next_cursor: page.nextCursor,
      };
    },

    async get(customerId: string): Promise<TCustomerDetail> {
      const row = await findRow(customerId);
      const students = await studentsOf(db, [row.id]);
      const goals = await db
        .select()
        .from(customerGoals)
        .where(eq(customerGoals.customerId, row.id))
        .orderBy(desc(customerGoals.setAt))
        .limit(50);
      const now = deps.clock.now().getTime();
      const [counts] = await db
        .select({
          d90: sql<number>`count(*) filter (where ${supportCalls.calledAt} > ${new Date(now - 90 * DAY).toISOString()}::timestamptz)`.mapWith(
            Number,
          ),
          d14: sql<number>`count(*) filter (where ${supportCalls.calledAt} > ${new Date(now - 14 * DAY).toISOString()}::timestamptz)`.mapWith(
            Number,
          ),
        })
        .from(supportCalls)
        .where(eq(supportCalls.customerId, row.id));
      const recent = await db
        .select()
        .from(supportCalls)
        .where(eq(supportCalls.customerId, row.id))
        .orderBy(desc(supportCalls.calledAt))
        .limit(10);
      const factors = (await latestFactors([row.id])).get(row.id) ?? [];
      return {
        ...toCustomer(row, students.get(row.id) ?? []),
        attributes: row.attributes,
        goals: goals.map((g) => ({
          id: g.goalId,
          title: g.title,
          student_id: g.studentId,
          subject_id: g.subjectId,
          set_at: g.setAt.toISOString(),
          target_date: g.targetDate?.toISOString() ?? null,
          completed_at: g.completedAt?.toISOString() ?? null,
        })),
        support_calls: {
          last_90_days: counts?.d90 ?? 0,
          last_14_days: counts?.d14 ?? 0,
          recent: recent.map((c) => ({
            id: c.callId,
            called_at: c.calledAt.toISOString(),
            reason_code: c.reasonCode,
            duration_seconds: c.durationSeconds,
            resolved: c.resolved,
          })),
        },
        top_risk_factors: factors,
      };
    },

    async health(customerId: string): Promise<TCustomerHealth> {
      const row = await findRow(customerId);
      const history = await db
        .select({
          at: customerHealthScores.calculatedAt,
          p: customerHealthScores.probability,
          tier: customerHealthScores.riskTier,
          factors: customerHealthScores.factors,
          components: customerHealthScores.components,
          version: churnModels.version,
        })
        .from(customerHealthScores)
        .innerJoin(churnModels, eq(churnModels.id, customerHealthScores.modelId))
        .where(eq(customerHealthScores.customerId, row.id))
        .orderBy(desc(customerHealthScores.calculatedAt), desc(customerHealthScores.id))
        .limit(90);
      const latest = history[0];
      const c = latest?.components as
        | {
            intercept: number;
            log_odds: number;
            features: Record<string, number | string | null>;
            contributions: Array<{ factor: string; contribution: number }>;
          }
        | undefined;
      return {
        customer_id: row.customerId,
        score: latest
          ? {
              churn_probability: latest.p,
              health_score: Math.round(100 * (1 - latest.p)),
              risk_tier: latest.tier,
              model_version: latest.version,
              calculated_at: latest.at.toISOString(),
            }
          : null,
        components: c
          ? {
              intercept: c.intercept,
              log_odds: c.log_odds,
              features: c.features,
              contributions: c.contributions,
            }
          : null,
        top_risk_factors: latest?.factors ?? [],
        history: history
          .map((h) => ({ calculated_at: h.at.toISOString(), churn_probability: h.p, risk_tier: h.tier }))
          .reverse(),
      };
    },

    async atRisk(q: { limit: number; min_tier: 'medium' | 'high' | 'critical' }) {
      const tiers = TIER_ORDER.slice(TIER_ORDER.indexOf(q.min_tier));
      const where = and(
        isNull(customers.deletedAt),
        sql`${customers.status} <> 'churned'`,
        sql`${customers.riskTier} = any(${sql.param(tiers)}::text[])`,
      );
      const rows = await db
        .select()
        .from(customers)
        .where(where)
        .orderBy(desc(customers.riskRank), desc(customers.id))
        .limit(q.limit);
      const [count] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(customers)
        .where(where);
      const ids = rows.map((r) => r.id);
      const students = await studentsOf(db, ids);
      const factors = await latestFactors(ids);
      return {
        data: rows.map((r) => ({
          ...toCustomer(r, students.get(r.id) ?? []),
          top_risk_factors: factors.get(r.id) ?? [],
        })),
        total: count?.n ?? 0,
      };
    },

    /** Every matching customer as CSV (highest risk first), in pages of 1,000 rows. */
    async *exportCsv(f: CustomerFilters): AsyncGenerator<string> {
      yield 'customer_id,name,email,kind,signup_date,acquisition_channel,plan,status,student_ids,churn_probability,risk_tier,scored_at,top_factor\n';
      const sort = SORTS.risk;
      let key: string[] | null = null;
      for (;;) {
        const where = filterWhere(f);
        const rows = await db
          .select({ row: customers, key: keysetKeyText(sort) })
          .from(customers)
          .where(key ? and(where, keysetAfter(sort, key)) : where)
          .orderBy(...keysetOrder(sort))
          .limit(1000);
        if (rows.length === 0) return;
        const ids = rows.map((r) => r.row.id);
        const students = await studentsOf(db, ids);
        const factors = await latestFactors(ids);
        yield rows
          .map(({ row }) =>
            [
              row.customerId,
              row.name,
              row.email,
              row.kind,
              row.signupDate.toISOString(),
              row.acquisitionChannel,
              row.plan,
              row.status,
              (students.get(row.id) ?? []).join(';'),
              row.churnProbability?.toFixed(4) ?? '',
              row.riskTier ?? '',
              row.healthScoredAt?.toISOString() ?? '',
              factors.get(row.id)?.[0]?.words ?? '',
            ]
              .map(csvCell)
              .join(','),
          )
          .join('\n')
          .concat('\n');
        if (rows.length < 1000) return;
        key = rows[rows.length - 1]!.key;
      }
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
