import { describe, expect, it, vi } from 'vitest';

describe('zod under a strict CSP', () => {
  it('the global set before zod loads makes zod jitless, so it never calls new Function', async () => {
    vi.resetModules();
    await import('./zod-csp');
    const FunctionSpy = vi.spyOn(globalThis, 'Function');
    const { z } = await import('zod');
    const { ZUser } = await import('@tutorpulse/contracts/identity');

    expect(z.config().jitless).toBe(true);
    expect(() => ZUser.parse({})).toThrow();
    expect(FunctionSpy).not.toHaveBeenCalled();
  });
});
