/**
 * The tutor-move model on disk (`moves-model.json`, committed beside this file) and the classifier that
 * applies it. The file holds two variants trained the same way: `context` (the problem and a worked solution
 * are known, as in MathDial) and `turns` (the transcript alone, as the platform sends it). Loading parses and
 * validates the JSON once (milliseconds); labelling runs wink-nlp over the tutor turns and a dot product.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MOVES, type Dialogue, type Move } from './dialogue';
import {
  createVectorizer,
  cueNames,
  FEATURE_VERSION,
  readTutorTurns,
  type FeatureVariant,
  type Vectorizer,
} from './features';
import { softmaxProbabilities, type SoftmaxModel } from './softmax';
import type { TrainedMoveModel } from './train';

export const MODEL_FORMAT = 'tutorpulse-moves';
export const DEFAULT_MODEL_URL = new URL('./moves-model.json', import.meta.url);

const ZVariant = z.object({
  hyper: z.object({ c: z.number(), cueWeight: z.number(), balanced: z.boolean(), minDf: z.number() }),
  terms: z.array(z.string()),
  idf: z.array(z.number()),
  cueNames: z.array(z.string()),
  cueMeans: z.array(z.number()),
  cueScales: z.array(z.number()),
  cueWeight: z.number(),
  /** One row per move (MOVES order), one column per term then per cue. */
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
});

export const ZMovesModelFile = z.object({
  format: z.literal(MODEL_FORMAT),
  /** The model's own version, shown with every labelling (e.g. "moves-2026-12-05.1"). */
  version: z.string(),
  featureVersion: z.number().int(),
  moves: z.array(z.enum(MOVES)),
  trainedOn: z.object({
    data: z.string(),
    sha256: z.string(),
    dialogues: z.number().int(),
    turns: z.number().int(),
    counts: z.record(z.string(), z.number()),
  }),
  /** The grouped-CV macro-F1 of each hyper-parameter setting tried when this model was trained. */
  selection: z
    .record(z.string(), z.array(z.object({ hyper: z.record(z.string(), z.unknown()), macroF1: z.number() })))
    .optional(),
  variants: z.object({ turns: ZVariant, context: ZVariant }),
});
export type MovesModelFile = z.infer<typeof ZMovesModelFile>;

const round = (v: number) => (v === 0 ? 0 : Number(v.toPrecision(6)));

/** The JSON form of a trained variant (weights rounded to 6 significant digits). */
export function serialiseVariant(model: TrainedMoveModel): MovesModelFile['variants']['turns'] {
  const { space, softmax } = model;
  const d = softmax.features;
  return {
    hyper: model.hyper,
    terms: space.terms,
    idf: space.idf.map(round),
    cueNames: space.cueNames,
    cueMeans: space.cueMeans.map(round),
    cueScales: space.cueScales.map(round),
    cueWeight: space.cueWeight,
    weights: MOVES.map((_, k) => Array.from(softmax.weights.subarray(k * d, (k + 1) * d), round)),
    bias: Array.from(softmax.bias, round),
  };
}

export type TurnMove = {
  /** Index of the turn in `dialogue.turns`. */
  turn: number;
  move: Move;
  /** The probability of that move. */
  confidence: number;
  probabilities: Record<Move, number>;
};

export type MoveClassifier = {
  version: string;
  /** Labels every tutor turn of a dialogue, in order; the `context` variant when the problem is known. */
  labelDialogue(dialogue: Dialogue): TurnMove[];
};

type LoadedVariant = { vectorizer: Vectorizer; softmax: SoftmaxModel };

function loadVariant(variant: FeatureVariant, v: MovesModelFile['variants']['turns']): LoadedVariant {
  const expected = cueNames(variant);
  if (v.cueNames.join(',') !== expected.join(','))
    throw new Error(
      `the ${variant} variant's cues differ from this code's: retrain with npm run train:moves`,
    );
  const dimension = v.terms.length + v.cueNames.length;
  if (v.idf.length !== v.terms.length || v.cueMeans.length !== v.cueNames.length)
    throw new Error(`the ${variant} variant is inconsistent (idf or cue sizes)`);
  if (v.weights.length !== MOVES.length || v.weights.some((row) => row.length !== dimension))
    throw new Error(`the ${variant} variant's weights are not ${MOVES.length}×${dimension}`);
  const vectorizer = createVectorizer({
    variant,
    terms: v.terms,
    idf: v.idf,
    cueNames: v.cueNames,
    cueMeans: v.cueMeans,
    cueScales: v.cueScales,
    cueWeight: v.cueWeight,
  });
  const weights = new Float64Array(MOVES.length * dimension);
  v.weights.forEach((row, k) => weights.set(row, k * dimension));
  return {
    vectorizer,
    softmax: { classes: MOVES.length, features: dimension, weights, bias: Float64Array.from(v.bias) },
  };
}

/** Builds a classifier from a parsed model file (validated here). */
export function createMoveClassifier(file: unknown): MoveClassifier {
  const model = ZMovesModelFile.parse(file);
  if (model.featureVersion !== FEATURE_VERSION)
    throw new Error(
      `moves model has feature version ${model.featureVersion}, the code ${FEATURE_VERSION}: retrain with npm run train:moves`,
    );
  if (model.moves.join(',') !== MOVES.join(','))
    throw new Error(`moves model labels ${model.moves.join(',')}, expected ${MOVES.join(',')}`);
  const variants = {
    turns: loadVariant('turns', model.variants.turns),
    context: loadVariant('context', model.variants.context),
  };
  return {
    version: model.version,
    labelDialogue(dialogue) {
      const variant: FeatureVariant = dialogue.context ? 'context' : 'turns';
      const { vectorizer, softmax } = variants[variant];
      const raws = readTutorTurns(dialogue, variant);
      const tutorTurns = dialogue.turns.flatMap((t, i) => (t.speaker === 'tutor' ? [i] : []));
      return raws.map((raw, k) => {
        const p = softmaxProbabilities(softmax, vectorizer.vectorize(raw));
        let best = 0;
        for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
        const probabilities = Object.fromEntries(MOVES.map((m, c) => [m, p[c]!])) as Record<Move, number>;
        return { turn: tutorTurns[k]!, move: MOVES[best]!, confidence: p[best]!, probabilities };
      });
    },
  };
}

/** Reads and validates the committed model (or another file), once per call: keep the result. */
export function loadMoveClassifier(location: URL | string = DEFAULT_MODEL_URL): MoveClassifier {
  const text = readFileSync(location, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the moves model ${String(location)} is not JSON: ${(err as Error).message}`);
  }
  return createMoveClassifier(json);
}
