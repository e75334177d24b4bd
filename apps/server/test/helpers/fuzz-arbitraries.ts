/**
 * fast-check arbitraries for the fuzz suite, derived from a route's own zod schemas (no maintained zod 4 →
 * fast-check bridge exists; zod-fast-check stops at zod 3). Two families, mixed per request part:
 * - well formed: values the schema's shape accepts (right types, lengths, formats, enum members, instants near
 *   now, ids that exist), so requests get past validation and reach the services and the database;
 * - hostile: a well-formed value with NUL or a lone surrogate slipped into one of its strings; or with one node
 *   replaced by something nasty (NUL, lone surrogates, huge or empty strings, the years 0 and 3000, NaN-like
 *   and out-of-range numbers, wrong types, prototype keys), a key removed or an unknown one added; or plain
 *   garbage (broken JSON, wrong content types, bad percent-encoding).
 * Refinements and transforms cannot be generated from; the instants of one object follow one moment in field
 * order, so cross-field rules (end after start) hold often enough for bodies to pass them.
 */
import fc from 'fast-check';
import {
  defOf,
  isStringBool,
  lengthBounds,
  numberConstraints,
  stringConstraints,
  type AnySchema,
  type Def,
} from './zod-schemas';

/** What exists in the database and what the API's vocabulary is: the values that reach deep code paths. */
export type Dictionary = {
  now: Date;
  /** Known texts: platform ids, enum words and comma lists, emails, a valid password. */
  strings: string[];
  /** Known row ids (flags, interventions, sessions, users that may be changed, keys that may be revoked). */
  uuids: string[];
  emails: string[];
};

/** Marks an object key left out. */
export const OMIT: unique symbol = Symbol('omit');

const MINUTE = 60_000;
const DAY = 86_400_000;
const BIG = 'x'.repeat(10_001);

export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udfff\ud800',
  '\u0000\ud800',
  '',
  ' ',
  '\t\r\n',
  'x'.repeat(256),
  'x'.repeat(5_001),
  BIG,
  '%00',
  '%',
  '../../etc/passwd',
  "' or 1=1 --",
  '\\',
  '"',
  '\\u0000',
  '<script>alert(1)</script>',
  '\u202e\u200b\ufeff',
  '😀'.repeat(100),
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  '0x10',
  'null',
  'true',
  '{}',
  '3000-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59-14:00',
  '0001-01-01T00:00:00+14:00',
  '2026-02-30T00:00:00Z',
  '2026-11-20T25:00:00Z',
  '2026-11-20T12:00:00',
  '1970-01-01T00:00:00Z',
  '3000-01-01',
  '0000-01-01',
  '9999-12-31',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
  'me',
  'none',
  'open,,closed',
  ',',
];

export const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  -1,
  0,
  -0,
  1.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  null,
  true,
  false,
  [],
  {},
  [null],
  [[[[[]]]]],
  { constructor: { prototype: { polluted: true } } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  Array.from({ length: 1_000 }, () => 'x'),
];

const hostileValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()) },
);

type Ctx = {
  dict: Dictionary;
  anchor: number | undefined;
  /** The position of the field being generated in its object. */
  field: number;
  depth: number;
};

/**
 * An instant near the anchor of its object (when there is one) or near now, as ISO 8601. Within an object, later
 * fields get later times (contracts declare times in the order things happen: start, end, joins, leaves), so
 * ordering rules hold more often than not, and are broken often enough too.
 */
function instantArb(ctx: Ctx): fc.Arbitrary<string> {
  const now = ctx.dict.now.getTime();
  const nearNow = fc.integer({ min: -500 * DAY, max: 60 * DAY }).map((d) => now + d);
  const base =
    ctx.anchor === undefined
      ? nearNow
      : fc.oneof(
          {
            weight: 9,
            arbitrary: fc
              .integer({ min: -15, max: 25 })
              .map((m) => ctx.anchor! + (ctx.field * 20 + m) * MINUTE),
          },
          { weight: 1, arbitrary: nearNow },
        );
  return fc.tuple(base, fc.constantFrom('Z', 'Z', '+00:00', '+05:30', '-08:00')).map(([ms, zone]) => {
    const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
    if (zone === 'Z') return iso;
    const sign = zone.startsWith('-') ? -1 : 1;
    const [h, m] = zone.slice(1).split(':').map(Number) as [number, number];
    const local = new Date(Math.round(ms / 1000) * 1000 + sign * (h * 60 + m) * MINUTE);
    return `${local.toISOString().slice(0, 19)}${zone}`;
  });
}

