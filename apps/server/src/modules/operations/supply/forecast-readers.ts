/**
 * The forecasting capability's side of the alert engine's reader ports: shortage hours of the latest forecast
 * run and the stored daily accuracy. Read-only; the alert checkers decide what is worth an alert.
 */
import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { forecastAccuracy, forecastRuns, subjects, supplyDemandForecasts } from '../../../db/schema/index';
import type { ForecastAccuracyReader, SupplyShortageReader } from '../alerts/ports';

export function createForecastAlertReaders(db: Db): {
  shortages: SupplyShortageReader;
  forecastAccuracy: ForecastAccuracyReader;
} {
  return {
    shortages: {
      async listShortageHours(from, to) {
        const [run] = await db
          .select({ forecastedAt: forecastRuns.forecastedAt })
          .from(forecastRuns)
          .orderBy(desc(forecastRuns.forecastedAt))
          .limit(1);
        if (!run) return [];
        const f = supplyDemandForecasts;
        const rows = await db
          .select({
            subject: f.subjectId,
            subjectName: subjects.name,
            hour: f.forecastHour,
            demandUpper: f.demandHi,
            supply: f.supplyExpected,
          })
          .from(f)
          .leftJoin(subjects, eq(subjects.id, f.subjectId))
          .where(
            and(
              eq(f.forecastedAt, run.forecastedAt),
              gte(f.forecastHour, from),
              lt(f.forecastHour, to),
              sql`${f.demandHi} > ${f.supplyExpected}`,
            ),
          )
          .orderBy(asc(f.subjectId), asc(f.forecastHour));
        return rows.map((r) => ({
          subject: r.subject,
          subjectName: r.subjectName ?? null,
          hour: r.hour,
          shortage: r.demandUpper - r.supply,
          demandUpper: r.demandUpper,
          supply: r.supply,
        }));
      },
    },
    forecastAccuracy: {
      async listDailyAccuracy(sinceDay) {
        const a = forecastAccuracy;
        const rows = await db
          .select({
            subject: a.subjectId,
            subjectName: subjects.name,
            day: a.day,
            mae: a.mae,
            mase: a.mase,
            coverage: a.coverage,
            hours: a.hours,
          })
          .from(a)
          .leftJoin(subjects, eq(subjects.id, a.subjectId))
          .where(gte(a.day, sinceDay))
          .orderBy(asc(a.day), asc(a.subjectId));
        return rows.map((r) => ({ ...r, subjectName: r.subjectName ?? null }));
      },
    },
  };
}
