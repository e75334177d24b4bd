/**
 * Transcripts → concepts → mastery. Two ways in, one processing path:
 * - `upload`: a transcript in any accepted format, checked and normalised at once (bad input is a 4xx and
 *   stores nothing), kept in `transcript_uploads` (pending) and analysed by the `companion.transcript` job;
 * - `consumeSession`: a session whose transcript arrived by the quality module's webhook (the job tier 1
 *   queues beside tier 2): a `source = 'session'` row without text — the transcript is read through the
 *   sessions module when it is analysed, never copied.
 * Processing: pending → processing → completed | failed (with the error; `retry` sends it back to pending).
 * The analysis (AI port: the model, or the local analysis) names catalogue concepts; new ones join the
 * catalogue; each concept's signals become mastery evidence with dedupe keys, so a re-run counts once.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import {
  MAX_UPLOAD_TRANSCRIPT_CHARS,
  type TTranscriptUpload,
  type TUploadTranscriptRequest,
} from '@tutorpulse/contracts/companion';
import type { Db } from '../../../db/client';
import { transcriptAnalyses, transcriptUploads } from '../../../db/schema/index';
import type { AppJobs } from '../../../jobs';
import type { AiPort } from '../../../platform/ai/port';
import type { Principal } from '../../../platform/auth/principal';
import type { Clock } from '../../../platform/clock';
import { AppError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { JobContext, JobQueue } from '../../../platform/queue/port';
import type { StudentAccess } from '../access';
import type { ConceptRow, ConceptService } from '../concepts/concepts.service';
import type { MasteryService, RecordEvidenceInput } from '../mastery/mastery.types';
import type { CompanionLearningHooks } from '../learning';
import type { AnalysisConcept, TranscriptAnalysis } from './analysis.types';
import { createTranscriptAnalysisTask } from './analysis.task';
import { normalizeTranscript, TranscriptFormatError, type NormalizedTranscript } from './formats';
import { analyzeTranscriptLocally, type CatalogueEntry } from './local-analysis';

type UploadRow = typeof transcriptUploads.$inferSelect;
type AnalysisRow = typeof transcriptAnalyses.$inferSelect;

/** What the companion reads of a session (through the sessions module). */
export type CompanionSession = {
  id: string;
  studentId: string;
  version: number;
  transcript: string | null;
  subjectsCovered: string[];
  sessionStartTime: Date;
};

export type TranscriptServiceDeps = {
  db: Db;
  clock: Clock;
  queue: Pick<JobQueue<AppJobs>, 'add'>;
  ai: AiPort;
  concepts: ConceptService;
  mastery: MasteryService;
  access: StudentAccess;
  sessions: {
    getSessionForProcessing(id: string): Promise<CompanionSession | null>;
    getSessionDto(idOrPlatformId: string): Promise<{ id: string; student_id: string } | null>;
    studentExists(studentId: string): Promise<boolean>;
    ingest(
      payload: TWebhookPayload,
      opts: { by?: Principal },
    ): Promise<{ session: { id: string; version: number } | null }>;
  };
  logger: Pick<Logger, 'warn' | 'info'>;
  onAnalysed?: NonNullable<CompanionLearningHooks['transcriptAnalysed']>;
};

const toCatalogue = (rows: readonly ConceptRow[]): CatalogueEntry[] =>
  rows.map((c) => ({
    key: c.key,
    name: c.name,
    description: c.description,
    difficulty: c.difficulty,
    aliases: c.aliases,
  }));

const jobIdOf = (u: Pick<UploadRow, 'id' | 'attempts'>) => `transcript:${u.id}:a${u.attempts}`;

