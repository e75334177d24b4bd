/**
 * The reader ports the checkers, generators and metric cards take as dependencies: small, typed, read-only.
 * Each is implemented by the module that owns the data, through its service:
 *
 *   TutorQualityReader, FirstSessionReader, SessionVolumeReader  main-readers.ts (quality / sessions services)
 *   ChurnRiskReader, SupportCallReader                          the customers capability (wired at merge)
 *   SupplyShortageReader, ForecastAccuracyReader                the forecasting capability (wired at merge)
 */

// ---------------------------------------------------------------------------------------------------------
// Quality (on main)

export type TutorAttention = {
  tutorId: string;
  tutorName: string | null;
  /** Open or in-progress flags of severity high or critical. */
  flags: Array<{ id: string; type: string; severity: 'low' | 'medium' | 'high' | 'critical'; title: string }>;
  /** The 30-day score (0–100) and its confidence, null before the first scoring. */
  overallScore: number | null;
  confidence: number | null;
  isHighRisk: boolean;
};

export interface TutorQualityReader {
  /** Tutors with an open high/critical flag, or a confident 30-day score under `maxScore`. */
  listTutorsNeedingAttention(opts: { maxScore: number; minConfidence: number }): Promise<TutorAttention[]>;
  /** The tutor's current 30-day score and open flag count (effect measurement). */
  tutorStanding(tutorId: string): Promise<{ overallScore: number | null; openFlags: number } | null>;
}

export type FirstSessionTotals = { firstSessions: number; poorFirst: number };

export interface FirstSessionReader {
  /** First sessions and poor first sessions scheduled in [from, to). */
  firstSessionTotals(from: Date, to: Date): Promise<FirstSessionTotals>;
}

export interface SessionVolumeReader {
  /** Sessions scheduled to start in [from, to). */
  sessionsBetween(from: Date, to: Date): Promise<number>;
  /** Distinct tutors with a flag raised in [from, to). */
  tutorsFlaggedBetween(from: Date, to: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------------------
// Customers (wired at merge)

export type RiskTier = 'low' | 'medium' | 'high' | 'critical';

export type ChurnTierChange = {
  customerId: string;
  customerName: string | null;
  fromTier: RiskTier | null;
  toTier: RiskTier;
  probability: number;
  /** When the score that moved the tier was computed. */
  scoredAt: Date;
  /** The top risk factors, in plain words, most important first. */
  topFactors: Array<{ factor: string; label: string; contribution: number; intervention?: string }>;
};

export interface ChurnRiskReader {
  /** Customers whose latest score moved them into high or critical at or after `since`. */
  listTierChanges(since: Date): Promise<ChurnTierChange[]>;
  /** For effect measurement: sessions since `since` and the latest probability. */
  customerActivity(
    customerId: string,
    since: Date,
  ): Promise<{ sessionsSince: number; probability: number | null } | null>;
}

export interface CustomerRiskSummaryReader {
  /** Active customers per risk tier from their latest score as of `at` (now when omitted). */
  countByTier(at?: Date): Promise<Record<RiskTier, number>>;
}

export type SupportCallHour = { hour: Date; reason: string; calls: number };

export interface SupportCallReader {
  /** Support calls per hour and reason code in [from, to). */
  hourlyCallCounts(from: Date, to: Date): Promise<SupportCallHour[]>;
}

// ---------------------------------------------------------------------------------------------------------
// Forecasting (wired at merge)

export type ShortageHour = {
  subject: string;
  subjectName: string | null;
  hour: Date;
  /** Forecast demand (upper bound of the interval) minus expected supply, in sessions; > 0 is a shortage. */
  shortage: number;
  demandUpper: number;
  supply: number;
};

export interface SupplyShortageReader {
  /** Hours in [from, to) where forecast demand exceeds expected supply, per subject. */
  listShortageHours(from: Date, to: Date): Promise<ShortageHour[]>;
}

export type ForecastAccuracyDay = {
  subject: string;
  subjectName: string | null;
  /** The UTC day compared (YYYY-MM-DD). */
  day: string;
  mae: number;
  mase: number | null;
  /** Share of actuals inside the 95 % interval. */
  coverage: number | null;
  hours: number;
};

export interface ForecastAccuracyReader {
  /** Daily accuracy per subject for days at or after `sinceDay` (YYYY-MM-DD). */
  listDailyAccuracy(sinceDay: string): Promise<ForecastAccuracyDay[]>;
}

/** Every reader the engine can use; those absent switch their checkers, generators and cards off. */
export type AlertReaders = {
  tutorQuality?: TutorQualityReader;
  firstSessions?: FirstSessionReader;
  sessionVolume?: SessionVolumeReader;
  churn?: ChurnRiskReader;
  customerRisk?: CustomerRiskSummaryReader;
  supportCalls?: SupportCallReader;
  shortages?: SupplyShortageReader;
  forecastAccuracy?: ForecastAccuracyReader;
};
