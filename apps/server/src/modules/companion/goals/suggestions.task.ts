/**
 * `companion.subject_suggestions` (seed 004 "Subject Suggestions", generation temperature 0.7): five next
 * subjects after a completed goal. The model picks from the catalogue (its ids are an enum in the schema);
 * unknown, repeated or excluded subjects are dropped and the list is topped up from the curated graph. Local:
 * the curated graph scored against the student's history (subject-graph.ts).
 */
import { z } from 'zod';
import { defineAiTask } from '../../../platform/ai/port';
import {
  SUBJECT_GRAPH,
  SUBJECTS_BY_ID,
  suggestSubjectsLocally,
  type SuggestionCandidate,
  type SuggestionHistory,
} from './subject-graph';

export const SUGGESTION_COUNT = 5;

const SUBJECT_IDS = SUBJECT_GRAPH.map((s) => s.id) as [string, ...string[]];

const ZAnswer = z.object({
  suggestions: z
    .array(
      z.object({
        subject_id: z.enum(SUBJECT_IDS),
        subject: z.string(),
        description: z.string().max(500),
        relevance_score: z.number().min(0).max(1).describe('0 to 1'),
        value_proposition: z.string().max(500),
        related_concepts: z.array(z.string().max(120)).max(8),
      }),
    )
    .min(1)
    .max(8)
    .describe('Five suggestions, most relevant first'),
});
type Answer = z.infer<typeof ZAnswer>;

export function mergeSuggestions(answer: Answer, h: SuggestionHistory): SuggestionCandidate[] {
  const exclude = new Set([...h.exclude, h.completedSubjectId]);
  const out: SuggestionCandidate[] = [];
  for (const s of answer.suggestions) {
    if (exclude.has(s.subject_id) || out.some((o) => o.subjectId === s.subject_id)) continue;
    out.push({
      subjectId: s.subject_id,
      subject: SUBJECTS_BY_ID.get(s.subject_id)?.name ?? s.subject,
      description: s.description,
      relevance: Math.round(s.relevance_score * 100) / 100,
      valueProposition: s.value_proposition,
      relatedConcepts: s.related_concepts,
    });
  }
  if (out.length < SUGGESTION_COUNT) {
    for (const c of suggestSubjectsLocally({ ...h, exclude: [...exclude, ...out.map((o) => o.subjectId)] })) {
      if (out.length >= SUGGESTION_COUNT) break;
      out.push(c);
    }
  }
  return out.slice(0, SUGGESTION_COUNT);
}

export const subjectSuggestionsTask = defineAiTask<SuggestionHistory, SuggestionCandidate[], Answer>({
  name: 'companion.subject_suggestions',
  system:
    'You recommend what a student should study next after completing a learning goal. Suggest five subjects ' +
    'from the catalogue given (use its ids), most relevant first, each with a short description, a relevance ' +
    'score from 0 to 1, a one-sentence value proposition addressed to the student, and the concepts it builds ' +
    'on. Never suggest an excluded subject. Answer JSON.',
  render: (h) =>
    [
      `Completed goal: ${h.completedTitle} (subject ${h.completedSubjectId}).`,
      `Subjects of recent sessions: ${[...new Set(h.sessionSubjects)].join(', ') || 'none'}.`,
      `Mastery: ${h.mastery.map((m) => `${m.name} ${Math.round(m.mastery)}`).join('; ') || 'none recorded'}.`,
      `Excluded: ${[...h.exclude, h.completedSubjectId].join(', ')}.`,
      'Catalogue (id: name, prerequisites → next steps):',
      ...SUBJECT_GRAPH.map(
        (s) => `${s.id}: ${s.name} (${s.prerequisites.join(', ') || '-'} → ${s.next.join(', ') || '-'})`,
      ),
    ].join('\n'),
  output: ZAnswer,
  finish: (answer, ctx) => mergeSuggestions(answer, ctx.input),
  temperature: 0.7,
  timeoutMs: 30_000,
  retries: 1,
  maxOutputTokens: 1_200,
  local: (h) => suggestSubjectsLocally(h, SUGGESTION_COUNT),
  localModel: 'companion-subject-graph-v1',
});
