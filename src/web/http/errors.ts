/**
 * The one table of error codes the web layer answers with. Domain code returns or throws these codes;
 * only this layer turns them into HTTP statuses. Every API error body is `{ "error": { "code", "message" } }`.
 */
export const ERROR_STATUS = {
  'bad-request': 400,
  'invalid-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'csrf-invalid': 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'device-limit-reached': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An expected failure with a stable code and a message safe to show. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Maps any thrown value to a code, status and a message that never reveals internals for 5xx. */
export function describeError(error: unknown): { code: ErrorCode; status: number; message: string } {
  if (error instanceof HttpProblem) return { code: error.code, status: error.status, message: error.message };
  const e = error as { statusCode?: number; code?: string; validation?: unknown; message?: string };
  if (e && e.validation) return { code: 'invalid-input', status: 400, message: e.message ?? 'invalid input' };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413) return { code: 'payload-too-large', status, message: 'The request body is too large.' };
  if (status === 415) return { code: 'unsupported-media-type', status, message: 'That content type is not accepted here.' };
  if (status === 403) return { code: 'csrf-invalid', status, message: 'This form has expired. Go back, reload the page and try again.' };
  if (status === 404) return { code: 'not-found', status, message: 'Not found.' };
  if (status === 405) return { code: 'method-not-allowed', status, message: 'Method not allowed.' };
  if (status === 429) return { code: 'rate-limited', status, message: 'Too many requests. Please wait and try again.' };
  if (status >= 400 && status < 500) return { code: 'bad-request', status, message: e.message ?? 'Bad request.' };
  return { code: 'internal', status: 500, message: 'Something went wrong on our side.' };
}
