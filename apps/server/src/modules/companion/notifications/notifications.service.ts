/**
 * Student notifications (seed 004): stored once per piece of work (a dedupe key derived from it, so a job
 * delivered twice notifies once), listed, read, acted on, and published live on the event stream to the
 * student's accounts (`companion.notification`).
 */
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { TNotification, TNotificationType } from '@tutorpulse/contracts/companion-engagement';
import type { Db } from '../../../db/client';
import { companionNotifications, companionNudges } from '../../../db/schema/index';
import type { Clock } from '../../../platform/clock';
import { notFound } from '../../../platform/errors';
import type { EventService } from '../../../platform/events/events.service';
import type { Logger } from '../../../platform/logger';
import type { AccountDirectory } from '../engagement-ports';

export const NOTIFICATION_EVENT = 'companion.notification';

type Row = typeof companionNotifications.$inferSelect;

export function toNotificationDto(r: Row): TNotification {
  return {
    id: r.id,
    student_id: r.studentId,
    type: r.type,
    title: r.title,
    message: r.message,
    call_to_action: r.callToAction,
    action_url: r.actionUrl,
    urgency: r.urgency,
    data: r.data,
    read_at: r.readAt?.toISOString() ?? null,
    acted_at: r.actedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}

export type NotifyInput = {
  studentId: string;
  type: TNotificationType;
  title: string;
  message: string;
  callToAction?: string | null;
  actionUrl?: string | null;
  urgency?: 'low' | 'medium' | 'high';
  data?: Record<string, unknown>;
  dedupeKey: string;
};

export function createNotificationService(deps: {
  db: Db;
  clock: Clock;
  events: EventService;
  accounts: AccountDirectory;
  logger?: Pick<Logger, 'warn'>;
}) {
  const { db, clock, events, accounts } = deps;

  async function publish(n: TNotification) {
    const userIds = await accounts.userIdsForStudent(n.student_id);
    if (userIds.length === 0) return;
    await events
      .publish(
        ...userIds.map((userId) => ({
          type: NOTIFICATION_EVENT,
          payload: { notification: n } as Record<string, unknown>,
          audience: ['student'],
          userId,
        })),
      )
      .catch((err: unknown) => deps.logger?.warn({ err }, 'notification event not published'));
  }

  /** Nudge engagement (opened / acted on), measured on the nudge's own record. */
  async function trackNudge(notificationId: string, what: { opened?: boolean; acted?: boolean }) {
    const now = clock.now();
    await db
      .update(companionNudges)
      .set({
        ...(what.opened ? { openedAt: sql`coalesce(${companionNudges.openedAt}, ${now})` } : {}),
        ...(what.acted ? { actedAt: sql`coalesce(${companionNudges.actedAt}, ${now})` } : {}),
      })
      .where(eq(companionNudges.notificationId, notificationId));
  }

  return {
    /** Creates the notification unless one with the same dedupe key exists; returns it (new or existing). */
    async notify(input: NotifyInput): Promise<{ notification: TNotification; created: boolean }> {
      const [row] = await db
        .insert(companionNotifications)
        .values({
          studentId: input.studentId,
          type: input.type,
          title: input.title,
          message: input.message,
          callToAction: input.callToAction ?? null,
          actionUrl: input.actionUrl ?? null,
          urgency: input.urgency ?? 'low',
          data: input.data ?? {},
          dedupeKey: input.dedupeKey,
          createdAt: clock.now(),
        })
        .onConflictDoNothing({ target: companionNotifications.dedupeKey })
        .returning();
      if (row) {
        const dto = toNotificationDto(row);
        await publish(dto);
        return { notification: dto, created: true };
      }
      const [existing] = await db
        .select()
        .from(companionNotifications)
        .where(eq(companionNotifications.dedupeKey, input.dedupeKey))
        .limit(1);
      return { notification: toNotificationDto(existing!), created: false };
    },

    async get(id: string): Promise<TNotification | null> {
      const [row] = await db
        .select()
        .from(companionNotifications)
        .where(eq(companionNotifications.id, id))
        .limit(1);
      return row ? toNotificationDto(row) : null;
    },

    async list(studentId: string, q: { unread?: boolean | undefined; limit: number; offset: number }) {
      const where = and(
        eq(companionNotifications.studentId, studentId),
        q.unread ? isNull(companionNotifications.readAt) : undefined,
      );
      const [rows, [total], [unread]] = await Promise.all([
        db
          .select()
          .from(companionNotifications)
          .where(where)
          .orderBy(desc(companionNotifications.createdAt), desc(companionNotifications.id))
          .limit(q.limit)
          .offset(q.offset),
        db.select({ n: count() }).from(companionNotifications).where(where),
        db
          .select({ n: count() })
          .from(companionNotifications)
          .where(and(eq(companionNotifications.studentId, studentId), isNull(companionNotifications.readAt))),
      ]);
      return {
        data: rows.map(toNotificationDto),
        total: Number(total?.n ?? 0),
        unread: Number(unread?.n ?? 0),
        limit: q.limit,
        offset: q.offset,
      };
    },

    /** Marks read (opened); idempotent: the first read time is kept. */
    async markRead(id: string): Promise<TNotification> {
      const [row] = await db
        .update(companionNotifications)
        .set({ readAt: sql`coalesce(${companionNotifications.readAt}, ${clock.now()})` })
        .where(eq(companionNotifications.id, id))
        .returning();
      if (!row) throw notFound('Notification');
      if (row.type === 'nudge') await trackNudge(row.id, { opened: true });
      return toNotificationDto(row);
    },

    /** The student followed the call to action (implies read). */
    async markActed(id: string): Promise<TNotification> {
      const now = clock.now();
      const [row] = await db
        .update(companionNotifications)
        .set({
          readAt: sql`coalesce(${companionNotifications.readAt}, ${now})`,
          actedAt: sql`coalesce(${companionNotifications.actedAt}, ${now})`,
        })
        .where(eq(companionNotifications.id, id))
        .returning();
      if (!row) throw notFound('Notification');
      if (row.type === 'nudge') await trackNudge(row.id, { opened: true, acted: true });
      return toNotificationDto(row);
    },

    async markAllRead(studentId: string): Promise<{ updated: number }> {
      const rows = await db
        .update(companionNotifications)
        .set({ readAt: clock.now() })
        .where(and(eq(companionNotifications.studentId, studentId), isNull(companionNotifications.readAt)))
        .returning({ id: companionNotifications.id, type: companionNotifications.type });
      for (const r of rows) if (r.type === 'nudge') await trackNudge(r.id, { opened: true });
      return { updated: rows.length };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
