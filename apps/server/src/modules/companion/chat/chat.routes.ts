/**
 * Chat routes. `POST /api/chat/message` answers with Server-Sent Events (`meta`, `delta`…, `done` | `error`)
 * so the web app renders the answer token by token; a refused message (limit, unknown conversation, bad
 * input) is a plain JSON error before the stream starts. Closing the connection cancels the model call.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiError, ZUuid } from '@tutorpulse/contracts/common';
import {
  ZChatMessage,
  ZChatMessageRequest,
  ZStudentIdParams,
} from '@tutorpulse/contracts/companion-engagement';
import { principalOf } from '../../../platform/auth/access.plugin';
import { access } from '../../../platform/auth/principal';
import { describeAiFailure } from '../../../platform/ai/port';
import type { StudentAccess } from '../engagement-ports';
import type { ChatService } from './chat.service';

const errors = { 400: ZApiError, 401: ZApiError, 403: ZApiError, 404: ZApiError };

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function chatRoutes(deps: { chat: ChatService; students: StudentAccess }) {
  const { chat, students } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/chat/message',
      {
        schema: {
          tags: ['companion'],
          summary: 'Send a chat message; the answer streams back as Server-Sent Events',
          description:
            'text/event-stream: `meta` {conversation_id, user_message_id, mode}, then `delta` {text} per ' +
            'token, then `done` {message_id, provider, model, local, fallback_reason, sources} (or `error`). ' +
            'Without an AI provider (or when it fails) the answer comes from the student’s own transcripts and ' +
            'concept notes (BM25 search), quotes the passages used and says it is local. Limited per student ' +
            'per hour (429 with retry-after).',
          body: ZChatMessageRequest,
          response: { 200: z.string().describe('text/event-stream'), ...errors, 429: ZApiError },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const studentId = students.resolveStudent(p, req.body.student_id);
        await students.assertCanAct(p, studentId);
        const controller = new AbortController();
        const started = await chat.send({
          studentId,
          userId: p.kind === 'user' ? p.id : null,
          message: req.body.message,
          conversationId: req.body.conversation_id,
          newConversation: req.body.new_conversation,
          signal: controller.signal,
        });
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': req.id,
        });
        const onClose = () => {
          if (!res.writableFinished) controller.abort();
        };
        res.on('close', onClose);
        res.write(
          sse('meta', {
            conversation_id: started.conversationId,
            user_message_id: started.userMessageId,
            mode: started.mode,
          }),
        );
        try {
          for await (const e of started.stream) {
            if (e.type === 'delta') res.write(sse('delta', { text: e.text }));
            else
              res.write(
                sse('done', {
                  message_id: e.messageId,
                  provider: e.provider,
                  model: e.model,
                  local: e.local,
                  fallback_reason: e.fallbackReason,
                  sources: e.sources,
                }),
              );
          }
        } catch (err) {
          if (!controller.signal.aborted) {
            req.log.warn({ err: describeAiFailure(err) }, 'chat stream failed');
            res.write(
              sse('error', { error: 'The answer could not be completed; try again', code: 'CHAT_FAILED' }),
            );
          }
        } finally {
          res.off('close', onClose);
          res.end();
        }
      },
    );

    app.get(
      '/api/chat/messages/student/:id',
      {
        schema: {
          tags: ['companion'],
          summary: 'A student’s stored chat messages (latest conversation, or the one named)',
          params: ZStudentIdParams,
          querystring: z.strictObject({
            conversation_id: ZUuid.optional(),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          }),
          response: { 200: z.object({ data: z.array(ZChatMessage) }), ...errors },
        },
        config: { access: access.roles('student', 'admin') },
      },
      async (req) => {
        await students.assertCanAct(principalOf(req), req.params.id);
        const data = await chat.history(req.params.id, {
          limit: req.query.limit,
          ...(req.query.conversation_id ? { conversationId: req.query.conversation_id } : {}),
        });
        return { data };
      },
    );
  };
}
