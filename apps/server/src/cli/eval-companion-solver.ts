/**
 * An independent re-solver for the generated maths items (eval:companion): reads the question as a student
 * would and solves it another way — numeric root finding, numeric derivatives, Simpson integrals, direct
 * evaluation of the stated expression — never with the generator's own formula. Returns whether the stated
 * answer is right, or null when the question has a form it does not read.
 */
import { all, create } from 'mathjs';

const math = create(all!, { number: 'number' });

const js = (s: string) =>
  s
    .replace(/[−–]/g, '-')
    .replace(/×/g, '*')
    .replace(/÷/g, '/')
    .replace(/(\d)\s*([a-z(])/gi, '$1*$2')
    .replace(/\)\s*\(/g, ')*(');
const compiled = new Map<string, { evaluate(scope?: object): unknown }>();
const ev = (s: string, scope: Record<string, number> = {}) => {
  let c = compiled.get(s);
  if (!c) {
    c = math.compile(js(s));
    compiled.set(s, c);
  }
  return Number(c.evaluate({ ...scope }));
};
const num = (s: string) => Number(s.replace(/[−–]/g, '-'));

/** Tolerance the stated answer's form allows: half a unit in its last decimal, or exact. */
function matches(value: number, answer: string): boolean {
  const a = ev(answer);
  const d = /\.(\d+)$/.exec(answer.trim());
  const tol = d ? 0.5 * 10 ** -d[1]!.length + 1e-9 : 1e-6 * Math.max(1, Math.abs(value));
  return Math.abs(a - value) <= tol;
}

/** Real roots of f on [-60, 60]: sign changes refined by bisection, plus exact zeros on the grid. */
function roots(f: (x: number) => number): number[] {
  const out: number[] = [];
  const step = 0.125;
  let prev = f(-60);
  for (let x = -60 + step; x <= 60; x += step) {
    const cur = f(x);
    if (Math.abs(cur) < 1e-9) out.push(x);
    else if (prev * cur < 0 && Math.abs(prev) > 1e-9) {
      let lo = x - step;
      let hi = x;
      for (let i = 0; i < 80; i++) {
        const mid = (lo + hi) / 2;
        if (f(lo) * f(mid) <= 0) hi = mid;
        else lo = mid;
      }
      out.push((lo + hi) / 2);
    }
    prev = cur;
  }
  return out.filter((r, i) => i === 0 || Math.abs(r - out[i - 1]!) > 1e-6);
}

function sameSet(found: number[], answer: string): boolean {
  const stated = answer
    .split(/\bor\b|,/)
    .map((p) => ev(p.replace(/^\s*x\s*=\s*/, '')))
    .sort((a, b) => a - b);
  return found.length === stated.length && found.every((v, i) => Math.abs(v - stated[i]!) < 1e-6);
}

function simpson(f: (x: number) => number, a: number, b: number, n = 200): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

type Rule = [RegExp, (m: RegExpExecArray, answer: string) => boolean];

const RULES: Rule[] = [
  [
    /^Solve for x: (.+) ([<>]) (.+)\.$/,
    (m, ans) => {
      const f = (x: number) => ev(m[1]!, { x }) - ev(m[3]!, { x });
      const [r] = roots(f);
      if (r === undefined) return false;
      const holdsAbove = m[2] === '<' ? f(r + 1) < 0 : f(r + 1) > 0;
      const expected = `x ${holdsAbove ? '>' : '<'} `;
      return ans.startsWith(expected) && Math.abs(ev(ans.slice(expected.length)) - r) < 1e-6;
    },
  ],
  [
    /^Solve for x: (.+) = (.+)\.$/,
    (m, ans) => {
      const f = (x: number) => ev(m[1]!, { x }) - ev(m[2]!, { x });
      // Linear in x (three collinear values): the secant through two points is the root, at any distance.
      const [f0, f1, f2] = [f(0), f(1), f(2)];
      if (Math.abs(f2 - 2 * f1 + f0) < 1e-9 && Math.abs(f1 - f0) > 1e-12)
        return sameSet([-f0 / (f1 - f0)], ans);
      return sameSet(roots(f), ans);
    },
  ],
  [
    /^Solve (?:by factoring|with the quadratic formula): (.+) = 0\.$/,
    (m, ans) =>
      sameSet(
        roots((x) => ev(m[1]!, { x })),
        ans,
      ),
  ],
  [
    /^Solve the system: (.+) = (.+) and (.+) = (.+)\. /,
    (m, ans) => {
      const f1 = (x: number, y: number) => ev(m[1]!, { x, y }) - ev(m[2]!);
      const f2 = (x: number, y: number) => ev(m[3]!, { x, y }) - ev(m[4]!);
      const [a1, b1, c1] = [f1(1, 0) - f1(0, 0), f1(0, 1) - f1(0, 0), -f1(0, 0)];
      const [a2, b2, c2] = [f2(1, 0) - f2(0, 0), f2(0, 1) - f2(0, 0), -f2(0, 0)];
      const det = a1 * b2 - a2 * b1;
      const x = (c1 * b2 - c2 * b1) / det;
      const y = (a1 * c2 - a2 * c1) / det;
      const got = Object.fromEntries(
        ans.split(',').map((p) => p.split('=').map((s) => s.trim()) as [string, string]),
      );
      return Math.abs(ev(got.x!) - x) < 1e-6 && Math.abs(ev(got.y!) - y) < 1e-6;
    },
  ],
  [
    /^Expand and simplify: (.+)\.$/,
    (m, ans) => [-1.3, 0.4, 2.2].every((x) => Math.abs(ev(m[1]!, { x }) - ev(ans, { x })) < 1e-9),
  ],
  [
    /^Differentiate f\(x\) = (.+)\.$/,
    (m, ans) =>
      [-1.3, 0.4, 1.7].every((x) => {
        const h = 1e-5;
        const d = (ev(m[1]!, { x: x + h }) - ev(m[1]!, { x: x - h })) / (2 * h);
        return Math.abs(d - ev(ans, { x })) < 1e-3 * Math.max(1, Math.abs(d));
      }),
  ],
  [
    /^Evaluate the definite integral of (.+) from x = (.+) to x = (.+)\.$/,
    (m, ans) =>
      matches(
        simpson((x) => ev(m[1]!, { x }), num(m[2]!), num(m[3]!)),
        ans,
      ),
  ],
  [
    /^Find the limit as x → (.+) of (.+)\.$/,
    (m, ans) => {
      const a = num(m[1]!);
      const f = (x: number) => ev(m[2]!, { x });
      return matches((f(a + 1e-7) + f(a - 1e-7)) / 2, ans.replace(/^(-?\d+)$/, '$1'));
    },
  ],
  [
    /^At what x does f\(x\) = (.+) have its minimum\?$/,
    (m, ans) => {
      let best = { x: 0, y: Infinity };
      for (let x = -50; x <= 50; x += 0.5) {
        const y = ev(m[1]!, { x });
        if (y < best.y) best = { x, y };
      }
      return matches(best.x, ans);
    },
  ],
  [/^If f\(x\) = (.+), what is f\((.+)\)\?$/, (m, ans) => matches(ev(m[1]!, { x: num(m[2]!) }), ans)],
  [
    /^What is log base (\d+) of (.+)\?$/,
    (m, ans) => matches(Math.log(ev(m[2]!)) / Math.log(num(m[1]!)), ans),
  ],
  [/^What is (\d+)% of (\d+)\?$/, (m, ans) => matches((num(m[1]!) * num(m[2]!)) / 100, ans)],
  [
    /^What is (sin|cos|tan)\((\d+)°\)\? Give an exact value\.$/,
    (m, ans) => matches(ev(`${m[1]}(${m[2]} deg)`), ans),
  ],
  [
    /^What is the (mean|median) of (.+?)\?/,
    (m, ans) => {
      const xs = m[2]!
        .split(',')
        .map(num)
        .sort((a, b) => a - b);
      const v =
        m[1] === 'mean'
          ? xs.reduce((a, b) => a + b, 0) / xs.length
          : xs.length % 2
            ? xs[(xs.length - 1) / 2]!
            : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2;
      return matches(Math.round(v * 100) / 100, ans);
    },
  ],
  [
    /^What is the population standard deviation of (.+?)\?/,
    (m, ans) => {
      const xs = m[1]!.split(',').map(num);
      const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
      return matches(
        Math.round(Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length) * 100) / 100,
        ans,
      );
    },
  ],
  [
    /^What is the slope of the line through \((.+), (.+)\) and \((.+), (.+)\)\?$/,
    (m, ans) => matches((num(m[4]!) - num(m[2]!)) / (num(m[3]!) - num(m[1]!)), ans),
  ],
  [
    /^What is ([-\d./ +−×÷()^]+)\?(?: Give the answer as a fraction in lowest terms\.)?$/,
    (m, ans) => {
      const v = ev(m[1]!);
      if (/lowest terms/.test(m[0]) && /\//.test(ans)) {
        const [n, d] = ans.split('/').map(Number);
        if (math.gcd(n!, d!) !== 1) return false;
      }
      return matches(v, ans);
    },
  ],
  [/^Evaluate (.+)\.$/, (m, ans) => matches(ev(m[1]!), ans)],
  [
    /^Round (\d+) to the nearest (\d+)\.$/,
    (m, ans) => {
      const n = num(m[1]!);
      const p = num(m[2]!);
      const down = n - (n % p);
      return matches(n - down >= p / 2 ? down + p : down, ans);
    },
  ],
  [
    /^Simplify (\d+)\^(\d+) ([×÷]) \1\^(\d+)\. What is the exponent of \1\?$/,
    (m, ans) => {
      const b = num(m[1]!);
      const v = m[3] === '×' ? b ** num(m[2]!) * b ** num(m[4]!) : b ** num(m[2]!) / b ** num(m[4]!);
      return matches(Math.log(v) / Math.log(b), ans);
    },
  ],
  [
    /^A right triangle has legs (\d+) and (\d+)\. /,
    (m, ans) => matches(Math.hypot(num(m[1]!), num(m[2]!)), ans),
  ],
  [
    /^A right triangle has hypotenuse (\d+) and one leg (\d+)\. /,
    (m, ans) => matches(Math.sqrt(num(m[1]!) ** 2 - num(m[2]!) ** 2), ans),
  ],
  [/^A rectangle is (\d+) cm by (\d+) cm\./, (m, ans) => matches(num(m[1]!) * num(m[2]!), ans)],
  [
    /^A triangle has base (\d+) cm and height (\d+) cm\./,
    (m, ans) =>
      matches(
        simpson((x) => (num(m[2]!) * x) / num(m[1]!), 0, num(m[1]!)),
        ans,
      ),
  ],
  [
    /^A circle has radius (\d+)\. What is its (area|circumference)\?/,
    (m, ans) =>
      matches(
        Math.round(
          (m[2] === 'area' ? simpson((r) => 2 * Math.PI * r, 0, num(m[1]!)) : 2 * Math.PI * num(m[1]!)) * 100,
        ) / 100,
        ans,
      ),
  ],
  [
    /^Two angles of a triangle are (\d+)° and (\d+)°\./,
    (m, ans) => matches(180 - num(m[1]!) - num(m[2]!), ans),
  ],
  [
    /^Three angles of a quadrilateral are (\d+)°, (\d+)° and (\d+)°\./,
    (m, ans) => matches(360 - num(m[1]!) - num(m[2]!) - num(m[3]!), ans),
  ],
  [
    /^Two similar triangles: the small one has sides (\d+) and (\d+); the side matching \1 in the large one is (\d+)\./,
    (m, ans) => matches((num(m[2]!) * num(m[3]!)) / num(m[1]!), ans),
  ],
  [/^A box is (\d+) by (\d+) by (\d+)\./, (m, ans) => matches(num(m[1]!) * num(m[2]!) * num(m[3]!), ans)],
  [
    /^A cylinder has radius (\d+) and height (\d+)\./,
    (m, ans) => matches(Math.round(Math.PI * num(m[1]!) ** 2 * num(m[2]!) * 100) / 100, ans),
  ],
  [
    /^A population of (\d+) (doubles|triples) every hour\. How large is it after (\d+) hours\?$/,
    (m, ans) => {
      let p = num(m[1]!);
      for (let h = 0; h < num(m[3]!); h++) p *= m[2] === 'doubles' ? 2 : 3;
      return matches(p, ans);
    },
  ],
  [
    /^A bag has (\d+) red and (\d+) blue marbles\.(.*)$/,
    (m, ans) => {
      const p = num(m[1]!) / (num(m[1]!) + num(m[2]!));
      return matches(/both are red/.test(m[3]!) ? p * p : p, ans);
    },
  ],
  [
    /^Scores have mean (\d+) and standard deviation (\d+)\. What is the z-score of (.+)\?$/,
    (m, ans) => matches((num(m[3]!) - num(m[1]!)) / num(m[2]!), ans),
  ],
  [
    /^In a right triangle, the side opposite angle A is (\d+), the side adjacent to A is (\d+), and the hypotenuse is (\d+)\. What is (sin|cos|tan) A/,
    (m, ans) => {
      const angle = Math.atan2(num(m[1]!), num(m[2]!));
      return matches(
        m[4] === 'sin' ? Math.sin(angle) : m[4] === 'cos' ? Math.cos(angle) : Math.tan(angle),
        ans,
      );
    },
  ],
];

export function resolveItem(question: string, answer: string): boolean | null {
  const q = question.replace(/x\^2/g, 'x^2');
  for (const [re, solve] of RULES) {
    const m = re.exec(q);
    if (!m) continue;
    try {
      return solve(m, answer);
    } catch {
      return false;
    }
  }
  return null;
}
