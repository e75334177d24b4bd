import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createManualClock } from '../../../platform/clock';
import type { IngestHandler } from './handler';
import { buildRegistry, createIngestRegistry } from './registry';

const fake = (eventType: string, kind: string): IngestHandler<{ id: string }, unknown> => ({
  eventType,
  kind,
  schema: z.object({ id: z.string() }),
  fromCsvRow: (row) => ({ id: row.id }),
  apply: async (_tx, records) => records.map((r) => ({ outcome: 'created' as const, id: r.id })),
});

describe('ingest registry', () => {
  it('dispatches the customer and supply sides by event type and by kind', () => {
    const r = createIngestRegistry({ clock: createManualClock('2026-11-20T00:00:00Z') });
    expect(r.byEventType('customer.upserted')?.kind).toBe('customers');
    expect(r.byEventType('support_call.created')?.kind).toBe('support_calls');
    expect(r.byKind('goals')?.eventType).toBe('goal.upserted');
    expect(r.byEventType('tutor.availability_updated')?.kind).toBe('availability');
    expect(r.byEventType('session.booked')?.kind).toBe('bookings');
    expect(r.byEventType('session.cancelled')?.kind).toBe('booking_cancellations');
    expect(r.byEventType('session.completed')).toBeUndefined();
  });

  it('takes another handler as one more entry, and refuses two for one type or kind', () => {
    const r = buildRegistry([fake('session.booked', 'bookings'), fake('session.cancelled', 'cancellations')]);
    expect(r.byEventType('session.booked')?.kind).toBe('bookings');
    expect(() => buildRegistry([fake('a.b', 'x'), fake('a.b', 'y')])).toThrow(
      /two ingest handlers for event/,
    );
    expect(() => buildRegistry([fake('a.b', 'x'), fake('c.d', 'x')])).toThrow(/two ingest handlers for kind/);
  });

  it('maps CSV rows: empty cells are absent, lists split on ";", booleans and integers parsed', () => {
    const r = createIngestRegistry({ clock: createManualClock('2026-11-20T00:00:00Z') });
    expect(
      r.byKind('customers')!.fromCsvRow({ customer_id: 'c1', email: '', student_ids: 's1; s2' }),
    ).toMatchObject({
      customer_id: 'c1',
      email: undefined,
      student_ids: ['s1', 's2'],
    });
    expect(
      r.byKind('support_calls')!.fromCsvRow({ duration_seconds: '120', resolved: 'yes', call_id: 'k' }),
    ).toMatchObject({ duration_seconds: 120, resolved: true, call_id: 'k' });
  });
});
