/**
 * Session scores built on tutor moves (what `tutorpulse moves` prints; tier 2 uses the same formulas through
 * session-moves.ts).
 *
 * - guidance (0–100): the expected share of the tutor's turns that do not give the answer away,
 *   100 · (1 − Σ p_telling / tutor turns), counted with the classifier's probabilities so that an uncertain turn
 *   counts partly. Greetings and praise count as not telling. On MathDial it separates dialogues the student
 *   solved alone from the rest with an AUC of about 0.8 (eval:moves), where the rules' guidance gave 0.64;
 *   the share among substantive moves only (focus, probing, telling) gave about 0.76, so praise matters.
 * - quality (0–100): the local analyzer's dimensions with the move guidance weighted up:
 *   0.60·guidance + 0.40·(engagement, clarity and empathy in the analyzer's proportions 25:20:20) − red-flag
 *   penalty, i.e. about 0.15·engagement + 0.12·clarity + 0.12·empathy. The analyzer's own
 *   weights (0.35 guidance) gave an AUC of about 0.70 with the move guidance: its engagement score runs the
 *   other way on MathDial (AUC ≈ 0.27: the students who talk most are the ones being walked through), so the
 *   guidance has to carry the score. eval:moves prints the AUC at several guidance weights.
 */
import {
  loadNlp,
  measureTranscript,
  scoreTranscript,
  type TranscriptScores,
} from '../analysis/local-analyzer';
import type { ParsedTranscript } from '../analysis/transcript';
import type { DialogueTurn } from './dialogue';
import type { TurnMove } from './model';
import { MOVE_GUIDANCE_WEIGHT, qualityWithGuidance } from './session-moves';

export { MOVE_GUIDANCE_WEIGHT, qualityWithGuidance };

/** The local analyzer's defaults (createLocalAnalyzer): a reasoning turn has ≥ 6 words, a monologue 250. */
const ANALYZER_OPTIONS = { minReasoningWords: 6, monologueWords: 250 };

export type MoveShares = { focus: number; probing: number; telling: number; generic: number };

/** Expected share of each move among the tutor turns (probabilities summed, then divided by the count). */
export function moveShares(moves: TurnMove[]): MoveShares {
  const s: MoveShares = { focus: 0, probing: 0, telling: 0, generic: 0 };
  for (const m of moves)
    for (const k of Object.keys(s) as Array<keyof MoveShares>) s[k] += m.probabilities[k];
  const n = Math.max(1, moves.length);
  return { focus: s.focus / n, probing: s.probing / n, telling: s.telling / n, generic: s.generic / n };
}

/** 100 · (1 − expected share of telling turns); 50 when the tutor has no turn (nothing to judge). */
export function guidanceFromMoves(moves: TurnMove[]): number {
  if (moves.length === 0) return 50;
  let telling = 0;
  for (const m of moves) telling += m.probabilities.telling;
  return 100 * (1 - telling / moves.length);
}

/** The analyzer's scores for a dialogue given as turns (no re-parsing of text: the speakers are known). */
export async function analyzerScores(turns: DialogueTurn[]): Promise<TranscriptScores> {
  const parsed: ParsedTranscript = {
    turns: turns.map((t, index) => ({
      index,
      speaker: t.speaker,
      label: t.speaker === 'tutor' ? 'Tutor' : 'Student',
      text: t.text,
    })),
    speakerMapping: 'labels',
    unlabelledLines: 0,
  };
  const { m, redFlags } = measureTranscript(parsed, await loadNlp(), ANALYZER_OPTIONS);
  return scoreTranscript(m, redFlags);
}

export type SessionMoveScores = { guidance: number; quality: number };

export async function scoreSessionMoves(
  turns: DialogueTurn[],
  moves: TurnMove[],
): Promise<SessionMoveScores> {
  const guidance = guidanceFromMoves(moves);
  const quality = qualityWithGuidance(await analyzerScores(turns), guidance);
  return { guidance: Math.round(guidance), quality: Math.round(quality) };
}
