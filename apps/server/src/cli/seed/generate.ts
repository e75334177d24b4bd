/**
 * Pure generation of the demo marketplace (no I/O): subjects, tutors, students and `days` of completed
 * sessions as webhook payloads, with behaviours planted on chosen tutors and the ground truth returned so
 * evaluations can measure what the quality pipeline finds (precision and recall).
 *
 * Everything is a function of (seed, scale, days, the local date of `now`): sessions are simulated for whole
 * days and only those already over at `now` are emitted, so re-running later the same day yields the same
 * ids plus the sessions that have ended since.
 *
 * Distributions, chosen to look like a US tutoring marketplace and to keep planted tutors separable:
 * - volume: 3000·scale sessions a day on average; weekday factor (Mon–Thu high, Fri/Sat low, Sunday evening
 *   bump), hour-of-day shape in platform time (US Eastern, fixed UTC−5) peaking 17–20 h on weekdays and
 *   flatter 9–19 h on weekends, +8 % growth across the window, ±4 % daily noise.
 * - sizes: max(20, 600·scale) tutors, ≈5 sessions a tutor a day (150·scale tutors for 3000·scale sessions
 *   would mean 20 one-hour sessions each a day), 10 students per tutor.
 * - lengths 60 min (78 %), 90 (12 %), 30 (10 %), starting on the hour or half hour.
 * - first sessions ≈6–7 % (new tutor–student pairings); reschedules ≈6–8 % of sessions, 98 % tutor-initiated
 *   (seed 000's 98.2 %); student no-shows 3 %; student ratings on ~70 % of sessions, ~80 % of them 4–5.
 */
import { Faker, base, en, en_US } from '@faker-js/faker';
import type { TWebhookPayload } from '@tutorpulse/contracts/sessions';
import {
  GRADE_LEVELS,
  GRADE_WEIGHTS,
  RESCHEDULE_REASONS,
  SUBJECTS,
  writeStudentComment,
  writeTranscript,
  writeTutorComment,
  type GradeLevel,
  type SubjectDef,
  type TeachingStyle,
} from './catalog';
import {
  applyCustomerPlan,
  planDemoCustomers,
  type CustomerPlan,
  type PlantedChurner,
} from './demo-customers';
import { createRng, createWeightedPicker, type Rng } from './random';

export const SESSIONS_PER_DAY_AT_SCALE_1 = 3000;
export const TUTORS_PER_SCALE = 600;
export const MIN_TUTORS = 20;
export const STUDENTS_PER_TUTOR = 10;
/** Platform time: US Eastern standard time, without DST so every day has 24 hours. */
export const PLATFORM_UTC_OFFSET_MINUTES = -300;

