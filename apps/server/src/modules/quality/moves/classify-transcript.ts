/**
 * The trained tutor-move classifier applied to a parsed transcript (tier 2). Importing this file loads wink-nlp
 * and its English model: the analyzers import it lazily (`await import(...)`) so a process that never analyses
 * a transcript never pays for it. The model file is read once per process on first use (≈50 ms).
 */
import type { ParsedTranscript } from '../analysis/transcript';
import type { Dialogue } from './dialogue';
import { loadMoveClassifier, type MoveClassifier, type TurnMove } from './model';
import { summariseMoves, type LabelledTurn, type SessionMoves } from './session-moves';

let shared: MoveClassifier | null = null;
/** The committed model, read once per process on first use (≈50 ms), then kept. */
export function getMoveClassifier(): MoveClassifier {
  shared ??= loadMoveClassifier();
  return shared;
}

/** The dialogue the classifier reads: tutor and student turns (others left out), with their transcript index. */
export function transcriptDialogue(parsed: ParsedTranscript): { dialogue: Dialogue; index: number[] } {
  const kept = parsed.turns.filter((t) => t.speaker === 'tutor' || t.speaker === 'student');
  return {
    dialogue: {
      id: 'session',
      turns: kept.map((t) => ({ speaker: t.speaker as 'tutor' | 'student', text: t.text })),
    },
    index: kept.map((t) => t.index),
  };
}

/** Labels every tutor turn with the classifier (transcript variant: the platform sends no worked solution). */
export function classifyTranscript(
  parsed: ParsedTranscript,
  classifier: MoveClassifier = getMoveClassifier(),
): LabelledTurn[] {
  const { dialogue, index } = transcriptDialogue(parsed);
  if (!dialogue.turns.some((t) => t.speaker === 'tutor')) return [];
  return classifier.labelDialogue(dialogue).map((m: TurnMove) => ({
    turn: index[m.turn]!,
    move: m.move,
    confidence: m.confidence,
    probabilities: m.probabilities,
    by: 'classifier' as const,
  }));
}

/** The local provider's moves: every tutor turn labelled by the classifier. */
export function labelTranscriptMoves(
  parsed: ParsedTranscript,
  classifier: MoveClassifier = getMoveClassifier(),
): SessionMoves {
  return summariseMoves(parsed, classifyTranscript(parsed, classifier), classifier.version);
}

/**
 * The LLM provider's moves: its labels where it gave one for a tutor turn, the classifier's for every tutor
 * turn it did not label (the clipped middle of a long transcript, a skipped turn).
 */
export function completeModelMoves(
  parsed: ParsedTranscript,
  modelLabels: LabelledTurn[],
  modelName: string | null,
  classifier: MoveClassifier = getMoveClassifier(),
): SessionMoves {
  const byTurn = new Map(modelLabels.map((l) => [l.turn, l]));
  const merged = classifyTranscript(parsed, classifier).map((c) => byTurn.get(c.turn) ?? c);
  const usedModel = merged.some((t) => t.by === 'llm');
  return summariseMoves(
    parsed,
    merged,
    usedModel ? `${modelName ?? 'llm'} + ${classifier.version}` : classifier.version,
  );
}
