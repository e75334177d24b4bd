/**
 * Offline mail (no SMTP_URL): each message becomes a complete RFC 5322 `.eml` file in the outbox directory,
 * built by nodemailer exactly as it would go over SMTP, so any mail client can open it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { Clock } from '../clock';
import type { Mailer } from './port';

export function createOutboxMailer(opts: { dir: string; from: string; clock: Clock }): Mailer {
  // CRLF line ends: that is what RFC 5322 specifies and what an SMTP server would have received.
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const dir = path.resolve(opts.dir);
  let dirReady: Promise<unknown> | undefined;

  return {
    kind: 'outbox',
    async send(message) {
      const now = opts.clock.now();
      const info = await transport.sendMail({
        from: opts.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        // The Date header follows the injected clock, like the file name, so tests and replays are stable.
        date: now,
      });
      if (!Buffer.isBuffer(info.message)) {
        throw new Error('nodemailer did not return the message as a buffer');
      }

      // Retry the mkdir on the next send if it failed (e.g. the directory was removed while running).
      dirReady ??= mkdir(dir, { recursive: true }).catch((error: unknown) => {
        dirReady = undefined;
        throw error;
      });
      await dirReady;

      const name = `${now.toISOString().replaceAll(':', '')}-${randomBytes(4).toString('hex')}.eml`;
      const location = path.join(dir, name);
      // A dot-prefixed temporary name keeps `*.eml` readers from ever seeing half a message.
      const tmp = path.join(dir, `.${name}.tmp`);
      await writeDurably(tmp, info.message);
      try {
        await rename(tmp, location);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      return { messageId: info.messageId, transport: 'outbox', location };
    },
    async close() {
      transport.close();
    },
  };
}

/** Writes and fsyncs before the rename, so a crash cannot leave a complete-looking but empty `.eml`. */
async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(file, { force: true });
    throw error;
  }
  await handle.close();
}
