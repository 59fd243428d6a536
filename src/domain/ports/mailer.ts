/** One email to one reader. `text` and `html` carry the same content (see `renderEmail`). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** for tests and the outbox listing */
  tag?: string;
  /** Files sent with the message (an invoice PDF with a receipt). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Sends email. `outbox` writes files for development; `smtp` delivers through a mail server. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'outbox' | 'smtp';
}
