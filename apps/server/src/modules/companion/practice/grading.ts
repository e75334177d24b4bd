/**
 * Grading a practice answer, pure: an option letter or the option's text; numbers with a tolerance
 * (fractions, decimals and expressions mathjs can evaluate); equivalent expressions (`2(x+1)` = `2x+2`,
 * compared at several points); `x = 2, y = 1` assignments; root sets in any order (`x = 3 or x = -2`);
 * inequalities; and, for short answers, the rubric's key terms.
 */
import { math } from './generators';
import { words } from '../concepts/normalize';

export type GradableItem = {
  type: 'multiple_choice' | 'short_answer' | 'problem_solving';
  answer: string;
  options: string[] | null;
  /** Key terms a short written answer should contain (one per line). */
  rubric?: string | null;
};

export type Grade = { correct: boolean; feedback: string };

const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'];

const clean = (s: string) =>
  s
    .trim()
    .replace(/[−–]/g, '-')
    .replace(/×/g, '*')
    .replace(/÷/g, '/')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .replace(/√\s*\(?([0-9.]+)\)?/g, 'sqrt($1)')
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '');

/** Implicit multiplication as students write it: 2x, 3(x+1), )( . */
const mathable = (s: string) =>
  s
    .replace(/(\d)\s*([a-z(])/gi, '$1*$2')
    .replace(/\)\s*\(/g, ')*(')
    .replace(/\)\s*([a-z0-9])/gi, ')*$1');

