/**
 * One kind of operations record a marketplace sends in: a Standard Webhooks event on
 * `POST /api/webhooks/operations`, a row of an API-key REST batch upsert, or a row of
 * `tutorpulse import <kind> <file.csv>`. The three doors share the handler, so a record is validated
 * and applied the same way whichever way it came.
 */
import type { z } from 'zod';

export type IngestOutcome = 'created' | 'updated' | 'unchanged';

/** A record the caller can fix: unknown ids, a conflict with stored data. Never a silent insert. */
export type IngestRecordError = { code: string; message: string; field?: string };

export type IngestResult = { outcome: IngestOutcome; id: string } | { error: IngestRecordError };

export type IngestHandler<T = unknown, Tx = unknown> = {
  /** Webhook event type, e.g. `session.booked`. */
  eventType: string;
  /** REST batch and CSV import kind, e.g. `bookings` (`POST /api/operations/import/bookings`). */
  kind: string;
  /** One record: the webhook event's `data`, a REST batch item, or a parsed CSV row. */
  schema: z.ZodType<T>;
  /** Maps a CSV row (header → cell, every value a string; empty cell = absent) to the schema's input. */
  fromCsvRow(row: Record<string, string>): unknown;
  /** Applies a batch of validated records in one transaction, idempotently; one result per record, in order. */
  apply(tx: Tx, records: T[]): Promise<IngestResult[]>;
};
