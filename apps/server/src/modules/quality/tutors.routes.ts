/** Tutors API: the tutors table, tutor detail, score and reschedule history. Thin: schema + one service call. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError } from '@tutorpulse/contracts/common';
import {
  ZTutorDetail,
  ZTutorHistory,
  ZTutorHistoryQuery,
  ZTutorMoves,
  ZTutorMovesQuery,
  ZTutorPage,
  ZTutorParams,
  ZTutorScoreResponse,
  ZTutorsQuery,
} from '@tutorpulse/contracts/quality-tutors';
import { access } from '../../platform/auth/principal';
import { sendJsonText } from '../../platform/http/json-text';
import type { TutorService } from './tutors.service';

/** Staff read the quality module (viewers included). */
const READ = access.roles('admin', 'coach', 'viewer');
const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError };
const TAGS = ['tutors'];

export function tutorsRoutes(deps: { tutors: TutorService }) {
  const { tutors } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/tutors',
      {
        schema: {
          tags: TAGS,
          summary: 'List tutors with scores, open flags, risk and the latest nightly analysis',
          description:
            'Filters combine with AND. `window` picks the score window (7, 30 or 90 days); `risk_status` and ' +
            '`is_high_risk` always come from the 30-day score. Sorting: `score` (default, weakest first), `name`, ' +
            '`session_count` (busiest first) or `risk` (high-risk first, then the most severe open flag, then ' +
            'churn risk); tutors without a value sort last either way.',
          querystring: ZTutorsQuery,
          response: { 200: ZTutorPage, ...errors },
        },
        config: { access: READ },
      },
      (req) => tutors.list(req.query),
    );

    app.get(
      '/api/tutors/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Tutor detail: scores, sessions, flags, history, interventions and nightly analysis',
          description:
            'Seed 000’s TutorResponse: the 30-day score and all three windows, the latest 10 sessions, open and ' +
            'recently closed flags, the daily score over 90 days, interventions with the 30 days before and ' +
            'after each, and the latest tier 3 analysis (direction, peer percentile, churn risk with its factors).',
          params: ZTutorParams,
          response: { 200: ZTutorDetail, ...errors, 404: ZApiError },
        },
        config: { access: READ },
      },
      // Shared by every reader: JSON text from the read cache, sent as it is.
      async (req, reply) => sendJsonText(reply, await tutors.getJson(req.params.id)),
    );

    app.get(
      '/api/tutors/:id/score',
      {
        schema: {
          tags: TAGS,
          summary: 'A tutor’s current score with its breakdown, open flags and all windows',
          params: ZTutorParams,
          response: { 200: ZTutorScoreResponse, ...errors, 404: ZApiError },
        },
        config: { access: READ },
      },
      async (req, reply) => sendJsonText(reply, await tutors.scoreJson(req.params.id)),
    );

    app.get(
      '/api/tutors/:id/moves',
      {
        schema: {
          tags: TAGS,
          summary: 'A tutor’s tutor-move trend: per week, the share of telling and of guiding turns',
          description:
            'From tier 2’s analyses with tutor moves, grouped by the week (Monday, UTC) the session started: the ' +
            'mean over sessions of the expected share of telling turns, of guiding turns (focus + probing), of ' +
            'each move, and the mean move guidance score. Every week of the period is listed, oldest first.',
          params: ZTutorParams,
          querystring: ZTutorMovesQuery,
          response: { 200: ZTutorMoves, ...errors, 404: ZApiError },
        },
        config: { access: READ },
      },
      (req) => tutors.moves(req.params.id, req.query),
    );

    app.get(
      '/api/tutors/:id/history',
      {
        schema: {
          tags: TAGS,
          summary: 'A tutor’s reschedule history: events, the rate over time and 7/30/90-day rates',
          params: ZTutorParams,
          querystring: ZTutorHistoryQuery,
          response: { 200: ZTutorHistory, ...errors, 404: ZApiError },
        },
        config: { access: READ },
      },
      async (req, reply) => sendJsonText(reply, await tutors.historyJson(req.params.id, req.query)),
    );
  };
}
