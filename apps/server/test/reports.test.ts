/**
 * Email reports on the real database: the per-session report lands in the outbox exactly once however often
 * the job runs, critical alerts go to each active coach (ADMIN_EMAIL when there is none), a failing mailer is
 * counted, stored and retried until the last attempt marks the report failed, real SMTP to a local
 * smtp-server, no mail for sessions that ended more than 24 h ago, and the job going through the real queue.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailReports, flags, sessionFindings, sessions, students, tutors } from '../src/db/schema/index';
import { raiseFlag } from '../src/modules/quality/flags.core';
import { createReportService, type ReportService } from '../src/modules/quality/reports.service';
import { evaluateSession, flagForFinding, type SessionFacts } from '../src/modules/quality/rules';
import type { Mailer } from '../src/platform/mail/port';
import { createSmtpMailer } from '../src/platform/mail/smtp-mailer';
import { bearer, createTestApp, createUser, login, type Session, type TestApp } from './helpers/build-app';

const ADMIN_EMAIL = 'reports-admin@example.com';
const NOW = new Date('2026-11-20T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

let t: TestApp;
let reports: ReportService;
let admin: Session;
let coach: Session;

let seq = 0;
/**
 * Inserts a session ending `endedAgoMs` before now and runs the real rules on it: findings stored, flags
 * raised as tier 1 would. Returns the session row id and the flags raised.
 */
async function plantProcessedSession(opts: {
  endedAgoMs: number;
  lateMin?: number;
  noShow?: boolean;
  rating?: number;
}) {
  const db = t.rt.database.db;
  const end = new Date(NOW.getTime() - opts.endedAgoMs);
  const start = new Date(end.getTime() - HOUR);
  const tutorJoin = opts.noShow ? null : new Date(start.getTime() + (opts.lateMin ?? 0) * MIN);
  const platformId = `ses-r-${++seq}`;
  const [row] = await db
    .insert(sessions)
    .values({
      sessionId: platformId,
      tutorId: 'tut-r1',
      studentId: 'stu-r1',
      sessionStartTime: start,
      sessionEndTime: end,
      tutorJoinTime: tutorJoin,
      studentJoinTime: start,
      tutorLeaveTime: tutorJoin ? end : null,
      studentLeaveTime: end,
      subjectsCovered: ['algebra-1'],
      sessionLengthScheduled: 60,
      studentFeedbackRating: opts.rating ?? null,
      studentFeedbackDescription: opts.rating ? 'Waited a while <again>' : null,
      contentHash: `h-${platformId}`,
      processingStatus: 'processed',
    })
    .returning({ id: sessions.id });
  const facts: SessionFacts = {
    sessionId: platformId,
    tutorId: 'tut-r1',
    start,
    end,
    tutorJoin,
    studentJoin: start,
    tutorLeave: tutorJoin ? end : null,
    studentLeave: end,
    isFirstSession: false,
    studentRating: opts.rating ?? null,
    wasRescheduled: false,
    rescheduledBy: null,
  };
  const findings = evaluateSession(facts);
  if (findings.length) {
    await db.insert(sessionFindings).values(
      findings.map((f) => ({
        sessionId: row!.id,
        tutorId: 'tut-r1',
        occurredAt: start,
        type: f.type,
        severity: f.severity,
        minutes: f.minutes,
        blamesTutor: f.blamesTutor,
        details: f.details,
      })),
    );
  }
  const raised = [];
  for (const f of findings) {
    const decision = flagForFinding(f, facts);
    if (!decision) continue;
    raised.push(
      (
        await raiseFlag(db, {
          tutorId: 'tut-r1',
          decision,
          sessionId: platformId,
          evidenceKey: `session:${row!.id}:v1`,
          at: NOW,
        })
      ).flag,
    );
  }
  return { id: row!.id, platformId, flags: raised };
}

const outboxDir = () => path.join(t.dataDir, 'outbox');
const seenFiles = new Set<string>();
/** Every mail in the outbox (the clock is frozen, so file names do not sort by arrival). */
async function outbox(): Promise<ParsedMail[]> {
  if (!existsSync(outboxDir())) return [];
  const files = (await readdir(outboxDir())).filter((f) => f.endsWith('.eml'));
  return Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(outboxDir(), f)))));
}
/** Mails that arrived since the last call. */
async function newMail(): Promise<ParsedMail[]> {
  if (!existsSync(outboxDir())) return [];
  const files = (await readdir(outboxDir())).filter((f) => f.endsWith('.eml') && !seenFiles.has(f));
  files.forEach((f) => seenFiles.add(f));
  return Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(outboxDir(), f)))));
}
const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  [field ?? []].flat().flatMap((g) => g.value.map((a) => a.address ?? ''));
const reportRow = async (id: string) =>
  (await t.rt.database.db.select().from(emailReports).where(eq(emailReports.id, id)))[0]!;

