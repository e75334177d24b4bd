/**
 * `npm run eval:companion`: does the companion's learning side recover what was planted, and read real
 * dialogues sensibly? On a fresh PGlite database, through the real services and job workers:
 *
 * 1. Planted students: each has a known skill (0–1) per Algebra 1 concept; tutoring transcripts are written
 *    from it (each attempt is right with probability = skill; wrong ones get a correction and sometimes a hint;
 *    stuck turns and explanations follow the skill too), uploaded, and analysed. Reports concept extraction
 *    precision and recall per transcript against the planted concepts, and the Spearman correlation of the
 *    resulting mastery with the planted skill (target ≥ 0.7).
 * 2. Generated maths items: every local generator, at every difficulty, many seeds, in sets of 10: each item
 *    re-solved independently (numeric root finding, numeric derivatives and integrals, direct evaluation —
 *    never the generator's own formula) where the question has a form the re-solver reads; duplicates of
 *    questions in a set and of options in an item counted (target 100 % correct, 0 duplicates).
 * 3. MathDial (../shared/data/mathdial): each dialogue uploaded as one student's transcript (Elementary Math;
 *    the teachers' move labels removed); the AUC with which the mastery of the dialogue's main concept
 *    separates dialogues the student solved alone from the rest (target ≥ 0.75; turns alone reach 0.72), and
 *    a sample of misconceptions found beside the teacher's `teacher_described_confusion`.
 *
 * With OPENAI_API_KEY set the analysis goes to the model (and costs tokens); without it, the local analysis.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { inArray } from 'drizzle-orm';
import { buildApp } from '../app';
import { loadConfig } from '../config/env';
import { createDatabase } from '../db/client';
import { students, subjects, transcriptAnalyses, transcriptUploads } from '../db/schema/index';
import {
  CURATED_CONCEPTS,
  GENERATOR_IDS,
  generateLocalPractice,
  generateProblem,
  seededRng,
} from '../modules/companion/index';
import { DEFAULT_MATHDIAL_PATH, rocAuc, spearman } from '../modules/quality/index';
import type { Principal } from '../platform/auth/principal';
import { createLogger } from '../platform/logger';
import { createRuntime } from '../runtime';
import { startWorkers } from '../workers';
import { resolveItem } from './eval-companion-solver';

const SUBJECT = 'algebra-1';
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

type Planted = { studentId: string; skills: Map<string, number> };

/** Students with a known skill per concept, and transcripts written from it. */
function plantStudents(seed: number, n: number) {
  const r = seededRng(seed);
  const catalogue = CURATED_CONCEPTS[SUBJECT]!.filter((c) => c.generator);
  const out: Array<Planted & { transcripts: Array<{ text: string; concepts: string[] }> }> = [];
  for (let s = 0; s < n; s++) {
    const pool = [...catalogue].sort(() => r() - 0.5).slice(0, 4);
    const skills = new Map(pool.map((c) => [`${SUBJECT}:${c.slug}`, 0.05 + 0.9 * r()]));
    const transcripts: Array<{ text: string; concepts: string[] }> = [];
    for (let t = 0; t < 3; t++) {
      const covered = [...pool].sort(() => r() - 0.5).slice(0, 2);
      const lines = ['Tutor: Hi! Good to see you again. Ready to start?', 'Student: Yes, ready.'];
      for (const c of covered) {
        const key = `${SUBJECT}:${c.slug}`;
        const skill = skills.get(key)!;
        lines.push(`Tutor: Let's work on ${c.name.toLowerCase()} today. ${c.description}`);
        const attempts = 3 + Math.floor(r() * 3);
        for (let a = 0; a < attempts; a++) {
          const p = generateProblem(c.generator!, r, 2);
          if (!p) continue;
          lines.push(`Tutor: ${p.question}`);
          if (r() < (1 - skill) * 0.35) {
            lines.push("Student: I'm not sure, I don't get how to start.");
            lines.push(`Tutor: Here is a hint: ${p.explanation.split('. ')[0]}.`);
          }
          if (r() < skill) {
            const why = r() < skill * 0.6 ? ` because ${p.explanation.split(':')[0]?.toLowerCase()}` : '';
            lines.push(`Student: ${p.answer}${why}`);
            lines.push(`Tutor: ${['Correct!', 'Exactly, well done.', 'Yes, that is right.'][a % 3]}`);
          } else {
            lines.push(`Student: ${p.mistakes[0] ?? '0'}`);
            lines.push(`Tutor: Not quite. ${p.explanation}`);
          }
        }
      }
      lines.push('Tutor: Great work today. See you next week!');
      transcripts.push({ text: lines.join('\n'), concepts: covered.map((c) => `${SUBJECT}:${c.slug}`) });
    }
    out.push({ studentId: `plant_${s}`, skills, transcripts });
  }
  return out;
}

