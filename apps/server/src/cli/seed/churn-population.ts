/**
 * A synthetic customer population with planted churn causes, for the churn model's tests and `npm run
 * eval:churn` (pure: no I/O). The demo seed can call it or mirror it when it grows customers, support calls and
 * goals; its output is the churn library's own `CustomerHistory`, the shape the operations module will build
 * from the database.
 *
 * Everything is a function of (seed, customers, days, end). Per customer:
 * - signs up uniformly in [end − days, end − 7 days], through a channel (organic 35 %, paid search 25 %,
 *   social 15 %, referral 15 %, partner 10 %), and books at a weekly rate drawn from a log-normal around
 *   1.4 (0.4–5), at most one session a day, with a primary tutor; 30 % take one pause of 14–40 days.
 * - tutors: one per 25 customers (at least 40), quality score ~N(80, 6), 12 % weak (~N(55, 6)) and 8 %
 *   unreliable (6 % no-shows, 12 % reschedules against 1 % and 4 %); scores recomputed every 30 days with a
 *   little drift; ratings ~N(2.6 + score/50, 0.8) rounded into 1–5, on 65 % of sessions.
 * - background noise everyone gets: 3 % student no-shows, 2 % student reschedules, 1.5 % of sessions move
 *   to a new primary tutor, 4 % of first sessions with a new tutor rated 1–2, support calls at a personal rate
 *   (a Poisson process, ~1 per 100 days), goals every ~60 days completed with a probability that grows with engagement.
 * - silent churn (no planted cause): a daily hazard of 1/1100 × channel (referral 0.7, partner 0.9, organic 1,
 *   paid search 1.3, social 1.5) × 2 in the first 45 days × (1.6 − engagement) × 1.8 with a weak primary tutor.
 * - planted churn (30 % of customers), each with one cause, then no session after the churn date D:
 *   - poor_first_session: the very first session is rated 1–2, D = 3–21 days later (at most one more session);
 *   - tutor_no_shows: 2–3 of the sessions in the 35 days before D are tutor no-shows;
 *   - tutor_switching: in the 42 days before D each session moves to another tutor with probability 0.6
 *     (at least 3 different tutors);
 *   - support_call_spike: 3–5 support calls in the 18 days before D;
 *   - falling_frequency: over the 63 days before D the weekly rate falls linearly to a fifth.
 *   D is 45 days + an exponential with mean 240 days after sign-up (first-session causes: see above); a churn
 *   date after `end` never happens in the data. If silent churn comes first, the customer is a silent churner.
 */
import type { FactorKey } from '../../modules/operations/index';
import type {
  CustomerHistory,
  Goal,
  SessionRecord,
  SupportCall,
  TutorScoreRecord,
} from '../../modules/operations/index';
import { createRng, createWeightedPicker, type Rng } from './random';

export const CHURN_CAUSES = [
  'poor_first_session',
  'tutor_no_shows',
  'tutor_switching',
  'support_call_spike',
  'falling_frequency',
] as const;
export type ChurnCause = (typeof CHURN_CAUSES)[number];

/** The model factors whose words name each planted cause: a cause is "found" when one is in the top 3. */
export const CAUSE_FACTORS: Record<ChurnCause, readonly FactorKey[]> = {
  poor_first_session: ['poor_first_sessions_90d'],
  tutor_no_shows: ['tutor_no_shows_90d'],
  tutor_switching: ['tutor_switches_90d'],
  support_call_spike: ['support_calls_14d', 'support_calls_90d'],
  falling_frequency: ['sessions_per_week', 'sessions_per_week_change'],
};

export type CustomerTruth = {
  fate: 'retained' | 'silent_churn' | 'planted_churn';
  cause: ChurnCause | null;
  /** When the customer stops (no session after it); null when that is after `end`. */
  churnAt: Date | null;
  /** The span of the planted cause's events: the cause is observable at a cut-off ≥ causeUntil. */
  causeFrom: Date | null;
  causeUntil: Date | null;
};

export type ChurnPopulation = {
  seed: number;
  start: Date;
  /** The data is complete up to here (the `observedUntil` of the snapshots). */
  end: Date;
  customers: CustomerHistory[];
  truth: Map<string, CustomerTruth>;
};

export type ChurnPopulationOptions = {
  seed?: number;
  customers?: number;
  days?: number;
  end?: Date;
  /** Share of customers with a planted cause. */
  plantedShare?: number;
};

