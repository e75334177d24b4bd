/** Outgoing mail: nodemailer over SMTP_URL, or `.eml` files in DATA_DIR/outbox when no SMTP is set. */
export type MailMessage = {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. a stable Message-ID so a retried send can be recognised. */
  headers?: Record<string, string>;
};

export type MailResult = { messageId: string; transport: 'smtp' | 'outbox'; location?: string };

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<MailResult>;
  close(): Promise<void>;
}
