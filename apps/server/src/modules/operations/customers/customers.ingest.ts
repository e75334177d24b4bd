/**
 * The customer side's ingest handlers: `customer.upserted` (kind `customers`), `support_call.created` (kind
 * `support_calls`) and `goal.upserted` (kind `goals`). Idempotent upserts by the platform's ids: the same
 * content again is `unchanged`. Unknown ids (a student never seen, a customer not yet sent) are errors the
 * caller reads, never a silent insert. Each create or change marks the customer's data as changed, so the
 * 15-minute re-scoring picks it up.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  ZCustomerRecord,
  ZGoalRecord,
  ZSupportCallRecord,
  type TCustomerRecord,
  type TGoalRecord,
  type TSupportCallRecord,
} from '@tutorpulse/contracts/operations-customers';
import type { DbOrTx } from '../../../db/client';
import { customerGoals, customers, customerStudents, supportCalls } from '../../../db/schema/index';
import { findExistingStudentIds } from '../../sessions/index';
import type { IngestHandler, IngestResult } from '../ingest/handler';
import type { IngestDeps } from '../ingest/registry';

/** CSV cells: an empty cell is absent. */
const cell = (row: Record<string, string>, key: string): string | undefined => {
  const v = row[key];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

function parseCsvBoolean(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'n'].includes(s)) return false;
  return v; // the schema says what is wrong
}

