/**
 * Local practice generators for the mathematics concepts: parameterised problems whose answers are computed
 * with mathjs and then checked (substituted back, differentiated, solved another way) before an item is
 * offered, and whose distractors come from typical mistakes (adding denominators, forgetting to flip an
 * inequality, a sign slip…). Pure, given a random source.
 */
import { all, create } from 'mathjs';

export const math = create(all!, { number: 'number' });

export type Level = 1 | 2 | 3;
export type Rng = () => number;

/** A seeded random source (mulberry32), so a generation can be replayed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type MathProblem = {
  question: string;
  /** The answer as a student would write it: a number, a fraction, an expression, `x = 2, y = 1`, `x > 3`. */
  answer: string;
  explanation: string;
  /** Wrong answers from typical mistakes (distractors). */
  mistakes: string[];
  /** Whether the answer is an expression (graded by equivalence) rather than a value. */
  expression?: boolean;
  /** Re-checks the answer with mathjs; an item whose check fails is never offered. */
  verify(): boolean;
};

type Gen = (r: Rng, level: Level) => MathProblem;

const int = (r: Rng, lo: number, hi: number) => {
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  return a + Math.floor(r() * (b - a + 1));
};
const nonZero = (r: Rng, lo: number, hi: number) => {
  let v = 0;
  while (v === 0) v = int(r, lo, hi);
  return v;
};
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const round2 = (v: number) => Math.round(v * 100) / 100;
const fmt = (v: number) => String(round2(v));
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b));
const ev = (expr: string, scope: Record<string, number> = {}) => Number(math.evaluate(expr, scope));
const frac = (n: number, d: number) => {
  const f = math.fraction(n, d) as unknown as { s: number; n: number; d: number };
  const num = Number(f.s) * Number(f.n);
  const den = Number(f.d);
  return den === 1 ? String(num) : `${num}/${den}`;
};
const signed = (v: number) => (v < 0 ? `- ${-v}` : `+ ${v}`);
const term = (coef: number, x = 'x') => (coef === 1 ? x : coef === -1 ? `-${x}` : `${coef}${x}`);
const sameExpr = (a: string, b: string) =>
  [-2.5, -1, 0.5, 1.7, 3].every((x) => close(ev(a, { x }), ev(b, { x })));

