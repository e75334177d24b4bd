/**
 * `npm run train:moves`: trains the tutor-move model on MathDial's teacher-labelled dialogues and writes
 * `modules/quality/moves/moves-model.json` (commit it). For each variant (`turns`: the transcript alone;
 * `context`: with the problem and its worked solution) the hyper-parameters are chosen by grouped 5-fold
 * cross-validation by qid over the whole file, then the model is fitted on every labelled turn. Deterministic:
 * the same data and code give the same file. The figures to quote come from `npm run eval:moves`, whose
 * nested cross-validation repeats this whole procedure inside each training fold.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MOVES } from '../modules/quality/index';
import { DEFAULT_MATHDIAL_PATH, readMathDialFile } from '../modules/quality/index';
import { FEATURE_VERSION } from '../modules/quality/index';
import {
  DEFAULT_MODEL_URL,
  MODEL_FORMAT,
  serialiseVariant,
  ZMovesModelFile,
  type MovesModelFile,
} from '../modules/quality/index';
import { buildExamples, fitMoveModel, selectHyperparameters } from '../modules/quality/index';

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: DEFAULT_MATHDIAL_PATH },
      output: { type: 'string', default: fileURLToPath(DEFAULT_MODEL_URL) },
    },
  });
  const started = performance.now();
  const file = readMathDialFile(values.data);
  const labels = file.dialogues.flatMap((d) => d.labels.filter((l) => l !== null));
  console.log(
    `training tutor moves on ${file.path} (${file.dialogues.length} dialogues, ${labels.length} labelled tutor turns)`,
  );
  const variants = {} as MovesModelFile['variants'];
  const selection: NonNullable<MovesModelFile['selection']> = {};
  for (const variant of ['turns', 'context'] as const) {
    const t0 = performance.now();
    const examples = buildExamples(file.dialogues, variant);
    const chosen = selectHyperparameters(examples, variant, 5);
    const model = fitMoveModel(examples, variant, chosen.best);
    variants[variant] = serialiseVariant(model);
    selection[variant] = chosen.scores.map((s) => ({
      hyper: s.hyper,
      macroF1: Number(s.macroF1.toFixed(4)),
    }));
    const best = chosen.scores.find((s) => s.hyper === chosen.best)!;
    console.log(
      `  ${variant}: C ${chosen.best.c}, cues ×${chosen.best.cueWeight}${chosen.best.balanced ? ', balanced classes' : ''} (grouped-CV macro-F1 ${best.macroF1.toFixed(3)} over the whole file, optimistic: quote eval:moves), ${model.space.terms.length} terms + ${model.space.cueNames.length} cues, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const out: MovesModelFile = {
    format: MODEL_FORMAT,
    version: `moves-v${FEATURE_VERSION}-${file.sha256.slice(0, 8)}`,
    featureVersion: FEATURE_VERSION,
    moves: [...MOVES],
    trainedOn: {
      data: path.basename(path.dirname(file.path)) + '/' + path.basename(file.path),
      sha256: file.sha256,
      dialogues: file.dialogues.length,
      turns: labels.length,
      counts: Object.fromEntries(MOVES.map((m) => [m, labels.filter((l) => l === m).length])),
    },
    selection,
    variants,
  };
  ZMovesModelFile.parse(out);
  const json = JSON.stringify(out);
  writeFileSync(values.output, json + '\n');
  console.log(
    `wrote ${values.output} (${out.version}, ${(json.length / 1024).toFixed(0)} KiB) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