export function toUploadDto(u: UploadRow, a: AnalysisRow | null): TTranscriptUpload {
  return {
    id: u.id,
    student_id: u.studentId,
    session_id: u.sessionRowId,
    subject_id: u.subjectId,
    source: u.source,
    format: u.format,
    chars: u.chars,
    status: u.status,
    attempts: u.attempts,
    error: u.error,
    created_at: u.createdAt.toISOString(),
    completed_at: u.completedAt?.toISOString() ?? null,
    analysis: a
      ? {
          topics: a.topics,
          summary: a.summary,
          concepts: (a.concepts as Array<AnalysisConcept & { conceptKey: string }>).map((c) => ({
            concept_key: c.conceptKey,
            name: c.name,
            description: c.description,
            mastery: c.mastery,
            difficulty: c.difficulty,
            key_points: c.keyPoints,
            signals: {
              correct: c.signals.correct,
              incorrect: c.signals.incorrect,
              hints: c.signals.hints,
              self_explanations: c.signals.selfExplanations,
            },
            misconceptions: c.misconceptions,
          })),
          analyzer: a.provider === 'openai' ? 'llm' : 'local',
          model: a.model,
          fallback_reason: a.fallbackReason,
        }
      : null,
  };
}

/**
 * Evidence for one analysed concept: "covered" (a learning opportunity), then one observation per attempt,
 * hint and explanation. An analysis gives counts, not their order, so the kinds are interleaved evenly
 * (two right, one wrong, two right… rather than all the mistakes first): BKT weighs late evidence more, and
 * an even spread is the neutral guess. At most 10 of each kind per session.
 */
export function evidenceOf(
  studentId: string,
  uploadId: string,
  conceptKey: string,
  c: AnalysisConcept,
  at: Date,
): RecordEvidenceInput[] {
  const base = {
    studentId,
    conceptKey,
    sourceType: 'transcript' as const,
    sourceId: uploadId,
    observedAt: at,
  };
  const key = (kind: string, n: number) => `transcript:${uploadId}:${conceptKey}:${kind}:${n}`;
  const out: RecordEvidenceInput[] = [
    { ...base, kind: 'transcript_covered', dedupeKey: key('covered', 0), note: c.keyPoints[0] ?? null },
  ];
  const counts: Array<[RecordEvidenceInput['kind'], number]> = [
    ['transcript_incorrect', c.signals.incorrect],
    ['transcript_hint', c.signals.hints],
    ['transcript_correct', c.signals.correct],
    ['self_explanation', c.signals.selfExplanations],
  ];
  const units: Array<{ kind: RecordEvidenceInput['kind']; n: number; pos: number }> = [];
  for (const [kind, raw] of counts) {
    const n = Math.min(10, Math.max(0, Math.round(raw)));
    for (let i = 0; i < n; i++) units.push({ kind, n: i, pos: (i + 0.5) / n });
  }
  units.sort((a, b) => a.pos - b.pos);
  for (const u of units)
    out.push({
      ...base,
      kind: u.kind,
      dedupeKey: key(u.kind, u.n),
      quote: u.kind === 'transcript_incorrect' ? (c.misconceptions[u.n] ?? null) : null,
    });
  return out;
}

