/**
 * A curated graph of the demo catalogue's subjects (apps/server/src/cli/seed/catalog.ts): for each subject, what
 * it builds on (prerequisites) and where it leads (next steps), with one line on why. The local subject
 * suggestions walk it; the LLM is given it as the list of subjects it may suggest.
 */
export type SubjectNode = {
  id: string;
  name: string;
  category: string;
  /** What to know first. */
  prerequisites: string[];
  /** Where it naturally leads. */
  next: string[];
  /** Why a student would take it, in one line. */
  pitch: string;
};

const n = (
  id: string,
  name: string,
  category: string,
  prerequisites: string[],
  next: string[],
  pitch: string,
): SubjectNode => ({ id, name, category, prerequisites, next, pitch });

export const SUBJECT_GRAPH: readonly SubjectNode[] = [
  n('elementary-math', 'Elementary Math', 'Math', [], ['pre-algebra'], 'number sense and fluent arithmetic'),
  n(
    'pre-algebra',
    'Pre-Algebra',
    'Math',
    ['elementary-math'],
    ['algebra-1'],
    'fractions, ratios and first equations',
  ),
  n(
    'algebra-1',
    'Algebra 1',
    'Math',
    ['pre-algebra'],
    ['geometry', 'algebra-2', 'sat-math'],
    'linear equations, functions and graphs',
  ),
  n(
    'geometry',
    'Geometry',
    'Math',
    ['algebra-1'],
    ['algebra-2', 'precalculus', 'sat-math'],
    'proofs, shapes and spatial reasoning',
  ),
  n(
    'algebra-2',
    'Algebra 2',
    'Math',
    ['algebra-1'],
    ['precalculus', 'ap-statistics', 'sat-math', 'act-prep'],
    'quadratics, exponentials and logarithms',
  ),
  n(
    'precalculus',
    'Precalculus',
    'Math',
    ['algebra-2', 'geometry'],
    ['ap-calculus-ab', 'college-calculus', 'physics'],
    'functions and trigonometry ready for calculus',
  ),
  n(
    'ap-calculus-ab',
    'AP Calculus AB',
    'Math',
    ['precalculus'],
    ['college-calculus', 'physics', 'college-statistics'],
    'limits, derivatives and integrals, with college credit',
  ),
  n(
    'ap-statistics',
    'AP Statistics',
    'Math',
    ['algebra-2'],
    ['college-statistics', 'microeconomics', 'python-programming'],
    'data, probability and inference',
  ),
  n(
    'college-calculus',
    'College Calculus',
    'Math',
    ['precalculus', 'ap-calculus-ab'],
    ['college-statistics', 'gre-prep'],
    'calculus for science and engineering majors',
  ),
  n(
    'college-statistics',
    'College Statistics',
    'Math',
    ['algebra-2', 'ap-statistics'],
    ['gre-prep', 'python-programming'],
    'statistics for research and data work',
  ),
  n('biology', 'Biology', 'Science', [], ['chemistry', 'ap-biology'], 'cells, genetics and ecosystems'),
  n(
    'chemistry',
    'Chemistry',
    'Science',
    ['algebra-1'],
    ['ap-biology', 'organic-chemistry', 'physics'],
    'atoms, reactions and stoichiometry',
  ),
  n(
    'physics',
    'Physics',
    'Science',
    ['algebra-2'],
    ['college-calculus', 'ap-calculus-ab'],
    'motion, forces and energy',
  ),
  n(
    'ap-biology',
    'AP Biology',
    'Science',
    ['biology', 'chemistry'],
    ['organic-chemistry'],
    'college-level biology and lab skills',
  ),
  n(
    'organic-chemistry',
    'Organic Chemistry',
    'Science',
    ['chemistry'],
    ['ap-biology'],
    'carbon chemistry and reaction mechanisms',
  ),
  n(
    'reading-comprehension',
    'Reading Comprehension',
    'English',
    [],
    ['essay-writing', 'sat-reading-writing'],
    'reading closely and finding the main idea',
  ),
  n(
    'essay-writing',
    'Essay Writing',
    'English',
    ['reading-comprehension'],
    ['ap-english-literature', 'sat-reading-writing'],
    'clear arguments and structure',
  ),
  n(
    'ap-english-literature',
    'AP English Literature',
    'English',
    ['essay-writing'],
    ['gre-prep'],
    'literary analysis and timed essays',
  ),
  n('spanish', 'Spanish', 'Languages', [], ['french'], 'conversation, grammar and culture'),
  n('french', 'French', 'Languages', [], ['spanish'], 'conversation, grammar and culture'),
  n(
    'python-programming',
    'Python Programming',
    'Computer Science',
    ['algebra-1'],
    ['ap-computer-science-a', 'college-statistics'],
    'programming fundamentals with Python',
  ),
  n(
    'ap-computer-science-a',
    'AP Computer Science A',
    'Computer Science',
    ['algebra-1'],
    ['python-programming'],
    'Java, objects and algorithms',
  ),
  n(
    'us-history',
    'US History',
    'Social Studies',
    ['reading-comprehension'],
    ['microeconomics', 'essay-writing'],
    'American history and source analysis',
  ),
  n(
    'microeconomics',
    'Microeconomics',
    'Social Studies',
    ['algebra-1'],
    ['ap-statistics'],
    'markets, incentives and decisions',
  ),
  n(
    'sat-math',
    'SAT Math',
    'Test Prep',
    ['algebra-1'],
    ['act-prep', 'precalculus'],
    'the SAT’s maths section, timed',
  ),
  n(
    'sat-reading-writing',
    'SAT Reading & Writing',
    'Test Prep',
    ['reading-comprehension'],
    ['act-prep'],
    'the SAT’s reading and writing section',
  ),
  n(
    'act-prep',
    'ACT Prep',
    'Test Prep',
    ['algebra-2', 'reading-comprehension'],
    ['sat-math'],
    'every ACT section with timed practice',
  ),
  n(
    'gre-prep',
    'GRE Prep',
    'Test Prep',
    ['college-statistics', 'essay-writing'],
    [],
    'quantitative and verbal reasoning for graduate school',
  ),
];