/** A report service over the test database with other adapters: a failing mailer, SMTP, no coaches. */
function reportServiceWith(over: Partial<Parameters<typeof createReportService>[0]>) {
  const queued: string[] = [];
  const service = createReportService({
    db: t.rt.database.db,
    queue: {
      add: async (_name, payload, opts) => {
        queued.push((payload as { reportId: string }).reportId);
        return { id: opts?.jobId ?? '', added: true };
      },
      addBulk: async (jobs) =>
        jobs.map((j) => {
          queued.push((j.payload as { reportId: string }).reportId);
          return { id: j.opts?.jobId ?? '', added: true };
        }),
    },
    mailer: t.rt.mailer,
    clock: t.clock,
    config: {
      adminEmail: ADMIN_EMAIL,
      mailFrom: t.rt.config.mailFrom,
      dashboardUrl: 'https://tp.example.com',
    },
    users: t.app.services.users,
    sessions: t.app.services.sessions,
    scores: t.app.services.scores,
    logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    ...over,
  });
  return { service, queued };
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW.toISOString(), loginRateLimitPerMinute: 1000, env: { ADMIN_EMAIL } });
  reports = t.app.services.reports;
  await createUser(t, { email: 'admin@rep.test', role: 'admin' });
  await createUser(t, { email: 'coach-b@rep.test', role: 'coach' });
  await createUser(t, { email: 'coach-a@rep.test', role: 'coach' });
  await createUser(t, { email: 'coach-gone@rep.test', role: 'coach', disabled: true });
  await createUser(t, { email: 'viewer@rep.test', role: 'viewer' });
  admin = await login(t, 'admin@rep.test');
  coach = await login(t, 'coach-a@rep.test');
  const db = t.rt.database.db;
  await db.insert(tutors).values({ id: 'tut-r1', name: 'Rita Tutor' });
  await db.insert(students).values({ id: 'stu-r1', name: 'Sam Student' });
});
afterAll(() => t?.close());

describe('per-session report', () => {
  it('lands in the outbox exactly once, however often it is queued and sent', async () => {
    const s = await plantProcessedSession({ endedAgoMs: HOUR, lateMin: 25, rating: 2 });
    await t.app.services.scores.rescore(['tut-r1']);
    const first = await reports.queueSessionReport({ sessionRowId: s.id, version: 1 });
    const again = await reports.queueSessionReport({ sessionRowId: s.id, version: 1 });
    expect(first.reportIds).toHaveLength(1);
    expect(again.reportIds).toEqual(first.reportIds);
    const id = first.reportIds[0]!;
    expect(await reportRow(id)).toMatchObject({
      kind: 'session_report',
      status: 'pending',
      attempts: 0,
      sessionId: s.id,
      recipientEmail: ADMIN_EMAIL,
      dedupeKey: `session_report:${s.id}:v1:${ADMIN_EMAIL}`,
    });

    await reports.sendReport(id, { attempt: 1, attemptsMax: 5 });
    await reports.sendReport(id, { attempt: 1, attemptsMax: 5 }); // a re-delivered job
    await Promise.all([reports.sendReport(id), reports.sendReport(id)]);
    const mails = await outbox();
    expect(mails).toHaveLength(1);
    const row = await reportRow(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, sentAt: NOW, errorMessage: null });
    expect(row.messageId).toBe(`<report-${id}@tutorpulse.local>`);

    const mail = mails[0]!;
    expect(addressesOf(mail.to)).toEqual([ADMIN_EMAIL]);
    expect(mail.messageId).toBe(row.messageId);
    expect(mail.subject).toBe(row.subject);
    expect(mail.subject).toMatch(new RegExp(`Session ${s.platformId} — Rita Tutor, .* — 1 issue`));
    const text = mail.text ?? '';
    expect(text).toMatch(/Tutor:\s+Rita Tutor \(tut-r1\)/);
    expect(text).toMatch(/Tutor joined:\s+\S+ \S+ UTC \(25 min late\)/);
    expect(text).toMatch(/Student rating:\s+2\/5 — “Waited a while <again>”/);
    expect(text).toContain('[HIGH] tutor late: 25 min');
    expect(text).toMatch(/\[HIGH\] .* \(open\) — http:\/\/127\.0\.0\.1:\d+\/quality\/flags\/[0-9a-f-]{36}/);
    expect(text).toMatch(/Overall \(30 days\):\s+\d+\/100/);
    expect(mail.html).toContain('Waited a while &lt;again&gt;');
  });

  it('sends another report for a corrected version of the session', async () => {
    const s = await plantProcessedSession({ endedAgoMs: 2 * HOUR });
    const v1 = await reports.queueSessionReport({ sessionRowId: s.id, version: 1 });
    const v2 = await reports.queueSessionReport({ sessionRowId: s.id, version: 2 });
    expect(v2.reportIds[0]).not.toBe(v1.reportIds[0]);
    expect((await reportRow(v1.reportIds[0]!)).subject).toMatch(/no issues$/);
  });

  it('sends nothing for a session that ended more than 24 h ago (backfilled history)', async () => {
    const stale = await plantProcessedSession({ endedAgoMs: 24 * HOUR + MIN, noShow: true });
    expect(await reports.queueSessionReport({ sessionRowId: stale.id, version: 1 })).toEqual({
      reportIds: [],
      skipped: 'stale',
    });
    const critical = stale.flags.find((f) => f.severity === 'critical')!;
    expect(await reports.queueCriticalAlert({ flagId: critical.id, sessionRowId: stale.id })).toEqual({
      reportIds: [],
      skipped: 'stale',
    });
    const rows = await t.rt.database.db
      .select()
      .from(emailReports)
      .where(eq(emailReports.sessionId, stale.id));
    expect(rows).toEqual([]);
    // Just inside the window still reports.
    const recent = await plantProcessedSession({ endedAgoMs: 24 * HOUR - MIN });
    expect(
      (await reports.queueSessionReport({ sessionRowId: recent.id, version: 1 })).reportIds,
    ).toHaveLength(1);
  });

  it('skips an unknown session', async () => {
    expect(
      await reports.queueSessionReport({ sessionRowId: '00000000-0000-4000-8000-000000000001', version: 1 }),
    ).toEqual({
      reportIds: [],
      skipped: 'session_not_found',
    });
  });
});