function evaluate(s: string, scope: Record<string, number> = {}): number | null {
  try {
    const v = math.evaluate(mathable(s), scope) as unknown;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * The tolerance an answer's own form allows: an answer given to d decimals accepts anything that rounds to
 * it (±10^-d); an integer is exact; a fraction or surd accepts two-decimal rounding (1/3 ≈ 0.33).
 */
function toleranceOf(answerText: string): number {
  const decimals = /\.(\d+)\b/.exec(answerText);
  if (decimals && !/[/a-z]/i.test(answerText)) return 1.01 * 10 ** -decimals[1]!.length;
  if (/^-?\d+$/.test(answerText.trim())) return 1e-9;
  return 0.0051;
}

function closeEnough(a: number, b: number, answerText = ''): boolean {
  return Math.abs(a - b) <= toleranceOf(answerText);
}

function sameNumber(response: string, answer: string): boolean | null {
  const a = evaluate(answer);
  if (a === null) return null;
  const r = evaluate(response.replace(/^[a-z]\s*=\s*/i, ''));
  return r !== null && closeEnough(r, a, answer);
}

function variables(s: string): string[] {
  return [...new Set((mathable(s).match(/\b[a-z]\b/gi) ?? []).map((v) => v.toLowerCase()))];
}

function sameExpression(response: string, answer: string): boolean {
  const vars = variables(answer);
  if (vars.length === 0 || variables(response).some((v) => !vars.includes(v))) return false;
  const points = [-2.3, -0.7, 0.4, 1.3, 2.9];
  return points.every((p, i) => {
    const scope = Object.fromEntries(vars.map((v, j) => [v, p + j * 0.37 + i * 0.01]));
    const a = evaluate(answer, scope);
    const b = evaluate(response.replace(/^[a-z]'?\s*\(x\)\s*=\s*/i, ''), scope);
    return a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
  });
}

/** `x = 2, y = 1` → {x: 2, y: 1}; null unless every part is an assignment. */
function assignments(s: string): Map<string, number> | null {
  const parts = s
    .split(/,|;|\band\b/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out = new Map<string, number>();
  for (const p of parts) {
    const m = /^([a-z])\s*=\s*(.+)$/i.exec(p);
    if (!m) return null;
    const v = evaluate(m[2]!);
    if (v === null) return null;
    out.set(m[1]!.toLowerCase(), v);
  }
  return out.size ? out : null;
}

/** `x = 3 or x = -2`, `3, -2`, `x = -2, 3` → [-2, 3]; null when not a list of values. */
function valueSet(s: string): number[] | null {
  const parts = s
    .split(/\bor\b|,|;|\band\b/)
    .map((p) => p.trim().replace(/^[a-z]\s*=\s*/i, ''))
    .filter(Boolean);
  if (parts.length < 2) return null;
  const vals = parts.map((p) => evaluate(p));
  if (vals.some((v) => v === null)) return null;
  return (vals as number[]).sort((a, b) => a - b);
}

function inequality(s: string): { op: string; value: number } | null {
  const m = /^([a-z])\s*(<=|>=|≤|≥|<|>)\s*(.+)$/i.exec(s) ?? /^(.+?)\s*(<=|>=|≤|≥|<|>)\s*([a-z])$/i.exec(s);
  if (!m) return null;
  const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
  let op = m[2]!.replace('≤', '<=').replace('≥', '>=');
  let valueText = m[3]!;
  if (/^[a-z]$/i.test(m[3]!)) {
    op = flip[op]!;
    valueText = m[1]!;
  }
  const value = evaluate(valueText);
  return value === null ? null : { op, value };
}

const normText = (s: string) => words(s).join(' ');

export function gradeAnswer(item: GradableItem, rawResponse: string): Grade {
  let response = clean(rawResponse);
  const answer = clean(item.answer);
  if (!response) return { correct: false, feedback: 'No answer given.' };
  if (item.options?.length) {
    const letter = /^\(?([a-f])\)?[.)]?$/i.exec(response);
    if (letter) {
      const idx = LETTERS.indexOf(letter[1]!.toLowerCase());
      if (idx < item.options.length) response = clean(item.options[idx]!);
    }
  }
  const ok = (feedback: string): Grade => ({ correct: true, feedback });
  const no: Grade = { correct: false, feedback: `The answer is ${item.answer}.` };
  if (
    normText(response) === normText(answer) &&
    /[a-z0-9]/i.test(answer) &&
    response.replace(/\s/g, '') === answer.replace(/\s/g, '')
  )
    return ok('Correct.');

  const ineqA = inequality(answer);
  if (ineqA) {
    const ineqR = inequality(response);
    return ineqR && ineqR.op === ineqA.op && closeEnough(ineqR.value, ineqA.value, String(ineqA.value))
      ? ok('Correct.')
      : no;
  }
  const assignA = assignments(answer);
  if (assignA && assignA.size > 1) {
    const assignR = assignments(response);
    if (!assignR) return no;
    return [...assignA].every(([k, v]) => assignR.has(k) && closeEnough(assignR.get(k)!, v, String(v))) &&
      assignR.size === assignA.size
      ? ok('Correct.')
      : no;
  }
  const setA = valueSet(answer);
  if (setA) {
    const setR = valueSet(response);
    return setR && setR.length === setA.length && setA.every((v, i) => closeEnough(setR[i]!, v, String(v)))
      ? ok('Correct: both values.')
      : no;
  }
  if (answer.toLowerCase() === 'undefined')
    return /undefined|no slope|vertical/i.test(response) ? ok('Correct.') : no;
  const num = sameNumber(response, answer);
  if (num !== null && variables(answer).length === 0) return num ? ok('Correct.') : no;
  if (variables(answer).length > 0 && sameExpression(response, answer))
    return ok('Correct: an equivalent expression.');

  // Written answers: the rubric's key terms (most of them), or the answer's own words.
  const terms = (item.rubric ?? '')
    .split('\n')
    .map((t) => normText(t))
    .filter(Boolean);
  const r = ` ${normText(response)} `;
  if (terms.length) {
    const hit = terms.filter((t) => r.includes(` ${t} `)).length;
    return hit / terms.length >= 0.6
      ? ok(`Covers ${hit} of ${terms.length} key points.`)
      : { correct: false, feedback: `A full answer mentions: ${item.rubric!.split('\n').join(', ')}.` };
  }
  // Plain words (a term, a name): the same words, ignoring case and punctuation; never for maths.
  if (/[\d=<>+*/^-]/.test(answer)) return no;
  return normText(response) === normText(answer) ? ok('Correct.') : no;
}
