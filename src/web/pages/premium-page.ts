import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { dayIn, dayOfDate } from '../../domain/time/zoned.js';
import { HttpProblem } from '../http/errors.js';
import { publicPage } from '../http/security-headers.js';
import { premiumDayPage } from '../views/premium.js';
import { pageChrome } from './chrome.js';

/** At most this many of a day's premium stories are listed (a promise of 30+ a day fits with room to spare). */
export const PREMIUM_DAY_CAP = 100;

/**
 * `/premium`: today's premium stories in the publisher's time zone, newest first; `?day=YYYY-MM-DD` for an earlier
 * day. A day with none yet points to the newest premium stories before it.
 */
export function premiumPageRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { day?: string } }>(
    '/premium',
    { schema: { querystring: Type.Object({ day: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }) } },
    async (request, reply) => {
      const zone = ctx.policy.timeZone;
      const today = dayIn(ctx.now(), zone);
      const day = request.query.day === undefined ? today : dayOfDate(request.query.day, zone);
      if (!day) throw new HttpProblem('invalid-input', 'That date does not exist.');
      if (day.date > today.date) throw new HttpProblem('not-found', 'That day has not come yet.');
      // One more than the page lists shows whether the day had more.
      const found = await ctx.content.list({ visibility: 'premium', since: day.start, until: day.end, limit: PREMIUM_DAY_CAP + 1 });
      const stories = found.slice(0, PREMIUM_DAY_CAP);
      const [before] = stories.length ? [] : await ctx.content.list({ visibility: 'premium', until: day.start, limit: 1 });
      const latestDay = before ? dayIn(before.publishedAt, zone) : null;
      publicPage(request, reply, 60);
      reply.type('text/html; charset=utf-8');
      return premiumDayPage(await pageChrome(ctx, request), {
        day,
        isToday: day.date === today.date,
        stories,
        capped: found.length > PREMIUM_DAY_CAP,
        latest:
          before && latestDay
            ? { date: latestDay.date, publishedAt: before.publishedAt, dayBefore: latestDay.end.getTime() === day.start.getTime() }
            : null,
        promised: ctx.site.premiumPromisedDaily,
        timeZone: zone,
        publicUrl: ctx.config.publicUrl,
      });
    },
  );
}
