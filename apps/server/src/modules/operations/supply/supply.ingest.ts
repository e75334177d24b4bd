/**
 * Ingestion of the supply side: `tutor.availability_updated` (kind `availability`: a tutor's whole weekly
 * schedule and dated exceptions, replacing what was stored), `session.booked` (kind `bookings`) and
 * `session.cancelled` (kind `booking_cancellations`). Each is an IngestHandler (../ingest/handler.ts), shared by
 * the signed webhook, the REST batch and the CSV import. Unknown tutor, student, subject or booking ids are
 * errors the caller reads, never inserts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../../db/client';
import {
  bookings,
  students,
  subjects,
  tutorAvailability,
  tutorAvailabilityExceptions,
  tutors,
} from '../../../db/schema/index';
import type { IngestHandler, IngestRecordError, IngestResult } from '../ingest/handler';

const ZId = z.string().trim().min(1).max(255);
const ZClock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$|^24:00(:00)?$/, 'a time like 16:00 (24:00 ends a day)')
  .transform((s) => (s.length === 5 ? `${s}:00` : s));
const ZTimeZone = z
  .string()
  .min(1)
  .refine((tz) => isTimeZone(tz), 'an IANA time zone such as America/New_York');
const ZDay = z.iso.date();
const ZTimestamp = z.iso.datetime({ offset: true });

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ZAvailabilitySlot = z
  .object({
    subject_id: ZId,
    /** ISO weekday, 1 = Monday … 7 = Sunday. */
    weekday: z.coerce.number().int().min(1).max(7),
    start: ZClock,
    end: ZClock,
  })
  .refine((s) => s.end > s.start, { message: 'end must be after start', path: ['end'] });

export const ZAvailabilityException = z
  .object({
    date: ZDay,
    /** Absent: every subject the tutor teaches. */
    subject_id: ZId.optional(),
    /** Both absent: the whole day. */
    start: ZClock.optional(),
    end: ZClock.optional(),
    /** false (default): time off; true: extra hours. */
    available: z.boolean().default(false),
    reason: z.string().max(500).optional(),
  })
  .refine((e) => (e.start === undefined) === (e.end === undefined), {
    message: 'give both start and end, or neither (whole day)',
    path: ['end'],
  })
  .refine((e) => e.start === undefined || e.end! > e.start, {
    message: 'end must be after start',
    path: ['end'],
  })
  .refine((e) => !e.available || e.start !== undefined, {
    message: 'extra hours need a start and an end',
    path: ['start'],
  });

/** `tutor.availability_updated`: the tutor's whole availability, which replaces what was stored. */
export const ZAvailabilityRecord = z
  .object({
    tutor_id: ZId,
    time_zone: ZTimeZone,
    weekly: z.array(ZAvailabilitySlot).max(500),
    exceptions: z.array(ZAvailabilityException).max(1000).default([]),
  })
  .superRefine((r, ctx) => {
    const bySlot = new Map<string, Array<{ start: string; end: string; i: number }>>();
    r.weekly.forEach((s, i) => {
      const key = `${s.subject_id}/${s.weekday}`;
      const list = bySlot.get(key) ?? [];
      for (const o of list) {
        if (s.start < o.end && o.start < s.end)
          ctx.addIssue({
            code: 'custom',
            path: ['weekly', i],
            message: `overlaps slot ${o.i} (same subject and weekday)`,
          });
      }
      list.push({ start: s.start, end: s.end, i });
      bySlot.set(key, list);
    });
  });
export type TAvailabilityRecord = z.output<typeof ZAvailabilityRecord>;

/** `session.booked`: a future session; a re-send with another time or tutor moves it. */
export const ZBookingRecord = z.object({
  session_id: ZId,
  tutor_id: ZId,
  student_id: ZId,
  subject_id: ZId,
  scheduled_start: ZTimestamp,
  duration_minutes: z.coerce.number().int().min(5).max(600),
  booked_at: ZTimestamp.optional(),
});
export type TBookingRecord = z.output<typeof ZBookingRecord>;

