/**
 * The demo seed's customers (pure, no I/O): the paying accounts of the generated students, their acquisition
 * channels, plans, goals and support calls, and planted churners with a known cause written into the session
 * history itself. `planDemoCustomers` draws everything from the seed; `applyCustomerPlan` wraps the session
 * generator and edits the stream:
 *
 * - every planted churner's students have no session after the churn date (dropped);
 * - poor_first_session: their students' first session in the 30 days before churning is rated 1;
 * - tutor_no_shows: 2–3 of their sessions in the 30 days before churning become tutor no-shows;
 * - tutor_switching: their sessions in the 45 days before churning rotate among other tutors of the subject
 *   (each new pairing starts with a first session);
 * - support_call_spike: 4–6 support calls in the 14 days before churning (in the plan, not the sessions);
 * - falling_frequency: their sessions in the 42 days before churning thin out, from none dropped to 85 %.
 *
 * Sessions of tutors with a planted quality behaviour are never edited (their planted rates stay exact), and
 * no session is moved to such a tutor. The truth (customer → cause, churn date, cause window) is returned for
 * the ground-truth file, so an evaluation can check the cause is among a churner's top 3 risk factors.
 */
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import type { Behaviour, SessionStats, StudentRow, TutorRow } from './generate';
import { createRng, type Rng } from './random';

const DAY = 86_400_000;

export const DEMO_CHURN_CAUSES = [
  'poor_first_session',
  'tutor_no_shows',
  'tutor_switching',
  'support_call_spike',
  'falling_frequency',
] as const;
export type DemoChurnCause = (typeof DEMO_CHURN_CAUSES)[number];

const CHANNELS = ['organic', 'paid_search', 'social', 'referral', 'partner'] as const;
const CHANNEL_WEIGHTS = [0.3, 0.25, 0.15, 0.2, 0.1];
const PLANS = ['monthly-4', 'monthly-8', 'pay-as-you-go'] as const;
const PLAN_WEIGHTS = [0.45, 0.25, 0.3];
const CALL_REASONS = ['billing', 'scheduling', 'tutor_issue', 'technical', 'other'] as const;
/** Share of customers planted as churners (with a cause); spread evenly over the causes. */
const PLANTED_CHURN_SHARE = 0.06;

export type DemoCustomer = {
  customerId: string;
  name: string;
  email: string;
  kind: 'family' | 'adult_learner';
  signupDate: Date;
  channel: string;
  plan: string;
  studentIds: string[];
};
export type DemoGoal = {
  goalId: string;
  customerId: string;
  studentId: string;
  title: string;
  subjectId: string | null;
  setAt: Date;
  targetDate: Date;
  completedAt: Date | null;
};
export type DemoSupportCall = {
  callId: string;
  customerId: string;
  calledAt: Date;
  reasonCode: string;
  durationSeconds: number;
  resolved: boolean;
};
export type PlantedChurner = {
  customer_id: string;
  cause: DemoChurnCause;
  /** No session of the customer's students after this. */
  churn_at: string;
  /** The cause's events happen in [cause_from, cause_until]. */
  cause_from: string;
  cause_until: string;
};

export type CustomerPlan = {
  customers: DemoCustomer[];
  goals: DemoGoal[];
  supportCalls: DemoSupportCall[];
  churners: PlantedChurner[];
  /** student id → the churner plan of their customer. */
  churnerOfStudent: Map<string, { cause: DemoChurnCause; churnAt: number; customerId: string }>;
  /** Tutors whose sessions are never edited (planted quality behaviours). */
  protectedTutors: Set<string>;
  /** Unplanted tutors per subject, for tutor switching. */
  tutorsBySubject: Map<string, string[]>;
  seed: number;
};

