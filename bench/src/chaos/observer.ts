/**
 * What the chaos run checks, from the outside: the run's database (sessions stored and processed, duplicates
 * by business key, mails pending), the outbox directory (each mail file names its report), and each API's
 * health route. The database connection tolerates the server going away (a query then returns null).
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export type DbSnapshot = {
  stored: number;
  /** Sessions in `processed`. */
  processed: number;
  /** Processed, and analysed by tier 2 when they carry a transcript or summary. */
  fullyProcessed: number;
  failed: number;
  dupSessions: number;
  dupFindings: number;
  /** More than one open flag of a type per tutor. */
  dupOpenFlags: number;
  /** The same session's evidence recorded twice on a flag. */
  dupFlagEvidence: number;
  /** Occurrences counted beyond the evidence recorded. */
  dupFlagOccurrences: number;
  /** Session reports recorded twice for one session and recipient. */
  dupMailRows: number;
  mailsPending: number;
  mailsSent: number;
  mailsFailed: number;
  /** Sessions whose tier 1 pass ran more than once (allowed when it had no duplicate effect). */
  rerunPasses: number;
  /** Session ids stored, with their status. */
  statusOf: Map<string, string>;
};

const SNAPSHOT_SQL = `
select
  (select count(*)::int from sessions) as stored,
  (select count(*)::int - count(distinct session_id)::int from sessions) as dup_sessions,
  (select count(*)::int from sessions where processing_status = 'processed') as processed,
  (select count(*)::int from sessions s where s.processing_status = 'processed' and (
      (s.transcript is null and s.ai_summary is null)
      or exists (select 1 from session_analyses a where a.session_id = s.id and a.session_version = s.version)
  )) as fully_processed,
  (select count(*)::int from sessions where processing_status = 'failed') as failed,
  (select count(*)::int - count(distinct (session_id, type))::int from session_findings) as dup_findings,
  (select coalesce(sum(n - 1), 0)::int from (
      select count(*) as n from flags where status in ('open', 'in_progress')
      group by tutor_id, flag_type having count(*) > 1) x) as dup_open_flags,
  (select coalesce(sum(n - 1), 0)::int from (
      select count(*) as n from flag_events
      where dedupe_key is not null and details->>'session_id' is not null
      group by flag_id, details->>'session_id' having count(*) > 1) x) as dup_flag_evidence,
  (select coalesce(sum(greatest(0, f.occurrences - greatest(1, (
      select count(*) from flag_events e where e.flag_id = f.id and e.dedupe_key is not null)))), 0)::int
    from flags f) as dup_flag_occurrences,
  (select coalesce(sum(n - 1), 0)::int from (
      select count(*) as n from email_reports where kind = 'session_report'
      group by session_id, recipient_email having count(*) > 1) x) as dup_mail_rows,
  (select count(*)::int from email_reports where status = 'pending') as mails_pending,
  (select count(*)::int from email_reports where status = 'sent') as mails_sent,
  (select count(*)::int from email_reports where status = 'failed') as mails_failed,
  (select coalesce(sum(n - 1), 0)::int from (
      select count(*) as n from events where type = 'session.processed'
      group by payload->>'session_id' having count(*) > 1) x) as rerun_passes
`;

export function createObserver(opts: { databaseUrl: string; outboxDir: string; healthPath: string }) {
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 3_000,
    statement_timeout: 10_000,
  });
  // A restarted server ends idle connections: that is expected here, the next query opens a new one.
  pool.on('error', () => {});

  async function snapshot(): Promise<DbSnapshot | null> {
    try {
      const { rows } = await pool.query<Record<string, number>>(SNAPSHOT_SQL);
      const r = rows[0]!;
      const ids = await pool.query<{ session_id: string; processing_status: string }>(
        'select session_id, processing_status from sessions',
      );
      return {
        stored: r.stored!,
        processed: r.processed!,
        fullyProcessed: r.fully_processed!,
        failed: r.failed!,
        dupSessions: r.dup_sessions!,
        dupFindings: r.dup_findings!,
        dupOpenFlags: r.dup_open_flags!,
        dupFlagEvidence: r.dup_flag_evidence!,
        dupFlagOccurrences: r.dup_flag_occurrences!,
        dupMailRows: r.dup_mail_rows!,
        mailsPending: r.mails_pending!,
        mailsSent: r.mails_sent!,
        mailsFailed: r.mails_failed!,
        rerunPasses: r.rerun_passes!,
        statusOf: new Map(ids.rows.map((x) => [x.session_id, x.processing_status])),
      };
    } catch {
      return null;
    }
  }

  /** How many of these sessions are processed; null when the database does not answer. */
  async function processedAmong(sessionIds: string[]): Promise<number | null> {
    if (sessionIds.length === 0) return 0;
    try {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from sessions where session_id = any($1::text[]) and processing_status = 'processed'`,
        [sessionIds],
      );
      return rows[0]!.n;
    } catch {
      return null;
    }
  }

  // Each `.eml` is written once and never changes: remember the report id of the ones already read.
  const reportOfFile = new Map<string, string | null>();
  /** Mail files in the outbox, and how many report ids appear in more than one of them. */
  function scanOutbox(): { files: number; duplicates: number } {
    let names: string[] = [];
    try {
      names = readdirSync(opts.outboxDir).filter((n) => n.endsWith('.eml'));
    } catch {
      return { files: 0, duplicates: 0 };
    }
    const perReport = new Map<string, number>();
    const buf = Buffer.alloc(8_192);
    for (const name of names) {
      let id = reportOfFile.get(name);
      if (id === undefined) {
        const fd = openSync(path.join(opts.outboxDir, name), 'r');
        try {
          const n = readSync(fd, buf, 0, buf.length, 0);
          const head = buf.subarray(0, n).toString('utf8').split('\r\n\r\n')[0] ?? '';
          id = /^X-Tutorpulse-Report:.*?id=([0-9a-f-]+)/im.exec(head)?.[1] ?? null;
        } finally {
          closeSync(fd);
        }
        reportOfFile.set(name, id);
      }
      if (id) perReport.set(id, (perReport.get(id) ?? 0) + 1);
    }
    let duplicates = 0;
    for (const n of perReport.values()) duplicates += n - 1;
    return { files: names.length, duplicates };
  }

  /** Whether every one of these API base URLs answers its health route with 200 within 2 s. */
  async function allHealthy(baseUrls: string[]): Promise<boolean> {
    if (baseUrls.length === 0) return false;
    const answers = await Promise.all(
      baseUrls.map((u) =>
        fetch(`${u}${opts.healthPath}`, { signal: AbortSignal.timeout(2_000) })
          .then(async (r) => {
            await r.arrayBuffer();
            return r.status === 200;
          })
          .catch(() => false),
      ),
    );
    return answers.every(Boolean);
  }

  /** `select 1` with a fresh connection: whether the server takes work again. */
  async function databaseUp(): Promise<boolean> {
    try {
      await pool.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  return { snapshot, processedAmong, scanOutbox, allHealthy, databaseUp, close: () => pool.end() };
}

export type Observer = ReturnType<typeof createObserver>;