/** `session.cancelled`: a booked session will not happen. */
export const ZCancellationRecord = z.object({
  session_id: ZId,
  cancelled_at: ZTimestamp,
  cancelled_by: z.enum(['tutor', 'student', 'system']).optional(),
  reason: z.string().max(500).optional(),
});
export type TCancellationRecord = z.output<typeof ZCancellationRecord>;

const unknownId = (field: string, id: string, what: string): { error: IngestRecordError } => ({
  error: { code: 'UNKNOWN_ID', field, message: `no ${what} with id "${id}"` },
});

async function existingIds(
  tx: DbOrTx,
  table: typeof tutors | typeof students | typeof subjects,
  ids: string[],
): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await tx.select({ id: table.id }).from(table).where(inArray(table.id, unique));
  return new Set(rows.map((r) => r.id));
}

// ---------------------------------------------------------------------------------------------------------
// Availability

/** A canonical text of an availability set: equal texts mean a re-send that changes nothing. */
function canonicalAvailability(
  timeZone: string,
  weekly: Array<{ subjectId: string; weekday: number; start: string; end: string }>,
  exceptions: Array<{
    date: string;
    subjectId: string | null;
    start: string | null;
    end: string | null;
    available: boolean;
    reason: string | null;
  }>,
): string {
  const w = weekly.map((s) => `${s.subjectId}|${s.weekday}|${s.start}|${s.end}`).sort();
  const e = exceptions
    .map(
      (x) =>
        `${x.date}|${x.subjectId ?? ''}|${x.start ?? ''}|${x.end ?? ''}|${x.available}|${x.reason ?? ''}`,
    )
    .sort();
  return JSON.stringify([timeZone, w, e]);
}

export const availabilityIngestHandler: IngestHandler<TAvailabilityRecord, DbOrTx> = {
  eventType: 'tutor.availability_updated',
  kind: 'availability',
  schema: ZAvailabilityRecord,
  fromCsvRow(row) {
    return {
      tutor_id: row.tutor_id,
      time_zone: row.time_zone,
      weekly: parseWeekly(row.weekly ?? ''),
      ...(row.exceptions ? { exceptions: parseExceptions(row.exceptions) } : {}),
    };
  },
  async apply(tx, records) {
    const tutorIds = await existingIds(
      tx,
      tutors,
      records.map((r) => r.tutor_id),
    );
    const subjectIds = await existingIds(
      tx,
      subjects,
      records.flatMap((r) => [
        ...r.weekly.map((s) => s.subject_id),
        ...r.exceptions.flatMap((e) => (e.subject_id ? [e.subject_id] : [])),
      ]),
    );
    const results: IngestResult[] = [];
    for (const r of records) {
      if (!tutorIds.has(r.tutor_id)) {
        results.push(unknownId('tutor_id', r.tutor_id, 'tutor'));
        continue;
      }
      const badSubject =
        r.weekly.find((s) => !subjectIds.has(s.subject_id))?.subject_id ??
        r.exceptions.find((e) => e.subject_id && !subjectIds.has(e.subject_id))?.subject_id;
      if (badSubject) {
        results.push(unknownId('subject_id', badSubject, 'subject'));
        continue;
      }
      const weekly = r.weekly.map((s) => ({
        subjectId: s.subject_id,
        weekday: s.weekday,
        start: s.start,
        end: s.end,
      }));
      const exceptions = r.exceptions.map((e) => ({
        date: e.date,
        subjectId: e.subject_id ?? null,
        start: e.start ?? null,
        end: e.end ?? null,
        available: e.available,
        reason: e.reason ?? null,
      }));
      const storedWeekly = await tx
        .select()
        .from(tutorAvailability)
        .where(eq(tutorAvailability.tutorId, r.tutor_id));
      const storedExceptions = await tx
        .select()
        .from(tutorAvailabilityExceptions)
        .where(eq(tutorAvailabilityExceptions.tutorId, r.tutor_id));
      const hadAny = storedWeekly.length + storedExceptions.length > 0;
      const storedZone = storedWeekly[0]?.timeZone ?? storedExceptions[0]?.timeZone ?? r.time_zone;
      const before = canonicalAvailability(
        storedZone,
        storedWeekly.map((s) => ({
          subjectId: s.subjectId,
          weekday: s.weekday,
          start: s.startTime,
          end: s.endTime,
        })),
        storedExceptions.map((e) => ({
          date: e.date,
          subjectId: e.subjectId,
          start: e.startTime,
          end: e.endTime,
          available: e.available,
          reason: e.reason,
        })),
      );
      if (hadAny && before === canonicalAvailability(r.time_zone, weekly, exceptions)) {
        results.push({ outcome: 'unchanged', id: r.tutor_id });
        continue;
      }
      await tx.delete(tutorAvailability).where(eq(tutorAvailability.tutorId, r.tutor_id));
      await tx.delete(tutorAvailabilityExceptions).where(eq(tutorAvailabilityExceptions.tutorId, r.tutor_id));
      if (weekly.length)
        await tx.insert(tutorAvailability).values(
          weekly.map((s) => ({
            tutorId: r.tutor_id,
            subjectId: s.subjectId,
            weekday: s.weekday,
            startTime: s.start,
            endTime: s.end,
            timeZone: r.time_zone,
          })),
        );
      if (exceptions.length)
        await tx.insert(tutorAvailabilityExceptions).values(
          exceptions.map((e) => ({
            tutorId: r.tutor_id,
            subjectId: e.subjectId,
            date: e.date,
            startTime: e.start,
            endTime: e.end,
            available: e.available,
            reason: e.reason,
            timeZone: r.time_zone,
          })),
        );
      results.push({ outcome: hadAny ? 'updated' : 'created', id: r.tutor_id });
    }
    return results;
  },
};

