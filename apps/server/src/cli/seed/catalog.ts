/**
 * The demo data's fixed content: the subject catalogue (real K-12, college and test-prep subjects with the
 * grades that take them), problem generators per kind of subject, and the templates that turn problems into
 * speaker-labelled tutoring dialogue, AI summaries, feedback and reschedule reasons. Kept apart from
 * generate.ts so the numbers (rates, distributions) and the words can be read and changed separately.
 */
import type { Rng } from './random';

export const GRADE_LEVELS = [
  'K',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '10',
  '11',
  '12',
  'college',
  'adult',
] as const;
export type GradeLevel = (typeof GRADE_LEVELS)[number];
/** Share of students per grade: high school dominates paid tutoring, then college, middle and elementary. */
export const GRADE_WEIGHTS: Record<GradeLevel, number> = {
  K: 1,
  '1': 2,
  '2': 2.5,
  '3': 3,
  '4': 3,
  '5': 3.5,
  '6': 5.5,
  '7': 6,
  '8': 6.5,
  '9': 10,
  '10': 11,
  '11': 12.5,
  '12': 10,
  college: 15,
  adult: 8,
};

export type TopicKind =
  | 'arithmetic'
  | 'algebra'
  | 'algebra2'
  | 'geometry'
  | 'calculus'
  | 'statistics'
  | 'biology'
  | 'chemistry'
  | 'physics'
  | 'organic'
  | 'reading'
  | 'writing'
  | 'literature'
  | 'spanish'
  | 'french'
  | 'programming'
  | 'history'
  | 'economics'
  | 'test-math'
  | 'test-verbal';

export type SubjectDef = {
  id: string;
  name: string;
  category: string;
  grades: readonly GradeLevel[];
  /** Relative share of demand, drawn from typical marketplace mixes (algebra and SAT lead). */
  demand: number;
  kind: TopicKind;
};

const ELEM: GradeLevel[] = ['K', '1', '2', '3', '4', '5'];
const MIDDLE: GradeLevel[] = ['6', '7', '8'];
const HIGH: GradeLevel[] = ['9', '10', '11', '12'];

export const SUBJECTS: readonly SubjectDef[] = [
  {
    id: 'elementary-math',
    name: 'Elementary Math',
    category: 'Math',
    grades: ELEM,
    demand: 6,
    kind: 'arithmetic',
  },
  { id: 'pre-algebra', name: 'Pre-Algebra', category: 'Math', grades: MIDDLE, demand: 6, kind: 'algebra' },
  {
    id: 'algebra-1',
    name: 'Algebra 1',
    category: 'Math',
    grades: ['8', '9', '10'],
    demand: 10,
    kind: 'algebra',
  },
  { id: 'geometry', name: 'Geometry', category: 'Math', grades: ['9', '10'], demand: 7, kind: 'geometry' },
  { id: 'algebra-2', name: 'Algebra 2', category: 'Math', grades: ['10', '11'], demand: 7, kind: 'algebra2' },
  {
    id: 'precalculus',
    name: 'Precalculus',
    category: 'Math',
    grades: ['11', '12'],
    demand: 5,
    kind: 'algebra2',
  },
  {
    id: 'ap-calculus-ab',
    name: 'AP Calculus AB',
    category: 'Math',
    grades: ['11', '12'],
    demand: 5,
    kind: 'calculus',
  },
  {
    id: 'ap-statistics',
    name: 'AP Statistics',
    category: 'Math',
    grades: ['11', '12'],
    demand: 3,
    kind: 'statistics',
  },
  {
    id: 'college-calculus',
    name: 'Calculus I (College)',
    category: 'Math',
    grades: ['college'],
    demand: 4,
    kind: 'calculus',
  },
  {
    id: 'college-statistics',
    name: 'Intro to Statistics (College)',
    category: 'Math',
    grades: ['college', 'adult'],
    demand: 3,
    kind: 'statistics',
  },
  { id: 'biology', name: 'Biology', category: 'Science', grades: ['9', '10'], demand: 5, kind: 'biology' },
  {
    id: 'chemistry',
    name: 'Chemistry',
    category: 'Science',
    grades: ['10', '11'],
    demand: 6,
    kind: 'chemistry',
  },
  { id: 'physics', name: 'Physics', category: 'Science', grades: ['11', '12'], demand: 4, kind: 'physics' },
  {
    id: 'ap-biology',
    name: 'AP Biology',
    category: 'Science',
    grades: ['11', '12'],
    demand: 2,
    kind: 'biology',
  },
  {
    id: 'organic-chemistry',
    name: 'Organic Chemistry',
    category: 'Science',
    grades: ['college'],
    demand: 2,
    kind: 'organic',
  },
  {
    id: 'reading-comprehension',
    name: 'Reading Comprehension',
    category: 'English',
    grades: [...ELEM.slice(1), ...MIDDLE],
    demand: 6,
    kind: 'reading',
  },
  {
    id: 'essay-writing',
    name: 'Essay Writing',
    category: 'English',
    grades: [...MIDDLE, ...HIGH, 'college'],
    demand: 5,
    kind: 'writing',
  },
  {
    id: 'ap-english-literature',
    name: 'AP English Literature',
    category: 'English',
    grades: ['11', '12'],
    demand: 2,
    kind: 'literature',
  },
  {
    id: 'spanish',
    name: 'Spanish',
    category: 'World Languages',
    grades: [...MIDDLE, ...HIGH, 'college', 'adult'],
    demand: 4,
    kind: 'spanish',
  },
  {
    id: 'french',
    name: 'French',
    category: 'World Languages',
    grades: [...MIDDLE, ...HIGH, 'college'],
    demand: 2,
    kind: 'french',
  },
  {
    id: 'ap-computer-science-a',
    name: 'AP Computer Science A',
    category: 'Computer Science',
    grades: ['10', '11', '12'],
    demand: 2,
    kind: 'programming',
  },
  {
    id: 'python-programming',
    name: 'Python Programming',
    category: 'Computer Science',
    grades: ['college', 'adult'],
    demand: 3,
    kind: 'programming',
  },
  {
    id: 'us-history',
    name: 'U.S. History',
    category: 'Social Studies',
    grades: ['8', '11'],
    demand: 3,
    kind: 'history',
  },
  {
    id: 'microeconomics',
    name: 'Microeconomics',
    category: 'Social Studies',
    grades: ['12', 'college'],
    demand: 2,
    kind: 'economics',
  },
  {
    id: 'sat-math',
    name: 'SAT Math',
    category: 'Test Prep',
    grades: ['10', '11', '12'],
    demand: 7,
    kind: 'test-math',
  },
  {
    id: 'sat-reading-writing',
    name: 'SAT Reading & Writing',
    category: 'Test Prep',
    grades: ['10', '11', '12'],
    demand: 5,
    kind: 'test-verbal',
  },
  {
    id: 'act-prep',
    name: 'ACT Prep',
    category: 'Test Prep',
    grades: ['10', '11', '12'],
    demand: 4,
    kind: 'test-math',
  },
  {
    id: 'gre-prep',
    name: 'GRE Prep',
    category: 'Test Prep',
    grades: ['college', 'adult'],
    demand: 2,
    kind: 'test-verbal',
  },
];

/** One worked problem: what each speaker says at each step of a dialogue about it. */
export type Problem = {
  topic: string;
  question: string;
  answer: string;
  /** The student's first, wrong attempt. */
  wrongAttempt: string;
  /** An open question that points at the idea without giving it away. */
  hint: string;
  /** The student's corrected step after the hint. */
  betterStep: string;
  /** The student explaining why the step works. */
  reasoning: string;
  /** How a tutor who just tells would state the procedure. */
  tellStep: string;
  /** How the student checks the answer. */
  check: string;
  /** The idea, in the student's words, at the end of the session. */
  takeaway: string;
};

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}
function fraction(n: number, d: number): string {
  const g = gcd(n, d);
  return d / g === 1 ? String(n / g) : `${n / g}/${d / g}`;
}

