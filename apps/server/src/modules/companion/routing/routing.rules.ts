/**
 * When a student should be routed to a human tutor (pure rules, thresholds passed in): an explicit ask,
 * signs of frustration in their chat messages, repeated errors on one concept, or mastery still low after
 * practice. Produces seed 004's routing output plus the triggers and the misconceptions to hand over.
 */
import type { AttemptRecord, MasteryRecord } from '../engagement-ports';

export type RoutingTrigger =
  'repeated_errors' | 'low_mastery_after_practice' | 'frustration' | 'explicit_request';

export const ROUTING_THRESHOLDS = {
  /** Incorrect answers among the last `errorWindow` attempts on one concept. */
  errorsInWindow: 3,
  errorWindow: 4,
  /** Practice attempts on a concept before low mastery counts as "after practice". */
  practiceAttempts: 3,
  lowMastery: 40,
  /** Messages with a frustration marker among the last `frustrationWindow` (one strong marker is enough). */
  frustratedMessages: 2,
  frustrationWindow: 5,
} as const;
export type RoutingThresholds = typeof ROUTING_THRESHOLDS;

const EXPLICIT =
  /\b((real|human|actual|live|my)\s+(tutor|teacher|person))\b|\b(talk|speak|chat|meet)\s+(to|with)\s+(a|my|the|an?\s+\w+)?\s*(tutor|teacher|human|person)\b|\bbook\s+(a\s+)?(session|lesson|tutor)\b|\bneed\s+(a\s+)?tutor\b/i;
const FRUSTRATION =
  /\b(i\s+(still\s+)?(don'?t|do not|can'?t|cannot)\s+(get|understand|do)\s+(it|this|that)|confus(ed|ing)|makes no sense|no idea|i'?m lost|so (hard|difficult)|stuck|frustrat\w*|give up|hate (this|math|it)|stupid|useless|pointless|ugh+)\b/i;
const STRONG = /\b(give up|hate (this|math|it)|frustrat\w*|stupid|useless|pointless)\b/i;

export type RoutingSignals = {
  /** The student's recent chat messages, oldest first. */
  userMessages: string[];
  attempts: AttemptRecord[];
  mastery: MasteryRecord[];
  focusConceptKey?: string | undefined;
  /** Subject of the latest session, for the topic when nothing narrower is known. */
  latestSubject?: string | null;
};

export type RuleDecision = {
  shouldRoute: boolean;
  reason: string;
  urgency: 'low' | 'medium' | 'high';
  recommendedTopic: string;
  estimatedDuration: number;
  triggers: RoutingTrigger[];
  /** Concept keys behind the decision, weakest first. */
  concepts: string[];
  misconceptions: Array<{ concept_key: string | null; text: string }>;
  frustratedQuotes: string[];
};

export function isExplicitAsk(text: string): boolean {
  return EXPLICIT.test(text);
}

export function frustrationOf(messages: string[], t: RoutingThresholds = ROUTING_THRESHOLDS) {
  const recent = messages.slice(-t.frustrationWindow);
  const hits = recent.filter((m) => FRUSTRATION.test(m));
  const strong = recent.some((m) => STRONG.test(m));
  return { frustrated: hits.length >= t.frustratedMessages || strong, quotes: hits };
}

export function decideRouting(s: RoutingSignals, t: RoutingThresholds = ROUTING_THRESHOLDS): RuleDecision {
  const triggers: RoutingTrigger[] = [];
  const name = new Map(s.mastery.map((m) => [m.conceptKey, m.name]));
  const masteryOf = new Map(s.mastery.map((m) => [m.conceptKey, m.mastery]));
  const latest = s.userMessages.at(-1) ?? '';
  if (s.userMessages.slice(-2).some(isExplicitAsk)) triggers.push('explicit_request');
  const fr = frustrationOf(s.userMessages, t);
  if (fr.frustrated) triggers.push('frustration');

  const byConcept = new Map<string, AttemptRecord[]>();
  for (const a of s.attempts) {
    if (s.focusConceptKey && a.conceptKey !== s.focusConceptKey) continue;
    const list = byConcept.get(a.conceptKey) ?? [];
    list.push(a); // newest first, as given
    byConcept.set(a.conceptKey, list);
  }
  const erring: string[] = [];
  const lowAfterPractice: string[] = [];
  for (const [key, list] of byConcept) {
    const window = list.slice(0, t.errorWindow);
    if (window.filter((a) => !a.correct).length >= t.errorsInWindow) erring.push(key);
    const practised = list.filter((a) => a.source === 'practice').length;
    const m = masteryOf.get(key);
    if (practised >= t.practiceAttempts && m !== undefined && m < t.lowMastery) lowAfterPractice.push(key);
  }
  if (erring.length) triggers.push('repeated_errors');
  if (lowAfterPractice.length) triggers.push('low_mastery_after_practice');

  const concepts = [...new Set([...erring, ...lowAfterPractice])].sort(
    (a, b) => (masteryOf.get(a) ?? 0) - (masteryOf.get(b) ?? 0),
  );
  const focus = s.focusConceptKey ?? concepts[0];
  const weakest = [...s.mastery].sort((a, b) => a.mastery - b.mastery)[0];
  const recommendedTopic = focus
    ? (name.get(focus) ?? focus)
    : triggers.length && weakest
      ? weakest.name
      : (s.latestSubject ?? 'General review');

  const misconceptions: RuleDecision['misconceptions'] = [];
  const seen = new Set<string>();
  for (const a of s.attempts) {
    if (!a.misconception || seen.has(a.misconception)) continue;
    seen.add(a.misconception);
    misconceptions.push({ concept_key: a.conceptKey, text: a.misconception });
  }
  for (const q of fr.quotes.slice(-2))
    misconceptions.push({ concept_key: focus ?? null, text: `Student wrote: “${q.slice(0, 200)}”` });

  const reasons: string[] = [];
  if (triggers.includes('explicit_request')) reasons.push('the student asked for a human tutor');
  if (triggers.includes('frustration')) reasons.push('the student sounds frustrated in chat');
  if (erring.length) reasons.push(`repeated errors on ${erring.map((k) => name.get(k) ?? k).join(', ')}`);
  if (lowAfterPractice.length)
    reasons.push(
      `mastery still below ${t.lowMastery} after practice on ${lowAfterPractice.map((k) => `${name.get(k) ?? k} (${Math.round(masteryOf.get(k) ?? 0)})`).join(', ')}`,
    );
  const urgency: RuleDecision['urgency'] =
    triggers.length >= 2 || (triggers.includes('frustration') && STRONG.test(latest))
      ? 'high'
      : triggers.length === 1
        ? 'medium'
        : 'low';
  return {
    shouldRoute: triggers.length > 0,
    reason: reasons.length
      ? `Route to a tutor: ${reasons.join('; ')}.`
      : 'No sign the student needs a tutor now: no request, no frustration, no repeated errors, no low mastery after practice.',
    urgency,
    recommendedTopic,
    estimatedDuration: Math.min(60, 30 + 15 * Math.max(0, concepts.length - 1)),
    triggers,
    concepts,
    misconceptions,
    frustratedQuotes: fr.quotes,
  };
}
