/**
 * Engagement nudges (seed 004): the `companion.nudges` job runs every hour; each run takes the students in
 * their first week and those inactive for N days (from the sessions module), applies the rules (one per
 * student per 3 days, daytime in the student's time zone only), writes a personalised message (AI task or the
 * local composer) and delivers it as a `nudge` notification with a call to action. Opened / acted-on are
 * tracked on the nudge when the student reads or follows the notification. At-least-once safe: the
 * notification's dedupe key and the one-per-local-day unique key make a re-run a no-op.
 */
import { and, count, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import {
  companionChatMessages,
  companionGoals,
  companionNudges,
  companionStudentSettings,
} from '../../../db/schema/index';
import type { AiPort } from '../../../platform/ai/port';
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { AccountDirectory, MasteryReader, StudentSessionsReader } from '../engagement-ports';
import type { NotificationService } from '../notifications/notifications.service';
import { decideNudge, type NudgeSettings } from './nudge.rules';
import { engagementNudgeTask } from './nudge.task';

const DAY_MS = 86_400_000;
/** Students read per query. */
const BATCH = 1_000;

export function createNudgeService(deps: {
  db: Db;
  clock: Clock;
  ai: AiPort;
  mastery: MasteryReader;
  sessions: StudentSessionsReader;
  notifications: NotificationService;
  accounts: Pick<AccountDirectory, 'listStudentsWithAccounts'>;
  settings: NudgeSettings;
  logger?: Pick<Logger, 'info' | 'warn'>;
}) {
  const { db, clock, settings } = deps;

  return {
    async run(): Promise<{ considered: number; sent: number; skipped: Record<string, number> }> {
      // Only students who can read an in-app notification: records without an account are not nudged.
      const reachable = await deps.accounts.listStudentsWithAccounts();
      const total = { considered: 0, sent: 0, skipped: {} as Record<string, number> };
      for (let i = 0; i < reachable.length; i += BATCH) {
        const r = await this.runBatch(reachable.slice(i, i + BATCH));
        total.considered += r.considered;
        total.sent += r.sent;
        for (const [k, v] of Object.entries(r.skipped)) total.skipped[k] = (total.skipped[k] ?? 0) + v;
      }
      deps.logger?.info(total, 'nudges done');
      return total;
    },

    async runBatch(
      studentIds: string[],
    ): Promise<{ considered: number; sent: number; skipped: Record<string, number> }> {
      const now = clock.now();
      const students = await deps.sessions.listStudentActivity({
        studentIds,
        signedUpSince: new Date(now.getTime() - 7 * DAY_MS),
        inactiveBefore: new Date(now.getTime() - settings.inactiveDays * DAY_MS),
        inactiveNotBefore: new Date(now.getTime() - settings.giveUpDays * DAY_MS),
        limit: BATCH,
      });
      const ids = students.map((s) => s.studentId);
      const skipped: Record<string, number> = {};
      if (ids.length === 0) return { considered: 0, sent: 0, skipped };
      const [zones, lastNudges, lastChats] = await Promise.all([
        db.select().from(companionStudentSettings).where(inArray(companionStudentSettings.studentId, ids)),
        db
          .select({ studentId: companionNudges.studentId, at: max(companionNudges.sentAt) })
          .from(companionNudges)
          .where(inArray(companionNudges.studentId, ids))
          .groupBy(companionNudges.studentId),
        db
          .select({ studentId: companionChatMessages.studentId, at: max(companionChatMessages.createdAt) })
          .from(companionChatMessages)
          .where(and(inArray(companionChatMessages.studentId, ids), eq(companionChatMessages.role, 'user')))
          .groupBy(companionChatMessages.studentId),
      ]);
      const zoneOf = new Map(zones.map((z) => [z.studentId, z.timezone]));
      const nudgedAt = new Map(lastNudges.map((r) => [r.studentId, r.at ? new Date(r.at) : null]));
      const chattedAt = new Map(lastChats.map((r) => [r.studentId, r.at ? new Date(r.at) : null]));
      let sent = 0;
      for (const s of students) {
        const chat = chattedAt.get(s.studentId) ?? null;
        const lastActiveAt =
          s.lastSessionAt && chat
            ? s.lastSessionAt > chat
              ? s.lastSessionAt
              : chat
            : (s.lastSessionAt ?? chat);
        const verdict = decideNudge(
          {
            signedUpAt: s.signedUpAt,
            sessionsFirstWeek: s.sessionsFirstWeek,
            lastActiveAt,
            lastNudgeAt: nudgedAt.get(s.studentId) ?? null,
            timeZone: zoneOf.get(s.studentId) ?? 'UTC',
          },
          now,
          settings,
        );
        if (!verdict.send) {
          skipped[verdict.why] = (skipped[verdict.why] ?? 0) + 1;
          continue;
        }
        try {
          if (await this.nudgeOne(s, verdict)) sent++;
        } catch (err) {
          deps.logger?.warn({ err, studentId: s.studentId }, 'nudge failed; the next run retries');
        }
      }
      return { considered: students.length, sent, skipped };
    },

    async nudgeOne(
      s: { studentId: string; name: string; sessionsTotal: number; recentSubjects: string[] },
      v: { reason: 'first_week' | 'inactive'; daysInactive: number | null; localDate: string },
    ): Promise<boolean> {
      const [records, goals] = await Promise.all([
        deps.mastery.getMastery(s.studentId),
        db
          .select({ title: companionGoals.title, progress: companionGoals.progress })
          .from(companionGoals)
          .where(and(eq(companionGoals.studentId, s.studentId), eq(companionGoals.status, 'active')))
          .orderBy(desc(companionGoals.progress))
          .limit(1),
      ]);
      const weakest = [...records].sort((a, b) => a.mastery - b.mastery)[0];
      const r = await deps.ai.run(
        engagementNudgeTask,
        {
          firstName: s.name.split(/\s+/)[0] || s.name,
          reason: v.reason,
          daysInactive: v.daysInactive,
          sessionsSoFar: s.sessionsTotal,
          lastSubject: s.recentSubjects[0] ?? null,
          weakestConcept: weakest ? { name: weakest.name, mastery: weakest.mastery } : null,
          closestGoal: goals[0] ?? null,
        },
        { userId: null },
      );
      const m = r.data;
      const { notification } = await deps.notifications.notify({
        studentId: s.studentId,
        type: 'nudge',
        title: m.subject,
        message: m.message,
        callToAction: m.call_to_action,
        actionUrl: weakest
          ? `/student/practice?concept=${encodeURIComponent(weakest.conceptKey)}`
          : '/student',
        urgency: m.urgency,
        data: { reason: v.reason, days_inactive: v.daysInactive, provider: r.provider },
        dedupeKey: `nudge:${s.studentId}:${v.localDate}`,
      });
      const inserted = await db
        .insert(companionNudges)
        .values({
          studentId: s.studentId,
          notificationId: notification.id,
          reason: v.reason,
          localDate: v.localDate,
          message: notification.message,
          subject: notification.title,
          callToAction: notification.call_to_action ?? m.call_to_action,
          urgency: notification.urgency,
          provider: r.provider,
          sentAt: clock.now(),
        })
        .onConflictDoNothing()
        .returning({ id: companionNudges.id });
      return inserted.length > 0;
    },

    /** Sent, opened and acted-on counts (and rates), overall and by reason. */
    async stats() {
      const rows = await db
        .select({
          reason: companionNudges.reason,
          sent: count(),
          opened: count(companionNudges.openedAt),
          acted: sql<number>`count(${companionNudges.actedAt})`.mapWith(Number),
        })
        .from(companionNudges)
        .groupBy(companionNudges.reason);
      return rows.map((r) => ({
        reason: r.reason,
        sent: Number(r.sent),
        opened: Number(r.opened),
        acted: Number(r.acted),
      }));
    },

    async setTimezone(studentId: string, timezone: string) {
      const now = clock.now();
      await db
        .insert(companionStudentSettings)
        .values({ studentId, timezone, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: companionStudentSettings.studentId,
          set: { timezone, updatedAt: now },
        });
    },
  };
}

export type NudgeService = ReturnType<typeof createNudgeService>;
