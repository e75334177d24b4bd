/**
 * The offline analyzer, the local answer of the session-analysis AI task (analysis.task.ts): deterministic
 * rules over a speaker-labelled transcript, with wink-nlp (English lite model, shipped inside its npm package, loaded once on first use) for sentence
 * splitting, word counts and lexicon sentiment. Used when no LLM is configured and whenever the LLM fails.
 *
 * What it measures (all reported in `metrics`, with quotes in `evidence`):
 * - talk-time shares (words per speaker), tutor questions split into open / closed / other (problem
 *   statements), how often the tutor gives the answer away after a student's turn instead of guiding with a
 *   question, student reasoning turns, student questions and requests for explanation left unanswered;
 * - warmth cues (encouragement, validation, patience, rapport) against harsh ones (dismissing "why",
 *   curt "No." / "Wrong.");
 * - clarity cues (explanations, structure, checks for understanding, sentence length);
 * - red flags with the quoted line: insults or profanity, harassment, exchange of contact details, off-platform
 *   payment, long monologues, a distracted tutor, student distress or self-harm.
 *
 * Scores (0–100) are documented formulas of those measures (see `scoreTranscript`); the quality score is
 *   quality = 0.35·guidance + 0.25·engagement + 0.20·clarity + 0.20·empathy − red-flag penalty.
 * With only a summary, keyword cues and sentiment give a coarser analysis (`source: 'summary'`, lower
 * confidence). Calibrated on the demo generator's guiding / telling / curt transcripts (local-analyzer.test.ts).
 */
import { AiProviderError } from '../../../platform/ai/port';
import {
  clipQuote,
  engagementLevel,
  MAX_EVIDENCE,
  MAX_QUOTE_CHARS,
  QUALITY_WEIGHTS,
  type AnalysisResult,
  type Evidence,
  type RedFlag,
  type RedFlagType,
  type AnalyzeSessionInput,
} from './analysis.schema';
import { parseTranscript, type ParsedTranscript, type Speaker, type Turn } from './transcript';
import { qualityWithGuidance, type SessionMoves } from '../moves/session-moves';

/** The move classifier, imported on first use (it loads wink-nlp's model and moves-model.json). */
type MoveLabeller = (parsed: ParsedTranscript) => SessionMoves;
let movesLoading: Promise<MoveLabeller> | null = null;
/** Loads the move classifier and its model now (workers call it at start, like loadNlp). */
export async function preloadMoveClassifier(): Promise<void> {
  const m = await import('../moves/classify-transcript');
  m.getMoveClassifier();
}
export function loadMoveLabeller(): Promise<MoveLabeller> {
  movesLoading ??= import('../moves/classify-transcript').then(
    (m) => (p: ParsedTranscript) => m.labelTranscriptMoves(p),
  );
  movesLoading.catch(() => {
    movesLoading = null;
  });
  return movesLoading;
}

export const LOCAL_MODEL = 'tutorpulse-local-v1';

export { QUALITY_WEIGHTS } from './analysis.schema';

/** Points taken off the quality score per red flag kind present (total capped at RED_FLAG_PENALTY_CAP). */
export const RED_FLAG_PENALTIES: Record<RedFlagType, number> = {
  harassment: 40,
  inappropriate_language: 25,
  off_platform_payment: 20,
  personal_contact: 15,
  tutor_distracted: 10,
  long_monologue: 8,
  // The student's state is not held against the tutor; it is flagged so a human looks.
  student_distress: 0,
  self_harm_risk: 0,
};
export const RED_FLAG_PENALTY_CAP = 50;

/** Points off the quality score for the red flags present (each kind once, capped); both providers use it. */
export function redFlagPenaltyOf(redFlags: Array<{ type: string }>): number {
  return Math.min(
    RED_FLAG_PENALTY_CAP,
    [...new Set(redFlags.map((f) => f.type))].reduce(
      (n, t) => n + (RED_FLAG_PENALTIES[t as RedFlagType] ?? 10),
      0,
    ),
  );
}

export type LocalAnalyzerOptions = {
  /** A student turn with a reasoning marker and at least this many words counts as reasoning. */
  minReasoningWords?: number;
  /** Tutor words without the student speaking that make a long monologue (~2 minutes of speech). */
  monologueWords?: number;
};

// ---------------------------------------------------------------------------------------------------------
// NLP: wink-nlp with its English lite model, loaded once, lazily (≈100 ms), never downloaded.

type WinkSentence = {
  out(): string;
  out(f: unknown): unknown;
  tokens(): { out(f: unknown): unknown };
};
type WinkDoc = { sentences(): { each(cb: (s: WinkSentence) => void): void } };
type Nlp = { readDoc(text: string): WinkDoc; its: { sentiment: unknown; type: unknown } };

let nlpLoading: Promise<Nlp> | null = null;

export function loadNlp(): Promise<Nlp> {
  nlpLoading ??= (async () => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([
      import('wink-nlp'),
      import('wink-eng-lite-web-model'),
    ]);
    return winkNLP(model, ['sbd', 'negation', 'sentiment']) as unknown as Nlp;
  })();
  nlpLoading.catch(() => {
    nlpLoading = null; // let a later call try again
  });
  return nlpLoading;
}

const NON_WORD_TOKENS = new Set(['punctuation', 'symbol', 'tabCRLF', 'emoji', 'emoticon']);

type Sentence = { text: string; words: number; sentiment: number };

function readSentences(nlp: Nlp, text: string): Sentence[] {
  const out: Sentence[] = [];
  nlp
    .readDoc(text)
    .sentences()
    .each((s) => {
      const types = s.tokens().out(nlp.its.type) as string[];
      out.push({
        text: s.out().trim(),
        words: types.filter((t) => !NON_WORD_TOKENS.has(t)).length,
        sentiment: Number(s.out(nlp.its.sentiment)) || 0,
      });
    });
  return out.filter((s) => s.text.length > 0);
}

// ---------------------------------------------------------------------------------------------------------
// Cues. Patterns run on lower-cased text with curly quotes straightened.

