/**
 * The quality module's mail: a per-session report to ADMIN_EMAIL and an immediate alert to every active coach
 * for a critical flag. `email_reports` is the ledger and the outbox's source of truth:
 *
 *   queue*()   records one row per mail (status pending) under a dedupe key — `session_report:<uuid>:v<version>:
 *              <recipient>` or `critical_alert:<flagId>:<evidence>:<recipient>` — and enqueues `quality.email`
 *              with the report id as job id. Running it again (a re-run tier 1 job) adds no row and no job.
 *   sendReport() is the job handler: a report already `sent` is a no-op; otherwise it claims the row (attempts + 1,
 *              compare-and-set, so two concurrent runs cannot both send), renders, sends with a Message-ID derived
 *              from the report id, and marks it sent. A mailer error is stored (attempts, error_message) and
 *              rethrown so the queue retries with backoff; after the last attempt the row is `failed`.
 *
 * No mail for history: a session whose scheduled end is more than 24 h before now (a backfill, an import, a
 * very late webhook) gets no report and no alert: nobody can act on it any more, and a backfill would
 * otherwise flood the inbox. The rare crash between the SMTP server accepting a message and the row being
 * marked sent re-sends it with the same Message-ID, which mail clients recognise as the same message.
 */
import { and, asc, count, desc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { TRole } from '@tutorpulse/contracts/identity';
import type { TFinding, TSession, TTutorScore } from '@tutorpulse/contracts/quality';
import type { TEmailReport, TEmailReportPage, TEmailReportsQuery } from '@tutorpulse/contracts/quality-flags';
import { anyOf, bulkInsert } from '../../db/bulk';
import type { Db } from '../../db/client';
import { emailReports, flags, sessionFindings } from '../../db/schema/index';
import type { AppJobs } from '../../jobs';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { Mailer } from '../../platform/mail/port';
import type { JobContext, JobQueue } from '../../platform/queue/port';
import { loadTutorNames, toFlagDto, type FlagRow } from './flags.core';
import {
  alertSubject,
  renderCriticalAlert,
  renderSessionReport,
  sessionSubject,
  type RenderedMail,
} from './reports.templates';

type ReportRow = typeof emailReports.$inferSelect;

/** Sessions that ended longer ago than this get no mail (backfilled or imported history). */
export const REPORT_MAX_AGE_MS = 24 * 3_600_000;
export const EMAIL_JOB_DEFAULTS = { attempts: 5, backoffMs: 30_000 } as const;
/**
 * The mail sweep: `email_reports` rows still `pending` and untouched this long have lost their job (Redis
 * restarted empty, a crash between insert and enqueue) and are enqueued again, `batch` at a time until none
 * are left. A row waiting out a retry backoff may get a second job: harmless, sends are claimed (see below).
 */
export const MAIL_SWEEP = { staleAfterMs: 2 * 60_000, batch: 500 } as const;
const MAX_ERROR_LENGTH = 2_000;

export type QueueResult = {
  reportIds: string[];
  skipped?: 'session_not_found' | 'stale' | 'flag_not_found' | 'not_critical';
};

/** `<report-id@domain>`: the same on every attempt, so a re-sent message is recognisably the same one. */
export function messageIdFor(reportId: string, mailFrom: string | undefined): string {
  const domain = /@([A-Za-z0-9.-]+)/.exec(mailFrom ?? '')?.[1] ?? 'tutorpulse.local';
  return `<report-${reportId}@${domain}>`;
}

export function isStale(session: Pick<TSession, 'session_end_time'>, now: Date): boolean {
  return new Date(session.session_end_time).getTime() < now.getTime() - REPORT_MAX_AGE_MS;
}

/** Thrown for reports that can never be rendered (their session or flag is gone): failed at once, no retry. */
class UnrenderableReport extends Error {}

export function createReportService(deps: {
  db: Db;
  queue: Pick<JobQueue<AppJobs>, 'add' | 'addBulk'>;
  mailer: Mailer;
  clock: Clock;
  config: {
    adminEmail: string;
    mailFrom?: string;
    /** Absolute dashboard base URL for links; '' gives site-relative links. */
    dashboardUrl?: string;
    attempts?: number;
    backoffMs?: number;
  };
  users: { listActiveEmails(roles: TRole[]): Promise<string[]> };
  sessions: { getSessionDto(idOrPlatformId: string): Promise<TSession | null> };
  scores: { current(tutorId: string): Promise<Map<number, TTutorScore>> };
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}) {
  const { db, queue, mailer, clock, config, logger } = deps;
  const attempts = config.attempts ?? EMAIL_JOB_DEFAULTS.attempts;
  const backoffMs = config.backoffMs ?? EMAIL_JOB_DEFAULTS.backoffMs;
  const dashboardUrl = (config.dashboardUrl ?? '').replace(/\/+$/, '');

  /** Inserts the rows that are new, and enqueues every row of these keys still pending. */
  async function record(rows: Array<typeof emailReports.$inferInsert>): Promise<string[]> {
    if (rows.length === 0) return [];
    await db.execute(
      sql`insert into ${bulkInsert(emailReports, rows).sql} on conflict (dedupe_key) do nothing`,
    );
    const existing = await db
      .select({ id: emailReports.id, status: emailReports.status })
      .from(emailReports)
      .where(
        anyOf(
          emailReports.dedupeKey,
          rows.map((r) => r.dedupeKey),
        ),
      );
    // Pending rows are (re-)enqueued: a crash between insert and enqueue is healed by the re-run job, and the
    // job id (= report id) makes a second enqueue of a known job a no-op.
    const pending = existing.filter((r) => r.status === 'pending');
    if (pending.length) {
      await queue.addBulk(
        pending.map((r) => ({
          name: 'quality.email' as const,
          payload: { reportId: r.id },
          opts: { jobId: r.id, attempts, backoffMs },
        })),
      );
    }
    return existing.map((r) => r.id);
  }

  async function findingsOf(sessionRowId: string): Promise<TFinding[]> {
    const rows = await db
      .select()
      .from(sessionFindings)
      .where(eq(sessionFindings.sessionId, sessionRowId))
      .orderBy(sessionFindings.id);
    return rows.map((f) => ({
      type: f.type,
      severity: f.severity,
      minutes: f.minutes,
      blames_tutor: f.blamesTutor,
      details: f.details ?? null,
    }));
  }

  /** Flags this session raised or fed: it is their latest session or among their supporting sessions. */
  async function flagsOfSession(platformSessionId: string): Promise<FlagRow[]> {
    return db
      .select()
      .from(flags)
      .where(
        or(
          eq(flags.sessionId, platformSessionId),
          sql`${flags.supportingData}->'sessions' @> jsonb_build_array(${platformSessionId}::text)`,
        ),
      )
      .orderBy(
        desc(
          sql`case ${flags.severity} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end`,
        ),
        flags.id,
      );
  }

  async function score30(tutorId: string): Promise<TTutorScore | null> {
    return (await deps.scores.current(tutorId)).get(30) ?? null;
  }

  async function render(row: ReportRow): Promise<RenderedMail> {
    if (row.kind === 'session_report') {
      const session = row.sessionId ? await deps.sessions.getSessionDto(row.sessionId) : null;
      if (!session) throw new UnrenderableReport('The session no longer exists');
      const [findings, flagRows, score] = await Promise.all([
        findingsOf(session.id),
        flagsOfSession(session.session_id),
        score30(session.tutor_id),
      ]);
      const names = await loadTutorNames(
        db,
        flagRows.map((f) => f.tutorId),
      );
      return renderSessionReport({
        session,
        findings,
        flags: flagRows.map((f) => toFlagDto(f, names.get(f.tutorId) ?? null)),
        score,
        dashboardUrl,
      });
    }
    const [flag] = row.flagId ? await db.select().from(flags).where(eq(flags.id, row.flagId)) : [];
    if (!flag) throw new UnrenderableReport('The flag no longer exists');
    const [names, session, score] = await Promise.all([
      loadTutorNames(db, [flag.tutorId]),
      row.sessionId ? deps.sessions.getSessionDto(row.sessionId) : Promise.resolve(null),
      score30(flag.tutorId),
    ]);
    return renderCriticalAlert({
      flag: toFlagDto(flag, names.get(flag.tutorId) ?? null),
      session,
      score,
      dashboardUrl,
    });
  }

  async function markFailure(row: ReportRow, message: string, final: boolean) {
    await db
      .update(emailReports)
      .set({
        status: final ? 'failed' : 'pending',
        errorMessage: message.slice(0, MAX_ERROR_LENGTH),
        updatedAt: clock.now(),
      })
      .where(and(eq(emailReports.id, row.id), sql`${emailReports.status} <> 'sent'`));
  }

  /**
   * The same for many sessions at once (tier 1 batches), from what the caller already knows: the session's
   * identity and times, and how many of its findings blame the tutor. Stale sessions are skipped.
   */
  async function queueSessionReports(
    items: Array<{
      session: Pick<
        TSession,
        'id' | 'session_id' | 'tutor_id' | 'session_start_time' | 'session_end_time'
      > & {
        tutor_name?: string | null;
      };
      version: number;
      issues: number;
    }>,
  ): Promise<QueueResult> {
    const now = clock.now();
    const fresh = items.filter((i) => !isStale(i.session, now));
    if (fresh.length === 0) return { reportIds: [], ...(items.length ? { skipped: 'stale' as const } : {}) };
    const missing = fresh.filter((i) => i.session.tutor_name === undefined).map((i) => i.session.tutor_id);
    const names = await loadTutorNames(db, missing);
    const recipient = config.adminEmail.trim().toLowerCase();
    const reportIds = await record(
      fresh.map(({ session, version, issues }) => ({
        kind: 'session_report' as const,
        dedupeKey: `session_report:${session.id}:v${version}:${recipient}`,
        sessionId: session.id,
        recipientEmail: recipient,
        subject: sessionSubject(
          { ...session, tutor_name: session.tutor_name ?? names.get(session.tutor_id) ?? null },
          issues,
        ),
        createdAt: now,
        updatedAt: now,
      })),
    );
    return { reportIds };
  }

  return {
    /**
     * Records and enqueues the per-session report (to ADMIN_EMAIL) for this version of the session. Call it
     * after the processing transaction committed. Skips sessions that ended more than 24 h ago.
     */
    async queueSessionReport(input: { sessionRowId: string; version: number }): Promise<QueueResult> {
      const session = await deps.sessions.getSessionDto(input.sessionRowId);
      if (!session) return { reportIds: [], skipped: 'session_not_found' };
      if (isStale(session, clock.now())) return { reportIds: [], skipped: 'stale' };
      const [issues] = await db
        .select({ n: count() })
        .from(sessionFindings)
        .where(and(eq(sessionFindings.sessionId, session.id), eq(sessionFindings.blamesTutor, true)));
      return queueSessionReports([{ session, version: input.version, issues: issues?.n ?? 0 }]);
    },

    queueSessionReports,

    /**
     * Records and enqueues an alert about a critical flag to every active coach (ADMIN_EMAIL when there is
     * none). One mail per flag, piece of evidence (the session, or the flag itself) and recipient.
     */
    async queueCriticalAlert(input: { flagId: string; sessionRowId?: string }): Promise<QueueResult> {
      const [flag] = await db.select().from(flags).where(eq(flags.id, input.flagId));
      if (!flag) return { reportIds: [], skipped: 'flag_not_found' };
      if (flag.severity !== 'critical') return { reportIds: [], skipped: 'not_critical' };
      const now = clock.now();
      if (input.sessionRowId) {
        const session = await deps.sessions.getSessionDto(input.sessionRowId);
        if (!session) return { reportIds: [], skipped: 'session_not_found' };
        if (isStale(session, now)) return { reportIds: [], skipped: 'stale' };
      }
      const coaches = await deps.users.listActiveEmails(['coach']);
      const recipients = [
        ...new Set((coaches.length ? coaches : [config.adminEmail]).map((e) => e.trim().toLowerCase())),
      ];
      const names = await loadTutorNames(db, [flag.tutorId]);
      const subject = alertSubject({
        title: flag.title,
        tutor_id: flag.tutorId,
        tutor_name: names.get(flag.tutorId) ?? null,
      });
      const evidence = input.sessionRowId ? `session:${input.sessionRowId}` : 'flag';
      const reportIds = await record(
        recipients.map((to) => ({
          kind: 'critical_alert' as const,
          dedupeKey: `critical_alert:${flag.id}:${evidence}:${to}`,
          sessionId: input.sessionRowId ?? null,
          flagId: flag.id,
          recipientEmail: to,
          subject,
          createdAt: now,
          updatedAt: now,
        })),
      );
      return { reportIds };
    },

    /** The `quality.email` job handler. Idempotent: a sent report is never mailed again. */
    async sendReport(reportId: string, ctx?: Pick<JobContext, 'attempt' | 'attemptsMax'>): Promise<void> {
      const [row] = await db.select().from(emailReports).where(eq(emailReports.id, reportId));
      if (!row) {
        logger.warn(
          { reportId },
          'email report not found (its session or flag was deleted): nothing to send',
        );
        return;
      }
      if (row.status === 'sent') return;
      // Claim this attempt: whoever moves `attempts` on first sends; a concurrent duplicate run backs off.
      const [claimed] = await db
        .update(emailReports)
        .set({ attempts: sql`${emailReports.attempts} + 1`, updatedAt: clock.now() })
        .where(
          and(
            eq(emailReports.id, reportId),
            eq(emailReports.attempts, row.attempts),
            sql`${emailReports.status} <> 'sent'`,
          ),
        )
        .returning();
      if (!claimed) return;

      let mail: RenderedMail;
      try {
        mail = await render(claimed);
      } catch (err) {
        if (err instanceof UnrenderableReport) {
          logger.warn({ reportId, reason: err.message }, 'email report cannot be rendered: marked failed');
          await markFailure(claimed, err.message, true);
          return;
        }
        throw err;
      }
      const messageId = messageIdFor(reportId, config.mailFrom);
      try {
        const result = await mailer.send({
          to: claimed.recipientEmail,
          subject: claimed.subject,
          text: mail.text,
          html: mail.html,
          headers: { 'Message-ID': messageId, 'X-Tutorpulse-Report': `${claimed.kind}; id=${reportId}` },
        });
        await db
          .update(emailReports)
          .set({
            status: 'sent',
            sentAt: clock.now(),
            messageId: result.messageId || messageId,
            errorMessage: null,
            updatedAt: clock.now(),
          })
          .where(eq(emailReports.id, reportId));
      } catch (err) {
        const final = ctx ? ctx.attempt >= ctx.attemptsMax : claimed.attempts >= attempts;
        const message = err instanceof Error ? err.message : String(err);
        await markFailure(claimed, message, final);
        logger[final ? 'error' : 'warn'](
          { reportId, attempt: ctx?.attempt ?? claimed.attempts, final, err: message },
          final ? 'email report failed for good' : 'email report failed; the queue will retry',
        );
        throw err;
      }
    },

    /**
     * Re-enqueues pending mails nobody is working on (see MAIL_SWEEP), oldest first, until none are left. The job
     * id carries the row's attempt count, so repeated sweeps of one attempt enqueue it once.
     */
    async sweepPending(opts: Partial<typeof MAIL_SWEEP> = {}): Promise<{ requeued: number }> {
      const cfg = { ...MAIL_SWEEP, ...opts };
      const before = new Date(clock.now().getTime() - cfg.staleAfterMs);
      let requeued = 0;
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const rows = await db
          .select({ id: emailReports.id, attempts: emailReports.attempts, createdAt: emailReports.createdAt })
          .from(emailReports)
          .where(
            and(
              eq(emailReports.status, 'pending'),
              lte(emailReports.updatedAt, before),
              after
                ? or(
                    sql`${emailReports.createdAt} > ${after.createdAt}`,
                    and(eq(emailReports.createdAt, after.createdAt), sql`${emailReports.id} > ${after.id}`),
                  )
                : undefined,
            ),
          )
          .orderBy(asc(emailReports.createdAt), asc(emailReports.id))
          .limit(cfg.batch);
        if (rows.length === 0) break;
        const added = await queue.addBulk(
          rows.map((r) => ({
            name: 'quality.email' as const,
            payload: { reportId: r.id },
            opts: { jobId: `${r.id}:sweep:a${r.attempts}`, attempts, backoffMs },
          })),
        );
        requeued += added.filter((a) => a.added).length;
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
        if (rows.length < cfg.batch) break;
      }
      if (requeued > 0) logger.info({ requeued }, 'mail sweep: pending mails enqueued again');
      return { requeued };
    },

    /** Admin view of the ledger, newest first. */
    async list(q: TEmailReportsQuery): Promise<TEmailReportPage> {
      const where: SQL[] = [];
      if (q.status) where.push(inArray(emailReports.status, q.status));
      if (q.kind) where.push(eq(emailReports.kind, q.kind));
      if (q.session_id) where.push(eq(emailReports.sessionId, q.session_id));
      if (q.flag_id) where.push(eq(emailReports.flagId, q.flag_id));
      const cond = where.length ? and(...where) : undefined;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(emailReports)
          .where(cond)
          .orderBy(desc(emailReports.createdAt), desc(emailReports.id))
          .limit(q.limit)
          .offset(q.offset),
        db.select({ n: count() }).from(emailReports).where(cond),
      ]);
      return { data: rows.map(toEmailReportDto), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
    },
  };
}

export function toEmailReportDto(r: ReportRow): TEmailReport {
  return {
    id: r.id,
    kind: r.kind,
    session_id: r.sessionId,
    flag_id: r.flagId,
    recipient_email: r.recipientEmail,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    message_id: r.messageId,
    sent_at: r.sentAt?.toISOString() ?? null,
    error_message: r.errorMessage,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export type ReportService = ReturnType<typeof createReportService>;
