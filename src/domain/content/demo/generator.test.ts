import { describe, expect, it } from 'vitest';
import { parseArticleInput, toImportRecord } from '../article-input.js';
import { parseProvenance, VISIBILITIES } from '../model.js';
import { DEMO_SECTIONS, generateDemoArticles } from './index.js';

const now = new Date('2025-03-14T10:20:00+05:30');
const DAY = 86_400_000;
const articles = generateDemoArticles({ now });
const sectionSlugs = new Set(DEMO_SECTIONS.map((s) => s.slug));
const texts = (a: (typeof articles)[number]) => [a.headline, a.standfirst, a.body, a.dateline ?? '', ...a.tags, ...a.authors];

describe('demo sections', () => {
  it('include the required sections, with Markets Insight on its own entitlement', () => {
    for (const slug of ['markets', 'economy', 'companies', 'politics', 'world', 'technology', 'opinion', 'markets-insight']) {
      expect(sectionSlugs.has(slug)).toBe(true);
    }
    const insight = DEMO_SECTIONS.find((s) => s.slug === 'markets-insight');
    expect(insight).toMatchObject({ name: 'Markets Insight', premiumEntitlement: 'markets' });
    expect(DEMO_SECTIONS.filter((s) => s !== insight).every((s) => s.premiumEntitlement === 'premium')).toBe(true);
    expect(new Set(DEMO_SECTIONS.map((s) => s.position)).size).toBe(DEMO_SECTIONS.length);
  });
});

