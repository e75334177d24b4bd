import { describe, expect, it } from 'vitest';
import { SUBJECTS, writeTranscript, type TeachingStyle } from '../../../cli/seed/catalog';
import { collectSessions, generateDemoDataset } from '../../../cli/seed/generate';
import { createRng } from '../../../cli/seed/random';
import { QUALITY_THRESHOLDS } from '../thresholds';
import { ZAnalysisResult, type AnalysisResult } from './analysis.schema';
import { classifyQuestion, createLocalAnalyzer, loadNlp, QUALITY_WEIGHTS } from './local-analyzer';

const analyzer = createLocalAnalyzer();
const analyze = (transcript: string | null, summary: string | null = null) =>
  analyzer.analyzeSession({ transcript, summary, subjects: ['algebra-1'], isFirstSession: false });
const withoutLatency = ({ latencyMs: _l, ...rest }: AnalysisResult) => rest;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const GUIDING = `Tutor: Hi Sam! How did the homework go?
Student: Not great, I got stuck on a couple.
Tutor: Okay, we'll look at the ones that were tricky. Try this: Solve 3x + 4 = 19. Where would you start?
Student: I added 4 to both sides and got 3x = 23.
Tutor: Interesting, walk me through how you got that. What's being done to x, and in what order?
Student: x is multiplied by 3 and then 4 is added, so I subtract 4 first: 3x = 15.
Tutor: Nice. Why does that work?
Student: Because you undo the operations in reverse order, so then I divide by 3 and x = 5.
Tutor: Great thinking. How could you check your answer?
Student: 3 times 5 plus 4 is 19, so it checks out.
Tutor: Love it. Before we wrap up, can you explain today's main idea in your own words?
Student: Undo what was done to x in reverse order, and do the same to both sides.`;

const TELLING = `Tutor: Let's jump right in. First one: Solve 3x + 4 = 19.
Student: I'm not sure where to start.
Tutor: The answer is x = 5. Subtract 4 from both sides, then divide by 3.
Student: Oh. Why do we do it that way?
Tutor: Don't worry about why, just remember the steps.
Student: Okay...
Tutor: Alright, that's it for today. Do the worksheet.
Student: Okay, bye.`;

describe('classifyQuestion', () => {
  it.each([
    { s: 'Why does that work?', kind: 'open' },
    { s: 'How could you check your answer?', kind: 'open' },
    { s: 'Walk me through how you got that.', kind: 'open' },
    { s: 'Can you explain why that step is allowed?', kind: 'open' },
    { s: 'Okay, so what do you notice first?', kind: 'open' },
    { s: 'Describe what happens to the graph.', kind: 'open' },
    { s: 'Is it 12?', kind: 'closed' },
    { s: 'Did you finish the worksheet?', kind: 'closed' },
    { s: 'Does that make sense?', kind: 'closed' },
    { s: 'We subtract first, right?', kind: 'closed' },
    { s: 'So 12?', kind: 'closed' },
    { s: 'What is 3/4 + 1/8?', kind: 'other' },
    { s: 'Which transition fits the sentence?', kind: 'other' },
    { s: 'The answer is 12.', kind: null },
    { s: 'Great work today!', kind: null },
  ])('"$s" → $kind', ({ s, kind }) => {
    expect(classifyQuestion(s)).toBe(kind);
  });
});