const norm = (s: string) => s.toLowerCase().replace(/[‘’`]/g, "'").replace(/[“”]/g, '"');

/** Leading discourse markers ("Okay, so …") removed before looking at how a question starts. */
const LEADING_FILLER =
  /^(?:(?:so|and|okay|ok|now|alright|all right|hmm+|um+|well|right|great|good|nice|interesting|then|but)[,.!]?\s+)+/;
const HAS_MATH = /\d|[=+×÷^²³√]|\b[xy]\b/;

const OPEN_PROMPTS = [
  /\b(walk|talk) me through\b/,
  /\bexplain\b/,
  /\bdescribe\b/,
  /\bin your own words\b/,
  /\btell me (about|how|why|what|more)\b/,
  /\bwhat (do|did|would|could|should|might|can) you\b/,
  /\bwhat (made|makes|happens|happened|if|else|has to|have to|is the (idea|reason|difference|pattern))\b/,
  /\bhow (do|did|would|could|can|might|should|will) (you|we)\b/,
  /\bhow (come|so)\b/,
  /\bwhy (do|did|does|is|would|might|could|does that|is that)\b/,
  /^why\b/,
  /\bwhere (would|could|should|do) you\b/,
  /\bwhat do you (notice|think|see|remember)\b/,
];
const CLOSED_START =
  /^(is|are|am|was|were|do|does|did|can|could|will|would|should|shall|may|have|has|had|isn't|aren't|don't|doesn't|didn't|can't|won't|wouldn't|couldn't|got it|ready)\b/;
const TAG_QUESTION =
  /\b(right|ok|okay|got it|make sense|makes sense|yes|yeah|correct|clear|you know|yes or no)\?$/;

export type QuestionKind = 'open' | 'closed' | 'other';

/** Is this sentence a question (or an open prompt such as "Walk me through it."), and of which kind? */
export function classifyQuestion(sentence: string): QuestionKind | null {
  const s = norm(sentence).trim();
  const asked = s.endsWith('?');
  const core = s.replace(/^[^:]{0,20}:\s+/, '').replace(LEADING_FILLER, '');
  const isOpenPrompt = OPEN_PROMPTS.some((p) => p.test(core));
  if (!asked && !(isOpenPrompt && !s.endsWith('!'))) return null;
  if (isOpenPrompt && !HAS_MATH.test(core)) return 'open';
  if (TAG_QUESTION.test(core) || CLOSED_START.test(core)) return 'closed';
  if (/^(what|how|why)\b/.test(core) && !HAS_MATH.test(core)) return 'open';
  if (isOpenPrompt) return 'open';
  // A short declarative with a question mark ("So 12?") asks for a yes or no.
  if (core.split(/\s+/).length <= 4 && !/^(what|how|why|which|where|when|who)\b/.test(core)) return 'closed';
  // Problem statements and factual questions ("What is 3/4 + 1/8?").
  return 'other';
}

const ACKNOWLEDGEMENT =
  /^(yes|yeah|yep|right|exactly|correct|good|great|nice|perfect|awesome|excellent|well done|love it|that's it|that's right|you got it|okay|ok|sure|cool|wow|interesting|hmm+|thanks|thank you|no worries|sounds good|alright|all right|see you|bye|sorry|hi|hello|hey)\b/;
const EXPLICIT_GIVEAWAY =
  /\b(the (correct |right |final )?answer (is|was|would be)|the answer's|answer: |the solution is|it'?s just (?!how\b|the rule\b|like\b)|(just|simply) (use|do|multiply|divide|add|subtract|plug|put|write|pick|choose|copy)\b)/;
const GUIDING_WORDS = /\b(let's|let us|try|think|notice|look at|what|how|why|remember when|imagine)\b/;
const DISMISSIVE = [
  /\bjust how it works\b/,
  /\bdon'?t worry about (why|it|that)\b/,
  /\bjust (remember|memori[sz]e)\b/,
  /\bmemori[sz]e (it|this|that|the)\b/,
  /\bit'?s (just )?the rule\b/,
  /\b(it'?s )?in your notes\b/,
  /\bas i (said|told you)\b/,
  /\bi (already|just) (told|explained|said)\b/,
  /\bobviously\b/,
  /\bpay attention\b/,
  /\bfigure it out (yourself|on your own)\b/,
  /\bwe don'?t have time\b/,
  /\bhurry up\b/,
  /(^|[.!?]\s*)next\.\s*$/,
];
const CURT_REJECTION =
  /^(no|nope|wrong|incorrect|that's not it|that is not it|not quite|not right|that's wrong)[.!]*$/;

const ENCOURAGEMENT =
  /\b(great|nice|excellent|awesome|perfect|well done|good (job|work|thinking|question|start|effort)|nice (work|job)|great (work|job|thinking)|love (it|that|how)|exactly|you got it|you did (it|that)|proud|impressive|that matters|brilliant|keep it up|you'?re getting|much better|good to hear)\b/;
const VALIDATION =
  /\b(that makes sense|makes sense|a lot of (students|people)|many students|it'?s (okay|ok|normal|fine|alright) to|no worries|good question|great question|thanks for (telling|sharing|asking)|i understand|i hear you|understandable|that'?s (okay|ok|fine)\b|mistakes are|everyone (finds|struggles|gets))\b/;
const PATIENCE =
  /\b(take your time|no rush|together|one step at a time|let'?s break|step by step|i'?ll wait|whenever you'?re ready|try again|let'?s (look|check|try|go back)|we'?ll (look|go|work))\b/;
const RAPPORT =
  /\b(great to meet you|nice to meet you|how (did|was) (the |your )?(homework|quiz|test|week|day|exam)|what (would you like|felt hardest|are your goals)|sorry (i'?m|for being) (a few minutes )?late|how are you)\b/;

const EXPLANATION =
  /\b(because|since|that means|which means|so that|the reason|for example|for instance|e\.g\.|imagine|think of|picture|like when|in other words|notice (how|that)|the idea is|the key)\b/;
const STRUCTURE =
  /\b(first|second|then|next|step|finally|let'?s start|start with|here'?s one|try this|one more|another|before we wrap up|to finish)\b/;
const CHECKS =
  /\b(does that make sense|make sense\?|any questions|what questions|can you explain|explain (it |that |this )?(back|why)|in your own words|how (could|would|can|will) you (check|know)|how would you know|what would you tell|summari[sz]e|walk me through|why does that work|why is that|what makes that|talk me through)\b/;

const REASONING =
  /\b(because|since|so|that means|which means|therefore|i think|i noticed|first\b.*\bthen|if\b.*\bthen|that'?s why|the reason|has to|have to|otherwise)\b/;
const EXPLANATION_REQUEST =
  /\b(why|explain|show me|what did i do wrong|how do (you|we|i)|i (still )?don'?t (get|understand))\b/;
const CONFUSION = /\b(i (still )?don'?t (get|understand)|confused|i'?m lost|no idea|i guess\b)/;
const HESITATION = /^(um+|uh+|hmm+|er+)\b/;
/** Student turns that close or merely acknowledge ("Okay.", "Thanks, bye") don't call for an answer. */
const STUDENT_ACK_ONLY =
  /^(ok|okay|sure|yes|yeah|yep|thanks|thank you|bye|got it|alright|cool)\b[\s\w,.!']{0,20}$/;

// Red flags, with who must have said it.
const EMAIL = /[\w.+-]+@[\w-]+\.[a-z]{2,}/i;
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b|\+\d{10,13}\b/;
const CONTACT_PHRASES = [
  /\b(text|call|whatsapp|message|dm|email|e-mail) me\b/,
  /\bmy (cell|number|phone( number)?|email|e-mail|address|snap|insta|instagram|handle|username|discord|whatsapp) is\b/,
  /\b(give|send|tell) me your (number|phone|email|e-mail|address|snap|insta|instagram|handle)\b/,
  /\bwhat'?s your (number|phone|email|snap|snapchat|insta|instagram|handle|discord)\b/,
  /\b(add|follow|find) me on (instagram|insta|snapchat|snap|tiktok|facebook|discord|whatsapp|telegram|twitter|x)\b/,
];
const HANDLE = /(^|\s)@[a-z0-9_.]{3,}\b/i;
const PAYMENT = [
  /\b(venmo|zelle|paypal|cash ?app|western union)\b/,
  /\bpay (me )?(directly|privately|in cash|outside|off)\b/,
  /\b(off|outside( of)?) (the )?(platform|app|site|website)\b.*\b(pay|book|lessons?|sessions?|cheaper|rate)\b/,
  /\b(pay|book|lessons?|sessions?|cheaper|rate)\b.*\b(off|outside( of)?) (the )?(platform|app|site|website)\b/,
  /\b(book|schedule) (me |with me )?directly\b/,
  /\b(skip|avoid|save) (the )?(platform'?s? )?fees?\b/,
];
const PROFANITY = /\b(fuck\w*|shit\w*|bitch\w*|bastard|asshole|goddamn\w*|damn it|wtf|piss(ed)? off|crap)\b/;
const INSULT = [
  /\b(you'?re|you are|are you|that'?s|that is|so|how) (so |really |just |being |such an? )?(stupid|dumb|an idiot|idiot|moron|useless|hopeless|pathetic|lazy|slow)\b/,
  /\b(shut up|idiot|moron|loser|dumbass|retard\w*)\b/,
];
const INSULT_NEGATED = /\b(no|not|never|isn'?t|aren'?t|nothing)\b[^.?!]{0,25}\b(stupid|dumb|silly|idiot)\b/;
const HARASSMENT = [
  /\byou'?re (so |really )?(cute|hot|pretty|beautiful|sexy|attractive|gorgeous)\b/,
  /\b(are you single|do you have a (boyfriend|girlfriend))\b/,
  /\bsend (me )?(a |your )?(pic|pics|photo|photos|picture|selfie)\b/,
  /\bour (little )?secret\b/,
  /\bdon'?t tell (your )?(parents|mom|mum|dad|anyone|teacher)\b/,
  /\b(go out|a date) with me\b/,
  /\bmeet (up )?(in person|after (class|school|this)|alone)\b/,
];
const DISTRACTED = [
  /\b(hold on|hang on|one (sec|second|moment)),? (i (need|have|gotta) to|let me) (take|answer|get|grab|check)\b/,
  /\b(on|take|taking) (another|a) call\b/,
  /\bi'?m (driving|in the car|on my phone|on the phone|cooking)\b/,
  /\bsorry,? (my phone|i was (texting|on my phone|distracted|not listening))\b/,
  /\bwhat were we (doing|talking about)\b/,
  /\bi wasn'?t (listening|paying attention)\b/,
  /\b(brb|be right back)\b/,
  /\blet me (just )?(reply|respond|answer) (to )?(this|a) (text|message|call|email)\b/,
];
const DISTRESS = [
  /\bi (want to|could|am going to) cry\b/,
  /\bi'?m (crying|so stressed|stressed out|so anxious|really anxious|scared|overwhelmed|panicking|freaking out)\b/,
  /\bi (hate|can'?t stand) (myself|this|school|math)\b/,
  /\bi give up\b/,
  /\bi can'?t do (this|it|anything)( anymore)?\b/,
  /\bi'?m (so |such an? )?(stupid|dumb|an idiot|hopeless|useless|worthless)\b/,
  /\bi feel (so )?(stupid|dumb|hopeless|useless|worthless)\b/,
  /\bmy (parents|mom|mum|dad) (will|are going to|is going to) (kill|be so mad|be furious)\b/,
];
const SELF_HARM = [
  /\b(kill|hurt|cut) myself\b/,
  /\b(want|wanted) to die\b/,
  /\bend it all\b/,
  /\bdon'?t want to (live|be alive|be here anymore)\b/,
  /\bsuicid\w*/,
  /\bself[- ]harm\w*/,
];

const anyOf = (patterns: RegExp[], text: string) => patterns.some((p) => p.test(text));

// ---------------------------------------------------------------------------------------------------------
// Measuring a transcript

type TurnFacts = Turn & { sentences: Sentence[]; words: number; lower: string };

export type TranscriptMetrics = {
  turns: number;
  tutorTurns: number;
  studentTurns: number;
  words: { tutor: number; student: number; other: number };
  talkShare: { tutor: number; student: number; other: number };
  questions: { open: number; closed: number; other: number };
  answerGiveaways: number;
  guidingResponses: number;
  studentReasoningTurns: number;
  studentQuestions: number;
  explanationRequests: number;
  unansweredRequests: number;
  encouragement: number;
  validation: number;
  patience: number;
  rapport: number;
  dismissive: number;
  curtReplies: number;
  checksForUnderstanding: number;
  explanations: number;
  structure: number;
  minimalStudentTurns: number;
  avgTutorSentenceWords: number;
  avgStudentTurnWords: number;
  longestTutorRunWords: number;
  endsConfused: boolean;
  sentiment: { tutor: number | null; student: number | null; overall: number | null };
};

/** A student turn that asks, attempts, hesitates or says they are stuck: the tutor's next move matters. */
function callsForAnswer(t: TurnFacts): boolean {
  const l = t.lower.trim();
  if (l.includes('?') || EXPLANATION_REQUEST.test(l) || CONFUSION.test(l) || HESITATION.test(l)) return true;
  return t.words >= 3 && !STUDENT_ACK_ONLY.test(l);
}

/** The line to quote: the whole turn when it is short enough, else the sentence that matched. */
function quoteFrom(t: TurnFacts, test: (text: string) => boolean): string {
  if (t.text.length <= MAX_QUOTE_CHARS) return t.text;
  return t.sentences.find((s) => test(s.text))?.text ?? t.text;
}

type Found = { label: string; quote: string; speaker: Speaker; priority: number };

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
const clamp = (v: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, v));
const sat = (value: number, target: number) => (target <= 0 ? 1 : Math.min(1, Math.max(0, value / target)));
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const numbersIn = (s: string) => s.match(/\d+(?:[./]\d+)?/g) ?? [];

/** Measures a parsed transcript: counts, shares, cues, red flags and candidate evidence. */
export function measureTranscript(
  parsed: ParsedTranscript,
  nlp: Nlp,
  opts: Required<LocalAnalyzerOptions>,
): { m: TranscriptMetrics; redFlags: RedFlag[]; evidence: Found[] } {
  const turns: TurnFacts[] = parsed.turns.map((t) => {
    const sentences = readSentences(nlp, t.text);
    return { ...t, sentences, words: sentences.reduce((n, s) => n + s.words, 0), lower: norm(t.text) };
  });
  const m: TranscriptMetrics = {
    turns: turns.length,
    tutorTurns: 0,
    studentTurns: 0,
    words: { tutor: 0, student: 0, other: 0 },
    talkShare: { tutor: 0, student: 0, other: 0 },
    questions: { open: 0, closed: 0, other: 0 },
    answerGiveaways: 0,
    guidingResponses: 0,
    studentReasoningTurns: 0,
    studentQuestions: 0,
    explanationRequests: 0,
    unansweredRequests: 0,
    encouragement: 0,
    validation: 0,
    patience: 0,
    rapport: 0,
    dismissive: 0,
    curtReplies: 0,
    checksForUnderstanding: 0,
    explanations: 0,
    structure: 0,
    minimalStudentTurns: 0,
    avgTutorSentenceWords: 0,
    avgStudentTurnWords: 0,
    longestTutorRunWords: 0,
    endsConfused: false,
    sentiment: { tutor: null, student: null, overall: null },
  };
  const found: Found[] = [];
  const flagHits = new Map<
    RedFlagType,
    { quote: string; speaker: Speaker; speakers: Set<Speaker>; count: number }
  >();
  const hit = (type: RedFlagType, quote: string, speaker: Speaker) => {
    const prev = flagHits.get(type);
    if (prev) {
      prev.count++;
      prev.speakers.add(speaker);
    } else flagHits.set(type, { quote, speaker, speakers: new Set([speaker]), count: 1 });
  };
  const sentimentBy: Record<Speaker, number[]> = { tutor: [], student: [], other: [] };
  const tutorSentenceWords: number[] = [];
  let run = 0;

  turns.forEach((t, i) => {
    m.words[t.speaker] += t.words;
    for (const s of t.sentences) sentimentBy[t.speaker].push(s.sentiment);
    const prev = i > 0 ? turns[i - 1] : undefined;
    const next = turns[i + 1];
    if (t.speaker === 'tutor') run += t.words;
    else run = 0;
    m.longestTutorRunWords = Math.max(m.longestTutorRunWords, run);
    if (run >= opts.monologueWords && (next?.speaker !== 'tutor' || !next)) {
      hit('long_monologue', `${t.text.split(/\s+/).slice(0, 25).join(' ')} …`, 'tutor');
    }

    // Contact details: from either side, they should not be exchanged on a tutoring platform. Checked on the
    // whole turn: sentence splitting can cut an address or a handle ("@mr.tutor") in two.
    const isContact = (x: string) =>
      EMAIL.test(x) || PHONE.test(x) || HANDLE.test(x) || anyOf(CONTACT_PHRASES, norm(x));
    if (isContact(t.text)) hit('personal_contact', quoteFrom(t, isContact), t.speaker);

    if (t.speaker === 'tutor') {
      m.tutorTurns++;
      for (const s of t.sentences) tutorSentenceWords.push(s.words);
      const kinds = t.sentences.map((s) => classifyQuestion(s.text));
      for (const [k, kind] of kinds.entries()) {
        if (!kind) continue;
        m.questions[kind]++;
        if (kind === 'open' && found.filter((f) => f.label === 'Open question').length < 2) {
          found.push({ label: 'Open question', quote: t.sentences[k]!.text, speaker: 'tutor', priority: 5 });
        }
      }
      const asksAnything = kinds.some((k) => k !== null);
      // Guiding means asking the student something; reading out the next problem is not.
      const asksBack = kinds.some((k) => k === 'open' || k === 'closed');
      const firstSentence = t.sentences[0]?.text ?? '';
      const first = norm(firstSentence);

      const isDismissive = anyOf(DISMISSIVE, t.lower);
      const isCurt = t.sentences.length <= 2 && CURT_REJECTION.test(first) && !asksAnything;
      if (isDismissive) {
        m.dismissive++;
        found.push({ label: 'Dismisses the question', quote: t.text, speaker: 'tutor', priority: 3 });
      }
      if (isCurt) {
        m.curtReplies++;
        found.push({ label: 'Curt reply', quote: t.text, speaker: 'tutor', priority: 4 });
      }

      // Answer given away: after the student spoke, the tutor states the result instead of asking back.
      if (prev?.speaker === 'student' && callsForAnswer(prev)) {
        const explicit = EXPLICIT_GIVEAWAY.test(t.lower);
        const priorNumbers = new Set(numbersIn(prev.lower));
        const firstNumbers = numbersIn(first);
        const confirmsStudent = firstNumbers.length > 0 && firstNumbers.every((n) => priorNumbers.has(n));
        const bare =
          !asksAnything &&
          !ENCOURAGEMENT.test(first) &&
          !isCurt &&
          !ACKNOWLEDGEMENT.test(first) &&
          !confirmsStudent &&
          !(isDismissive && !HAS_MATH.test(first)) &&
          (/^(it'?s|it is|that'?s|that is)\b/.test(first) ||
            HAS_MATH.test(first) ||
            (t.sentences[0]?.words ?? 0) <= 6) &&
          !GUIDING_WORDS.test(first);
        if (explicit || bare) {
          m.answerGiveaways++;
          found.push({ label: 'Gives the answer away', quote: t.text, speaker: 'tutor', priority: 2 });
        } else if (asksBack) {
          m.guidingResponses++;
        }
        if (EXPLANATION_REQUEST.test(prev.lower)) {
          const explains =
            asksBack || EXPLANATION.test(t.lower) || (GUIDING_WORDS.test(t.lower) && !isDismissive);
          if (!explains) {
            m.unansweredRequests++;
            found.push({
              label: 'Student asks for help; the tutor does not explain',
              quote: prev.text,
              speaker: 'student',
              priority: 3,
            });
          }
        }
      }

      if (ENCOURAGEMENT.test(t.lower)) {
        m.encouragement++;
        if (!found.some((f) => f.label === 'Encouragement'))
          found.push({ label: 'Encouragement', quote: t.text, speaker: 'tutor', priority: 6 });
      }
      if (VALIDATION.test(t.lower)) m.validation++;
      if (PATIENCE.test(t.lower)) m.patience++;
      if (RAPPORT.test(t.lower)) m.rapport++;
      if (EXPLANATION.test(t.lower)) m.explanations++;
      if (STRUCTURE.test(t.lower)) m.structure++;
      if (CHECKS.test(t.lower)) {
        m.checksForUnderstanding++;
        if (!found.some((f) => f.label === 'Checks understanding'))
          found.push({ label: 'Checks understanding', quote: t.text, speaker: 'tutor', priority: 6 });
      }

      const insulting = (x: string) =>
        (PROFANITY.test(norm(x)) || anyOf(INSULT, norm(x))) && !INSULT_NEGATED.test(norm(x));
      const checks: Array<[RedFlagType, (x: string) => boolean]> = [
        ['inappropriate_language', insulting],
        ['harassment', (x) => anyOf(HARASSMENT, norm(x))],
        ['off_platform_payment', (x) => anyOf(PAYMENT, norm(x))],
        ['tutor_distracted', (x) => anyOf(DISTRACTED, norm(x))],
      ];
      for (const [type, test] of checks) {
        if (t.sentences.some((s) => test(s.text))) hit(type, quoteFrom(t, test), 'tutor');
      }
    } else if (t.speaker === 'student') {
      m.studentTurns++;
      if (t.words <= 2) m.minimalStudentTurns++;
      m.studentQuestions += t.sentences.filter((s) => s.text.trim().endsWith('?')).length;
      if (EXPLANATION_REQUEST.test(t.lower)) m.explanationRequests++;
      if ((REASONING.test(t.lower) && t.words >= opts.minReasoningWords) || t.words >= 20) {
        m.studentReasoningTurns++;
        if (!found.some((f) => f.label === 'Student explains their reasoning'))
          found.push({
            label: 'Student explains their reasoning',
            quote: t.text,
            speaker: 'student',
            priority: 5,
          });
      }
      const selfHarm = (x: string) => anyOf(SELF_HARM, norm(x));
      const distress = (x: string) => anyOf(DISTRESS, norm(x));
      if (t.sentences.some((s) => selfHarm(s.text))) hit('self_harm_risk', quoteFrom(t, selfHarm), 'student');
      else if (t.sentences.some((s) => distress(s.text)))
        hit('student_distress', quoteFrom(t, distress), 'student');
    }
  });

  const lastStudent = [...turns].reverse().find((t) => t.speaker === 'student');
  m.endsConfused = lastStudent ? CONFUSION.test(lastStudent.lower) : false;
  const totalWords = m.words.tutor + m.words.student + m.words.other;
  if (totalWords > 0) {
    m.talkShare = {
      tutor: m.words.tutor / totalWords,
      student: m.words.student / totalWords,
      other: m.words.other / totalWords,
    };
  }
  m.avgTutorSentenceWords = mean(tutorSentenceWords) ?? 0;
  m.avgStudentTurnWords = m.studentTurns > 0 ? m.words.student / m.studentTurns : 0;
  m.sentiment = {
    tutor: mean(sentimentBy.tutor),
    student: mean(sentimentBy.student),
    overall: mean([...sentimentBy.tutor, ...sentimentBy.student, ...sentimentBy.other]),
  };

  const redFlags: RedFlag[] = [];
  for (const [type, h] of flagHits) {
    const who =
      h.speakers.size > 1
        ? 'Both the tutor and the student'
        : h.speaker === 'tutor'
          ? 'The tutor'
          : h.speaker === 'student'
            ? 'The student'
            : 'A participant';
    const times = h.count > 1 ? ` (${h.count} times)` : '';
    redFlags.push({ type, description: `${who} ${RED_FLAG_TEXT[type]}${times}.`, quote: clipQuote(h.quote) });
    found.push({
      label: `Red flag: ${type.replace(/_/g, ' ')}`,
      quote: h.quote,
      speaker: h.speaker,
      priority: 1,
    });
  }
  return { m, redFlags, evidence: found };
}

const RED_FLAG_TEXT: Record<RedFlagType, string> = {
  inappropriate_language: 'used insulting or profane language',
  harassment: 'made personal or secretive remarks that are a safeguarding concern',
  personal_contact: 'shared or asked for personal contact details (phone, e-mail or social media)',
  off_platform_payment: 'asked for payment or bookings outside the platform',
  long_monologue: 'talked for a long stretch without involving the student',
  tutor_distracted: 'appeared distracted (phone, another call, not listening)',
  student_distress: 'expressed distress or wanting to give up',
  self_harm_risk: 'mentioned hurting themselves: follow the safeguarding procedure',
};

// ---------------------------------------------------------------------------------------------------------
// Scoring (pure functions of the measures)

export type TranscriptScores = {
  guidance: number;
  engagement: number;
  clarity: number;
  empathy: number;
  redFlagPenalty: number;
  quality: number;
};

/**
 * The documented formulas. Rates are per tutor (or student) turn so that long and short sessions compare;
 * `sat(x, target)` is x/target capped at 1.
 * - guidance   = 100·(0.40·(1 − giveaway share) + 0.35·sat(open questions per tutor turn, 0.4)
 *                     + 0.25·sat(reasoning turns per student turn, 0.35)); giveaway share = giveaways /
 *                (giveaways + guiding responses), 0.5 when the tutor never answered a student turn.
 * - engagement = 100·(0.30·sat(student talk share, 0.4) + 0.35·sat(reasoning rate, 0.35)
 *                     + 0.20·sat(words per student turn, 10) + 0.15·sat(student turns, 6))
 *                − 15·(minimal "ok"/"bye" turns share) − 10 if the student ends confused.
 * - clarity    = 35 + 30·sat(checks per tutor turn, 0.25) + 20·sat(explanations per tutor turn, 0.2)
 *                + 10·sat(structure per tutor turn, 0.2) − 35·(unanswered share of help requests)
 *                − 25·sat(curt replies per tutor turn, 0.3) − 1.5·(average sentence words above 25).
 * - empathy    = 50 + 40·sat(warm turns per tutor turn, 0.5) − 45·sat(harsh turns per tutor turn, 0.4)
 *                + 10·tutor sentiment − 40 if the tutor insulted or harassed; warm = encouragement +
 *                validation + patience + rapport, harsh = dismissive + curt + ½·unanswered requests.
 * - quality    = 0.35·guidance + 0.25·engagement + 0.20·clarity + 0.20·empathy − red-flag penalty
 *                (RED_FLAG_PENALTIES per kind present, capped at 50).
 */
export function scoreTranscript(m: TranscriptMetrics, redFlags: RedFlag[]): TranscriptScores {
  const tutorTurns = Math.max(1, m.tutorTurns);
  const studentTurns = Math.max(1, m.studentTurns);
  const answered = m.answerGiveaways + m.guidingResponses;
  const giveawayShare = answered > 0 ? m.answerGiveaways / answered : 0.5;
  const reasoningRate = m.studentReasoningTurns / studentTurns;

  const guidance =
    100 *
    (0.4 * (1 - giveawayShare) +
      0.35 * sat(m.questions.open / tutorTurns, 0.4) +
      0.25 * sat(reasoningRate, 0.35));

  const engagement =
    100 *
      (0.3 * sat(m.talkShare.student, 0.4) +
        0.35 * sat(reasoningRate, 0.35) +
        0.2 * sat(m.avgStudentTurnWords, 10) +
        0.15 * sat(m.studentTurns, 6)) -
    15 * (m.minimalStudentTurns / studentTurns) -
    (m.endsConfused ? 10 : 0);

  const unansweredShare =
    m.explanationRequests > 0 ? Math.min(1, m.unansweredRequests / m.explanationRequests) : 0;
  const clarity =
    35 +
    30 * sat(m.checksForUnderstanding / tutorTurns, 0.25) +
    20 * sat(m.explanations / tutorTurns, 0.2) +
    10 * sat(m.structure / tutorTurns, 0.2) -
    35 * unansweredShare -
    25 * sat(m.curtReplies / tutorTurns, 0.3) -
    1.5 * Math.max(0, m.avgTutorSentenceWords - 25);

  const warm = m.encouragement + m.validation + m.patience + m.rapport;
  const harsh = m.dismissive + m.curtReplies + 0.5 * m.unansweredRequests;
  const abusive = redFlags.some((f) => f.type === 'inappropriate_language' || f.type === 'harassment');
  const empathy =
    50 +
    40 * sat(warm / tutorTurns, 0.5) -
    45 * sat(harsh / tutorTurns, 0.4) +
    10 * (m.sentiment.tutor ?? 0) -
    (abusive ? 40 : 0);

  const redFlagPenalty = redFlagPenaltyOf(redFlags);
  const s = {
    guidance: clamp(guidance),
    engagement: clamp(engagement),
    clarity: clamp(clarity),
    empathy: clamp(empathy),
  };
  const quality =
    QUALITY_WEIGHTS.guidance * s.guidance +
    QUALITY_WEIGHTS.engagement * s.engagement +
    QUALITY_WEIGHTS.clarity * s.clarity +
    QUALITY_WEIGHTS.empathy * s.empathy -
    redFlagPenalty;
  return {
    guidance: Math.round(s.guidance),
    engagement: Math.round(s.engagement),
    clarity: Math.round(s.clarity),
    empathy: Math.round(s.empathy),
    redFlagPenalty,
    quality: Math.round(clamp(quality)),
  };
}

function pickEvidence(found: Found[]): Evidence[] {
  const seen = new Set<string>();
  return [...found]
    .map((f, i) => ({ ...f, i }))
    .sort((a, b) => a.priority - b.priority || a.i - b.i)
    .filter((f) => {
      const key = `${f.label}|${f.quote}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, Math.min(8, MAX_EVIDENCE))
    .map((f) => ({ label: f.label, quote: clipQuote(f.quote), speaker: f.speaker }));
}

