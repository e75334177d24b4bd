import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DialogueTurn } from './dialogue';
import { FEATURE_VERSION } from './features';
import { createMoveClassifier, DEFAULT_MODEL_URL, loadMoveClassifier } from './model';

const committed = JSON.parse(readFileSync(DEFAULT_MODEL_URL, 'utf8')) as Record<string, unknown> & {
  variants: { turns: { weights: number[][] } };
};
const classifier = loadMoveClassifier();

const TURNS: DialogueTurn[] = [
  { speaker: 'tutor', text: 'Hi Mariana, please talk me through your solution.' },
  { speaker: 'student', text: 'I subtracted 3 from 12 to get 9, then 9 - 5 = 4.' },
  { speaker: 'tutor', text: 'Why did you subtract the 3 spoons she used?' },
  { speaker: 'student', text: 'Because she used them, so they are gone.' },
  { speaker: 'tutor', text: 'We know she has 12 spoons now and used 3. How many is that altogether?' },
  { speaker: 'student', text: '12 - 3 = 9.' },
  {
    speaker: 'tutor',
    text: 'No, you need to add them: 12 + 3 = 15, so she bought 15 - 5 = 10 spoons. The answer is 10.',
  },
  { speaker: 'student', text: 'Oh, I see. 10 spoons.' },
  { speaker: 'tutor', text: 'Well done, that is correct!' },
];
const PROBLEM = {
  question:
    'Julia used 3 spoons and has 12 left; her husband gave her 5. How many spoons were in her package?',
  solution: '12 + 3 = 15 spoons in all.\n15 - 5 = 10 spoons.\n 10',
};

describe('the committed tutor-move model', () => {
  it('loads, with a version and the code’s feature version', () => {
    expect(classifier.version).toMatch(/^moves-v\d+-[0-9a-f]{8}$/);
    expect(committed.featureVersion).toBe(FEATURE_VERSION);
  });

  it.each([
    { name: 'the transcript alone', context: undefined },
    { name: 'the transcript and the problem', context: PROBLEM },
  ])('labels known turns, one per tutor turn, from $name', ({ context }) => {
    const moves = classifier.labelDialogue({ id: 'spoons', turns: TURNS, ...(context ? { context } : {}) });
    expect(moves.map((m) => m.turn)).toEqual([0, 2, 4, 6, 8]);
    expect(moves[0]!.move).toBe('generic'); // greeting and an invitation to explain
    expect(moves[1]!.move).toBe('probing'); // "Why did you …?"
    expect(['focus', 'probing']).toContain(moves[2]!.move); // points at a step with a question
    expect(moves[3]!.move).toBe('telling'); // gives the working and the answer
    expect(moves[4]!.move).toBe('generic'); // praise
    for (const m of moves) {
      const total = Object.values(m.probabilities).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 10);
      expect(m.confidence).toBe(m.probabilities[m.move]);
    }
  });

  it('uses the problem when it is given (the context variant)', () => {
    const alone = classifier.labelDialogue({ id: 'a', turns: TURNS });
    const withProblem = classifier.labelDialogue({ id: 'a', turns: TURNS, context: PROBLEM });
    expect(withProblem.map((m) => m.probabilities)).not.toEqual(alone.map((m) => m.probabilities));
  });

  it('returns no move for a transcript without a tutor turn', () => {
    expect(classifier.labelDialogue({ id: 'a', turns: [{ speaker: 'student', text: 'hello?' }] })).toEqual(
      [],
    );
  });

  it('refuses a model of another feature version, or with weights of the wrong shape', () => {
    expect(() => createMoveClassifier({ ...committed, featureVersion: FEATURE_VERSION + 1 })).toThrow(
      /retrain with npm run train:moves/,
    );
    const variants = committed.variants as Record<string, Record<string, unknown>>;
    const broken = {
      ...committed,
      variants: {
        ...variants,
        turns: { ...variants.turns, weights: committed.variants.turns.weights.slice(1) },
      },
    };
    expect(() => createMoveClassifier(broken)).toThrow(/weights are not 4×/);
    expect(() => createMoveClassifier({ format: 'something else' })).toThrow();
  });
});