function stringArb(def: Def, ctx: Ctx): fc.Arbitrary<string> {
  const c = stringConstraints(def);
  const max = c.maxLength ?? 200;
  const fits = (s: string) =>
    s.length >= c.minLength && s.length <= max && c.patterns.every((p) => p.test(s));
  switch (c.format) {
    case 'uuid':
    case 'guid':
      return ctx.dict.uuids.length
        ? fc.oneof(fc.constantFrom(...ctx.dict.uuids), fc.uuid({ version: 4 }))
        : fc.uuid({ version: 4 });
    case 'email':
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...ctx.dict.emails) },
        { weight: 1, arbitrary: fc.emailAddress() },
      );
    case 'url':
      return fc.webUrl({ validSchemes: ['http', 'https'] });
    case 'datetime':
      return instantArb(ctx);
    case 'date':
      return instantArb(ctx).map((iso) => new Date(iso).toISOString().slice(0, 10));
  }
  const known = ctx.dict.strings.filter(fits);
  const generated =
    c.patterns.length > 0
      ? fc
          .stringMatching(c.patterns[0]!)
          .map((s) => s.slice(0, max))
          .filter(fits)
      : fc.string({ minLength: c.minLength, maxLength: Math.min(max, 40), unit: 'grapheme' });
  return known.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 3, arbitrary: generated })
    : generated;
}

function numberArb(def: Def): fc.Arbitrary<number> {
  const c = numberConstraints(def);
  const min = Math.max(c.min ?? -1e6, -1e9);
  const max = Math.min(c.max ?? 1e6, 1e9);
  if (c.integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function build(schema: AnySchema, ctx: Ctx): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (s: unknown) => build(s as AnySchema, ctx);
  switch (def.type) {
    case 'string':
      return stringArb(def, ctx);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'null':
      return fc.constant(null);
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.oneof(
        { weight: 1, arbitrary: fc.constant(OMIT) },
        { weight: 2, arbitrary: inner(def.innerType) },
      );
    case 'nullable':
      return fc.oneof(
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 3, arbitrary: inner(def.innerType) },
      );
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return inner(def.innerType);
    case 'union':
      return fc.oneof(...(def.options as AnySchema[]).map((o) => build(o, ctx)));
    case 'intersection':
      return inner(def.left);
    case 'pipe': {
      if (isStringBool(def)) return fc.constantFrom('true', 'false', '1', '0', 'yes', 'no');
      // A coercion piped into the real type (`z.coerce.number().pipe(z.literal(7)…)`): generate what it must be.
      const out = defOf(def.out as AnySchema);
      return out.type === 'transform' ? inner(def.in) : inner(def.out);
    }
    case 'array': {
      const { min, max } = lengthBounds(def);
      return fc.array(inner(def.element), {
        minLength: min,
        maxLength: Math.min(max ?? 4, Math.max(min, 4)),
      });
    }
    case 'record':
      return fc.dictionary(
        build(def.keyType as AnySchema, ctx).map(String),
        build(def.valueType as AnySchema, ctx),
        { maxKeys: 3 },
      );
    case 'lazy':
      return ctx.depth > 3
        ? fc.constant(OMIT)
        : build((def.getter as () => AnySchema)(), { ...ctx, depth: ctx.depth + 1 });
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>;
      const make = (anchor: number | undefined) => {
        const fields = Object.entries(shape).map(([k, s], field) => [
          k,
          build(s, { ...ctx, anchor, field, depth: ctx.depth + 1 }),
        ]);
        return fc
          .record(Object.fromEntries(fields) as Record<string, fc.Arbitrary<unknown>>)
          .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== OMIT)));
      };
      // One moment per object, shared by its instants (and those of nested objects, like a reschedule).
      if (ctx.anchor !== undefined) return make(ctx.anchor);
      const now = ctx.dict.now.getTime();
      return fc.integer({ min: -420 * DAY, max: 40 * DAY }).chain((d) => make(now + d));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values the schema's shape accepts (refinements aside); OMIT for a schema that may be absent and is. */
export function wellFormed(schema: AnySchema, dict: Dictionary): fc.Arbitrary<unknown> {
  return build(schema, { dict, anchor: undefined, field: 0, depth: 0 });
}

type Path = Array<string | number>;

function pathsOf(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  }
  return out;
}

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'id', 'role', '', '\u0000', 'a'.repeat(300)];

/**
 * One hostile change to a well-formed value: a node replaced, a key dropped or an unknown key added. The value
 * is copied; `__proto__` is defined as an own key (as JSON.parse would), never set on the prototype.
 */