export const BEHAVIOURS = [
  'chronic_no_show',
  'chronic_late',
  'early_ender',
  'high_rescheduler',
  'poor_first_sessions',
  'excellent',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** Seed 000's per-session thresholds, and the per-tutor rates the planted behaviours are built around. */
export const THRESHOLDS = {
  lateMinutes: 5,
  earlyMinutes: 10,
  rescheduleRate30d: 0.15,
  poorFirstSessionRating: 2,
} as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export type GenerateOptions = {
  seed: number;
  scale: number;
  now: Date;
  days?: number;
};

export type SubjectRow = { id: string; name: string; category: string };
export type TutorRow = {
  id: string;
  name: string;
  email: string;
  mainSubjectId: string;
  subjectIds: string[];
  hiredAt: Date;
};
export type StudentRow = {
  id: string;
  name: string;
  email: string;
  gradeLevel: GradeLevel;
  signedUpAt: Date;
};

export type SessionStats = {
  sessions: number;
  firstSessions: number;
  reschedules: number;
  tutorInitiatedReschedules: number;
  tutorNoShows: number;
  studentNoShows: number;
  transcripts: number;
  /** The student with the most transcribed sessions: the demo student account links to it. */
  featuredStudentId: string | null;
  /** An unplanted tutor who taught the featured student most: the demo tutor account links to it. */
  featuredTutorId: string | null;
};

export type DemoDataset = {
  seed: number;
  scale: number;
  days: number;
  now: Date;
  windowStart: Date;
  subjects: SubjectRow[];
  tutors: TutorRow[];
  students: StudentRow[];
  /** Tutor ids per planted behaviour (disjoint). */
  behaviours: Record<Behaviour, string[]>;
  /** Tutors whose transcripts mostly give answers away or are curt (all poor-first-session tutors and a few more). */
  poorTeaching: string[];
  /** Sessions, oldest first, already ended at `now`; each call starts over from the seed. */
  generateSessions(): Generator<TWebhookPayload, SessionStats, undefined>;
  /** The paying customers of the students, their goals and calls, and planted churners (demo-customers.ts). */
  customers: CustomerPlan;
};

export type GroundTruth = {
  seed: number;
  scale: number;
  days: number;
  generated_at: string;
  now: string;
  window: { start: string; end: string };
  behaviours: Record<Behaviour, string[]>;
  poor_teaching: string[];
  featured: { student_id: string | null; tutor_id: string | null };
  /** Operations: customers and the churners planted with a known cause (demo-customers.ts). */
  customers: { count: number; goals: number; support_calls: number; planted_churners: PlantedChurner[] };
  definitions: Record<string, string>;
  counts: {
    subjects: number;
    tutors: number;
    students: number;
    sessions: number;
    first_sessions: number;
    reschedules: number;
    tutor_initiated_reschedules: number;
    tutor_no_shows: number;
    student_no_shows: number;
    transcripts: number;
    planted_tutors: number;
  };
};

/** How each kind of tutor behaves, drawn once per tutor. Probabilities are per session. */
type TutorParams = {
  noShowP: number;
  /** Joins more than 5 minutes late. */
  lateP: number;
  /** Of the late joins, the share more than 20 minutes late. */
  severeLateShare: number;
  /** Leaves more than 10 minutes before the scheduled end. */
  earlyP: number;
  /** Tutor-initiated reschedule. */
  reschedP: number;
  ratingMu: number;
  ratingSd: number;
  /** Chance of an unhappy (1–2) rating regardless of the session. */
  unhappyP: number;
  /** For planted poor first sessions: chance a first session is rated 1–2. */
  firstPoorP: number;
  styleWeights: [number, number, number];
  punctual: boolean;
  /** Chance a session starts a new pairing (a first session) while the tutor has students. */
  newPairingP: number;
  activity: number;
};

type TutorProfile = TutorRow & {
  index: number;
  firstName: string;
  behaviour: Behaviour | null;
  isPoorTeacher: boolean;
  subjects: SubjectDef[];
  params: TutorParams;
};

type StudentProfile = StudentRow & { index: number; firstName: string };

type Pairing = { student: number; subject: SubjectDef };

const STYLES: readonly TeachingStyle[] = ['guiding', 'telling', 'curt'];
/** Student-initiated reschedules: 1.8 % of reschedules are not the tutor's (seed 000: 98.2 % are). */
const OTHER_RESCHEDULE_P = 0.0012;
const STUDENT_NO_SHOW_P = 0.03;
const MAX_ROSTER = 12;
const TRANSCRIPT_P = 0.045;
const FIRST_SESSION_TRANSCRIPT_P = 0.12;

/** Mean 1 over a week: Mon–Thu busiest, Friday and Saturday quiet, Sunday in between (homework night). */
const DOW_FACTORS = normalizeMean([0.85, 1.15, 1.2, 1.15, 1.1, 0.8, 0.6]);
const SLOT_FIRST_HOUR = 7;
const SLOT_LAST_HOUR = 22;
const HOUR_WEIGHTS: Record<'weekday' | 'saturday' | 'sunday', number[]> = {
  // hours 7..22, local platform time
  weekday: [0.6, 0.6, 0.8, 1, 1, 1.1, 1.2, 1.8, 3.5, 6, 7.5, 8.5, 8.5, 7, 4, 1],
  saturday: [0.3, 1, 3, 4.5, 5, 4.5, 4.5, 4.5, 4.5, 4.5, 4, 3.5, 3.5, 2.5, 1.5, 0.4],
  sunday: [0.3, 0.8, 2.5, 4, 4.5, 4, 4, 4.5, 4.5, 5, 5, 5.5, 6, 5, 2.5, 0.6],
};

export function countTutors(scale: number): number {
  return Math.max(MIN_TUTORS, Math.round(TUTORS_PER_SCALE * scale));
}

/** Builds the dataset: people and subjects eagerly (small), sessions lazily through `generateSessions`. */
export function generateDemoDataset(options: GenerateOptions): DemoDataset {
  const { seed, scale } = options;
  const days = options.days ?? 90;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('scale must be a positive number');
  if (!Number.isInteger(days) || days < 1) throw new Error('days must be a positive integer');
  const now = new Date(options.now.getTime());
  const windowStart = new Date(localMidnight(now.getTime()) - (days - 1) * DAY);
  const peopleRng = createRng(seed).fork('people');
  const faker = new Faker({ locale: [en_US, en, base] });
  faker.seed(peopleRng.int(1, 2 ** 31 - 1));

  const tutorCount = countTutors(scale);
  const tutors = createTutors(peopleRng.fork('tutors'), faker, tutorCount, windowStart, days);
  const students = createStudents(
    peopleRng.fork('students'),
    faker,
    tutorCount * STUDENTS_PER_TUTOR,
    windowStart,
    days,
  );

  const behaviours = Object.fromEntries(BEHAVIOURS.map((b) => [b, [] as string[]])) as Record<
    Behaviour,
    string[]
  >;
  for (const t of tutors) if (t.behaviour) behaviours[t.behaviour].push(t.id);
  const poorTeaching = tutors.filter((t) => t.isPoorTeacher).map((t) => t.id);
  const customers = planDemoCustomers({
    seed,
    students: students.map(toStudentRow),
    tutors: tutors.map(toTutorRow),
    behaviours,
    windowStart,
    now,
  });

  return {
    seed,
    scale,
    days,
    now,
    windowStart,
    subjects: SUBJECTS.map((s) => ({ id: s.id, name: s.name, category: s.category })),
    tutors: tutors.map(toTutorRow),
    students: students.map(toStudentRow),
    behaviours,
    poorTeaching,
    // The churners' causes are planted into the stream (operations' ground truth).
    generateSessions: () =>
      applyCustomerPlan(
        customers,
        simulateSessions({ seed, scale, days, now, windowStart, tutors, students }),
      ),
    customers,
  };
}

/** Runs the session generator to the end; for tests and small scales (it keeps every payload in memory). */
export function collectSessions(dataset: DemoDataset): { sessions: TWebhookPayload[]; stats: SessionStats } {
  const sessions: TWebhookPayload[] = [];
  const it = dataset.generateSessions();
  for (;;) {
    const step = it.next();
    if (step.done) return { sessions, stats: step.value };
    sessions.push(step.value);
  }
}

export function buildGroundTruth(dataset: DemoDataset, stats: SessionStats, generatedAt: Date): GroundTruth {
  return {
    seed: dataset.seed,
    scale: dataset.scale,
    days: dataset.days,
    generated_at: generatedAt.toISOString(),
    now: dataset.now.toISOString(),
    window: { start: dataset.windowStart.toISOString(), end: dataset.now.toISOString() },
    behaviours: dataset.behaviours,
    poor_teaching: dataset.poorTeaching,
    featured: { student_id: stats.featuredStudentId, tutor_id: stats.featuredTutorId },
    customers: {
      count: dataset.customers.customers.length,
      goals: dataset.customers.goals.length,
      support_calls: dataset.customers.supportCalls.length,
      planted_churners: dataset.customers.churners,
    },
    definitions: {
      chronic_no_show:
        'tutor never joins on 12-20% of sessions (other tutors: 0.1-0.6%, planted excellent: 0%)',
      chronic_late:
        'tutor joins >5 min late on 35-60% of sessions, 20-35% of those >20 min (others: 1-6%, rarely >15 min)',
      early_ender:
        'tutor leaves >10 min before the scheduled end on 30-50% of sessions (others: 1-5%; student no-shows, 3% of sessions, also end early)',
      high_rescheduler:
        'tutor-initiated reschedules on 24-34% of sessions over every 30 days (others: 3-8%, excellent: 0%)',
      poor_first_sessions:
        "60-85% of the tutor's rated first sessions get a student rating of 1-2 (others: 2-6%)",
      excellent:
        'punctual (joins 0-6 min early), never ends early, never no-shows or reschedules, student ratings ≈4.8',
      poor_teaching: 'transcripts mostly give answers away or are curt (others: 85% guiding)',
      time_zone: 'session hours follow US Eastern time at a fixed UTC-05:00',
      planted_churners:
        '6 % of customers stop (no session after churn_at) with one cause planted before it: poor_first_session (a first session rated 1 in the 30 days before), tutor_no_shows (2-3 in the 30 days before), tutor_switching (sessions rotate among other tutors for 45 days), support_call_spike (4-6 calls in the 14 days before), falling_frequency (sessions thin out over 42 days)',
    },
    counts: {
      subjects: dataset.subjects.length,
      tutors: dataset.tutors.length,
      students: dataset.students.length,
      sessions: stats.sessions,
      first_sessions: stats.firstSessions,
      reschedules: stats.reschedules,
      tutor_initiated_reschedules: stats.tutorInitiatedReschedules,
      tutor_no_shows: stats.tutorNoShows,
      student_no_shows: stats.studentNoShows,
      transcripts: stats.transcripts,
      planted_tutors: BEHAVIOURS.reduce((n, b) => n + dataset.behaviours[b].length, 0),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// People

function createTutors(
  rng: Rng,
  faker: Faker,
  count: number,
  windowStart: Date,
  days: number,
): TutorProfile[] {
  const pickMainSubject = createWeightedPicker(
    SUBJECTS,
    SUBJECTS.map((s) => s.demand),
  );
  const plantedPerBehaviour = Math.max(2, Math.round(count * 0.04));
  // Newly hired tutors make the data realistic but cannot carry a planted behaviour over 30 days, and small
  // sets need every tutor: only larger sets get them.
  const newHireCount = count >= 40 ? Math.round(count * 0.08) : 0;
  if (plantedPerBehaviour * BEHAVIOURS.length + newHireCount > count)
    throw new Error('too few tutors to plant behaviours');

  const basics = Array.from({ length: count }, () => {
    const main = pickMainSubject(rng);
    return {
      firstName: faker.person.firstName(),
      lastName: faker.person.lastName(),
      main,
      subjects: pickTutorSubjects(rng, main),
    };
  });
  // Poor first sessions need a steady flow of new students to show within 30 days; in a small dataset a
  // niche subject (organic chemistry, say) runs out of them, so that behaviour goes to tutors with wide reach.
  const totalGradeWeight = GRADE_LEVELS.reduce((sum, g) => sum + GRADE_WEIGHTS[g], 0);
  const reach = basics.map(
    (b) =>
      GRADE_LEVELS.filter((g) => b.subjects.some((sub) => sub.grades.includes(g))).reduce(
        (sum, g) => sum + GRADE_WEIGHTS[g],
        0,
      ) / totalGradeWeight,
  );
  const remaining = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  const behaviourOf = new Map<number, Behaviour>();
  const plantingOrder: Behaviour[] = [
    'poor_first_sessions',
    ...BEHAVIOURS.filter((x) => x !== 'poor_first_sessions'),
  ];
  for (const behaviour of plantingOrder) {
    for (let k = 0; k < plantedPerBehaviour; k++) {
      const at =
        behaviour === 'poor_first_sessions'
          ? Math.max(
              0,
              remaining.findIndex((i) => (reach[i] as number) >= 0.3),
            )
          : 0;
      const [index] = remaining.splice(at, 1);
      behaviourOf.set(index as number, behaviour);
    }
  }
  const newHires = new Set(remaining.slice(0, newHireCount));
  const extraPoorTeachers = new Set(
    remaining.slice(newHireCount, newHireCount + Math.max(1, Math.round(count * 0.03))),
  );

  const usedIds = new Set<string>();
  return basics.map(({ firstName, lastName, main, subjects }, index) => {
    const behaviour = behaviourOf.get(index) ?? null;
    const isPoorTeacher = behaviour === 'poor_first_sessions' || extraPoorTeachers.has(index);
    const hiredAt = newHires.has(index)
      ? new Date(windowStart.getTime() + Math.floor(rng.float(0, days * 0.6)) * DAY)
      : new Date(windowStart.getTime() - Math.floor(rng.float(30, 1500)) * DAY - rng.int(0, 23) * HOUR);
    return {
      index,
      id: uniqueId(rng, 'tut_', 10, usedIds),
      name: `${firstName} ${lastName}`,
      email: toEmail(firstName, lastName, index, 'tutors.example.com'),
      firstName,
      mainSubjectId: main.id,
      subjectIds: subjects.map((sub) => sub.id),
      subjects,
      hiredAt,
      behaviour,
      isPoorTeacher,
      params: drawTutorParams(rng, behaviour, isPoorTeacher),
    };
  });
}

/** 1–4 subjects: the main one plus neighbours a tutor plausibly also teaches (same category or its test prep). */
function pickTutorSubjects(rng: Rng, main: SubjectDef): SubjectDef[] {
  const count = rng.pickWeighted([1, 2, 3, 4], [0.2, 0.35, 0.3, 0.15]);
  const related = SUBJECTS.filter(
    (s) =>
      s.id !== main.id &&
      (s.category === main.category ||
        (main.category === 'Math' && s.kind === 'test-math') ||
        (main.category === 'English' && s.kind === 'test-verbal') ||
        (main.category === 'Test Prep' &&
          (s.kind === 'algebra' || s.kind === 'algebra2' || s.kind === 'writing'))),
  );
  const chosen = [main];
  const pool = [...related];
  while (chosen.length < count && pool.length > 0) {
    const next = rng.pickWeighted(
      pool,
      pool.map((s) => s.demand),
    );
    chosen.push(next);
    pool.splice(pool.indexOf(next), 1);
  }
  return chosen;
}

function drawTutorParams(rng: Rng, behaviour: Behaviour | null, isPoorTeacher: boolean): TutorParams {
  const params: TutorParams = {
    noShowP: rng.float(0.001, 0.006),
    lateP: rng.float(0.01, 0.06),
    severeLateShare: 0.05,
    earlyP: rng.float(0.01, 0.05),
    reschedP: rng.float(0.03, 0.08),
    ratingMu: clamp(rng.normal(4.55, 0.15), 4.1, 4.85),
    ratingSd: 0.7,
    unhappyP: rng.float(0.02, 0.045),
    firstPoorP: 0,
    styleWeights: [0.85, 0.12, 0.03],
    punctual: false,
    newPairingP: 0.065,
    // Part-timers and full-timers: most tutors within 0.6–1.6× the mean load.
    activity: clamp(Math.exp(rng.normal(0, 0.35)), 0.5, 1.8),
  };
  if (isPoorTeacher) {
    params.ratingMu = clamp(rng.normal(4.05, 0.1), 3.8, 4.3);
    params.unhappyP = 0.05;
    params.styleWeights = [0.1, 0.55, 0.35];
  }
  if (behaviour) {
    // Planted tutors teach at least an average load, so 30-day rates rest on enough sessions to measure.
    params.activity = rng.float(1.0, 1.4);
  }
  switch (behaviour) {
    case 'chronic_no_show':
      params.noShowP = rng.float(0.12, 0.2);
      break;
    case 'chronic_late':
      params.lateP = rng.float(0.35, 0.6);
      params.severeLateShare = rng.float(0.2, 0.35);
      break;
    case 'early_ender':
      params.earlyP = rng.float(0.3, 0.5);
      break;
    case 'high_rescheduler':
      params.reschedP = rng.float(0.24, 0.34);
      break;
    case 'poor_first_sessions':
      params.firstPoorP = rng.float(0.6, 0.85);
      // Students rarely come back after a bad first session, so the platform keeps sending trial students:
      // this also gives the behaviour enough first sessions to be measured over 30 days.
      params.newPairingP = 0.15;
      break;
    case 'excellent':
      Object.assign(params, {
        noShowP: 0,
        lateP: 0,
        earlyP: 0,
        reschedP: 0,
        ratingMu: 4.95,
        ratingSd: 0.55,
        unhappyP: 0,
        styleWeights: [1, 0, 0],
        punctual: true,
      } satisfies Partial<TutorParams>);
      break;
    case null:
      break;
  }
  return params;
}

function createStudents(
  rng: Rng,
  faker: Faker,
  count: number,
  windowStart: Date,
  days: number,
): StudentProfile[] {
  const pickGrade = createWeightedPicker(
    GRADE_LEVELS,
    GRADE_LEVELS.map((g) => GRADE_WEIGHTS[g]),
  );
  const usedIds = new Set<string>();
  const students: StudentProfile[] = [];
  for (let index = 0; index < count; index++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    // 60 % were customers before the window; 40 % sign up during it (before today, so signups are stable
    // for a given date), giving operations a stream of new customers.
    const signedUpAt = rng.bernoulli(0.6)
      ? new Date(windowStart.getTime() - rng.float(1, 900) * DAY)
      : new Date(windowStart.getTime() + rng.float(0, days - 1) * DAY);
    students.push({
      index,
      id: uniqueId(rng, 'stu_', 10, usedIds),
      name: `${firstName} ${lastName}`,
      email: toEmail(firstName, lastName, index, 'students.example.com'),
      firstName,
      gradeLevel: pickGrade(rng),
      signedUpAt: new Date(Math.floor(signedUpAt.getTime() / 1000) * 1000),
    });
  }
  return students;
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

type SimulationInput = {
  seed: number;
  scale: number;
  days: number;
  now: Date;
  windowStart: Date;
  tutors: TutorProfile[];
  students: StudentProfile[];
};

type PlannedSession = { tutor: TutorProfile; start: number; minutes: number };

function* simulateSessions(input: SimulationInput): Generator<TWebhookPayload, SessionStats, undefined> {
  const { tutors, students, windowStart, days } = input;
  const root = createRng(input.seed).fork('sessions');
  const planRng = root.fork('plan');
  const pairRng = root.fork('pairing');
  const eventRng = root.fork('events');
  const textRng = root.fork('text');
  const idRng = root.fork('ids');
  const nowMs = input.now.getTime();
  const targetPerDay = SESSIONS_PER_DAY_AT_SCALE_1 * input.scale;

  const pairing = createPairingBook(pairRng, tutors, students, windowStart.getTime());
  const slotPickers = {
    weekday: createSlotPicker(HOUR_WEIGHTS.weekday),
    saturday: createSlotPicker(HOUR_WEIGHTS.saturday),
    sunday: createSlotPicker(HOUR_WEIGHTS.sunday),
  };
  const pickMinutes = createWeightedPicker([60, 90, 30], [0.78, 0.12, 0.1]);

  const stats: SessionStats = {
    sessions: 0,
    firstSessions: 0,
    reschedules: 0,
    tutorInitiatedReschedules: 0,
    tutorNoShows: 0,
    studentNoShows: 0,
    transcripts: 0,
    featuredStudentId: null,
    featuredTutorId: null,
  };
  const transcriptsByStudent = new Int32Array(students.length);
  const sessionsByStudent = new Int32Array(students.length);
  const sessionsByPair = new Map<number, number>();

  for (let d = 0; d < days; d++) {
    const dayStart = windowStart.getTime() + d * DAY;
    const dow = new Date(dayStart + PLATFORM_UTC_OFFSET_MINUTES * MINUTE).getUTCDay();
    const picker = dow === 0 ? slotPickers.sunday : dow === 6 ? slotPickers.saturday : slotPickers.weekday;
    const growth = 1 + 0.08 * (days > 1 ? d / (days - 1) - 0.5 : 0);
    const dayFactor = (DOW_FACTORS[dow] as number) * growth * clamp(planRng.normal(1, 0.04), 0.85, 1.15);
    const active = tutors.filter((t) => t.hiredAt.getTime() <= dayStart);
    const totalActivity = active.reduce((s, t) => s + t.params.activity, 0);

    const planned: PlannedSession[] = [];
    for (const tutor of active) {
      const lambda = (targetPerDay * dayFactor * tutor.params.activity) / totalActivity;
      const wanted = planRng.poisson(lambda);
      const taken: Array<[number, number]> = [];
      for (let k = 0; k < wanted; k++) {
        const minutes = pickMinutes(planRng);
        const slot = pickFreeSlot(planRng, picker, taken, dayStart, minutes);
        if (slot === null) continue;
        taken.push([slot, slot + minutes * MINUTE]);
        planned.push({ tutor, start: slot, minutes });
      }
    }
    planned.sort((a, b) => a.start - b.start || a.tutor.index - b.tutor.index);

    pairing.startDay();
    for (const plan of planned) {
      const end = plan.start + plan.minutes * MINUTE;
      const pair = pairing.pickStudent(plan.tutor, plan.start, end);
      const payload = simulateSession(plan, pair, students, { eventRng, textRng, idRng });
      if (pair.isFirst && (payload.student_feedback?.rating ?? 5) <= THRESHOLDS.poorFirstSessionRating) {
        // A bad first session usually ends the pairing: the 24 % churn driver seed 000 describes.
        if (eventRng.bernoulli(0.7)) pairing.dropPairing(plan.tutor, pair.pairing.student);
      }
      // Sessions still running (or not yet started) at `now` are simulated, so the rest of the day stays the
      // same whatever the hour, but not emitted.
      if (end > nowMs) continue;
      stats.sessions++;
      if (payload.is_first_session) stats.firstSessions++;
      if (payload.reschedule) {
        stats.reschedules++;
        if (payload.reschedule.initiator === 'tutor') stats.tutorInitiatedReschedules++;
      }
      if (payload.tutor_join_time === null) stats.tutorNoShows++;
      else if (payload.student_join_time === null) stats.studentNoShows++;
      const s = pair.pairing.student;
      sessionsByStudent[s] = (sessionsByStudent[s] ?? 0) + 1;
      const pairKey = s * 100_000 + plan.tutor.index;
      sessionsByPair.set(pairKey, (sessionsByPair.get(pairKey) ?? 0) + 1);
      if (payload.transcript) {
        stats.transcripts++;
        transcriptsByStudent[s] = (transcriptsByStudent[s] ?? 0) + 1;
      }
      yield payload;
    }
  }

  const featured = chooseFeatured(tutors, students, transcriptsByStudent, sessionsByStudent, sessionsByPair);
  stats.featuredStudentId = featured.studentId;
  stats.featuredTutorId = featured.tutorId;
  return stats;
}

type SessionRngs = { eventRng: Rng; textRng: Rng; idRng: Rng };

function simulateSession(
  plan: PlannedSession,
  pair: { pairing: Pairing; isFirst: boolean },
  students: StudentProfile[],
  { eventRng: rng, textRng, idRng }: SessionRngs,
): TWebhookPayload {
  const { tutor } = plan;
  const p = tutor.params;
  const student = students[pair.pairing.student] as StudentProfile;
  const subject = pair.pairing.subject;
  const start = plan.start;
  const end = start + plan.minutes * MINUTE;
  const sessionId = `ses_${idRng.hex(16)}`;

  const tutorRescheduled = rng.bernoulli(p.reschedP);
  const otherRescheduled = !tutorRescheduled && rng.bernoulli(OTHER_RESCHEDULE_P);
  const tutorNoShow = rng.bernoulli(p.noShowP);
  const studentNoShow = !tutorNoShow && rng.bernoulli(STUDENT_NO_SHOW_P);

  // Offsets in minutes from the scheduled start / end.
  let tutorJoin: number | null = null;
  let tutorLeave: number | null = null;
  let studentJoin: number | null = null;
  let studentLeave: number | null = null;
  let lateMinutes = 0;
  let endedEarly = false;
  if (!tutorNoShow) {
    if (p.punctual) tutorJoin = rng.float(-6, 0);
    else if (rng.bernoulli(p.lateP)) {
      const severe = rng.bernoulli(p.severeLateShare);
      // Above the 5-minute threshold with a margin, and never past the point where a session is left.
      tutorJoin = Math.min(
        severe ? rng.float(20.5, 35) : rng.float(5.6, tutor.behaviour === 'chronic_late' ? 20 : 15),
        plan.minutes - 10,
      );
    } else tutorJoin = clamp(rng.normal(-1.5, 1.8), -8, 4.5);
    lateMinutes = Math.max(0, tutorJoin);
  }
  if (!studentNoShow) {
    studentJoin = rng.bernoulli(0.04) ? rng.float(8, 15) : clamp(rng.normal(0.5, 2), -5, 8);
    if (studentJoin > plan.minutes - 5) studentJoin = plan.minutes - 5;
  }
  if (tutorJoin !== null && studentJoin !== null) {
    if (rng.bernoulli(p.earlyP)) {
      endedEarly = true;
      tutorLeave = plan.minutes - rng.float(10.6, Math.min(30, plan.minutes * 0.6));
    } else tutorLeave = plan.minutes + (p.punctual ? rng.float(0, 4) : clamp(rng.normal(1, 2.5), -7, 9));
    tutorLeave = Math.max(tutorLeave, tutorJoin + 5);
    studentLeave = Math.max(tutorLeave + clamp(rng.normal(0, 1), -3, 3), studentJoin + 1);
  } else if (tutorJoin !== null) {
    // The student never came: the tutor waits a quarter of an hour, then leaves.
    tutorLeave = Math.max(tutorJoin, 0) + rng.float(12, 20);
  } else if (studentJoin !== null) {
    studentLeave = studentJoin + rng.float(8, 20);
  }

  const bothJoined = tutorJoin !== null && studentJoin !== null;
  const studentFeedback = drawStudentFeedback(rng, textRng, tutor, pair.isFirst, {
    tutorNoShow,
    studentNoShow,
    lateMinutes,
    endedEarly,
  });
  const payload: TWebhookPayload = {
    session_id: sessionId,
    tutor_id: tutor.id,
    student_id: student.id,
    session_start_time: toIso(start),
    session_end_time: toIso(end),
    tutor_join_time: tutorJoin === null ? null : toIso(start + tutorJoin * MINUTE),
    student_join_time: studentJoin === null ? null : toIso(start + studentJoin * MINUTE),
    tutor_leave_time: tutorLeave === null ? null : toIso(start + tutorLeave * MINUTE),
    student_leave_time: studentLeave === null ? null : toIso(start + studentLeave * MINUTE),
    subjects_covered: chooseSubjectsCovered(rng, tutor, subject, student.gradeLevel),
    is_first_session: pair.isFirst,
    was_rescheduled: tutorRescheduled || otherRescheduled,
  };
  if (tutorRescheduled || otherRescheduled) {
    const initiator = tutorRescheduled ? 'tutor' : rng.bernoulli(0.8) ? 'student' : 'system';
    payload.rescheduled_by = initiator;
    payload.reschedule = drawReschedule(rng, initiator, start);
  }
  if (studentFeedback) payload.student_feedback = studentFeedback;
  if (bothJoined && rng.bernoulli(0.6)) {
    const rating = rng.pickWeighted([5, 4, 3, 2, 1], [0.45, 0.35, 0.14, 0.04, 0.02]);
    payload.tutor_feedback = { rating, description: writeTutorComment(textRng, rating, subject.name) };
  }
  if (bothJoined && rng.bernoulli(0.35))
    payload.video_url = `https://recordings.example.com/sessions/${sessionId}.mp4`;
  if (bothJoined && rng.bernoulli(pair.isFirst ? FIRST_SESSION_TRANSCRIPT_P : TRANSCRIPT_P)) {
    const style = textRng.pickWeighted(STYLES, p.styleWeights);
    const { transcript, summary } = writeTranscript({
      rng: textRng,
      style,
      subject,
      tutorFirstName: tutor.firstName,
      studentFirstName: student.firstName,
      isFirstSession: pair.isFirst,
      tutorLateMinutes: lateMinutes,
    });
    payload.transcript = transcript;
    payload.ai_summary = summary;
  }
  return payload;
}

function drawStudentFeedback(
  rng: Rng,
  textRng: Rng,
  tutor: TutorProfile,
  isFirst: boolean,
  ctx: { tutorNoShow: boolean; studentNoShow: boolean; lateMinutes: number; endedEarly: boolean },
): { rating: number; description: string } | undefined {
  const p = tutor.params;
  const comment = (rating: number) =>
    writeStudentComment(textRng, rating, {
      tutorNoShow: ctx.tutorNoShow,
      tutorLate: ctx.lateMinutes > THRESHOLDS.lateMinutes,
      endedEarly: ctx.endedEarly,
      isFirstSession: isFirst,
    });
  if (ctx.studentNoShow) return undefined;
  if (ctx.tutorNoShow) {
    // Most platforms route a missed session to support rather than to a rating; some students still rate.
    if (!rng.bernoulli(0.3)) return undefined;
    const rating = rng.bernoulli(0.75) ? 1 : 2;
    return { rating, description: comment(rating) };
  }
  // Students rate first sessions more often than routine ones.
  if (!rng.bernoulli(isFirst ? 0.85 : 0.7)) return undefined;
  let rating: number;
  if (isFirst && tutor.behaviour === 'poor_first_sessions') {
    rating = rng.bernoulli(p.firstPoorP)
      ? rng.pickWeighted([1, 2], [0.4, 0.6])
      : rng.pickWeighted([3, 4, 5], [0.5, 0.4, 0.1]);
  } else {
    rating = rng.bernoulli(p.unhappyP)
      ? rng.pickWeighted([1, 2], [0.4, 0.6])
      : clamp(Math.round(rng.normal(p.ratingMu, p.ratingSd)), 1, 5);
    // What happened in the session moves the rating.
    if (ctx.lateMinutes > 10 && rng.bernoulli(0.5)) rating--;
    if (ctx.endedEarly && rng.bernoulli(0.5)) rating--;
    rating = Math.max(1, rating);
  }
  return { rating, description: comment(rating) };
}

function drawReschedule(
  rng: Rng,
  initiator: 'tutor' | 'student' | 'system',
  newStart: number,
): NonNullable<TWebhookPayload['reschedule']> {
  // Most sessions are pushed later; a fifth are pulled earlier. Moves are on the half hour.
  const shiftHours = Math.round(rng.float(1, 120) * 2) / 2;
  const original = newStart - (rng.bernoulli(0.8) ? 1 : -1) * shiftHours * HOUR;
  // Notice given: tutors often reschedule at short notice (what hurts students most).
  const noticeHours =
    initiator === 'system'
      ? rng.float(0.5, 6)
      : rng.pickWeighted(
          [
            () => rng.float(0.25, 2),
            () => rng.float(2, 24),
            () => rng.float(24, 72),
            () => rng.float(72, 168),
          ],
          initiator === 'tutor' ? [0.15, 0.35, 0.35, 0.15] : [0.1, 0.3, 0.4, 0.2],
        )();
  const cancelledAt = Math.min(original, newStart) - Math.round(noticeHours * 60) * MINUTE;
  const reasons: ReadonlyArray<{ code: string; text: string }> = RESCHEDULE_REASONS[initiator];
  const reason = rng.pick(reasons);
  return {
    initiator,
    original_time: toIso(original),
    new_time: toIso(newStart),
    reason: reason.text,
    reason_code: reason.code,
    cancelled_at: toIso(cancelledAt),
  };
}

function chooseSubjectsCovered(
  rng: Rng,
  tutor: TutorProfile,
  subject: SubjectDef,
  grade: GradeLevel,
): string[] {
  if (rng.bernoulli(0.08)) {
    const other = tutor.subjects.find((s) => s.id !== subject.id && s.grades.includes(grade));
    if (other) return [subject.id, other.id];
  }
  return [subject.id];
}

/**
 * Who each tutor teaches: rosters of tutor–student pairings. A session usually continues a pairing; about 5 %
 * of the time (always, when the roster is empty) it starts a new one, which is a first session. Newly signed-up
 * students are paired first, so they get their first session soon after signing up.
 */
function createPairingBook(
  rng: Rng,
  tutors: TutorProfile[],
  students: StudentProfile[],
  windowStartMs: number,
) {
  const rosters: Pairing[][] = tutors.map(() => []);
  const everPaired: Array<Set<number>> = tutors.map(() => new Set());
  const studentsBySubject = new Map<string, number[]>();
  for (const subject of SUBJECTS) {
    studentsBySubject.set(
      subject.id,
      students.filter((s) => subject.grades.includes(s.gradeLevel)).map((s) => s.index),
    );
  }
  const signupMs = students.map((s) => s.signedUpAt.getTime());
  // Customers from before the window already have a tutor who teaches their grade.
  const veterans = tutors.filter((t) => t.hiredAt.getTime() <= windowStartMs);
  const pickVeteran = createWeightedPicker(
    veterans,
    veterans.map((t) => t.params.activity),
  );
  const newcomers: number[] = [];
  for (const s of students) {
    if ((signupMs[s.index] as number) > windowStartMs) {
      newcomers.push(s.index);
      continue;
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const tutor = pickVeteran(rng);
      const fitting = tutor.subjects.filter((sub) => sub.grades.includes(s.gradeLevel));
      if (fitting.length > 0 && (rosters[tutor.index] as Pairing[]).length < MAX_ROSTER) {
        addPairing(tutor.index, { student: s.index, subject: rng.pick(fitting) });
        break;
      }
    }
  }
  newcomers.sort((a, b) => (signupMs[a] as number) - (signupMs[b] as number));
  const newcomerTaken = new Uint8Array(newcomers.length);
  let newcomerHead = 0;
  let busy = new Map<number, number[]>();

  function addPairing(tutorIndex: number, pairing: Pairing) {
    const roster = rosters[tutorIndex] as Pairing[];
    roster.push(pairing);
    (everPaired[tutorIndex] as Set<number>).add(pairing.student);
    if (roster.length > MAX_ROSTER) {
      // Students finish or move on: drop one of the older half of the roster.
      roster.splice(rng.int(0, Math.floor(roster.length / 2) - 1), 1);
    }
  }

  function isBusy(student: number, start: number, end: number): boolean {
    const slots = busy.get(student);
    if (!slots) return false;
    for (let i = 0; i < slots.length; i += 2) {
      if (start < (slots[i + 1] as number) && end > (slots[i] as number)) return true;
    }
    return false;
  }

  function markBusy(student: number, start: number, end: number) {
    const slots = busy.get(student);
    if (slots) slots.push(start, end);
    else busy.set(student, [start, end]);
  }

  function findNewStudent(
    tutor: TutorProfile,
    subject: SubjectDef,
    start: number,
    end: number,
  ): number | null {
    const paired = everPaired[tutor.index] as Set<number>;
    while (newcomerHead < newcomers.length && newcomerTaken[newcomerHead]) newcomerHead++;
    for (let i = newcomerHead, scanned = 0; i < newcomers.length && scanned < 40; i++) {
      const s = newcomers[i] as number;
      if ((signupMs[s] as number) > start) break;
      if (newcomerTaken[i]) continue;
      scanned++;
      const student = students[s] as StudentProfile;
      if (subject.grades.includes(student.gradeLevel) && !paired.has(s) && !isBusy(s, start, end)) {
        newcomerTaken[i] = 1;
        return s;
      }
    }
    const pool = studentsBySubject.get(subject.id) ?? [];
    if (pool.length === 0) return null;
    const eligible = (s: number) =>
      (signupMs[s] as number) <= start && !paired.has(s) && !isBusy(s, start, end);
    for (let attempt = 0; attempt < 12; attempt++) {
      const s = rng.pick(pool);
      if (eligible(s)) return s;
    }
    // Most of the pool is taken (a small dataset late in the window): walk it from a random point.
    const offset = rng.int(0, pool.length - 1);
    for (let k = 0; k < pool.length; k++) {
      const s = pool[(offset + k) % pool.length] as number;
      if (eligible(s)) return s;
    }
    return null;
  }

  return {
    startDay() {
      busy = new Map();
    },
    pickStudent(tutor: TutorProfile, start: number, end: number): { pairing: Pairing; isFirst: boolean } {
      const roster = rosters[tutor.index] as Pairing[];
      const wantsNew = roster.length === 0 || rng.bernoulli(tutor.params.newPairingP);
      if (!wantsNew) {
        for (let attempt = 0; attempt < 5; attempt++) {
          const pairing = rng.pick(roster);
          if (!isBusy(pairing.student, start, end)) {
            markBusy(pairing.student, start, end);
            return { pairing, isFirst: false };
          }
        }
      }
      const preferred = rng.bernoulli(0.55) ? (tutor.subjects[0] as SubjectDef) : rng.pick(tutor.subjects);
      // A niche subject can run out of students in a small dataset: then try the tutor's other subjects.
      let subject = preferred;
      let student = findNewStudent(tutor, preferred, start, end);
      for (const other of tutor.subjects) {
        if (student !== null) break;
        if (other === preferred) continue;
        subject = other;
        student = findNewStudent(tutor, other, start, end);
      }
      if (student !== null) {
        const pairing = { student, subject };
        addPairing(tutor.index, pairing);
        markBusy(student, start, end);
        return { pairing, isFirst: true };
      }
      // Nobody new is free: continue with a regular student after all (a rare double booking beats an
      // empty slot for realism of volume).
      const fallback = roster.length > 0 ? rng.pick(roster) : null;
      if (fallback) {
        markBusy(fallback.student, start, end);
        return { pairing: fallback, isFirst: false };
      }
      const anyone = rng.int(0, students.length - 1);
      const pairing = { student: anyone, subject };
      const isFirst = !(everPaired[tutor.index] as Set<number>).has(anyone);
      addPairing(tutor.index, pairing);
      markBusy(anyone, start, end);
      return { pairing, isFirst };
    },
    dropPairing(tutor: TutorProfile, student: number) {
      const roster = rosters[tutor.index] as Pairing[];
      const at = roster.findIndex((p) => p.student === student);
      if (at >= 0) roster.splice(at, 1);
    },
  };
}

function chooseFeatured(
  tutors: TutorProfile[],
  students: StudentProfile[],
  transcriptsByStudent: Int32Array,
  sessionsByStudent: Int32Array,
  sessionsByPair: Map<number, number>,
): { studentId: string | null; tutorId: string | null } {
  let best = -1;
  for (let s = 0; s < students.length; s++) {
    if (
      best < 0 ||
      (transcriptsByStudent[s] as number) > (transcriptsByStudent[best] as number) ||
      ((transcriptsByStudent[s] as number) === (transcriptsByStudent[best] as number) &&
        (sessionsByStudent[s] as number) > (sessionsByStudent[best] as number))
    ) {
      best = s;
    }
  }
  if (best < 0 || (sessionsByStudent[best] as number) === 0) return { studentId: null, tutorId: null };
  let bestTutor: TutorProfile | null = null;
  let bestCount = 0;
  for (const t of tutors) {
    if (t.behaviour || t.isPoorTeacher) continue;
    const n = sessionsByPair.get(best * 100_000 + t.index) ?? 0;
    if (n > bestCount) {
      bestCount = n;
      bestTutor = t;
    }
  }
  bestTutor ??= tutors.find((t) => !t.behaviour && !t.isPoorTeacher) ?? null;
  return { studentId: (students[best] as StudentProfile).id, tutorId: bestTutor?.id ?? null };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/**
 * A start time that does not overlap the tutor's other sessions that day: drawn by the hour shape first, then,
 * on a busy day, the next free slot after a drawn one (so volume holds without piling onto peak hours).
 */
function pickFreeSlot(
  rng: Rng,
  picker: (rng: Rng) => number,
  taken: Array<[number, number]>,
  dayStart: number,
  minutes: number,
): number | null {
  const isFree = (start: number) => taken.every(([s, e]) => start + minutes * MINUTE <= s || start >= e);
  for (let attempt = 0; attempt < 8; attempt++) {
    const start = dayStart + picker(rng) * MINUTE;
    if (isFree(start)) return start;
  }
  const first = picker(rng);
  for (let m = first; m <= SLOT_LAST_HOUR * 60; m += 30) {
    if (isFree(dayStart + m * MINUTE)) return dayStart + m * MINUTE;
  }
  for (let m = first - 30; m >= SLOT_FIRST_HOUR * 60; m -= 30) {
    if (isFree(dayStart + m * MINUTE)) return dayStart + m * MINUTE;
  }
  return null;
}

/** A picker of start times (minutes after local midnight) on the hour or half hour, weighted by hour. */
function createSlotPicker(hourWeights: number[]): (rng: Rng) => number {
  const slots: number[] = [];
  const weights: number[] = [];
  for (let h = SLOT_FIRST_HOUR; h <= SLOT_LAST_HOUR; h++) {
    const w = hourWeights[h - SLOT_FIRST_HOUR] ?? 0;
    slots.push(h * 60, h * 60 + 30);
    // Sessions start on the hour far more often than on the half hour.
    weights.push(w, w * 0.4);
  }
  return createWeightedPicker(slots, weights);
}

/** UTC milliseconds of the platform-time midnight that starts the day containing `ms`. */
function localMidnight(ms: number): number {
  const offset = PLATFORM_UTC_OFFSET_MINUTES * MINUTE;
  return Math.floor((ms + offset) / DAY) * DAY - offset;
}

function toIso(ms: number): string {
  // Whole seconds: the platform reports join and leave times to the second.
  return new Date(Math.round(ms / 1000) * 1000).toISOString();
}

function uniqueId(rng: Rng, prefix: string, length: number, used: Set<string>): string {
  for (;;) {
    const id = prefix + rng.hex(length);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

function toEmail(first: string, last: string, index: number, domain: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  // The index keeps addresses unique; example.com is reserved, so nothing is ever mailed to a real person.
  return `${clean(first)}.${clean(last)}.${index + 1}@${domain}`;
}

function toTutorRow(t: TutorProfile): TutorRow {
  return {
    id: t.id,
    name: t.name,
    email: t.email,
    mainSubjectId: t.mainSubjectId,
    subjectIds: t.subjectIds,
    hiredAt: t.hiredAt,
  };
}

function toStudentRow(s: StudentProfile): StudentRow {
  return { id: s.id, name: s.name, email: s.email, gradeLevel: s.gradeLevel, signedUpAt: s.signedUpAt };
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

function normalizeMean(values: number[]): number[] {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.map((v) => v / mean);
}
