/**
 * Routing routes (seed 004 `/api/tutor…`, under `/api/tutors`): the routing analysis, available tutors ranked by
 * the quality module's scores, and a tutor's view of the context of their own students.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import {
  ZAvailableTutorList,
  ZRoutingAnalyzeRequest,
  ZRoutingDecision,
  ZStudentContext,
  ZStudentIdParams,
  ZTutorListQuery,
} from '@tutorpulse/contracts/companion-engagement';
import { principalOf } from '../../../platform/auth/access.plugin';
import { access } from '../../../platform/auth/principal';
import type { StudentAccess } from '../engagement-ports';
import type { NudgeService } from '../nudges/nudges.service';
import type { RoutingService } from './routing.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError };

export function routingRoutes(deps: {
  routing: RoutingService;
  students: StudentAccess;
  nudges: NudgeService;
}) {
  const { routing, students } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/tutors/routing/analyze',
      {
        schema: {
          tags: ['companion'],
          summary: 'Should this student be routed to a human tutor?',
          description:
            'Seed 004’s routing output (shouldRoute, reason, urgency, recommendedTopic, estimatedDuration) with ' +
            'its triggers: an explicit ask, frustration in chat, repeated errors on a concept, low mastery after ' +
            'practice. A positive decision opens (or updates) a hand-off to the student’s tutor for the subject.',
          body: ZRoutingAnalyzeRequest,
          response: { 200: ZRoutingDecision, ...errors },
        },
        config: { access: access.roles('student', 'tutor', 'admin') },
      },
      async (req) => {
        const p = principalOf(req);
        const studentId = students.resolveStudent(p, req.body.student_id);
        await students.assertCanSee(p, studentId);
        return routing.analyze({
          studentId,
          conceptKey: req.body.concept_key,
          message: req.body.message,
          userId: p.kind === 'user' ? p.id : null,
          useModel: true,
        });
      },
    );

    app.get(
      '/api/tutors/list',
      {
        schema: {
          tags: ['companion'],
          summary: 'Available tutors for a subject, best quality score first',
          querystring: ZTutorListQuery,
          response: { 200: ZAvailableTutorList, ...errors },
        },
        config: { access: access.roles('student', 'tutor', 'coach', 'admin') },
      },
      async (req) => {
        const p = principalOf(req);
        const data = await routing.listTutors({
          subjectId: req.query.subject_id,
          limit: req.query.limit,
          studentId: p.role === 'student' ? p.studentId : null,
        });
        return { data };
      },
    );

    app.get(
      '/api/tutors/context/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A student’s context for their tutor: mastery, goals, hand-offs, sessions, recent chat',
          description:
            'Tutors see only students they teach (a session together, or a hand-off routed to them).',
          params: ZStudentIdParams,
          response: { 200: ZStudentContext, ...errors },
        },
        config: { access: access.roles('tutor', 'admin') },
      },
      async (req) => {
        const p = principalOf(req);
        await students.assertCanSee(p, req.params.id);
        return routing.studentContext(req.params.id, { tutorId: p.role === 'tutor' ? p.tutorId : null });
      },
    );

    app.get(
      '/api/companion/nudges/stats',
      {
        schema: {
          tags: ['companion'],
          summary: 'Engagement nudges sent, opened and acted on, by reason',
          response: {
            200: z.object({
              data: z.array(
                z.object({
                  reason: z.string(),
                  sent: z.number().int(),
                  opened: z.number().int(),
                  acted: z.number().int(),
                }),
              ),
            }),
            ...errors,
          },
        },
        config: { access: access.roles('admin') },
      },
      async () => ({ data: await deps.nudges.stats() }),
    );
  };
}
