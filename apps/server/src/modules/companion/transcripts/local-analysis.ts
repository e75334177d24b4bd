/**
 * The local transcript analysis (no LLM): concepts by matching the subject's catalogue (names and aliases)
 * against the conversation, and per concept the student's learning signals read from the turns around its
 * mentions — correct and incorrect attempts (what the tutor's next turn confirms or corrects), hints needed,
 * self-explanations — plus the tutor's key points and the student's mistakes as quoted. Deterministic, fast
 * (one pass over the turns), and labelled `local` wherever it is shown.
 */
import type { Turn } from '../../quality/index';
import { applyEvidence, BKT_PARAMS } from '../mastery/bkt';
import { words } from '../concepts/normalize';
import type { AnalysisConcept, TranscriptAnalysis } from './analysis.types';

export const LOCAL_ANALYSIS_MODEL = 'companion-local-v1';

export type CatalogueEntry = {
  key: string;
  name: string;
  description: string;
  difficulty: number;
  aliases: readonly string[];
};

const CONFIRM =
  /\b(correct|right|exactly|yes|yep|yeah|great|well done|perfect|good job|nice|excellent|that's it|thats it|you got it|spot on|good)\b/i;
const CORRECT_STRONG =
  /\b(correct|exactly|perfect|well done|good job|excellent|you got it|spot on|that's it|that's right|thats right)\b/i;
const REJECT =
  /\b(not quite|incorrect|wrong|no,|no\.|nope|try again|almost|close,|careful|mistake|isn't right|not right|isn't correct|not correct|doesn't work|check that|check your|double check|double-check|are you sure|is that right|let's check|look again|read the question|re-read|start again|let's try|try it|slow down|overcomplicated|gone too far|not what|that's not|hmm)\b/i;
/** The tutor gives the step or the answer away: the student's next success was assisted. */
const TELLING =
  /\b(you need to|you should|it should be|the answer is|the correct answer|we need to|you have to|so it's|which makes|making the total)\b/i;
const HINT =
  /\b(hint|remember|think about|what if|what happens|how about|try|let's look|look at|what do we|what do you get|first step|what's the first)\b/i;
const STUCK =
  /\b(i don't know|i dont know|i'm stuck|im stuck|confused|i don't get|i dont get|no idea|help|not sure|i forgot|lost)\b/i;
const REASONING =
  /\b(because|so that|since|which means|that means|therefore|so i|first i|then i|i think it's because)\b/i;
const KEY_POINT =
  /\b(means|is when|is called|remember|the rule|always|never|the key|the trick|formula|we can|you can|whenever|same thing)\b/i;

type Mention = { concept: CatalogueEntry; phrase: string };

/** Phrases of a concept as word sequences, longest first. */
function phrasesOf(c: CatalogueEntry): string[][] {
  const all = [c.name, ...c.aliases].map((p) => words(p)).filter((w) => w.length > 0);
  const seen = new Set<string>();
  return all
    .filter((w) => {
      const k = w.join(' ');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => b.length - a.length);
}

function containsPhrase(ws: string[], phrase: string[]): boolean {
  if (phrase.length === 1) {
    const p = phrase[0]!;
    // Plurals and simple inflections: "fraction" matches "fractions".
    return ws.some((w) => w === p || w === `${p}s` || w === `${p}es` || (p.length > 4 && w.startsWith(p)));
  }
  outer: for (let i = 0; i + phrase.length <= ws.length; i++) {
    for (let j = 0; j < phrase.length; j++) {
      const w = ws[i + j]!;
      const p = phrase[j]!;
      if (w !== p && w !== `${p}s` && w !== `${p}es`) continue outer;
    }
    return true;
  }
  return false;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const clip = (s: string, n = 200) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export type LocalAnalysisInput = {
  turns: readonly Turn[];
  catalogue: readonly CatalogueEntry[];
  subjectName: string;
};

type Tally = {
  concept: CatalogueEntry;
  mentions: number;
  correct: number;
  incorrect: number;
  hints: number;
  selfExplanations: number;
  keyPoints: Array<{ text: string; score: number }>;
  mistakes: string[];
  firstTurn: number;
};

/** Analyses a parsed transcript against a subject's catalogue. */
export function analyzeTranscriptLocally(input: LocalAnalysisInput): TranscriptAnalysis {
  const { turns, catalogue } = input;
  const compiled = catalogue.map((c) => ({ c, phrases: phrasesOf(c) }));
  const tallies = new Map<string, Tally>();
  const tallyOf = (c: CatalogueEntry, at: number) => {
    let t = tallies.get(c.key);
    if (!t) {
      t = {
        concept: c,
        mentions: 0,
        correct: 0,
        incorrect: 0,
        hints: 0,
        selfExplanations: 0,
        keyPoints: [],
        mistakes: [],
        firstTurn: at,
      };
      tallies.set(c.key, t);
    }
    return t;
  };

  // Which concept each turn is about: the ones it names, else the last named (a conversation stays on topic).
  let current: CatalogueEntry[] = [];
  const about: CatalogueEntry[][] = [];
  for (const turn of turns) {
    const ws = words(turn.text);
    const named: Mention[] = [];
    for (const { c, phrases } of compiled) {
      const hit = phrases.find((p) => containsPhrase(ws, p));
      if (hit) named.push({ concept: c, phrase: hit.join(' ') });
    }
    if (named.length) {
      // A one-word alias alone ("power", "area") is weak: it needs a second mention to count.
      current = named.map((m) => m.concept);
      for (const m of named) tallyOf(m.concept, turn.index).mentions += m.phrase.includes(' ') ? 2 : 1;
    }
    about.push(current);
  }

  const kept = [...tallies.values()].filter((t) => t.mentions >= 2);
  const keptKeys = new Set(kept.map((t) => t.concept.key));

  const assisted = new Set<string>();
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    const concepts = about[i]!.filter((c) => keptKeys.has(c.key));
    if (concepts.length === 0) continue;
    const next = turns.slice(i + 1).find((t) => t.speaker !== turn.speaker);
    for (const c of concepts) {
      const t = tallies.get(c.key)!;
      if (turn.speaker === 'student') {
        const attempt = /\d|\bx\b|=/.test(turn.text) || words(turn.text).length >= 3;
        const reply = next?.speaker === 'tutor' ? next.text : '';
        const head = reply.slice(0, 80);
        const confirmed = CORRECT_STRONG.test(head) || (CONFIRM.test(head) && !REJECT.test(head));
        if (STUCK.test(turn.text)) {
          t.hints += 1;
          assisted.add(c.key);
        } else if (attempt && reply && REJECT.test(head) && !CORRECT_STRONG.test(head.slice(0, 12))) {
          t.incorrect += 1;
          assisted.add(c.key);
          if (t.mistakes.length < 3) t.mistakes.push(clip(turn.text));
          if (HINT.test(reply) || TELLING.test(reply)) t.hints += 1;
        } else if (attempt && reply && confirmed) {
          // Right only after the tutor corrected or told: help-assisted, which BKT counts against knowing it.
          if (assisted.has(c.key)) t.hints += 1;
          else t.correct += 1;
          assisted.delete(c.key);
        } else if (attempt && reply && TELLING.test(reply)) {
          t.hints += 1;
          assisted.add(c.key);
        }
        if (REASONING.test(turn.text) && words(turn.text).length >= 8) t.selfExplanations += 1;
      } else if (turn.speaker === 'tutor') {
        for (const s of sentences(turn.text)) {
          const ws = words(s);
          if (ws.length < 5 || s.endsWith('?')) continue;
          let score = KEY_POINT.test(s) ? 2 : 0;
          if (phrasesOf(c).some((p) => containsPhrase(ws, p))) score += 2;
          if (/\d/.test(s) && /[=+\-×*/]/.test(s)) score += 1;
          if (score >= 2) t.keyPoints.push({ text: clip(s), score });
        }
      }
    }
  }

  const concepts: AnalysisConcept[] = kept
    .sort((a, b) => b.mentions - a.mentions || a.firstTurn - b.firstTurn)
    .slice(0, 8)
    .map((t) => {
      const signals = {
        correct: t.correct,
        incorrect: t.incorrect,
        hints: t.hints,
        selfExplanations: t.selfExplanations,
      };
      return {
        conceptKey: t.concept.key,
        name: t.concept.name,
        description: t.concept.description,
        mastery: estimateFromSignals(signals),
        difficulty: difficultyWord(t.concept.difficulty),
        keyPoints: [...new Map(t.keyPoints.map((k) => [k.text, k])).values()]
          .sort((a, b) => b.score - a.score)
          .slice(0, 3)
          .map((k) => k.text),
        signals,
        misconceptions: t.mistakes,
      };
    });

  return {
    concepts,
    topics: concepts.length ? concepts.map((c) => c.name) : [input.subjectName],
    summary: summarize(concepts, input.subjectName, turns),
  };
}

/** A session-only mastery estimate (0–100): BKT from the prior over this transcript's signals. */
export function estimateFromSignals(s: AnalysisConcept['signals']): number {
  let p = BKT_PARAMS.prior;
  for (let i = 0; i < s.correct; i++) p = applyEvidence(p, 'transcript_correct');
  for (let i = 0; i < s.selfExplanations; i++) p = applyEvidence(p, 'self_explanation');
  for (let i = 0; i < s.incorrect; i++) p = applyEvidence(p, 'transcript_incorrect');
  for (let i = 0; i < s.hints; i++) p = applyEvidence(p, 'transcript_hint');
  return Math.round(p * 100);
}

export function difficultyWord(d: number): 'beginner' | 'intermediate' | 'advanced' {
  return d <= 1 ? 'beginner' : d <= 3 ? 'intermediate' : 'advanced';
}

function summarize(concepts: AnalysisConcept[], subject: string, turns: readonly Turn[]): string {
  const studentTurns = turns.filter((t) => t.speaker === 'student').length;
  if (concepts.length === 0)
    return `Local analysis: a ${turns.length}-turn ${subject} session (${studentTurns} student turns); no concept from the ${subject} catalogue was recognised.`;
  const names = concepts.map((c) => c.name);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  const tot = concepts.reduce(
    (a, c) => ({
      correct: a.correct + c.signals.correct,
      incorrect: a.incorrect + c.signals.incorrect,
      hints: a.hints + c.signals.hints,
    }),
    { correct: 0, incorrect: 0, hints: 0 },
  );
  const parts = [`Local analysis: the session worked on ${list}.`];
  const attempts = tot.correct + tot.incorrect;
  if (attempts)
    parts.push(
      `The student got ${tot.correct} of ${attempts} attempts right${tot.hints ? ` and needed ${tot.hints} hint${tot.hints === 1 ? '' : 's'}` : ''}.`,
    );
  const weakest = [...concepts].sort((a, b) => a.mastery - b.mastery)[0]!;
  const strongest = [...concepts].sort((a, b) => b.mastery - a.mastery)[0]!;
  if (concepts.length > 1 && weakest.mastery < strongest.mastery)
    parts.push(`Strongest: ${strongest.name}; to practise: ${weakest.name}.`);
  else if (weakest.mastery < 50) parts.push(`${weakest.name} needs more practice.`);
  return parts.join(' ');
}
