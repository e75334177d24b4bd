import { describe, expect, it } from 'vitest';
import type { Move } from './dialogue';
import type { TurnMove } from './model';
import { loadNlp, measureTranscript, scoreTranscript } from '../analysis/local-analyzer';
import { parseTranscript } from '../analysis/transcript';
import { analyzerScores, guidanceFromMoves, moveShares, qualityWithGuidance } from './scores';

const turn = (p: Partial<Record<Move, number>>): TurnMove => {
  const probabilities = { focus: 0, probing: 0, telling: 0, generic: 0, ...p };
  const move = (Object.keys(probabilities) as Move[]).reduce((a, b) =>
    probabilities[b] > probabilities[a] ? b : a,
  );
  return { turn: 0, move, confidence: probabilities[move], probabilities };
};

describe('guidanceFromMoves', () => {
  it.each([
    { name: 'no tutor turn', moves: [], guidance: 50 },
    { name: 'only questions', moves: [turn({ focus: 1 }), turn({ probing: 1 })], guidance: 100 },
    { name: 'only telling', moves: [turn({ telling: 1 }), turn({ telling: 1 })], guidance: 0 },
    {
      name: 'one of four tells',
      moves: [turn({ focus: 1 }), turn({ generic: 1 }), turn({ probing: 1 }), turn({ telling: 1 })],
      guidance: 75,
    },
    { name: 'an uncertain turn counts partly', moves: [turn({ focus: 0.6, telling: 0.4 })], guidance: 60 },
  ])('$name → $guidance', ({ moves, guidance }) => {
    expect(guidanceFromMoves(moves)).toBeCloseTo(guidance, 10);
  });
});

describe('moveShares', () => {
  it('averages the probabilities over tutor turns', () => {
    expect(moveShares([turn({ focus: 1 }), turn({ telling: 0.5, generic: 0.5 })])).toEqual({
      focus: 0.5,
      probing: 0,
      telling: 0.25,
      generic: 0.25,
    });
  });
});

describe('qualityWithGuidance', () => {
  it('weights the move guidance 0.6 and the analyzer’s other dimensions 0.4, minus the red-flag penalty', async () => {
    const a = { guidance: 10, engagement: 80, clarity: 60, empathy: 70, redFlagPenalty: 0, quality: 0 };
    const rest = (0.25 * 80 + 0.2 * 60 + 0.2 * 70) / 0.65;
    expect(qualityWithGuidance(a, 90)).toBeCloseTo(0.6 * 90 + 0.4 * rest, 10);
    expect(qualityWithGuidance({ ...a, redFlagPenalty: 25 }, 90)).toBeCloseTo(0.6 * 90 + 0.4 * rest - 25, 10);
    expect(qualityWithGuidance({ ...a, redFlagPenalty: 50 }, 0, 0.6)).toBeGreaterThanOrEqual(0);
    // The analyzer's own weights when asked for 0.35.
    expect(qualityWithGuidance(a, 90, 0.35)).toBeCloseTo(0.35 * 90 + 0.25 * 80 + 0.2 * 60 + 0.2 * 70, 10);
  });

  it('gives the analyzer’s own scores for the same turns as the analyzer reading them as text', async () => {
    const turns = [
      { speaker: 'tutor', text: 'Hi! How did the homework go?' },
      { speaker: 'student', text: 'I got stuck on 3x + 4 = 19.' },
      { speaker: 'tutor', text: 'Where would you start? Why?' },
      { speaker: 'student', text: 'I subtract 4 first because it undoes the addition, so 3x = 15.' },
      { speaker: 'tutor', text: 'The answer is x = 5.' },
    ] as const;
    const text = turns.map((t) => `${t.speaker === 'tutor' ? 'Tutor' : 'Student'}: ${t.text}`).join('\n');
    const { m, redFlags } = measureTranscript(parseTranscript(text), await loadNlp(), {
      minReasoningWords: 6,
      monologueWords: 250,
    });
    expect(await analyzerScores([...turns])).toEqual(scoreTranscript(m, redFlags));
  });
});
