import type { ArticleInput } from '../article-input.js';
import type { Visibility } from '../model.js';
import { buildContext, companiesFor, fill, istYear, personName, type StoryContext } from './context.js';
import { createRng, type Rng } from './prng.js';
import { SECTION_WEIGHTS } from './sections.js';
import { BUSINESS_STORIES } from './stories-business.js';
import { PUBLIC_STORIES } from './stories-public.js';
import {
  COLUMNISTS,
  GENERIC_BULLETS,
  GENERIC_PARAGRAPHS,
  GENERIC_SUBHEADS,
  PARTNERS,
  WIRE_AGENCIES,
  ofItsTime,
  type StoryKind,
} from './word-bank.js';

/** Options for `generateDemoArticles`. */
export interface DemoOptions {
  /** Reference time: recent articles fall in the 30 days before it, the archive ends 32 days before it. */
  now: Date;
  /** Seed for the text; the same seed gives the same articles (dates move with `now`). */
  seed?: number;
  /** Articles in the last 30 days (default 320). */
  recent?: number;
  /** Articles from 1997-01-01 to 32 days before `now`, a few per year (default 240). */
  archive?: number;
}

const DEFAULT_SEED = 0x6d617374;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const IST_OFFSET_MS = 5.5 * HOUR;
const ARCHIVE_START = Date.UTC(1997, 0, 1) - IST_OFFSET_MS;
const STORIES = [...BUSINESS_STORIES, ...PUBLIC_STORIES];
/** Sections whose stories are always staff-written (columns and in-house analysis). */
const STAFF_ONLY = new Set(['opinion', 'markets-insight']);

/**
 * Generates original, invented demo articles (no real publication's text), deterministically: the same
 * options always give the same output. Returns newest first; every article passes `parseArticleInput`
 * against `DEMO_SECTIONS`. Visibility is about 25% free, 55% metered, 20% premium (Markets Insight always
 * premium); provenance about 65% staff, 25% `wire:`, 10% `partner:`; about 5% of recent articles are
 * editors' picks.
 */
export function generateDemoArticles(options: DemoOptions): ArticleInput[] {
  const now = options.now.getTime();
  if (Number.isNaN(now)) throw new Error('generateDemoArticles: "now" is not a valid date');
  const seed = options.seed ?? DEFAULT_SEED;
  const run: RunState = { staff: staffRoster(createRng(seed ^ 0x2545f491)), slugs: new Set(), headlines: new Set() };

  const recentRng = createRng(seed);
  const recent = spread(recentRng, options.recent ?? 320, now - 29.5 * DAY, now - 5 * MINUTE, now - 30 * DAY);
  const archiveRng = createRng(seed ^ 0x5bd1e995);
  const archive = spread(archiveRng, options.archive ?? 240, ARCHIVE_START, now - 32 * DAY, ARCHIVE_START);

  const articles = [
    ...recent.map((at) => makeArticle(recentRng, at, now, true, run)),
    ...archive.map((at) => makeArticle(archiveRng, at, now, false, run)),
  ];
  return articles.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
}

/**
 * `count` publication times spread evenly (with jitter) over [from, to], whole minutes, moved out of the
 * small hours (IST) into the previous evening or, if that would go before `floor`, the same morning.
 */
function spread(rng: Rng, count: number, from: number, to: number, floor: number): Date[] {
  const span = Math.max(0, to - from);
  return Array.from({ length: count }, (_, i) => {
    let t = to - ((i + rng.next()) / Math.max(count, 1)) * span;
    const istHour = ((((t + IST_OFFSET_MS) % DAY) + DAY) % DAY) / HOUR;
    if (istHour < 6) t = t - 7 * HOUR >= floor ? t - 7 * HOUR : t + 6 * HOUR;
    return new Date(Math.floor(t / MINUTE) * MINUTE);
  });
}

function staffRoster(rng: Rng): string[] {
  const names = new Set<string>(COLUMNISTS);
  return Array.from({ length: 24 }, () => personName(rng, names));
}

function weightedSection(rng: Rng): string {
  const entries = Object.entries(SECTION_WEIGHTS);
  let roll = rng.next() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [section, weight] of entries) {
    roll -= weight;
    if (roll < 0) return section;
  }
  return entries[0]![0];
}

/** What one run shares between articles: the staff roster and the slugs and headlines already used. */
interface RunState {
  staff: string[];
  slugs: Set<string>;
  headlines: Set<string>;
}

