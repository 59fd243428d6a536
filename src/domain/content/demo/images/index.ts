import { chartSvg, demoCharts, type ChartKey } from './charts.js';
import { demoIllustrations, mastheadSvg } from './illustrations.js';
import { hashText } from './svg.js';

export { DAILY_WINDOW_DAYS } from './charts.js';

/** One picture of the demo, ready to draw: its key, its words and its drawing at any width. */
export interface DemoPicture {
  /** `chart:<figure>`, `<section>-<n>` or `masthead`. */
  key: string;
  section: string | null;
  alt: string;
  caption: string;
  credit: string;
  svg: (width: number) => string;
  /** For a chart of daily figures: the days it covers. */
  covers?: { from: Date; to: Date };
}

/** Every picture the demo draws as of `now`: the charts, the section illustrations and the masthead. */
export function demoPictures(now: Date, publication: string): DemoPicture[] {
  const credit = `Graphic: ${publication} data desk`;
  return [
    ...demoCharts(now, publication).map((chart) => ({
      key: `chart:${chart.key}`,
      section: null,
      alt: chart.alt,
      caption: chart.caption,
      credit,
      svg: (width: number) => chartSvg(chart, width, publication),
      // From the start of the chart's first day (or month, or quarter) to the seeding moment.
      covers: { from: new Date(chart.from.getTime() - 43_200_000), to: now },
    })),
    ...demoIllustrations(publication),
    {
      key: 'masthead',
      section: null,
      alt: `The name ${publication} over bands of colour.`,
      caption: '',
      credit: `Graphic: ${publication}`,
      svg: (width: number) => mastheadSvg(publication, width),
    },
  ];
}

/** What the demo knows of a story when it picks its picture. */
export interface StoryFacts {
  slug: string;
  section: string;
  tags: readonly string[];
  headline: string;
  publishedAt: Date;
}

/** The chart of the figure a story reports (known by its section, tags and headline), if any. */
function chartFor(story: StoryFacts): ChartKey | null {
  const has = (...tags: string[]) => tags.some((t) => story.tags.includes(t));
  switch (story.section) {
    case 'markets':
      if (has('stock markets', 'Setu 50')) return 'index';
      if (/yield/i.test(story.headline)) return 'bond-yield';
      if (/rupee/i.test(story.headline)) return 'rupee';
      return null;
    case 'economy':
      if (has('central bank', 'interest rates', 'inflation')) return 'inflation-repo';
      return /^Economy grew/.test(story.headline) ? 'growth' : null;
    case 'world':
      return /^Brent/.test(story.headline) ? 'crude' : null;
    case 'markets-insight':
      return story.headline.includes('Setu 50') ? 'index' : null;
    default:
      return null;
  }
}

/**
 * The picture a story leads with, by key, or null for none (about one story in eight, so the site's default shows
 * on some cards). A chart when the story reports one of the charted figures and its day is on the chart; else one
 * of its section's illustrations.
 */
export function pictureFor(story: StoryFacts, pictures: readonly DemoPicture[]): string | null {
  const hash = hashText(story.slug);
  if (hash % 8 === 0) return null;
  const chart = chartFor(story);
  const drawn = chart ? pictures.find((p) => p.key === `chart:${chart}`) : undefined;
  // A chart only under stories of the days (months, quarters) it shows.
  if (drawn?.covers && story.publishedAt >= drawn.covers.from && story.publishedAt <= drawn.covers.to) return drawn.key;
  const own = pictures.filter((p) => p.section === story.section);
  return own.length > 0 ? own[(hash >>> 3) % own.length]!.key : null;
}
