/**
 * The operations module's supply side and its forecasts: tutor availability (weekly hours per tutor and
 * subject, plus dated exceptions), bookings (future sessions, as the marketplace books and cancels them), and
 * what the forecast job derives from them: demand and expected supply per subject and hour, the imbalances
 * between the two, and the daily accuracy of yesterday's forecasts. Owned by modules/operations (supply).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { students, subjects, tutors } from './marketplace';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A tutor's weekly hours for one subject, in the tutor's time zone. `tutor.availability_updated` replaces a
 * tutor's whole set (slots and exceptions) at once.
 */
export const tutorAvailability = pgTable(
  'tutor_availability',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    /** ISO weekday: 1 = Monday … 7 = Sunday, local to `time_zone`. */
    weekday: smallint('weekday').notNull(),
    startTime: time('start_time').notNull(),
    /** Exclusive; `24:00` ends a slot at midnight. */
    endTime: time('end_time').notNull(),
    timeZone: text('time_zone').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tutor_availability_slot_idx').on(t.tutorId, t.subjectId, t.weekday, t.startTime),
    index('tutor_availability_subject_idx').on(t.subjectId, t.weekday),
    check('tutor_availability_weekday_check', sql`${t.weekday} between 1 and 7`),
    check('tutor_availability_times_check', sql`${t.endTime} > ${t.startTime}`),
  ],
);

/**
 * A dated change to the weekly hours: time off (`available = false`) or extra hours (`true`), for one subject
 * or all of them (`subject_id` null), for the whole day (no times) or a time range, local to `time_zone`.
 */
export const tutorAvailabilityExceptions = pgTable(
  'tutor_availability_exceptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id, { onDelete: 'cascade' }),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    startTime: time('start_time'),
    endTime: time('end_time'),
    available: boolean('available').notNull().default(false),
    timeZone: text('time_zone').notNull(),
    reason: text('reason'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('tutor_availability_exceptions_tutor_idx').on(t.tutorId, t.date),
    index('tutor_availability_exceptions_date_idx').on(t.date),
  ],
);

export const BOOKING_STATUSES = ['booked', 'cancelled'] as const;
export const CANCELLED_BY = ['tutor', 'student', 'system'] as const;

/** Future sessions as booked (`session.booked`) and cancelled (`session.cancelled`); keyed by the platform's id. */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The platform's session id (the same as the completed session's `session_id`, later). */
    externalId: text('external_id').notNull().unique(),
    tutorId: text('tutor_id')
      .notNull()
      .references(() => tutors.id),
    studentId: text('student_id')
      .notNull()
      .references(() => students.id),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    scheduledStart: ts('scheduled_start').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    status: text('status', { enum: BOOKING_STATUSES }).notNull().default('booked'),
    bookedAt: ts('booked_at'),
    cancelledAt: ts('cancelled_at'),
    cancelledBy: text('cancelled_by', { enum: CANCELLED_BY }),
    cancelReason: text('cancel_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('bookings_subject_start_idx').on(t.subjectId, t.scheduledStart),
    index('bookings_tutor_start_idx').on(t.tutorId, t.scheduledStart),
    index('bookings_student_start_idx').on(t.studentId, t.scheduledStart),
    index('bookings_start_idx').on(t.scheduledStart),
    check('bookings_duration_check', sql`${t.durationMinutes} between 5 and 600`),
  ],
);

/** One run of the forecast job: its moment (`forecasted_at`, the hour it ran) and what it did. */
export const forecastRuns = pgTable(
  'forecast_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    forecastedAt: ts('forecasted_at').notNull().unique(),
    horizonHours: integer('horizon_hours').notNull(),
    historyDays: integer('history_days').notNull(),
    subjects: integer('subjects').notNull(),
    imbalances: integer('imbalances').notNull().default(0),
    durationMs: integer('duration_ms').notNull(),
    /** Chosen method per subject, holidays used, notes. */
    details: text('details'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('forecast_runs_created_idx').on(t.createdAt)],
);

/**
 * Seed 001's supply-demand forecasts: per subject and future hour, demand (sessions starting in that hour:
 * point and 95 % interval, never below what is already booked) and expected supply (tutors available for the
 * subject, each discounted by their no-show and cancellation rates), as of one run.
 */
export const supplyDemandForecasts = pgTable(
  'supply_demand_forecasts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    forecastHour: ts('forecast_hour').notNull(),
    forecastedAt: ts('forecasted_at').notNull(),
    demandMean: doublePrecision('demand_mean').notNull(),
    demandLo: doublePrecision('demand_lo').notNull(),
    demandHi: doublePrecision('demand_hi').notNull(),
    /** Bookings already made for the hour when the forecast ran. */
    booked: integer('booked').notNull().default(0),
    /** Tutors available for the subject in the hour (raw count). */
    supplyTutors: integer('supply_tutors').notNull().default(0),
    /** Sessions those tutors are expected to deliver after no-shows and cancellations. */
    supplyExpected: doublePrecision('supply_expected').notNull().default(0),
    method: text('method').notNull(),
  },
  (t) => [
    uniqueIndex('supply_demand_forecasts_key_idx').on(t.subjectId, t.forecastHour, t.forecastedAt),
    index('supply_demand_forecasts_hour_idx').on(t.forecastHour),
    index('supply_demand_forecasts_forecasted_idx').on(t.forecastedAt),
  ],
);

export const IMBALANCE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/**
 * Contiguous hours of one subject where forecast demand (upper bound) exceeds expected supply, as found by one
 * run: its size (peak and total shortage in sessions) and severity.
 */
export const supplyImbalances = pgTable(
  'supply_imbalances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    forecastedAt: ts('forecasted_at').notNull(),
    startHour: ts('start_hour').notNull(),
    /** Exclusive. */
    endHour: ts('end_hour').notNull(),
    hours: integer('hours').notNull(),
    peakShortage: doublePrecision('peak_shortage').notNull(),
    totalShortage: doublePrecision('total_shortage').notNull(),
    peakDemandHi: doublePrecision('peak_demand_hi').notNull(),
    minSupply: doublePrecision('min_supply').notNull(),
    severity: text('severity', { enum: IMBALANCE_SEVERITIES }).notNull(),
  },
  (t) => [
    uniqueIndex('supply_imbalances_key_idx').on(t.subjectId, t.forecastedAt, t.startHour),
    index('supply_imbalances_forecasted_idx').on(t.forecastedAt, t.severity),
    index('supply_imbalances_start_idx').on(t.startHour),
  ],
);

/** Each day: that day's hours as forecast by the last run before it, against the sessions that started. */
export const forecastAccuracy = pgTable(
  'forecast_accuracy',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    /** UTC day scored. */
    day: date('day', { mode: 'string' }).notNull(),
    forecastedAt: ts('forecasted_at').notNull(),
    hours: integer('hours').notNull(),
    actualTotal: integer('actual_total').notNull(),
    forecastTotal: doublePrecision('forecast_total').notNull(),
    mae: doublePrecision('mae').notNull(),
    /** MAE over the in-sample MAE of the weekly seasonal naive (null when that scale is 0). */
    mase: doublePrecision('mase'),
    /** Share of the hours inside the 95 % interval. */
    coverage: doublePrecision('coverage').notNull(),
    computedAt: ts('computed_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('forecast_accuracy_key_idx').on(t.subjectId, t.day),
    index('forecast_accuracy_day_idx').on(t.day),
  ],
);