type MathDialRow = {
  qid: number;
  question: string;
  conversation: string;
  'self-correctness': string;
  teacher_described_confusion?: string;
};

function readMathDial(file: string): MathDialRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as MathDialRow);
}

function mathDialTranscript(row: MathDialRow): string {
  return row.conversation
    .split('|EOM|')
    .map((t) => t.trim().replace(/^Teacher:\s*\((?:focus|probing|telling|generic)\)\s*/i, 'Teacher: '))
    .filter(Boolean)
    .join('\n');
}

function evalGenerators(seeds: number) {
  let items = 0;
  let checked = 0;
  let correct = 0;
  let unreadable = 0;
  let dupQuestions = 0;
  let dupOptions = 0;
  const wrong: string[] = [];
  const unreadableBy = new Map<string, number>();
  for (const id of GENERATOR_IDS) {
    for (const difficulty of ['easy', 'medium', 'hard'] as const) {
      for (let s = 1; s <= seeds; s++) {
        const set = generateLocalPractice({
          concepts: [{ key: `eval:${id}`, name: id, description: '', generator: id, keyPoints: [] }],
          difficulty,
          count: 10,
          avoid: [],
          seed: s * 104_729 + difficulty.length,
        });
        const qs = set.map((i) => i.question);
        dupQuestions += qs.length - new Set(qs).size;
        for (const item of set) {
          items++;
          if (item.options) {
            const k = item.options.map((o) => o.replace(/\s+/g, ''));
            dupOptions += k.length - new Set(k).size;
          }
          const verdict = resolveItem(item.question, item.answer);
          if (verdict === null) {
            unreadable++;
            unreadableBy.set(id, (unreadableBy.get(id) ?? 0) + 1);
            continue;
          }
          checked++;
          if (verdict) correct++;
          else if (wrong.length < 10) wrong.push(`${id}: ${item.question} → ${item.answer}`);
        }
      }
    }
  }
  return { items, checked, correct, unreadable, dupQuestions, dupOptions, wrong, unreadableBy };
}

