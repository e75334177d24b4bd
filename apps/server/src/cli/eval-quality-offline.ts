/**
 * The offline quality evaluation (`npm run eval:quality -- --offline`): the pattern rules replayed in memory
 * over generated data, without a database, so scale 1 (3,000 sessions a day for 90 days) takes a minute or two
 * a seed instead of an hour through the pipeline. It follows what the live evaluation does: every session is
 * judged by the tier 1 rules (`evaluateSession`), sessions arrive in the order they ended, and after each one
 * its tutor's pattern flags are decided (`evaluatePatterns`) over windows ending at the evaluation's `now`,
 * counting only the sessions that have arrived. A tutor counts as flagged for a type if any decision raised it.
 *
 * The `sliding` mode replays production instead: windows end at the moment each session arrives, and every
 * night the auto-resolution rule (`decideAutoResolution`) closes pattern flags whose tutor has been back under
 * the threshold for a full window; a flag raised again afterwards is a new flag. It reports how many flags
 * resolved themselves, and of those how many belonged to a planted tutor (who should keep theirs).
 */
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import {
  decideAutoResolution,
  evaluatePatterns,
  evaluateSession,
  isPatternFlagType,
  type PatternFlagType,
  type WindowTally,
  type QualityThresholds,
} from '../modules/quality/index';
import type { DemoDataset } from './seed/generate';

const DAY_MS = 86_400_000;

/** One session reduced to what the pattern windows count. */
type Compact = {
  tutor: string;
  start: number;
  end: number;
  joined: boolean;
  bothJoined: boolean;
  noShow: boolean;
  late: boolean;
  early: boolean;
  tutorResched: boolean;
  firstRated: boolean;
  poorFirst: boolean;
};

/** The tier 1 rules over one payload, mapped as the sessions module stores it (toSessionRecord). */
function compact(p: TWebhookPayload, t: QualityThresholds): Compact {
  const d = (s: string | null | undefined) => (s ? new Date(s) : null);
  const facts = {
    sessionId: p.session_id,
    tutorId: p.tutor_id,
    start: new Date(p.session_start_time),
    end: new Date(p.session_end_time),
    tutorJoin: d(p.tutor_join_time),
    studentJoin: d(p.student_join_time),
    tutorLeave: d(p.tutor_leave_time),
    studentLeave: d(p.student_leave_time),
    isFirstSession: p.is_first_session,
    studentRating: p.student_feedback?.rating ?? null,
    wasRescheduled: p.was_rescheduled,
    rescheduledBy: p.rescheduled_by ?? p.reschedule?.initiator ?? null,
  };
  const found = new Set(evaluateSession(facts, t).map((f) => f.type));
  return {
    tutor: p.tutor_id,
    start: facts.start.getTime(),
    end: facts.end.getTime(),
    joined: facts.tutorJoin !== null,
    bothJoined: facts.tutorJoin !== null && facts.studentJoin !== null,
    noShow: found.has('tutor_no_show'),
    late: found.has('tutor_late'),
    early: found.has('session_ended_early'),
    tutorResched: facts.wasRescheduled && facts.rescheduledBy === 'tutor',
    firstRated: facts.isFirstSession && facts.studentRating !== null,
    poorFirst: found.has('poor_first_session'),
  };
}

const emptyTally = (): WindowTally => ({
  sessions: 0,
  joined: 0,
  bothJoined: 0,
  noShows: 0,
  late: 0,
  earlyEnds: 0,
  tutorReschedules: 0,
  firstRated: 0,
  poorFirst: 0,
});

/** Counts of a tutor's sessions that started in (from, to] and had ended (arrived) by `arrivedBy`. */
function tally(list: Compact[], from: number, to: number, arrivedBy: number): WindowTally {
  const c = emptyTally();
  for (const s of list) {
    if (s.start <= from || s.start > to || s.end > arrivedBy) continue;
    c.sessions++;
    if (s.joined) c.joined++;
    if (s.bothJoined) c.bothJoined++;
    if (s.noShow) c.noShows++;
    if (s.late) c.late++;
    if (s.early) c.earlyEnds++;
    if (s.tutorResched) c.tutorReschedules++;
    if (s.firstRated) c.firstRated++;
    if (s.poorFirst) c.poorFirst++;
  }
  return c;
}