export function createTranscriptService(deps: TranscriptServiceDeps) {
  const { db, clock, queue, ai, concepts, mastery, access, sessions, logger } = deps;
  const task = createTranscriptAnalysisTask();

  async function getRow(id: string) {
    const [u] = await db.select().from(transcriptUploads).where(eq(transcriptUploads.id, id));
    return u ?? null;
  }
  async function getAnalysis(id: string) {
    const [a] = await db.select().from(transcriptAnalyses).where(eq(transcriptAnalyses.uploadId, id));
    return a ?? null;
  }

  /** The subject whose catalogue the transcript matches best (when none was given). */
  async function recogniseSubject(turns: NormalizedTranscript['parsed']['turns']): Promise<string | null> {
    await concepts.ensureCatalogue();
    let best: { id: string; score: number } | null = null;
    for (const id of await concepts.allSubjectsWithConcepts()) {
      const cat = toCatalogue(await concepts.listForSubject(id));
      const a = analyzeTranscriptLocally({ turns, catalogue: cat, subjectName: id });
      const score = a.concepts.length;
      if (score > 0 && (!best || score > best.score)) best = { id, score };
    }
    return best?.id ?? null;
  }

  /** A session for an uploaded transcript, through the sessions module (its transcript stays with the upload). */
  async function createSession(
    studentId: string,
    ns: NonNullable<TUploadTranscriptRequest['new_session']>,
    subjectId: string | undefined,
    p: Principal,
  ): Promise<{ id: string; student_id: string }> {
    const start = new Date(ns.started_at);
    const end = new Date(start.getTime() + ns.minutes * 60_000);
    const result = await sessions.ingest(
      {
        session_id: `upload-${randomUUID()}`,
        tutor_id: ns.tutor_id,
        student_id: studentId,
        session_start_time: start.toISOString(),
        session_end_time: end.toISOString(),
        tutor_join_time: start.toISOString(),
        student_join_time: start.toISOString(),
        tutor_leave_time: end.toISOString(),
        student_leave_time: end.toISOString(),
        subjects_covered: [subjectId ?? 'general'],
        is_first_session: false,
        was_rescheduled: false,
      },
      { by: p },
    );
    if (!result.session) throw new AppError('CONFLICT', 'The session could not be created');
    return { id: result.session.id, student_id: studentId };
  }

  async function upload(req: TUploadTranscriptRequest, p: Principal): Promise<TTranscriptUpload> {
    if (req.content.length > MAX_UPLOAD_TRANSCRIPT_CHARS)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `The transcript has ${req.content.length} characters; at most ${MAX_UPLOAD_TRANSCRIPT_CHARS} are accepted`,
        { max_chars: MAX_UPLOAD_TRANSCRIPT_CHARS, chars: req.content.length },
      );
    let session: { id: string; student_id: string } | null = null;
    if (req.session_id) {
      session = await sessions.getSessionDto(req.session_id);
      if (!session) throw new AppError('NOT_FOUND', 'No session with that id');
    }
    const studentId = req.student_id ?? session?.student_id ?? (p.role === 'student' ? p.studentId : null);
    if (!studentId)
      throw new AppError('VALIDATION_FAILED', 'Say whose transcript it is: student_id or session_id');
    if (session && session.student_id !== studentId)
      throw new AppError('UNPROCESSABLE', 'That session belongs to another student');
    await access.assertCanSee(p, studentId);
    if (!(await sessions.studentExists(studentId)))
      throw new AppError('NOT_FOUND', 'No student with that id');

    let normalized: NormalizedTranscript;
    try {
      normalized = normalizeTranscript(req.content, req.format);
    } catch (err) {
      if (err instanceof TranscriptFormatError) throw new AppError('UNPROCESSABLE', err.message);
      throw err;
    }
    let subjectId = req.subject_id ?? null;
    if (subjectId && !(await concepts.subjectName(subjectId)))
      throw new AppError('UNPROCESSABLE', `Unknown subject: ${subjectId}`);
    if (!subjectId && session) {
      const full = await sessions.getSessionForProcessing(session.id);
      for (const s of full?.subjectsCovered ?? [])
        if (!subjectId && (await concepts.subjectName(s))) subjectId = s;
    }
    // With no subject given, the job recognises it from the text (not here: it reads every catalogue).
    // Last, once everything else is known to be acceptable: a refused upload creates no session.
    if (req.new_session) {
      // A session record feeds the tutor's quality scores: only that tutor (or an admin) may create one.
      if (p.role !== 'admin' && !(p.role === 'tutor' && p.tutorId === req.new_session.tutor_id))
        throw new AppError('FORBIDDEN', 'Only the tutor who gave the session, or an admin, can create it');
      if (req.subject_id && !(await concepts.subjectName(req.subject_id)))
        throw new AppError('UNPROCESSABLE', `Unknown subject: ${req.subject_id}`);
      session = await createSession(studentId, req.new_session, req.subject_id, p);
    }

    const now = clock.now();
    const [row] = await db
      .insert(transcriptUploads)
      .values({
        studentId,
        sessionRowId: session?.id ?? null,
        subjectId,
        source: 'upload',
        format: normalized.format,
        text: normalized.text,
        chars: req.content.length,
        status: 'pending',
        uploadedBy: p.kind === 'user' ? p.id : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await queue.add('companion.transcript', { uploadId: row!.id }, { jobId: jobIdOf(row!) });
    return toUploadDto(row!, null);
  }

  async function get(id: string, p: Principal): Promise<TTranscriptUpload> {
    const u = await getRow(id);
    if (!u) throw new AppError('NOT_FOUND', 'Transcript not found');
    await access.assertOwnsRecord(p, u.studentId, 'Transcript');
    return toUploadDto(u, await getAnalysis(id));
  }

  async function retry(id: string, p: Principal): Promise<TTranscriptUpload> {
    const u = await getRow(id);
    if (!u) throw new AppError('NOT_FOUND', 'Transcript not found');
    await access.assertOwnsRecord(p, u.studentId, 'Transcript');
    if (u.status !== 'failed')
      throw new AppError('CONFLICT', `Only a failed transcript can be retried (this one is ${u.status})`);
    const [row] = await db
      .update(transcriptUploads)
      .set({ status: 'pending', error: null, updatedAt: clock.now() })
      .where(and(eq(transcriptUploads.id, id), eq(transcriptUploads.status, 'failed')))
      .returning();
    if (!row) throw new AppError('CONFLICT', 'The transcript is already being retried');
    await queue.add('companion.transcript', { uploadId: id }, { jobId: jobIdOf(row) });
    return toUploadDto(row, null);
  }

  async function readText(
    u: UploadRow,
  ): Promise<{ turns: NormalizedTranscript['parsed']['turns']; at: Date }> {
    if (u.source === 'upload') {
      return { turns: normalizeTranscript(u.text ?? '', 'text').parsed.turns, at: u.createdAt };
    }
    const s = u.sessionRowId ? await sessions.getSessionForProcessing(u.sessionRowId) : null;
    if (!s?.transcript) throw new TranscriptFormatError('The session has no transcript any more');
    return { turns: normalizeTranscript(s.transcript, 'text').parsed.turns, at: s.sessionStartTime };
  }

  async function fail(id: string, error: string, final: boolean) {
    await db
      .update(transcriptUploads)
      .set({ status: final ? 'failed' : 'pending', error: error.slice(0, 500), updatedAt: clock.now() })
      .where(eq(transcriptUploads.id, id));
  }

  /** The job: analyse one transcript and record its evidence. Idempotent; a completed one is left alone. */
  async function process(uploadId: string, ctx?: Pick<JobContext, 'attempt' | 'attemptsMax'>) {
    const u = await getRow(uploadId);
    if (!u || u.status === 'completed') return { status: 'skipped' as const };
    const [claimed] = await db
      .update(transcriptUploads)
      .set({ status: 'processing', attempts: u.attempts + 1, updatedAt: clock.now() })
      .where(eq(transcriptUploads.id, uploadId))
      .returning();
    const final = !ctx || ctx.attempt >= ctx.attemptsMax;
    try {
      let read;
      try {
        read = await readText(claimed!);
      } catch (err) {
        if (err instanceof TranscriptFormatError) {
          await fail(uploadId, err.message, true); // bad content never improves with retries
          return { status: 'failed' as const };
        }
        throw err;
      }
      let subjectId = u.subjectId;
      if (!subjectId) {
        subjectId = await recogniseSubject(read.turns);
        if (subjectId)
          await db.update(transcriptUploads).set({ subjectId }).where(eq(transcriptUploads.id, uploadId));
      }
      const subjectName = (subjectId && (await concepts.subjectName(subjectId))) ?? 'General';
      const catalogue = subjectId ? toCatalogue(await concepts.listForSubject(subjectId)) : [];
      const result = await ai.run(
        task,
        { subjectId: subjectId ?? 'general', subjectName, turns: read.turns, catalogue },
        { userId: null },
      );
      const analysis: TranscriptAnalysis = result.data;
      // Concepts become canonical: the catalogue's, or new catalogue entries (needs a subject).
      const stored: Array<AnalysisConcept & { conceptKey: string }> = [];
      if (subjectId) {
        for (const c of analysis.concepts) {
          const key =
            c.conceptKey ??
            (
              await concepts.resolve(subjectId, {
                name: c.name,
                description: c.description,
                difficulty: c.difficulty === 'beginner' ? 1 : c.difficulty === 'advanced' ? 4 : 3,
                source: result.provider === 'openai' ? 'llm' : 'local',
              })
            ).key;
          if (!stored.some((s) => s.conceptKey === key)) stored.push({ ...c, conceptKey: key });
        }
      }
      const now = clock.now();
      await db
        .insert(transcriptAnalyses)
        .values({
          uploadId,
          studentId: u.studentId,
          topics: analysis.topics,
          summary: analysis.summary,
          concepts: stored,
          provider: result.provider,
          model: result.model,
          fallbackReason: result.fallbackReason,
          createdAt: now,
        })
        .onConflictDoUpdate({
          target: transcriptAnalyses.uploadId,
          set: {
            topics: analysis.topics,
            summary: analysis.summary,
            concepts: stored,
            provider: result.provider,
            model: result.model,
            fallbackReason: result.fallbackReason,
            createdAt: now,
          },
        });
      await mastery.recordEvidence(
        stored.flatMap((c) => evidenceOf(u.studentId, uploadId, c.conceptKey, c, read.at)),
      );
      await db
        .update(transcriptUploads)
        .set({ status: 'completed', error: null, completedAt: now, updatedAt: now })
        .where(eq(transcriptUploads.id, uploadId));
      if (deps.onAnalysed) {
        await deps
          .onAnalysed({
            studentId: u.studentId,
            uploadId,
            sessionRowId: u.sessionRowId,
            conceptKeys: stored.map((c) => c.conceptKey),
            misconceptions: stored.flatMap((c) =>
              c.misconceptions.map((text) => ({ conceptKey: c.conceptKey, text })),
            ),
          })
          .catch((err: unknown) =>
            logger.warn({ err, uploadId }, 'companion: transcriptAnalysed hook failed'),
          );
      }
      return { status: 'completed' as const, provider: result.provider, concepts: stored.length };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err, uploadId, final }, 'companion: transcript analysis failed');
      await fail(uploadId, `Analysis failed: ${message}`, final);
      throw err;
    }
  }

  /**
   * The webhook's second consumer: a session that arrived with a transcript is analysed for its student.
   * One row per session version (a corrected re-send is analysed again); the text stays in the session.
   */
  async function consumeSession(sessionRowId: string, version: number) {
    const s = await sessions.getSessionForProcessing(sessionRowId);
    if (!s || s.version !== version || !s.transcript?.trim()) return { status: 'skipped' as const };
    let subjectId: string | null = null;
    for (const id of s.subjectsCovered) if (!subjectId && (await concepts.subjectName(id))) subjectId = id;
    const now = clock.now();
    await db
      .insert(transcriptUploads)
      .values({
        studentId: s.studentId,
        sessionRowId,
        sessionVersion: version,
        subjectId,
        source: 'session',
        format: 'text',
        text: null,
        chars: s.transcript.length,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing();
    const [row] = await db
      .select({ id: transcriptUploads.id })
      .from(transcriptUploads)
      .where(
        and(
          eq(transcriptUploads.sessionRowId, sessionRowId),
          eq(transcriptUploads.sessionVersion, version),
          eq(transcriptUploads.source, 'session'),
        ),
      );
    return process(row!.id);
  }

  /** The student's transcripts, newest first (for chat context and the student's page). */
  async function listForStudent(studentId: string, limit = 20) {
    const rows = await db
      .select()
      .from(transcriptUploads)
      .where(eq(transcriptUploads.studentId, studentId))
      .orderBy(desc(transcriptUploads.createdAt))
      .limit(limit);
    return rows;
  }

  /**
   * Re-enqueues transcripts left pending or processing (a lost in-process queue, a crashed worker): the table
   * is the inbox, the queue only carries references. Run at worker start-up and when Redis lost its jobs.
   */
  async function sweep(): Promise<number> {
    const rows = await db
      .select({ id: transcriptUploads.id, attempts: transcriptUploads.attempts })
      .from(transcriptUploads)
      .where(inArray(transcriptUploads.status, ['pending', 'processing']))
      .limit(10_000);
    for (const r of rows) await queue.add('companion.transcript', { uploadId: r.id }, { jobId: jobIdOf(r) });
    return rows.length;
  }

  return { upload, get, retry, process, consumeSession, listForStudent, getAnalysis, sweep };
}

export type TranscriptService = ReturnType<typeof createTranscriptService>;
