/**
 * raiseFlags (many pieces of evidence in a few statements) must leave exactly what raiseFlag one input at a
 * time leaves: the same flags, the same flag events, the same outcome for every input. The same scenario runs
 * both ways on two sets of tutors and the results are compared.
 */
import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagEvents, flags, tutors } from '../src/db/schema/index';
import { raiseFlag, raiseFlags, type RaiseFlagInput } from '../src/modules/quality/flags.core';
import type { FlagDecision, FlagType, Severity } from '../src/modules/quality/rules';
import { createTestDatabase, type TestDatabase } from './helpers/services';

let t: TestDatabase;
const db = () => t.database.db;
const T0 = new Date('2026-11-20T10:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

beforeAll(async () => {
  t = await createTestDatabase();
  const ids = ['a', 'b', 'c'].flatMap((x) => [`seq-${x}`, `bat-${x}`]);
  await db()
    .insert(tutors)
    .values(ids.map((id) => ({ id, name: id })));
}, 60_000);
afterAll(() => t?.drop());

function decision(type: FlagType, severity: Severity, n: number): FlagDecision {
  return {
    type,
    severity,
    title: `${type} #${n}`,
    description: `incident ${n}`,
    recommendedAction: 'talk',
    metrics: { n, [`m${n % 3}`]: n },
  };
}

/** The scenario, for tutors `${ns}-a|b|c`: [inputs raised beforehand one by one, inputs of the batch]. */
function scenario(ns: string): [RaiseFlagInput[], RaiseFlagInput[]] {
  const input = (tutor: string, type: FlagType, severity: Severity, n: number, key = `s${n}`) => ({
    tutorId: `${ns}-${tutor}`,
    decision: decision(type, severity, n),
    sessionId: `ses-${n}`,
    evidenceKey: `session:${key}`,
    at: at(n),
  });
  const before = [
    input('a', 'tutor_late', 'medium', 1),
    input('b', 'tutor_no_show', 'critical', 2),
    input('b', 'tutor_no_show', 'critical', 3),
  ];
  const batch = [
    // a: an open flag gets new evidence, escalates, then gets a replay of evidence it already has.
    input('a', 'tutor_late', 'medium', 10),
    input('a', 'tutor_late', 'high', 11),
    input('a', 'tutor_late', 'medium', 1),
    // c: no flag yet: the first opens it, the next add to it, one repeats within the batch.
    input('c', 'session_ended_early', 'medium', 12),
    input('c', 'session_ended_early', 'high', 13),
    input('c', 'session_ended_early', 'high', 13),
    input('c', 'tutor_late', 'high', 14),
    // b: only replays of what is recorded, interleaved with the others (order must not matter).
    input('b', 'tutor_no_show', 'critical', 3),
    input('a', 'tutor_no_show', 'critical', 15),
    input('b', 'tutor_no_show', 'critical', 2),
  ];
  return [before, batch];
}

async function snapshot(ns: string) {
  const ids = ['a', 'b', 'c'].map((x) => `${ns}-${x}`);
  const rows = await db()
    .select()
    .from(flags)
    .where(inArray(flags.tutorId, ids))
    .orderBy(asc(flags.tutorId), asc(flags.flagType));
  const byId = new Map(rows.map((f) => [f.id, `${f.tutorId.slice(ns.length)}/${f.flagType}`]));
  const evs = await db()
    .select()
    .from(flagEvents)
    .where(
      inArray(
        flagEvents.flagId,
        rows.map((f) => f.id),
      ),
    );
  return {
    flags: rows.map(({ id: _id, tutorId, ...rest }) => ({ tutor: tutorId.slice(ns.length), ...rest })),
    events: evs
      .map(({ id: _id, flagId, ...rest }) => ({ flag: byId.get(flagId), ...rest }))
      .sort((x, y) => `${x.flag}${x.dedupeKey}`.localeCompare(`${y.flag}${y.dedupeKey}`)),
  };
}

describe('raiseFlags', () => {
  it('leaves the same flags, events and outcomes as raiseFlag one input at a time', async () => {
    const [seqBefore, seqBatch] = scenario('seq');
    const [batBefore, batBatch] = scenario('bat');
    for (const i of [...seqBefore, ...batBefore]) await raiseFlag(db(), i);

    const one: Array<{ outcome: string; flagKey: string }> = [];
    await db().transaction(async (tx) => {
      for (const i of seqBatch) {
        const r = await raiseFlag(tx, i);
        one.push({ outcome: r.outcome, flagKey: `${i.tutorId.slice(3)}/${r.flag.flagType}` });
      }
    });
    const many = await db().transaction((tx) => raiseFlags(tx, batBatch));

    expect(
      many.map((r, k) => ({
        outcome: r.outcome,
        flagKey: `${batBatch[k]!.tutorId.slice(3)}/${r.flag.flagType}`,
      })),
    ).toEqual(one);
    expect(many.map((r) => r.outcome)).toEqual([
      'evidence_added',
      'escalated',
      'unchanged',
      'raised',
      'escalated',
      'unchanged',
      'raised',
      'unchanged',
      'raised',
      'unchanged',
    ]);
    const [seq, bat] = [await snapshot('seq'), await snapshot('bat')];
    expect(bat).toEqual(seq);
    // Sanity of the scenario itself: a's lateness flag escalated to high with three sessions.
    const aLate = bat.flags.find((f) => f.tutor === '-a' && f.flagType === 'tutor_late')!;
    expect(aLate).toMatchObject({ severity: 'high', occurrences: 3 });
    expect(aLate.supportingData.sessions).toEqual(['ses-11', 'ses-10', 'ses-1']);
  });

  it('does nothing for no inputs and refuses inputs without evidence keys', async () => {
    await expect(raiseFlags(db(), [])).resolves.toEqual([]);
    await expect(
      raiseFlags(db(), [
        {
          tutorId: 'bat-a',
          decision: decision('tutor_late', 'low', 1),
          sessionId: null,
          evidenceKey: null,
          at: T0,
        },
      ]),
    ).rejects.toThrow(/evidenceKey/);
  });
});
