import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer } from '../../domain/ports/mailer.js';
import { redactUrl } from '../../config/redact-url.js';

export type { EmailMessage, Mailer } from '../../domain/ports/mailer.js';

/** A message written to the outbox, as read back from its JSON sidecar. */
export interface OutboxEntry {
  /** File name without extension; sorts by the time the message was written. */
  id: string;
  /** Path of the RFC 822 message, to open in a mail client or offer as a download. */
  emlPath: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  tag?: string;
  /** ISO 8601 time the message was written. */
  sentAt: string;
}

/**
 * Picks the mailer for the configuration: SMTP when `smtpUrl` is set (`smtp://user:pass@host:587`,
 * `smtps://…`), otherwise the outbox folder. `from` is the sender address of every message.
 */
export function createMailer(options: {
  smtpUrl: string | null;
  outboxDir: string;
  from: string;
  /** DKIM signing key (MASTHEAD_DKIM_*): every message is signed with it. */
  dkim?: DkimKey | null;
  /** Keep connections open and reuse them (bulk sending: newsletters). */
  pool?: { maxConnections: number } | undefined;
}): Mailer {
  return options.smtpUrl
    ? smtpMailer(options.smtpUrl, options.from, options.dkim ?? null, options.pool)
    : outboxMailer(options.outboxDir, options.from, options.dkim ?? null);
}

/** A DKIM key as nodemailer takes it: the signing domain, the selector published in DNS, the PEM private key. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** `Name <address>` with the configured address and another display name (quoted; quotes and angle brackets dropped). */
export function withDisplayName(from: string, name: string | undefined): string {
  if (!name) return from;
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return `"${name.replace(/["<>\\\r\n]/g, '')}" <${address}>`;
}

/** Marks a permanent SMTP refusal (a 5xx reply) so senders can tell a hard bounce from a passing failure. */
function classified(error: unknown): unknown {
  if (error instanceof Error) {
    const code = (error as { responseCode?: unknown }).responseCode;
    Object.assign(error, { permanent: typeof code === 'number' && code >= 500 && code < 600 });
  }
  return error;
}

/** The SMTP URL with its password masked, safe for logs and error messages (the one redactor of connection URLs). */
export const redactSmtpUrl = redactUrl;

/** Turns an SMTP URL into nodemailer options, decoding percent-escaped credentials. */
function smtpOptions(smtpUrl: string) {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a valid URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got ${redactSmtpUrl(smtpUrl)})`);
  }
  // smtps:// is TLS from the first byte (port 465); smtp:// upgrades with STARTTLS when the server offers it.
  const secure = url.protocol === 'smtps:';
  const flag = (name: string) => url.searchParams.get(name) === 'true';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals arrive bracketed
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // ?requireTLS=true refuses to send credentials if STARTTLS is unavailable; ?ignoreTLS=true is for local catchers.
    requireTLS: flag('requireTLS'),
    ignoreTLS: flag('ignoreTLS'),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Sign-in emails are sent while a reader waits; nodemailer's defaults (up to minutes) are too patient.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

function smtpMailer(smtpUrl: string, from: string, dkim: DkimKey | null, pool: { maxConnections: number } | undefined): Mailer {
  // No logger is configured, so nodemailer never prints the connection details or credentials.
  const transport = nodemailer.createTransport({
    ...smtpOptions(smtpUrl),
    ...(dkim ? { dkim } : {}),
    ...(pool ? { pool: true, maxConnections: pool.maxConnections, maxMessages: 1000 } : {}),
  });
  return {
    kind: 'smtp',
    async send({ to, subject, text, html, attachments, headers, fromName, messageId }) {
      try {
        await transport.sendMail({ from: withDisplayName(from, fromName), to, subject, text, html, attachments, headers, messageId });
      } catch (error) {
        throw classified(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

// File names sort by time only if no two share a millisecond, so bursts are nudged one ms apart.
let lastStamp = 0;
function nextStamp(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

function outboxMailer(outboxDir: string, from: string, dkim: DkimKey | null): Mailer {
  // The stream transport builds the exact MIME message SMTP would send, without sending it.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) });
  return {
    kind: 'outbox',
    async send(message) {
      // Every time, not once: the folder may be cleared while the app runs.
      await mkdir(outboxDir, { recursive: true });
      const { to, subject, text, html, tag, attachments, headers, fromName, messageId } = message;
      const sentAt = new Date(nextStamp());
      const sender = withDisplayName(from, fromName);
      const info = await composer.sendMail({ from: sender, to, subject, text, html, attachments, headers, messageId, date: sentAt });
      const id = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
      await writeFile(join(outboxDir, `${id}.eml`), info.message as Buffer);
      // The sidecar is what readOutbox lists, so it appears whole (rename is atomic) and only after the .eml.
      const sidecar = join(outboxDir, `${id}.json`);
      const entry = { to, subject, text, html, tag, sentAt: sentAt.toISOString() };
      await writeFile(`${sidecar}.tmp`, `${JSON.stringify(entry, null, 2)}\n`);
      await rename(`${sidecar}.tmp`, sidecar);
    },
    async close() {
      composer.close();
    },
  };
}

/**
 * The newest `limit` messages in the outbox, newest first. A missing folder is an empty outbox;
 * an unreadable sidecar is skipped, so one bad file cannot break the listing page.
 */
export async function readOutbox(outboxDir: string, limit = 50): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = await readdir(outboxDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const newest = names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .reverse()
    .slice(0, Math.max(0, limit));
  const entries = await Promise.all(
    newest.map(async (name): Promise<OutboxEntry | null> => {
      const id = name.slice(0, -'.json'.length);
      try {
        const data = JSON.parse(await readFile(join(outboxDir, name), 'utf8')) as Record<string, unknown>;
        const { to, subject, text, html, tag, sentAt } = data;
        if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') return null;
        if (typeof html !== 'string' || typeof sentAt !== 'string') return null;
        const entry: OutboxEntry = { id, emlPath: join(outboxDir, `${id}.eml`), to, subject, text, html, sentAt };
        if (typeof tag === 'string') entry.tag = tag;
        return entry;
      } catch {
        return null;
      }
    }),
  );
  return entries.filter((entry): entry is OutboxEntry => entry !== null);
}