function makeArticle(rng: Rng, at: Date, now: number, recent: boolean, run: RunState): ArticleInput {
  const section = weightedSection(rng);
  const year = istYear(at);
  const kind = rng.pick(
    STORIES.filter((story) => story.section === section && ofItsTime(story, year) && companiesFor(story, year).length > 0),
  );
  // Redraw the story's facts a few times rather than repeat a headline already used.
  let ctx = buildContext(rng, kind, at);
  let headline = fill(rng.pick(kind.headlines), ctx);
  for (let attempt = 0; attempt < 12 && run.headlines.has(headline); attempt++) {
    ctx = buildContext(rng, kind, at);
    headline = fill(rng.pick(kind.headlines), ctx);
  }
  run.headlines.add(headline);

  // Shares chosen so the totals land near 65/25/10 and 25/55/20 once the forced sections are counted.
  const roll = rng.next();
  const provenance =
    STAFF_ONLY.has(section) || roll < 0.5625 ? 'staff' : roll < 0.875 ? `wire:${rng.pick(WIRE_AGENCIES)}` : `partner:${rng.pick(PARTNERS)}`;
  const visRoll = rng.next();
  const visibility: Visibility =
    section === 'markets-insight' ? 'premium' : visRoll < 0.284 ? 'free' : visRoll < 0.909 ? 'metered' : 'premium';

  const authors =
    section === 'opinion'
      ? [rng.pick(COLUMNISTS)]
      : provenance === 'staff'
        ? rng.sample(run.staff, rng.chance(0.25) ? 2 : 1)
        : [`${provenance.slice(provenance.indexOf(':') + 1)} ${provenance.startsWith('wire:') ? 'desk' : 'correspondent'}`];
  const standfirst = fill(rng.pick(kind.standfirsts), ctx);
  const body = buildBody(rng, kind, ctx);
  // The featured companies become tags only when the story names them.
  const named = [ctx.company!, ctx.company2!].filter((name) => headline.includes(name) || body.includes(name));
  const sectorTag = named.includes(ctx.company!) ? [ctx.sector!] : [];
  const updated = rng.chance(0.15) ? at.getTime() + rng.int(20, 600) * MINUTE : null;

  return {
    slug: uniqueSlug(rng, headline, run.slugs),
    headline,
    standfirst,
    body,
    section,
    tags: [...new Set([...rng.sample(kind.tags, rng.int(1, kind.tags.length)), ...named, ...sectorTag])],
    authors,
    dateline: section === 'opinion' ? null : ctx.city!,
    visibility,
    provenance,
    publishedAt: at,
    updatedAt: updated !== null && updated < now ? new Date(updated) : null,
    leadImage: null,
    editorsPick: recent && rng.chance(0.05),
  };
}

/** 5–9 paragraphs: the kind's lead, some of its other paragraphs in order, generic ones mixed in,
 *  sometimes a `##` subheading and an "At a glance" bullet list (never among the first three blocks). */
function buildBody(rng: Rng, kind: StoryKind, ctx: StoryContext): string {
  const target = rng.int(5, 9);
  const own = kind.paragraphs;
  const pool = kind.generic === false ? [] : GENERIC_PARAGRAPHS;
  const genericCount = Math.min(pool.length, Math.max(target - own.length, rng.int(1, 2)));
  const ownCount = Math.min(own.length - 1, target - 1 - genericCount);
  const picked = rng
    .sample(
      own.slice(1).map((_, i) => i + 1),
      ownCount,
    )
    .sort((a, b) => a - b);
  const paragraphs = [own[0]!, ...picked.map((i) => own[i]!)];
  for (const extra of rng.sample(pool, genericCount)) paragraphs.splice(rng.int(1, paragraphs.length), 0, extra);

  const blocks = paragraphs.map((p) => fill(p, ctx));
  if (rng.chance(0.5)) {
    blocks.splice(Math.ceil(blocks.length / 2), 0, `## ${fill(rng.pick([...kind.subheads, ...GENERIC_SUBHEADS]), ctx)}`);
  }
  if (kind.section !== 'opinion' && rng.chance(0.2)) {
    const bullets = rng.sample(kind.bullets ?? GENERIC_BULLETS, rng.int(3, 4)).map((b) => `- ${fill(b, ctx)}`);
    blocks.splice(rng.int(3, blocks.length - 1), 0, `**At a glance**\n\n${bullets.join('\n')}`);
  }
  return blocks.join('\n\n');
}

/** Lowercase hyphenated headline (at most 80 chars, cut at a word) plus a 4-character suffix. */
function uniqueSlug(rng: Rng, headline: string, taken: Set<string>): string {
  const base = headline
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = base.length <= 80 ? base : base.slice(0, 81).replace(/-[^-]*$/, '');
  for (;;) {
    const slug = `${cut || 'story'}-${rng
      .int(0, 36 ** 4 - 1)
      .toString(36)
      .padStart(4, '0')}`;
    if (!taken.has(slug)) {
      taken.add(slug);
      return slug;
    }
  }
}
