/**
 * A real SMTP server for tests, listening on 127.0.0.1 on a free port, that keeps every message
 * it receives. Test-only: it imports development dependencies (smtp-server, mailparser), so
 * nothing the app runs in production may import it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the server received it, with its bodies decoded from MIME. */
export interface ReceivedEmail {
  /** Envelope recipients (RCPT TO), the addresses the message was actually delivered to. */
  to: string[];
  /** The message exactly as sent, headers and MIME parts included. */
  raw: string;
  subject: string;
  /** The decoded text/plain body, e.g. to pull a sign-in link or code out of it. */
  text: string;
  /** The decoded text/html body; empty if the message had none. */
  html: string;
  /** The user the client authenticated as, if it did. */
  user?: string;
}

/** A running test SMTP server. */
export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, ready for `createMailer({ smtpUrl })`. */
  url: string;
  /** Every message received so far, oldest first. */
  messages: ReceivedEmail[];
  /** Credentials clients authenticated with (any are accepted), to check they were passed on. */
  logins: { username: string; password: string }[];
  /** The first message, received already or still to come, that matches; rejects after `timeoutMs` (default 5 s). */
  waitFor(predicate: (message: ReceivedEmail) => boolean, timeoutMs?: number): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

/**
 * Starts a test SMTP server: no TLS, authentication optional, every message accepted, save recipients `refuse`
 * answers for with an SMTP reply code (550: a permanent refusal, a hard bounce; 451: try again later).
 */
export async function startTestSmtpServer(
  options: { refuse?: (address: string) => { code: number; message: string } | null } = {},
): Promise<TestSmtpServer> {
  const messages: ReceivedEmail[] = [];
  const logins: TestSmtpServer['logins'] = [];
  const waiters = new Set<(message: ReceivedEmail) => void>();

  const server = new SMTPServer({
    authOptional: true,
    // Plain TCP only: the client must not try to upgrade, and may log in without TLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    // Tests close the server right after the last message; don't linger for stray connections.
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.refuse?.(address.address) ?? null;
      if (!refusal) {
        callback();
        return;
      }
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const message: ReceivedEmail = {
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              raw,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            };
            if (typeof session.user === 'string') message.user = session.user;
            messages.push(message);
            for (const waiter of waiters) waiter(message);
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after start (a client hanging up mid-message) belong to that session, not the test run.
  server.on('error', () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    logins,
    waitFor(predicate, timeoutMs = 5_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (message: ReceivedEmail) => {
          if (!predicate(message)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(message);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = messages.map((m) => `"${m.subject}" to ${m.to.join(', ')}`).join('; ') || 'none';
          reject(new Error(`No matching email within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
