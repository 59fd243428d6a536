import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { form, nextPath, safeNext } from '../http/forms.js';

/**
 * The story that sent a reader to the plans. The paywall links to `/plans?from=<story>`, the plans link to
 * `/subscribe/<plan>?from=<story>`, and the checkout page keeps it in a cookie scoped to `/subscribe`: it
 * survives signing in (the plan's address, query and all, is the `next` of the sign-in) and the round trip
 * through the gateway's hosted page, so the "you're subscribed" page leads back to the story.
 * Only a same-site path is ever kept (`nextPath`), so the link cannot lead off the site.
 */
export const FromQuery = form({ from: nextPath() });

const COOKIE = 'mh_return';
const DAY_SECONDS = 24 * 3600;
const cookieOptions = (ctx: AppContext) => ({
  path: '/subscribe',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: ctx.config.publicUrl.startsWith('https:'),
});

/** `?from=<story>` for a link onwards, or '' when there is no story to come back to. */
export const fromQuery = (from: string): string => (from !== '/' ? `?from=${encodeURIComponent(from)}` : '');

/** Keeps the story for the end of this checkout (a day, longer than any checkout stays open). */
export function rememberStory(ctx: AppContext, reply: FastifyReply, from: string): void {
  if (from !== '/') reply.setCookie(COOKIE, from, { ...cookieOptions(ctx), maxAge: DAY_SECONDS });
}

/** The story to go back to once subscribed, forgotten as it is read; null when the reader came from none. */
export function takeStory(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): string | null {
  const raw = request.cookies[COOKIE];
  if (raw === undefined) return null;
  reply.clearCookie(COOKIE, cookieOptions(ctx));
  const story = safeNext(raw);
  return story === '/' ? null : story;
}
