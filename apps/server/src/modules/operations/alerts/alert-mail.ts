/**
 * Critical alerts by mail to every active operator (ADMIN_EMAIL when there is none). `alert_notifications`
 * is the ledger and the outbox: one row per alert, escalation to critical and recipient under a unique dedupe
 * key, so a re-run check records nothing new and mails nobody twice. The `operations.alert-mail` job sends a
 * row (claimed by compare-and-set on `attempts`, so two concurrent runs cannot both send), with a Message-ID
 * derived from the row id; the check job re-enqueues rows left pending (a lost queue, a crash).
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { TRole } from '@tutorpulse/contracts/identity';
import { anyOf, bulkInsert, rowsOf } from '../../../db/bulk';
import type { Db } from '../../../db/client';
import { alertNotifications, alerts } from '../../../db/schema/index';
import type { AppJobs } from '../../../jobs';
import type { Clock } from '../../../platform/clock';
import type { Logger } from '../../../platform/logger';
import type { Mailer } from '../../../platform/mail/port';
import type { JobContext, JobQueue } from '../../../platform/queue/port';
import type { AlertRow } from './alerts.service';

export const ALERT_MAIL_DEFAULTS = { attempts: 5, backoffMs: 30_000, staleAfterMs: 2 * 60_000 } as const;

export function renderAlertMail(a: AlertRow, dashboardUrl: string): { text: string; html: string } {
  const link = `${dashboardUrl}/operations/alerts/${a.id}`;
  const metrics = Object.entries(a.evidence.metrics)
    .map(([k, v]) => `  ${k}: ${v === null ? '—' : String(v)}`)
    .join('\n');
  const text =
    `${a.title}\n\n${a.description}\n\nSeverity: ${a.severity}\nType: ${a.type}\nFirst seen: ${a.firstSeenAt.toISOString()}\n\n` +
    `Evidence:\n${metrics}\n\nOpen the alert: ${link}\n`;
  const esc = (s: string) =>
    s.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );
  const html =
    `<h2>${esc(a.title)}</h2><p>${esc(a.description)}</p><p><b>Severity:</b> ${esc(a.severity)} · <b>Type:</b> ${esc(a.type)}</p>` +
    `<ul>${Object.entries(a.evidence.metrics)
      .map(([k, v]) => `<li>${esc(k)}: ${esc(v === null ? '—' : String(v))}</li>`)
      .join('')}</ul><p><a href="${esc(link)}">Open the alert</a></p>`;
  return { text, html };
}

export function createAlertMailService(deps: {
  db: Db;
  queue: Pick<JobQueue<AppJobs>, 'addBulk'>;
  mailer: Mailer;
  clock: Clock;
  users: { listActiveEmails(roles: TRole[]): Promise<string[]> };
  config: {
    adminEmail: string;
    mailFrom?: string;
    dashboardUrl?: string;
    attempts?: number;
    backoffMs?: number;
  };
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}) {
  const { db, queue, mailer, clock, config, logger } = deps;
  const attempts = config.attempts ?? ALERT_MAIL_DEFAULTS.attempts;
  const backoffMs = config.backoffMs ?? ALERT_MAIL_DEFAULTS.backoffMs;
  const dashboardUrl = (config.dashboardUrl ?? '').replace(/\/+$/, '');

  async function enqueue(ids: Array<{ id: string; attempts: number }>, sweep: boolean) {
    if (ids.length === 0) return 0;
    const added = await queue.addBulk(
      ids.map((r) => ({
        name: 'operations.alert-mail' as const,
        payload: { notificationId: r.id },
        opts: { jobId: sweep ? `${r.id}:sweep:a${r.attempts}` : r.id, attempts, backoffMs },
      })),
    );
    return added.filter((a) => a.added).length;
  }

  return {
    /**
     * Records and enqueues the mail of a critical alert to every active operator. Severity only rises while an
     * alert is active, so `alert:<id>:critical:<recipient>` is one mail per recipient whether the alert was
     * created critical or escalated later; new evidence on a critical alert mails nobody again.
     */
    async queueCritical(alert: AlertRow): Promise<{ recorded: string[]; all: string[] }> {
      if (alert.severity !== 'critical') return { recorded: [], all: [] };
      const now = clock.now();
      const operators = await deps.users.listActiveEmails(['operator']);
      const recipients = [
        ...new Set((operators.length ? operators : [config.adminEmail]).map((e) => e.trim().toLowerCase())),
      ];
      const subject = `[Tutorpulse] Critical: ${alert.title}`.slice(0, 250);
      const rows = recipients.map((to) => ({
        alertId: alert.id,
        dedupeKey: `alert:${alert.id}:critical:${to}`,
        recipientEmail: to,
        subject,
        createdAt: now,
        updatedAt: now,
      }));
      const recorded = rowsOf<{ id: string }>(
        await db.execute(
          sql`insert into ${bulkInsert(alertNotifications, rows).sql} on conflict (dedupe_key) do nothing returning id`,
        ),
      );
      const existing = await db
        .select({
          id: alertNotifications.id,
          status: alertNotifications.status,
          attempts: alertNotifications.attempts,
        })
        .from(alertNotifications)
        .where(
          anyOf(
            alertNotifications.dedupeKey,
            rows.map((r) => r.dedupeKey),
          ),
        );
      await enqueue(
        existing.filter((r) => r.status === 'pending'),
        false,
      );
      return { recorded: recorded.map((r) => r.id), all: existing.map((r) => r.id) };
    },

    /** The `operations.alert-mail` job. Idempotent: a sent notification is never mailed again. */
    async send(notificationId: string, ctx?: Pick<JobContext, 'attempt' | 'attemptsMax'>): Promise<void> {
      const [row] = await db
        .select()
        .from(alertNotifications)
        .where(eq(alertNotifications.id, notificationId));
      if (!row || row.status !== 'pending') return;
      const [claimed] = await db
        .update(alertNotifications)
        .set({ attempts: sql`${alertNotifications.attempts} + 1`, updatedAt: clock.now() })
        .where(
          and(
            eq(alertNotifications.id, notificationId),
            eq(alertNotifications.attempts, row.attempts),
            eq(alertNotifications.status, 'pending'),
          ),
        )
        .returning();
      if (!claimed) return;
      const [alert] = await db.select().from(alerts).where(eq(alerts.id, claimed.alertId));
      if (!alert) return;
      const domain = /@([A-Za-z0-9.-]+)/.exec(config.mailFrom ?? '')?.[1] ?? 'tutorpulse.local';
      const messageId = `<alert-${claimed.id}@${domain}>`;
      try {
        const mail = renderAlertMail(alert, dashboardUrl);
        const result = await mailer.send({
          to: claimed.recipientEmail,
          subject: claimed.subject,
          text: mail.text,
          html: mail.html,
          headers: { 'Message-ID': messageId, 'X-Tutorpulse-Alert': alert.id },
        });
        await db
          .update(alertNotifications)
          .set({
            status: 'sent',
            sentAt: clock.now(),
            messageId: result.messageId || messageId,
            errorMessage: null,
            updatedAt: clock.now(),
          })
          .where(eq(alertNotifications.id, claimed.id));
      } catch (err) {
        const final = ctx ? ctx.attempt >= ctx.attemptsMax : claimed.attempts >= attempts;
        const message = err instanceof Error ? err.message : String(err);
        await db
          .update(alertNotifications)
          .set({
            status: final ? 'failed' : 'pending',
            errorMessage: message.slice(0, 2000),
            updatedAt: clock.now(),
          })
          .where(and(eq(alertNotifications.id, claimed.id), sql`${alertNotifications.status} <> 'sent'`));
        logger[final ? 'error' : 'warn']({ notificationId, final, err: message }, 'alert mail failed');
        throw err;
      }
    },

    /** Re-enqueues notifications left pending and untouched (lost job); run by the check job. */
    async sweepPending(opts: { staleAfterMs?: number } = {}): Promise<{ requeued: number }> {
      const before = new Date(
        clock.now().getTime() - (opts.staleAfterMs ?? ALERT_MAIL_DEFAULTS.staleAfterMs),
      );
      const rows = await db
        .select({ id: alertNotifications.id, attempts: alertNotifications.attempts })
        .from(alertNotifications)
        .where(and(eq(alertNotifications.status, 'pending'), lte(alertNotifications.updatedAt, before)))
        .orderBy(asc(alertNotifications.createdAt))
        .limit(500);
      const requeued = await enqueue(rows, true);
      if (requeued) logger.info({ requeued }, 'alert mail sweep: pending mails enqueued again');
      return { requeued };
    },

    async list(alertId: string) {
      return db.select().from(alertNotifications).where(eq(alertNotifications.alertId, alertId));
    },
  };
}

export type AlertMailService = ReturnType<typeof createAlertMailService>;
