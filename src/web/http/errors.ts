import { DEFAULT_COPY } from '../../domain/copy/catalog.js';
import { DomainError, isOutage, type ErrorCode as DomainErrorCode } from '../../domain/errors.js';

/** Codes only HTTP itself produces (a malformed request, a stale form), beside the domain's. */
type HttpOnlyCode =
  'bad-request' | 'csrf-invalid' | 'method-not-allowed' | 'payload-too-large' | 'unsupported-media-type' | 'internal' | 'unavailable';

export type ErrorCode = DomainErrorCode | HttpOnlyCode;

/**
 * The one table of error codes and the HTTP status each answers with, for pages and the API alike.
 * Domain code returns or throws the codes (`src/domain/errors.ts`); only this layer turns them into
 * statuses, and the compiler insists every code has one. Every API error body is `{ "error": { "code", "message" } }`.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  'bad-request': 400,
  'invalid-input': 400,
  'expired-code': 400,
  'wrong-browser': 400,
  'weak-password': 400,
  'invalid-amount': 400,
  // The proof of identity failed: sign in (or refresh) again.
  unauthorized: 401,
  'invalid-credentials': 401,
  'invalid-code': 401,
  'invalid-token': 401,
  forbidden: 403,
  'csrf-invalid': 403,
  'not-found': 404,
  'unknown-plan': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'device-limit-reached': 409,
  'no-gateway': 409,
  'already-subscribed': 409,
  'invalid-transition': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  // A search the database could not answer in time (MASTHEAD_SEARCH_TIMEOUT_MS): narrowed, it can be.
  'search-too-broad': 422,
  'rate-limited': 429,
  internal: 500,
  // The payment gateway did not answer: nothing was charged, try again.
  'gateway-error': 502,
  // The database (or Redis) is out of reach for now: the same request works once it is back.
  unavailable: 503,
};

/** How long a reader is asked to wait when a store the site needs is out of reach: about what a restart takes. */
const OUTAGE_RETRY_SECONDS = 10;

/** An HTTP-level failure raised by the web layer itself, with a stable code and a message safe to show. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For invalid input: the message for each field that was wrong, by the field's name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The Retry-After header's value for a rate-limited or unavailable answer: whole seconds, at least one; a minute when not known. */
export const retryAfter = (seconds: number | undefined): string => String(Math.max(1, Math.ceil(seconds ?? 60)));

/** Maps any thrown value to a code, status and a message that never reveals internals for 5xx. */
export function describeError(error: unknown): { code: ErrorCode; status: number; message: string; retryAfterSeconds?: number } {
  if (error instanceof HttpProblem) return { code: error.code, status: error.status, message: error.message };
  if (error instanceof DomainError) {
    const code: DomainErrorCode = (error as DomainError).code;
    const described = { code, status: ERROR_STATUS[code], message: error.message };
    return error.retryAfterSeconds === undefined ? described : { ...described, retryAfterSeconds: error.retryAfterSeconds };
  }
  const e = error as { statusCode?: number; code?: string; validation?: unknown; message?: string } | null | undefined;
  if (e?.validation) return { code: 'invalid-input', status: 400, message: e.message ?? 'invalid input' };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413) return { code: 'payload-too-large', status, message: 'The request body is too large.' };
  if (status === 415) return { code: 'unsupported-media-type', status, message: 'That content type is not accepted here.' };
  if (status === 403) return { code: 'csrf-invalid', status, message: 'This form has expired. Go back, reload the page and try again.' };
  if (status === 404) return { code: 'not-found', status, message: 'Not found.' };
  if (status === 405) return { code: 'method-not-allowed', status, message: 'Method not allowed.' };
  if (status === 429) return { code: 'rate-limited', status, message: 'Too many requests. Please wait and try again.' };
  if (status >= 400 && status < 500) return { code: 'bad-request', status, message: e?.message ?? 'Bad request.' };
  if (isOutage(error)) {
    return { code: 'unavailable', status: 503, message: DEFAULT_COPY['site.unavailable'].text, retryAfterSeconds: OUTAGE_RETRY_SECONDS };
  }
  return { code: 'internal', status: 500, message: 'Something went wrong on our side.' };
}