function describeTranscript(m: TranscriptMetrics, s: TranscriptScores): string {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const questions = m.questions.open + m.questions.closed + m.questions.other;
  const parts = [
    `The tutor spoke ${pct(m.talkShare.tutor)} of the words and asked ${questions} question${questions === 1 ? '' : 's'} (${m.questions.open} open, ${m.questions.closed} closed).`,
    m.answerGiveaways > 0
      ? `The tutor gave the answer away ${m.answerGiveaways} time${m.answerGiveaways === 1 ? '' : 's'} and guided with a question ${m.guidingResponses} time${m.guidingResponses === 1 ? '' : 's'}.`
      : `The tutor answered the student's turns with questions rather than answers (${m.guidingResponses} times).`,
    `The student explained their reasoning in ${m.studentReasoningTurns} of ${m.studentTurns} turns.`,
  ];
  if (m.unansweredRequests > 0)
    parts.push(
      `${m.unansweredRequests} request${m.unansweredRequests === 1 ? '' : 's'} for an explanation went unanswered.`,
    );
  if (m.dismissive + m.curtReplies > 0)
    parts.push(
      `${m.dismissive + m.curtReplies} dismissive or curt repl${m.dismissive + m.curtReplies === 1 ? 'y' : 'ies'}.`,
    );
  parts.push(`Quality ${s.quality}/100 (local analyzer).`);
  return parts.join(' ');
}