export const SUBJECTS_BY_ID: ReadonlyMap<string, SubjectNode> = new Map(SUBJECT_GRAPH.map((s) => [s.id, s]));

export type SuggestionCandidate = {
  subjectId: string;
  subject: string;
  description: string;
  relevance: number;
  valueProposition: string;
  relatedConcepts: string[];
};

export type SuggestionHistory = {
  /** The subject of the goal just completed. */
  completedSubjectId: string;
  completedTitle: string;
  /** Subjects of the student's sessions, most recent first (repeats count). */
  sessionSubjects: string[];
  /** Subject ids with an active or completed goal, or a suggestion still pending: not suggested again. */
  exclude: string[];
  /** Mastery per concept (0–100), to flag weak prerequisites. */
  mastery: Array<{ conceptKey: string; subjectId: string; name: string; mastery: number }>;
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Five (or fewer, on a small graph) next subjects, scored 0–1 by relevance to the student's history:
 * next steps of the completed subject weigh most, then next steps of other subjects they study, then the
 * completed subject's neighbours in its category; a subject whose prerequisites the student has studied gains,
 * one they have studied a lot already loses (it is not new), and weak prerequisites are named in the pitch.
 */
export function suggestSubjectsLocally(h: SuggestionHistory, count = 5): SuggestionCandidate[] {
  const completed = SUBJECTS_BY_ID.get(h.completedSubjectId);
  const studied = new Map<string, number>();
  for (const s of h.sessionSubjects) studied.set(s, (studied.get(s) ?? 0) + 1);
  const maxStudied = Math.max(1, ...studied.values());
  const exclude = new Set([...h.exclude, h.completedSubjectId]);
  const score = new Map<string, { base: number; why: string }>();
  const bump = (id: string, base: number, why: string) => {
    if (exclude.has(id) || !SUBJECTS_BY_ID.has(id)) return;
    const prev = score.get(id);
    if (!prev || prev.base < base) score.set(id, { base, why });
  };
  for (const id of completed?.next ?? []) bump(id, 0.7, `the natural next step after ${completed!.name}`);
  for (const [sid] of studied) {
    const s = SUBJECTS_BY_ID.get(sid);
    for (const id of s?.next ?? []) bump(id, 0.45, `it follows ${s!.name}, which you study`);
  }
  if (completed) {
    for (const s of SUBJECT_GRAPH) {
      if (s.category === completed.category)
        bump(s.id, 0.3, `it sits beside ${completed.name} in ${s.category}`);
    }
  }
  // Few candidates (a leaf of the graph): widen to every subject whose prerequisites the student has met.
  if (score.size < count) {
    for (const s of SUBJECT_GRAPH) {
      if (s.prerequisites.some((p) => studied.has(p) || p === h.completedSubjectId))
        bump(s.id, 0.2, `you have studied what it builds on`);
    }
  }
  if (score.size < count)
    for (const s of SUBJECT_GRAPH)
      if (s.prerequisites.length === 0) bump(s.id, 0.1, 'it needs nothing you have not done');

  const out: SuggestionCandidate[] = [];
  for (const [id, { base, why }] of score) {
    const s = SUBJECTS_BY_ID.get(id)!;
    const prereqsMet = s.prerequisites.length
      ? s.prerequisites.filter((p) => studied.has(p) || p === h.completedSubjectId).length /
        s.prerequisites.length
      : 1;
    const familiarity = (studied.get(id) ?? 0) / maxStudied;
    const weakPrereqs = h.mastery
      .filter((m) => s.prerequisites.includes(m.subjectId) && m.mastery < 50)
      .map((m) => m.name);
    const relevance = Math.min(
      1,
      Math.max(0, base + 0.2 * prereqsMet - 0.15 * familiarity - 0.05 * Math.min(weakPrereqs.length, 3)),
    );
    const related = h.mastery
      .filter((m) => s.prerequisites.includes(m.subjectId) || m.subjectId === h.completedSubjectId)
      .sort((a, b) => b.mastery - a.mastery)
      .slice(0, 4)
      .map((m) => m.name);
    out.push({
      subjectId: id,
      subject: s.name,
      description: `${s.name}: ${s.pitch}.`,
      relevance: round2(relevance),
      valueProposition:
        `Suggested because ${why}` +
        (weakPrereqs.length ? `; first firm up ${weakPrereqs.slice(0, 2).join(' and ')}.` : '.'),
      relatedConcepts: related,
    });
  }
  return out
    .sort((a, b) => b.relevance - a.relevance || a.subjectId.localeCompare(b.subjectId))
    .slice(0, count);
}
