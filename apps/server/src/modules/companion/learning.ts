/**
 * The companion's learning side, assembled: concept catalogue, mastery, transcripts, progress and practice
 * services over one set of dependencies, and the job handlers the worker runs.
 */
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import type { Db } from '../../db/client';
import type { Principal } from '../../platform/auth/principal';
import type { AppJobs } from '../../jobs';
import type { AiPort } from '../../platform/ai/port';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { JobHandlers, JobQueue } from '../../platform/queue/port';
import { createStudentAccess } from './access';
import { createConceptService } from './concepts/concepts.service';
import { createMasteryService } from './mastery/mastery.service';
import { createPracticeService } from './practice/practice.service';
import { createProgressService } from './progress/progress.service';
import { createTranscriptService, type CompanionSession } from './transcripts/transcripts.service';

export type CompanionLearningDeps = {
  db: Db;
  clock: Clock;
  queue: Pick<JobQueue<AppJobs>, 'add'>;
  ai: AiPort;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The sessions module's service (reads only). */
  sessions: {
    tutorTeachesStudent(tutorId: string, studentId: string): Promise<boolean>;
    studentExists(studentId: string): Promise<boolean>;
    listSubjects(): Promise<Array<{ id: string; name: string }>>;
    getSessionForProcessing(id: string): Promise<CompanionSession | null>;
    getSessionDto(idOrPlatformId: string): Promise<{ id: string; student_id: string } | null>;
    ingest(
      payload: TWebhookPayload,
      opts: { by?: Principal },
    ): Promise<{ session: { id: string; version: number } | null }>;
  };
  /** Seeds the local practice generators (tests). */
  practiceSeed?: () => number;
  /** Called after the learning side's events (e.g. the engagement side's notifications and routing). */
  hooks?: CompanionLearningHooks;
};

/**
 * What the engagement side (notifications, routing, goals) may want to hear about. Called after the change is
 * committed; a hook that throws is logged and does not undo or fail the work.
 */
export type CompanionLearningHooks = {
  transcriptAnalysed?(e: {
    studentId: string;
    uploadId: string;
    sessionRowId: string | null;
    conceptKeys: string[];
    misconceptions: Array<{ conceptKey: string; text: string }>;
  }): Promise<void>;
  practiceSubmitted?(e: {
    studentId: string;
    setId: string;
    score: number;
    changes: Array<{ conceptKey: string; before: number; after: number }>;
  }): Promise<void>;
};

export function createCompanionLearning(deps: CompanionLearningDeps) {
  const { db, clock, ai, sessions } = deps;
  const access = createStudentAccess({ sessions });
  const concepts = createConceptService({ db, subjects: sessions });
  const mastery = createMasteryService({ db, clock });
  const transcripts = createTranscriptService({
    db,
    clock,
    queue: deps.queue,
    ai,
    concepts,
    mastery,
    access,
    sessions,
    logger: deps.logger,
    ...(deps.hooks?.transcriptAnalysed ? { onAnalysed: deps.hooks.transcriptAnalysed } : {}),
  });
  const progress = createProgressService({ db, clock, mastery, access, concepts });
  const practice = createPracticeService({
    db,
    clock,
    ai,
    concepts,
    mastery,
    access,
    logger: deps.logger,
    ...(deps.practiceSeed ? { seed: deps.practiceSeed } : {}),
    ...(deps.hooks?.practiceSubmitted ? { onSubmitted: deps.hooks.practiceSubmitted } : {}),
  });
  return { access, concepts, mastery, transcripts, progress, practice };
}

export type CompanionLearning = ReturnType<typeof createCompanionLearning>;

type CompanionJobHandlers = Required<
  Pick<JobHandlers<AppJobs>, 'companion.transcript' | 'companion.session-transcript'>
>;

