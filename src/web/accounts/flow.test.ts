import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../http/errors.js';
import { pageStatus } from './flow.js';

describe('the status of a page answering a refused account operation', () => {
  it('is a refused form (400) for a failed proof of identity: a page has no HTTP authentication challenge to send with a 401', () => {
    for (const code of ['invalid-credentials', 'invalid-code', 'invalid-token', 'unauthorized'] as const) {
      expect(ERROR_STATUS[code], code).toBe(401);
      expect(pageStatus(code), code).toBe(400);
    }
  });

  it('is the status of the one table for every other code', () => {
    expect(pageStatus('expired-code')).toBe(400);
    expect(pageStatus('wrong-browser')).toBe(400);
    expect(pageStatus('weak-password')).toBe(400);
    expect(pageStatus('not-found')).toBe(404);
    expect(pageStatus('device-limit-reached')).toBe(409);
    expect(pageStatus('rate-limited')).toBe(429);
  });
});