export function mutate(
  value: unknown,
  pick: number,
  op: 'replace' | 'drop' | 'add',
  hostile: unknown,
  extraKey: string,
): unknown {
  if (value === OMIT || value === undefined) return hostile;
  const copy: unknown = JSON.parse(JSON.stringify(value));
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length]!;
  if (path.length === 0 && op !== 'add') return hostile;
  const parentPath = op === 'add' ? path : path.slice(0, -1);
  let parent: unknown = copy;
  for (const key of parentPath) parent = (parent as Record<string | number, unknown>)[key];
  if (op === 'add') {
    if (parent === null || typeof parent !== 'object') return hostile;
    if (Array.isArray(parent)) parent.push(hostile);
    else
      Object.defineProperty(parent, extraKey, {
        value: hostile,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return copy;
  }
  const key = path[path.length - 1]!;
  const holder = parent as Record<string | number, unknown>;
  if (op === 'drop') {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key];
  } else {
    Object.defineProperty(holder, key, {
      value: hostile,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Text that cannot be stored, slipped into a well-formed string so that nothing else about it is wrong: the
 * probe most likely to get past every check but the one meant to catch it.
 */
const POISONS: Array<(s: string) => string> = [
  (s) => `${s}\u0000`,
  (s) => `\u0000${s.slice(1)}`,
  (s) => `${s.slice(0, 1)}\ud800${s.slice(2)}`,
  (s) => `${s.slice(0, -1)}\udc00`,
  (s) => `${s}\u0000\ud800`,
];

/** The same value with one of its strings poisoned (the value itself when it is a string). */
export function poison(value: unknown, pick: number, how: number): unknown {
  if (value === OMIT || value === undefined) return value;
  const copy: unknown = JSON.parse(JSON.stringify(value));
  const strings = pathsOf(copy).filter((p) => {
    let v: unknown = copy;
    for (const key of p) v = (v as Record<string | number, unknown>)[key];
    return typeof v === 'string';
  });
  if (strings.length === 0) return copy;
  const path = strings[pick % strings.length]!;
  const poisonWith = POISONS[how % POISONS.length]!;
  if (path.length === 0) return poisonWith(copy as string);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[key];
  const holder = parent as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  holder[key] = poisonWith(holder[key] as string);
  return copy;
}

/** Well formed, one string poisoned, one hostile change, or plain hostile garbage. */
export function fuzzedValue(schema: AnySchema, dict: Dictionary): fc.Arbitrary<unknown> {
  const good = wellFormed(schema, dict);
  return fc.oneof(
    { weight: 4, arbitrary: good },
    {
      weight: 2,
      arbitrary: fc.tuple(good, fc.nat(), fc.nat()).map(([v, pick, how]) => poison(v, pick, how)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          good,
          fc.nat(),
          fc.constantFrom('replace', 'replace', 'drop', 'add'),
          hostileValue,
          fc.constantFrom(...EXTRA_KEYS),
        )
        .map(([v, pick, op, h, k]) => mutate(v, pick, op as 'replace' | 'drop' | 'add', h, k)),
    },
    { weight: 1, arbitrary: hostileValue },
  );
}

/**
 * Percent-encodes a path segment or query component, keeping what encodeURIComponent refuses: an unpaired
 * surrogate goes out as its generalized UTF-8 bytes (%ED%A0%80), which is what a hostile client can send.
 */
export function encodeComponent(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** A query string (with its `?`) for a generated query object: arrays repeat the key, objects go as JSON. */
export function toQueryString(query: unknown): string {
  if (query === OMIT || query === undefined) return '';
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    return `?${encodeComponent(typeof query === 'string' ? query : JSON.stringify(query))}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    const key = encodeComponent(k);
    const values = Array.isArray(v) ? v : [v];
    for (const item of values) {
      if (item === undefined || item === OMIT) continue;
      const text = item === null ? '' : typeof item === 'object' ? JSON.stringify(item) : String(item);
      parts.push(`${key}=${encodeComponent(text)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export const RAW_QUERIES = [
  '?%',
  '?%zz=1',
  '?a=%E0%A4%A',
  '?%00=%00',
  '?limit=1&limit=2',
  '?limit=-1&offset=-1',
  '?limit=1e999&offset=NaN',
  '?offset=9007199254740993',
  `?search=${'a'.repeat(9_000)}`,
  '?&&&=&=',
  '?__proto__[polluted]=1',
  '?constructor=1&hasOwnProperty=1',
];

export const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%ED%A0%80',
  '%00',
  '..',
  '%2F',
  '%2e%2e',
  'a'.repeat(3_000),
  '%C0%AF',
  '%20',
  '-',
];

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; payload: string; contentType: string | undefined };

const RAW_BODIES = [
  '{',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '123',
  '{"a":NaN}',
  '\u0000',
  '{"a":1,"a":2}',
  '',
  ' ',
];
const ONE_MIB_AND_MORE = `{"a":"${'x'.repeat(1024 * 1024)}"}`;

export const rawBody: fc.Arbitrary<BodyPlan> = fc.record({
  kind: fc.constant('raw' as const),
  payload: fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: fc.constant(ONE_MIB_AND_MORE) },
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
    undefined,
  ),
});
