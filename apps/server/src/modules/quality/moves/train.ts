/**
 * Training the tutor-move model and measuring it honestly.
 *
 * - `groupFolds` splits by problem (`qid`): every dialogue of a problem lands in the same fold, so a test fold
 *   never holds a problem the model was trained on (scikit-learn's GroupKFold assignment: the largest groups
 *   first, each to the fold with the fewest items so far).
 * - `fitMoveModel` fits everything on the turns it is given and nothing else: the vocabulary, idf, cue
 *   scaling, then the softmax regression.
 * - `selectHyperparameters` picks C, the cue weight and the class weighting by grouped cross-validation on the
 *   training turns only (macro-F1), so `crossValidate` is nested: the outer test fold never informs a choice.
 */
import { MOVES, type LabelledDialogue, type Move } from './dialogue';
import {
  createVectorizer,
  fitFeatureSpace,
  readTutorTurns,
  type FeatureSpace,
  type FeatureVariant,
  type RawTurnFeatures,
} from './features';
import { fitSoftmax, softmaxProbabilities, type SoftmaxModel } from './softmax';
import { classReport } from './metrics';

export type Hyperparameters = { c: number; cueWeight: number; balanced: boolean; minDf: number };

/**
 * The grid searched inside each training fold: C (a larger C, a weaker penalty) and equal or balanced class
 * weights, cues at 0.2 of their standard deviation (0.5 was never chosen in a wider search and doubled the time).
 */
export const HYPERPARAMETER_GRID: Hyperparameters[] = [0.5, 1, 2, 4].flatMap((c) =>
  [false, true].map((balanced) => ({ c, cueWeight: 0.2, balanced, minDf: 2 })),
);

/** One labelled tutor turn, with the dialogue and problem it came from. */
export type Example = { dialogue: number; qid: string; raw: RawTurnFeatures; label: number };

/** Featurises every labelled tutor turn once (tokenising does not depend on the folds). */
export function buildExamples(dialogues: LabelledDialogue[], variant: FeatureVariant): Example[] {
  const out: Example[] = [];
  dialogues.forEach((d, i) => {
    const raws = readTutorTurns(d, variant);
    raws.forEach((raw, k) => {
      const label = d.labels[k];
      if (label) out.push({ dialogue: i, qid: d.qid, raw, label: MOVES.indexOf(label) });
    });
  });
  return out;
}

/** Fold index (0…k−1) of each item, grouping by `groups[i]`. Deterministic. */
export function groupFolds(groups: string[], k: number): number[] {
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) throw new Error(`${sizes.size} groups cannot make ${k} folds`);
  const order = [...sizes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const load = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const [g, n] of order) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    foldOf.set(g, best);
    load[best]! += n;
  }
  return groups.map((g) => foldOf.get(g)!);
}

export type TrainedMoveModel = { space: FeatureSpace; softmax: SoftmaxModel; hyper: Hyperparameters };

export function fitMoveModel(
  examples: Example[],
  variant: FeatureVariant,
  hyper: Hyperparameters,
): TrainedMoveModel {
  const space = fitFeatureSpace(
    examples.map((e) => e.raw),
    variant,
    { minDf: hyper.minDf, cueWeight: hyper.cueWeight },
  );
  const vectorizer = createVectorizer(space);
  const rows = examples.map((e) => vectorizer.vectorize(e.raw));
  const labels = examples.map((e) => e.label);
  const counts = MOVES.map((_, c) => labels.filter((y) => y === c).length);
  const classWeights = hyper.balanced
    ? counts.map((n) => (n > 0 ? labels.length / (MOVES.length * n) : 1))
    : undefined;
  const fit = fitSoftmax(rows, labels, MOVES.length, vectorizer.dimension, {
    c: hyper.c,
    ...(classWeights ? { classWeights } : {}),
  });
  return { space, softmax: fit, hyper };
}

/** Probabilities of each move (in MOVES order) for each example. */
export function predictExamples(model: TrainedMoveModel, examples: Example[]): Float64Array[] {
  const vectorizer = createVectorizer(model.space);
  return examples.map((e) => softmaxProbabilities(model.softmax, vectorizer.vectorize(e.raw)));
}

export const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
};

/** Grouped k-fold predictions of `examples` with fixed hyper-parameters (out-of-fold probabilities). */
export function outOfFold(
  examples: Example[],
  variant: FeatureVariant,
  hyper: Hyperparameters,
  k: number,
): { folds: number[]; probabilities: Float64Array[] } {
  const folds = groupFolds(
    examples.map((e) => e.qid),
    k,
  );
  const probabilities = new Array<Float64Array>(examples.length);
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => folds[i] !== f);
    const testIdx = examples.map((_, i) => i).filter((i) => folds[i] === f);
    const model = fitMoveModel(train, variant, hyper);
    const p = predictExamples(
      model,
      testIdx.map((i) => examples[i]!),
    );
    testIdx.forEach((i, j) => (probabilities[i] = p[j]!));
  }
  return { folds, probabilities };
}

export type Selection = { best: Hyperparameters; scores: Array<{ hyper: Hyperparameters; macroF1: number }> };

/** Picks the hyper-parameters with the best grouped-CV macro-F1 on `examples` (training turns only). */
export function selectHyperparameters(
  examples: Example[],
  variant: FeatureVariant,
  k = 4,
  grid: Hyperparameters[] = HYPERPARAMETER_GRID,
): Selection {
  const truth = examples.map((e) => e.label);
  const scores = grid.map((hyper) => {
    const { probabilities } = outOfFold(examples, variant, hyper, k);
    return { hyper, macroF1: classReport(truth, probabilities.map(argmax), MOVES.length).macroF1 };
  });
  // Ties go to the earlier (simpler, more regularised) entry of the grid.
  const best = scores.reduce((a, b) => (b.macroF1 > a.macroF1 + 1e-12 ? b : a));
  return { best: best.hyper, scores };
}

export type CrossValidation = {
  folds: number[];
  probabilities: Float64Array[];
  /** The hyper-parameters chosen inside each outer training fold. */
  chosen: Hyperparameters[];
};

/** Nested grouped cross-validation: outer `k` folds by qid, hyper-parameters chosen inside each training fold. */
export function crossValidate(
  examples: Example[],
  variant: FeatureVariant,
  opts: { k?: number; innerK?: number; grid?: Hyperparameters[]; onFold?: (fold: number) => void } = {},
): CrossValidation {
  const k = opts.k ?? 5;
  const folds = groupFolds(
    examples.map((e) => e.qid),
    k,
  );
  const probabilities = new Array<Float64Array>(examples.length);
  const chosen: Hyperparameters[] = [];
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => folds[i] !== f);
    const testIdx = examples.map((_, i) => i).filter((i) => folds[i] === f);
    const grid = opts.grid ?? HYPERPARAMETER_GRID;
    const hyper =
      grid.length === 1 ? grid[0]! : selectHyperparameters(train, variant, opts.innerK ?? 4, grid).best;
    chosen.push(hyper);
    const model = fitMoveModel(train, variant, hyper);
    const p = predictExamples(
      model,
      testIdx.map((i) => examples[i]!),
    );
    testIdx.forEach((i, j) => (probabilities[i] = p[j]!));
    opts.onFold?.(f);
  }
  return { folds, probabilities, chosen };
}

export const moveOf = (index: number): Move => MOVES[index]!;
