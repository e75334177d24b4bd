/**
 * Reading zod 4 schemas as data, for the tests that walk every route's request schemas: the check that every
 * string carries STORABLE_TEXT (request-schemas.test.ts) and the fuzz suite's generators (fuzz-arbitraries.ts).
 * zod 4 keeps a schema's definition in `schema._zod.def` (type, checks, inner types); that is what is read here.
 */
import type { FastifySchema } from 'fastify';
import type { z } from 'zod';
import { STORABLE_TEXT } from '@tutorpulse/contracts/common';

export type AnySchema = z.ZodType;
export type Def = { type: string; checks?: Check[]; [key: string]: unknown };
type Check = { _zod: { def: { check: string; [key: string]: unknown } } };

export const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function isZodSchema(value: unknown): value is AnySchema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/** The parts of a request a route validates, by where they come from. */
export const REQUEST_PARTS = ['params', 'querystring', 'body', 'headers'] as const;
export type RequestPart = (typeof REQUEST_PARTS)[number];

export function requestSchemasOf(schema: FastifySchema | undefined): Partial<Record<RequestPart, AnySchema>> {
  const out: Partial<Record<RequestPart, AnySchema>> = {};
  for (const part of REQUEST_PARTS) {
    const s = (schema as Record<string, unknown> | undefined)?.[part];
    if (isZodSchema(s)) out[part] = s;
  }
  return out;
}

export type StringConstraints = {
  minLength: number;
  maxLength: number | undefined;
  /** `uuid`, `email`, `url`, `datetime`, `date`, … (zod's string formats), or undefined for free text. */
  format: string | undefined;
  patterns: RegExp[];
  storable: boolean;
};

export function stringConstraints(def: Def): StringConstraints {
  const c: StringConstraints = {
    minLength: 0,
    maxLength: undefined,
    format: typeof def.format === 'string' ? def.format : undefined,
    patterns: [],
    storable: false,
  };
  if (def.format === 'regex' && def.pattern instanceof RegExp) c.patterns.push(def.pattern);
  for (const check of def.checks ?? []) {
    if ((check as unknown) === STORABLE_TEXT) c.storable = true;
    const d = check._zod.def;
    if (d.check === 'min_length') c.minLength = Math.max(c.minLength, d.minimum as number);
    if (d.check === 'max_length') c.maxLength = Math.min(c.maxLength ?? Infinity, d.maximum as number);
    if (d.check === 'length_equals') c.minLength = c.maxLength = d.length as number;
    if (d.check === 'string_format') {
      if (d.format === 'regex' && d.pattern instanceof RegExp) c.patterns.push(d.pattern);
      else if (typeof d.format === 'string') c.format ??= d.format;
    }
  }
  return c;
}

export type NumberConstraints = { min: number | undefined; max: number | undefined; integer: boolean };

export function numberConstraints(def: Def): NumberConstraints {
  // `z.int()` carries its format on the schema itself; `z.number().int()` as a check.
  const c: NumberConstraints = {
    min: undefined,
    max: undefined,
    integer: typeof def.format === 'string' && /int/.test(def.format),
  };
  for (const check of def.checks ?? []) {
    const d = check._zod.def;
    if (d.check === 'greater_than') {
      const v = (d.value as number) + (d.inclusive ? 0 : Number.EPSILON);
      c.min = Math.max(c.min ?? -Infinity, v);
    }
    if (d.check === 'less_than') {
      const v = (d.value as number) - (d.inclusive ? 0 : Number.EPSILON);
      c.max = Math.min(c.max ?? Infinity, v);
    }
    if (d.check === 'number_format' && typeof d.format === 'string' && /int/.test(d.format)) c.integer = true;
  }
  return c;
}

/** The array's length bounds. */
export function lengthBounds(def: Def): { min: number; max: number | undefined } {
  let min = 0;
  let max: number | undefined;
  for (const check of def.checks ?? []) {
    const d = check._zod.def;
    if (d.check === 'min_length') min = Math.max(min, d.minimum as number);
    if (d.check === 'max_length') max = Math.min(max ?? Infinity, d.maximum as number);
  }
  return { min, max };
}

/** `z.stringbool()`: a string whose only way into the handler is as a boolean (a fixed vocabulary). */
export function isStringBool(def: Def): boolean {
  return (
    def.type === 'pipe' &&
    defOf(def.in as AnySchema).type === 'string' &&
    defOf(def.out as AnySchema).type === 'boolean'
  );
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);
const SAFE_LEAVES = new Set([
  'number',
  'boolean',
  'bigint',
  'enum',
  'literal',
  'null',
  'undefined',
  'void',
  'never',
  'nan',
  'date',
  'transform',
]);

/**
 * Where a request schema lets a string in without STORABLE_TEXT, or lets anything in unchecked (`unknown`, `any`,
 * `custom`, a type this walker does not know). `allowUnknownRest`: an object's catch-all may be `unknown`
 * (headers: Node has already refused the bytes a header cannot hold, and no route stores an unnamed header).
 */
export function findUncheckedInputs(
  schema: AnySchema,
  path: string,
  opts: { allowUnknownRest?: boolean } = {},
): string[] {
  const out: string[] = [];
  const lazies = new Set<AnySchema>();
  const walk = (s: AnySchema, at: string, isRest = false): void => {
    const def = defOf(s);
    if (def.type === 'string') {
      if (!stringConstraints(def).storable)
        out.push(`${at}: a string without STORABLE_TEXT (use ZText & co.)`);
      return;
    }
    if (SAFE_LEAVES.has(def.type)) return;
    if (WRAPPERS.has(def.type)) return walk(def.innerType as AnySchema, at);
    switch (def.type) {
      case 'object': {
        for (const [key, value] of Object.entries(def.shape as Record<string, AnySchema>)) {
          walk(value, `${at}.${key}`);
        }
        if (def.catchall) walk(def.catchall as AnySchema, `${at}.*`, true);
        return;
      }
      case 'array':
        return walk(def.element as AnySchema, `${at}[]`);
      case 'tuple':
        (def.items as AnySchema[]).forEach((item, i) => walk(item, `${at}[${i}]`));
        if (def.rest) walk(def.rest as AnySchema, `${at}[…]`);
        return;
      case 'union':
        for (const option of def.options as AnySchema[]) walk(option, at);
        return;
      case 'intersection':
        walk(def.left as AnySchema, at);
        walk(def.right as AnySchema, at);
        return;
      case 'record':
        walk(def.keyType as AnySchema, `${at}{key}`);
        walk(def.valueType as AnySchema, `${at}{value}`);
        return;
      case 'pipe':
        // Only the input side meets the client's data; z.stringbool() turns a fixed vocabulary into a boolean.
        if (!isStringBool(def)) walk(def.in as AnySchema, at);
        return;
      case 'lazy':
        // A recursive schema: each lazy once is enough.
        if (lazies.has(s)) return;
        lazies.add(s);
        return walk((def.getter as () => AnySchema)(), at);
      case 'unknown':
      case 'any':
        if (!(isRest && opts.allowUnknownRest)) out.push(`${at}: accepts anything (${def.type})`);
        return;
      default:
        out.push(`${at}: a ${def.type} schema this check does not know; teach test/helpers/zod-schemas.ts`);
    }
  };
  walk(schema, path);
  return out;
}
