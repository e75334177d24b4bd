/**
 * The process logger: pino JSON lines with ISO timestamps and secrets redacted, shared by Fastify (request
 * logs), workers and the CLI.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { pino } from 'pino';

export type Logger = pino.Logger;
export type LogLevel = pino.LevelWithSilent;

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  // `*.x` only matches one level down, so the top-level names are listed as well.
  'password',
  'token',
  'apiKey',
  '*.password',
  '*.token',
  '*.apiKey',
];

export function createLogger(opts: { level: LogLevel; pretty?: boolean }): Logger {
  const wantsPretty = opts.pretty === true;
  const pretty = wantsPretty && isInstalled('pino-pretty');
  const logger = pino({
    level: opts.level,
    // pid and hostname kept: in scaled mode several processes on several machines write to one log store.
    base: { service: 'tutorpulse', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
  });
  if (wantsPretty && !pretty) {
    logger.warn('pretty logs requested but pino-pretty is not installed; writing JSON');
  }
  return logger;
}

/** pino-pretty is an optional dev convenience; asking for it without it must not crash the process. */
function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
