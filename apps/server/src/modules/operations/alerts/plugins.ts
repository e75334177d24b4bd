/**
 * The plug-in interfaces of the alert engine. A checker looks at one kind of data and proposes alerts; a
 * generator turns alerts into recommendations and, after one is accepted, measures whether it worked; a metric
 * card provider adds cards to `GET /api/operations/metrics`. All are registered in registry.ts, one line each;
 * none touches the alert tables (the engine owns them), so a checker is a pure read of its own reader port.
 */
import type { AlertEvidence, ExpectedEffect, MeasuredEffect } from '../../../db/schema/operations-alerts';
import type { TMetricCard } from '@tutorpulse/contracts/operations-alerts';

export type { AlertEvidence, ExpectedEffect, MeasuredEffect };

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';

export type CheckContext = { now: Date };

/** What a checker proposes. The engine creates, updates (evidence grows) or leaves alone the matching alert. */
export type AlertCandidate = {
  type: string;
  severity: Severity;
  /** What the alert is about; one active alert per key. Prefix it with the type. */
  dedupeKey: string;
  title: string;
  description: string;
  evidence: AlertEvidence;
  /**
   * Identifies this piece of evidence (e.g. the day's rate, the set of flags). The same key twice changes
   * nothing; a new key on an active alert adds evidence; a key already seen by a closed alert of the same
   * dedupe key does not raise the alert again (the operator already dealt with it). Defaults to a hash of the
   * evidence ids.
   */
  evidenceKey?: string;
};

export interface AlertChecker {
  /** Unique name, stored as the alert's `source`. */
  readonly name: string;
  /** The alert types it raises. */
  readonly types: readonly string[];
  /**
   * When true, an active alert of these types that the checker no longer proposes is resolved by the system
   * ("condition cleared"). Leave false when the absence of a finding proves nothing.
   */
  readonly resolvesWhenCleared?: boolean;
  run(ctx: CheckContext): Promise<AlertCandidate[]>;
}

/** An alert as generators see it (after the engine stored it). */
export type AlertView = {
  id: string;
  type: string;
  severity: Severity;
  title: string;
  dedupeKey: string;
  evidence: AlertEvidence;
};

export type RecommendationCandidate = {
  type: string;
  priority: Priority;
  /** One open recommendation per key. */
  dedupeKey: string;
  title: string;
  description: string;
  evidence: AlertEvidence;
  expectedEffect: ExpectedEffect;
  expiresAt: Date;
  /** How long after acceptance the effect is measured (ms). */
  measureAfterMs: number;
  /** Not measured before this instant either (e.g. the end of the shortage window). */
  measureAt?: Date;
  alertId?: string;
};

/** An accepted recommendation handed to `measureEffect`. */
export type AcceptedRecommendation = {
  id: string;
  type: string;
  dedupeKey: string;
  evidence: AlertEvidence;
  expectedEffect: ExpectedEffect;
  acceptedAt: Date;
  baseline: Record<string, unknown> | null;
};

export interface RecommendationGenerator {
  readonly name: string;
  /** The alert types it makes recommendations from. */
  readonly alertTypes: readonly string[];
  generate(alerts: AlertView[], ctx: CheckContext): Promise<RecommendationCandidate[]>;
  /** Figures to keep at acceptance, compared later by measureEffect (optional). */
  baseline?(
    rec: Omit<AcceptedRecommendation, 'baseline'>,
    ctx: CheckContext,
  ): Promise<Record<string, unknown> | null>;
  /** The effect observed since acceptance; null = not measurable yet (tried again on the next run). */
  measureEffect?(rec: AcceptedRecommendation, ctx: CheckContext): Promise<MeasuredEffect | null>;
}

export type MetricCard = TMetricCard;

export interface MetricCardProvider {
  readonly name: string;
  cards(ctx: CheckContext): Promise<MetricCard[]>;
  /** Event types after which its cards are stale (prefixes allowed: `session.`). */
  readonly invalidatedBy: readonly string[];
}
