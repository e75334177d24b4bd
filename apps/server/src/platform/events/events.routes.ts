/**
 * `GET /api/events`: Server-Sent Events. Replays what the client missed (Last-Event-ID header, or
 * `last_event_id` query for the first connection), then streams live events the caller's role may see, with a
 * heartbeat comment every 15 s so proxies keep the connection open.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZText } from '@tutorpulse/contracts/common';
import { ROLES } from '@tutorpulse/contracts/identity';
import { principalOf } from '../auth/access.plugin';
import { access } from '../auth/principal';
import type { Metrics } from '../metrics';
import { canSee, type EventService } from './events.service';
import type { BusEvent } from './port';

const ZLastEventId = z.coerce.number().int().min(0);
/** An event id as sent: digits of a safe integer (longer digit strings are no id this table will reach). */
const ZEventIdText = ZText.regex(/^\d{1,15}$/, 'must be an event id (at most 15 digits)');

function format(e: BusEvent): string {
  const data = JSON.stringify({ id: e.id, type: e.type, payload: e.payload, created_at: e.createdAt });
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${data}\n\n`;
}

export function eventsRoutes(deps: { events: EventService; metrics: Metrics; heartbeatMs: number }) {
  const { events, metrics } = deps;
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/events',
      {
        schema: {
          tags: ['events'],
          summary: 'Live events (Server-Sent Events)',
          description:
            'text/event-stream. Each message has `id`, `event` (type) and `data` (JSON). Reconnect with the ' +
            '`Last-Event-ID` header to receive what was missed. Only events your role may see are sent.',
          querystring: z.strictObject({ last_event_id: ZEventIdText.optional() }),
          headers: z.object({ 'last-event-id': z.union([ZEventIdText, z.literal('')]).optional() }).loose(),
        },
        config: { access: access.roles(...ROLES), rateLimit: false },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const viewer = { id: p.id, role: p.role };
        const fromHeader = req.headers['last-event-id'];
        const resumeFrom =
          typeof fromHeader === 'string' && fromHeader !== ''
            ? ZLastEventId.parse(fromHeader)
            : req.query.last_event_id !== undefined
              ? ZLastEventId.parse(req.query.last_event_id)
              : null;

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 5000\n\n');

        // Subscribe before replaying, buffering live events, so none falls between the two.
        let lastSent = resumeFrom ?? 0;
        let replaying = true;
        const buffered: BusEvent[] = [];
        const send = (e: BusEvent) => {
          if (e.id <= lastSent || !canSee(viewer, e)) return;
          lastSent = e.id;
          res.write(format(e));
        };
        const unsubscribe = events.subscribe((e) => (replaying ? buffered.push(e) : send(e)));
        metrics.sseConnections.inc();
        const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
        let closed = false;
        const cleanup = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          unsubscribe();
          metrics.sseConnections.dec();
        };
        req.raw.on('close', cleanup);
        res.on('error', cleanup);

        try {
          if (resumeFrom !== null) {
            // Page through the backlog so a long absence doesn't load everything at once.
            for (;;) {
              const page = await events.replay(viewer, lastSent, 500);
              for (const e of page) send(e);
              if (page.length < 500 || closed) break;
            }
          } else {
            lastSent = await events.latestId();
          }
        } catch (err) {
          req.log.error({ err }, 'SSE replay failed');
          res.end();
          cleanup();
          return;
        }
        replaying = false;
        for (const e of buffered.sort((a, b) => a.id - b.id)) send(e);
        buffered.length = 0;
      },
    );
  };
}