describe('generateDemoArticles', () => {
  it('is deterministic for the same now', () => {
    expect(generateDemoArticles({ now: new Date(now) })).toEqual(articles);
  });

  it('varies with the seed', () => {
    const other = generateDemoArticles({ now, seed: 7, recent: 20, archive: 5 });
    expect(other.map((a) => a.slug)).not.toEqual(articles.slice(0, 25).map((a) => a.slug));
  });

  it('produces at least 300 articles in the last 30 days and an archive back to 1997', () => {
    const recent = articles.filter((a) => a.publishedAt.getTime() > now.getTime() - 30 * DAY);
    expect(recent.length).toBeGreaterThanOrEqual(300);
    expect(articles.every((a) => a.publishedAt.getTime() <= now.getTime())).toBe(true);
    const years = articles.map((a) => a.publishedAt.getUTCFullYear());
    expect(Math.min(...years)).toBe(1997);
    expect(articles.length).toBeGreaterThanOrEqual(540);
    const distinctDays = new Set(recent.map((a) => a.publishedAt.toISOString().slice(0, 10)));
    expect(distinctDays.size).toBeGreaterThanOrEqual(29);
  });

  it('keeps the recent articles inside the 30 days before any now, in daytime IST', () => {
    for (const iso of ['2024-01-01T00:05:00+05:30', '2024-07-15T03:00:00Z', '2026-12-31T23:59:00+05:30']) {
      const at = new Date(iso);
      const list = generateDemoArticles({ now: at, archive: 10 });
      expect(list.filter((a) => a.publishedAt.getTime() > at.getTime() - 30 * DAY)).toHaveLength(320);
      expect(list.every((a) => a.publishedAt <= at)).toBe(true);
      const istHours = list.map((a) => new Date(a.publishedAt.getTime() + 5.5 * 3_600_000).getUTCHours());
      expect(istHours.every((h) => h >= 6)).toBe(true);
    }
  });

  it('honours custom counts', () => {
    const small = generateDemoArticles({ now, recent: 12, archive: 3 });
    expect(small).toHaveLength(15);
    expect(small.filter((a) => a.publishedAt.getTime() > now.getTime() - 30 * DAY)).toHaveLength(12);
  });

  it('covers every section, visibility and provenance kind', () => {
    expect(new Set(articles.map((a) => a.section))).toEqual(sectionSlugs);
    expect(new Set(articles.map((a) => a.visibility))).toEqual(new Set(VISIBILITIES));
    expect(new Set(articles.map((a) => parseProvenance(a.provenance).kind))).toEqual(new Set(['staff', 'wire', 'partner']));
    const share = (pred: (a: (typeof articles)[number]) => boolean) => articles.filter(pred).length / articles.length;
    expect(share((a) => a.visibility === 'free')).toBeGreaterThan(0.15);
    expect(share((a) => a.visibility === 'metered')).toBeGreaterThan(0.45);
    expect(share((a) => a.provenance === 'staff')).toBeGreaterThan(0.55);
    expect(articles.some((a) => a.editorsPick)).toBe(true);
    expect(articles.some((a) => a.updatedAt !== null)).toBe(true);
  });

  it('makes every Markets Insight article premium', () => {
    const insight = articles.filter((a) => a.section === 'markets-insight');
    expect(insight.length).toBeGreaterThan(0);
    expect(insight.every((a) => a.visibility === 'premium')).toBe(true);
  });

  it('gives every article a unique slug', () => {
    expect(new Set(articles.map((a) => a.slug)).size).toBe(articles.length);
  });

  it('produces articles that pass parseArticleInput unchanged', () => {
    for (const article of articles) {
      const parsed = parseArticleInput(JSON.parse(JSON.stringify(toImportRecord(article))), sectionSlugs);
      expect(parsed, article.slug).toEqual({ ok: true, value: article });
    }
  });

  it('leaves no template placeholders in any text', () => {
    for (const article of articles) {
      for (const text of texts(article)) expect(text, article.slug).not.toMatch(/[{}]/);
    }
  });

  it('writes 5-9 paragraph Markdown bodies with some subheadings, lists and bold names', () => {
    for (const article of articles) {
      const paragraphs = article.body
        .split('\n\n')
        .filter((b) => !b.startsWith('## ') && !b.startsWith('- ') && !b.startsWith('**At a glance**'));
      expect(paragraphs.length, article.slug).toBeGreaterThanOrEqual(5);
      expect(paragraphs.length, article.slug).toBeLessThanOrEqual(9);
    }
    expect(articles.some((a) => a.body.includes('\n## '))).toBe(true);
    expect(articles.some((a) => a.body.includes('\n- '))).toBe(true);
    expect(articles.filter((a) => a.body.includes('**')).length).toBeGreaterThan(articles.length / 2);
  });

  it('uses desk bylines for wire copy and datelines except on opinion', () => {
    for (const article of articles) {
      if (article.provenance.startsWith('wire:')) expect(article.authors).toEqual([`${article.provenance.slice(5)} desk`]);
      expect(article.dateline === null).toBe(article.section === 'opinion');
      expect(article.leadImage).toBeNull();
    }
  });

  it('agrees with itself: one rupee, index close and bond yield a trading day, one repo rate between meetings', () => {
    const istDay = (a: (typeof articles)[number]) => new Date(a.publishedAt.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10);
    const figures = (pattern: RegExp, key: (a: (typeof articles)[number]) => string) => {
      const seen = new Map<string, Set<string>>();
      for (const article of articles) {
        for (const text of texts(article)) {
          for (const match of text.matchAll(pattern)) {
            const values = seen.get(key(article)) ?? new Set<string>();
            seen.set(key(article), values.add(match[1]!));
          }
        }
      }
      return seen;
    };
    const weekday = (a: (typeof articles)[number]) => {
      const day = new Date(a.publishedAt.getTime() + 5.5 * 3_600_000).getUTCDay();
      return day === 0 || day === 6 ? `weekend ${a.slug}` : istDay(a);
    };
    const rupee = figures(
      /rupee(?: settled at| ended at| closes at| firms to| weakens to| was little changed at|:) (\d\d\.\d\d)\b/gi,
      weekday,
    );
    const index = figures(/Setu 50 (?:ended at|close:) (\d[\d,]*\d)/g, weekday);
    const bonds = figures(/(?:yield|benchmark government bond)[^.%]*? (\d{1,2}\.\d\d)%/g, weekday);
    const repo = figures(/repo rate[^.]*? (\d\.\d\d)%/g, (a) => {
      const ist = new Date(a.publishedAt.getTime() + 5.5 * 3_600_000);
      return `${ist.getUTCFullYear()}-${Math.floor(ist.getUTCMonth() / 2)}`;
    });
    for (const [name, seen] of Object.entries({ rupee, index, bonds, repo })) {
      expect(seen.size, name).toBeGreaterThan(3);
      for (const [day, values] of seen) expect([...values], `${name} on ${day}`).toHaveLength(1);
    }
    // Within any week the rupee moves by paise, not rupees.
    const rates = [...rupee.entries()].filter(([day]) => !day.startsWith('weekend')).sort(([a], [b]) => a.localeCompare(b));
    for (let i = 1; i < rates.length; i++) {
      const gapDays = (Date.parse(rates[i]![0]) - Date.parse(rates[i - 1]![0])) / DAY;
      if (gapDays <= 7) expect(Math.abs(Number([...rates[i]![1]][0]) - Number([...rates[i - 1]![1]][0])), rates[i]![0]).toBeLessThan(1.5);
    }
  });

  it('reads like its year: the archive quotes the markets of its day and names nothing before its time', () => {
    // A large archive, so every kind of story turns up in every few years.
    const archive = generateDemoArticles({ now, recent: 0, archive: 3_000 });
    const yearOf = (a: (typeof articles)[number]) => new Date(a.publishedAt.getTime() + 5.5 * 3_600_000).getUTCFullYear();
    const quoted = (pattern: RegExp, from: number, to: number) =>
      archive
        .filter((a) => yearOf(a) >= from && yearOf(a) <= to)
        .flatMap((a) => [...texts(a).join('\n').matchAll(pattern)].map((m) => Number(m[1]!.replace(/,/g, ''))));
    const rupee = /rupee(?: settled at| ended at| closes at| firms to| weakens to| was little changed at|:) (\d\d\.\d\d)\b/gi;
    const brent = /Brent[^$]*?\$(\d+\.\d) a barrel/g;
    const bondYield = /(?:yield|benchmark government bond)[^.%]*? (\d{1,2}\.\d\d)%/g;
    const index = /Setu 50 (?:ended at|close:) (\d[\d,]*\d)/g;
    const range = (values: number[]) => {
      expect(values.length).toBeGreaterThan(5);
      return [Math.min(...values), Math.max(...values)];
    };
    // The rupee traded between 35 and 50 to the dollar until 2007, and above 70 since 2020.
    expect(range(quoted(rupee, 1997, 2007))[1]).toBeLessThan(51);
    expect(range(quoted(rupee, 2021, 2024))[0]).toBeGreaterThan(70);
    // Brent stayed under $40 a barrel until 2003 and above $40 from 2005 to 2014.
    expect(range(quoted(brent, 1997, 2003))[1]).toBeLessThan(40);
    expect(range(quoted(brent, 2005, 2014))[0]).toBeGreaterThan(40);
    // India's 10-year bond yielded above 10% in the late 1990s.
    expect(range(quoted(bondYield, 1997, 1999))[0]).toBeGreaterThan(10);
    // The (invented) index grows: its closes of the 2020s are several times those of 1997–2001.
    expect(range(quoted(index, 2021, 2024))[0]).toBeGreaterThan(3 * range(quoted(index, 1997, 2001))[1]!);

    const before = (year: number, pattern: RegExp) =>
      archive.filter((a) => yearOf(a) < year && texts(a).some((t) => pattern.test(t))).map((a) => `${yearOf(a)}: ${a.headline}`);
    expect(before(2014, /Telangana/)).toEqual([]);
    expect(before(2016, /monetary policy committee|Rate-setting panel|Committee vote/i)).toEqual([]);
    expect(before(2018, /\bAI\b/)).toEqual([]);
    expect(before(2008, /cloud|data centre/i)).toEqual([]);
    expect(before(2012, /fintech|edtech|agritech|healthtech|food delivery|green hydrogen|payment aggregators/i)).toEqual([]);
    // One governor at a time, and not the same one for thirty years.
    const governors = new Map<number, Set<string>>();
    for (const a of archive) {
      for (const m of texts(a)
        .join('\n')
        .matchAll(/Governor ([A-Z]\w+ [A-Z]\w+)/g)) {
        governors.set(yearOf(a), (governors.get(yearOf(a)) ?? new Set()).add(m[1]!));
      }
    }
    for (const [year, names] of governors) expect([...names], String(year)).toHaveLength(1);
    expect(new Set([...governors.values()].flatMap((names) => [...names])).size).toBeGreaterThan(3);
  });

  it('reads varied: headlines are mostly distinct', () => {
    expect(new Set(articles.map((a) => a.headline)).size).toBeGreaterThan(articles.length * 0.9);
  });
});
