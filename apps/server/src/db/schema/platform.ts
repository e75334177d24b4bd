/** Platform records: the event log behind SSE (monotonic ids for Last-Event-ID replay). */
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    /** Roles allowed to receive the event; admins receive everything. */
    audience: text('audience').array().notNull(),
    /** Restricts the event to one user (e.g. a student's own updates), in addition to the roles. */
    userId: text('user_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('events_created_idx').on(t.createdAt)],
);