async function main() {
  const { values } = parseArgs({
    options: {
      students: { type: 'string', default: '40' },
      seed: { type: 'string', default: '7' },
      'generator-seeds': { type: 'string', default: '20' },
      mathdial: { type: 'string', default: DEFAULT_MATHDIAL_PATH },
    },
  });
  const nStudents = Number(values.students);
  const seed = Number(values.seed);

  // 2. Generators first: pure, no database.
  const t0 = performance.now();
  const g = evalGenerators(Number(values['generator-seeds']));
  console.log(
    `Generated maths items: ${g.items} (${GENERATOR_IDS.length} generators × 3 difficulties × ${values['generator-seeds']} sets of 10), ` +
      `${(performance.now() - t0).toFixed(0)} ms`,
  );
  console.log(
    `  re-solved independently: ${g.checked} of ${g.items}; correct ${g.correct}/${g.checked} (${f2((100 * g.correct) / Math.max(1, g.checked))} %)` +
      `; not readable by the re-solver: ${g.unreadable}${g.unreadableBy.size ? ` (${[...g.unreadableBy].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
  );
  console.log(
    `  duplicate questions within a set: ${g.dupQuestions}; duplicate options within an item: ${g.dupOptions}`,
  );
  for (const w of g.wrong) console.log(`  WRONG ${w}`);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-eval-companion-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    },
    { persistSecrets: false },
  );
  const database = await createDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'db') });
  const rt = await createRuntime(config, { database, logger: createLogger({ level: 'warn' }) });
  const app = await buildApp(rt, { webDist: false });
  await startWorkers(rt, app.services, { concurrency: 4 });
  const admin: Principal = {
    kind: 'user',
    id: randomUUID(),
    role: 'admin',
    label: 'eval',
    sessionId: null,
    via: 'bearer',
    tutorId: null,
    studentId: null,
  };
  const { db } = rt.database;
  const companion = app.services.companion;
  try {
    await db
      .insert(subjects)
      .values([
        { id: SUBJECT, name: 'Algebra 1', category: 'Math' },
        { id: 'elementary-math', name: 'Elementary Math', category: 'Math' },
      ])
      .onConflictDoNothing();

    // 1. Planted students.
    const planted = plantStudents(seed, nStudents);
    await db
      .insert(students)
      .values(planted.map((p) => ({ id: p.studentId, name: p.studentId })))
      .onConflictDoNothing();
    const t1 = performance.now();
    const uploads: Array<{ id: string; concepts: string[] }> = [];
    for (const p of planted)
      for (const tr of p.transcripts) {
        const u = await companion.transcripts.upload(
          { content: tr.text, student_id: p.studentId, subject_id: SUBJECT },
          admin,
        );
        uploads.push({ id: u.id, concepts: tr.concepts });
      }
    await rt.queue.whenIdle({ timeoutMs: 600_000 });
    const analyses = await db
      .select()
      .from(transcriptAnalyses)
      .where(
        inArray(
          transcriptAnalyses.uploadId,
          uploads.map((u) => u.id),
        ),
      );
    const found = new Map(
      analyses.map((a) => [
        a.uploadId,
        (a.concepts as Array<{ conceptKey: string }>).map((c) => c.conceptKey),
      ]),
    );
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const u of uploads) {
      const got = new Set(found.get(u.id) ?? []);
      for (const c of u.concepts)
        if (got.has(c)) tp++;
        else fn++;
      for (const c of got) if (!u.concepts.includes(c)) fp++;
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of planted) {
      const m = await companion.mastery.getMastery(p.studentId);
      for (const [key, skill] of p.skills) {
        const row = m.find((x) => x.conceptKey === key);
        if (!row) continue;
        xs.push(skill);
        ys.push(row.mastery);
      }
    }
    const provider = analyses[0]?.provider ?? 'n/a';
    console.log(
      `Planted students: ${planted.length} students, ${uploads.length} transcripts (${SUBJECT}), analysed by ${provider} in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    console.log(
      `  concept extraction: precision ${f2(tp / (tp + fp))}, recall ${f2(tp / (tp + fn))} (${tp} found, ${fp} extra, ${fn} missed)`,
    );
    console.log(
      `  Spearman(mastery, planted skill) over ${xs.length} student-concept pairs: ${f2(spearman(ys, xs))} (target ≥ 0.70)`,
    );

    // 3. MathDial.
    if (!existsSync(values.mathdial)) {
      console.log(`MathDial: ${values.mathdial} not found, skipped`);
      return;
    }
    const rows = readMathDial(values.mathdial);
    await db
      .insert(students)
      .values(rows.map((_, i) => ({ id: `mathdial_${i}`, name: `MathDial ${i}` })))
      .onConflictDoNothing();
    const t2 = performance.now();
    const ids: string[] = [];
    for (const [i, row] of rows.entries()) {
      const u = await companion.transcripts.upload(
        { content: mathDialTranscript(row), student_id: `mathdial_${i}`, subject_id: 'elementary-math' },
        admin,
      );
      ids.push(u.id);
    }
    await rt.queue.whenIdle({ timeoutMs: 600_000 });
    const statuses = await db
      .select({ id: transcriptUploads.id, status: transcriptUploads.status })
      .from(transcriptUploads)
      .where(inArray(transcriptUploads.id, ids));
    const mdAnalyses = new Map(
      (await db.select().from(transcriptAnalyses).where(inArray(transcriptAnalyses.uploadId, ids))).map(
        (a) => [a.uploadId, a],
      ),
    );
    const mastery: number[] = [];
    const turns: number[] = [];
    const solved: boolean[] = [];
    let withConcept = 0;
    const samples: string[] = [];
    for (const [i, row] of rows.entries()) {
      const a = mdAnalyses.get(ids[i]!);
      const concepts = (a?.concepts ?? []) as Array<{ conceptKey: string; misconceptions: string[] }>;
      const main = concepts[0];
      let m = 30;
      if (main) {
        withConcept++;
        m = (await companion.mastery.getMastery(`mathdial_${i}`, [main.conceptKey]))[0]?.mastery ?? 30;
      }
      mastery.push(m);
      turns.push(-row.conversation.split('|EOM|').length);
      solved.push(row['self-correctness'] === 'Yes');
      if (samples.length < 6 && main?.misconceptions.length)
        samples.push(
          `  teacher: "${row.teacher_described_confusion ?? ''}" | found: "${main.misconceptions[0]}"`,
        );
    }
    console.log(
      `MathDial: ${rows.length} dialogues uploaded as transcripts (${statuses.filter((s) => s.status === 'completed').length} completed) in ${((performance.now() - t2) / 1000).toFixed(1)} s; ` +
        `${withConcept} with a concept recognised; ${solved.filter(Boolean).length} solved alone`,
    );
    console.log(
      `  AUC of mastery for solved-alone: ${f2(rocAuc(mastery, solved))} (target ≥ 0.75); fewer turns alone: ${f2(rocAuc(turns, solved))}`,
    );
    console.log('  misconceptions found beside the teacher’s description (first 6 with one):');
    for (const s of samples) console.log(s);
  } finally {
    await app.close();
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