const GENERATORS: Record<string, Gen> = {
  'add-sub': (r, l) => {
    const hi = [99, 999, 9999][l - 1]!;
    const a = int(r, hi / 10, hi);
    const b = int(r, hi / 10, a);
    const plus = r() < 0.5;
    const ans = plus ? a + b : a - b;
    return {
      question: `What is ${a} ${plus ? '+' : '−'} ${b}?`,
      answer: String(ans),
      explanation: `${a} ${plus ? '+' : '−'} ${b} = ${ans}. Line up the place values and ${plus ? 'carry' : 'borrow'} where needed.`,
      mistakes: [String(plus ? a - b : a + b), String(ans + 10), String(ans - 10)],
      verify: () => ev(`${a} ${plus ? '+' : '-'} ${b}`) === ans,
    };
  },
  multiply: (r, l) => {
    const a = int(r, 3, [12, 25, 99][l - 1]!);
    const b = int(r, 3, [12, 19, 99][l - 1]!);
    return {
      question: `What is ${a} × ${b}?`,
      answer: String(a * b),
      explanation: `${a} × ${b} = ${a * b} (${b} groups of ${a}).`,
      mistakes: [String(a * b + a), String(a * b - b), String(a + b)],
      verify: () => ev(`${a} * ${b}`) === a * b,
    };
  },
  divide: (r, l) => {
    const b = int(r, 2, [9, 12, 25][l - 1]!);
    const q = int(r, 2, [10, 25, 99][l - 1]!);
    const a = b * q;
    return {
      question: `What is ${a} ÷ ${b}?`,
      answer: String(q),
      explanation: `${b} × ${q} = ${a}, so ${a} ÷ ${b} = ${q}.`,
      mistakes: [String(q + 1), String(q - 1), String(a - b)],
      verify: () => ev(`${a} / ${b}`) === q,
    };
  },
  'fraction-add': (r, l) => {
    const b = int(r, 2, [6, 9, 12][l - 1]!);
    const d = l === 1 ? b : int(r, 2, [6, 9, 12][l - 1]!);
    const a = int(r, 1, b - 1);
    const c = int(r, 1, d - 1);
    const ans = frac(a * d + c * b, b * d);
    return {
      question: `What is ${a}/${b} + ${c}/${d}? Give the answer as a fraction in lowest terms.`,
      answer: ans,
      explanation: `Use a common denominator: ${a}/${b} + ${c}/${d} = ${a * d}/${b * d} + ${c * b}/${b * d} = ${a * d + c * b}/${b * d} = ${ans}.`,
      mistakes: [`${a + c}/${b + d}`, frac(a + c, b * d), frac(a * c, b * d)],
      verify: () => close(ev(ans), a / b + c / d),
    };
  },
  decimals: (r, l) => {
    const a = int(r, 11, [99, 999, 999][l - 1]!) / 10;
    const b = int(r, 11, [99, 99, 999][l - 1]!) / 100;
    const times = l === 3;
    const ans = times ? round2(a * b * 1000) / 1000 : round2(a + b);
    const shown = times ? String(Math.round(a * b * 1000) / 1000) : fmt(ans);
    return {
      question: `What is ${a} ${times ? '×' : '+'} ${b}?`,
      answer: shown,
      explanation: times
        ? `Multiply as whole numbers, then place the decimal point: ${a} × ${b} = ${shown}.`
        : `Line up the decimal points: ${a} + ${b} = ${shown}.`,
      mistakes: times
        ? [String(round2(a * b * 10)), String(round2(a + b))]
        : [fmt(a + b * 10), fmt(a * 10 + b), fmt(a + b + 1)],
      verify: () => close(ev(shown), times ? Math.round(a * b * 1000) / 1000 : round2(a + b)),
    };
  },
  rounding: (r, l) => {
    const n = int(r, 1000, 99999);
    const place = [10, 100, 1000][l - 1]!;
    const ans = Math.round(n / place) * place;
    return {
      question: `Round ${n} to the nearest ${place}.`,
      answer: String(ans),
      explanation: `Look at the digit right of the ${place}s place: ${n} rounds to ${ans}.`,
      mistakes: [
        String(
          Math.floor(n / place) * place === ans
            ? Math.ceil(n / place) * place
            : Math.floor(n / place) * place,
        ),
        String(Math.round(n / (place * 10)) * place * 10),
      ],
      verify: () => ev(`round(${n} / ${place}) * ${place}`) === ans,
    };
  },
  'order-of-operations': (r, l) => {
    const a = int(r, 2, 9);
    const b = int(r, 2, 9);
    const c = int(r, 2, 9);
    const d = int(r, 1, 5);
    const expr =
      l === 1
        ? `${a} + ${b} × ${c}`
        : l === 2
          ? `${a} + ${b} × ${c} − ${d}`
          : `(${a} + ${b}) × ${c} − ${d}^2`;
    const js = expr.replaceAll('×', '*').replaceAll('−', '-');
    const ans = ev(js);
    const leftToRight = l === 3 ? (a + b) * (c - d) ** 2 : l === 2 ? (a + b) * c - d : (a + b) * c;
    return {
      question: `Evaluate ${expr}.`,
      answer: String(ans),
      explanation: `Brackets and powers first, then multiplication, then addition and subtraction: ${expr} = ${ans}.`,
      mistakes: [String(leftToRight), String(ans + d), String(a + b + c)],
      verify: () => ev(js) === ans,
    };
  },
  integers: (r, l) => {
    const a = nonZero(r, -12 * l, 12 * l);
    const b = nonZero(r, -12 * l, 12 * l);
    const op = pick(r, l === 1 ? ['+', '-'] : ['+', '-', '×']);
    const js = `${a} ${op === '×' ? '*' : op} (${b})`;
    const ans = ev(js);
    return {
      question: `What is ${a} ${op} (${b})?`,
      answer: String(ans),
      explanation:
        op === '-'
          ? `Subtracting a number is adding its opposite: ${a} − (${b}) = ${a} + ${-b} = ${ans}.`
          : op === '×'
            ? `Same signs give a positive product, different signs a negative one: ${ans}.`
            : `${a} + (${b}) = ${ans}.`,
      mistakes: [String(-ans), String(op === '-' ? a + b : a - b), String(Math.abs(ans))].filter(
        (m) => m !== String(ans),
      ),
      verify: () => ev(js) === ans,
    };
  },
  proportion: (r, l) => {
    const k = int(r, 2, [5, 9, 12][l - 1]!);
    const a = int(r, 1, 9);
    const b = int(r, a + 1, a + 9);
    const c = b * k;
    const x = a * k;
    return {
      question: `Solve for x: ${a}/${b} = x/${c}.`,
      answer: String(x),
      explanation: `Cross-multiply: ${b}x = ${a} × ${c}, so x = ${a * c}/${b} = ${x}.`,
      mistakes: [String(round2((b * c) / a)), String(a + c - b), String(c - b + a + 1)],
      verify: () => close(a / b, x / c),
    };
  },
  percent: (r, l) => {
    const p = pick(r, l === 1 ? [10, 20, 25, 50] : l === 2 ? [5, 15, 30, 40, 75] : [12, 35, 45, 65, 85]);
    const n = int(r, 2, 40) * 20;
    const ans = round2((p / 100) * n);
    return {
      question: `What is ${p}% of ${n}?`,
      answer: fmt(ans),
      explanation: `${p}% means ${p}/100, so ${p}% of ${n} = ${p}/100 × ${n} = ${fmt(ans)}.`,
      mistakes: [fmt(n / p), fmt(p * n), fmt(n - ans)],
      verify: () => close(ev(`${p}% * ${n}`), ans),
    };
  },
  'linear-equation': (r, l) => {
    const x = int(r, -9, 12);
    const a = l === 1 ? int(r, 2, 9) : nonZero(r, -9, 9);
    const b = nonZero(r, -15, 15);
    if (l === 3) {
      let d = nonZero(r, -6, 6);
      if (d === a) d = a + 1;
      const e = a * x + b - d * x;
      const lhs = `${term(a)} ${signed(b)}`;
      const rhs = `${term(d)} ${signed(e)}`;
      return {
        question: `Solve for x: ${lhs} = ${rhs}.`,
        answer: String(x),
        explanation: `Collect x on one side: ${a - d}x = ${e - b}, so x = ${x}. Check: both sides equal ${a * x + b}.`,
        mistakes: [frac(e + b, a - d), frac(e - b, a + d), String(-x)],
        verify: () =>
          close(ev(lhs.replace(/(\d)x/g, '$1*x'), { x }), ev(rhs.replace(/(\d)x/g, '$1*x'), { x })),
      };
    }
    const c = a * x + b;
    const lhs = `${term(a)} ${signed(b)}`;
    return {
      question: `Solve for x: ${lhs} = ${c}.`,
      answer: String(x),
      explanation: `Undo the ${b > 0 ? 'addition' : 'subtraction'} first: ${term(a)} = ${c - b}; then divide by ${a}: x = ${x}.`,
      mistakes: [frac(c + b, a), frac(c, a) === String(x) ? String(x + 1) : frac(c, a), String((c - b) * a)],
      verify: () => close(ev(lhs.replace(/(\d)x/g, '$1*x'), { x }), c),
    };
  },
  expand: (r, l) => {
    const a = l === 1 ? int(r, 2, 9) : nonZero(r, -9, 9);
    const b = nonZero(r, -9, 9);
    const c = l === 3 ? nonZero(r, -5, 5) : 0;
    const q = l === 3 ? `${a}(x ${signed(b)}) ${signed(c)}x` : `${a}(x ${signed(b)})`;
    const coef = a + c;
    const ans = `${term(coef)} ${signed(a * b)}`;
    return {
      question: `Expand and simplify: ${q}.`,
      answer: ans,
      expression: true,
      explanation: `Multiply each term in the bracket by ${a}: ${a}·x ${signed(a * b)}${c ? `, then combine like terms with ${c}x` : ''}: ${ans}.`,
      mistakes: [
        `${term(coef)} ${signed(b)}`,
        `${term(a)} ${signed(a + b)}`,
        `${term(coef)} ${signed(-a * b)}`,
      ],
      verify: () =>
        sameExpr(q.replace(/(\d)\(/g, '$1*(').replace(/(\d)x/g, '$1*x'), ans.replace(/(\d)x/g, '$1*x')),
    };
  },
  slope: (r, l) => {
    const x1 = int(r, -5, 5);
    const y1 = int(r, -5, 5);
    let x2 = int(r, -5, 8);
    if (x2 === x1) x2 = x1 + 3;
    const y2 = l === 1 ? y1 + (x2 - x1) * nonZero(r, -3, 3) : int(r, -8, 8);
    const ans = frac(y2 - y1, x2 - x1);
    return {
      question: `What is the slope of the line through (${x1}, ${y1}) and (${x2}, ${y2})?`,
      answer: ans,
      explanation: `Slope = rise / run = (${y2} − ${y1}) / (${x2} − ${x1}) = ${y2 - y1}/${x2 - x1} = ${ans}.`,
      mistakes: [
        y2 === y1 ? 'undefined' : frac(x2 - x1, y2 - y1),
        frac(y1 - y2, x2 - x1),
        frac(y2 + y1, x2 + x1 || 1),
      ],
      verify: () => close(ev(ans), (y2 - y1) / (x2 - x1)),
    };
  },
  system: (r, l) => {
    const x = int(r, -6, 8);
    const y = int(r, -6, 8);
    const a1 = l === 1 ? 1 : nonZero(r, -4, 4);
    const b1 = 1;
    let a2 = l === 1 ? 1 : nonZero(r, -4, 4);
    const b2 = -1;
    if (a1 * b2 - a2 * b1 === 0) a2 += 1;
    const c1 = a1 * x + b1 * y;
    const c2 = a2 * x + b2 * y;
    return {
      question: `Solve the system: ${term(a1)} + y = ${c1} and ${term(a2)} − y = ${c2}. Answer as x = …, y = ….`,
      answer: `x = ${x}, y = ${y}`,
      explanation: `Add the equations to eliminate y: ${a1 + a2}x = ${c1 + c2}, so x = ${x}; then y = ${c1} − ${a1}·${x} = ${y}.`,
      mistakes: [`x = ${y}, y = ${x}`, `x = ${x}, y = ${-y}`, `x = ${-x}, y = ${y}`].filter(
        (m) => m !== `x = ${x}, y = ${y}`,
      ),
      verify: () => {
        const sol = math.lusolve(
          [
            [a1, b1],
            [a2, b2],
          ],
          [c1, c2],
        ) as unknown as number[][];
        return close(Number(sol[0]![0]), x) && close(Number(sol[1]![0]), y);
      },
    };
  },
  inequality: (r, l) => {
    const x = int(r, -8, 10);
    const a = l === 1 ? int(r, 2, 6) : nonZero(r, -6, 6);
    const b = nonZero(r, -10, 10);
    const c = a * x + b;
    const op = pick(r, ['<', '>'] as const);
    const flipped = a < 0 ? (op === '<' ? '>' : '<') : op;
    return {
      question: `Solve for x: ${term(a)} ${signed(b)} ${op} ${c}.`,
      answer: `x ${flipped} ${x}`,
      explanation: `Subtract ${b}: ${term(a)} ${op} ${c - b}. Divide by ${a}${a < 0 ? ' (negative, so the sign flips)' : ''}: x ${flipped} ${x}.`,
      mistakes: [
        `x ${flipped === '<' ? '>' : '<'} ${x}`,
        `x ${flipped} ${-x}`,
        `x ${flipped} ${frac(c + b, a)}`,
      ].filter((m) => m !== `x ${flipped} ${x}`),
      verify: () => {
        const test = x + (flipped === '<' ? -0.5 : 0.5);
        const holds = op === '<' ? a * test + b < c : a * test + b > c;
        return holds && close(a * x + b, c);
      },
    };
  },
  exponents: (r, l) => {
    const base = int(r, 2, l === 1 ? 5 : 9);
    const m = int(r, 2, 6);
    const n = int(r, 2, 6);
    if (l === 1) {
      return {
        question: `What is ${base}^${m}?`,
        answer: String(base ** m),
        explanation: `${base}^${m} means ${m} factors of ${base}: ${base ** m}.`,
        mistakes: [String(base * m), String(base ** (m - 1)), String(m ** base)],
        verify: () => ev(`${base}^${m}`) === base ** m,
      };
    }
    const div = l === 3;
    const k = div ? m + n : m;
    const ans = div ? m : m + n;
    return {
      question: div
        ? `Simplify ${base}^${k} ÷ ${base}^${n}. What is the exponent of ${base}?`
        : `Simplify ${base}^${m} × ${base}^${n}. What is the exponent of ${base}?`,
      answer: String(ans),
      explanation: div
        ? `Dividing powers of the same base subtracts exponents: ${k} − ${n} = ${ans}.`
        : `Multiplying powers of the same base adds exponents: ${m} + ${n} = ${ans}.`,
      mistakes: div
        ? [String(k / n === Math.round(k / n) ? k / n : k + n), String(k + n)]
        : [String(m * n), String(Math.abs(m - n))],
      verify: () =>
        close(ev(div ? `${base}^${k} / ${base}^${n}` : `${base}^${m} * ${base}^${n}`), base ** ans),
    };
  },
  'factor-quadratic': (r, l) => {
    let p = nonZero(r, -9, 9);
    let q = nonZero(r, -9, 9);
    if (l === 1) {
      p = Math.abs(p);
      q = Math.abs(q);
    }
    if (p === q) q = p + 1;
    const b = -(p + q);
    const c = p * q;
    const poly = `x^2 ${signed(b).replace(/ 1$/, ' 1')}x ${signed(c)}`.replace(/([+-]) 1x/, '$1 x');
    const roots = [p, q].sort((u, v) => u - v);
    return {
      question: `Solve by factoring: ${poly} = 0.`,
      answer: `x = ${roots[0]} or x = ${roots[1]}`,
      explanation: `Find two numbers that multiply to ${c} and add to ${b}: ${-p} and ${-q}. So (x ${signed(-p)})(x ${signed(-q)}) = 0, x = ${roots[0]} or x = ${roots[1]}.`,
      mistakes: [
        `x = ${-roots[1]!} or x = ${-roots[0]!}`,
        `x = ${roots[0]} or x = ${-roots[1]!}`,
        `x = ${c} or x = ${b}`,
      ],
      verify: () => roots.every((x) => close(ev(poly, { x }), 0)),
    };
  },
  pythagoras: (r, l) => {
    const [a0, b0, c0] = pick(r, [
      [3, 4, 5],
      [5, 12, 13],
      [8, 15, 17],
      [7, 24, 25],
    ] as const);
    const k = int(r, 1, l === 1 ? 2 : 4);
    const [a, b, c] = [a0 * k, b0 * k, c0 * k];
    const leg = l === 3;
    return {
      question: leg
        ? `A right triangle has hypotenuse ${c} and one leg ${a}. How long is the other leg?`
        : `A right triangle has legs ${a} and ${b}. How long is the hypotenuse?`,
      answer: String(leg ? b : c),
      explanation: leg
        ? `b² = c² − a² = ${c * c} − ${a * a} = ${b * b}, so b = ${b}.`
        : `c² = a² + b² = ${a * a} + ${b * b} = ${c * c}, so c = ${c}.`,
      mistakes: leg
        ? [String(c - a), String(c * c - a * a), fmt(Math.sqrt(c * c + a * a))]
        : [String(a + b), String(c * c), fmt(Math.sqrt(Math.abs(b * b - a * a)))],
      verify: () => close(ev(`sqrt(${a}^2 + ${b}^2)`), c),
    };
  },
  area: (r, l) => {
    const w = int(r, 2, 12 * l);
    const h = int(r, 2, 12 * l);
    const tri = l >= 2 && r() < 0.7;
    const ans = tri ? (w * h) / 2 : w * h;
    return {
      question: tri
        ? `A triangle has base ${w} cm and height ${h} cm. What is its area in cm²?`
        : `A rectangle is ${w} cm by ${h} cm. What is its area in cm²?`,
      answer: fmt(ans),
      explanation: tri
        ? `Area of a triangle = ½ × base × height = ½ × ${w} × ${h} = ${fmt(ans)} cm².`
        : `Area = length × width = ${w} × ${h} = ${ans} cm².`,
      mistakes: tri
        ? [String(w * h), String(w + h), String(2 * (w + h))]
        : [String(2 * (w + h)), String(w + h), String(w * h * 2)],
      verify: () => close(ev(tri ? `${w} * ${h} / 2` : `${w} * ${h}`), ans),
    };
  },
  circle: (r, l) => {
    const rad = int(r, 1, 5 * l);
    const area = l !== 1;
    const ans = round2(area ? Math.PI * rad * rad : 2 * Math.PI * rad);
    return {
      question: `A circle has radius ${rad}. What is its ${area ? 'area' : 'circumference'}? Round to 2 decimal places.`,
      answer: fmt(ans),
      explanation: area
        ? `Area = πr² = π × ${rad}² ≈ ${fmt(ans)}.`
        : `Circumference = 2πr = 2 × π × ${rad} ≈ ${fmt(ans)}.`,
      mistakes: area
        ? [fmt(2 * Math.PI * rad), fmt(Math.PI * (2 * rad) ** 2), fmt(Math.PI * rad)]
        : [fmt(Math.PI * rad), fmt(Math.PI * rad * rad), fmt(2 * rad)],
      verify: () => close(round2(ev(area ? `pi * ${rad}^2` : `2 * pi * ${rad}`)), ans),
    };
  },
  angles: (r, l) => {
    const a = int(r, 20, 80);
    const b = int(r, 20, 160 - a);
    const quad = l === 3;
    const c = quad ? int(r, 40, 120) : 0;
    const total = quad ? 360 : 180;
    const ans = total - a - b - c;
    return {
      question: quad
        ? `Three angles of a quadrilateral are ${a}°, ${b}° and ${c}°. What is the fourth angle in degrees?`
        : `Two angles of a triangle are ${a}° and ${b}°. What is the third angle in degrees?`,
      answer: String(ans),
      explanation: `The angles of a ${quad ? 'quadrilateral add to 360°' : 'triangle add to 180°'}: ${total} − ${[a, b, c].filter(Boolean).join(' − ')} = ${ans}°.`,
      mistakes: quad
        ? [String(180 - a - b - c), String(ans + 90)]
        : [String(360 - a - b), String(90 - a + b), String(a + b)],
      verify: () => ev(`${total} - ${a} - ${b} - ${c}`) === ans,
    };
  },
  similar: (r) => {
    const k = int(r, 2, 5);
    const a = int(r, 2, 9);
    const b = int(r, 2, 9);
    return {
      question: `Two similar triangles: the small one has sides ${a} and ${b}; the side matching ${a} in the large one is ${a * k}. How long is the side matching ${b}?`,
      answer: String(b * k),
      explanation: `The scale factor is ${a * k}/${a} = ${k}, so the side is ${b} × ${k} = ${b * k}.`,
      mistakes: [String(b + a * k - a), String(b * k + k), fmt((b * a) / (a * k))],
      verify: () => close((a * k) / a, (b * k) / b),
    };
  },
  volume: (r, l) => {
    const rad = int(r, 1, 6);
    const h = int(r, 2, 10);
    const box = l === 1;
    const w = int(r, 2, 9);
    const ans = box ? rad * h * w : round2(Math.PI * rad * rad * h);
    return {
      question: box
        ? `A box is ${rad} by ${w} by ${h}. What is its volume?`
        : `A cylinder has radius ${rad} and height ${h}. What is its volume? Round to 2 decimal places.`,
      answer: fmt(ans),
      explanation: box
        ? `Volume = length × width × height = ${rad * w * h}.`
        : `Volume = πr²h = π × ${rad}² × ${h} ≈ ${fmt(ans)}.`,
      mistakes: box
        ? [String(rad + w + h), String(2 * (rad * w + w * h + rad * h))]
        : [fmt(2 * Math.PI * rad * h), fmt(Math.PI * rad * h), fmt((Math.PI * rad * rad * h) / 3)],
      verify: () => close(round2(ev(box ? `${rad}*${w}*${h}` : `pi * ${rad}^2 * ${h}`)), ans),
    };
  },
  'quadratic-formula': (r, l) => {
    const a = l === 1 ? 1 : int(r, 1, 3);
    const p = int(r, -7, 7);
    let q = int(r, -7, 7);
    if (p === q) q = p + 2;
    const b = -a * (p + q);
    const c = a * p * q;
    const poly = `${a === 1 ? '' : a}x^2 ${signed(b)}x ${signed(c)}`;
    const js = poly.replace(/(\d)x/g, '$1*x');
    const roots = [p, q].sort((u, v) => u - v);
    const disc = b * b - 4 * a * c;
    return {
      question: `Solve with the quadratic formula: ${poly} = 0.`,
      answer: `x = ${roots[0]} or x = ${roots[1]}`,
      explanation: `x = (−b ± √(b² − 4ac)) / 2a with a = ${a}, b = ${b}, c = ${c}: the discriminant is ${disc}, √${disc} = ${Math.sqrt(disc)}, so x = ${roots[0]} or x = ${roots[1]}.`,
      mistakes: [
        `x = ${-roots[1]!} or x = ${-roots[0]!}`,
        `x = ${fmt((-b + Math.sqrt(disc)) / 2)} or x = ${fmt((-b - Math.sqrt(disc)) / 2)}`,
        `x = ${roots[0]! * a} or x = ${roots[1]! * 2}`,
      ],
      verify: () => roots.every((x) => close(ev(js, { x }), 0)),
    };
  },
  'evaluate-function': (r, l) => {
    const a = nonZero(r, -4, 4);
    const b = int(r, -9, 9);
    const c = int(r, -9, 9);
    const k = int(r, -4, 5);
    const f =
      l === 1
        ? `${term(a)} ${signed(c)}`
        : `${a === 1 ? '' : a === -1 ? '-' : a}x^2 ${signed(b)}x ${signed(c)}`;
    const js = f.replace(/(\d)x/g, '$1*x');
    const ans = ev(js, { x: k });
    return {
      question: `If f(x) = ${f}, what is f(${k})?`,
      answer: String(ans),
      explanation: `Substitute x = ${k}: f(${k}) = ${f.replaceAll('x', `(${k})`)} = ${ans}.`,
      mistakes: [
        String(ev(js, { x: -k })),
        String(l === 1 ? a + k + c : a * 2 * k + b * k + c),
        String(ans + 2 * a * k * (l === 1 ? 0 : 1) + 1),
      ],
      verify: () => close(ev(js, { x: k }), ans),
    };
  },
  logarithm: (r, l) => {
    const b = pick(r, [2, 3, 5, 10]);
    const k = int(r, l === 1 ? 1 : -2, l === 3 ? 6 : 4);
    const n = b ** k;
    const shown = k < 0 ? `1/${b ** -k}` : String(n);
    return {
      question: `What is log base ${b} of ${shown}?`,
      answer: String(k),
      explanation: `log_${b}(${shown}) asks: ${b} to what power is ${shown}? ${b}^${k} = ${shown}, so the answer is ${k}.`,
      mistakes: [String(round2(n / b)), String(-k), String(k + 1)],
      verify: () => close(ev(`log(${n}, ${b})`), k),
    };
  },
  exponential: (r, l) => {
    const a = int(r, 2, 20) * 50;
    const rate = pick(r, [2, 3]);
    const t = int(r, 2, 2 + l);
    const ans = a * rate ** t;
    return {
      question: `A population of ${a} ${rate === 2 ? 'doubles' : 'triples'} every hour. How large is it after ${t} hours?`,
      answer: String(ans),
      explanation: `P = ${a} × ${rate}^${t} = ${a} × ${rate ** t} = ${ans}.`,
      mistakes: [String(a * rate * t), String(a + a * rate * t), String(a * rate ** (t - 1))],
      verify: () => ev(`${a} * ${rate}^${t}`) === ans,
    };
  },
  trig: (r, l) => {
    if (l === 3) {
      const [deg, fn, val] = pick(r, [
        [30, 'sin', '1/2'],
        [60, 'cos', '1/2'],
        [45, 'tan', '1'],
        [0, 'cos', '1'],
        [90, 'sin', '1'],
      ] as const);
      return {
        question: `What is ${fn}(${deg}°)? Give an exact value.`,
        answer: val,
        explanation: `From the special triangles (or the unit circle), ${fn}(${deg}°) = ${val}.`,
        mistakes:
          fn === 'tan' ? ['0', 'sqrt(2)/2'] : ['sqrt(3)/2', '0'].filter((m) => m !== val).concat(['2']),
        verify: () => close(ev(`${fn}(${deg} deg)`), ev(val)),
      };
    }
    const [a0, b0, c0] = pick(r, [
      [3, 4, 5],
      [5, 12, 13],
      [8, 15, 17],
    ] as const);
    const fn = pick(r, ['sin', 'cos', 'tan'] as const);
    const ans = fn === 'sin' ? frac(a0, c0) : fn === 'cos' ? frac(b0, c0) : frac(a0, b0);
    return {
      question: `In a right triangle, the side opposite angle A is ${a0}, the side adjacent to A is ${b0}, and the hypotenuse is ${c0}. What is ${fn} A as a fraction?`,
      answer: ans,
      explanation: `SOH CAH TOA: ${fn} = ${fn === 'sin' ? 'opposite/hypotenuse' : fn === 'cos' ? 'adjacent/hypotenuse' : 'opposite/adjacent'} = ${ans}.`,
      mistakes: [frac(a0, c0), frac(b0, c0), frac(a0, b0), frac(b0, a0)].filter((m) => m !== ans),
      verify: () => close(ev(ans), fn === 'sin' ? a0 / c0 : fn === 'cos' ? b0 / c0 : a0 / b0),
    };
  },
  limit: (r, l) => {
    const a = nonZero(r, -6, 6);
    const k = l === 3 ? int(r, 2, 4) : 1;
    const ans = 2 * a * k;
    return {
      question: `Find the limit as x → ${a} of ${k === 1 ? '' : k}(x^2 − ${a * a}) / (x ${signed(-a)}).`,
      answer: String(ans),
      explanation: `Factor: x² − ${a * a} = (x ${signed(-a)})(x ${signed(a)}); cancel (x ${signed(-a)}) and substitute: ${k === 1 ? '' : `${k} × `}(${a} + ${a}) = ${ans}.`,
      mistakes: ['0', String(a * k), 'undefined'],
      verify: () =>
        close(ev(`${k} * (x^2 - ${a * a}) / (x - ${a})`, { x: a + 1e-7 }), ans) ||
        Math.abs(ev(`${k} * (x^2 - ${a * a}) / (x - (${a}))`, { x: a + 1e-6 }) - ans) < 1e-4,
    };
  },
  derivative: (r, l) => {
    const a = nonZero(r, -5, 6);
    const b = int(r, -9, 9);
    const c = int(r, -9, 9);
    const n = l === 3 ? int(r, 3, 5) : 2;
    const f = `${a}x^${n} ${signed(b)}x ${signed(c)}`;
    const js = f.replace(/(\d)x/g, '$1*x');
    const ans = `${a * n}x${n - 1 === 1 ? '' : `^${n - 1}`} ${signed(b)}`;
    return {
      question: `Differentiate f(x) = ${f}.`,
      answer: ans,
      expression: true,
      explanation: `Power rule, term by term: d/dx ${a}x^${n} = ${a * n}x${n - 1 === 1 ? '' : `^${n - 1}`}, d/dx ${b}x = ${b}, and the constant's derivative is 0: f'(x) = ${ans}.`,
      mistakes: [
        `${a * n}x^${n} ${signed(b)}`,
        `${a}x^${n - 1} ${signed(b)}`,
        `${a * n}x${n - 1 === 1 ? '' : `^${n - 1}`} ${signed(b)}x ${signed(c)}`,
      ],
      verify: () => sameExpr(math.derivative(js, 'x').toString(), ans.replace(/(\d)x/g, '$1*x')),
    };
  },
  'chain-rule': (r, l) => {
    const a = int(r, 2, 5);
    const b = nonZero(r, -6, 6);
    const n = int(r, 2, l + 2);
    const f = `(${a}x ${signed(b)})^${n}`;
    const js = f.replace(/(\d)x/g, '$1*x');
    const ans = `${n * a}(${a}x ${signed(b)})${n - 1 === 1 ? '' : `^${n - 1}`}`;
    return {
      question: `Differentiate f(x) = ${f}.`,
      answer: ans,
      expression: true,
      explanation: `Chain rule: outer derivative ${n}(…)^${n - 1} times inner derivative ${a}: f'(x) = ${ans}.`,
      mistakes: [
        `${n}(${a}x ${signed(b)})${n - 1 === 1 ? '' : `^${n - 1}`}`,
        `${n * a}x${n - 1 === 1 ? '' : `^${n - 1}`}`,
        `${n * a}(${a}x ${signed(b)})^${n}`,
      ],
      verify: () =>
        sameExpr(
          math.derivative(js, 'x').toString(),
          ans.replace(/(\d)\(/g, '$1*(').replace(/(\d)x/g, '$1*x'),
        ),
    };
  },
  integral: (r, l) => {
    const a = int(r, 1, 6) * 2;
    const b = int(r, -5, 5);
    const k = int(r, 1, l + 2);
    const ans = (a * k * k) / 2 + b * k;
    const f = `${a}x ${signed(b)}`;
    return {
      question: `Evaluate the definite integral of ${f} from x = 0 to x = ${k}.`,
      answer: fmt(ans),
      explanation: `An antiderivative is ${a / 2}x² ${signed(b)}x; at ${k} it is ${fmt(ans)} and at 0 it is 0, so the integral is ${fmt(ans)}.`,
      mistakes: [fmt(a * k * k + b * k), fmt(a + b * k), fmt(a * k + b)],
      verify: () => {
        // Simpson's rule on the integrand, independently of the antiderivative.
        const g = (x: number) => ev(f.replace(/(\d)x/g, '$1*x'), { x });
        const N = 10;
        const h = k / N;
        let s = g(0) + g(k);
        for (let i = 1; i < N; i++) s += (i % 2 ? 4 : 2) * g(i * h);
        return Math.abs((s * h) / 3 - ans) < 1e-6;
      },
    };
  },
  'critical-point': (r, l) => {
    const h = nonZero(r, -6, 6);
    const a = l === 1 ? 1 : int(r, 1, 4);
    const c = int(r, -9, 9);
    const f = `${a === 1 ? '' : a}x^2 ${signed(-2 * a * h)}x ${signed(c)}`;
    return {
      question: `At what x does f(x) = ${f} have its minimum?`,
      answer: String(h),
      explanation: `Set f'(x) = ${2 * a}x ${signed(-2 * a * h)} = 0, so x = ${h}; f'' = ${2 * a} > 0, a minimum.`,
      mistakes: [String(-h), String(c), String(2 * h)],
      verify: () => close(ev(math.derivative(f.replace(/(\d)x/g, '$1*x'), 'x').toString(), { x: h }), 0),
    };
  },
  'mean-median': (r, l) => {
    const n = [5, 6, 7][l - 1]!;
    const xs = Array.from({ length: n }, () => int(r, 1, 30));
    const median = r() < 0.5;
    const ans = round2(median ? (math.median(xs) as number) : (math.mean(xs) as number));
    return {
      question: `What is the ${median ? 'median' : 'mean'} of ${xs.join(', ')}?${median ? '' : ' Round to 2 decimal places.'}`,
      answer: fmt(ans),
      explanation: median
        ? `Sort the values (${[...xs].sort((a, b) => a - b).join(', ')}) and take the middle${n % 2 ? '' : ' two and average them'}: ${fmt(ans)}.`
        : `Add them (${xs.reduce((a, b) => a + b, 0)}) and divide by ${n}: ${fmt(ans)}.`,
      mistakes: [
        fmt(median ? (math.mean(xs) as number) : (math.median(xs) as number)),
        fmt(xs[Math.floor(n / 2)]!),
        fmt(Math.max(...xs) - Math.min(...xs)),
      ],
      verify: () =>
        close(
          round2(
            median
              ? [...xs]
                  .sort((a, b) => a - b)
                  .reduce(
                    (m, _v, i, s) =>
                      i === Math.floor((n - 1) / 2) ? (s[i]! + s[Math.ceil((n - 1) / 2)]!) / 2 : m,
                    0,
                  )
              : xs.reduce((a, b) => a + b, 0) / n,
          ),
          ans,
        ),
    };
  },
  'std-dev': (r, l) => {
    const xs = Array.from({ length: 4 + l }, () => int(r, 1, 20));
    const ans = round2(math.std(xs, 'uncorrected') as unknown as number);
    return {
      question: `What is the population standard deviation of ${xs.join(', ')}? Round to 2 decimal places.`,
      answer: fmt(ans),
      explanation: `Mean = ${fmt(math.mean(xs) as number)}; average the squared deviations (variance ${fmt(math.variance(xs, 'uncorrected') as unknown as number)}) and take the square root: ${fmt(ans)}.`,
      mistakes: [
        fmt(math.std(xs) as unknown as number),
        fmt(math.variance(xs, 'uncorrected') as unknown as number),
        fmt(Math.max(...xs) - Math.min(...xs)),
      ],
      verify: () => {
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        return close(round2(Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)), ans);
      },
    };
  },
  probability: (r, l) => {
    const red = int(r, 1, 9);
    const blue = int(r, 1, 9);
    const twice = l === 3;
    const ans = twice ? frac(red * red, (red + blue) ** 2) : frac(red, red + blue);
    return {
      question: twice
        ? `A bag has ${red} red and ${blue} blue marbles. You draw one, put it back, and draw again. What is the probability both are red? Give a fraction.`
        : `A bag has ${red} red and ${blue} blue marbles. What is the probability of drawing a red one? Give a fraction.`,
      answer: ans,
      explanation: twice
        ? `Independent draws multiply: (${red}/${red + blue}) × (${red}/${red + blue}) = ${ans}.`
        : `Favourable over total: ${red}/(${red} + ${blue}) = ${ans}.`,
      mistakes: twice
        ? [frac(2 * red, red + blue), frac(red, red + blue), frac(red * red, red + blue)]
        : [frac(red, blue), frac(blue, red + blue), frac(1, red + blue)],
      verify: () => close(ev(ans), twice ? (red / (red + blue)) ** 2 : red / (red + blue)),
    };
  },
  'z-score': (r) => {
    const mu = int(r, 40, 80);
    const sigma = int(r, 2, 10);
    const z = int(r, -6, 6) / 2;
    const x = mu + z * sigma;
    return {
      question: `Scores have mean ${mu} and standard deviation ${sigma}. What is the z-score of ${x}?`,
      answer: fmt(z),
      explanation: `z = (x − μ) / σ = (${x} − ${mu}) / ${sigma} = ${fmt(z)}.`,
      mistakes: [fmt((x - mu) * sigma), fmt(x / sigma), fmt(-z)],
      verify: () => close(ev(`(${x} - ${mu}) / ${sigma}`), z),
    };
  },
};

export const GENERATOR_IDS = Object.keys(GENERATORS);

export function hasGenerator(id: string | undefined): id is string {
  return !!id && Object.hasOwn(GENERATORS, id);
}

/** One verified problem, or null when the generator could not produce one that checks. */
export function generateProblem(id: string, r: Rng, level: Level): MathProblem | null {
  const gen = GENERATORS[id];
  if (!gen) return null;
  for (let i = 0; i < 5; i++) {
    let p: MathProblem;
    try {
      p = gen(r, level);
      if (p.verify()) return p;
    } catch {
      // a parameter combination mathjs refused: draw again
    }
  }
  return null;
}
