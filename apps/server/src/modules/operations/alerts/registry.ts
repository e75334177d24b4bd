/**
 * The one place checkers, recommendation generators and dashboard card providers are registered: one line
 * each, switched on by the reader port it needs (ports.ts). To plug in a capability at merge, pass its reader
 * in `AlertReaders` (services.ts); nothing else changes.
 */
import {
  churnRiskChecker,
  firstSessionFailureChecker,
  forecastAccuracyChecker,
  supplyShortageChecker,
  supportCallSpikeChecker,
  tutorQualityChecker,
} from './checkers';
import {
  churnCallGenerator,
  firstSessionGenerator,
  shortageGenerator,
  tutorCoachingGenerator,
} from './generators';
import {
  alertCards,
  customerRiskCards,
  firstSessionCards,
  sessionVolumeCards,
  supplyCards,
  type AlertCountsPort,
} from './metric-cards';
import type { AlertChecker, MetricCardProvider, RecommendationGenerator } from './plugins';
import type { AlertReaders } from './ports';

export type AlertRegistry = {
  checkers: AlertChecker[];
  generators: RecommendationGenerator[];
  cards: MetricCardProvider[];
};

const present = <T>(x: T | null | undefined | false): x is T => Boolean(x);

export function createAlertRegistry(
  r: AlertReaders,
  extra: { alertCounts?: AlertCountsPort } & Partial<AlertRegistry> = {},
): AlertRegistry {
  const checkers = [
    r.tutorQuality && tutorQualityChecker(r.tutorQuality),
    r.firstSessions && firstSessionFailureChecker(r.firstSessions),
    r.churn && churnRiskChecker(r.churn),
    r.shortages && supplyShortageChecker(r.shortages),
    r.supportCalls && supportCallSpikeChecker(r.supportCalls),
    r.forecastAccuracy && forecastAccuracyChecker(r.forecastAccuracy),
    ...(extra.checkers ?? []),
  ].filter(present);
  const generators = [
    r.shortages && shortageGenerator(r.shortages),
    r.churn && churnCallGenerator(r.churn),
    r.tutorQuality && tutorCoachingGenerator(r.tutorQuality),
    r.firstSessions && firstSessionGenerator(r.firstSessions),
    ...(extra.generators ?? []),
  ].filter(present);
  const cards = [
    r.sessionVolume && sessionVolumeCards(r.sessionVolume),
    extra.alertCounts && alertCards(extra.alertCounts),
    r.firstSessions && firstSessionCards(r.firstSessions),
    r.customerRisk && customerRiskCards(r.customerRisk),
    (r.shortages || r.forecastAccuracy) &&
      supplyCards({
        ...(r.shortages ? { shortages: r.shortages } : {}),
        ...(r.forecastAccuracy ? { accuracy: r.forecastAccuracy } : {}),
      }),
    ...(extra.cards ?? []),
  ].filter(present);
  for (const [what, list] of [
    ['checker', checkers],
    ['generator', generators],
    ['card provider', cards],
  ] as const) {
    const names = list.map((x) => x.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`Two alert ${what}s are named "${dup}"`);
  }
  return { checkers, generators, cards };
}
