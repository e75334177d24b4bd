/**
 * Dialogues as the tutor-move classifier sees them, and the two line formats it reads: Tutorpulse's own
 * (`{"id", "turns": [{"speaker", "text"}]}`, optionally with the problem) and MathDial's (`conversation`
 * turns joined by `|EOM|`, each teacher turn starting with its move label, e.g. `Teacher: (focus)…`).
 */
import { z } from 'zod';

export const MOVES = ['focus', 'probing', 'telling', 'generic'] as const;
export type Move = (typeof MOVES)[number];

export type DialogueTurn = { speaker: 'tutor' | 'student'; text: string };

/** The maths problem behind a dialogue, where known: it lets the classifier see which numbers are results. */
export type ProblemContext = {
  /** The problem statement. */
  question: string;
  /** A worked solution; its last line holds the final answer. */
  solution: string;
};

export type Dialogue = {
  id: string;
  turns: DialogueTurn[];
  context?: ProblemContext;
};

/** A MathDial dialogue: the teacher's own move labels (one per tutor turn, in order) and the outcome. */
export type LabelledDialogue = Dialogue & {
  /** The problem: cross-validation keeps every dialogue of one problem on the same side. */
  qid: string;
  labels: Array<Move | null>;
  /** `self-correctness`: 'Yes' (solved alone), 'Yes, but I had to reveal the answer', 'No'. */
  outcome: string | null;
};

const MAX_TURNS = 5000;
const MAX_TURN_CHARS = 20_000;

export const ZDialogueLine = z.object({
  id: z.string().min(1).max(200),
  turns: z
    .array(
      z.object({
        speaker: z.enum(['tutor', 'student']),
        text: z.string().max(MAX_TURN_CHARS),
      }),
    )
    .min(1)
    .max(MAX_TURNS),
  /** Optional: the problem statement and a worked solution, as in MathDial. */
  question: z.string().max(MAX_TURN_CHARS).optional(),
  solution: z.string().max(MAX_TURN_CHARS).optional(),
});

export const ZMathDialLine = z.object({
  qid: z.union([z.number(), z.string()]),
  question: z.string(),
  ground_truth: z.string(),
  conversation: z.string().min(1),
  'self-correctness': z.string().nullable().optional(),
});

/** Reads Tutorpulse's own line format. Throws a ZodError on a malformed object. */
export function readDialogueLine(value: unknown): Dialogue {
  const d = ZDialogueLine.parse(value);
  const dialogue: Dialogue = { id: d.id, turns: d.turns };
  if (d.question?.trim() && d.solution?.trim())
    dialogue.context = { question: d.question, solution: d.solution };
  return dialogue;
}

const TEACHER = /^\s*Teacher\s*:\s*/;
const LABEL = /^\((focus|probing|telling|generic)\)\s*/;

/**
 * Reads one MathDial line. Its student turns are named after the student ("Mariana: …") or "Student: …":
 * any turn that is not the teacher's is the student's. The move label is stripped from the text: it is the
 * answer, never a feature. `lineNumber` makes the id (`<qid>/<line>`), as several dialogues share a problem.
 */
export function readMathDialLine(value: unknown, lineNumber: number): LabelledDialogue {
  const d = ZMathDialLine.parse(value);
  const turns: DialogueTurn[] = [];
  const labels: Array<Move | null> = [];
  for (const raw of d.conversation.split('|EOM|')) {
    if (raw.trim() === '') continue;
    if (TEACHER.test(raw)) {
      const body = raw.replace(TEACHER, '');
      const m = LABEL.exec(body);
      labels.push(m ? (m[1] as Move) : null);
      turns.push({ speaker: 'tutor', text: m ? body.slice(m[0].length).trim() : body.trim() });
    } else {
      const colon = raw.indexOf(':');
      // A name of up to 40 characters before the colon; otherwise the whole turn is the text.
      const text = colon > 0 && colon <= 40 ? raw.slice(colon + 1) : raw;
      turns.push({ speaker: 'student', text: text.trim() });
    }
  }
  if (!turns.some((t) => t.speaker === 'tutor')) throw new Error('the conversation has no teacher turn');
  const qid = String(d.qid);
  return {
    id: `${qid}/${lineNumber}`,
    qid,
    turns,
    context: { question: d.question, solution: d.ground_truth },
    labels,
    outcome: d['self-correctness'] ?? null,
  };
}
