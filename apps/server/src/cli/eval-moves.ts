/**
 * `npm run eval:moves`: how well are tutor moves found on real, teacher-labelled dialogues (MathDial)?
 *
 * Every figure of the classifier comes from nested grouped cross-validation: 5 outer folds by `qid` (no
 * problem on both sides), and inside each training fold the vocabulary, idf, cue scaling and the
 * hyper-parameters (C, cue weight, class weighting: grouped 4-fold CV on the training fold) are fitted without
 * the test fold. Beside it: the majority class, "a question mark means focus, else telling", and today's rules
 * (the local analyzer's giveaway / guiding-response counts, read turn by turn as the issue defines them).
 * Then the session scores built on the out-of-fold moves (guidance, quality: Spearman with the share of
 * telling turns, AUC of solved-alone dialogues against the rest), and the time to load the committed model and
 * to label a one-hour transcript. Prints figures; exit code 0 unless it crashed, 2 for bad options.
 */
import { parseArgs } from 'node:util';
import { loadNlp, measureTranscript } from '../modules/quality/index';
import type { ParsedTranscript } from '../modules/quality/index';
import { MOVES, type Dialogue, type LabelledDialogue, type Move } from '../modules/quality/index';
import { DEFAULT_MATHDIAL_PATH, readMathDialFile } from '../modules/quality/index';
import type { FeatureVariant } from '../modules/quality/index';
import { binaryFigures, classReport, rocAuc, spearman, type ClassReport } from '../modules/quality/index';
import { DEFAULT_MODEL_URL, loadMoveClassifier, type TurnMove } from '../modules/quality/index';
import { analyzerScores, guidanceFromMoves, qualityWithGuidance } from '../modules/quality/index';
import {
  argmax,
  buildExamples,
  crossValidate,
  HYPERPARAMETER_GRID,
  type Example,
  type Hyperparameters,
} from '../modules/quality/index';

const f2 = (x: number) => (Number.isNaN(x) ? ' n/a' : x.toFixed(2));
const pad = (s: string, n: number) => s.padEnd(n);

function printReport(title: string, r: ClassReport) {
  console.log(`\n${title}`);
  console.log(`  ${pad('move', 9)} precision  recall    F1   support`);
  MOVES.forEach((m, i) => {
    const c = r.perClass[i]!;
    console.log(
      `  ${pad(m, 9)} ${f2(c.precision).padStart(9)} ${f2(c.recall).padStart(7)} ${f2(c.f1).padStart(5)} ${String(c.support).padStart(9)}`,
    );
  });
  console.log(`  macro-F1 ${f2(r.macroF1)}   accuracy ${f2(r.accuracy)}`);
}

function printConfusion(r: ClassReport) {
  console.log(`  confusion (rows: teacher's label, columns: predicted)`);
  console.log(`  ${pad('', 9)} ${MOVES.map((m) => m.padStart(8)).join('')}`);
  MOVES.forEach((m, i) =>
    console.log(`  ${pad(m, 9)} ${r.confusion[i]!.map((n) => String(n).padStart(8)).join('')}`),
  );
}

function printBinary(label: string, fig: { precision: number; recall: number; f1: number }) {
  console.log(`  ${pad(label, 58)} P ${f2(fig.precision)}  R ${f2(fig.recall)}  F1 ${f2(fig.f1)}`);
}

const parsedOf = (turns: Dialogue['turns']): ParsedTranscript => ({
  turns: turns.map((t, index) => ({
    index,
    speaker: t.speaker,
    label: t.speaker === 'tutor' ? 'Tutor' : 'Student',
    text: t.text,
  })),
  speakerMapping: 'labels',
  unlabelledLines: 0,
});

type RuleFinding = { giveaway: boolean; guiding: boolean };

/**
 * Today's rules, turn by turn: a tutor turn is a giveaway (or a guiding response) when adding it to the
 * transcript raises the analyzer's count of giveaways (or guiding responses).
 */
async function ruleFindings(d: Dialogue): Promise<RuleFinding[]> {
  const nlp = await loadNlp();
  const opts = { minReasoningWords: 6, monologueWords: 250 };
  const out: RuleFinding[] = [];
  let before = { answerGiveaways: 0, guidingResponses: 0 };
  for (let i = 0; i < d.turns.length; i++) {
    const { m } = measureTranscript(parsedOf(d.turns.slice(0, i + 1)), nlp, opts);
    if (d.turns[i]!.speaker === 'tutor')
      out.push({
        giveaway: m.answerGiveaways > before.answerGiveaways,
        guiding: m.guidingResponses > before.guidingResponses,
      });
    before = m;
  }
  return out;
}