describe('critical alert', () => {
  it('goes to each active coach once, with the flag, why, the action and the dashboard link', async () => {
    const s = await plantProcessedSession({ endedAgoMs: 30 * MIN, noShow: true });
    const flag = s.flags.find((f) => f.severity === 'critical')!;
    expect(flag.flagType).toBe('tutor_no_show');
    await newMail();
    const r = await reports.queueCriticalAlert({ flagId: flag.id, sessionRowId: s.id });
    expect(r.reportIds).toHaveLength(2);
    expect(
      (await reports.queueCriticalAlert({ flagId: flag.id, sessionRowId: s.id })).reportIds.sort(),
    ).toEqual([...r.reportIds].sort());
    for (const id of r.reportIds) await reports.sendReport(id);
    for (const id of r.reportIds) await reports.sendReport(id);
    const mails = await newMail();
    expect(mails.flatMap((m) => addressesOf(m.to)).sort()).toEqual(['coach-a@rep.test', 'coach-b@rep.test']);
    const rows = await Promise.all(r.reportIds.map(reportRow));
    expect(rows.map((x) => x.dedupeKey).sort()).toEqual([
      `critical_alert:${flag.id}:session:${s.id}:coach-a@rep.test`,
      `critical_alert:${flag.id}:session:${s.id}:coach-b@rep.test`,
    ]);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`[Tutorpulse] CRITICAL: ${flag.title} — Rita Tutor`);
    expect(mail.text).toContain(flag.description);
    expect(mail.text).toContain(flag.recommendedAction!);
    expect(mail.text).toMatch(
      new RegExp(`Open the flag: http://127\\.0\\.0\\.1:\\d+/quality/flags/${flag.id}`),
    );
    expect(mail.text).toMatch(/Tutor joined:\s+did not join/);
    expect(mail.html).toContain(`/quality/flags/${flag.id}"`);
  });

  it('falls back to ADMIN_EMAIL when there is no active coach', async () => {
    const s = await plantProcessedSession({ endedAgoMs: 20 * MIN, noShow: true });
    const flag = s.flags.find((f) => f.severity === 'critical')!;
    const { service, queued } = reportServiceWith({ users: { listActiveEmails: async () => [] } });
    const r = await service.queueCriticalAlert({ flagId: flag.id, sessionRowId: s.id });
    expect(queued).toEqual(r.reportIds);
    expect((await reportRow(r.reportIds[0]!)).recipientEmail).toBe(ADMIN_EMAIL);
  });

  it('does not alert for a flag that is not critical', async () => {
    const [late] = await t.rt.database.db.select().from(flags).where(eq(flags.flagType, 'tutor_late'));
    expect(await reports.queueCriticalAlert({ flagId: late!.id })).toEqual({
      reportIds: [],
      skipped: 'not_critical',
    });
  });
});

