/** The audit log: login attempts, authorization failures and every change made by staff. Never secrets. */
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { TAuditEntry } from '@tutorpulse/contracts/identity';
import type { Db } from '../../db/client';
import { auditLog } from '../../db/schema/index';
import type { Clock } from '../../platform/clock';
import type { Actor, RequestContext } from '../../platform/auth/principal';

export type AuditRecord = {
  actor: Actor;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target?: { type: string; id: string | null };
  details?: Record<string, unknown>;
  ctx?: RequestContext;
};

export function createAuditService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async record(r: AuditRecord): Promise<void> {
      await db.insert(auditLog).values({
        at: clock.now(),
        actorType: r.actor.type,
        actorId: r.actor.id,
        actorLabel: r.actor.label,
        action: r.action,
        outcome: r.outcome,
        targetType: r.target?.type ?? null,
        targetId: r.target?.id ?? null,
        ip: r.ctx?.ip ?? null,
        requestId: r.ctx?.requestId ?? null,
        details: r.details ?? null,
      });
    },

    async list(q: {
      limit: number;
      offset: number;
      action?: string | undefined;
      actor_id?: string | undefined;
      outcome?: 'success' | 'failure' | 'denied' | undefined;
    }): Promise<{ data: TAuditEntry[]; total: number; limit: number; offset: number }> {
      const where: SQL[] = [];
      if (q.action) where.push(eq(auditLog.action, q.action));
      if (q.actor_id) where.push(eq(auditLog.actorId, q.actor_id));
      if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
      const cond = where.length ? and(...where) : undefined;
      const [rows, [totalRow]] = await Promise.all([
        db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(q.limit).offset(q.offset),
        db.select({ n: count() }).from(auditLog).where(cond),
      ]);
      return {
        data: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor_type: r.actorType,
          actor_id: r.actorId,
          actor_label: r.actorLabel,
          action: r.action,
          target_type: r.targetType,
          target_id: r.targetId,
          outcome: r.outcome,
          ip: r.ip,
          request_id: r.requestId,
          details: r.details ?? null,
        })),
        total: totalRow?.n ?? 0,
        limit: q.limit,
        offset: q.offset,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
