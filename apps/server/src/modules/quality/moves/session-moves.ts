/**
 * A session's tutor moves, as tier 2 stores them (`session_analyses.moves` and the share columns): every
 * tutor turn of a speaker-labelled transcript with its move and confidence, the expected share of each move,
 * the move guidance score and a few example quotes per move for the coach. Both providers end here: the local
 * analyzer labels every turn with the trained classifier; the LLM labels the turns it saw and the classifier
 * labels the rest (a clipped middle, a turn the model skipped), each turn saying who labelled it. Pure: the
 * classifier itself is applied in classify-transcript.ts, which loads wink-nlp and the model (imported lazily).
 *
 * Scores (designed and measured on MathDial in eval:moves, see the README's "Tutor moves"):
 * - guidance = 100 · (1 − expected share of telling turns): a turn counts with its telling probability
 *   (the classifier's softmax; for an LLM label, its confidence when it says telling, else (1 − confidence)/3);
 * - quality  = 0.60 · guidance + 0.40 · (engagement, clarity, empathy in the analyzer's 25:20:20 proportions)
 *   − red-flag penalty.
 */
import { clipQuote, QUALITY_WEIGHTS, type SessionMoves } from '../analysis/analysis.schema';
import type { ParsedTranscript } from '../analysis/transcript';
import { MOVES, type Move } from './dialogue';

/** Weight of the move guidance in the quality score; the other 0.40 goes to the analyzer's other dimensions. */
export const MOVE_GUIDANCE_WEIGHT = 0.6;
/** Example quotes kept per move for the coach (the most confident turns). */
export const MOVE_EXAMPLES = 3;
const EXAMPLE_CHARS = 200;

export type MoveShares = Record<Move, number>;
export type MoveLabeller = 'classifier' | 'llm';

export type SessionTurnMove = {
  /** Index of the turn in the parsed transcript (0-based, all speakers counted). */
  turn: number;
  move: Move;
  /** 0–1: the probability of that move (classifier) or the model's stated confidence (LLM). */
  confidence: number;
  by: MoveLabeller;
};

export type MoveExample = SessionMoves['examples'][Move][number];
export type { SessionMoves };

/** A label with its full distribution over moves, whoever produced it. */
export type LabelledTurn = {
  turn: number;
  move: Move;
  confidence: number;
  probabilities: MoveShares;
  by: MoveLabeller;
};

const emptyShares = (): MoveShares => ({ focus: 0, probing: 0, telling: 0, generic: 0 });
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** An LLM's hard label as a distribution: its confidence on the move, the rest spread evenly. */
export function llmProbabilities(move: Move, confidence: number): MoveShares {
  const c = Math.min(1, Math.max(0.25, confidence));
  const p = emptyShares();
  for (const m of MOVES) p[m] = m === move ? c : (1 - c) / (MOVES.length - 1);
  return p;
}

/** Expected share of each move (probabilities summed over the tutor turns, divided by their number). */
export function expectedShares(turns: Array<{ probabilities: MoveShares }>): MoveShares {
  const s = emptyShares();
  if (turns.length === 0) return s;
  for (const t of turns) for (const m of MOVES) s[m] += t.probabilities[m];
  for (const m of MOVES) s[m] /= turns.length;
  return s;
}

/** 100 · (1 − expected share of telling turns); 50 when the tutor has no turn (nothing to judge). */
export function guidanceFromShares(shares: MoveShares, tutorTurns: number): number {
  return tutorTurns === 0 ? 50 : 100 * (1 - shares.telling);
}

const clamp = (v: number) => Math.min(100, Math.max(0, v));

/**
 * Quality from the analyzer's other dimensions and the move guidance (unrounded): `guidanceWeight` on the
 * guidance, the rest shared among engagement, clarity and empathy as the analyzer shares them, minus the
 * red-flag penalty.
 */
export function qualityWithGuidance(
  dims: { engagement: number; clarity: number; empathy: number; redFlagPenalty: number },
  guidance: number,
  guidanceWeight: number = MOVE_GUIDANCE_WEIGHT,
): number {
  const rest = (1 - guidanceWeight) / (1 - QUALITY_WEIGHTS.guidance);
  return clamp(
    guidanceWeight * guidance +
      rest * QUALITY_WEIGHTS.engagement * dims.engagement +
      rest * QUALITY_WEIGHTS.clarity * dims.clarity +
      rest * QUALITY_WEIGHTS.empathy * dims.empathy -
      dims.redFlagPenalty,
  );
}

/** The stored form: shares, guidance, each turn's label and the most confident quotes of each move. */
export function summariseMoves(
  parsed: ParsedTranscript,
  labelled: LabelledTurn[],
  model: string,
): SessionMoves {
  const sorted = [...labelled].sort((a, b) => a.turn - b.turn);
  const shares = expectedShares(sorted);
  const text = new Map(parsed.turns.map((t) => [t.index, t.text]));
  const examples = Object.fromEntries(MOVES.map((m) => [m, [] as MoveExample[]])) as Record<
    Move,
    MoveExample[]
  >;
  for (const m of MOVES) {
    examples[m] = sorted
      .filter((t) => t.move === m && (text.get(t.turn) ?? '').trim() !== '')
      .sort((a, b) => b.confidence - a.confidence || a.turn - b.turn)
      .slice(0, MOVE_EXAMPLES)
      .sort((a, b) => a.turn - b.turn)
      .map((t) => ({
        turn: t.turn,
        quote: clipQuote(text.get(t.turn) ?? '', EXAMPLE_CHARS),
        confidence: round3(t.confidence),
      }));
  }
  return {
    model,
    tutorTurns: sorted.length,
    shares: Object.fromEntries(MOVES.map((m) => [m, round3(shares[m])])) as MoveShares,
    guidance: Math.round(guidanceFromShares(shares, sorted.length)),
    turns: sorted.map((t) => ({ turn: t.turn, move: t.move, confidence: round3(t.confidence), by: t.by })),
    examples,
  };
}
