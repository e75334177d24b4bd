import { z } from 'zod';

/**
 * Server-Sent Events: `GET /api/events`. Each message has `id:` (monotonic, for Last-Event-ID), `event:` (the
 * type below) and `data:` (JSON). The web app invalidates queries by type.
 */
export const EVENT_TYPES = [
  'session.received',
  'session.processed',
  'flag.raised',
  'flag.updated',
  'score.changed',
  'intervention.changed',
  'analytics.updated',
  // operations: a forecast run stored (payload: forecasted_at, subjects, imbalances)
  'forecast_updated',
  'alert_created',
  'alert_updated',
  'recommendation_created',
  'recommendation_updated',
  'system.test',
  'customer_health_updated',
] as const;
export type TEventType = (typeof EVENT_TYPES)[number] | (string & {});

export const ZEventMessage = z.object({
  id: z.number().int(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.iso.datetime(),
});
export type TEventMessage = z.infer<typeof ZEventMessage>;