const RANGE = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/;
const pad = (t: string) => (t.length === 4 ? `0${t}` : t);

/**
 * CSV cell `algebra-1 mon 16:00-21:00; geometry tue 17:00-20:00` → slots. A part that does not parse is
 * passed on as text, so validation reports it at its index.
 */
export function parseWeekly(cell: string): unknown[] {
  return cell
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const tokens = part.split(/\s+/);
      if (tokens.length !== 3) return part;
      const [subject, day, range] = tokens as [string, string, string];
      const m = RANGE.exec(range);
      const wd = WEEKDAYS.indexOf(day.toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
      const weekday = wd >= 0 ? wd + 1 : Number(day);
      if (!m) return part;
      return { subject_id: subject, weekday, start: pad(m[1]!), end: pad(m[2]!) };
    });
}

/**
 * CSV cell `2026-12-24 off; 2026-12-26 16:00-18:00 off; 2026-12-27 algebra-1 10:00-12:00 on` → exceptions:
 * a date, then optionally a subject and a time range, then `on` (extra hours) or `off` (time off).
 */
export function parseExceptions(cell: string): unknown[] {
  return cell
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const tokens = part.split(/\s+/);
      const last = tokens.at(-1)?.toLowerCase();
      if (tokens.length < 2 || (last !== 'on' && last !== 'off')) return part;
      const out: Record<string, unknown> = { date: tokens[0], available: last === 'on' };
      for (const t of tokens.slice(1, -1)) {
        const m = RANGE.exec(t);
        if (m) {
          out.start = pad(m[1]!);
          out.end = pad(m[2]!);
        } else out.subject_id = t;
      }
      return out;
    });
}

// ---------------------------------------------------------------------------------------------------------
// Bookings

