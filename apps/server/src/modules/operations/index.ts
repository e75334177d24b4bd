/**
 * The operations module's public API. So far its two pure libraries, the forecasting engine and the churn
 * model, used by the CLI (forecast, eval:forecast, eval:churn); its services and routes join as they are built.
 */
export { explainChurnScore } from './churn/explain';
export {
  CHURN_FEATURES,
  FEATURE_COLUMNS,
  computeFeatures,
  factorOfColumn,
  toFeatureRow,
} from './churn/features';
export type { FactorKey } from './churn/features';
export type { CustomerHistory, Goal, SessionRecord, SupportCall, TutorScoreRecord } from './churn/history';
export { averagePrecision, brierScore, rocAuc } from './churn/metrics';
export {
  RISK_TIERS,
  compileModel,
  labelsOf,
  riskTier,
  scoreRows,
  standardiseRows,
  trainChurnModel,
} from './churn/model';
export type { ChurnModel } from './churn/model';
export { buildSnapshots, cutoffSchedule, planTimeSplit } from './churn/snapshots';
export type { Snapshot } from './churn/snapshots';
export { coverage, mase, msis, owa, seasonalNaiveScale, smape } from './forecasting/accuracy';
export type { Band } from './forecasting/augurs';
export { CsvInputError, formatForecastCsv, parseSeriesCsv } from './forecasting/csv';
export type { ForecastRow } from './forecasting/csv';
export { ForecastInputError, forecastSeries } from './forecasting/engine';
export type { ForecastResult } from './forecasting/engine';
export { seasonalNaive } from './forecasting/methods';
export { naive2, seasonalNaiveForecast } from './forecasting/naive2';
export { forecastTimedSeries, holidayFlags, toRegularGrid } from './forecasting/time-series';

// Supply and forecasts: ingestion handlers, the forecast service and jobs, routes.
export {
  availabilityIngestHandler,
  bookingIngestHandler,
  cancellationIngestHandler,
  supplyIngestHandlers,
} from './supply/supply.ingest';
export {
  availabilityByHour,
  expectedSupply,
  findImbalances,
  IMBALANCE_THRESHOLDS,
  severityRank,
} from './supply/supply.rules';
export type { HourBalance, Imbalance } from './supply/supply.rules';
export {
  createForecastJobs,
  createForecastService,
  FORECAST_READ_TAG,
  type ForecastService,
} from './supply/forecasts.service';
export { forecastsRoutes } from './supply/forecasts.routes';
export { createForecastAlertReaders } from './supply/forecast-readers';
// Alerts, recommendations and the dashboard metrics (alerts/): the composition root builds them with
// createOperationsAlerts and plugs readers of other capabilities in through AlertReaders.
export { createOperationsAlerts, type OperationsAlerts } from './alerts/alerts.module';
export { createAlertJobs, ALERT_SCHEDULES } from './alerts/alerts.jobs';
export { alertsRoutes } from './alerts/alerts.routes';
export { createMainReaders } from './alerts/main-readers';
export { OPERATIONS_READ_TAG } from './alerts/metrics.service';
export type {
  AlertCandidate,
  AlertChecker,
  MetricCardProvider,
  RecommendationCandidate,
  RecommendationGenerator,
} from './alerts/plugins';
export type {
  AlertReaders,
  ChurnRiskReader,
  ForecastAccuracyReader,
  SupplyShortageReader,
  SupportCallReader,
} from './alerts/ports';
