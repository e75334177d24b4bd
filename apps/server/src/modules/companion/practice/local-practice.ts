/**
 * Local practice items: mathematics concepts from the checked generators (generators.ts), with options built
 * from typical mistakes; other subjects from the student's own transcript key points (fill-in-the-blank with
 * options from their other notes), or, with none, an explain-in-your-own-words item graded on key terms.
 * No repeated question within a set or from the questions to avoid; no repeated option.
 */
import { words } from '../concepts/normalize';
import { gradeAnswer } from './grading';
import { generateProblem, hasGenerator, seededRng, type Level, type Rng } from './generators';

export type PracticeDifficulty = 'easy' | 'medium' | 'hard';
export type PracticeItemType = 'multiple_choice' | 'short_answer' | 'problem_solving';

export type PracticeConcept = {
  key: string;
  name: string;
  description: string;
  generator?: string | undefined;
  /** The student's key points for this concept, from their transcripts. */
  keyPoints: string[];
};

export type DraftItem = {
  conceptKey: string;
  type: PracticeItemType;
  difficulty: PracticeDifficulty;
  question: string;
  options: string[] | null;
  answer: string;
  explanation: string;
  rubric: string | null;
};

export type PracticeRequest = {
  concepts: PracticeConcept[];
  difficulty: PracticeDifficulty;
  count: number;
  /** Normalised questions not to repeat (the student's last sets). */
  avoid: readonly string[];
  seed: number;
};

export const LOCAL_PRACTICE_MODEL = 'companion-practice-local-v1';

export const questionKey = (q: string) => words(q).join(' ');

const LEVEL: Record<PracticeDifficulty, Level> = { easy: 1, medium: 2, hard: 3 };

function shuffle<T>(xs: T[], r: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const optionKey = (o: string) => o.replace(/\s+/g, '').replace(/[−–]/g, '-').toLowerCase();

/** Options: the answer and distinct distractors (mistakes first, then near misses), shuffled. */
export function buildOptions(answer: string, mistakes: readonly string[], r: Rng, n = 4): string[] | null {
  const seen = new Set([optionKey(answer)]);
  const picked: string[] = [];
  const add = (o: string) => {
    const k = optionKey(o);
    if (!o.trim() || seen.has(k) || k === 'nan' || k.includes('infinity')) return;
    // Two options that grade as the same answer (5 and 5.0, or roots in another order) are one option.
    const same = (x: string) => gradeAnswer({ type: 'problem_solving', answer: x, options: null }, o).correct;
    if (same(answer) || picked.some(same)) return;
    seen.add(k);
    picked.push(o);
  };
  for (const m of mistakes) if (picked.length < n - 1) add(m);
  const num = Number(answer);
  if (Number.isFinite(num)) {
    for (const d of [1, -1, 2, 10, -10, -2])
      if (picked.length < n - 1) add(String(Math.round((num + d) * 100) / 100));
  }
  if (picked.length < 2) return null;
  return shuffle([answer, ...picked], r);
}

function mathItem(c: PracticeConcept, difficulty: PracticeDifficulty, i: number, r: Rng): DraftItem | null {
  const p = generateProblem(c.generator!, r, LEVEL[difficulty]);
  if (!p) return null;
  // Easy sets are mostly multiple choice; harder ones mostly worked problems.
  const mc = difficulty === 'easy' ? i % 3 !== 2 : difficulty === 'medium' ? i % 2 === 0 : i % 3 === 0;
  const options = mc ? buildOptions(p.answer, p.mistakes, r) : null;
  return {
    conceptKey: c.key,
    type: options ? 'multiple_choice' : p.expression ? 'short_answer' : 'problem_solving',
    difficulty,
    question: p.question,
    options,
    answer: p.answer,
    explanation: p.explanation,
    rubric: null,
  };
}

const STOP = new Set([
  'the',
  'and',
  'that',
  'this',
  'with',
  'from',
  'your',
  'when',
  'then',
  'them',
  'they',
  'have',
  'what',
  'which',
  'there',
  'their',
  'about',
  'because',
  'into',
  'just',
  'like',
  'will',
  'would',
  'could',
  'should',
]);

function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length >= 5 && !STOP.has(w) && !/^\d+$/.test(w));
}

function notesItem(
  c: PracticeConcept,
  difficulty: PracticeDifficulty,
  i: number,
  pool: readonly string[],
  r: Rng,
): DraftItem | null {
  const points = c.keyPoints.filter((k) => contentWords(k).length >= 1);
  if (points.length) {
    const point = points[i % points.length]!;
    const candidates = contentWords(point).sort((a, b) => b.length - a.length);
    const target =
      candidates[(Math.floor(i / points.length) + (difficulty === 'hard' ? 1 : 0)) % candidates.length]!;
    const blanked = point.replace(new RegExp(`\\b${target}\\b`, 'i'), '_____');
    if (blanked !== point) {
      const distractors = shuffle(
        pool.filter((w) => w !== target),
        r,
      );
      const options = difficulty === 'hard' ? null : buildOptions(target, distractors, r);
      return {
        conceptKey: c.key,
        type: options ? 'multiple_choice' : 'short_answer',
        difficulty,
        question: `From your session on ${c.name}: fill in the blank. "${blanked}"`,
        options,
        answer: target,
        explanation: `Your tutor said: "${point}"`,
        rubric: null,
      };
    }
  }
  if (i > 0) return null;
  const terms = [...new Set(contentWords(`${c.name} ${c.description}`))].slice(0, 3);
  return {
    conceptKey: c.key,
    type: 'short_answer',
    difficulty,
    question: `In your own words, explain ${c.name.toLowerCase()}.`,
    options: null,
    answer: c.description,
    explanation: `${c.name}: ${c.description}`,
    rubric: terms.join('\n'),
  };
}

/** A practice set, locally. Fewer items than asked when the concepts cannot give more distinct ones. */
export function generateLocalPractice(req: PracticeRequest): DraftItem[] {
  const r = seededRng(req.seed);
  const avoid = new Set(req.avoid);
  const items: DraftItem[] = [];
  const pool = [...new Set(req.concepts.flatMap((c) => c.keyPoints.flatMap(contentWords)))];
  const perConcept = new Map<string, number>();
  let misses = 0;
  for (let n = 0; items.length < req.count && misses < req.count * 8 + 20; n++) {
    const c = req.concepts[n % req.concepts.length]!;
    const i = perConcept.get(c.key) ?? 0;
    const item = hasGenerator(c.generator)
      ? mathItem(c, req.difficulty, i, r)
      : notesItem(c, req.difficulty, i, pool, r);
    perConcept.set(c.key, i + 1);
    const key = item ? questionKey(item.question) : '';
    if (!item || avoid.has(key)) {
      misses++;
      continue;
    }
    avoid.add(key);
    items.push(item);
  }
  return items;
}
