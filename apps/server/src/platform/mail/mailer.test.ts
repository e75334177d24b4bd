/**
 * Both Mailer adapters, end to end: outbox files are parsed back with mailparser, and SMTP goes to a real
 * smtp-server on 127.0.0.1 (no outbound network).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock';
import { createOutboxMailer } from './outbox-mailer';
import type { Mailer } from './port';
import { createSmtpMailer } from './smtp-mailer';

const FROM = 'Tutorpulse <no-reply@tutorpulse.local>';

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.map((a) => a.address ?? ''));
}

describe('outbox mailer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'tutorpulse-outbox-')), 'outbox'); // not created yet
  });
  afterAll(async () => {
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('writes one RFC 5322 .eml file per message that mailparser reads back', async () => {
    const clock = createManualClock('2025-03-01T10:20:30.456Z');
    const mailer = createOutboxMailer({ dir, from: FROM, clock });
    expect(mailer.kind).toBe('outbox');

    const result = await mailer.send({
      to: ['coach@example.com', 'admin@example.com'],
      subject: 'Weekly report — Zoë’s sessions',
      text: 'Three flags were raised.\nSee the dashboard.',
      html: '<p>Three flags were raised.</p>',
      headers: { 'X-Tutorpulse-Report': 'weekly-2025-09', 'Message-ID': '<report-42@tutorpulse.local>' },
    });

    expect(result.transport).toBe('outbox');
    expect(result.messageId).toBe('<report-42@tutorpulse.local>');
    expect(result.location).toBeDefined();
    const location = result.location ?? '';
    expect(path.dirname(location)).toBe(path.resolve(dir));
    expect(path.basename(location)).toMatch(/^2025-03-01T102030\.456Z-[0-9a-f]{8}\.eml$/);
    expect(await readdir(dir)).toEqual([path.basename(location)]); // no temporary file left behind

    const raw = await readFile(location);
    expect(raw.includes('\r\n')).toBe(true);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Weekly report — Zoë’s sessions');
    expect(addressesOf(parsed.to)).toEqual(['coach@example.com', 'admin@example.com']);
    expect(addressesOf(parsed.from)).toEqual(['no-reply@tutorpulse.local']);
    expect(parsed.text?.trim()).toBe('Three flags were raised.\nSee the dashboard.');
    expect(parsed.html).toContain('<p>Three flags were raised.</p>');
    expect(parsed.headers.get('x-tutorpulse-report')).toBe('weekly-2025-09');
    expect(parsed.messageId).toBe('<report-42@tutorpulse.local>');
    expect(parsed.date?.toISOString()).toBe('2025-03-01T10:20:30.000Z');
    await mailer.close();
  });

  it('gives messages sent in the same millisecond different files', async () => {
    const mailer = createOutboxMailer({ dir, from: FROM, clock: createManualClock('2025-03-02T00:00:00Z') });
    const [a, b] = await Promise.all([
      mailer.send({ to: 'a@example.com', subject: 'a', text: 'a' }),
      mailer.send({ to: 'b@example.com', subject: 'b', text: 'b' }),
    ]);
    expect(a.location).not.toBe(b.location);
    expect(a.messageId).not.toBe(b.messageId);
    expect((await readdir(dir)).filter((f) => f.startsWith('2025-03-02'))).toHaveLength(2);
  });
});

type Received = { mail: ParsedMail; rcptTo: string[]; mailFrom: string | undefined };

async function startSmtpServer(overrides: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const stats = { connections: 0 };
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to set up, and nodemailer only upgrades when STARTTLS is offered.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      stats.connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMTP mailer', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    // Mailers first: the server's close waits for their pooled connections to end.
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const track = (mailer: Mailer, server?: { close(): Promise<void> }) => {
    cleanups.push(() => mailer.close());
    if (server) cleanups.push(() => server.close());
    return mailer;
  };

  it('delivers through a real SMTP server, which receives the subject, recipients and body', async () => {
    const server = await startSmtpServer();
    const mailer = track(createSmtpMailer({ smtpUrl: server.url, from: FROM }), server);
    expect(mailer.kind).toBe('smtp');

    const result = await mailer.send({
      to: 'tutor@example.com',
      subject: 'Your session report',
      text: 'Great session with Sam.',
      headers: { 'X-Tutorpulse-Session': 'sess-1' },
    });
    await mailer.send({ to: 'coach@example.com', subject: 'Second', text: 'Again.' });
    expect(server.stats.connections).toBe(1); // pooled: the second message reused the connection

    expect(result.transport).toBe('smtp');
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(server.received).toHaveLength(2);
    const [first] = server.received;
    expect(first?.rcptTo).toEqual(['tutor@example.com']);
    expect(first?.mailFrom).toBe('no-reply@tutorpulse.local');
    expect(first?.mail.subject).toBe('Your session report');
    expect(addressesOf(first?.mail.to)).toEqual(['tutor@example.com']);
    expect(first?.mail.text?.trim()).toBe('Great session with Sam.');
    expect(first?.mail.headers.get('x-tutorpulse-session')).toBe('sess-1');
    expect(first?.mail.messageId).toBe(result.messageId);
  });

  it('rejects when the server refuses the recipient', async () => {
    const server = await startSmtpServer({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      },
    });
    const mailer = track(createSmtpMailer({ smtpUrl: server.url, from: FROM }), server);

    await expect(mailer.send({ to: 'nobody@example.com', subject: 'x', text: 'x' })).rejects.toThrow(
      /recipients were rejected|No such user/,
    );
    expect(server.received).toHaveLength(0);
  });

  it('rejects when nothing listens on the SMTP port', async () => {
    const server = await startSmtpServer();
    await server.close(); // the port is now free, so connecting is refused
    const mailer = track(createSmtpMailer({ smtpUrl: server.url, from: FROM }));

    await expect(mailer.send({ to: 'tutor@example.com', subject: 'x', text: 'x' })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