function oneHourTranscript(dialogues: LabelledDialogue[], turns = 600): Dialogue {
  const out: Dialogue['turns'] = [];
  for (let i = 0; out.length < turns; i++) out.push(...dialogues[i % dialogues.length]!.turns);
  return { id: 'one-hour', turns: out.slice(0, turns) };
}

/** Guidance weights in the quality score to show beside the chosen one (MOVE_GUIDANCE_WEIGHT). */
const WEIGHTS = [0.35, 0.5, 0.7];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: DEFAULT_MATHDIAL_PATH },
      folds: { type: 'string', default: '5' },
      quick: { type: 'boolean', default: false },
    },
  });
  const k = Number(values.folds);
  if (!Number.isInteger(k) || k < 2) {
    console.error('usage: npm run eval:moves -- [--data dialogues.jsonl] [--folds 5] [--quick]');
    process.exit(2);
  }
  const started = performance.now();
  const file = readMathDialFile(values.data);
  const dialogues = file.dialogues;
  const labelled = dialogues.flatMap((d) => d.labels.filter((l): l is Move => l !== null));
  const truth = labelled.map((l) => MOVES.indexOf(l));
  console.log(
    `Tutor moves on ${file.path}\n  ${dialogues.length} dialogues, ${new Set(dialogues.map((d) => d.qid)).size} problems, ${labelled.length} labelled tutor turns (${MOVES.map((m) => `${labelled.filter((l) => l === m).length} ${m}`).join(', ')})`,
  );
  const grid: Hyperparameters[] = values.quick
    ? [{ c: 1, cueWeight: 0.3, balanced: false, minDf: 2 }]
    : HYPERPARAMETER_GRID;
  console.log(
    `  grouped ${k}-fold cross-validation by qid; ${grid.length === 1 ? 'fixed hyper-parameters (--quick)' : `hyper-parameters chosen inside each training fold from ${grid.length} settings (grouped 4-fold)`}`,
  );

  // Baselines --------------------------------------------------------------------------------------------
  const majority = MOVES.indexOf('focus');
  printReport(
    'Baseline: every turn "focus" (the majority class)',
    classReport(
      truth,
      truth.map(() => majority),
      4,
    ),
  );
  const tutorTexts = dialogues.flatMap((d) =>
    d.turns.filter((t) => t.speaker === 'tutor').filter((_, i) => d.labels[i] !== null),
  );
  const qmark = tutorTexts.map((t) => MOVES.indexOf(t.text.includes('?') ? 'focus' : 'telling'));
  printReport(
    'Baseline: a question mark means "focus", anything else "telling"',
    classReport(truth, qmark, 4),
  );

  const rules: RuleFinding[] = [];
  for (const d of dialogues) {
    const found = await ruleFindings(d);
    found.forEach((f, i) => d.labels[i] !== null && rules.push(f));
  }
  const isTelling = truth.map((t) => MOVES[t] === 'telling');
  const isGuiding = truth.map((t) => MOVES[t] === 'focus' || MOVES[t] === 'probing');

  // The classifier, both variants ----------------------------------------------------------------------------
  const oof: Partial<Record<FeatureVariant, Float64Array[]>> = {};
  for (const variant of ['context', 'turns'] as const) {
    const t0 = performance.now();
    const examples: Example[] = buildExamples(dialogues, variant);
    const cv = crossValidate(examples, variant, { k, grid });
    oof[variant] = cv.probabilities;
    const predicted = cv.probabilities.map(argmax);
    const report = classReport(truth, predicted, 4);
    printReport(
      `Classifier, ${variant === 'context' ? '"context" variant (turns + the problem and its worked solution)' : '"turns" variant (the transcript alone)'}: nested grouped CV`,
      report,
    );
    printConfusion(report);
    if (grid.length > 1)
      console.log(
        `  chosen per fold: ${cv.chosen.map((h) => `C ${h.c}, cues ×${h.cueWeight}${h.balanced ? ', balanced' : ''}`).join(' | ')}`,
      );
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  console.log("\nThe issue's measures (telling = giveaway; focus or probing = guiding response)");
  printBinary(
    "today's rules: giveaways as telling",
    binaryFigures(
      isTelling,
      rules.map((r) => r.giveaway),
    ),
  );
  printBinary(
    "today's rules: guiding responses as focus/probing",
    binaryFigures(
      isGuiding,
      rules.map((r) => r.guiding),
    ),
  );
  printBinary(
    'question-mark rule: telling',
    binaryFigures(
      isTelling,
      qmark.map((p) => MOVES[p] === 'telling'),
    ),
  );
  for (const variant of ['context', 'turns'] as const) {
    const pred = oof[variant]!.map(argmax).map((p) => MOVES[p]!);
    printBinary(
      `classifier (${variant}): telling`,
      binaryFigures(
        isTelling,
        pred.map((p) => p === 'telling'),
      ),
    );
    printBinary(
      `classifier (${variant}): focus/probing`,
      binaryFigures(
        isGuiding,
        pred.map((p) => p === 'focus' || p === 'probing'),
      ),
    );
  }

  // Session scores on out-of-fold moves -------------------------------------------------------------------
  console.log('\nSession scores (out-of-fold moves), 1 dialogue = 1 session');
  const solvedAlone = dialogues.map((d) => d.outcome === 'Yes');
  const tellingShare = dialogues.map((d) => {
    const ls = d.labels.filter((l) => l !== null);
    return ls.filter((l) => l === 'telling').length / Math.max(1, ls.length);
  });
  const today = await Promise.all(dialogues.map((d) => analyzerScores(d.turns)));
  const scores: Array<[string, number[]]> = [
    ['number of turns (fewer = better)', dialogues.map((d) => -d.turns.length)],
    ['number of tutor turns (fewer = better)', dialogues.map((d) => -d.labels.length)],
    ["today's quality score", today.map((s) => s.quality)],
    ["today's guidance score", today.map((s) => s.guidance)],
    ["today's engagement score", today.map((s) => s.engagement)],
  ];
  for (const variant of ['context', 'turns'] as const) {
    const probs = oof[variant]!;
    let cursor = 0;
    const guidance: number[] = [];
    const quality: number[] = [];
    const substantive: number[] = [];
    const byWeight = new Map(WEIGHTS.map((w) => [w, [] as number[]]));
    dialogues.forEach((d, i) => {
      const moves: TurnMove[] = [];
      d.labels.forEach((l, j) => {
        if (l === null) return;
        const p = probs[cursor++]!;
        moves.push({
          turn: j,
          move: MOVES[argmax(p)]!,
          confidence: Math.max(...p),
          probabilities: Object.fromEntries(MOVES.map((m, c) => [m, p[c]!])) as Record<Move, number>,
        });
      });
      const g = guidanceFromMoves(moves);
      guidance.push(g);
      quality.push(qualityWithGuidance(today[i]!, g));
      let guiding = 0;
      let telling = 0;
      for (const m of moves) {
        guiding += m.probabilities.focus + m.probabilities.probing;
        telling += m.probabilities.telling;
      }
      substantive.push(guiding + telling > 0 ? (100 * guiding) / (guiding + telling) : 50);
      for (const w of WEIGHTS) byWeight.get(w)!.push(qualityWithGuidance(today[i]!, g, w));
    });
    scores.push(
      [`move guidance (${variant})`, guidance],
      [`quality with move guidance (${variant})`, quality],
      [`  (guidance among focus/probing/telling only)`, substantive],
      ...WEIGHTS.map((w): [string, number[]] => [
        `  (quality, guidance weight ${w.toFixed(2)})`,
        byWeight.get(w)!,
      ]),
    );
  }
  console.log(
    `  ${pad('score', 44)} Spearman with telling share   AUC solved alone (${solvedAlone.filter(Boolean).length}) vs rest (${solvedAlone.filter((x) => !x).length})`,
  );
  for (const [name, s] of scores) {
    console.log(
      `  ${pad(name, 44)} ${f2(spearman(s, tellingShare)).padStart(27)} ${f2(rocAuc(s, solvedAlone)).padStart(19)}`,
    );
  }

  // Timing --------------------------------------------------------------------------------------------------
  console.log('\nTiming (committed model)');
  try {
    const t0 = performance.now();
    const classifier = loadMoveClassifier(DEFAULT_MODEL_URL);
    const loadMs = performance.now() - t0;
    console.log(
      `  load ${DEFAULT_MODEL_URL.pathname.split('/').pop()} (${classifier.version}): ${loadMs.toFixed(0)} ms`,
    );
    const hour = oneHourTranscript(dialogues);
    const tutorTurns = hour.turns.filter((t) => t.speaker === 'tutor').length;
    classifier.labelDialogue(hour); // warm-up: wink-nlp's first document
    for (const [label, d] of [
      ['transcript alone', hour],
      ['with the problem', { ...hour, context: dialogues[0]!.context! }],
    ] as const) {
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t1 = performance.now();
        classifier.labelDialogue(d);
        times.push(performance.now() - t1);
      }
      console.log(
        `  label a one-hour transcript (${hour.turns.length} turns, ${tutorTurns} tutor turns, ${label}): median ${median(times).toFixed(0)} ms of 5`,
      );
    }
  } catch (err) {
    console.log(`  (no committed model to time: ${(err as Error).message})`);
  }
  console.log(`\n(eval:moves took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
