/**
 * The one error model. Every failure the domain reports has a stable code; the web layer maps each code
 * to exactly one HTTP status (`src/web/http/errors.ts`), for pages and the API alike.
 *
 * - An *expected* outcome (a declined card, a refused refund, a wrong code) is a return value: `Result`.
 * - A `DomainError` is thrown where a use case cannot go on and the caller can do nothing but report it
 *   (the subscription does not exist, the reader is rate limited); it still carries a code.
 * - Anything else thrown is a bug (a 500) or an outage of a store the site needs (`isOutage`: a 503 with
 *   Retry-After); the details of either never leave the server.
 */

/** Codes of expected failures, by module. Add a code here and the web layer's status table must name it. */
export const ERROR_CODES = {
  common: ['invalid-input', 'not-found', 'forbidden', 'conflict', 'rate-limited', 'unauthorized'],
  accounts: [
    'invalid-credentials',
    'invalid-code',
    'expired-code',
    'wrong-browser',
    'device-limit-reached',
    'weak-password',
    'invalid-token',
  ],
  billing: ['no-gateway', 'unknown-plan', 'already-subscribed', 'invalid-transition', 'invalid-amount', 'gateway-error'],
  search: ['search-too-broad'],
} as const;

export type CommonFailure = (typeof ERROR_CODES.common)[number];
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES][number];

/** An expected failure that stops a use case: a stable code and a message safe to show a reader. */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    /** For `rate-limited`: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The outcome of a use case whose failure is expected: the value, or a code with a message safe to show. */
/** `instanceof DomainError` narrows to `DomainError<any>`; this narrows to a code of the table. */
export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

export type Result<T, C extends ErrorCode = ErrorCode> = { ok: true; value: T } | { ok: false; code: C; message: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends ErrorCode>(code: C, message: string): { ok: false; code: C; message: string } => ({
  ok: false,
  code,
  message,
});

/** Thrown by an adapter that knows its store is out of reach without trying it (Redis while its client reconnects). */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}

/** Node's codes for a connection that could not be made, or was lost. */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** The pg client's messages for a connection lost or never made, which carry no code. */
const LOST_CONNECTION = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether a thrown error says a store the site needs is out of reach for now (PostgreSQL, or Redis when configured),
 * rather than that the request or the code is wrong: a connection refused, lost or timed out; the server shutting
 * down, starting up or out of connections (SQLSTATE class 08, 57P…, 53300); Redis away longer than its grace
 * (`StoreUnavailable`) or still unreachable after the client's retries. The same request works once the store is back.
 */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_FAILURES.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300')) {
    return true;
  }
  return error instanceof StoreUnavailable || error.name === 'MaxRetriesPerRequestError' || LOST_CONNECTION.test(error.message);
}
