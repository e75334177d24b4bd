/**
 * Keeps zod from probing `new Function('')` under our CSP (`script-src 'self'`, no 'unsafe-eval').
 *
 * zod 4 builds a JIT fast path for object schemas when it detects that eval works; the probe runs as each
 * object schema is created, and even though zod catches the refusal, the browser still reports a
 * `securitypolicyviolation`. `jitless: true` skips the probe (zod then parses without generated code).
 *
 * zod keeps this setting on `globalThis.__zod_globalConfig` (shared by every copy of zod) and reads it when
 * schemas are created, so it must be set before the contracts chunk evaluates. Setting the global here,
 * instead of calling `z.config()`, keeps zod itself out of the first load. zod-csp.test.ts checks that zod
 * still honours it, so a zod upgrade that changes the mechanism fails a test rather than the CSP.
 */
type ZodGlobal = { __zod_globalConfig?: Record<string, unknown> };

export function makeZodJitless(): void {
  const g = globalThis as ZodGlobal;
  g.__zod_globalConfig = Object.assign(g.__zod_globalConfig ?? {}, { jitless: true });
}

makeZodJitless();
