/**
 * The operations module's public API: its two pure libraries, the forecasting engine and the churn model, used by
 * the CLI (forecast, eval:forecast, eval:churn); ingestion (webhook, REST batch, CSV import); customers, churn
 * in production, their routes and jobs.
 */
export { createChurnService, type ChurnService } from './customers/churn.service';
export { listLiveCustomerIds, loadCustomerHistories } from './customers/customer-history';
export { createCustomerJobs, CHURN_SCHEDULES } from './customers/customers.jobs';
export { customersRoutes } from './customers/customers.routes';
export { createCustomerService, type CustomerService } from './customers/customers.service';
export type { IngestHandler, IngestResult } from './ingest/handler';
export { operationsIngestRoutes } from './ingest/ingest.routes';
export { createIngestService, type IngestService } from './ingest/ingest.service';
export { createIngestRegistry } from './ingest/registry';
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
export { createCustomerAlertReaders } from './customers/customer-readers';
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
