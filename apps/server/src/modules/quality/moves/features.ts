/**
 * What the tutor-move classifier reads in a tutor turn.
 *
 * Two kinds of features:
 * - terms: wink-nlp tokens of the turn (lower-cased normal forms, contractions expanded, numbers as `#num`,
 *   `?` and maths symbols kept, words under a negation marked `!word`), as unigrams and bigrams with a
 *   sentence-start marker; weighted by sublinear tf·idf and L2-normalised;
 * - cues: numbers that tell a move apart (a question mark, an equation with its result, a number nobody has
 *   said yet, the final answer), the question kinds the local analyzer already finds (`classifyQuestion`),
 *   phrase cues (praise, a rejection, "walk me through", "you need to"…), the position of the turn and the
 *   student turn before it; with the problem (`context` variant) also numbers of the worked solution that the
 *   turn reveals before the student said them.
 *
 * `readTutorTurns` turns a dialogue into raw features (no fitting); `fitFeatureSpace` learns the vocabulary,
 * idf and cue scaling from training turns only; `vectorize` maps raw features into that space.
 */
import winkNLP, { type ItemSentence, type ItemToken, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { classifyQuestion } from '../analysis/local-analyzer';
import type { SparseRow } from './softmax';
import type { Dialogue } from './dialogue';

export type FeatureVariant = 'turns' | 'context';

/** Bumped whenever what `readTutorTurns` produces changes: a model of another version refuses to load. */
export const FEATURE_VERSION = 1;

/** The raw features of one tutor turn, before any fitting. */
export type RawTurnFeatures = { terms: string[]; cues: Float64Array };

let nlpInstance: WinkMethods | null = null;

/** wink-nlp with its English lite model (shipped in its npm package), created once on first use (~100 ms). */
export function getNlp(): WinkMethods {
  nlpInstance ??= winkNLP(model, ['sbd', 'negation']);
  return nlpInstance;
}

// ---------------------------------------------------------------------------------------------------------
// Cues

const CUE_PATTERNS: Record<string, RegExp> = {
  rejects:
    /^(no|nope|not quite|not really|incorrect|wrong|that is not|that's not|thats not|almost|nearly|close)\b/,
  praises:
    /^(yes|yeah|correct|right|good|great|well done|excellent|perfect|brilliant|fantastic|nice|that's right|that is right|that's correct|that is correct|exactly)\b/,
  greets: /\b(hi|hello|hey|thank you|thanks|bye|goodbye)\b/,
  walk_through: /\b(walk|talk|take) me through\b/,
  asks_reasoning:
    /\b(explain|why|how did you|how do you|what made you|tell me (how|why|what)|what do you (think|notice|mean)|can you see|where did you|what went wrong|how would you)\b/,
  why: /\bwhy\b/,
  how_many: /\bhow (many|much|long|far)\b/,
  what_is: /\bwhat is\b|\bwhat's\b|\bwhat would\b/,
  imperative:
    /^(so |now |ok |okay |then )?(divide|multiply|add|subtract|read|look|think|remember|try|check|calculate|work out|start|let's|lets|consider|use|find|take|count|re-?read|double|halve|convert)\b/,
  need_to: /\b(you|we) (need|have|should|must|would need) to\b|\byou should\b/,
  states_answer:
    /\b(the )?(correct |right |final )?answer (is|was|would be|should be)\b|\bit (is|should be|would be) \$?\d/,
  explains: /\b(because|since|therefore|so that|which means|that means)\b/,
  means: /\bmeans\b/,
  correct: /\b(correct|right)\b/,
  mistake: /\b(incorrect|wrong|mistake|error|not correct|isn't correct|not right)\b/,
  can_you: /\b(can|could|would) you\b/,
  points_to_problem: /\b(the question|the problem|it says|question says|re-?read)\b/,
  refers_to_student:
    /\byou (have|'ve|did|used|multiplied|divided|added|subtracted|calculated|got|wrote|said|assumed)\b/,
};
const CONFUSED = /\b(i (still )?don'?t (get|understand)|confused|i'?m (lost|not sure)|no idea|i guess\b)/;

const TURN_CUES = [
  'asks',
  'ends_with_question',
  'question_share',
  'sentences',
  'words',
  'numbers',
  'arithmetic',
  'equation_with_result',
  'equation_left_open',
  'question_with_number',
  'statement_with_number',
  'short',
  'open_questions',
  'closed_questions',
  'other_questions',
  ...Object.keys(CUE_PATTERNS).map((k) => `says_${k}`),
  'new_numbers',
  'numbers_from_student',
  'first_tutor_turn',
  'last_tutor_turn',
  'position',
  'student_words',
  'student_asked',
  'student_numbers',
  'student_confused',
] as const;
const CONTEXT_CUES = [
  'new_numbers_vs_problem',
  'solution_numbers_revealed',
  'solution_numbers',
  'final_answer_in_turn',
  'final_answer_from_student',
] as const;

/** The names of the cue features of a variant, in vector order. */
export function cueNames(variant: FeatureVariant): string[] {
  return variant === 'context' ? [...TURN_CUES, ...CONTEXT_CUES] : [...TURN_CUES];
}

const norm = (s: string) => s.toLowerCase().replace(/[‘’`]/g, "'").replace(/[“”]/g, '"').trim();
const NUMBER = /\d+(?:[.,]\d+)*/g;
const ARITHMETIC = /\d\s*[-+*/x×÷]\s*\$?\d/g;

/** The numbers in a text, canonical ("12,000" → "12000", "3.50" → "3.5"). */
export function numbersIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.match(NUMBER) ?? []) {
    const n = Number(m.replace(/,/g, ''));
    out.add(Number.isFinite(n) ? String(n) : m);
  }
  return out;
}

const countOf = <T>(set: Set<T>, keep: (v: T) => boolean) => {
  let n = 0;
  for (const v of set) if (keep(v)) n++;
  return n;
};
const log1p = Math.log1p;

// ---------------------------------------------------------------------------------------------------------
// Terms

type TextFacts = { terms: string[]; sentences: string[]; words: number };

function readText(nlp: WinkMethods, text: string): TextFacts {
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const terms: string[] = [];
  const sentences = (doc.sentences().out() as string[]).map((s) => s.trim()).filter((s) => s.length > 0);
  let words = 0;
  doc.sentences().each((sentence: ItemSentence) => {
    const tokens: string[] = [];
    sentence.tokens().each((t: ItemToken) => {
      const type = t.out(its.type) as string;
      const normal = t.out(its.normal) as string;
      if (type === 'word') {
        words++;
        tokens.push(t.out(its.negationFlag) ? `!${normal}` : normal);
      } else if (type === 'number') {
        words++;
        tokens.push('#num');
      } else if (type === 'currency') tokens.push('#cur');
      else if (type === 'symbol' && /^[-+*/=x×÷%]$/.test(normal)) tokens.push(normal);
      else if (normal === '?') tokens.push('?');
    });
    if (tokens.length === 0) return;
    terms.push(...tokens);
    terms.push(`^ ${tokens[0]}`);
    for (let i = 0; i + 1 < tokens.length; i++) terms.push(`${tokens[i]} ${tokens[i + 1]}`);
  });
  return { terms, sentences, words };
}

/**
 * Raw features of every tutor turn of a dialogue, in order. `variant` 'context' needs `dialogue.context`
 * (the problem and a worked solution); without it the context cues would be meaningless, so it throws.
 */
export function readTutorTurns(dialogue: Dialogue, variant: FeatureVariant): RawTurnFeatures[] {
  if (variant === 'context' && !dialogue.context) throw new Error('the context variant needs the problem');
  const nlp = getNlp();
  const turns = dialogue.turns;
  const tutorCount = turns.filter((t) => t.speaker === 'tutor').length;
  const problemNumbers = dialogue.context ? numbersIn(dialogue.context.question) : new Set<string>();
  const solutionLines = dialogue.context?.solution.trim().split('\n') ?? [];
  const solutionNumbers = dialogue.context ? numbersIn(dialogue.context.solution) : new Set<string>();
  const finalAnswer = numbersIn(solutionLines[solutionLines.length - 1] ?? '');
  const said = new Set<string>();
  const out: RawTurnFeatures[] = [];
  let tutorIndex = 0;
  let prevStudent = '';
  for (const turn of turns) {
    const numbers = numbersIn(turn.text);
    if (turn.speaker === 'student') {
      prevStudent = turn.text;
      for (const n of numbers) said.add(n);
      continue;
    }
    const facts = readText(nlp, turn.text);
    const lower = norm(turn.text);
    const sentences = facts.sentences.length > 0 ? facts.sentences : [turn.text];
    const kinds = sentences.map((s) => classifyQuestion(s));
    const asked = sentences.filter((s) => s.endsWith('?'));
    const prevNumbers = numbersIn(prevStudent);
    const prevLower = norm(prevStudent);
    const cues: number[] = [
      lower.includes('?') ? 1 : 0,
      lower.endsWith('?') ? 1 : 0,
      asked.length / sentences.length,
      log1p(sentences.length),
      log1p(facts.words),
      log1p(numbers.size),
      log1p((turn.text.match(ARITHMETIC) ?? []).length),
      /=\s*\$?\d/.test(turn.text) ? 1 : 0,
      /=\s*\??\s*$|=\s*\?/.test(turn.text) ? 1 : 0,
      asked.some((s) => /\d/.test(s)) ? 1 : 0,
      !lower.includes('?') && /\d/.test(lower) ? 1 : 0,
      facts.words <= 3 ? 1 : 0,
      log1p(kinds.filter((k) => k === 'open').length),
      log1p(kinds.filter((k) => k === 'closed').length),
      log1p(kinds.filter((k) => k === 'other').length),
      ...Object.values(CUE_PATTERNS).map((re) => (re.test(lower) ? 1 : 0)),
      log1p(countOf(numbers, (n) => !said.has(n))),
      log1p(countOf(numbers, (n) => prevNumbers.has(n))),
      tutorIndex === 0 ? 1 : 0,
      tutorIndex === tutorCount - 1 ? 1 : 0,
      tutorCount > 1 ? tutorIndex / (tutorCount - 1) : 0,
      log1p(prevStudent.split(/\s+/).filter(Boolean).length),
      prevStudent.includes('?') ? 1 : 0,
      log1p(prevNumbers.size),
      CONFUSED.test(prevLower) ? 1 : 0,
    ];
    if (variant === 'context') {
      const fresh = (n: string) => !said.has(n) && !problemNumbers.has(n);
      cues.push(
        log1p(countOf(numbers, fresh)),
        log1p(countOf(numbers, (n) => solutionNumbers.has(n) && fresh(n))),
        log1p(countOf(numbers, (n) => solutionNumbers.has(n) && !problemNumbers.has(n))),
        countOf(numbers, (n) => finalAnswer.has(n)) > 0 ? 1 : 0,
        countOf(prevNumbers, (n) => finalAnswer.has(n)) > 0 ? 1 : 0,
      );
    }
    out.push({ terms: facts.terms, cues: Float64Array.from(cues) });
    for (const n of numbers) said.add(n);
    tutorIndex++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Fitting and vectorising

export type FeatureSpaceOptions = {
  /** A term must occur in at least this many training turns to enter the vocabulary. */
  minDf: number;
  /** Scale of the standardised cues against the L2-normalised terms (a larger scale, a weaker penalty). */
  cueWeight: number;
};

export type FeatureSpace = {
  variant: FeatureVariant;
  terms: string[];
  idf: number[];
  cueNames: string[];
  cueMeans: number[];
  cueScales: number[];
  cueWeight: number;
};

/** Learns the vocabulary, the idf weights and the cue scaling from training turns only. */
export function fitFeatureSpace(
  raws: RawTurnFeatures[],
  variant: FeatureVariant,
  opts: FeatureSpaceOptions,
): FeatureSpace {
  const df = new Map<string, number>();
  for (const r of raws) for (const t of new Set(r.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const terms = [...df.entries()]
    .filter(([, n]) => n >= opts.minDf)
    .map(([t]) => t)
    .sort();
  const n = raws.length;
  // Smoothed idf, as scikit-learn: ln((1 + n) / (1 + df)) + 1.
  const idf = terms.map((t) => Math.log((1 + n) / (1 + df.get(t)!)) + 1);
  const names = cueNames(variant);
  const cueMeans = names.map((_, j) => raws.reduce((s, r) => s + r.cues[j]!, 0) / Math.max(1, n));
  const cueScales = names.map((_, j) => {
    const v = raws.reduce((s, r) => s + (r.cues[j]! - cueMeans[j]!) ** 2, 0) / Math.max(1, n);
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  return { variant, terms, idf, cueNames: names, cueMeans, cueScales, cueWeight: opts.cueWeight };
}

/** A term → column lookup built once per space. */
export type Vectorizer = {
  space: FeatureSpace;
  dimension: number;
  vectorize(raw: RawTurnFeatures): SparseRow;
};

export function createVectorizer(space: FeatureSpace): Vectorizer {
  const column = new Map(space.terms.map((t, i) => [t, i] as const));
  const nTerms = space.terms.length;
  const dimension = nTerms + space.cueNames.length;
  return {
    space,
    dimension,
    vectorize(raw) {
      if (raw.cues.length !== space.cueNames.length)
        throw new Error(`expected ${space.cueNames.length} cues, got ${raw.cues.length}`);
      const counts = new Map<number, number>();
      for (const t of raw.terms) {
        const c = column.get(t);
        if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const idx = [...counts.keys()].sort((a, b) => a - b);
      const val = idx.map((c) => (1 + Math.log(counts.get(c)!)) * space.idf[c]!);
      const norm2 = Math.sqrt(val.reduce((s, v) => s + v * v, 0));
      if (norm2 > 0) for (let i = 0; i < val.length; i++) val[i]! /= norm2;
      for (let j = 0; j < space.cueNames.length; j++) {
        const v = ((raw.cues[j]! - space.cueMeans[j]!) / space.cueScales[j]!) * space.cueWeight;
        if (v !== 0) {
          idx.push(nTerms + j);
          val.push(v);
        }
      }
      return { idx, val };
    },
  };
}