export type OfflineReplay = {
  sessions: number;
  /** Tutor ids flagged at some point, per flag type. */
  flagged: Map<string, Set<string>>;
  /** Sliding mode: flags that resolved themselves, per type, and the tutors they belonged to. */
  autoResolved: Array<{ type: PatternFlagType; tutorId: string; at: Date }>;
};

/** Replays the pattern rules over a generated dataset (see the file comment). */
export function replayPatterns(
  dataset: DemoDataset,
  opts: { thresholds: QualityThresholds; mode: 'fixed' | 'sliding'; now: Date },
): OfflineReplay {
  const t = opts.thresholds;
  const byTutor = new Map<string, Compact[]>();
  const all: Compact[] = [];
  const it = dataset.generateSessions();
  for (let step = it.next(); !step.done; step = it.next()) {
    const c = compact(step.value, t);
    all.push(c);
    let list = byTutor.get(c.tutor);
    if (!list) byTutor.set(c.tutor, (list = []));
    list.push(c);
  }
  all.sort((a, b) => a.end - b.end);
  const nowMs = opts.now.getTime();
  const flagged = new Map<string, Set<string>>();
  const autoResolved: OfflineReplay['autoResolved'] = [];
  /** Sliding mode: open pattern flags per tutor and type, with when the rule last confirmed them. */
  const open = new Map<string, Map<PatternFlagType, number>>();

  const decide = (tutor: string, at: number) => {
    const list = byTutor.get(tutor)!;
    const windowEnd = opts.mode === 'fixed' ? nowMs : at;
    const c30 = tally(list, windowEnd - t.patternWindowDays * DAY_MS, windowEnd, at);
    const c90 = tally(list, windowEnd - t.firstSessionWindowDays * DAY_MS, windowEnd, at);
    const decisions = evaluatePatterns(
      {
        sessions30: c30.sessions,
        joined30: c30.joined,
        bothJoined30: c30.bothJoined,
        noShows30: c30.noShows,
        late30: c30.late,
        earlyEnds30: c30.earlyEnds,
        tutorReschedules30: c30.tutorReschedules,
        firstRated90: c90.firstRated,
        poorFirst90: c90.poorFirst,
      },
      t,
    );
    for (const d of decisions) {
      let set = flagged.get(d.type);
      if (!set) flagged.set(d.type, (set = new Set()));
      set.add(tutor);
      if (isPatternFlagType(d.type)) {
        let m = open.get(tutor);
        if (!m) open.set(tutor, (m = new Map()));
        m.set(d.type, at);
      }
    }
  };

  // Nightly auto-resolution (sliding mode), at 02:00 UTC as tier 3 runs.
  const firstNight = Math.floor((all[0]?.end ?? nowMs) / DAY_MS) * DAY_MS + 2 * 3_600_000;
  let nextNight = firstNight;
  const resolveNight = (night: number) => {
    for (const [tutor, m] of open) {
      for (const [type, lastConfirmed] of m) {
        const list = byTutor.get(tutor)!;
        const window = tally(list, night - t.autoResolveWindowDays * DAY_MS, night, night);
        const r = decideAutoResolution(
          { type, lastConfirmedAt: new Date(lastConfirmed), now: new Date(night), window },
          t,
        );
        if (r.resolve) {
          m.delete(type);
          autoResolved.push({ type, tutorId: tutor, at: new Date(night) });
        }
      }
    }
  };

  for (const s of all) {
    if (opts.mode === 'sliding') {
      while (nextNight <= s.end) {
        resolveNight(nextNight);
        nextNight += DAY_MS;
      }
    }
    decide(s.tutor, s.end);
  }
  // The final pass (tier 3 rescoring every tutor at the end of the evaluation).
  for (const tutor of byTutor.keys()) decide(tutor, nowMs);
  if (opts.mode === 'sliding') {
    while (nextNight <= nowMs) {
      resolveNight(nextNight);
      nextNight += DAY_MS;
    }
  }
  return { sessions: all.length, flagged, autoResolved };
}