type Concept = Omit<Problem, 'topic'> & { topic: string };

const PROBLEM_MAKERS: Record<TopicKind, Array<(rng: Rng) => Problem>> = {
  arithmetic: [
    (rng) => {
      const d = rng.pick([3, 4, 5, 6]);
      const x = rng.int(1, d - 1);
      const y = rng.int(1, 2 * d - 1);
      return {
        topic: 'adding fractions',
        question: `What is ${x}/${d} + ${y}/${2 * d}?`,
        answer: fraction(2 * x + y, 2 * d),
        wrongAttempt: `Is it ${x + y}/${3 * d}? I added the tops and the bottoms.`,
        hint: 'What has to be true about the denominators before we can add the pieces?',
        betterStep: `They have to be the same, so ${x}/${d} becomes ${2 * x}/${2 * d}.`,
        reasoning: 'The pieces have to be the same size before you can count them together.',
        tellStep: `Make both denominators ${2 * d}, add the numerators, and simplify.`,
        check: `I drew a bar cut into ${2 * d} parts and shaded them, and it matches.`,
        takeaway: 'You need the same size pieces before you add fractions.',
      };
    },
    (rng) => {
      const trays = rng.int(3, 9);
      const each = rng.pick([6, 8, 12, 15]);
      return {
        topic: 'multiplication word problems',
        question: `A baker fills ${trays} trays with ${each} muffins each. How many muffins is that?`,
        answer: String(trays * each),
        wrongAttempt: `${trays + each}? I added them.`,
        hint: 'If there were just one tray, how many muffins would there be? What about two trays?',
        betterStep: `One tray is ${each}, two is ${2 * each}... so it's ${trays} groups of ${each}.`,
        reasoning: 'Every tray is a group of the same size, so it is multiplication.',
        tellStep: `Multiply ${trays} by ${each}.`,
        check: `${trays * each} divided by ${trays} is ${each}, so it works.`,
        takeaway: 'Equal groups means multiply.',
      };
    },
  ],
  algebra: [
    (rng) => {
      const a = rng.int(2, 9);
      const x = rng.pick([-4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
      const b = rng.int(1, 20);
      const c = a * x + b;
      return {
        topic: 'solving two-step equations',
        question: `Solve ${a}x + ${b} = ${c}.`,
        answer: `x = ${x}`,
        wrongAttempt: `I added ${b} to both sides and got ${a}x = ${c + b}.`,
        hint: "What's being done to x, and in what order? How could you undo that?",
        betterStep: `x is multiplied by ${a} and then ${b} is added, so I subtract ${b} first: ${a}x = ${c - b}.`,
        reasoning: `Then I divide both sides by ${a}, so x = ${x}. You undo the operations in reverse order.`,
        tellStep: `Subtract ${b} from both sides, then divide by ${a}.`,
        check: `${a} times ${x} plus ${b} is ${c}, so it checks out.`,
        takeaway: 'Undo what was done to x, in reverse order, and do the same thing to both sides.',
      };
    },
    (rng) => {
      const fee = rng.pick([20, 25, 30, 40, 50]);
      const monthly = rng.pick([15, 18, 22, 25, 30]);
      const months = rng.int(3, 12);
      const total = fee + monthly * months;
      return {
        topic: 'writing linear equations',
        question: `A gym charges a $${fee} sign-up fee plus $${monthly} a month. After how many months will you have paid $${total}?`,
        answer: `${months} months`,
        wrongAttempt: `${(total / monthly).toFixed(1)} months? I divided the total by ${monthly}.`,
        hint: 'Which part of the cost happens only once, and which part repeats? How would you write that as an equation?',
        betterStep: `The fee is once, so ${fee} + ${monthly}m = ${total}.`,
        reasoning: `Subtract ${fee} to get ${monthly}m = ${total - fee}, then m = ${months}.`,
        tellStep: `Set up ${fee} + ${monthly}m = ${total} and solve for m.`,
        check: `${monthly} times ${months} is ${monthly * months}, plus ${fee} is ${total}.`,
        takeaway: 'The one-time part is the constant and the repeating part is the slope.',
      };
    },
  ],
  algebra2: [
    (rng) => {
      const r1 = rng.int(1, 6);
      const r2 = rng.int(2, 9);
      return {
        topic: 'factoring quadratics',
        question: `Factor x² + ${r1 + r2}x + ${r1 * r2}.`,
        answer: `(x + ${r1})(x + ${r2})`,
        wrongAttempt: `(x + ${r1 * r2})(x + 1)?`,
        hint: `What two numbers multiply to ${r1 * r2} and also add to ${r1 + r2}?`,
        betterStep: `${r1} and ${r2}: they multiply to ${r1 * r2} and add to ${r1 + r2}.`,
        reasoning:
          'When you multiply the brackets back out, the middle term comes from adding the two numbers.',
        tellStep: `It's (x + ${r1})(x + ${r2}). Find the pair that multiplies to c and adds to b.`,
        check: 'If I expand it with FOIL I get the original back.',
        takeaway: 'Factoring is multiplying backwards: the pair has to give both the product and the sum.',
      };
    },
    (rng) => {
      const k = rng.int(3, 7);
      return {
        topic: 'exponential equations',
        question: `Solve 2^x = ${2 ** k}.`,
        answer: `x = ${k}`,
        wrongAttempt: `x = ${2 ** k / 2}? I divided by 2.`,
        hint: `Can you write ${2 ** k} as a power of 2?`,
        betterStep: `${2 ** k} is 2 to the ${k}th, so 2^x = 2^${k}.`,
        reasoning: 'If the bases are the same, the exponents have to be equal.',
        tellStep: `Rewrite ${2 ** k} as 2^${k} and set the exponents equal.`,
        check: `2 times itself ${k} times is ${2 ** k}.`,
        takeaway: 'Get the same base on both sides, then compare exponents.',
      };
    },
  ],
  geometry: [
    (rng) => {
      const [a0, b0, c0] = rng.pick([
        [3, 4, 5],
        [5, 12, 13],
        [8, 15, 17],
      ] as const);
      const k = rng.int(1, 3);
      const [a, b, c] = [a0 * k, b0 * k, c0 * k];
      return {
        topic: 'the Pythagorean theorem',
        question: `A right triangle has legs of ${a} and ${b}. How long is the hypotenuse?`,
        answer: String(c),
        wrongAttempt: `${a + b}? I added the two legs.`,
        hint: 'What relationship connects the three sides of a right triangle?',
        betterStep: `a² + b² = c², so ${a * a} + ${b * b} = ${c * c}.`,
        reasoning: `The square root of ${c * c} is ${c}, because it's the squares of the sides that add up, not the sides.`,
        tellStep: `Use a² + b² = c². The hypotenuse is ${c}.`,
        check: `${c} is longer than both legs, which makes sense for the hypotenuse.`,
        takeaway: 'In a right triangle the squares of the legs add up to the square of the hypotenuse.',
      };
    },
    (rng) => {
      const a = rng.int(30, 80);
      const b = rng.int(20, 150 - a);
      return {
        topic: 'angles in a triangle',
        question: `Two angles of a triangle are ${a}° and ${b}°. What is the third angle?`,
        answer: `${180 - a - b}°`,
        wrongAttempt: `${360 - a - b}°?`,
        hint: 'What do the angles inside any triangle always add up to?',
        betterStep: `They add to 180, so 180 − ${a} − ${b}.`,
        reasoning: `That's ${180 - a - b}. 360 is for a full turn or a quadrilateral, not a triangle.`,
        tellStep: `Subtract both angles from 180.`,
        check: `${a} + ${b} + ${180 - a - b} = 180.`,
        takeaway: 'Triangle angles always sum to 180 degrees.',
      };
    },
  ],
  calculus: [
    (rng) => {
      const a = rng.int(2, 9);
      const n = rng.int(2, 5);
      const b = rng.int(1, 9);
      const lead = n - 1 === 1 ? `${a * n}x` : `${a * n}x^${n - 1}`;
      return {
        topic: 'the power rule',
        question: `Find the derivative of ${a}x^${n} + ${b}x.`,
        answer: `${lead} + ${b}`,
        wrongAttempt: `${a}x^${n - 1} + ${b}? I lowered the exponent.`,
        hint: 'What does the power rule say happens to the exponent besides going down by one?',
        betterStep: `The exponent comes down and multiplies, so ${a} times ${n} is ${a * n}: ${lead} + ${b}.`,
        reasoning: 'Because the slope of x^n grows with n: each power contributes n copies of x^(n−1).',
        tellStep: 'Power rule: multiply by the exponent and subtract one from it.',
        check: `At x = 1 the slope would be ${a * n + b}, and the graph is steep there, so that's reasonable.`,
        takeaway: 'Bring the exponent down as a multiplier, then lower it by one.',
      };
    },
    () => ({
      topic: 'limits',
      question: 'What is the limit of (x² − 9)/(x − 3) as x approaches 3?',
      answer: '6',
      wrongAttempt: "It's undefined because you get 0 over 0.",
      hint: 'Zero over zero tells you something is hiding. Can you simplify the fraction first?',
      betterStep: 'x² − 9 is (x − 3)(x + 3), so it cancels to x + 3.',
      reasoning: 'The limit only cares about values near 3, not at 3, so cancelling is fine: 3 + 3 = 6.',
      tellStep: 'Factor the top, cancel x − 3, plug in 3.',
      check: 'Plugging in 2.99 on the calculator gives about 5.99.',
      takeaway: '0/0 means simplify first; a limit is about what happens near the point.',
    }),
  ],
  statistics: [
    (rng) => {
      const values = Array.from({ length: 5 }, () => rng.int(2, 20));
      const sum = values.reduce((s, v) => s + v, 0);
      const sorted = [...values].sort((x, y) => x - y);
      return {
        topic: 'mean and median',
        question: `What is the mean of ${values.join(', ')}?`,
        answer: String(Math.round((sum / 5) * 10) / 10),
        wrongAttempt: `${sorted[2]}? That's the middle one.`,
        hint: "What's the difference between the mean and the median?",
        betterStep: `The middle one is the median. For the mean I add them up: ${sum}.`,
        reasoning: `Then divide by how many there are, 5, so ${Math.round((sum / 5) * 10) / 10}.`,
        tellStep: 'Add them all and divide by five.',
        check: 'The mean is between the smallest and the largest, so it makes sense.',
        takeaway: 'The mean is the balance point: total divided by count. The median is the middle value.',
      };
    },
    (rng) => {
      const k = rng.int(1, 4);
      return {
        topic: 'basic probability',
        question: `You roll a fair six-sided die. What is the probability of rolling a number greater than ${k}?`,
        answer: fraction(6 - k, 6),
        wrongAttempt: `${k}/6?`,
        hint: 'Which outcomes actually count as a success here? Can you list them?',
        betterStep: `The numbers bigger than ${k} are ${Array.from({ length: 6 - k }, (_, i) => k + 1 + i).join(', ')}.`,
        reasoning: `That's ${6 - k} good outcomes out of 6 equally likely ones, so ${fraction(6 - k, 6)}.`,
        tellStep: 'Count the outcomes that work and put them over six.',
        check: `Greater than ${k} and not greater than ${k} should add up to 1, and they do.`,
        takeaway: 'Probability is favourable outcomes over all equally likely outcomes.',
      };
    },
  ],
  biology: conceptMakers([
    {
      topic: 'photosynthesis',
      question: 'Where does the oxygen that plants release actually come from?',
      answer: 'from splitting water molecules',
      wrongAttempt: 'From the carbon dioxide they take in?',
      hint: 'Look at the light reactions. Which molecule gets split there?',
      betterStep: 'Water gets split in the light reactions, so the O2 comes from H2O.',
      reasoning:
        "The carbon dioxide ends up in the sugar in the Calvin cycle, so it can't be the oxygen source.",
      tellStep: 'Oxygen comes from water. Memorize: light reactions split water.',
      check: 'Our notes say the experiment with labelled water showed the labelled oxygen in the O2.',
      takeaway: 'The O2 comes from water; the CO2 carbon goes into glucose.',
    },
    {
      topic: 'mitosis and meiosis',
      question: 'How many chromosomes does a human sperm cell have, and why?',
      answer: '23, because meiosis halves the chromosome number',
      wrongAttempt: '46, like every other cell?',
      hint: 'What would happen to the chromosome number in the baby if both sperm and egg had 46?',
      betterStep: 'It would double every generation, so the gametes must have half: 23.',
      reasoning: 'Meiosis has two divisions, so the cells end up haploid.',
      tellStep: 'Gametes are haploid: 23. Mitosis makes 46, meiosis makes 23.',
      check: '23 plus 23 gives 46 in the zygote.',
      takeaway: 'Meiosis halves the chromosomes so fertilization restores the full set.',
    },
    {
      topic: 'osmosis',
      question: 'A red blood cell is put in pure water. What happens to it?',
      answer: 'it swells and can burst',
      wrongAttempt: 'It shrinks?',
      hint: 'Where is the water more concentrated, inside the cell or outside? Which way will it move?',
      betterStep: 'There is more water outside, so water moves into the cell.',
      reasoning:
        'Water moves toward where there are more dissolved particles, and the inside of the cell has more.',
      tellStep: 'Hypotonic solution, so the cell swells. Just remember hypo means it swells.',
      check: 'That matches why IV drips use saline, not pure water.',
      takeaway: 'Water moves toward the side with more dissolved stuff.',
    },
  ]),
  chemistry: [
    (rng) => {
      const [name, molar] = rng.pick([
        ['water', 18],
        ['carbon dioxide', 44],
        ['glucose', 180],
        ['methane', 16],
      ] as const);
      const moles = rng.int(2, 5);
      const grams = molar * moles;
      return {
        topic: 'moles and molar mass',
        question: `How many moles are in ${grams} g of ${name} (molar mass ${molar} g/mol)?`,
        answer: `${moles} mol`,
        wrongAttempt: `${grams * molar}? I multiplied them.`,
        hint: 'What are the units of molar mass? What does "grams per mole" suggest you do?',
        betterStep: `Grams per mole, so I divide: ${grams} ÷ ${molar}.`,
        reasoning: `That's ${moles} mol, and the grams cancel so the unit comes out in moles.`,
        tellStep: 'Divide the mass by the molar mass.',
        check: `${moles} times ${molar} gives back ${grams} g.`,
        takeaway: 'Follow the units: dividing grams by grams-per-mole leaves moles.',
      };
    },
    () => ({
      topic: 'balancing equations',
      question: 'Balance H₂ + O₂ → H₂O.',
      answer: '2H₂ + O₂ → 2H₂O',
      wrongAttempt: 'H₂ + O₂ → H₂O₂? I changed the water to match.',
      hint: 'Are you allowed to change the subscripts, or only the numbers in front? Why?',
      betterStep: 'Only the coefficients. So 2 H₂O to get two oxygens, then 2 H₂ for four hydrogens.',
      reasoning: "Changing a subscript makes a different substance; hydrogen peroxide isn't water.",
      tellStep: "Put a 2 in front of H₂ and H₂O. Don't touch subscripts.",
      check: 'Left: 4 H and 2 O. Right: 4 H and 2 O.',
      takeaway: 'Balance with coefficients so atoms are conserved, never by changing formulas.',
    }),
  ],
  physics: [
    (rng) => {
      const m = rng.int(2, 20);
      const a = rng.int(1, 6);
      return {
        topic: "Newton's second law",
        question: `What net force is needed to accelerate a ${m} kg cart at ${a} m/s²?`,
        answer: `${m * a} N`,
        wrongAttempt: `${m + a} N?`,
        hint: "Which of Newton's laws connects force, mass and acceleration? How are they related?",
        betterStep: `F = ma, so ${m} times ${a}.`,
        reasoning: `That's ${m * a} newtons; a kilogram times a metre per second squared is a newton.`,
        tellStep: 'F = ma. Multiply.',
        check: `If I divide ${m * a} N by ${m} kg I get back ${a} m/s².`,
        takeaway: 'Net force equals mass times acceleration, and the units have to work out to newtons.',
      };
    },
    (rng) => {
      const v = rng.int(2, 12);
      const t = rng.int(3, 10);
      return {
        topic: 'speed and velocity',
        question: `A runner covers ${v * t} m in ${t} s at a steady pace. What is her speed?`,
        answer: `${v} m/s`,
        wrongAttempt: `${v * t * t} m/s?`,
        hint: 'What does "metres per second" tell you about how to combine the numbers?',
        betterStep: `Metres per second means metres divided by seconds: ${v * t} ÷ ${t}.`,
        reasoning: `So ${v} m/s. Per means divide.`,
        tellStep: 'Speed is distance over time.',
        check: `${v} m every second for ${t} seconds is ${v * t} m.`,
        takeaway: 'Speed is distance divided by time; the units tell you the operation.',
      };
    },
  ],
  organic: conceptMakers([
    {
      topic: 'SN1 and SN2 reactions',
      question: 'Why does a tertiary alkyl halide react by SN1 rather than SN2?',
      answer: 'steric hindrance blocks backside attack, and the tertiary carbocation is stable',
      wrongAttempt: 'Because tertiary means it needs three steps?',
      hint: 'Picture the nucleophile approaching the carbon from the back. What is in its way?',
      betterStep: "Three bulky groups block the back side, so SN2 can't happen.",
      reasoning: 'And the carbocation that forms is stabilized by the alkyl groups, so SN1 is favoured.',
      tellStep: 'Tertiary → SN1, primary → SN2. Memorize the table.',
      check: 'That matches the rate law: SN1 only depends on the substrate.',
      takeaway: 'Sterics decide SN2; carbocation stability decides SN1.',
    },
    {
      topic: 'chirality',
      question: 'How can you tell if a carbon is a chiral centre?',
      answer: 'it has four different groups attached',
      wrongAttempt: 'If it has a double bond?',
      hint: 'Could the molecule be superimposed on its mirror image? What would make that impossible?',
      betterStep: "If all four groups are different, the mirror image can't be lined up.",
      reasoning: 'Swapping any two groups gives the other enantiomer.',
      tellStep: "Four different groups. That's the rule.",
      check: 'In 2-butanol the carbon has H, OH, methyl and ethyl, so it is chiral.',
      takeaway: 'Four different substituents make a stereocentre.',
    },
  ]),
  reading: conceptMakers([
    {
      topic: 'finding the main idea',
      question: 'In the passage about honeybees, what is the main idea?',
      answer: 'honeybees are essential for pollinating many of our crops',
      wrongAttempt: 'That bees can sting?',
      hint: 'Which sentence could be a title for the whole passage? What does every paragraph keep coming back to?',
      betterStep: 'Every paragraph talks about bees and crops, so it is about pollination.',
      reasoning: 'Stinging is only one detail; the main idea has to cover the whole passage.',
      tellStep: 'The main idea is in the first sentence. Underline it.',
      check: 'Each paragraph supports the idea that bees help crops.',
      takeaway: 'The main idea covers the whole text, not just one detail.',
    },
    {
      topic: 'making inferences',
      question: 'The story says Maya grabbed her umbrella and sighed at the window. What can we infer?',
      answer: 'it is raining and Maya is disappointed',
      wrongAttempt: 'She likes umbrellas?',
      hint: 'What clues does the author give? Why might someone sigh at a window?',
      betterStep: "The umbrella means rain, and sighing means she's unhappy about it.",
      reasoning: "The author doesn't say it, but the clues add up.",
      tellStep: "It's raining and she's sad. Inference means reading between the lines.",
      check: 'The next sentence says her picnic was cancelled, so that fits.',
      takeaway: 'An inference is clues from the text plus what I already know.',
    },
  ]),
  writing: conceptMakers([
    {
      topic: 'writing a thesis statement',
      question: 'Is "Social media is bad" a strong thesis for your essay?',
      answer: 'no, it needs a specific, arguable claim with reasons',
      wrongAttempt: 'Yes, it says what I think.',
      hint: 'Could someone reasonably disagree with it? Does it tell the reader what your paragraphs will prove?',
      betterStep:
        'Maybe: "Social media harms teens\' sleep because of late-night scrolling and notifications."',
      reasoning: 'Now it is specific and it previews my two body paragraphs.',
      tellStep: 'Use this formula: claim + because + reason one + reason two.',
      check: 'Each body paragraph now matches one reason in the thesis.',
      takeaway: 'A thesis is a specific claim someone could argue with, plus the reasons.',
    },
    {
      topic: 'using evidence',
      question: 'How should you bring a quote into your paragraph?',
      answer: 'introduce it, quote it, then explain how it supports your point',
      wrongAttempt: 'Just put it at the end of the paragraph?',
      hint: 'If a reader saw only the quote, would they know why it matters to your argument?',
      betterStep: 'I should say who said it, give the quote, then explain what it shows.',
      reasoning: "The explanation is where my own thinking shows; the quote alone doesn't argue anything.",
      tellStep: 'Sandwich it: intro, quote, explanation.',
      check: 'My second paragraph now has two sentences of analysis after the quote.',
      takeaway: 'Evidence needs analysis: say why the quote proves your point.',
    },
  ]),
  literature: conceptMakers([
    {
      topic: 'symbolism in The Great Gatsby',
      question: "What does the green light at the end of Daisy's dock represent?",
      answer: "Gatsby's longing for Daisy and the unreachable American Dream",
      wrongAttempt: "That the dock has a light so boats don't crash?",
      hint: 'When does Gatsby look at the light, and how does Fitzgerald describe it at the very end?',
      betterStep: 'He reaches toward it, and at the end it is about the future that keeps moving away.',
      reasoning: 'So it is about wanting something you can never quite get: Daisy, and the dream.',
      tellStep: 'Green light = the American Dream. That will be on the test.',
      check: 'The last page talks about the "orgastic future" receding, which fits.',
      takeaway: 'A symbol gathers meaning from when and how the author keeps returning to it.',
    },
    {
      topic: 'theme in To Kill a Mockingbird',
      question: 'Why does Atticus say it is a sin to kill a mockingbird?',
      answer: 'mockingbirds only do good, so harming innocents is wrong; it points to Tom and Boo',
      wrongAttempt: "Because it's illegal to hunt them?",
      hint: 'What do mockingbirds do, according to Miss Maudie? Which characters are like that?',
      betterStep: "They just sing and don't hurt anyone, like Tom Robinson and Boo Radley.",
      reasoning: 'So the theme is about destroying innocence and the injustice done to Tom.',
      tellStep: 'Mockingbird = innocence. Tom and Boo are mockingbirds.',
      check: 'Scout says hurting Boo would be like shooting a mockingbird, so that confirms it.',
      takeaway: "The title connects a symbol to the book's theme of innocence and injustice.",
    },
  ]),
  spanish: [
    (rng) => {
      const [verb, english] = rng.pick([
        ['hablar', 'speak'],
        ['estudiar', 'study'],
        ['comer', 'eat'],
        ['aprender', 'learn'],
        ['vivir', 'live'],
        ['escribir', 'write'],
      ] as const);
      const ending = verb.slice(-2);
      const stem = verb.slice(0, -2);
      const form = stem + (ending === 'ar' ? 'amos' : ending === 'er' ? 'emos' : 'imos');
      return {
        topic: 'present tense conjugation',
        question: `How do you say "we ${english}" in Spanish?`,
        answer: `nosotros ${form}`,
        wrongAttempt: `Nosotros ${verb}?`,
        hint: `What's the stem of ${verb}, and which ending goes with nosotros for -${ending} verbs?`,
        betterStep: `The stem is ${stem}-, and nosotros takes -${form.slice(stem.length)}, so ${form}.`,
        reasoning: `The infinitive is just the dictionary form; you always swap -${ending} for the ending of the person.`,
        tellStep: `It's ${form}. Memorize the chart.`,
        check: `It sounds like the yo form would be ${stem}o, so the pattern is consistent.`,
        takeaway: 'Drop the -ar/-er/-ir and add the ending for the person.',
      };
    },
  ],
  french: [
    (rng) => {
      const [verb, english, group] = rng.pick([
        ['parler', 'speak', 'er'],
        ['aimer', 'love', 'er'],
        ['finir', 'finish', 'ir'],
        ['choisir', 'choose', 'ir'],
      ] as const);
      const stem = verb.slice(0, -2);
      const form = group === 'er' ? `${stem}ons` : `${stem}issons`;
      return {
        topic: 'present tense conjugation',
        question: `How do you say "we ${english}" in French?`,
        answer: `nous ${form}`,
        wrongAttempt: `Nous ${verb}?`,
        hint: `Which group is ${verb} in, and what ending does nous take in that group?`,
        betterStep: `It's an -${group} verb, so nous ${form}.`,
        reasoning:
          group === 'ir'
            ? 'Regular -ir verbs add -iss- in the plural.'
            : 'Regular -er verbs take -ons with nous.',
        tellStep: `Nous ${form}. Learn the endings.`,
        check: `Vous would be ${group === 'er' ? `${stem}ez` : `${stem}issez`}, which follows the same pattern.`,
        takeaway: 'Find the verb group first, then the ending for the person.',
      };
    },
  ],
  programming: [
    (rng) => {
      const start = rng.int(0, 3);
      const end = rng.int(start + 4, start + 12);
      return {
        topic: 'for loops',
        question: `How many times does the body of for (int i = ${start}; i < ${end}; i++) run?`,
        answer: String(end - start),
        wrongAttempt: `${end - start + 1} times?`,
        hint: 'What is the last value of i that actually gets into the loop body?',
        betterStep: `The condition is i < ${end}, so the last one is ${end - 1}.`,
        reasoning: `From ${start} to ${end - 1} is ${end - start} values, because the strict less-than excludes ${end}.`,
        tellStep: 'It runs end minus start times.',
        check: 'I traced it with a print statement and counted.',
        takeaway: 'With i < n, the loop stops before n: count the values, watch for off-by-one.',
      };
    },
    (rng) => {
      const n = rng.int(4, 12);
      return {
        topic: 'list indexing',
        question: `A list has ${n} items. What is the index of the last item?`,
        answer: String(n - 1),
        wrongAttempt: `${n}?`,
        hint: 'What index does the first item have?',
        betterStep: `The first is 0, so the last is ${n - 1}.`,
        reasoning: 'Indexes count how far you are from the start, not which item it is.',
        tellStep: 'Length minus one.',
        check: `Accessing index ${n} raised an IndexError, so ${n - 1} is the last.`,
        takeaway: 'Indexes start at 0, so the last index is length − 1.',
      };
    },
  ],
  history: conceptMakers([
    {
      topic: 'checks and balances',
      question: 'How can Congress check the power of the President?',
      answer:
        'by overriding a veto with two-thirds, approving appointments, impeachment, and controlling funding',
      wrongAttempt: 'Congress can fire the President whenever it wants?',
      hint: 'Think about what the President needs from Congress. What could Congress refuse or undo?',
      betterStep: 'Congress controls money, and the Senate has to approve appointments and treaties.',
      reasoning:
        "And a two-thirds vote overrides a veto; impeachment is possible but it's a process, not firing.",
      tellStep: 'Veto override, impeachment, appointments, budget. Memorize the four.',
      check: 'That matches the chart in Article I and II of our textbook.',
      takeaway: 'Each branch has tools that limit the others, so no branch rules alone.',
    },
    {
      topic: 'causes of the Civil War',
      question: 'Why did the Kansas-Nebraska Act increase tensions before the Civil War?',
      answer: 'it let settlers vote on slavery, overturning the Missouri Compromise and sparking violence',
      wrongAttempt: 'Because it started the war directly?',
      hint: 'What did the Missouri Compromise decide, and what did this act change about it?',
      betterStep: 'It replaced the line with popular sovereignty, so slavery could spread north of it.',
      reasoning:
        'Both sides rushed settlers into Kansas and it turned violent, so compromise looked impossible.',
      tellStep: 'It repealed the Missouri Compromise. Bleeding Kansas followed.',
      check: 'The timeline shows Bleeding Kansas right after 1854.',
      takeaway: 'It reopened the question of slavery in the territories and made it violent.',
    },
  ]),
  economics: conceptMakers([
    {
      topic: 'substitutes and complements',
      question: 'If the price of coffee rises sharply, what happens to the demand for tea?',
      answer: 'demand for tea increases, because they are substitutes',
      wrongAttempt: 'Tea demand goes down too?',
      hint: 'What would a coffee drinker do when coffee gets expensive?',
      betterStep: 'Some would switch to tea, so more people want tea at every price.',
      reasoning: 'That shifts the whole demand curve for tea to the right.',
      tellStep: 'Substitutes: price of one up, demand for the other up.',
      check: 'For complements like coffee and cream it would be the opposite, which makes sense.',
      takeaway: "A change in a related good's price shifts demand, not a move along it.",
    },
    {
      topic: 'price ceilings',
      question: 'What happens when a price ceiling is set below the equilibrium price?',
      answer: 'a shortage: quantity demanded exceeds quantity supplied',
      wrongAttempt: 'A surplus?',
      hint: 'At the lower price, do more or fewer people want to buy? And sellers?',
      betterStep: 'Buyers want more and sellers offer less.',
      reasoning: 'So the gap between them is a shortage.',
      tellStep: 'Ceiling below equilibrium = shortage.',
      check: 'Rent control causing waiting lists is the example from class.',
      takeaway: 'Binding ceilings cause shortages; binding floors cause surpluses.',
    },
  ]),
  'test-math': [
    (rng) => {
      const price = rng.pick([40, 60, 80, 120, 150]);
      const off = rng.pick([10, 20, 25, 30]);
      const result = (price * (100 - off)) / 100;
      return {
        topic: 'percent problems',
        question: `A jacket costs $${price} and is on sale for ${off}% off. What is the sale price?`,
        answer: `$${result}`,
        wrongAttempt: `$${price - off}? I took ${off} off.`,
        hint: `Is ${off}% the same as ${off} dollars? What is ${off}% of ${price}?`,
        betterStep: `${off}% of ${price} is ${(price * off) / 100}, so ${price} − ${(price * off) / 100}.`,
        reasoning: `That's $${result}; or multiply by ${(100 - off) / 100} in one step.`,
        tellStep: `Multiply by ${(100 - off) / 100}.`,
        check: `$${result} is less than $${price} but not by a crazy amount, so it's reasonable.`,
        takeaway: 'Percent off means a fraction of the price, not a number of dollars.',
      };
    },
    (rng) => {
      const base = rng.pick([15, 20, 30, 35]);
      const rate = rng.pick([5, 8, 10]);
      const gb = rng.int(2, 9);
      const total = base + rate * gb;
      return {
        topic: 'linear models',
        question: `A phone plan costs $${base} a month plus $${rate} per GB of data. One month's bill was $${total}. How many GB were used?`,
        answer: `${gb} GB`,
        wrongAttempt: `${Math.round((total / rate) * 10) / 10} GB?`,
        hint: "What part of the bill doesn't depend on data? What should you do with it first?",
        betterStep: `The $${base} is fixed, so ${total} − ${base} = ${total - base} is the data part.`,
        reasoning: `${total - base} ÷ ${rate} = ${gb} GB.`,
        tellStep: `Subtract ${base} then divide by ${rate}.`,
        check: `${base} + ${rate} × ${gb} = ${total}. On the SAT I'd also plug the answer choices in.`,
        takeaway: 'Separate the fixed part from the per-unit part before dividing.',
      };
    },
  ],
  'test-verbal': conceptMakers([
    {
      topic: 'comma splices',
      question: 'What is wrong with: "The museum was crowded, we left early."?',
      answer: 'it is a comma splice; use a semicolon, a period, or add "so"',
      wrongAttempt: 'It needs another comma?',
      hint: 'Can each half stand alone as a sentence? What joins two complete sentences?',
      betterStep: "Both halves are complete sentences, so a comma alone can't join them.",
      reasoning: 'A semicolon or "comma + so" works because it signals two independent clauses.',
      tellStep: 'Comma splice. Change it to a semicolon.',
      check: 'Answer choice C has the semicolon, and it reads correctly.',
      takeaway: 'Two complete sentences need a period, semicolon, or comma plus a conjunction.',
    },
    {
      topic: 'words in context',
      question:
        'In "the senator\'s measured response calmed the crowd", what does "measured" most nearly mean?',
      answer: 'careful and restrained',
      wrongAttempt: 'Calculated with a ruler?',
      hint: 'Cover the word. What word would you put in the blank based on "calmed the crowd"?',
      betterStep: 'Something like "calm" or "careful".',
      reasoning: 'The response calmed people, so it wasn\'t extreme; "restrained" fits best.',
      tellStep: 'Measured means careful. Pick B.',
      check: 'Plugging "careful" back into the sentence keeps the meaning.',
      takeaway: 'Predict a word from context before looking at the choices.',
    },
    {
      topic: 'transitions',
      question: 'Which transition fits: "The study was small. ___, its results were striking."?',
      answer: 'Nevertheless',
      wrongAttempt: 'Therefore?',
      hint: 'Do the two sentences agree or contrast? What kind of word signals that?',
      betterStep: 'They contrast: small study but striking results.',
      reasoning: 'So it needs a contrast word like "nevertheless", not a cause word like "therefore".',
      tellStep: 'Nevertheless. Contrast words go with contrasts.',
      check: 'Reading it aloud with "nevertheless" makes sense.',
      takeaway: 'Decide the relationship between the sentences first, then pick the transition.',
    },
  ]),
};

function conceptMakers(concepts: Concept[]): Array<(rng: Rng) => Problem> {
  return concepts.map((c) => () => c);
}

export function drawProblem(kind: TopicKind, rng: Rng): Problem {
  return rng.pick(PROBLEM_MAKERS[kind])(rng);
}

/** How a tutor talks in a transcript: guides with open questions, tells answers, or is curt. */
export type TeachingStyle = 'guiding' | 'telling' | 'curt';

export type TranscriptInput = {
  rng: Rng;
  style: TeachingStyle;
  subject: SubjectDef;
  tutorFirstName: string;
  studentFirstName: string;
  isFirstSession: boolean;
  tutorLateMinutes: number;
};

/** A short speaker-labelled transcript ("Tutor: …" / "Student: …") and a matching AI-style summary. */
export function writeTranscript(input: TranscriptInput): { transcript: string; summary: string } {
  const { rng, style, subject } = input;
  const problems = [drawProblem(subject.kind, rng)];
  if (rng.bernoulli(0.6)) {
    const second = drawProblem(subject.kind, rng);
    if (second.question !== problems[0]?.question) problems.push(second);
  }
  const lines =
    style === 'guiding'
      ? writeGuidingDialogue(input, problems)
      : style === 'telling'
        ? writeTellingDialogue(input, problems)
        : writeCurtDialogue(input, problems);
  return { transcript: lines.join('\n'), summary: writeSummary(input, problems) };
}

// ---------------------------------------------------------------------------------------------------------
// Dialogues. Modelled on real one-to-one maths tutoring (MathDial, see ../shared/data/mathdial): tutors open
// with "talk me through your solution", students answer at length and make mistakes, give partial answers or
// say they are stuck, tutors type fast (lower case, the odd typo, "Okay -"), and each tutor turn is one move:
// focus (a narrow question about a step), probing (explain, justify), telling (states a step or the answer),
// generic (greets, praises, moves on). A guiding tutor mostly focuses and probes and tells now and then; a
// telling tutor mostly tells; a curt one tells in as few words as possible. The share of telling turns is what
// tier 2's move classifier measures, so the planted poor teaching stays detectable.

/** The odd typo real chat has: two neighbouring letters of a longer word swapped (never in a number). */
function typo(rng: Rng, text: string, p: number): string {
  if (!rng.bernoulli(p)) return text;
  const words = text.split(' ');
  const candidates = words.map((w, i) => (/^[a-z]{5,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const i = rng.pick(candidates);
  const w = words[i] as string;
  const k = rng.int(1, w.length - 3);
  words[i] = w.slice(0, k) + (w[k + 1] as string) + (w[k] as string) + w.slice(k + 2);
  return words.join(' ');
}

/** Chat style: sometimes all lower case, without the final full stop. */
function casual(rng: Rng, text: string, p: number): string {
  if (!rng.bernoulli(p)) return text;
  const lowered = text.charAt(0).toLowerCase() + text.slice(1);
  return lowered.replace(/\.$/, '');
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const IMPERATIVE = /^(Make|Multiply|Subtract|Set|Rewrite|Use|Add|Count|Divide|Put|Factor|Find)\b/;
/** The telling step as a tutor says it: "You need to multiply 6 by 12." or the statement as it is. */
const tellIt = (p: Problem) =>
  IMPERATIVE.test(p.tellStep) ? `You need to ${lower(p.tellStep)}` : p.tellStep;
const stripQ = (s: string) => s.replace(/[.?!]+$/, '');

/** What a student says when stuck, or a partial answer that goes half-way. */
function studentStuck(rng: Rng, p: Problem): string {
  return rng.pick([
    "I'm not sure where to start.",
    "Um, I think I need to do something with the numbers but I don't know what.",
    `${p.wrongAttempt.replace(/\?.*$/, '')}? I'm not sure.`,
    "I don't really get it.",
    'Is it something to do with the last part of the question?',
  ]);
}

function studentOpening(rng: Rng, p: Problem): string {
  return rng.pick([
    `Sure. ${p.wrongAttempt}`,
    p.wrongAttempt,
    `I got this: ${lower(p.wrongAttempt)}`,
    `Okay so ${lower(p.wrongAttempt)} I think that's right.`,
  ]);
}

function writeGuidingDialogue(input: TranscriptInput, problems: Problem[]): string[] {
  const { rng, studentFirstName: student, tutorFirstName: tutor } = input;
  const first = problems[0] as Problem;
  const lines: string[] = [];
  const t = (text: string) => lines.push(`Tutor: ${typo(rng, casual(rng, text, 0.15), 0.08)}`);
  const s = (text: string) => lines.push(`Student: ${typo(rng, casual(rng, text, 0.3), 0.06)}`);
  const sorry = input.tutorLateMinutes > 5 ? "Sorry I'm a few minutes late, my last session ran over. " : '';
  if (input.isFirstSession) {
    t(
      `${sorry}Hi ${student}, I'm ${tutor}. Great to meet you! What would you like to get out of our sessions?`,
    );
    s(
      rng.pick([
        `I have a test on ${first.topic} soon and I'm kind of lost.`,
        `My teacher said I need to work on ${first.topic}.`,
        'Honestly I just want to stop feeling confused in class.',
      ]),
    );
    t(
      `${rng.pick(['That makes sense, a lot of students feel that way at first.', 'Thanks for telling me, that helps me know where to start.'])} Let's start with ${first.topic}.`,
    );
  } else {
    t(
      `${sorry}Hi ${student}! ${rng.pick(['How did the homework go?', 'How did your quiz go?', 'What felt hardest since last time?'])}`,
    );
    s(
      rng.pick([
        'It went okay, I got most of them.',
        'Not great, I got stuck on a couple.',
        'Better than last time!',
        'I think I did fine but I rushed the last part.',
      ]),
    );
    t(
      `${rng.pick(["Nice, let's build on that.", "Okay, we'll look at the ones that were tricky.", 'Good to hear.'])} Today let's work on ${first.topic}.`,
    );
  }
  problems.forEach((p, i) => {
    const lead =
      i === 0
        ? rng.pick(["Here's one:", 'Try this:', 'Take a look:'])
        : rng.pick(["Let's try another:", 'One more:', 'Now this one:']);
    t(
      `${lead} ${p.question} ${rng.pick(['Please talk me through your solution.', 'Have a go and tell me what you get.', 'Where would you start?', 'What do you notice first?'])}`,
    );
    if (rng.bernoulli(0.2)) {
      s(studentStuck(rng, p));
      t(
        rng.pick([
          "That's okay. What is the question asking you to find?",
          'No problem. What do you know already from the question?',
          'Read it again slowly. What information are you given?',
        ]),
      );
    }
    s(studentOpening(rng, p));
    // Probe the attempt before correcting it.
    t(
      rng.pick([
        'How did you get that?',
        'Can you explain how you got there?',
        'Hmm, what made you choose that?',
        'Interesting, walk me through how you got that.',
      ]),
    );
    s(
      rng.pick([
        `I just ${lower(stripQ(p.wrongAttempt.split('? ')[1] ?? 'did what the question said'))}.`,
        'I did what we did in class I think.',
        `Because ${lower(stripQ(p.wrongAttempt))}.`,
      ]),
    );
    t(
      `${rng.pick(["Okay - let's slow down.", "Not quite, but you're close.", "Let's check that together.", 'Good try.'])} ${p.hint}`,
    );
    if (rng.bernoulli(0.35)) {
      // A partial answer, and a narrower question.
      s(
        rng.pick([
          'Is it because the numbers are different?',
          "I'm still not sure.",
          `So I should ${lower(stripQ(p.tellStep)).split(',')[0]}?`,
        ]),
      );
      if (rng.bernoulli(0.25))
        t(`Yes. ${p.tellStep}`); // guiding tutors tell now and then, like real ones
      else
        t(
          rng.pick([
            'Look at the question again. Which numbers belong together?',
            `Think about the first step only. ${p.hint}`,
            'What would happen if you tried it with smaller numbers?',
          ]),
        );
    }
    s(p.betterStep);
    t(
      rng.pick([
        'Nice. Why does that work?',
        'Good. Can you explain why that step is allowed?',
        'Exactly. What makes that the right move?',
        'Yes! Why do you think that is?',
      ]),
    );
    s(p.reasoning);
    t(
      rng.pick([
        'Great thinking. How could you check your answer?',
        "That's it. How would you know you're right?",
        'So what is the final answer?',
      ]),
    );
    s(rng.bernoulli(0.5) ? p.check : `So the answer is ${p.answer}.`);
    t(
      rng.pick([
        'You did that yourself, and you caught your own mistake. That matters.',
        'That is exactly the reasoning your teacher is looking for.',
        'Love it. Notice how checking made you confident.',
        "Yes, that's it. Well done!",
        'Well done!',
      ]),
    );
  });
  t(
    rng.pick([
      "Before we wrap up, can you explain today's main idea in your own words?",
      'To finish, what would you tell a friend who got stuck on this?',
    ]),
  );
  s(first.takeaway);
  t(
    rng.pick([
      'Perfect. Try three more like this before next time and note where you get stuck.',
      "Great work today. I'll send a couple of practice problems; bring your questions next time.",
      'Exactly right. See you next week!',
    ]),
  );
  return lines;
}

function writeTellingDialogue(input: TranscriptInput, problems: Problem[]): string[] {
  const { rng, tutorFirstName: tutor } = input;
  const first = problems[0] as Problem;
  const lines: string[] = [];
  const t = (text: string) => lines.push(`Tutor: ${typo(rng, casual(rng, text, 0.2), 0.1)}`);
  const s = (text: string) => lines.push(`Student: ${typo(rng, casual(rng, text, 0.3), 0.06)}`);
  const sorry = input.tutorLateMinutes > 5 ? 'Sorry, running late. ' : '';
  const opener = `${sorry}${input.isFirstSession ? `Hi, I'm ${tutor}. ` : ''}${rng.pick(["Let's get going, we have a lot to cover.", `Okay, ${first.topic} today.`, "Let's jump right in."])}`;
  problems.forEach((p, i) => {
    t(`${i === 0 ? `${opener} First one:` : 'Next:'} ${p.question}`);
    s(rng.bernoulli(0.5) ? studentStuck(rng, p) : studentOpening(rng, p));
    t(
      `${rng.pick(["No, that's not right.", 'No.', 'Not quite.', 'No, you need to do it differently.'])} ${tellIt(p)} So the answer is ${p.answer}.`,
    );
    s(
      rng.pick([
        'Oh. Why do we do it that way?',
        'Wait, can you explain that step?',
        'Okay...',
        `Oh, I see. So it's ${p.answer}.`,
      ]),
    );
    t(
      rng.pick([
        `The answer is ${p.answer}. ${tellIt(p)} Just remember the steps.`,
        `${tellIt(p)} That's just how it works, you'll want to memorize it.`,
        `The answer is ${p.answer}, don't worry about why. ${tellIt(p)}`,
        `It's the rule: ${lower(tellIt(p))} The answer is ${p.answer}.`,
      ]),
    );
    // The student repeats what they were told and the tutor confirms it: no thinking asked of them.
    s(rng.pick(['Okay, I wrote it down.', `So ${p.answer}?`, 'I think I get it.', `ok so it's ${p.answer}`]));
    t(
      rng.pick([
        `Yes, the answer is ${p.answer}. Write that down.`,
        `Right, the answer is ${p.answer}. ${tellIt(p)}`,
        `${p.answer}, yes. ${tellIt(p)} Moving on.`,
      ]),
    );
  });
  t(
    rng.pick([
      "Alright, that's it for today. Do the worksheet.",
      "Okay, we're out of time.",
      'Just practice those and you should be fine.',
    ]),
  );
  s(rng.pick(['Thanks.', 'Okay, bye.', 'Okay.']));
  return lines;
}

function writeCurtDialogue(input: TranscriptInput, problems: Problem[]): string[] {
  const { rng } = input;
  const first = problems[0] as Problem;
  const lines: string[] = [];
  const t = (text: string) => lines.push(`Tutor: ${typo(rng, casual(rng, text, 0.3), 0.1)}`);
  const s = (text: string) => lines.push(`Student: ${typo(rng, casual(rng, text, 0.3), 0.06)}`);
  problems.forEach((p, i) => {
    const opener =
      i === 0 ? `${rng.pick(["Let's start.", `Okay. ${first.topic}.`, 'Open the worksheet.'])} ` : '';
    t(`${opener}${p.question}`);
    s(studentOpening(rng, p));
    t(rng.pick([`No. The answer is ${p.answer}.`, `Wrong. ${tellIt(p)}`, `That's not it. ${tellIt(p)}`]));
    s(rng.pick(['Could you explain what I did wrong?', 'Can you show me?', 'Why is that wrong?']));
    t(
      rng.pick([
        `The answer is ${p.answer}.`,
        `${p.answer}. Next.`,
        `The answer is ${p.answer}. It's in your notes.`,
        `${tellIt(p)} Next.`,
      ]),
    );
    s(rng.pick(['ok', "I still don't get it.", 'Okay...']));
  });
  t(rng.pick(['Done for today.', "That's time.", 'We need to stop here.']));
  s(rng.pick(['ok', 'bye', 'Okay. Thanks, I guess.']));
  return lines;
}

function writeSummary(input: TranscriptInput, problems: Problem[]): string {
  const { rng, style, subject, studentFirstName: student } = input;
  const topics = [...new Set(problems.map((p) => p.topic))].join(' and ');
  const parts = [
    `${student} worked on ${topics} in ${subject.name}${input.isFirstSession ? ' in a first session with this tutor' : ''}.`,
  ];
  if (input.tutorLateMinutes > 5)
    parts.push(`The tutor joined about ${Math.round(input.tutorLateMinutes)} minutes late.`);
  if (style === 'guiding') {
    parts.push(
      rng.pick([
        'The tutor asked open questions and let the student find and correct their own mistakes.',
        'The tutor guided with questions rather than giving answers, and asked the student to explain each step.',
      ]),
      rng.pick([
        'The student explained their reasoning and checked answers independently. Engagement was high.',
        'The student grew more confident over the session and summarized the key idea at the end.',
      ]),
      `Next steps: ${rng.pick(['more independent practice', 'a short review quiz', 'mixed practice problems'])} on ${problems[0]?.topic ?? topics}.`,
    );
  } else if (style === 'telling') {
    parts.push(
      rng.pick([
        'The tutor supplied answers and procedures directly and moved on quickly.',
        'Most problems were solved by the tutor, with the student copying the steps.',
      ]),
      rng.pick([
        'When the student asked why a step works, the tutor told them to memorize it.',
        'The student asked for explanations that were not given.',
      ]),
      'Engagement was low; conceptual understanding was not checked.',
    );
  } else {
    parts.push(
      rng.pick([
        'The tutor responded in very short phrases ("No.", "Wrong.") without explanation.',
        'Tutor feedback was brief and dismissive; mistakes were marked wrong but not explained.',
      ]),
      "The student's requests for help went unanswered and they appeared frustrated. Engagement was low.",
    );
  }
  return parts.join(' ');
}

export type FeedbackContext = {
  tutorNoShow: boolean;
  tutorLate: boolean;
  endedEarly: boolean;
  isFirstSession: boolean;
};

const STUDENT_COMMENTS: Record<number, readonly string[]> = {
  5: [
    'Great session, everything finally clicked!',
    'Super patient and explained things clearly.',
    'Really helpful, I feel ready for my test.',
    'Best tutor I have had.',
    'Loved how they made me figure it out myself.',
  ],
  4: [
    'Good session, helpful overall.',
    'Helpful, though we went a bit fast.',
    'Pretty good, learned a lot.',
    'Solid session.',
  ],
  3: [
    'It was okay.',
    'Some parts were helpful, others confusing.',
    "Fine, but I'm still unsure about some of it.",
  ],
  2: ["Not very helpful, I'm still confused.", 'The tutor seemed distracted.', "Didn't explain things well."],
  1: ['Waste of time.', "Tutor was rude and didn't explain anything.", 'Really bad experience.'],
};

/** What a student writes with their rating; empty about a third of the time, as on real platforms. */
export function writeStudentComment(rng: Rng, rating: number, ctx: FeedbackContext): string {
  if (ctx.tutorNoShow)
    return rng.pick([
      'Tutor never showed up.',
      'I waited 15 minutes and nobody came.',
      'No tutor. Very frustrating.',
    ]);
  if (rng.bernoulli(0.3)) return '';
  const parts = [rng.pick(STUDENT_COMMENTS[rating] ?? STUDENT_COMMENTS[3] ?? [''])];
  if (ctx.tutorLate && rng.bernoulli(0.6))
    parts.push(
      rng.pick([
        'The tutor showed up late.',
        'Started late again.',
        'We lost time because the tutor was late.',
      ]),
    );
  if (ctx.endedEarly && rng.bernoulli(0.6))
    parts.push(
      rng.pick([
        'Session ended early.',
        'The tutor left before the time was up.',
        'We stopped way before the hour.',
      ]),
    );
  if (ctx.isFirstSession && rating <= 2)
    parts.push(
      rng.pick([
        'Not what I expected for a first session.',
        "Not sure I'll book again.",
        'Would like a different tutor.',
      ]),
    );
  return parts.join(' ');
}

const TUTOR_COMMENTS: Record<number, readonly string[]> = {
  5: [
    'Excellent focus today; solid grasp of {topic}.',
    'Student worked hard and asked great questions about {topic}.',
  ],
  4: ['Good progress on {topic}.', 'Solid effort; needs a bit more practice with {topic}.'],
  3: [
    'Student seemed tired; we covered the basics of {topic}.',
    "Some progress on {topic}; homework wasn't done.",
  ],
  2: ['Student was distracted and unprepared.', 'Hard to keep the student engaged today.'],
  1: ['Student was disruptive and left the call twice.', 'Session was not productive.'],
};

export function writeTutorComment(rng: Rng, rating: number, topic: string): string {
  return rng.pick(TUTOR_COMMENTS[rating] ?? TUTOR_COMMENTS[3] ?? ['']).replace('{topic}', topic);
}

export const RESCHEDULE_REASONS = {
  tutor: [
    { code: 'tutor_schedule_conflict', text: 'Schedule conflict' },
    { code: 'tutor_illness', text: 'Feeling unwell' },
    { code: 'tutor_personal_emergency', text: 'Family emergency' },
    { code: 'tutor_technical_issue', text: 'Internet outage at home' },
    { code: 'tutor_double_booked', text: 'Double-booked with another student' },
    { code: 'tutor_travel', text: 'Travelling that day' },
  ],
  student: [
    { code: 'student_schedule_conflict', text: 'Sports practice was moved' },
    { code: 'student_illness', text: 'Student is sick' },
    { code: 'student_school_event', text: 'School event' },
  ],
  system: [
    { code: 'system_platform_maintenance', text: 'Scheduled platform maintenance' },
    { code: 'system_outage', text: 'Video service outage' },
  ],
} as const;
