/**
 * Notification routes (seed 004): a student's inbox, read, read-all, and acted-on (the call to action was
 * followed: what nudge tracking counts). Students reach only their own; admins all. Live delivery is the
 * event stream (`companion.notification`).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZApiError, ZIdParams } from '@tutorpulse/contracts/common';
import {
  ZNotification,
  ZNotificationPage,
  ZNotificationQuery,
  ZReadAllResponse,
  ZStudentIdParams,
} from '@tutorpulse/contracts/companion-engagement';
import { principalOf } from '../../../platform/auth/access.plugin';
import { access, type Principal } from '../../../platform/auth/principal';
import { notFound } from '../../../platform/errors';
import type { StudentAccess } from '../engagement-ports';
import type { NotificationService } from './notifications.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError };
const STUDENT_OR_ADMIN = access.roles('student', 'admin');

export function notificationsRoutes(deps: { notifications: NotificationService; students: StudentAccess }) {
  const { notifications, students } = deps;

  async function own(p: Principal, id: string) {
    const n = await notifications.get(id);
    if (!n) throw notFound('Notification');
    await students.assertCanAct(p, n.student_id).catch(() => {
      throw notFound('Notification');
    });
  }

  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/notifications/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A student’s notifications, newest first (`unread=true` for unread only)',
          params: ZStudentIdParams,
          querystring: ZNotificationQuery,
          response: { 200: ZNotificationPage, ...errors },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      async (req) => {
        await students.assertCanAct(principalOf(req), req.params.id);
        return notifications.list(req.params.id, req.query);
      },
    );

    app.post(
      '/api/notifications/:id/read',
      {
        schema: {
          tags: ['companion'],
          summary: 'Mark a notification read (opened)',
          params: ZIdParams,
          response: { 200: ZNotification, ...errors },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      async (req) => {
        await own(principalOf(req), req.params.id);
        return notifications.markRead(req.params.id);
      },
    );

    app.post(
      '/api/notifications/:id/act',
      {
        schema: {
          tags: ['companion'],
          summary: 'Record that the student followed the notification’s call to action',
          params: ZIdParams,
          response: { 200: ZNotification, ...errors },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      async (req) => {
        await own(principalOf(req), req.params.id);
        return notifications.markActed(req.params.id);
      },
    );

    app.post(
      '/api/notifications/student/:id/read-all',
      {
        schema: {
          tags: ['companion'],
          summary: 'Mark all of a student’s notifications read',
          params: ZStudentIdParams,
          response: { 200: ZReadAllResponse, ...errors },
        },
        config: { access: STUDENT_OR_ADMIN },
      },
      async (req) => {
        await students.assertCanAct(principalOf(req), req.params.id);
        return notifications.markAllRead(req.params.id);
      },
    );
  };
}
