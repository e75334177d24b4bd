/**
 * Companion learning routes: transcript uploads, a student's concepts (with the evidence behind each
 * mastery, and corrections), progress, and practice. Students reach only their own records, tutors their
 * students' (by sessions together), admins everyone (see access.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import {
  ZConceptCorrectionRequest,
  ZGeneratePracticeRequest,
  ZMasteryChange,
  ZPracticeSet,
  ZProgress,
  ZStudentConcepts,
  ZStudentParams,
  ZSubmitPracticeRequest,
  ZTranscriptUpload,
  ZUploadTranscriptRequest,
} from '@tutorpulse/contracts/companion';
import { principalOf } from '../../platform/auth/access.plugin';
import { access } from '../../platform/auth/principal';
import type { PracticeService } from './practice/practice.service';
import type { ProgressService } from './progress/progress.service';
import type { TranscriptService } from './transcripts/transcripts.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError };
const LEARNERS = access.roles('student', 'tutor', 'admin');
const STUDENT_OR_ADMIN = access.roles('student', 'admin');

export function companionLearningRoutes(deps: {
  transcripts: TranscriptService;
  progress: ProgressService;
  practice: PracticeService;
}) {
  const { transcripts, progress, practice } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/sessions/upload',
      {
        schema: {
          tags: ['companion'],
          summary: 'Upload a session transcript for a student (text, WebVTT, SRT or JSON turns)',
          description:
            'Checked and normalised at once (422 when no speaker turns can be read, 413 when too long), then ' +
            'analysed by a job: `status` goes pending → processing → completed | failed (with `error`; retry with ' +
            '`POST /api/sessions/upload/:id/retry`). Attach it to an existing session of the student with ' +
            '`session_id`. Poll `GET /api/sessions/upload/:id` for the analysis.',
          body: ZUploadTranscriptRequest,
          response: { 202: ZTranscriptUpload, ...errors, 413: ZApiError, 422: ZApiError },
        },
        config: { access: LEARNERS },
      },
      async (req, reply) => reply.code(202).send(await transcripts.upload(req.body, principalOf(req))),
    );

    app.get(
      '/api/sessions/upload/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A transcript upload: its status and, once completed, its analysis',
          params: ZIdParams,
          response: { 200: ZTranscriptUpload, ...errors },
        },
        config: { access: LEARNERS },
      },
      (req) => transcripts.get(req.params.id, principalOf(req)),
    );

    app.post(
      '/api/sessions/upload/:id/retry',
      {
        schema: {
          tags: ['companion'],
          summary: 'Analyse a failed transcript again',
          params: ZIdParams,
          response: { 202: ZTranscriptUpload, ...errors, 409: ZApiError },
        },
        config: { access: LEARNERS },
      },
      async (req, reply) => reply.code(202).send(await transcripts.retry(req.params.id, principalOf(req))),
    );

    app.get(
      '/api/students/:id/concepts',
      {
        schema: {
          tags: ['companion'],
          summary: "A student's concepts with mastery and the evidence that moved it",
          params: ZStudentParams,
          response: { 200: ZStudentConcepts, ...errors },
        },
        config: { access: LEARNERS },
      },
      (req) => progress.concepts(req.params.id, principalOf(req)),
    );

    app.post(
      '/api/students/:id/concepts/correction',
      {
        schema: {
          tags: ['companion'],
          summary: '"I already know this" / "I still don\'t get this": recorded as evidence and weighed',
          params: ZStudentParams,
          body: ZConceptCorrectionRequest,
          response: { 200: ZMasteryChange, ...errors, 422: ZApiError },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      (req) => progress.correct(req.params.id, req.body, principalOf(req)),
    );

    app.get(
      '/api/progress/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary:
            "A student's progress: mastery over time per subject and concept, practice accuracy, streaks",
          params: ZStudentParams,
          response: { 200: ZProgress, ...errors },
        },
        config: { access: LEARNERS },
      },
      (req) => progress.progress(req.params.id, principalOf(req)),
    );

    app.post(
      '/api/practice/generate',
      {
        schema: {
          tags: ['companion'],
          summary: 'Generate a practice set for concepts (answers are not returned before submission)',
          body: ZGeneratePracticeRequest,
          response: { 201: ZPracticeSet, ...errors, 422: ZApiError },
        },
        config: { access: LEARNERS },
      },
      async (req, reply) => reply.code(201).send(await practice.generate(req.body, principalOf(req))),
    );

    app.get(
      '/api/practice/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A practice set; answers and explanations only once submitted',
          params: ZIdParams,
          response: { 200: ZPracticeSet, ...errors },
        },
        config: { access: LEARNERS },
      },
      (req) => practice.get(req.params.id, principalOf(req)),
    );

    app.post(
      '/api/practice/:id/submit',
      {
        schema: {
          tags: ['companion'],
          summary:
            'Submit answers: each graded, with the correct answer, an explanation and the mastery change',
          params: ZIdParams,
          body: ZSubmitPracticeRequest,
          response: { 200: ZPracticeSet, ...errors, 409: ZApiError, 422: ZApiError },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      (req) => practice.submit(req.params.id, req.body, principalOf(req)),
    );
  };
}