describe('local analyzer: measures', () => {
  it('counts open and closed tutor questions separately', async () => {
    const r = await analyze(
      'Tutor: Why do you think that happens? How would you check it?\nStudent: Because the ratio stays the same.\nTutor: Is it 12? Did you simplify?\nStudent: Yes.',
    );
    expect(r.metrics).toMatchObject({ open_questions: 2, closed_questions: 2, tutor_questions: 4 });
  });

  it.each([
    {
      name: 'states the answer',
      student: 'Student: I am not sure where to start.',
      tutor: 'Tutor: The answer is x = 5.',
      giveaway: 1,
    },
    {
      name: '"it\'s just" the answer',
      student: 'Student: Can you show me?',
      tutor: "Tutor: It's just 42.",
      giveaway: 1,
    },
    {
      name: 'bare result after a wrong attempt',
      student: 'Student: Is it 5/9? I added the tops.',
      tutor: 'Tutor: 7/12. Next.',
      giveaway: 1,
    },
    {
      name: 'result after a request for help',
      student: 'Student: Could you explain what I did wrong?',
      tutor: "Tutor: It's 56.",
      giveaway: 1,
    },
    {
      name: 'guides with a question back',
      student: 'Student: Is it 5/9?',
      tutor: 'Tutor: Walk me through how you got that. What has to match first?',
      giveaway: 0,
    },
    {
      name: 'praises the student',
      student: 'Student: So x = 5 because I divided by 3.',
      tutor: 'Tutor: That is exactly the reasoning your teacher wants.',
      giveaway: 0,
    },
    {
      name: "confirms the student's own result",
      student: 'Student: I got 12.',
      tutor: 'Tutor: Yes, 12 is right.',
      giveaway: 0,
    },
    { name: 'answers a mere "okay"', student: 'Student: Okay.', tutor: 'Tutor: 12. Next one.', giveaway: 0 },
  ])('answer giveaways: $name → $giveaway', async ({ student, tutor, giveaway }) => {
    const r = await analyze(`Tutor: Solve it.\n${student}\n${tutor}`);
    expect(r.metrics.answer_giveaways).toBe(giveaway);
  });

  it('counts student reasoning turns and guiding responses', async () => {
    const r = await analyze(GUIDING);
    expect(r.metrics.student_reasoning_turns).toBeGreaterThanOrEqual(3);
    expect(r.metrics.guiding_responses).toBeGreaterThanOrEqual(3);
    expect(r.metrics.answer_giveaways).toBe(0);
    const t = await analyze(TELLING);
    expect(t.metrics.answer_giveaways).toBe(1);
    // "Why do we do it that way?" met with "Don't worry about why".
    expect(t.metrics.unanswered_requests).toBe(1);
    expect(t.metrics.dismissive).toBeGreaterThanOrEqual(1);
  });

  it.each([GUIDING, TELLING, 'Tutor: Hi.\nParent: She is shy.\nStudent: Hello there, everyone.'])(
    'talk shares sum to 1 (%#)',
    async (text) => {
      const m = (await analyze(text)).metrics;
      expect(
        (m.tutor_talk_share as number) + (m.student_talk_share as number) + (m.other_talk_share as number),
      ).toBeCloseTo(1, 2);
    },
  );

  it('is deterministic: the same transcript gives the same analysis', async () => {
    const a = await analyze(GUIDING);
    const b = await analyze(GUIDING);
    expect(withoutLatency(a)).toEqual(withoutLatency(b));
  });

  it('produces results valid for session_analyses, with quotes as evidence', async () => {
    for (const text of [GUIDING, TELLING]) {
      const r = await analyze(text);
      expect(ZAnalysisResult.parse(r)).toEqual(r);
      expect(r.source).toBe('transcript');
      expect(r.model).toBe('tutorpulse-local-v1');
      expect(r.evidence.length).toBeGreaterThan(0);
      for (const e of r.evidence) expect(text).toContain(e.quote.replace(/…$/, ''));
    }
    expect((await analyze(TELLING)).evidence.map((e) => e.label)).toContain('Gives the answer away');
  });

  it('labels every tutor turn with a move and builds the quality on the move guidance', async () => {
    const r = await analyze(TELLING);
    const tutorLines = TELLING.split('\n').flatMap((l, i) => (l.startsWith('Tutor:') ? [i] : []));
    expect(r.moves!.turns.map((t) => t.turn)).toEqual(tutorLines);
    expect(r.moves!.guidance).toBe(Math.round(100 * (1 - r.moves!.shares.telling)));
    const m = r.metrics as Record<string, number>;
    expect(m.guidance_score).toBe(r.moves!.guidance);
    // quality = 0.60·guidance + 0.40·(engagement, clarity, empathy as 25:20:20) − penalty
    const rest = (0.4 / 0.65) * (0.25 * r.engagementScore! + 0.2 * r.clarityScore + 0.2 * r.empathyScore);
    expect(
      Math.abs(r.qualityScore - (0.6 * r.moves!.guidance + rest - Number(m.red_flag_penalty))),
    ).toBeLessThanOrEqual(1);
    expect(typeof m.rules_quality_score).toBe('number');
    expect((await analyze('', 'The tutor guided with open questions.')).moves).toBeNull();
  });

  it('scores a guiding session well above a telling one, and documents its weights', async () => {
    const good = await analyze(GUIDING);
    const poor = await analyze(TELLING);
    expect(good.qualityScore).toBeGreaterThanOrEqual(75);
    expect(poor.qualityScore).toBeLessThan(QUALITY_THRESHOLDS.lowQualityScore);
    expect(good.engagement).toBe('high');
    expect(poor.engagement).toBe('low');
    expect(Object.values(QUALITY_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('loads the wink model once', async () => {
    expect(await loadNlp()).toBe(await loadNlp());
  });
});

describe('local analyzer: red flags, each with the quoted line', () => {
  it.each([
    {
      line: 'Tutor: Text me at 555-867-5309 if you get stuck.',
      type: 'personal_contact',
      quote: 'Text me at 555-867-5309 if you get stuck.',
    },
    {
      line: 'Student: My email is sam.jones@gmail.com by the way.',
      type: 'personal_contact',
      quote: 'My email is sam.jones@gmail.com by the way.',
    },
    {
      line: 'Tutor: Add me on instagram, I am @mr.tutor.',
      type: 'personal_contact',
      quote: 'Add me on instagram, I am @mr.tutor.',
    },
    {
      line: 'Tutor: If you pay me directly on Venmo it is cheaper.',
      type: 'off_platform_payment',
      quote: 'If you pay me directly on Venmo it is cheaper.',
    },
    {
      line: 'Tutor: Are you stupid? Come on.',
      type: 'inappropriate_language',
      quote: 'Are you stupid? Come on.',
    },
    {
      line: 'Tutor: This is our little secret, okay?',
      type: 'harassment',
      quote: 'This is our little secret, okay?',
    },
    {
      line: 'Tutor: Hold on, I need to take this call.',
      type: 'tutor_distracted',
      quote: 'Hold on, I need to take this call.',
    },
    {
      line: "Student: I give up, I can't do this.",
      type: 'student_distress',
      quote: "I give up, I can't do this.",
    },
    {
      line: 'Student: Sometimes I want to hurt myself.',
      type: 'self_harm_risk',
      quote: 'Sometimes I want to hurt myself.',
    },
  ])('$type: "$line"', async ({ line, type, quote }) => {
    const r = await analyze(
      `Tutor: Let's begin. Where would you start?\nStudent: With the first step, I think.\n${line}\nStudent: Okay.`,
    );
    const flag = r.redFlags.find((f) => f.type === type);
    expect(flag, JSON.stringify(r.redFlags)).toBeDefined();
    expect(flag!.quote).toBe(quote);
    expect(flag!.description.length).toBeGreaterThan(10);
    expect(r.evidence[0]!.label).toMatch(/^Red flag/);
  });

  it.each([
    'Tutor: There are no stupid questions, so ask away.',
    'Tutor: Solve 3x + 4 = 19 for x.',
    'Tutor: The phone company charges $25 a month.',
    'Tutor: Subtract 4.5 from both sides, then divide by 3.',
  ])('raises nothing for "%s"', async (line) => {
    const r = await analyze(`${line}\nStudent: Okay, I think I see why.`);
    expect(r.redFlags).toEqual([]);
  });

  it('quotes the sentence that matched when the turn is long', async () => {
    const long = `Tutor: ${'We went through the chain rule step by step with three examples. '.repeat(5)}Text me at 555-867-5309 if you get stuck.`;
    const r = await analyze(`${long}\nStudent: Okay.`);
    expect(r.redFlags[0]).toMatchObject({
      type: 'personal_contact',
      quote: 'Text me at 555-867-5309 if you get stuck.',
    });
  });

  it('takes points off quality for a critical red flag', async () => {
    const clean = await analyze(GUIDING);
    const flagged = await analyze(
      `${GUIDING}\nTutor: By the way, text me at 555-867-5309 and pay me on Venmo next time.`,
    );
    expect(flagged.redFlags.map((f) => f.type).sort()).toEqual(['off_platform_payment', 'personal_contact']);
    expect(flagged.qualityScore).toBeLessThanOrEqual(clean.qualityScore - 30);
  });

  it('flags a long tutor monologue', async () => {
    const talk =
      'So the derivative measures how fast a quantity changes, and we define it with a limit of slopes. '.repeat(
        16,
      );
    const r = await analyze(`Tutor: ${talk}\nStudent: ok`);
    expect(r.redFlags.map((f) => f.type)).toContain('long_monologue');
    expect(r.metrics.longest_tutor_run_words).toBeGreaterThanOrEqual(250);
  });
});

describe('local analyzer: summary only', () => {
  it('uses keyword cues and sentiment, marks the source and a lower confidence', async () => {
    const good = await analyze(
      null,
      'The tutor guided with questions rather than giving answers, and asked the student to explain each step. Engagement was high.',
    );
    const poor = await analyze(
      null,
      'The tutor supplied answers and procedures directly. The student asked for explanations that were not given. Engagement was low.',
    );
    for (const r of [good, poor]) {
      expect(ZAnalysisResult.parse(r)).toEqual(r);
      expect(r.source).toBe('summary');
      expect(r.metrics.confidence).toBeLessThan(0.5);
    }
    expect(good.qualityScore - poor.qualityScore).toBeGreaterThanOrEqual(25);
    expect(good.engagement).toBe('high');
    expect(poor.engagement).toBe('low');
  });

  it('prefers a labelled transcript, and reads an unlabelled one like a summary', async () => {
    expect((await analyze(GUIDING, 'Engagement was low.')).source).toBe('transcript');
    const r = await analyze('We worked on fractions and it went fine.', null);
    expect(r.source).toBe('transcript');
    expect(r.metrics.speaker_mapping).toBe('none');
  });

  it('refuses empty input', async () => {
    await expect(analyze('  ', '')).rejects.toMatchObject({ code: 'no_input' });
  });
});

describe('calibration on the demo generator', () => {
  it('scores guiding transcripts above the low-quality line and telling / curt ones below it', async () => {
    const rng = createRng('tier2-calibration');
    const scores: Record<TeachingStyle, number[]> = { guiding: [], telling: [], curt: [] };
    for (let i = 0; i < 150; i++) {
      for (const style of ['guiding', 'telling', 'curt'] as const) {
        const { transcript } = writeTranscript({
          rng,
          style,
          subject: rng.pick(SUBJECTS),
          tutorFirstName: 'Ana',
          studentFirstName: 'Ben',
          isFirstSession: rng.bernoulli(0.15),
          tutorLateMinutes: rng.bernoulli(0.1) ? 9 : 0,
        });
        scores[style].push((await analyze(transcript)).qualityScore);
      }
    }
    const below = (xs: number[]) =>
      xs.filter((x) => x < QUALITY_THRESHOLDS.lowQualityScore).length / xs.length;
    expect(below(scores.guiding)).toBeLessThan(0.1);
    // The move classifier is trained on maths dialogues: telling turns without numbers (history, writing) are
    // partly missed, so fewer telling sessions fall under the line than curt ones.
    expect(below(scores.telling)).toBeGreaterThan(0.6);
    expect(below(scores.curt)).toBeGreaterThan(0.8);
    expect(mean(scores.guiding) - Math.max(mean(scores.telling), mean(scores.curt))).toBeGreaterThanOrEqual(
      40,
    );
  });

  it("scores the poor_teaching tutors' transcripts clearly lower than everyone else's", async () => {
    const dataset = generateDemoDataset({
      seed: 42,
      scale: 0.03,
      days: 90,
      now: new Date('2026-11-20T12:00:00Z'),
    });
    const poor = new Set(dataset.poorTeaching);
    const byTutor = new Map<string, number[]>();
    for (const s of collectSessions(dataset).sessions) {
      if (!s.transcript) continue;
      const r = await analyzer.analyzeSession({
        transcript: s.transcript,
        summary: s.ai_summary ?? null,
        subjects: s.subjects_covered,
        isFirstSession: s.is_first_session,
      });
      byTutor.set(s.tutor_id, [...(byTutor.get(s.tutor_id) ?? []), r.qualityScore]);
    }
    const poorScores = [...byTutor].filter(([id]) => poor.has(id)).flatMap(([, xs]) => xs);
    const otherScores = [...byTutor].filter(([id]) => !poor.has(id)).flatMap(([, xs]) => xs);
    expect(poorScores.length).toBeGreaterThan(30);
    expect(mean(otherScores) - mean(poorScores)).toBeGreaterThanOrEqual(20);
    // Per tutor, every poor teacher averages well below every other tutor (generator: others 85 % guiding).
    const tutorMeans = [...byTutor]
      .filter(([, xs]) => xs.length >= 5)
      .map(([id, xs]) => ({ poor: poor.has(id), mean: mean(xs) }));
    const worstOther = Math.min(...tutorMeans.filter((t) => !t.poor).map((t) => t.mean));
    const bestPoor = Math.max(...tutorMeans.filter((t) => t.poor).map((t) => t.mean));
    expect(worstOther).toBeGreaterThan(bestPoor + 15);
    // Most poor teachers average under the low-quality line (the rest teach subjects without numbers, where the
    // maths-trained move classifier misses telling turns).
    const poorMeans = tutorMeans.filter((t) => t.poor).map((t) => t.mean);
    expect(poorMeans.filter((m) => m < QUALITY_THRESHOLDS.lowQualityScore).length).toBeGreaterThanOrEqual(
      poorMeans.length / 2,
    );
  });
});
