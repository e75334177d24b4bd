/**
 * A small seeded PRNG (sfc32, seeded through cyrb128) with the sampling helpers the demo generator needs.
 * Math.random cannot be seeded, and the demo data must be identical for a given --seed so the planted
 * ground truth and the database always agree. `fork(label)` derives an independent stream, so changing
 * how one part of the data is drawn (say, transcripts) does not reshuffle every other part.
 */

export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  float(min: number, max: number): number;
  bernoulli(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Gaussian (Box–Muller). */
  normal(mean: number, sd: number): number;
  poisson(lambda: number): number;
  /** A shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[];
  /** `length` random hex digits, for opaque ids. */
  hex(length: number): string;
  fork(label: string): Rng;
};

export function createRng(seed: number | string): Rng {
  const seedText = String(seed);
  const [a0, b0, c0, d0] = cyrb128(seedText);
  let a = a0;
  let b = b0;
  let c = c0;
  let d = d0;
  const next = () => {
    // sfc32: 128-bit state, passes PractRand, and is tiny and fast in 32-bit JS arithmetic.
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  // The first outputs of a freshly seeded sfc32 are correlated with the seed: discard them.
  for (let i = 0; i < 15; i++) next();

  let spareNormal: number | undefined;
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    bernoulli: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
      return createWeightedPicker(items, weights)(rng);
    },
    normal(mean, sd) {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return mean + sd * z;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    poisson(lambda) {
      if (lambda <= 0) return 0;
      if (lambda > 30) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
      // Knuth's method: exact, and cheap for the small means a tutor's day has.
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    hex(length) {
      let out = '';
      while (out.length < length)
        out += Math.floor(next() * 4_294_967_296)
          .toString(16)
          .padStart(8, '0');
      return out.slice(0, length);
    },
    fork: (label) => createRng(`${seedText}/${label}`),
  };
  return rng;
}

/** A reusable weighted sampler: cumulative weights once, then a binary search per draw. */
export function createWeightedPicker<T>(items: readonly T[], weights: readonly number[]): (rng: Rng) => T {
  if (items.length === 0 || items.length !== weights.length)
    throw new Error('weighted pick needs one weight per item');
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0)) throw new Error('weights must be non-negative numbers');
    total += w;
    cumulative.push(total);
  }
  if (total <= 0) throw new Error('weights must not all be zero');
  return (rng) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return items[lo] as T;
  };
}

/** cyrb128: spreads any string over four 32-bit words, a good seed for sfc32. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
