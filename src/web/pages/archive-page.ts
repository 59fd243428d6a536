import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { cursorAfter, parseCursor } from '../../domain/content/model.js';
import { dayIn, dayOfDate, instantOfWallClock } from '../../domain/time/zoned.js';
import { HttpProblem } from '../http/errors.js';
import { publicPage } from '../http/security-headers.js';
import { archiveDayPage, archiveIndexPage, archivePeriodPage, type ArchivePeriod, type Crumb } from '../views/archive.js';
import { formatDayMonth, formatFullDate, formatMonthYear } from '../views/format.js';
import { pageChrome } from './chrome.js';

/** Stories on one page of a day. */
const DAY_PAGE = 50;
/** Earlier years "on this day" lists, and stories of each. */
const ON_THIS_DAY_YEARS = 10;
const ON_THIS_DAY_STORIES = 3;

const pad = (n: number) => String(n).padStart(2, '0');
const monthPath = (year: number, month: number) => `/archive/${year}/${pad(month)}`;
const dayPath = (date: string) => `/archive/${date.replaceAll('-', '/')}`;
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The archive, browsed by the day stories were published in the publisher's time zone: `/archive` (the years, and
 * "on this day"), `/archive/1997`, `/archive/1997/03`, `/archive/1997/03/14`. The pages list headlines, which every
 * reader may see; each story's page applies the archive rule of the access decision. Whether a month or a day has
 * stories is one probe of the publication-date index each (a cached one-row list), so a page costs the same at
 * any size of archive.
 */
