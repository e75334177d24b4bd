/**
 * Goals and suggestions routes (seed 004). Per object: a student reaches only their own, a tutor reads (and
 * sets goals for) the students they teach, an admin everything. Records of someone else answer 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import {
  ZAcceptSuggestionResponse,
  ZCreateGoalRequest,
  ZGoal,
  ZGoalList,
  ZStudentIdParams,
  ZSuggestion,
  ZSuggestionList,
  ZSuggestionQuery,
} from '@tutorpulse/contracts/companion-engagement';
import { principalOf } from '../../../platform/auth/access.plugin';
import { access, type Principal } from '../../../platform/auth/principal';
import { notFound } from '../../../platform/errors';
import type { StudentAccess } from '../engagement-ports';
import type { GoalService } from './goals.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError };

export function goalsRoutes(deps: { goals: GoalService; students: StudentAccess }) {
  const { goals, students } = deps;

  /** The record's student, when the caller may act for them; 404 otherwise (no existence leak). */
  async function ownedBy(p: Principal, studentId: string | null, what: string) {
    if (!studentId) throw notFound(what);
    await students.assertCanAct(p, studentId).catch(() => {
      throw notFound(what);
    });
    return studentId;
  }

  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/goals/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A student’s goals, with progress from the mastery of their concepts',
          params: ZStudentIdParams,
          response: { 200: ZGoalList, ...errors },
        },
        config: { access: access.roles('student', 'tutor', 'admin') },
      },
      async (req) => {
        await students.assertCanSee(principalOf(req), req.params.id);
        return { data: await goals.list(req.params.id) };
      },
    );

    app.post(
      '/api/goals/create',
      {
        schema: {
          tags: ['companion'],
          summary: 'Create a goal (students for themselves; tutors for students they teach)',
          body: ZCreateGoalRequest,
          response: { 201: ZGoal, ...errors },
        },
        config: { access: access.roles('student', 'tutor', 'admin') },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const studentId = students.resolveStudent(p, req.body.student_id);
        await students.assertCanSee(p, studentId);
        const goal = await goals.create(studentId, req.body, { userId: p.kind === 'user' ? p.id : null });
        return reply.code(201).send(goal);
      },
    );

    app.post(
      '/api/goals/:id/complete',
      {
        schema: {
          tags: ['companion'],
          summary: 'Mark a goal complete (idempotent); five next-subject suggestions follow',
          params: ZIdParams,
          response: { 200: ZGoal, ...errors, 409: ZApiError },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req) => {
        await ownedBy(principalOf(req), await goals.studentOfGoal(req.params.id), 'Goal');
        return goals.complete(req.params.id);
      },
    );

    app.get(
      '/api/suggestions/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A student’s next-subject suggestions, newest first',
          params: ZStudentIdParams,
          querystring: ZSuggestionQuery,
          response: { 200: ZSuggestionList, ...errors },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req) => {
        await students.assertCanAct(principalOf(req), req.params.id);
        return { data: await goals.listSuggestions(req.params.id, req.query.status) };
      },
    );

    app.post(
      '/api/suggestions/:id/accept',
      {
        schema: {
          tags: ['companion'],
          summary: 'Accept a suggestion: creates a goal on its subject',
          params: ZIdParams,
          response: { 200: ZAcceptSuggestionResponse, ...errors, 409: ZApiError },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req) => {
        const p = principalOf(req);
        await ownedBy(p, await goals.studentOfSuggestion(req.params.id), 'Suggestion');
        return goals.acceptSuggestion(req.params.id, { userId: p.kind === 'user' ? p.id : null });
      },
    );

    app.post(
      '/api/suggestions/:id/dismiss',
      {
        schema: {
          tags: ['companion'],
          summary: 'Dismiss a suggestion',
          params: ZIdParams,
          response: { 200: ZSuggestion, ...errors, 409: ZApiError },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req) => {
        await ownedBy(principalOf(req), await goals.studentOfSuggestion(req.params.id), 'Suggestion');
        return goals.dismissSuggestion(req.params.id);
      },
    );
  };
}
