import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Origin } from '../../domain/accounts/auth-kit.js';
import { KNOWN_DEVICE_DAYS } from '../../domain/accounts/known-device.js';
import type { Device } from '../../domain/accounts/model.js';
import type { DeviceInfo, SignInResult } from '../../domain/accounts/session-service.js';
import { DomainError, type ErrorCode, type Result } from '../../domain/errors.js';
import { networkKey } from '../../domain/metering/network.js';
import type { AppContext } from '../../context.js';
import { setSessionCookie } from '../http/auth.js';
import { ERROR_STATUS, retryAfter } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { safeNext } from '../http/forms.js';
import { checkToken } from './forms.js';
import { deviceLimitPage } from './sign-in-views.js';

/**
 * What the account routes share: where a request comes from (for rate limits), which browser asked for
 * a code (the binding cookie, ASVS 6.6.2), finishing a sign-in, and turning refused outcomes into pages.
 */

/** Random nonce of the browser that asked for a code or link; a code only works where it was asked for. */
export const BINDING_COOKIE = 'mh_auth';
/** Where to go after signing in by emailed link (the link itself carries only its token). */
const NEXT_COOKIE = 'mh_next';
const BINDING_SECONDS = 15 * 60;

const secure = (ctx: AppContext) => ctx.config.publicUrl.startsWith('https:');

/** Marks a browser that signed in before (a known device, for the rate limits); signed by the server. */
const knownDeviceCookie = (ctx: AppContext) => (secure(ctx) ? '__Host-mh_device' : 'mh_device');
const KNOWN_DEVICE_SECONDS = KNOWN_DEVICE_DAYS * 24 * 3600;

/** Where a request comes from, for the rate limits: its network (salted, never the raw address) and its known-device token. */
export function authOrigin(ctx: AppContext, request: FastifyRequest): Origin {
  return { networkKey: networkKey(request.ip, ctx.keys.networkSalt, 'auth'), knownDevice: request.cookies[knownDeviceCookie(ctx)] ?? null };
}

/** This browser, as a new session records it; the session it has now (if any) ends as the new one starts. */
export function deviceInfo(request: FastifyRequest): DeviceInfo {
  const ua = request.headers['user-agent'];
  const replaces = request.auth ? { userId: request.auth.user.id, sessionId: request.auth.sessionId } : null;
  return { kind: 'web', userAgent: typeof ua === 'string' ? ua.slice(0, 512) : '', replaces };
}

/**
 * The binding for a new code or link: the browser's existing nonce if it has one (so asking for a reset
 * and then a sign-in code in the same browser keeps both usable), else a new one. The cookie lives 15
 * minutes, a little longer than the code.
 */
export function bindBrowser(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, next: string): string {
  const binding = checkToken(request.cookies[BINDING_COOKIE] ?? '') ?? randomBytes(32).toString('base64url');
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secure(ctx), maxAge: BINDING_SECONDS };
  reply.setCookie(BINDING_COOKIE, binding, options);
  if (next !== '/') reply.setCookie(NEXT_COOKIE, next, options);
  else if (request.cookies[NEXT_COOKIE]) reply.clearCookie(NEXT_COOKIE, { path: '/', secure: secure(ctx) });
  return binding;
}

/** The nonce this browser holds; '' when it has none, which no challenge matches ('wrong-browser'). */
export const readBinding = (request: FastifyRequest): string => checkToken(request.cookies[BINDING_COOKIE] ?? '') ?? '';

export const nextFromCookie = (request: FastifyRequest): string => safeNext(request.cookies[NEXT_COOKIE]);

export function clearBinding(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  for (const name of [BINDING_COOKIE, NEXT_COOKIE]) {
    if (request.cookies[name] !== undefined) reply.clearCookie(name, { path: '/', secure: secure(ctx) });
  }
}

export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** The status of a form shown again with what was wrong in it. */
export const REFUSED = ERROR_STATUS['invalid-input'];