function parseCsvInt(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

function parseCsvJson(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Canonical JSON (sorted keys) to compare stored attributes with sent ones. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const sameTime = (a: Date | null, b: string | null | undefined) =>
  (a === null && (b === null || b === undefined)) ||
  (a !== null && b != null && a.getTime() === Date.parse(b));

async function findCustomerIds(tx: DbOrTx, platformIds: string[]): Promise<Map<string, string>> {
  if (platformIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: customers.id, customerId: customers.customerId })
    .from(customers)
    .where(inArray(customers.customerId, [...new Set(platformIds)]));
  return new Map(rows.map((r) => [r.customerId, r.id]));
}

async function markChanged(tx: DbOrTx, ids: string[], at: Date) {
  if (ids.length === 0) return;
  await tx
    .update(customers)
    .set({ dataChangedAt: at })
    .where(inArray(customers.id, [...new Set(ids)]));
}

export function createCustomerUpsertHandler(deps: IngestDeps): IngestHandler<TCustomerRecord, DbOrTx> {
  return {
    eventType: 'customer.upserted',
    kind: 'customers',
    schema: ZCustomerRecord as unknown as IngestHandler<TCustomerRecord>['schema'],
    fromCsvRow: (row) => ({
      customer_id: cell(row, 'customer_id'),
      name: cell(row, 'name'),
      email: cell(row, 'email'),
      kind: cell(row, 'kind'),
      signup_date: cell(row, 'signup_date'),
      acquisition_channel: cell(row, 'acquisition_channel'),
      plan: cell(row, 'plan'),
      status: cell(row, 'status'),
      student_ids: cell(row, 'student_ids')
        ?.split(/[;|]/)
        .map((s) => s.trim())
        .filter(Boolean),
      attributes: parseCsvJson(cell(row, 'attributes')),
      deleted_at: cell(row, 'deleted_at'),
    }),
    async apply(tx, records) {
      const now = deps.clock.now();
      const known = await findExistingStudentIds(
        tx,
        records.flatMap((r) => r.student_ids),
      );
      const out: IngestResult[] = [];
      for (const r of records) {
        const missing = r.student_ids.filter((s) => !known.has(s));
        if (missing.length > 0) {
          out.push({
            error: {
              code: 'UNKNOWN_STUDENT',
              message: `Unknown student id(s): ${missing.slice(0, 5).join(', ')}; send the students' sessions first`,
              field: 'student_ids',
            },
          });
          continue;
        }
        const studentIds = [...new Set(r.student_ids)].sort();
        const links = await tx
          .select({ studentId: customerStudents.studentId, customerId: customers.customerId })
          .from(customerStudents)
          .innerJoin(customers, eq(customers.id, customerStudents.customerId))
          .where(inArray(customerStudents.studentId, studentIds));
        const taken = links.filter((l) => l.customerId !== r.customer_id);
        if (taken.length > 0) {
          out.push({
            error: {
              code: 'STUDENT_OF_ANOTHER_CUSTOMER',
              message: `Student ${taken[0]!.studentId} belongs to customer ${taken[0]!.customerId}`,
              field: 'student_ids',
            },
          });
          continue;
        }
        const values = {
          customerId: r.customer_id,
          name: r.name,
          email: r.email ?? null,
          kind: r.kind,
          signupDate: new Date(r.signup_date),
          acquisitionChannel: r.acquisition_channel,
          plan: r.plan,
          status: r.status,
          attributes: r.attributes,
          deletedAt: r.deleted_at ? new Date(r.deleted_at) : null,
        };
        const [existing] = await tx.select().from(customers).where(eq(customers.customerId, r.customer_id));
        if (!existing) {
          const [row] = await tx
            .insert(customers)
            .values({ ...values, dataChangedAt: now, createdAt: now, updatedAt: now })
            .returning({ id: customers.id });
          await tx
            .insert(customerStudents)
            .values(studentIds.map((studentId) => ({ customerId: row!.id, studentId })));
          out.push({ outcome: 'created', id: r.customer_id });
          continue;
        }
        const linked = (
          await tx
            .select({ studentId: customerStudents.studentId })
            .from(customerStudents)
            .where(eq(customerStudents.customerId, existing.id))
        )
          .map((l) => l.studentId)
          .sort();
        const same =
          existing.name === values.name &&
          existing.email === values.email &&
          existing.kind === values.kind &&
          existing.signupDate.getTime() === values.signupDate.getTime() &&
          existing.acquisitionChannel === values.acquisitionChannel &&
          existing.plan === values.plan &&
          existing.status === values.status &&
          canonical(existing.attributes) === canonical(values.attributes) &&
          sameTime(existing.deletedAt, r.deleted_at ?? null) &&
          linked.join('\u0000') === studentIds.join('\u0000');
        if (same) {
          out.push({ outcome: 'unchanged', id: r.customer_id });
          continue;
        }
        await tx
          .update(customers)
          .set({ ...values, dataChangedAt: now, updatedAt: now })
          .where(eq(customers.id, existing.id));
        await tx.delete(customerStudents).where(eq(customerStudents.customerId, existing.id));
        await tx
          .insert(customerStudents)
          .values(studentIds.map((studentId) => ({ customerId: existing.id, studentId })));
        out.push({ outcome: 'updated', id: r.customer_id });
      }
      return out;
    },
  };
}

export function createSupportCallHandler(deps: IngestDeps): IngestHandler<TSupportCallRecord, DbOrTx> {
  return {
    eventType: 'support_call.created',
    kind: 'support_calls',
    schema: ZSupportCallRecord as unknown as IngestHandler<TSupportCallRecord>['schema'],
    fromCsvRow: (row) => ({
      call_id: cell(row, 'call_id'),
      customer_id: cell(row, 'customer_id'),
      called_at: cell(row, 'called_at'),
      reason_code: cell(row, 'reason_code'),
      duration_seconds: parseCsvInt(cell(row, 'duration_seconds')),
      resolved: parseCsvBoolean(cell(row, 'resolved')),
    }),
    async apply(tx, records) {
      const now = deps.clock.now();
      const ids = await findCustomerIds(
        tx,
        records.map((r) => r.customer_id),
      );
      const out: IngestResult[] = [];
      const changed: string[] = [];
      for (const r of records) {
        const customerUuid = ids.get(r.customer_id);
        if (!customerUuid) {
          out.push({
            error: {
              code: 'UNKNOWN_CUSTOMER',
              message: `Unknown customer id ${r.customer_id}`,
              field: 'customer_id',
            },
          });
          continue;
        }
        const values = {
          customerId: customerUuid,
          calledAt: new Date(r.called_at),
          reasonCode: r.reason_code,
          durationSeconds: r.duration_seconds,
          resolved: r.resolved,
        };
        const [existing] = await tx.select().from(supportCalls).where(eq(supportCalls.callId, r.call_id));
        if (!existing) {
          await tx
            .insert(supportCalls)
            .values({ ...values, callId: r.call_id, createdAt: now, updatedAt: now });
          out.push({ outcome: 'created', id: r.call_id });
          changed.push(customerUuid);
        } else if (
          existing.customerId === values.customerId &&
          existing.calledAt.getTime() === values.calledAt.getTime() &&
          existing.reasonCode === values.reasonCode &&
          existing.durationSeconds === values.durationSeconds &&
          existing.resolved === values.resolved
        ) {
          out.push({ outcome: 'unchanged', id: r.call_id });
        } else {
          await tx
            .update(supportCalls)
            .set({ ...values, updatedAt: now })
            .where(eq(supportCalls.id, existing.id));
          out.push({ outcome: 'updated', id: r.call_id });
          changed.push(customerUuid, existing.customerId);
        }
      }
      await markChanged(tx, changed, now);
      return out;
    },
  };
}

export function createGoalUpsertHandler(deps: IngestDeps): IngestHandler<TGoalRecord, DbOrTx> {
  return {
    eventType: 'goal.upserted',
    kind: 'goals',
    schema: ZGoalRecord as unknown as IngestHandler<TGoalRecord>['schema'],
    fromCsvRow: (row) => ({
      goal_id: cell(row, 'goal_id'),
      customer_id: cell(row, 'customer_id'),
      student_id: cell(row, 'student_id'),
      title: cell(row, 'title'),
      subject_id: cell(row, 'subject_id'),
      set_at: cell(row, 'set_at'),
      target_date: cell(row, 'target_date'),
      completed_at: cell(row, 'completed_at'),
    }),
    async apply(tx, records) {
      const now = deps.clock.now();
      const ids = await findCustomerIds(
        tx,
        records.map((r) => r.customer_id),
      );
      const out: IngestResult[] = [];
      const changed: string[] = [];
      for (const r of records) {
        const customerUuid = ids.get(r.customer_id);
        if (!customerUuid) {
          out.push({
            error: {
              code: 'UNKNOWN_CUSTOMER',
              message: `Unknown customer id ${r.customer_id}`,
              field: 'customer_id',
            },
          });
          continue;
        }
        if (r.student_id) {
          const [link] = await tx
            .select({ studentId: customerStudents.studentId })
            .from(customerStudents)
            .where(
              and(
                eq(customerStudents.customerId, customerUuid),
                eq(customerStudents.studentId, r.student_id),
              ),
            );
          if (!link) {
            out.push({
              error: {
                code: 'UNKNOWN_STUDENT',
                message: `Student ${r.student_id} is not one of customer ${r.customer_id}'s students`,
                field: 'student_id',
              },
            });
            continue;
          }
        }
        const values = {
          customerId: customerUuid,
          studentId: r.student_id ?? null,
          title: r.title,
          subjectId: r.subject_id ?? null,
          setAt: new Date(r.set_at),
          targetDate: r.target_date ? new Date(r.target_date) : null,
          completedAt: r.completed_at ? new Date(r.completed_at) : null,
        };
        const [existing] = await tx.select().from(customerGoals).where(eq(customerGoals.goalId, r.goal_id));
        if (!existing) {
          await tx
            .insert(customerGoals)
            .values({ ...values, goalId: r.goal_id, createdAt: now, updatedAt: now });
          out.push({ outcome: 'created', id: r.goal_id });
          changed.push(customerUuid);
        } else if (
          existing.customerId === values.customerId &&
          existing.studentId === values.studentId &&
          existing.title === values.title &&
          existing.subjectId === values.subjectId &&
          existing.setAt.getTime() === values.setAt.getTime() &&
          sameTime(existing.targetDate, r.target_date ?? null) &&
          sameTime(existing.completedAt, r.completed_at ?? null)
        ) {
          out.push({ outcome: 'unchanged', id: r.goal_id });
        } else {
          await tx
            .update(customerGoals)
            .set({ ...values, updatedAt: now })
            .where(eq(customerGoals.id, existing.id));
          out.push({ outcome: 'updated', id: r.goal_id });
          changed.push(customerUuid, existing.customerId);
        }
      }
      await markChanged(tx, changed, now);
      return out;
    },
  };
}
