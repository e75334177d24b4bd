/** Standard Webhooks verification against the reference library, with an injected clock. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from '../../platform/clock';
import { signWebhook } from '../../../test/helpers/webhooks';
import { createWebhookVerifier, WebhookSignatureError, type SignatureFailure } from './webhook-signature';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkhIQ==';
const NOW = new Date('2026-11-20T12:00:00Z');
const BODY = JSON.stringify({ session_id: 'ses_1', note: 'é ✓' });

const clock = createManualClock(NOW);
const verifier = createWebhookVerifier({ secret: SECRET, clock });

function failureOf(body: string, headers: Record<string, string | undefined>): SignatureFailure | 'ok' {
  try {
    verifier.verify(body, headers);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookSignatureError);
    expect((err as WebhookSignatureError).status).toBe(401);
    expect((err as WebhookSignatureError).code).toBe('INVALID_SIGNATURE');
    return (err as WebhookSignatureError).reason;
  }
}

const signed = (opts: { id?: string; at?: Date; secret?: string; body?: string } = {}) =>
  signWebhook(opts.body ?? BODY, opts.secret ?? SECRET, {
    id: opts.id ?? 'msg_1',
    timestamp: opts.at ?? NOW,
  });

describe('createWebhookVerifier', () => {
  it.each([
    { name: 'a valid signature', headers: signed(), body: BODY, expect: 'ok' },
    {
      name: 'a timestamp 300 s old (the edge of the window)',
      headers: signed({ at: new Date(NOW.getTime() - 300_000) }),
      body: BODY,
      expect: 'ok',
    },
    {
      name: 'a timestamp 300 s ahead (clock skew)',
      headers: signed({ at: new Date(NOW.getTime() + 300_000) }),
      body: BODY,
      expect: 'ok',
    },
    {
      name: 'a timestamp 301 s old',
      headers: signed({ at: new Date(NOW.getTime() - 301_000) }),
      body: BODY,
      expect: 'stale',
    },
    {
      name: 'a timestamp 301 s ahead',
      headers: signed({ at: new Date(NOW.getTime() + 301_000) }),
      body: BODY,
      expect: 'future',
    },
    { name: 'another secret', headers: signed({ secret: OTHER_SECRET }), body: BODY, expect: 'mismatch' },
    { name: 'a tampered body', headers: signed(), body: BODY.replace('ses_1', 'ses_2'), expect: 'mismatch' },
    { name: 'a re-serialised body', headers: signed(), body: `${BODY} `, expect: 'mismatch' },
    {
      name: 'another webhook-id',
      headers: { ...signed(), 'webhook-id': 'msg_2' },
      body: BODY,
      expect: 'mismatch',
    },
    {
      name: 'a timestamp moved within the window',
      headers: { ...signed(), 'webhook-timestamp': String(NOW.getTime() / 1000 - 10) },
      body: BODY,
      expect: 'mismatch',
    },
    {
      name: 'no webhook-id',
      headers: { ...signed(), 'webhook-id': undefined },
      body: BODY,
      expect: 'missing_headers',
    },
    {
      name: 'no webhook-timestamp',
      headers: { ...signed(), 'webhook-timestamp': undefined },
      body: BODY,
      expect: 'missing_headers',
    },
    {
      name: 'no webhook-signature',
      headers: { ...signed(), 'webhook-signature': undefined },
      body: BODY,
      expect: 'missing_headers',
    },
    {
      name: 'a non-numeric timestamp',
      headers: { ...signed(), 'webhook-timestamp': '1795176000abc' },
      body: BODY,
      expect: 'invalid_timestamp',
    },
    {
      name: 'a timestamp in milliseconds',
      headers: { ...signed(), 'webhook-timestamp': String(NOW.getTime()) },
      body: BODY,
      expect: 'invalid_timestamp',
    },
    {
      name: 'a webhook-id with spaces',
      headers: { ...signed(), 'webhook-id': 'msg 1' },
      body: BODY,
      expect: 'invalid_id',
    },
    {
      name: 'only a v1a (asymmetric) entry',
      headers: { ...signed(), 'webhook-signature': signed()['webhook-signature'].replace('v1,', 'v1a,') },
      body: BODY,
      expect: 'mismatch',
    },
    {
      name: 'a garbage signature',
      headers: { ...signed(), 'webhook-signature': 'v1,AAAA' },
      body: BODY,
      expect: 'mismatch',
    },
  ])('$name → $expect', ({ headers, body, expect: expected }) => {
    expect(failureOf(body, headers)).toBe(expected);
  });

  it('accepts one matching signature among several (secret rotation)', () => {
    const good = signed()['webhook-signature'];
    const old = signed({ secret: OTHER_SECRET })['webhook-signature'];
    expect(failureOf(BODY, { ...signed(), 'webhook-signature': `${old} v1a,xyz ${good}` })).toBe('ok');
  });

  it('follows the injected clock, not the machine clock', () => {
    const c = createManualClock('2020-01-01T00:00:00Z');
    const v = createWebhookVerifier({ secret: SECRET, clock: c });
    const headers = signWebhook(BODY, SECRET, { id: 'msg_x', timestamp: c.now() });
    expect(v.verify(BODY, headers)).toEqual({ id: 'msg_x', timestamp: c.now() });
    c.advance(6 * 60_000);
    expect(() => v.verify(BODY, headers)).toThrow(WebhookSignatureError);
  });

  it('agrees with the reference library on real time', () => {
    const headers = signWebhook(BODY, SECRET);
    const real = createWebhookVerifier({ secret: SECRET, clock: systemClock });
    expect(real.verify(BODY, headers).id).toBe(headers['webhook-id']);
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(OTHER_SECRET).verify(BODY, headers)).toThrow();
  });
});