export function planDemoCustomers(input: {
  seed: number;
  students: readonly StudentRow[];
  tutors: readonly TutorRow[];
  behaviours: Record<Behaviour, string[]>;
  windowStart: Date;
  now: Date;
}): CustomerPlan {
  const rng = createRng(input.seed).fork('customers');
  const customers: DemoCustomer[] = [];
  const students = [...input.students];
  let i = 0;
  let n = 0;
  while (i < students.length) {
    const adult = rng.bernoulli(0.25);
    const size = adult ? 1 : rng.pickWeighted([1, 2, 3], [0.5, 0.35, 0.15]);
    const members = students.slice(i, i + size);
    i += size;
    n++;
    const head = members[0]!;
    const family = head.name.split(' ').slice(-1)[0] ?? 'Family';
    customers.push({
      customerId: `cus_${String(n).padStart(6, '0')}`,
      name: adult ? head.name : `The ${family} family`,
      email: head.email.replace('@students.', '@customers.'),
      kind: adult ? 'adult_learner' : 'family',
      signupDate: new Date(Math.min(...members.map((m) => m.signedUpAt.getTime()))),
      channel: rng.pickWeighted(CHANNELS, CHANNEL_WEIGHTS),
      plan: rng.pickWeighted(PLANS, PLAN_WEIGHTS),
      studentIds: members.map((m) => m.id),
    });
  }

  const start = input.windowStart.getTime();
  const end = input.now.getTime();
  const goals: DemoGoal[] = [];
  const supportCalls: DemoSupportCall[] = [];
  let callN = 0;
  const addCall = (customerId: string, at: number, r: Rng, reason?: string) =>
    supportCalls.push({
      callId: `call_${String(++callN).padStart(7, '0')}`,
      customerId,
      calledAt: new Date(Math.floor(at / 1000) * 1000),
      reasonCode: reason ?? r.pickWeighted(CALL_REASONS, [0.3, 0.3, 0.15, 0.15, 0.1]),
      durationSeconds: r.int(60, 1800),
      resolved: r.bernoulli(0.8),
    });

  // Planted churners: customers who were there before the window's 5th week, churning in its last 8 weeks.
  const protectedTutors = new Set(Object.values(input.behaviours).flat());
  const eligible = customers.filter((c) => c.signupDate.getTime() < start + 7 * DAY);
  const churnCount = Math.round(customers.length * PLANTED_CHURN_SHARE);
  const chosen = rng.shuffle(eligible).slice(0, churnCount);
  const churners: PlantedChurner[] = [];
  const churnerOfStudent: CustomerPlan['churnerOfStudent'] = new Map();
  const churnAtOf = new Map<string, { cause: DemoChurnCause; churnAt: number }>();
  chosen.forEach((c, k) => {
    const cause = DEMO_CHURN_CAUSES[k % DEMO_CHURN_CAUSES.length]!;
    // Between day 35 and a week before the end: the cause needs weeks before it, the absence days after it.
    const churnAt = Math.floor(rng.float(start + 35 * DAY, end - 7 * DAY) / 1000) * 1000;
    const span =
      cause === 'support_call_spike'
        ? 14
        : cause === 'tutor_switching'
          ? 45
          : cause === 'falling_frequency'
            ? 42
            : 30;
    churners.push({
      customer_id: c.customerId,
      cause,
      churn_at: new Date(churnAt).toISOString(),
      cause_from: new Date(churnAt - span * DAY).toISOString(),
      cause_until: new Date(churnAt).toISOString(),
    });
    churnAtOf.set(c.customerId, { cause, churnAt });
    for (const s of c.studentIds) churnerOfStudent.set(s, { cause, churnAt, customerId: c.customerId });
  });

  for (const c of customers) {
    const r = rng.fork(c.customerId);
    const planted = churnAtOf.get(c.customerId);
    // Goals: one or two per student, set after signup; completion is likelier for customers who stay.
    for (const studentId of c.studentIds) {
      const count = r.int(1, 2);
      for (let g = 0; g < count; g++) {
        const setAt = Math.max(c.signupDate.getTime(), start - 120 * DAY) + r.float(1, 30) * DAY;
        if (setAt > end) continue;
        const target = setAt + r.float(30, 120) * DAY;
        const doneP = planted ? 0.1 : 0.55;
        const doneAt = setAt + r.float(14, 90) * DAY;
        goals.push({
          goalId: `goal_${c.customerId.slice(4)}_${studentId.slice(-6)}_${g}`,
          customerId: c.customerId,
          studentId,
          title: r.pick([
            'Raise the grade by one letter',
            'Pass the exam',
            'Finish the course',
            'Homework on time',
          ]),
          subjectId: null,
          setAt: new Date(Math.floor(setAt / 1000) * 1000),
          targetDate: new Date(Math.floor(target / 1000) * 1000),
          completedAt:
            r.bernoulli(doneP) && doneAt < end && (!planted || doneAt < planted.churnAt)
              ? new Date(Math.floor(doneAt / 1000) * 1000)
              : null,
        });
      }
    }
    // Background support calls: about one per customer per 90 days.
    const from = Math.max(start, c.signupDate.getTime());
    const until = planted ? planted.churnAt : end;
    const calls = r.poisson(((until - from) / DAY / 90) * 0.9);
    for (let k = 0; k < calls; k++) addCall(c.customerId, r.float(from, until), r);
    if (planted?.cause === 'support_call_spike') {
      const spike = r.int(4, 6);
      for (let k = 0; k < spike; k++)
        addCall(
          c.customerId,
          planted.churnAt - r.float(0.5, 14) * DAY,
          r,
          r.pick(['billing', 'tutor_issue', 'scheduling']),
        );
    }
  }
  supportCalls.sort((a, b) => a.calledAt.getTime() - b.calledAt.getTime());

  const tutorsBySubject = new Map<string, string[]>();
  for (const t of input.tutors) {
    if (protectedTutors.has(t.id)) continue;
    for (const s of t.subjectIds) tutorsBySubject.set(s, [...(tutorsBySubject.get(s) ?? []), t.id]);
  }
  return {
    customers,
    goals,
    supportCalls,
    churners,
    churnerOfStudent,
    protectedTutors,
    tutorsBySubject,
    seed: input.seed,
  };
}

