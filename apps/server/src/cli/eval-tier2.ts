/**
 * `npm run eval:tier2 -- [--scale 0.1] [--seeds 7,11,13,42]`: does tier 2 find the planted poor teaching? Replays
 * tier 2's low-quality decision in memory, without a database: every generated transcript through the local
 * analyzer (rules + tutor moves) in the order sessions ended, a tutor flagged once the mean of their last 10
 * analyses (at least 5) falls under the line, or on a critical red flag (the workers' rolling-mean policy).
 * Prints precision and recall against the planted `poor_teaching` tutors at several lines, the extra and missed
 * tutors, and the tutors' mean quality. The pipeline evaluation (`eval:quality`) gives the same figures for its
 * seed (it also runs tier 2 through the queue), in 20+ minutes instead of 20 seconds a seed.
 */
import { parseArgs } from 'node:util';
import { createLocalAnalyzer, QUALITY_THRESHOLDS, ROLLING_MEAN_POLICY } from '../modules/quality/index';
import { buildGroundTruth, collectSessions, generateDemoDataset } from './seed/generate';

const LINES = [45, 50, 55, 60];
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const fmt = (x: number) => (Number.isNaN(x) ? ' n/a' : x.toFixed(2));

async function main() {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '0.1' }, seeds: { type: 'string', default: '7,11,13,42' } },
  });
  const scale = Number(values.scale);
  const seeds = values.seeds.split(',').map(Number);
  if (!(scale > 0) || seeds.some((s) => !Number.isInteger(s))) {
    console.error('usage: npm run eval:tier2 -- [--scale 0.1] [--seeds 7,11,13,42]');
    process.exit(2);
  }
  const policy = ROLLING_MEAN_POLICY as { kind: 'rolling_mean'; window: number; minSessions: number };
  const analyzer = createLocalAnalyzer();
  const now = new Date();
  const totals = new Map(LINES.map((l) => [l, { flagged: 0, tp: 0, planted: 0 }]));
  console.log(
    `Tier 2 low-quality replay — scale ${scale}, seeds ${seeds.join(', ')}; line in use ${QUALITY_THRESHOLDS.lowQualityScore}, ` +
      `rolling mean of the last ${policy.window} analyses (at least ${policy.minSessions})`,
  );
  for (const seed of seeds) {
    const dataset = generateDemoDataset({ seed, scale, now, days: 90 });
    const { sessions, stats } = collectSessions(dataset);
    const poor = new Set(buildGroundTruth(dataset, stats, now).poor_teaching);
    const withTranscript = sessions
      .filter((s) => s.transcript)
      .sort((a, b) => Date.parse(a.session_end_time) - Date.parse(b.session_end_time));
    const recent = new Map<string, number[]>();
    const all = new Map<string, number[]>();
    const flagged = new Map(LINES.map((l) => [l, new Set<string>()]));
    const started = performance.now();
    for (const s of withTranscript) {
      const r = await analyzer.analyzeSession({
        transcript: s.transcript ?? null,
        summary: s.ai_summary ?? null,
        subjects: s.subjects_covered,
        isFirstSession: s.is_first_session,
      });
      const last = [r.qualityScore, ...(recent.get(s.tutor_id) ?? [])].slice(0, policy.window);
      recent.set(s.tutor_id, last);
      all.set(s.tutor_id, [...(all.get(s.tutor_id) ?? []), r.qualityScore]);
      const critical = r.redFlags.some((f) => QUALITY_THRESHOLDS.criticalRedFlags.includes(f.type));
      for (const l of LINES)
        if (critical || (last.length >= policy.minSessions && mean(last) < l))
          flagged.get(l)!.add(s.tutor_id);
    }
    console.log(
      `\n  seed ${seed}: ${withTranscript.length} transcripts in ${((performance.now() - started) / 1000).toFixed(0)} s, ${poor.size} poor teachers planted`,
    );
    for (const l of LINES) {
      const f = flagged.get(l)!;
      const tp = [...f].filter((id) => poor.has(id)).length;
      const t = totals.get(l)!;
      t.flagged += f.size;
      t.tp += tp;
      t.planted += poor.size;
      console.log(
        `    line ${l}${l === QUALITY_THRESHOLDS.lowQualityScore ? '*' : ' '}  flagged ${String(f.size).padStart(2)}  precision ${fmt(f.size ? tp / f.size : Number.NaN)}  recall ${fmt(poor.size ? tp / poor.size : Number.NaN)}`,
      );
    }
    const inUse = flagged.get(QUALITY_THRESHOLDS.lowQualityScore) ?? new Set<string>();
    const describe = (id: string) =>
      `${id} (mean ${mean(all.get(id) ?? []).toFixed(1)} over ${(all.get(id) ?? []).length}; ${[...new Set(sessions.filter((x) => x.tutor_id === id).flatMap((x) => x.subjects_covered))].join(', ')})`;
    for (const id of inUse) if (!poor.has(id)) console.log(`    extra  ${describe(id)}`);
    for (const id of poor) if (!inUse.has(id)) console.log(`    missed ${describe(id)}`);
    const others = [...all]
      .filter(([id, xs]) => !poor.has(id) && xs.length >= policy.minSessions)
      .map(([, xs]) => mean(xs));
    console.log(
      `    tutor means: poor ${[...poor].map((id) => mean(all.get(id) ?? []).toFixed(0)).join(', ')}; others min ${Math.min(...others).toFixed(0)}, median ${others.sort((a, b) => a - b)[Math.floor(others.length / 2)]?.toFixed(0)}`,
    );
  }
  console.log('\n  all seeds');
  for (const [l, t] of totals)
    console.log(
      `    line ${l}${l === QUALITY_THRESHOLDS.lowQualityScore ? '*' : ' '}  flagged ${String(t.flagged).padStart(3)}  precision ${fmt(t.flagged ? t.tp / t.flagged : Number.NaN)}  recall ${fmt(t.planted ? t.tp / t.planted : Number.NaN)}`,
    );
}

await main();
