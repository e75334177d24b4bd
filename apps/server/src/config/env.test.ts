import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

const dir = mkdtempSync(path.join(tmpdir(), 'tp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = { JWT_SECRET: 'x'.repeat(40), WEBHOOK_SECRET: `whsec_${'A'.repeat(32)}` };
const load = (env: Record<string, string>) =>
  loadConfig({ DATA_DIR: dir, ...env }, { persistSecrets: false });

describe('loadConfig', () => {
  it('runs embedded on defaults, with mail links on the listen address', () => {
    const c = load({});
    expect(c).toMatchObject({ mode: 'embedded', port: 3000, host: '127.0.0.1', runWorkers: true });
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect(load({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(c.openai).toEqual({
      apiKey: undefined,
      baseUrl: undefined,
      model: 'gpt-4o-mini',
      timeoutMs: 20_000,
    });
  });

  it('takes PUBLIC_URL (without its trailing slash) and OPENAI_TIMEOUT_MS', () => {
    const c = load({ PUBLIC_URL: 'https://quality.example.com/', OPENAI_TIMEOUT_MS: '45000' });
    expect(c.publicUrl).toBe('https://quality.example.com');
    expect(c.openai.timeoutMs).toBe(45_000);
  });

  it('lists every bad setting at once', () => {
    let error: unknown;
    try {
      load({ PUBLIC_URL: 'ftp://nope', OPENAI_TIMEOUT_MS: '5', PORT: 'eighty' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PUBLIC_URL/);
    expect(problems).toMatch(/OPENAI_TIMEOUT_MS/);
    expect(problems).toMatch(/PORT/);
  });

  it('needs shared secrets in scaled mode, and runs no workers in the API when Redis is set', () => {
    expect(() => load({ DATABASE_URL: 'postgres://db/tp' })).toThrow(/JWT_SECRET.*\n.*WEBHOOK_SECRET/s);
    const c = load({ DATABASE_URL: 'postgres://db/tp', REDIS_URL: 'redis://r:6379', ...SECRETS });
    expect(c).toMatchObject({ mode: 'scaled', runWorkers: false, redisPrefix: 'tp' });
  });

  it('namespaces a deployment in a shared Redis with REDIS_PREFIX, and refuses one that would not be a key part', () => {
    expect(load({ REDIS_PREFIX: 'tp-staging_2' }).redisPrefix).toBe('tp-staging_2');
    for (const bad of ['a:b', 'has space', 'x'.repeat(41)])
      expect(() => load({ REDIS_PREFIX: bad }), bad).toThrow(/REDIS_PREFIX/);
  });

  it('bounds ingested sessions to 400 days back and 30 ahead unless SESSION_MAX_AGE_DAYS / _FUTURE_DAYS say otherwise', () => {
    expect(load({}).sessionWindow).toEqual({ maxAgeDays: 400, maxFutureDays: 30 });
    expect(load({ SESSION_MAX_AGE_DAYS: '1000', SESSION_MAX_FUTURE_DAYS: '0' }).sessionWindow).toEqual({
      maxAgeDays: 1000,
      maxFutureDays: 0,
    });
    for (const [name, bad] of [
      ['SESSION_MAX_AGE_DAYS', '0'],
      ['SESSION_MAX_AGE_DAYS', '1.5'],
      ['SESSION_MAX_FUTURE_DAYS', '-1'],
      ['SESSION_MAX_FUTURE_DAYS', 'soon'],
    ] as const)
      expect(() => load({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(name));
  });

  it('gives BullMQ workers a 15 s job lock and a 5 s stalled check unless JOB_LOCK_MS / JOB_STALLED_CHECK_MS say otherwise', () => {
    expect(load({}).jobs).toEqual({ lockMs: 15_000, stalledCheckMs: 5_000 });
    expect(load({ JOB_LOCK_MS: '30000', JOB_STALLED_CHECK_MS: '30000' }).jobs).toEqual({
      lockMs: 30_000,
      stalledCheckMs: 30_000,
    });
    for (const [name, bad] of [
      ['JOB_LOCK_MS', '1000'],
      ['JOB_LOCK_MS', 'soon'],
      ['JOB_STALLED_CHECK_MS', '100'],
      ['JOB_STALLED_CHECK_MS', '1.5'],
    ] as const)
      expect(() => load({ [name]: bad }), `${name}=${bad}`).toThrow(new RegExp(name));
  });
});