describe('when the mailer fails', () => {
  it('counts the attempt, stores the error, rethrows for a retry, and marks the report failed after the last', async () => {
    const failing: Mailer = {
      kind: 'smtp',
      send: async () => {
        throw new Error('451 4.3.0 Temporary server error');
      },
      close: async () => {},
    };
    const { service, queued } = reportServiceWith({ mailer: failing });
    const s = await plantProcessedSession({ endedAgoMs: 10 * MIN });
    const [id] = (await service.queueSessionReport({ sessionRowId: s.id, version: 1 })).reportIds;
    expect(queued).toEqual([id]);

    await expect(service.sendReport(id!, { attempt: 1, attemptsMax: 3 })).rejects.toThrow('451 4.3.0');
    expect(await reportRow(id!)).toMatchObject({
      status: 'pending',
      attempts: 1,
      errorMessage: '451 4.3.0 Temporary server error',
    });
    await expect(service.sendReport(id!, { attempt: 2, attemptsMax: 3 })).rejects.toThrow();
    expect(await reportRow(id!)).toMatchObject({ status: 'pending', attempts: 2 });
    await expect(service.sendReport(id!, { attempt: 3, attemptsMax: 3 })).rejects.toThrow();
    expect(await reportRow(id!)).toMatchObject({
      status: 'failed',
      attempts: 3,
      sentAt: null,
      messageId: null,
    });

    // The admin ledger shows it; coaches may not see it.
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/email-reports?status=failed',
      headers: bearer(admin),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1 });
    expect(list.json().data[0]).toMatchObject({
      id,
      status: 'failed',
      attempts: 3,
      error_message: '451 4.3.0 Temporary server error',
    });
    const denied = await t.app.inject({ method: 'GET', url: '/api/email-reports', headers: bearer(coach) });
    expect(denied.statusCode).toBe(403);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/email-reports?status=lost',
      headers: bearer(admin),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('querystring.status');

    // A later retry that succeeds (e.g. an admin re-running the failed job) sends it and clears the error.
    await reports.sendReport(id!);
    expect(await reportRow(id!)).toMatchObject({ status: 'sent', attempts: 4, errorMessage: null });
  });
});

describe('over real SMTP', () => {
  it('delivers to a local smtp-server with the stable Message-ID', async () => {
    const received: Array<{ mail: ParsedMail; rcptTo: string[] }> = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            received.push({ mail, rcptTo: session.envelope.rcptTo.map((r) => r.address) });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    const mailer = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: t.rt.config.mailFrom });
    try {
      const { service } = reportServiceWith({ mailer });
      const s = await plantProcessedSession({ endedAgoMs: 5 * MIN, lateMin: 8 });
      const [id] = (await service.queueSessionReport({ sessionRowId: s.id, version: 1 })).reportIds;
      await service.sendReport(id!, { attempt: 1, attemptsMax: 5 });
      await service.sendReport(id!, { attempt: 1, attemptsMax: 5 });
      expect(received).toHaveLength(1);
      expect(received[0]!.rcptTo).toEqual([ADMIN_EMAIL]);
      expect(received[0]!.mail.messageId).toBe(`<report-${id}@tutorpulse.local>`);
      expect(received[0]!.mail.text).toContain('[MEDIUM] tutor late: 8 min');
      expect(received[0]!.mail.text).toContain('https://tp.example.com/quality/sessions/');
      expect(await reportRow(id!)).toMatchObject({
        status: 'sent',
        messageId: `<report-${id}@tutorpulse.local>`,
      });
    } finally {
      await mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('through the job queue', () => {
  it('the quality.email job sends a queued report once', async () => {
    await t.rt.queue.work({ 'quality.email': (p, ctx) => reports.sendReport(p.reportId, ctx) });
    // Drain what earlier tests queued without a worker running.
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    const before = (await outbox()).length;
    const s = await plantProcessedSession({ endedAgoMs: 3 * MIN });
    const [id] = (await reports.queueSessionReport({ sessionRowId: s.id, version: 1 })).reportIds;
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    expect(await reportRow(id!)).toMatchObject({ status: 'sent', attempts: 1 });
    // Queuing it again (a re-run tier 1 job) neither adds a job for a sent report nor mails again.
    await reports.queueSessionReport({ sessionRowId: s.id, version: 1 });
    await t.rt.queue.whenIdle({ timeoutMs: 20_000 });
    expect((await outbox()).length).toBe(before + 1);
  });
});