export const CHURN_POPULATION_DEFAULTS = {
  seed: 11,
  customers: 10_000,
  days: 540,
  end: new Date('2026-12-01T00:00:00.000Z'),
  plantedShare: 0.3,
};

/** Mean days to silent churn for a typical customer (before the channel, engagement and tutor factors). */
const SILENT_HAZARD_DAYS = 1100;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CHANNELS = ['organic', 'paid_search', 'social', 'referral', 'partner'] as const;
const CHANNEL_WEIGHTS = [0.35, 0.25, 0.15, 0.15, 0.1];
const CHANNEL_HAZARD: Record<(typeof CHANNELS)[number], number> = {
  organic: 1,
  paid_search: 1.3,
  social: 1.5,
  referral: 0.7,
  partner: 0.9,
};

type Tutor = {
  id: string;
  score: number;
  weak: boolean;
  noShowRate: number;
  rescheduleRate: number;
  scores: TutorScoreRecord[];
};

function createTutors(rng: Rng, count: number, start: number, end: number): Tutor[] {
  const tutors: Tutor[] = [];
  for (let i = 0; i < count; i++) {
    const weak = rng.bernoulli(0.12);
    const unreliable = rng.bernoulli(0.08);
    const score = clamp(weak ? rng.normal(55, 6) : rng.normal(80, 6), 30, 99);
    const id = `tutor-${String(i + 1).padStart(4, '0')}`;
    const scores: TutorScoreRecord[] = [];
    let s = score;
    for (let t = start; t <= end; t += 30 * DAY) {
      s = clamp(s + rng.normal(0, 1.5), 20, 100);
      scores.push({ tutorId: id, at: new Date(t), score: Math.round(s * 10) / 10 });
    }
    tutors.push({
      id,
      score,
      weak,
      noShowRate: unreliable ? 0.06 : 0.01,
      rescheduleRate: unreliable ? 0.12 : 0.04,
      scores,
    });
  }
  return tutors;
}

export function generateChurnPopulation(options: ChurnPopulationOptions = {}): ChurnPopulation {
  const o = { ...CHURN_POPULATION_DEFAULTS, ...options };
  if (!(o.customers > 0) || !(o.days > 60)) throw new RangeError('need customers > 0 and days > 60');
  const end = o.end.getTime();
  const start = end - o.days * DAY;
  const rng = createRng(`churn/${o.seed}`);
  const tutors = createTutors(rng.fork('tutors'), Math.max(40, Math.round(o.customers / 25)), start, end);
  const pickChannel = createWeightedPicker(CHANNELS, CHANNEL_WEIGHTS);
  const customers: CustomerHistory[] = [];
  const truth = new Map<string, CustomerTruth>();
  for (let i = 0; i < o.customers; i++) {
    const id = `customer-${String(i + 1).padStart(6, '0')}`;
    const r = rng.fork(id);
    const { history, truth: t } = simulateCustomer(r, id, tutors, pickChannel(r), start, end, o.plantedShare);
    customers.push(history);
    truth.set(id, t);
  }
  return { seed: o.seed, start: new Date(start), end: new Date(end), customers, truth };
}