export const bookingIngestHandler: IngestHandler<TBookingRecord, DbOrTx> = {
  eventType: 'session.booked',
  kind: 'bookings',
  schema: ZBookingRecord,
  fromCsvRow(row) {
    return {
      session_id: row.session_id,
      tutor_id: row.tutor_id,
      student_id: row.student_id,
      subject_id: row.subject_id,
      scheduled_start: row.scheduled_start,
      duration_minutes: row.duration_minutes,
      ...(row.booked_at ? { booked_at: row.booked_at } : {}),
    };
  },
  async apply(tx, records) {
    const [tutorIds, studentIds, subjectIds] = await Promise.all([
      existingIds(
        tx,
        tutors,
        records.map((r) => r.tutor_id),
      ),
      existingIds(
        tx,
        students,
        records.map((r) => r.student_id),
      ),
      existingIds(
        tx,
        subjects,
        records.map((r) => r.subject_id),
      ),
    ]);
    const results: IngestResult[] = [];
    for (const r of records) {
      if (!tutorIds.has(r.tutor_id)) {
        results.push(unknownId('tutor_id', r.tutor_id, 'tutor'));
        continue;
      }
      if (!studentIds.has(r.student_id)) {
        results.push(unknownId('student_id', r.student_id, 'student'));
        continue;
      }
      if (!subjectIds.has(r.subject_id)) {
        results.push(unknownId('subject_id', r.subject_id, 'subject'));
        continue;
      }
      const start = new Date(r.scheduled_start);
      const bookedAt = r.booked_at ? new Date(r.booked_at) : null;
      const [stored] = await tx.select().from(bookings).where(eq(bookings.externalId, r.session_id));
      if (!stored) {
        await tx.insert(bookings).values({
          externalId: r.session_id,
          tutorId: r.tutor_id,
          studentId: r.student_id,
          subjectId: r.subject_id,
          scheduledStart: start,
          durationMinutes: r.duration_minutes,
          bookedAt,
        });
        results.push({ outcome: 'created', id: r.session_id });
        continue;
      }
      if (stored.status === 'cancelled') {
        results.push({
          error: {
            code: 'BOOKING_CANCELLED',
            field: 'session_id',
            message: `session "${r.session_id}" was cancelled; book it under a new id`,
          },
        });
        continue;
      }
      const same =
        stored.tutorId === r.tutor_id &&
        stored.studentId === r.student_id &&
        stored.subjectId === r.subject_id &&
        stored.scheduledStart.getTime() === start.getTime() &&
        stored.durationMinutes === r.duration_minutes &&
        (bookedAt === null || stored.bookedAt?.getTime() === bookedAt.getTime());
      if (same) {
        results.push({ outcome: 'unchanged', id: r.session_id });
        continue;
      }
      await tx
        .update(bookings)
        .set({
          tutorId: r.tutor_id,
          studentId: r.student_id,
          subjectId: r.subject_id,
          scheduledStart: start,
          durationMinutes: r.duration_minutes,
          ...(bookedAt ? { bookedAt } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(bookings.id, stored.id));
      results.push({ outcome: 'updated', id: r.session_id });
    }
    return results;
  },
};

export const cancellationIngestHandler: IngestHandler<TCancellationRecord, DbOrTx> = {
  eventType: 'session.cancelled',
  kind: 'booking_cancellations',
  schema: ZCancellationRecord,
  fromCsvRow(row) {
    return {
      session_id: row.session_id,
      cancelled_at: row.cancelled_at,
      ...(row.cancelled_by ? { cancelled_by: row.cancelled_by } : {}),
      ...(row.reason ? { reason: row.reason } : {}),
    };
  },
  async apply(tx, records) {
    const ids = [...new Set(records.map((r) => r.session_id))];
    const stored = ids.length
      ? await tx.select({ id: bookings.externalId }).from(bookings).where(inArray(bookings.externalId, ids))
      : [];
    const known = new Set(stored.map((s) => s.id));
    const results: IngestResult[] = [];
    for (const r of records) {
      if (!known.has(r.session_id)) {
        results.push({
          error: {
            code: 'UNKNOWN_ID',
            field: 'session_id',
            message: `no booking with session id "${r.session_id}"`,
          },
        });
        continue;
      }
      const changed = await tx
        .update(bookings)
        .set({
          status: 'cancelled',
          cancelledAt: new Date(r.cancelled_at),
          cancelledBy: r.cancelled_by ?? null,
          cancelReason: r.reason ?? null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(bookings.externalId, r.session_id), eq(bookings.status, 'booked')))
        .returning({ id: bookings.id });
      results.push({ outcome: changed.length ? 'updated' : 'unchanged', id: r.session_id });
    }
    return results;
  },
};

/** The supply side's handlers, for the operations ingestion registry (one line each there). */
export const supplyIngestHandlers: Array<IngestHandler<unknown, DbOrTx>> = [
  availabilityIngestHandler as IngestHandler<unknown, DbOrTx>,
  bookingIngestHandler as IngestHandler<unknown, DbOrTx>,
  cancellationIngestHandler as IngestHandler<unknown, DbOrTx>,
];