/**
 * The status of a page answering a refused account operation: the code's status from ERROR_STATUS, save
 * one thing HTTP itself rules out. A 401 must carry an authentication challenge (WWW-Authenticate, RFC
 * 9110 §15.5.2), and a page proves identity with a form, not an HTTP scheme: there a wrong password or
 * code is a refused form (400), as the app API answers it 401 with its Bearer challenge.
 */
export function pageStatus(code: ErrorCode): number {
  const status = ERROR_STATUS[code];
  return status === ERROR_STATUS.unauthorized ? REFUSED : status;
}

/** An expected failure as a page shows it. */
export interface Failure {
  code: ErrorCode;
  status: number;
  message: string;
}

const WRONG_BROWSER =
  'This code or link was requested in a different browser, or this browser has cleared its cookies since. For your safety it only works where you asked for it: type the 6-digit code from the email in the browser where you asked for it, or ask for a new code here.';

/** A refused outcome as a page shows it, in the page's own words; a rate limit also says when to try again. */
function failureOf(reply: FastifyReply, code: ErrorCode, message: string, retryAfterSeconds?: number): Failure {
  if (code === 'rate-limited') reply.header('retry-after', retryAfter(retryAfterSeconds));
  return { code, status: pageStatus(code), message: code === 'wrong-browser' ? WRONG_BROWSER : message };
}

/**
 * Runs an account use case. A refused outcome, returned (`Result`) or thrown (`DomainError`, such as a
 * rate limit), comes back as a Failure; anything else is unexpected and goes on to the error handler.
 */
export async function attempt<T>(
  reply: FastifyReply,
  work: () => Promise<Result<T>>,
): Promise<{ ok: true; value: T } | { ok: false; failure: Failure }> {
  try {
    const result = await work();
    return result.ok ? result : { ok: false, failure: failureOf(reply, result.code, result.message) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { code, message, retryAfterSeconds } = error as DomainError;
    return { ok: false, failure: failureOf(reply, code, message, retryAfterSeconds) };
  }
}

/**
 * Completes a sign-in: the new session (which ended any this browser had, ASVS 7.2.4, in the same
 * transaction) gets its cookie, the browser is remembered as a known device of the account, and the
 * reader goes on to `next`, already a safe ASCII path, so nothing here can fail once the session exists.
 * At the device limit the reader chooses a device to sign out instead.
 */
export async function finishSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  result: SignInResult,
  next: string,
): Promise<FastifyReply> {
  if (result.status === 'signed-in') {
    setSessionCookie(ctx, reply, result.session.token);
    if (result.knownDevice) {
      const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secure(ctx), maxAge: KNOWN_DEVICE_SECONDS };
      reply.setCookie(knownDeviceCookie(ctx), result.knownDevice, options);
    }
    clearBinding(ctx, request, reply);
    return reply.redirect(next, 303);
  }
  return showDeviceChoice(ctx, request, reply, 200, {
    next,
    choiceToken: result.choiceToken,
    devices: result.devices,
    limit: result.limit,
  });
}

/** The device-limit choice: the reader's devices, each with a button to sign it out and continue here. */
export async function showDeviceChoice(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  choice: { next: string; choiceToken: string; devices: Device[]; limit: number; message?: string },
): Promise<FastifyReply> {
  const page = deviceLimitPage(await pageChrome(ctx, request), { csrf: reply.generateCsrf(), timeZone: ctx.policy.timeZone, ...choice });
  return sendPage(reply, status, page);
}

/**
 * Account pages need a signed-in reader; others go to sign in and come back. The way back is one query
 * value, its own query string included (`/subscribe/x?from=…`); only its slashes stay as they are.
 */
export function redirectToLogin(reply: FastifyReply, back: string): FastifyReply {
  return reply.redirect(`/login?next=${encodeURIComponent(back).replaceAll('%2F', '/')}`, 303);
}
