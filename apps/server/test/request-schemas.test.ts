/**
 * Every string a route accepts (path, query string, body, headers) carries the shared STORABLE_TEXT check, so
 * NUL and unpaired surrogates get a 400 naming the field wherever they are sent. Walks the app's own route
 * table: a route added tomorrow with a plain `z.string()` in its contract fails here, not in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZText, ZUuid } from '@tutorpulse/contracts/common';
import { createTestApp, type TestApp } from './helpers/build-app';
import { findUncheckedInputs, requestSchemasOf } from './helpers/zod-schemas';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('request schemas', () => {
  it('check every string of every route with STORABLE_TEXT, and accept nothing unchecked', () => {
    const problems: string[] = [];
    let walked = 0;
    for (const route of t.app.accessTable) {
      for (const [part, schema] of Object.entries(requestSchemasOf(route.schema))) {
        walked++;
        for (const p of findUncheckedInputs(schema, part, { allowUnknownRest: part === 'headers' }))
          problems.push(`${route.method} ${route.url} ${p}`);
      }
    }
    expect(problems).toEqual([]);
    expect(walked).toBeGreaterThan(25); // the walk really went through the routes' params, queries and bodies
  });

  it('the walk finds a plain string wherever it hides, and lets the shared blocks through', () => {
    const hidden = z.object({
      a: ZText,
      b: z.array(z.union([ZUuid, z.string()])).optional(),
      c: z.record(z.string(), ZText),
      d: z.object({ e: z.email().nullable() }),
      f: z.unknown(),
      g: z.stringbool().default(false),
      h: ZText.min(1)
        .max(5)
        .transform((s) => s.length),
    });
    expect(findUncheckedInputs(hidden, 'body')).toEqual([
      'body.b[]: a string without STORABLE_TEXT (use ZText & co.)',
      'body.c{key}: a string without STORABLE_TEXT (use ZText & co.)',
      'body.d.e: a string without STORABLE_TEXT (use ZText & co.)',
      'body.f: accepts anything (unknown)',
    ]);
  });
});
