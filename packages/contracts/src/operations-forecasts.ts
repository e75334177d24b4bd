/**
 * Contracts of the operations forecasts: demand and expected supply per subject and hour (seed 001's
 * supply-demand forecasts), the imbalances between them, the daily accuracy of past forecasts, and the
 * on-demand run. Query schemas carry no `.meta({ id })`: a querystring stays inline in OpenAPI.
 */
import { z } from 'zod';
import { ZCalendarDate, ZInstant, ZText } from './common';

/** Response timestamps (requests use ZInstant, which also checks the text is storable). */
const ZTimestamp = z.iso.datetime({ offset: true });
const ZSubjectId = ZText.trim().min(1).max(255);

export const IMBALANCE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ZImbalanceSeverity = z.enum(IMBALANCE_SEVERITIES);

export const ZForecastsQuery = z.object({
  subject: ZSubjectId.optional().describe('Subject id; all subjects when absent'),
  from: ZInstant.optional().describe('First hour (default: the latest run’s first hour)'),
  to: ZInstant.optional().describe('End, exclusive (default: the end of the latest run’s horizon)'),
});
export type TForecastsQuery = z.infer<typeof ZForecastsQuery>;

export const ZForecastHour = z
  .object({
    subject_id: z.string(),
    hour: ZTimestamp,
    demand: z.object({ mean: z.number(), lo: z.number(), hi: z.number() }),
    booked: z.number().int(),
    supply: z.object({
      tutors: z.number().int().describe('Tutors available for the subject in the hour'),
      expected: z.number().describe('Sessions they are expected to deliver after no-shows and cancellations'),
    }),
    shortage: z.number().describe('max(0, demand upper bound − expected supply)'),
    method: z.string(),
  })
  .meta({ id: 'ForecastHour' });
export type TForecastHour = z.infer<typeof ZForecastHour>;

export const ZForecastRun = z
  .object({
    forecasted_at: ZTimestamp,
    horizon_hours: z.number().int(),
    history_days: z.number().int(),
    subjects: z.number().int(),
    imbalances: z.number().int(),
    duration_ms: z.number().int(),
  })
  .meta({ id: 'ForecastRun' });
export type TForecastRun = z.infer<typeof ZForecastRun>;

export const ZForecastsResponse = z
  .object({ run: ZForecastRun.nullable(), data: z.array(ZForecastHour) })
  .meta({ id: 'ForecastsResponse' });
export type TForecastsResponse = z.infer<typeof ZForecastsResponse>;

export const ZImbalance = z
  .object({
    subject_id: z.string(),
    start_hour: ZTimestamp,
    end_hour: ZTimestamp,
    hours: z.number().int(),
    peak_shortage: z.number(),
    total_shortage: z.number(),
    peak_demand_hi: z.number(),
    min_supply: z.number(),
    severity: ZImbalanceSeverity,
    forecasted_at: ZTimestamp,
  })
  .meta({ id: 'Imbalance' });
export type TImbalance = z.infer<typeof ZImbalance>;

export const ZImbalancesQuery = z.object({
  subject: ZSubjectId.optional(),
  min_severity: ZImbalanceSeverity.optional().describe('Only this severity and above'),
  from: ZInstant.optional().describe('Imbalances ending after this instant'),
  to: ZInstant.optional().describe('Imbalances starting before this instant'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type TImbalancesQuery = z.infer<typeof ZImbalancesQuery>;

export const ZImbalancePage = z
  .object({
    run: ZForecastRun.nullable(),
    data: z.array(ZImbalance),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ImbalancePage' });
export type TImbalancePage = z.infer<typeof ZImbalancePage>;

export const ZAccuracyQuery = z.object({
  subject: ZSubjectId.optional(),
  from: ZCalendarDate.optional().describe('First day (default: 14 days ago)'),
  to: ZCalendarDate.optional().describe('Last day, inclusive (default: yesterday)'),
});
export type TAccuracyQuery = z.infer<typeof ZAccuracyQuery>;

export const ZAccuracyRow = z
  .object({
    subject_id: z.string(),
    day: z.iso.date(),
    forecasted_at: ZTimestamp,
    hours: z.number().int(),
    actual_total: z.number().int(),
    forecast_total: z.number(),
    mae: z.number(),
    mase: z.number().nullable(),
    coverage: z.number(),
  })
  .meta({ id: 'AccuracyRow' });
export type TAccuracyRow = z.infer<typeof ZAccuracyRow>;

export const ZAccuracyDay = z.object({
  day: z.iso.date(),
  subjects: z.number().int(),
  mae: z.number(),
  mase: z.number().nullable(),
  coverage: z.number(),
});

export const ZAccuracyResponse = z
  .object({ days: z.array(ZAccuracyDay), data: z.array(ZAccuracyRow) })
  .meta({ id: 'AccuracyResponse' });
export type TAccuracyResponse = z.infer<typeof ZAccuracyResponse>;

export const ZSubjectForecastParams = z.object({ subject: ZSubjectId });

export const ZSubjectForecast = z
  .object({
    subject: z.object({ id: z.string(), name: z.string(), category: z.string() }),
    run: ZForecastRun.nullable(),
    hours: z.array(ZForecastHour),
    imbalances: z.array(ZImbalance),
    accuracy: z.array(ZAccuracyRow).describe('The last 14 days'),
  })
  .meta({ id: 'SubjectForecast' });
export type TSubjectForecast = z.infer<typeof ZSubjectForecast>;

export const ZRunForecastRequest = z.object({}).strict().optional();

export const ZRunForecastResponse = z
  .object({ queued: z.boolean(), job_id: z.string() })
  .meta({ id: 'RunForecastResponse' });
export type TRunForecastResponse = z.infer<typeof ZRunForecastResponse>;
