/**
 * What a tier 2 analysis is, whichever provider produced it: the fields of `session_analyses` (minus the
 * bookkeeping the handler adds: session, tutor, version, provider, fallback reason). The analysis task
 * (analysis.task.ts) maps the model's validated answer into this shape and the local analyzer builds it
 * directly; tests parse both with `ZAnalysisResult`, so neither can drift from what the table stores.
 */
import { z } from 'zod';

/**
 * Red flag kinds both providers use. Which of them are critical is configuration
 * (`QUALITY_THRESHOLDS.criticalRedFlags`), not decided here.
 */
export const RED_FLAG_TYPES = [
  'inappropriate_language', // insults, profanity, demeaning remarks by the tutor
  'harassment', // personal/romantic remarks, secrecy requests: safeguarding
  'personal_contact', // phone numbers, e-mail addresses, social handles exchanged
  'off_platform_payment', // the tutor asks to be paid or booked outside the platform
  'long_monologue', // the tutor talks for a long stretch without the student
  'tutor_distracted', // on the phone, another call, not listening
  'student_distress', // the student is upset, overwhelmed, giving up
  'self_harm_risk', // the student mentions hurting themselves
] as const;
export type RedFlagType = (typeof RED_FLAG_TYPES)[number];

/**
 * Weights of the rules-based quality score (sum to 1): the summary-only analysis uses them as they are; with a
 * transcript the guidance weight becomes MOVE_GUIDANCE_WEIGHT (moves/session-moves.ts) and the other three
 * keep these proportions.
 */
export const QUALITY_WEIGHTS = { guidance: 0.35, engagement: 0.25, clarity: 0.2, empathy: 0.2 } as const;

export const MOVE_NAMES = ['focus', 'probing', 'telling', 'generic'] as const;

export const ENGAGEMENT_LEVELS = ['high', 'medium', 'low'] as const;
export type EngagementLevel = (typeof ENGAGEMENT_LEVELS)[number];

/** Quotes are evidence for a coach, not a copy of the transcript: kept short. */
export const MAX_QUOTE_CHARS = 240;
export const MAX_EVIDENCE = 12;
export const MAX_RED_FLAGS = 12;

const Score = z.int().min(0).max(100);

export const ZRedFlag = z.object({
  type: z.string().min(1).max(64),
  description: z.string().min(1).max(500),
  quote: z.string().max(MAX_QUOTE_CHARS).optional(),
});
export type RedFlag = z.infer<typeof ZRedFlag>;

export const ZEvidence = z.object({
  label: z.string().min(1).max(120),
  quote: z.string().min(1).max(MAX_QUOTE_CHARS),
  speaker: z.string().max(40).optional(),
});
export type Evidence = z.infer<typeof ZEvidence>;

const Share = z.number().min(0).max(1);
const ZMoveExample = z.object({
  turn: z.int().min(0),
  quote: z.string().max(MAX_QUOTE_CHARS),
  confidence: Share,
});

/** Each tutor turn's move (see moves/session-moves.ts), its shares, the move guidance and example quotes. */
export const ZSessionMoves = z.object({
  model: z.string().max(200),
  tutorTurns: z.int().min(0),
  shares: z.object({ focus: Share, probing: Share, telling: Share, generic: Share }),
  guidance: Score,
  turns: z.array(
    z.object({
      turn: z.int().min(0),
      move: z.enum(MOVE_NAMES),
      confidence: Share,
      by: z.enum(['classifier', 'llm']),
    }),
  ),
  examples: z.object({
    focus: z.array(ZMoveExample),
    probing: z.array(ZMoveExample),
    telling: z.array(ZMoveExample),
    generic: z.array(ZMoveExample),
  }),
});

export type SessionMoves = z.infer<typeof ZSessionMoves>;

export const ZAnalysisResult = z.object({
  qualityScore: Score,
  empathyScore: Score,
  clarityScore: Score,
  engagement: z.enum(ENGAGEMENT_LEVELS),
  engagementScore: Score.nullable(),
  /** −1 (very negative) … 1 (very positive). */
  sentiment: z.number().min(-1).max(1).nullable(),
  redFlags: z.array(ZRedFlag).max(MAX_RED_FLAGS),
  /** Measured (local) or estimated (LLM) figures behind the scores, plus `confidence` 0–1. */
  metrics: z.record(z.string(), z.unknown()),
  evidence: z.array(ZEvidence).max(MAX_EVIDENCE),
  summary: z.string().max(2000).nullable(),
  model: z.string().nullable(),
  source: z.enum(['transcript', 'summary']),
  promptTokens: z.int().min(0).nullable(),
  completionTokens: z.int().min(0).nullable(),
  latencyMs: z.int().min(0).nullable(),
  /** Tutor moves, from a transcript with tutor turns; null from a summary. */
  moves: ZSessionMoves.nullable(),
});
export type AnalysisResult = z.infer<typeof ZAnalysisResult>;

/** What a session analysis reads: the session's text and a little context. */
export type AnalyzeSessionInput = {
  /** Speaker-labelled transcript ("Tutor: …" / "Student: …" lines), when the platform sent one. */
  transcript: string | null;
  /** The platform's AI summary of the session; used when there is no transcript. */
  summary: string | null;
  subjects: string[];
  isFirstSession: boolean;
};

/** The one mapping from an engagement score to its level, shared by both providers' post-processing. */
export function engagementLevel(score: number): EngagementLevel {
  if (score >= 65) return 'high';
  if (score >= 40) return 'medium';
  return 'low';
}

/** Shortens a quote at a word boundary, marking the cut. */
export function clipQuote(text: string, max = MAX_QUOTE_CHARS): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
