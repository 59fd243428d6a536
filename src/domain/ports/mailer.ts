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
  /** Extra headers (a newsletter's List-Unsubscribe and List-Unsubscribe-Post, List-Id). */
  headers?: Record<string, string>;
  /** The sender's display name in place of the configured one (the address stays the configured one). */
  fromName?: string;
  /** A stable Message-ID (`<…@…>`), so a message sent again after a crash reads as the same message. */
  messageId?: string;
}

/**
 * Whether a send failed for good: the server refused the message or recipient with a permanent (5xx) reply. The
 * SMTP adapter marks such errors with `permanent: true`; anything else (a timeout, a 4xx) may work later.
 */
export function isPermanentMailFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** Sends email. `outbox` writes files for development; `smtp` delivers through a mail server. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'outbox' | 'smtp';
}