/** Counts over the payloads actually emitted, so the ground truth's counts match the edited stream. */
function recount(
  stats: SessionStats,
  out: {
    sessions: number;
    first: number;
    resched: number;
    tutorResched: number;
    tutorNoShows: number;
    studentNoShows: number;
    transcripts: number;
  },
): SessionStats {
  return {
    ...stats,
    sessions: out.sessions,
    firstSessions: out.first,
    reschedules: out.resched,
    tutorInitiatedReschedules: out.tutorResched,
    tutorNoShows: out.tutorNoShows,
    studentNoShows: out.studentNoShows,
    transcripts: out.transcripts,
  };
}

/** Wraps the session stream (oldest first) and plants the churners' causes into it (see the top comment). */
export function* applyCustomerPlan(
  plan: CustomerPlan,
  sessions: Generator<TWebhookPayload, SessionStats, undefined>,
): Generator<TWebhookPayload, SessionStats, undefined> {
  const rng = createRng(plan.seed).fork('customer-sessions');
  const pairs = new Set<string>();
  const noShowsLeft = new Map<string, number>();
  const poorFirstDone = new Set<string>();
  const c = {
    sessions: 0,
    first: 0,
    resched: 0,
    tutorResched: 0,
    tutorNoShows: 0,
    studentNoShows: 0,
    transcripts: 0,
  };
  for (;;) {
    const step = sessions.next();
    if (step.done) return recount(step.value, c);
    let s = step.value;
    const churner = plan.churnerOfStudent.get(s.student_id);
    if (churner) {
      const start = Date.parse(s.session_start_time);
      if (start >= churner.churnAt) continue;
      const before = (churner.churnAt - start) / DAY;
      const editable = !plan.protectedTutors.has(s.tutor_id);
      if (churner.cause === 'falling_frequency' && before <= 42 && rng.bernoulli(0.85 * (1 - before / 42)))
        continue;
      if (churner.cause === 'tutor_no_shows' && editable && before <= 30 && s.tutor_join_time !== null) {
        const left = noShowsLeft.get(churner.customerId) ?? rng.int(2, 3);
        if (left > 0 && rng.bernoulli(0.6)) {
          s = {
            ...s,
            tutor_join_time: null,
            tutor_leave_time: null,
            student_feedback: undefined,
            transcript: undefined,
            ai_summary: undefined,
          };
          delete s.student_feedback;
          delete s.transcript;
          delete s.ai_summary;
          noShowsLeft.set(churner.customerId, left - 1);
        } else noShowsLeft.set(churner.customerId, left);
      }
      if (
        churner.cause === 'poor_first_session' &&
        editable &&
        before <= 30 &&
        s.is_first_session &&
        s.tutor_join_time !== null &&
        s.student_join_time !== null &&
        !poorFirstDone.has(churner.customerId)
      ) {
        s = {
          ...s,
          student_feedback: { rating: 1, description: 'Not what we hoped for. The tutor seemed unprepared.' },
        };
        poorFirstDone.add(churner.customerId);
      }
      if (churner.cause === 'tutor_switching' && editable && before <= 45 && !s.is_first_session) {
        const options = (plan.tutorsBySubject.get(s.subjects_covered[0] ?? '') ?? []).filter(
          (t) => t !== s.tutor_id,
        );
        if (options.length > 0) {
          const tutorId = rng.pick(options);
          // A pairing this stream has not shown yet starts with a first session.
          s = { ...s, tutor_id: tutorId, is_first_session: !pairs.has(`${s.student_id}|${tutorId}`) };
        }
      }
    }
    const pair = `${s.student_id}|${s.tutor_id}`;
    // A pairing an edit already started is not first again.
    if (s.is_first_session && pairs.has(pair)) s = { ...s, is_first_session: false };
    pairs.add(pair);
    c.sessions++;
    if (s.is_first_session) c.first++;
    if (s.reschedule) c.resched++;
    if (s.rescheduled_by === 'tutor') c.tutorResched++;
    if (s.tutor_join_time === null) c.tutorNoShows++;
    if (s.student_join_time === null) c.studentNoShows++;
    if (s.transcript) c.transcripts++;
    yield s;
  }
}