function analyzeTranscript(
  parsed: ParsedTranscript,
  nlp: Nlp,
  labelMoves: MoveLabeller,
  opts: Required<LocalAnalyzerOptions>,
  sourceChars: number,
): Omit<AnalysisResult, 'latencyMs'> {
  const { m, redFlags, evidence } = measureTranscript(parsed, nlp, opts);
  const rules = scoreTranscript(m, redFlags);
  // The trained move classifier reads each tutor turn; its guidance replaces the rules' (see session-moves.ts).
  const moves = m.tutorTurns > 0 ? labelMoves(parsed) : null;
  const s: TranscriptScores = moves
    ? { ...rules, guidance: moves.guidance, quality: Math.round(qualityWithGuidance(rules, moves.guidance)) }
    : rules;
  const confidence =
    (0.5 + 0.4 * sat(m.turns, 30)) *
    (parsed.speakerMapping === 'inferred' ? 0.85 : 1) *
    (m.studentTurns === 0 ? 0.6 : 1);
  return {
    qualityScore: s.quality,
    empathyScore: s.empathy,
    clarityScore: s.clarity,
    engagement: engagementLevel(s.engagement),
    engagementScore: s.engagement,
    sentiment: m.sentiment.overall === null ? null : round(clamp(m.sentiment.overall, -1, 1)),
    redFlags,
    metrics: {
      analyzer: LOCAL_MODEL,
      confidence: round(confidence, 2),
      speaker_mapping: parsed.speakerMapping,
      source_chars: sourceChars,
      turns: m.turns,
      tutor_turns: m.tutorTurns,
      student_turns: m.studentTurns,
      tutor_words: m.words.tutor,
      student_words: m.words.student,
      other_words: m.words.other,
      tutor_talk_share: round(m.talkShare.tutor),
      student_talk_share: round(m.talkShare.student),
      other_talk_share: round(m.talkShare.other),
      tutor_questions: m.questions.open + m.questions.closed + m.questions.other,
      open_questions: m.questions.open,
      closed_questions: m.questions.closed,
      other_questions: m.questions.other,
      answer_giveaways: m.answerGiveaways,
      guiding_responses: m.guidingResponses,
      student_reasoning_turns: m.studentReasoningTurns,
      student_questions: m.studentQuestions,
      explanation_requests: m.explanationRequests,
      unanswered_requests: m.unansweredRequests,
      encouragement: m.encouragement,
      validation: m.validation,
      patience: m.patience,
      rapport: m.rapport,
      dismissive: m.dismissive,
      curt_replies: m.curtReplies,
      checks_for_understanding: m.checksForUnderstanding,
      explanations: m.explanations,
      avg_tutor_sentence_words: round(m.avgTutorSentenceWords, 1),
      avg_student_turn_words: round(m.avgStudentTurnWords, 1),
      longest_tutor_run_words: m.longestTutorRunWords,
      ends_confused: m.endsConfused,
      tutor_sentiment: m.sentiment.tutor === null ? null : round(m.sentiment.tutor),
      student_sentiment: m.sentiment.student === null ? null : round(m.sentiment.student),
      guidance_score: s.guidance,
      rules_guidance_score: rules.guidance,
      rules_quality_score: rules.quality,
      move_telling_share: moves?.shares.telling ?? null,
      red_flag_penalty: s.redFlagPenalty,
    },
    evidence: pickEvidence(evidence),
    summary: describeTranscript(m, s),
    model: LOCAL_MODEL,
    source: 'transcript',
    promptTokens: null,
    completionTokens: null,
    moves,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Summary-only analysis: keyword cues and sentiment over the platform's AI summary.

type Cue = { dim: 'guidance' | 'empathy' | 'clarity' | 'engagement'; weight: number; re: RegExp };
const SUMMARY_CUES: Cue[] = [
  { dim: 'guidance', weight: 1, re: /\b(open[- ]ended|open|probing|guiding) questions\b/ },
  { dim: 'guidance', weight: 1, re: /\bguided\b/ },
  {
    dim: 'guidance',
    weight: 1,
    re: /\blet (the student|them|him|her) (find|figure|discover|work|solve|correct|try)\b/,
  },
  {
    dim: 'guidance',
    weight: 1,
    re: /\b(own mistakes|independent(ly)?|socratic|in (their|his|her) own words)\b/,
  },
  { dim: 'engagement', weight: 1, re: /\bexplain(ed)? (their|his|her|each) (reasoning|thinking|steps?)\b/ },
  {
    dim: 'guidance',
    weight: -1,
    re: /\b(supplied|gave|giving|provided|told|stated) (the )?(answers?|solutions?|procedures?)\b/,
  },
  { dim: 'guidance', weight: -1, re: /\b(answers?|solutions?) (were|was) (given|supplied|provided)\b/ },
  {
    dim: 'guidance',
    weight: -1,
    re: /\b(solved by the tutor|copying|copied|memori[sz]e\w*|lectured?|moved on quickly)\b/,
  },
  {
    dim: 'empathy',
    weight: 1,
    re: /\b(patient|encourag\w*|supportive|praised|warm|kind|reassur\w*|friendly|rapport)\b/,
  },
  {
    dim: 'empathy',
    weight: -1,
    re: /\b(dismissive|rude|curt|short phrases|impatient|condescending|sarcastic|harsh|annoyed)\b/,
  },
  { dim: 'empathy', weight: -1, re: /\b(unanswered|ignored|frustrat\w*)\b/ },
  {
    dim: 'clarity',
    weight: 1,
    re: /\b(clear(ly)?|step[- ]by[- ]step|examples?|checked (for )?(understanding|answers)|well[- ]explained|visuals?)\b/,
  },
  {
    dim: 'clarity',
    weight: -1,
    re: /\b(confus\w*|without explanation|not (explained|given|checked)|unclear|rushed|unexplained)\b/,
  },
  // An explicit verdict on engagement weighs double.
  {
    dim: 'engagement',
    weight: 2,
    re: /\b(engagement was (high|strong|excellent)|high engagement|highly engaged)\b/,
  },
  { dim: 'engagement', weight: -2, re: /\b(engagement was (low|poor|weak)|low engagement|disengaged)\b/ },
  {
    dim: 'engagement',
    weight: 1,
    re: /\b(actively participat\w*|asked (good |many )?questions|enthusias\w*|curious|more confident|confiden(t|ce))\b/,
  },
  { dim: 'engagement', weight: -1, re: /\b(distracted|bored|passive|unresponsive|quiet)\b/ },
];
const NEGATED_BEFORE = /\b(rather than|instead of|without|not|didn'?t|did not|never|no)\s+(\w+\s+){0,2}$/;

function summaryRedFlags(text: string): RedFlag[] {
  const sentences = text.split(/(?<=[.!?])\s+/);
  const out: RedFlag[] = [];
  const add = (type: RedFlagType, re: RegExp[] | RegExp) => {
    const list = Array.isArray(re) ? re : [re];
    const s = sentences.find((x) => list.some((r) => r.test(norm(x))) || list.some((r) => r.test(x)));
    if (s)
      out.push({
        type,
        description: `According to the summary, a participant ${RED_FLAG_TEXT[type]}.`,
        quote: clipQuote(s),
      });
  };
  add('personal_contact', [
    EMAIL,
    PHONE,
    /\b(shared|exchanged|asked for|gave) (their|his|her|the student'?s|personal)? ?(phone|number|e-?mail|contact|instagram|snapchat|social)/,
  ]);
  add('off_platform_payment', [...PAYMENT, /\b(pay|payment) (outside|off) (of )?the platform\b/]);
  add('inappropriate_language', [
    /\b(swore|cursed|profanity|insult\w*|inappropriate (language|comments?|remarks?)|called the student (stupid|dumb|an idiot))\b/,
  ]);
  add('harassment', [/\b(harass\w*|flirt\w*|inappropriate(ly)? personal)\b/]);
  add('tutor_distracted', [
    /\btutor (was |seemed |appeared )?(on (the|their|his|her) phone|distracted|took (a|another) call)\b/,
  ]);
  add('self_harm_risk', SELF_HARM);
  add('student_distress', [
    /\bstudent (cried|was crying|was in tears|was (very )?(upset|anxious|distressed|overwhelmed)|panicked|gave up)\b/,
  ]);
  return out;
}

function analyzeSummary(text: string, nlp: Nlp): Omit<AnalysisResult, 'latencyMs'> {
  const lower = norm(text);
  const dims = { guidance: 0, empathy: 0, clarity: 0, engagement: 0 };
  const cues: string[] = [];
  const evidence: Evidence[] = [];
  const sentences = readSentences(nlp, text);
  for (const cue of SUMMARY_CUES) {
    const re = new RegExp(cue.re.source, 'g');
    for (const match of lower.matchAll(re)) {
      const before = lower.slice(Math.max(0, (match.index ?? 0) - 30), match.index ?? 0);
      // "guided with questions rather than giving answers": a negated cue counts the other way.
      const sign = NEGATED_BEFORE.test(before) ? -1 : 1;
      dims[cue.dim] += sign * cue.weight;
      cues.push(`${sign * cue.weight > 0 ? '+' : '-'}${cue.dim}:${match[0]}`);
      const sentence = sentences.find((s) => norm(s.text).includes(match[0]));
      if (sentence && evidence.length < 6 && !evidence.some((e) => e.quote === clipQuote(sentence.text))) {
        evidence.push({
          label: `Summary: ${sign * cue.weight > 0 ? 'supports' : 'weighs against'} ${cue.dim}`,
          quote: clipQuote(sentence.text),
        });
      }
    }
  }
  const sentiment = mean(sentences.map((s) => s.sentiment));
  const tone = 10 * (sentiment ?? 0);
  const dim = (n: number) => clamp(55 + 15 * Math.max(-3, Math.min(3, n)) + tone);
  const redFlags = summaryRedFlags(text);
  const penalty = Math.min(
    RED_FLAG_PENALTY_CAP,
    [...new Set(redFlags.map((f) => f.type))].reduce(
      (n, t) => n + (RED_FLAG_PENALTIES[t as RedFlagType] ?? 10),
      0,
    ),
  );
  const s = {
    guidance: dim(dims.guidance),
    empathy: dim(dims.empathy),
    clarity: dim(dims.clarity),
    engagement: dim(dims.engagement),
  };
  const quality = clamp(
    QUALITY_WEIGHTS.guidance * s.guidance +
      QUALITY_WEIGHTS.engagement * s.engagement +
      QUALITY_WEIGHTS.clarity * s.clarity +
      QUALITY_WEIGHTS.empathy * s.empathy -
      penalty,
  );
  return {
    qualityScore: Math.round(quality),
    empathyScore: Math.round(s.empathy),
    clarityScore: Math.round(s.clarity),
    engagement: engagementLevel(s.engagement),
    engagementScore: Math.round(s.engagement),
    sentiment: sentiment === null ? null : round(clamp(sentiment, -1, 1)),
    redFlags,
    metrics: {
      analyzer: LOCAL_MODEL,
      confidence: 0.35,
      note: 'summary only: keyword cues and sentiment, lower confidence than a transcript analysis',
      source_chars: text.length,
      cues,
      guidance_score: Math.round(s.guidance),
      red_flag_penalty: penalty,
    },
    evidence,
    summary: `Summary-based estimate: quality ${Math.round(quality)}/100 from ${cues.length} cue${cues.length === 1 ? '' : 's'} and the summary's tone (local analyzer).`,
    model: LOCAL_MODEL,
    source: 'summary',
    promptTokens: null,
    completionTokens: null,
    moves: null,
  };
}

// ---------------------------------------------------------------------------------------------------------

export type LocalAnalyzer = { analyzeSession(input: AnalyzeSessionInput): Promise<AnalysisResult> };

/**
 * The offline analyzer (the session-analysis task's local answer). Deterministic: the same input always gives
 * the same result (apart from latencyMs).
 */
export function createLocalAnalyzer(options: LocalAnalyzerOptions = {}): LocalAnalyzer {
  const opts: Required<LocalAnalyzerOptions> = {
    minReasoningWords: options.minReasoningWords ?? 6,
    monologueWords: options.monologueWords ?? 250,
  };
  return {
    async analyzeSession(input) {
      const started = performance.now();
      const transcript = input.transcript?.trim() || null;
      const summary = input.summary?.trim() || null;
      if (!transcript && !summary)
        throw new AiProviderError('no_input', 'Neither a transcript nor a summary to analyse');
      const nlp = await loadNlp();
      let result: Omit<AnalysisResult, 'latencyMs'>;
      const parsed = transcript ? parseTranscript(transcript) : null;
      const usable = parsed && parsed.turns.some((t) => t.speaker === 'tutor');
      if (parsed && usable)
        result = analyzeTranscript(parsed, nlp, await loadMoveLabeller(), opts, transcript!.length);
      else if (summary) result = analyzeSummary(summary, nlp);
      else {
        // A transcript without speaker labels: only its words can be read, like a summary.
        result = analyzeSummary(transcript!, nlp);
        result = {
          ...result,
          source: 'transcript',
          metrics: {
            ...result.metrics,
            speaker_mapping: 'none',
            note: 'transcript without speaker labels: keyword cues only',
          },
        };
      }
      return { ...result, latencyMs: Math.round(performance.now() - started) };
    },
  };
}
