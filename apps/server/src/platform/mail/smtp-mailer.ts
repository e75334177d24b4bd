/** Real mail (SMTP_URL set): nodemailer over a pooled SMTP transport, so report bursts reuse connections. */
import { createTransport } from 'nodemailer';
import type { Mailer } from './port';

export function createSmtpMailer(opts: { smtpUrl: string; from: string }): Mailer {
  // Settings in the URL (e.g. ?pool=false&maxConnections=2) win over these defaults.
  const transport = createTransport({ url: opts.smtpUrl, pool: true });
  return {
    kind: 'smtp',
    async send(message) {
      // Rejects when the server refuses the connection, the sender or every recipient; a message accepted for
      // some recipients resolves, because retrying it would mail the accepted ones twice.
      const info = await transport.sendMail({
        from: opts.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
      });
      return { messageId: info.messageId, transport: 'smtp' };
    },
    async close() {
      transport.close();
    },
  };
}
