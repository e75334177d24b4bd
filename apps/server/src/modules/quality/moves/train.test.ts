import { describe, expect, it } from 'vitest';
import { MOVES, type LabelledDialogue } from './dialogue';
import { argmax, buildExamples, crossValidate, fitMoveModel, groupFolds, predictExamples } from './train';

const word = (q: number) =>
  `zq${String.fromCharCode(97 + (q % 26))}${String.fromCharCode(97 + Math.floor(q / 26))}x`;

/**
 * Problems whose every tutor turn carries a word of its own and one move chosen by the problem: the only way
 * to be right more often than chance is to have seen the problem in training.
 */
function memorisable(problems: number): LabelledDialogue[] {
  const out: LabelledDialogue[] = [];
  for (let q = 0; q < problems; q++) {
    const move = MOVES[(q * 7) % 4]!;
    for (let copy = 0; copy < 2; copy++) {
      out.push({
        id: `${q}/${copy}`,
        qid: String(q),
        turns: [0, 1, 2].flatMap((i) => [
          { speaker: 'tutor' as const, text: `Now ${word(q)} please` },
          { speaker: 'student' as const, text: `okay ${i}` },
        ]),
        labels: [move, move, move],
        outcome: null,
      });
    }
  }
  return out;
}

describe('groupFolds', () => {
  it('never puts one group in two folds, and balances fold sizes', () => {
    const groups = Array.from({ length: 500 }, (_, i) => `g${(i * 37) % 83}`);
    const folds = groupFolds(groups, 5);
    const foldOf = new Map<string, number>();
    groups.forEach((g, i) => {
      if (foldOf.has(g)) expect(folds[i]).toBe(foldOf.get(g));
      foldOf.set(g, folds[i]!);
    });
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(
      Math.max(...[...foldOf.keys()].map((g) => groups.filter((x) => x === g).length)),
    );
    expect(new Set(folds).size).toBe(5);
  });

  it('refuses more folds than groups', () => {
    expect(() => groupFolds(['a', 'a', 'b'], 3)).toThrow(/cannot make 3 folds/);
  });
});

describe('crossValidate', () => {
  const dialogues = memorisable(40);
  const examples = buildExamples(dialogues, 'turns');
  const truth = examples.map((e) => e.label);
  const hyper = { c: 10, cueWeight: 0.2, balanced: false, minDf: 2 };

  it('never tests a turn on a model that saw its problem (no qid on both sides)', () => {
    const cv = crossValidate(examples, 'turns', { k: 5, grid: [hyper] });
    examples.forEach((e, i) =>
      examples.forEach((o, j) => {
        if (e.qid === o.qid) expect(cv.folds[i]).toBe(cv.folds[j]);
      }),
    );
    // Only memorising the problem could beat chance here; grouped folds leave nothing to memorise.
    const accuracy = cv.probabilities.map(argmax).filter((p, i) => p === truth[i]).length / truth.length;
    expect(accuracy).toBeLessThan(0.5);
  });

  it('(control) would score far above chance if a problem were on both sides', () => {
    const train = examples.filter((_, i) => i % 2 === 0);
    const test = examples.filter((_, i) => i % 2 === 1);
    const model = fitMoveModel(train, 'turns', hyper);
    const p = predictExamples(model, test).map(argmax);
    expect(p.filter((x, i) => x === test[i]!.label).length / test.length).toBeGreaterThan(0.9);
  });

  it('chooses hyper-parameters inside each training fold', () => {
    const grid = [hyper, { ...hyper, c: 0.5, balanced: true }];
    const cv = crossValidate(examples, 'turns', { k: 3, innerK: 3, grid });
    expect(cv.chosen).toHaveLength(3);
    for (const h of cv.chosen) expect(grid).toContainEqual(h);
    expect(cv.probabilities.every((p) => p.length === 4)).toBe(true);
  });
});
