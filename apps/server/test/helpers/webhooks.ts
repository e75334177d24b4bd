/**
 * Signs webhook bodies the way the tutoring platform does, with the reference `standardwebhooks` library
 * (so tests prove the server accepts what real senders produce). Used by tests, the eval and the bench.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type WebhookRequestHeaders = {
  'content-type': 'application/json';
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const signers = new Map<string, Webhook>();

/**
 * Headers for one delivery of `body` (the exact string sent). `timestamp` is a Date or Unix seconds and
 * defaults to the real time: pass the server's clock when it is a manual one.
 */
export function signWebhook(
  body: string,
  secret: string,
  opts: { id?: string; timestamp?: Date | number } = {},
): WebhookRequestHeaders {
  const id = opts.id ?? `msg_${randomUUID()}`;
  const at =
    opts.timestamp === undefined
      ? new Date()
      : typeof opts.timestamp === 'number'
        ? new Date(opts.timestamp * 1000)
        : opts.timestamp;
  let signer = signers.get(secret);
  if (!signer) {
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, body),
  };
}
