/**
 * The chat's retrieval and its offline answer. The student's own material (session transcripts cut into
 * passages of a few turns, and the notes of their concepts) is indexed with MiniSearch (BM25+ ranking) per
 * request; the question's best passages feed the model's prompt (as data) and, offline, the local answer,
 * which quotes them with where they come from. Nothing here is a canned reply: with no matching passage the
 * answer says so and lists what the student's material does cover.
 */
import MiniSearch from 'minisearch';
import type { TChatSource } from '@tutorpulse/contracts/companion-engagement';
import type { MasteryRecord, StudentSession } from '../engagement-ports';

export type Passage = {
  id: string;
  kind: 'transcript' | 'concept';
  ref: string;
  label: string;
  text: string;
};

const STOP_WORDS = new Set(
  `a an and are as at be but by can could do does did for from get got had has have how i i'm if in into is it
  its it's just me my of on or so that the their them then there these this to too was we were what when where
  which who why will with would you your yes no ok okay please thanks thank about again explain help know
  understand tell show really still dont don't im`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words, and the maths a student types as one token (`2/8`, `x^2`, `3.5`, `f(x)` → `f`, `x`): MiniSearch's
 * default tokenizer would cut `2/8` into `2` and `8`, which match everything and nothing.
 */
export function tokenize(text: string): string[] {
  return (text.match(/[\p{L}\p{N}]+(?:['’^/.,][\p{L}\p{N}]+)*/gu) ?? []).map((t) => t.replace(/,/g, ''));
}

/** Lower-cased terms without stop words (MiniSearch's processTerm and the answer's keyword list). */
export function termsOf(text: string): string[] {
  return tokenize(text.toLowerCase()).filter((t) => t.length > 1 && !STOP_WORDS.has(t));
}

const TURNS_PER_PASSAGE = 4;

/** Transcript lines grouped into passages of a few turns (overlapping by one, so no exchange is cut in two). */
export function transcriptPassages(s: StudentSession): Passage[] {
  if (!s.transcript) return [];
  const lines = s.transcript
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const out: Passage[] = [];
  const day = s.start.toISOString().slice(0, 10);
  const label = `your ${s.subjects.join(', ') || 'tutoring'} session of ${day}`;
  for (let i = 0; i < lines.length; i += TURNS_PER_PASSAGE - 1) {
    const chunk = lines.slice(i, i + TURNS_PER_PASSAGE);
    if (chunk.length === 0) break;
    out.push({
      id: `t:${s.sessionId}:${i}`,
      kind: 'transcript',
      ref: s.sessionId,
      label,
      text: chunk.join('\n'),
    });
    if (i + TURNS_PER_PASSAGE >= lines.length) break;
  }
  return out;
}

export function conceptPassages(concepts: MasteryRecord[]): Passage[] {
  return concepts
    .map((c) => {
      const notes = [c.description ?? '', ...(c.keyPoints ?? [])].filter(Boolean).join(' ');
      return {
        id: `c:${c.conceptKey}`,
        kind: 'concept' as const,
        ref: c.conceptKey,
        label: `your notes on ${c.name}`,
        text: `${c.name}. ${notes}`.trim(),
      };
    })
    .filter((p) => p.text.length > 0);
}

export type SearchHit = Passage & { score: number; terms: string[] };

export type PassageIndex = MiniSearch<Passage>;

/** The student's material as a MiniSearch index (BM25+), built once and searched per question. */
export function indexPassages(passages: Passage[]): PassageIndex {
  const index = new MiniSearch<Passage>({
    fields: ['text', 'label'],
    storeFields: ['kind', 'ref', 'label', 'text'],
    tokenize,
    processTerm: (term) => {
      const t = term.toLowerCase();
      return t.length > 1 && !STOP_WORDS.has(t) ? t : null;
    },
  });
  index.addAll(passages);
  return index;
}

/** The best passages for a question; prefix and light fuzzy matching for typos. */
export function searchIndex(index: PassageIndex, query: string, limit = 4): SearchHit[] {
  const terms = termsOf(query);
  if (index.documentCount === 0 || terms.length === 0) return [];
  const results = index.search(terms.join(' '), {
    prefix: (term) => term.length > 3,
    fuzzy: (term) => (term.length > 5 ? 0.2 : false),
    boost: { text: 2, label: 0.5 },
    combineWith: 'OR',
  });
  return results.slice(0, limit).map((r) => ({
    id: String(r.id),
    kind: r.kind as Passage['kind'],
    ref: r.ref as string,
    label: r.label as string,
    text: r.text as string,
    score: Math.round(r.score * 1000) / 1000,
    terms: r.terms,
  }));
}

export function searchPassages(passages: Passage[], query: string, limit = 4): SearchHit[] {
  return searchIndex(indexPassages(passages), query, limit);
}

/** The lines of a passage that carry the matched terms (all of it when short), as a quotable excerpt. */
export function quoteOf(hit: Pick<SearchHit, 'text' | 'terms'>, max = 320): string {
  const lines = hit.text.split('\n');
  const matching = lines.filter((l) => hit.terms.some((t) => l.toLowerCase().includes(t)));
  const picked = (hit.text.length <= max ? lines : matching.length ? matching : lines).join(' / ');
  return picked.length <= max ? picked : `${picked.slice(0, max - 1).trimEnd()}…`;
}

export function toSources(hits: SearchHit[]): TChatSource[] {
  return hits.map((h) => ({ kind: h.kind, ref: h.ref, label: h.label, quote: quoteOf(h), score: h.score }));
}

export const LOCAL_LABEL = 'Local answer (offline: no AI model was used), from your own sessions and notes.';

/**
 * The offline answer: the passages that match the question, quoted with their source, the related concepts
 * with the student's mastery, and a next step that follows from them.
 */
export function composeLocalAnswer(input: {
  question: string;
  hits: SearchHit[];
  concepts: MasteryRecord[];
  sessionsSearched: number;
  goals: Array<{ title: string; progress: number }>;
}): string {
  const { hits, concepts } = input;
  const keywords = [...new Set(termsOf(input.question))].slice(0, 6);
  const parts: string[] = [LOCAL_LABEL, ''];
  if (hits.length === 0) {
    parts.push(
      `I found nothing about ${keywords.length ? keywords.map((k) => `“${k}”`).join(', ') : 'that'} in your ${
        input.sessionsSearched
      } session transcript${input.sessionsSearched === 1 ? '' : 's'} and ${concepts.length} concept note${
        concepts.length === 1 ? '' : 's'
      }.`,
    );
    const covered = [...concepts].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, 5);
    if (covered.length) {
      parts.push(
        `What your material does cover: ${covered.map((c) => `${c.name} (${Math.round(c.mastery)}/100)`).join(', ')}.`,
      );
    }
    parts.push('Ask about one of these, or ask for a human tutor if you are stuck on something new.');
    return parts.join('\n');
  }
  parts.push(`Here is what your material says about ${keywords.map((k) => `“${k}”`).join(', ')}:`);
  for (const h of hits) parts.push(`> “${quoteOf(h)}”`, `  (from ${h.label})`);
  const hitText = hits.map((h) => h.text.toLowerCase()).join(' ');
  const related = concepts
    .filter(
      (c) =>
        hits.some((h) => h.ref === c.conceptKey) ||
        hitText.includes(c.name.toLowerCase()) ||
        keywords.some((k) => c.name.toLowerCase().includes(k)),
    )
    .slice(0, 3);
  if (related.length) {
    parts.push('');
    for (const c of related) {
      const m = Math.round(c.mastery);
      parts.push(
        m < 50
          ? `Your mastery of ${c.name} is ${m}/100: a short practice set on it would help.`
          : m < 80
            ? `Your mastery of ${c.name} is ${m}/100: getting there; one more practice set should settle it.`
            : `Your mastery of ${c.name} is ${m}/100: you know this well.`,
      );
    }
  }
  const goal = input.goals.find((g) => g.progress < 100);
  if (goal) parts.push(`This counts toward your goal “${goal.title}” (${goal.progress}% so far).`);
  return parts.join('\n');
}
