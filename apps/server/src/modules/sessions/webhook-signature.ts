/**
 * Standard Webhooks signature verification (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${raw body}` with the base64 secret after `whsec_`, sent as
 * space-separated `v1,<base64>` entries in `webhook-signature`, and a ±5-minute timestamp window.
 *
 * Why not `new Webhook(secret).verify()` from the `standardwebhooks` package: it reads the time from
 * `Date.now()` with no way to pass one, and our clock is injected (tests move it; so may replays of history).
 * It also hashes in pure JS (~5× slower than node:crypto, which matters for 200 KB transcripts at
 * 1,000 webhooks/s). The scheme is small and fixed, so it is implemented here on node:crypto, and the tests
 * sign with the package's own `Webhook#sign` and check its `verify` accepts the same headers: both sides stay
 * byte-compatible with the reference implementation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';

export const WEBHOOK_TOLERANCE_S = 5 * 60;
const SECRET_PREFIX = 'whsec_';
/** Senders rotate secrets by sending a few signatures; more than this is abuse, not rotation. */
const MAX_SIGNATURES = 16;
const WEBHOOK_ID = /^[\x21-\x7e]{1,255}$/;
const TIMESTAMP = /^\d{1,12}$/;

export type WebhookHeaders = Record<string, string | string[] | undefined>;
export type VerifiedWebhook = { id: string; timestamp: Date };

/** Why a delivery was refused (for logs; the caller gets one 401 code). */
export type SignatureFailure =
  'missing_headers' | 'invalid_id' | 'invalid_timestamp' | 'stale' | 'future' | 'mismatch';

export class WebhookSignatureError extends AppError {
  constructor(
    readonly reason: SignatureFailure,
    message: string,
  ) {
    super('INVALID_SIGNATURE', message);
  }
}

/** Decodes a `whsec_…` secret (the prefix is optional, as in the reference libraries). */
export function decodeWebhookSecret(secret: string): Buffer {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  if (key.length === 0) throw new Error('Webhook secret is empty');
  return key;
}

/** `v1,<base64>` for one message; what a sender puts in `webhook-signature`. */
export function computeWebhookSignature(key: Buffer, id: string, timestampS: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function createWebhookVerifier(opts: { secret: string; clock: Clock; toleranceS?: number }) {
  const key = decodeWebhookSecret(opts.secret);
  const toleranceS = opts.toleranceS ?? WEBHOOK_TOLERANCE_S;

  return {
    /**
     * Checks headers and signature over the raw body; throws a 401 `INVALID_SIGNATURE` AppError otherwise.
     * Header names must be lower-case (as Node delivers them).
     */
    verify(rawBody: string, headers: WebhookHeaders): VerifiedWebhook {
      const id = header(headers, 'webhook-id');
      const ts = header(headers, 'webhook-timestamp');
      const signatures = header(headers, 'webhook-signature');
      if (!id || !ts || !signatures) {
        throw new WebhookSignatureError(
          'missing_headers',
          'Missing webhook-id, webhook-timestamp or webhook-signature header',
        );
      }
      if (!WEBHOOK_ID.test(id)) throw new WebhookSignatureError('invalid_id', 'Invalid webhook-id header');
      if (!TIMESTAMP.test(ts)) {
        throw new WebhookSignatureError('invalid_timestamp', 'webhook-timestamp must be Unix seconds');
      }
      const timestampS = Number(ts);
      const nowS = Math.floor(opts.clock.now().getTime() / 1000);
      if (nowS - timestampS > toleranceS) {
        throw new WebhookSignatureError('stale', 'webhook-timestamp is too old');
      }
      if (timestampS - nowS > toleranceS) {
        throw new WebhookSignatureError('future', 'webhook-timestamp is too far in the future');
      }
      const expected = Buffer.from(computeWebhookSignature(key, id, timestampS, rawBody).slice(3));
      let matched = false;
      for (const entry of signatures.split(' ').slice(0, MAX_SIGNATURES)) {
        const comma = entry.indexOf(',');
        if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
        const presented = Buffer.from(entry.slice(comma + 1));
        // Lengths are public (a SHA-256 in base64 is always 44 characters); the bytes are compared in constant time.
        if (presented.length === expected.length && timingSafeEqual(presented, expected)) matched = true;
      }
      if (!matched) throw new WebhookSignatureError('mismatch', 'No matching webhook signature');
      return { id, timestamp: new Date(timestampS * 1000) };
    },
  };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;
