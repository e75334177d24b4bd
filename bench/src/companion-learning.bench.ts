/**
 * Companion figures (issue 12): the local transcript analysis of a one-hour transcript (parse + concepts +
 * signals + key points; target ≤ 200 ms) and a local practice set of 10 maths items, computed and checked
 * with mathjs (target ≤ 100 ms). No database; median of repeated runs after a warm-up. Never asserts.
 */
import {
  analyzeTranscriptLocally,
  CURATED_CONCEPTS,
  generateLocalPractice,
  generateProblem,
  normalizeTranscript,
  seededRng,
} from '@tutorpulse/server/src/modules/companion/index';
import { printFigure, section } from './util';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** About an hour of talk: ~600 turns, ~60,000 characters, four Algebra 1 concepts. */
function oneHourTranscript(): string {
  const r = seededRng(5);
  const concepts = CURATED_CONCEPTS['algebra-1']!.filter((c) => c.generator).slice(0, 4);
  const lines: string[] = [];
  while (lines.join('\n').length < 60_000) {
    const c = concepts[lines.length % concepts.length]!;
    lines.push(`Tutor: Let's keep going with ${c.name.toLowerCase()}. ${c.description}`);
    for (let i = 0; i < 6; i++) {
      const p = generateProblem(c.generator!, r, 2)!;
      lines.push(`Tutor: ${p.question} Take your time and tell me how you get there.`);
      const right = r() < 0.6;
      lines.push(`Student: ${right ? p.answer : p.mistakes[0]} because I did the steps in order, I think.`);
      lines.push(
        right
          ? 'Tutor: Correct, well done. That is exactly the method.'
          : `Tutor: Not quite. ${p.explanation}`,
      );
    }
  }
  return lines.join('\n');
}

export function benchCompanionLearning() {
  section('Companion (local, no database, one thread)');
  const text = oneHourTranscript();
  const catalogue = CURATED_CONCEPTS['algebra-1']!.map((c) => ({
    key: `algebra-1:${c.slug}`,
    name: c.name,
    description: c.description,
    difficulty: c.difficulty,
    aliases: c.aliases,
  }));
  const analyse = () =>
    analyzeTranscriptLocally({
      turns: normalizeTranscript(text).parsed.turns,
      catalogue,
      subjectName: 'Algebra 1',
    });
  analyse();
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    analyse();
    times.push(performance.now() - t);
  }
  const turns = normalizeTranscript(text).parsed.turns.length;
  printFigure(
    `transcript analysis, one hour (${turns} turns, ${Math.round(text.length / 1000)}k chars): median`,
    median(times),
    'ms',
  );
  console.log('  target: ≤ 200 ms');

  const concepts = ['linear-equations', 'expressions', 'slope', 'factoring-quadratics'].map((slug) => {
    const c = CURATED_CONCEPTS['algebra-1']!.find((x) => x.slug === slug)!;
    return {
      key: `algebra-1:${slug}`,
      name: c.name,
      description: c.description,
      generator: c.generator,
      keyPoints: [],
    };
  });
  const practice = (seed: number) =>
    generateLocalPractice({ concepts, difficulty: 'medium', count: 10, avoid: [], seed });
  practice(1);
  const ptimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    practice(i + 2);
    ptimes.push(performance.now() - t);
  }
  printFigure('practice set of 10 maths items (computed, checked, options): median', median(ptimes), 'ms');
  console.log('  target: ≤ 100 ms');
}