export function createCompanionJobs(learning: CompanionLearning): { handlers: CompanionJobHandlers } {
  return {
    handlers: {
      'companion.transcript': async (payload, ctx) => {
        await learning.transcripts.process(payload.uploadId, ctx);
      },
      'companion.session-transcript': async (payload) => {
        await learning.transcripts.consumeSession(payload.sessionId, payload.version);
      },
    },
  };
}

/**
 * The engagement side's view of mastery (engagement-ports.ts `MasteryReader`): each concept's mastery with
 * its description and the student's key points (searched by the local chat), and recent graded attempts
 * (practice answers and transcript attempts) for the routing triggers.
 */
export function masteryReaderOf(learning: CompanionLearning) {
  return {
    async getMastery(studentId: string, conceptKeys?: string[]) {
      const list = await learning.mastery.listStudentConcepts(studentId);
      const keyPoints = await learning.practice.keyPointsOf(studentId);
      return list
        .filter((c) => !conceptKeys || conceptKeys.includes(c.conceptKey))
        .map((c) => ({
          conceptKey: c.conceptKey,
          subjectId: c.subjectId,
          name: c.name,
          mastery: c.mastery,
          updatedAt: c.updatedAt,
          description: c.description,
          keyPoints: keyPoints.get(c.conceptKey) ?? [],
        }));
    },
    async recentAttempts(studentId: string, opts: { limit: number; since?: Date }) {
      const evidence = await learning.mastery.listEvidence(studentId);
      const graded = new Set([
        'practice_correct',
        'practice_incorrect',
        'transcript_correct',
        'transcript_incorrect',
      ]);
      return evidence
        .filter((e) => graded.has(e.kind) && (!opts.since || e.observedAt >= opts.since))
        .reverse()
        .slice(0, opts.limit)
        .map((e) => ({
          conceptKey: e.conceptKey,
          correct: e.kind.endsWith('_correct'),
          at: e.observedAt,
          source: e.sourceType === 'practice' ? ('practice' as const) : ('transcript' as const),
          question: e.sourceType === 'practice' ? e.note : null,
          answer: e.sourceType === 'practice' ? e.quote : null,
          misconception: e.kind === 'transcript_incorrect' ? e.quote : null,
        }));
    },
  };
}

type StudentMaterialReader = {
  listRecentForStudent(
    studentId: string,
    limit: number,
  ): Promise<
    Array<{
      sessionId: string;
      tutorId: string;
      subjects: string[];
      start: Date;
      transcript: string | null;
      summary: string | null;
    }>
  >;
  materialFingerprint(studentId: string): Promise<string>;
};

/**
 * The sessions reader the chat searches, with the student's uploaded transcripts added (their text lives in
 * transcript_uploads, not in a session) and the uploads in the material's fingerprint, so a new upload is
 * searched at once. Uploads attached to a session that has its own transcript are not listed twice.
 */
export function withUploadedTranscripts<R extends StudentMaterialReader>(
  base: R,
  learning: CompanionLearning,
): R {
  return {
    ...base,
    async listRecentForStudent(studentId: string, limit: number) {
      const [sessions, uploads] = await Promise.all([
        base.listRecentForStudent(studentId, limit),
        learning.transcripts.listForStudent(studentId, limit),
      ]);
      const extra = uploads
        .filter((u) => u.source === 'upload' && u.text)
        .map((u) => ({
          sessionId: u.sessionRowId ?? `upload:${u.id}`,
          tutorId: '',
          subjects: u.subjectId ? [u.subjectId] : [],
          start: u.createdAt,
          transcript: u.text,
          summary: null,
        }));
      return [...sessions, ...extra].sort((a, b) => b.start.getTime() - a.start.getTime()).slice(0, limit);
    },
    async materialFingerprint(studentId: string) {
      const [base_, uploads] = await Promise.all([
        base.materialFingerprint(studentId),
        learning.transcripts.listForStudent(studentId, 1),
      ]);
      const last = uploads[0];
      return last ? `${base_}|u:${last.id}:${last.updatedAt.getTime()}` : base_;
    },
  };
}
