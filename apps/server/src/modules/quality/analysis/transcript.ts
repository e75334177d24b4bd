/**
 * Reading speaker-labelled transcripts ("Tutor: …" / "Student: …" lines, as the platform sends them) into
 * turns, and clipping long ones to a size an LLM prompt can afford. Tolerates what real exports contain:
 * timestamps ("[00:12:03] Tutor: …"), markdown bold labels, names with roles ("Ana (tutor): …"), one-letter
 * labels ("T:", "S:") and utterances wrapped over several lines.
 */

export type Speaker = 'tutor' | 'student' | 'other';

export type Turn = {
  /** Position among turns, from 0. */
  index: number;
  speaker: Speaker;
  /** The label as written (e.g. "Tutor", "Ana (tutor)"). */
  label: string;
  text: string;
};

export type ParsedTranscript = {
  turns: Turn[];
  /**
   * How speakers were told apart: role words in the labels, inferred (two unnamed speakers: the first to
   * speak is taken to be the tutor), or none (no usable labels).
   */
  speakerMapping: 'labels' | 'inferred' | 'none';
  /** Non-empty lines before the first labelled line (headers, notes). */
  unlabelledLines: number;
};

const TIMESTAMP = String.raw`(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*(?:[-–—|]\s*)?)?`;
// A label: up to 40 characters of name-like text, optionally bold, then a colon and the utterance.
const LINE = new RegExp(
  String.raw`^\s*(?:>\s*)?${TIMESTAMP}(?:\*\*|__)?([A-Za-zÀ-ÿ][\w .'’()\-]{0,39}?)(?:\*\*|__)?\s*[:：](?:\*\*|__)?\s*(.*)$`,
  'u',
);

const TUTOR_WORDS = /\b(tutor|teacher|instructor|coach|mentor)\b/i;
const STUDENT_WORDS = /\b(student|learner|pupil|tutee)\b/i;
const OTHER_WORDS = /\b(parent|mom|mum|dad|father|mother|guardian|system|narrator|moderator|host|bot)\b/i;

function roleOf(label: string): Speaker | null {
  const l = label.trim().toLowerCase();
  if (l === 't') return 'tutor';
  if (l === 's') return 'student';
  if (TUTOR_WORDS.test(l)) return 'tutor';
  if (STUDENT_WORDS.test(l)) return 'student';
  if (OTHER_WORDS.test(l)) return 'other';
  return null;
}

/** Splits a transcript into speaker turns. Pure and deterministic. */
export function parseTranscript(text: string): ParsedTranscript {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const raw: Array<{ label: string | null; text: string }> = [];
  const labelCounts = new Map<string, number>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line);
    if (m) {
      const label = (m[1] ?? '').trim();
      raw.push({ label, text: (m[2] ?? '').trim() });
      labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
    } else {
      raw.push({ label: null, text: line.trim() });
    }
  }

  // A "label" is a speaker if it names a role or recurs; "Note: …" once in the middle of a line is text.
  const roles = new Map<string, Speaker>();
  const unknown: string[] = [];
  for (const [label, count] of labelCounts) {
    const role = roleOf(label);
    if (role) roles.set(label, role);
    else if (count >= 2 && label.split(/\s+/).length <= 3) unknown.push(label);
  }
  let speakerMapping: ParsedTranscript['speakerMapping'] = roles.size > 0 ? 'labels' : 'none';
  if (unknown.length > 0) {
    const known = new Set(roles.values());
    const order = raw.filter((r) => r.label && unknown.includes(r.label)).map((r) => r.label as string);
    const firstSeen = [...new Set(order)];
    if (roles.size === 0 && firstSeen.length === 2) {
      // Two named speakers and nothing else: the tutor usually opens the session.
      roles.set(firstSeen[0] as string, 'tutor');
      roles.set(firstSeen[1] as string, 'student');
      speakerMapping = 'inferred';
    } else if (firstSeen.length === 1 && known.has('tutor') !== known.has('student')) {
      roles.set(firstSeen[0] as string, known.has('tutor') ? 'student' : 'tutor');
      speakerMapping = 'inferred';
    } else {
      for (const label of firstSeen) roles.set(label, 'other');
    }
  }

  const turns: Turn[] = [];
  let unlabelledLines = 0;
  for (const r of raw) {
    const role = r.label !== null ? roles.get(r.label) : undefined;
    if (role && r.label !== null) {
      turns.push({ index: turns.length, speaker: role, label: r.label, text: r.text });
      continue;
    }
    // Not a speaker line: the previous utterance continues (wrapped text), or a header before any turn.
    const content = r.label !== null ? `${r.label}: ${r.text}` : r.text;
    const last = turns[turns.length - 1];
    if (last) last.text = last.text ? `${last.text} ${content}` : content;
    else unlabelledLines++;
  }
  const kept = turns.filter((t) => t.text.length > 0).map((t, index) => ({ ...t, index }));
  return { turns: kept, speakerMapping: kept.length > 0 ? speakerMapping : 'none', unlabelledLines };
}

export type ClippedText = { text: string; truncated: boolean; omittedChars: number; omittedLines: number };

/**
 * Keeps a text within `maxChars`: the opening (rapport, goals) and the close (wrap-up, checks for
 * understanding) matter most for quality, so it keeps about 70 % from the start and 30 % from the end, cut
 * at line boundaries, with a marker line saying how much was left out.
 */
export function clipTranscript(text: string, maxChars: number): ClippedText {
  if (text.length <= maxChars) return { text, truncated: false, omittedChars: 0, omittedLines: 0 };
  const lines = text.split('\n');
  const headBudget = Math.floor(maxChars * 0.7);
  const tailBudget = maxChars - headBudget - 80; // room for the marker
  const head: string[] = [];
  let used = 0;
  let i = 0;
  for (; i < lines.length; i++) {
    const len = (lines[i] as string).length + 1;
    if (used + len > headBudget) break;
    head.push(lines[i] as string);
    used += len;
  }
  const tail: string[] = [];
  let tailUsed = 0;
  let j = lines.length - 1;
  for (; j >= i; j--) {
    const len = (lines[j] as string).length + 1;
    if (tailUsed + len > tailBudget) break;
    tail.unshift(lines[j] as string);
    tailUsed += len;
  }
  if (head.length === 0 && tail.length === 0) {
    // One enormous line: cut characters instead.
    const start = text.slice(0, headBudget);
    const end = text.slice(text.length - tailBudget);
    const omitted = text.length - start.length - end.length;
    return {
      text: `${start}\n[… ${omitted} characters omitted …]\n${end}`,
      truncated: true,
      omittedChars: omitted,
      omittedLines: 0,
    };
  }
  const omittedLines = j - i + 1;
  const omittedChars = text.length - used - tailUsed;
  return {
    text: [...head, `[… ${omittedLines} lines (${omittedChars} characters) omitted …]`, ...tail].join('\n'),
    truncated: true,
    omittedChars,
    omittedLines,
  };
}