export function archivePageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const zone = () => ctx.policy.timeZone;
  const common = () => ({ archiveAfterDays: ctx.policy.archiveAfterDays, publicUrl: ctx.config.publicUrl });
  const monthStart = (year: number, month: number) => new Date(instantOfWallClock(Date.UTC(year, month - 1, 1), zone()));

  /** The years with stories, newest first; a year outside them is not a page. */
  async function knownYear(text: string): Promise<{ year: number; years: number[] }> {
    const year = Number(text);
    const years = await ctx.content.sitemapYears();
    if (!years.includes(year)) throw new HttpProblem('not-found', `The archive has no stories from ${text}.`);
    return { year, years };
  }

  /** A month of a known year that has begun; the first and last months of the archive bound the pager. */
  function knownMonth(year: number, text: string) {
    const month = Number(text);
    if (month < 1 || month > 12 || monthStart(year, month) > ctx.now())
      throw new HttpProblem('not-found', 'That month is not in the archive.');
    return month;
  }

  app.get('/archive', async (request, reply) => {
    const years = await ctx.content.sitemapYears();
    const today = dayIn(ctx.now(), zone());
    const monthDay = today.date.slice(5);
    const onThisDay = [];
    for (const year of years) {
      if (onThisDay.length >= ON_THIS_DAY_YEARS) break;
      const day = year < Number(today.date.slice(0, 4)) ? dayOfDate(`${year}-${monthDay}`, zone()) : null;
      if (!day) continue; // This year itself, or 29 February in a year without one.
      const stories = await ctx.content.list({ since: day.start, until: day.end, limit: ON_THIS_DAY_STORIES });
      if (stories.length) onThisDay.push({ year, path: dayPath(day.date), stories });
    }
    publicPage(request, reply, 300);
    reply.type('text/html; charset=utf-8');
    return archiveIndexPage(await pageChrome(ctx, request), {
      ...common(),
      years,
      onThisDay,
      todayLabel: formatDayMonth(Number(monthDay.slice(0, 2)), Number(monthDay.slice(3)), ctx.site.language),
    });
  });

  app.get<{ Params: { year: string } }>(
    '/archive/:year',
    { schema: { params: Type.Object({ year: Type.String({ pattern: '^\\d{4}$' }) }) } },
    async (request, reply) => {
      const { year, years } = await knownYear(request.params.year);
      const months = Array.from({ length: 12 }, (_, i) => i + 1);
      const found = await ctx.content.periodsWithStories([...months.map((m) => monthStart(year, m)), monthStart(year + 1, 1)]);
      const periods: ArchivePeriod[] = months.map((month, i) => ({
        label: formatMonthYear(year, month, ctx.site.language).replace(` ${year}`, ''),
        path: monthPath(year, month),
        hasStories: found[i] === true,
      }));
      const at = years.indexOf(year);
      const neighbour = (y: number | undefined): Crumb | null => (y === undefined ? null : { label: String(y), path: `/archive/${y}` });
      publicPage(request, reply, 300);
      reply.type('text/html; charset=utf-8');
      return archivePeriodPage(await pageChrome(ctx, request), {
        ...common(),
        title: String(year),
        kind: 'months',
        crumbs: [
          { label: 'Archive', path: '/archive' },
          { label: String(year), path: `/archive/${year}` },
        ],
        periods,
        // The years are newest first: the one before this in time comes after it in the list.
        previous: neighbour(years[at + 1]),
        next: neighbour(at > 0 ? years[at - 1] : undefined),
      });
    },
  );

  app.get<{ Params: { year: string; month: string } }>(
    '/archive/:year/:month',
    { schema: { params: Type.Object({ year: Type.String({ pattern: '^\\d{4}$' }), month: Type.String({ pattern: '^\\d{2}$' }) }) } },
    async (request, reply) => {
      const { year } = await knownYear(request.params.year);
      const month = knownMonth(year, request.params.month);
      const days = Array.from({ length: daysIn(year, month) }, (_, i) => dayOfDate(`${year}-${pad(month)}-${pad(i + 1)}`, zone())).filter(
        (day) => day !== null,
      );
      const bounds = [...days.map((day) => day.start), ...days.slice(-1).map((day) => day.end)];
      const [found, around] = await Promise.all([
        ctx.content.periodsWithStories(bounds),
        ctx.content.storiesAround(bounds[0] ?? monthStart(year, month), bounds.at(-1) ?? monthStart(year, month)),
      ]);
      const periods: ArchivePeriod[] = days.map((day, i) => ({
        label: String(Number(day.date.slice(8))),
        path: dayPath(day.date),
        hasStories: found[i] === true,
      }));
      const title = formatMonthYear(year, month, ctx.site.language);
      const neighbour = (at: Date | null): Crumb | null => {
        if (!at) return null;
        const date = dayIn(at, zone()).date;
        const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
        return { label: formatMonthYear(y, m, ctx.site.language), path: monthPath(y, m) };
      };
      publicPage(request, reply, 300);
      reply.type('text/html; charset=utf-8');
      return archivePeriodPage(await pageChrome(ctx, request), {
        ...common(),
        title,
        kind: 'days',
        crumbs: [
          { label: 'Archive', path: '/archive' },
          { label: String(year), path: `/archive/${year}` },
          { label: title, path: monthPath(year, month) },
        ],
        periods,
        // The nearest months with stories, skipping the empty ones between.
        previous: neighbour(around.before),
        next: neighbour(around.after),
      });
    },
  );

  app.get<{ Params: { year: string; month: string; day: string }; Querystring: { before?: string } }>(
    '/archive/:year/:month/:day',
    {
      schema: {
        params: Type.Object({
          year: Type.String({ pattern: '^\\d{4}$' }),
          month: Type.String({ pattern: '^\\d{2}$' }),
          day: Type.String({ pattern: '^\\d{2}$' }),
        }),
        querystring: Type.Object({ before: Type.Optional(Type.String({ pattern: '^\\d{1,15}\\.[1-9]\\d{0,9}$' })) }),
      },
    },
    async (request, reply) => {
      const { year } = await knownYear(request.params.year);
      const month = knownMonth(year, request.params.month);
      const day = dayOfDate(`${year}-${pad(month)}-${request.params.day}`, zone());
      if (!day || day.start > ctx.now()) throw new HttpProblem('not-found', 'That day is not in the archive.');
      const before = request.query.before ? parseCursor(request.query.before) : null;
      if (request.query.before && !before) throw new HttpProblem('invalid-input', 'That page of the day does not exist.');
      const [found, around] = await Promise.all([
        ctx.content.list({ since: day.start, until: day.end, before: before ?? undefined, limit: DAY_PAGE + 1 }),
        ctx.content.storiesAround(day.start, day.end),
      ]);
      const stories = found.slice(0, DAY_PAGE);
      const last = stories.at(-1);
      const language = ctx.site.language;
      const neighbour = (at: Date | null): Crumb | null =>
        at ? { label: formatFullDate(at, zone(), language), path: dayPath(dayIn(at, zone()).date) } : null;
      publicPage(request, reply, 300);
      reply.type('text/html; charset=utf-8');
      return archiveDayPage(await pageChrome(ctx, request), {
        ...common(),
        title: formatFullDate(day.start, zone(), language),
        crumbs: [
          { label: 'Archive', path: '/archive' },
          { label: String(year), path: `/archive/${year}` },
          { label: formatMonthYear(year, month, language), path: monthPath(year, month) },
          { label: String(Number(request.params.day)), path: dayPath(day.date) },
        ],
        stories,
        before: request.query.before ?? null,
        older: found.length > DAY_PAGE && last ? cursorAfter(last) : null,
        // The nearest days with stories, skipping the empty ones between.
        previous: neighbour(around.before),
        next: neighbour(around.after),
        timeZone: zone(),
      });
    },
  );
}