function simulateCustomer(
  rng: Rng,
  customerId: string,
  tutors: readonly Tutor[],
  channel: (typeof CHANNELS)[number],
  start: number,
  end: number,
  plantedShare: number,
): { history: CustomerHistory; truth: CustomerTruth } {
  const signup = start + Math.floor(rng.next() * (end - 7 * DAY - start));
  const weeklyRate = clamp(Math.exp(rng.normal(Math.log(1.4), 0.45)), 0.4, 5);
  const engagement = rng.next();
  const pickTutor = (except?: string): Tutor => {
    for (;;) {
      const t = rng.pick(tutors);
      if (t.id !== except) return t;
    }
  };
  let primary = pickTutor();
  const firstTutorWeak = primary.weak;
  const firstSessionDay = dayStart(signup) + rng.int(1, 7) * DAY;

  // When does the customer stop? Planted cause first, then a silent hazard that may come earlier.
  const cause: ChurnCause | null = rng.bernoulli(plantedShare) ? rng.pick(CHURN_CAUSES) : null;
  let plannedChurn = Infinity;
  if (cause === 'poor_first_session') plannedChurn = firstSessionDay + rng.int(3, 21) * DAY;
  else if (cause) plannedChurn = signup + 45 * DAY - Math.log(1 - rng.next()) * 240 * DAY;
  // Silent churn: a piecewise-constant hazard (doubled in the first 45 days), drawn by inverting its integral.
  const hazard =
    (1 / SILENT_HAZARD_DAYS) * CHANNEL_HAZARD[channel] * (1.6 - engagement) * (firstTutorWeak ? 1.8 : 1);
  const exposure = -Math.log(1 - rng.next());
  const earlyDays = 45;
  const silentDays =
    exposure < 2 * hazard * earlyDays
      ? exposure / (2 * hazard)
      : earlyDays + (exposure - 2 * hazard * earlyDays) / hazard;
  const silentChurn = signup + silentDays * DAY;
  const silentFirst = silentChurn < plannedChurn;
  const churnAt = Math.min(plannedChurn, silentChurn);
  const planted = cause !== null && !silentFirst;
  const stop = Math.min(churnAt, end);

  // Session days.
  const pause = rng.bernoulli(0.3)
    ? (() => {
        const from = signup + rng.next() * Math.max(0, end - signup);
        return { from, to: from + rng.int(14, 40) * DAY };
      })()
    : null;
  const days: number[] = [];
  for (let d = firstSessionDay; d < stop; d += DAY) {
    if (pause && d >= pause.from && d < pause.to && days.length > 0) continue;
    let rate = weeklyRate / 7;
    if (planted && cause === 'falling_frequency' && d >= churnAt - 63 * DAY)
      rate *= 1 - 0.8 * ((d - (churnAt - 63 * DAY)) / (63 * DAY));
    if (days.length === 0 || rng.bernoulli(Math.min(0.9, rate))) days.push(d);
  }
  if (planted && cause === 'poor_first_session') days.splice(rng.bernoulli(0.5) ? 2 : 1);

  let causeFrom: number | null = null;
  let causeUntil: number | null = null;
  // Planted no-shows need a few sessions to fall on: add days in the window when it has fewer than 3.
  if (planted && cause === 'tutor_no_shows' && churnAt <= end) {
    const from = churnAt - 35 * DAY;
    for (let tries = 0; tries < 100 && days.filter((d) => d >= from).length < 3; tries++) {
      const d = dayStart(from + rng.next() * 34 * DAY);
      if (d >= firstSessionDay && d < stop && !days.includes(d)) days.push(d);
      else if (d < firstSessionDay) break;
    }
    days.sort((a, b) => a - b);
  }

  const sessions: SessionRecord[] = [];
  const seenTutors = new Set<string>();
  for (const d of days) {
    const startsAt = d + (15 + rng.int(0, 10) / 2) * HOUR;
    if (startsAt + HOUR > stop) break; // the churn (or the data's end) falls earlier that day
    const inSwitchWindow = planted && cause === 'tutor_switching' && d >= churnAt - 42 * DAY;
    if (inSwitchWindow ? rng.bernoulli(0.6) : sessions.length > 0 && rng.bernoulli(0.015))
      primary = pickTutor(primary.id);
    const tutor = primary;
    const isFirstSession = !seenTutors.has(tutor.id);
    seenTutors.add(tutor.id);
    const u = rng.next();
    const status: SessionRecord['status'] =
      u < tutor.noShowRate ? 'tutor_no_show' : u < tutor.noShowRate + 0.03 ? 'student_no_show' : 'completed';
    const session: SessionRecord = {
      tutorId: tutor.id,
      startsAt: new Date(startsAt),
      endsAt: new Date(startsAt + HOUR),
      status,
      isFirstSession,
    };
    if (status === 'completed' && rng.bernoulli(0.65)) {
      const poor = isFirstSession && rng.bernoulli(0.04);
      session.rating = poor
        ? rng.int(1, 2)
        : clamp(Math.round(rng.normal(2.6 + tutor.score / 50, 0.8)), 1, 5);
      session.ratedAt = new Date(startsAt + HOUR + rng.int(1, 48) * HOUR);
    }
    const v = rng.next();
    if (v < tutor.rescheduleRate)
      session.reschedule = { by: 'tutor', requestedAt: new Date(startsAt - rng.int(2, 72) * HOUR) };
    else if (v < tutor.rescheduleRate + 0.02)
      session.reschedule = { by: 'student', requestedAt: new Date(startsAt - rng.int(2, 72) * HOUR) };
    sessions.push(session);
  }

  const supportCalls: SupportCall[] = [];
  const callRate = Math.exp(rng.normal(Math.log(1 / 100), 0.5));
  for (
    let at = signup - (Math.log(1 - rng.next()) / callRate) * DAY;
    at < stop;
    at -= (Math.log(1 - rng.next()) / callRate) * DAY
  )
    supportCalls.push({ at: new Date(at) });

  if (planted && churnAt <= end) {
    switch (cause) {
      case 'poor_first_session': {
        const first = sessions[0];
        if (first) {
          first.status = 'completed';
          first.rating = rng.int(1, 2);
          first.ratedAt = new Date(first.endsAt.getTime() + rng.int(1, 24) * HOUR);
          causeFrom = first.startsAt.getTime();
          causeUntil = first.ratedAt.getTime();
        }
        break;
      }
      case 'tutor_no_shows': {
        const window = sessions.filter((s) => s.startsAt.getTime() >= churnAt - 35 * DAY);
        const chosen = rng.shuffle(window).slice(0, rng.int(2, 3));
        for (const s of chosen) {
          s.status = 'tutor_no_show';
          delete s.rating;
          delete s.ratedAt;
        }
        if (chosen.length > 0) {
          causeFrom = Math.min(...chosen.map((s) => s.startsAt.getTime()));
          causeUntil = Math.max(...chosen.map((s) => s.endsAt.getTime()));
        }
        break;
      }
      case 'tutor_switching': {
        const window = sessions.filter((s) => s.startsAt.getTime() >= churnAt - 42 * DAY);
        // At least three different tutors in the window, whatever the draws gave: move the latest sessions
        // whose tutor the customer had already seen before them to tutors new to the customer.
        for (let k = window.length - 1; k >= 0 && new Set(window.map((w) => w.tutorId)).size < 3; k--) {
          const s = window[k] as SessionRecord;
          const index = sessions.indexOf(s);
          if (!sessions.slice(0, index).some((o) => o.tutorId === s.tutorId)) continue;
          let t = pickTutor(s.tutorId);
          for (let tries = 0; tries < 50 && seenTutors.has(t.id); tries++) t = pickTutor(s.tutorId);
          s.tutorId = t.id;
          s.isFirstSession = true;
          seenTutors.add(t.id);
        }
        if (window.length > 0) {
          causeFrom = (window[0] as SessionRecord).startsAt.getTime();
          causeUntil = (window[window.length - 1] as SessionRecord).endsAt.getTime();
        }
        break;
      }
      case 'support_call_spike': {
        const n = rng.int(3, 5);
        const calls: number[] = [];
        for (let k = 0; k < n; k++) calls.push(churnAt - rng.next() * 18 * DAY);
        for (const at of calls) supportCalls.push({ at: new Date(at) });
        supportCalls.sort((a, b) => a.at.getTime() - b.at.getTime());
        causeFrom = Math.min(...calls);
        causeUntil = Math.max(...calls);
        break;
      }
      case 'falling_frequency':
        causeFrom = churnAt - 63 * DAY;
        causeUntil = churnAt;
        break;
      default:
        break;
    }
  }

  // A cause with nothing to fall on (no session in its window) was never planted: the customer just left.
  const causePlanted = planted && churnAt <= end && causeUntil !== null;

  const goals: Goal[] = [];
  const completion = 0.3 + 0.5 * engagement;
  for (let g = signup + rng.int(0, 14) * DAY; g < stop; g += (20 - Math.log(1 - rng.next()) * 40) * DAY) {
    const done = rng.bernoulli(completion) ? g + rng.int(10, 50) * DAY : Infinity;
    goals.push({ setAt: new Date(g), completedAt: done < stop ? new Date(done) : null });
  }

  const tutorScores = tutors
    .filter((t) => seenTutors.has(t.id))
    .flatMap((t) => t.scores.filter((s) => s.at.getTime() >= signup - 30 * DAY));

  return {
    history: {
      customerId,
      signedUpAt: new Date(signup),
      channel,
      sessions,
      supportCalls,
      goals,
      tutorScores,
    },
    truth: {
      fate: churnAt > end ? 'retained' : causePlanted ? 'planted_churn' : 'silent_churn',
      cause: causePlanted ? cause : null,
      churnAt: churnAt <= end ? new Date(churnAt) : null,
      causeFrom: causeFrom === null ? null : new Date(causeFrom),
      causeUntil: causeUntil === null ? null : new Date(causeUntil),
    },
  };
}

const dayStart = (t: number) => Math.floor(t / DAY) * DAY;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
