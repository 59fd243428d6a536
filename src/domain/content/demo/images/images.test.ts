import { describe, expect, it } from 'vitest';
import { generateDemoArticles } from '../generator.js';
import { chartSvg, demoCharts } from './charts.js';
import { demoPictures, pictureFor } from './index.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const PUBLICATION = 'The Daily Ledger';

describe('the demo’s pictures', () => {
  const pictures = demoPictures(NOW, PUBLICATION);
  const articles = generateDemoArticles({ now: NOW });
  const chosen = articles.map((a) => ({ article: a, key: pictureFor(a, pictures) }));

  it('put a chart under a story only when the chart shows the figure its headline quotes', () => {
    const charts = new Map(demoCharts(NOW, PUBLICATION).map((c) => [`chart:${c.key}`, c]));
    const quoted: Record<string, RegExp> = {
      'chart:index': /at ([\d,]{5,})/,
      'chart:rupee': /(?:at|to) (\d{2}\.\d{2})/,
      'chart:bond-yield': /(\d\.\d{2})%/,
      'chart:crude': /\$(\d+\.\d)/,
      'chart:inflation-repo': /(\d\.\d{2})%/,
    };
    let checked = 0;
    for (const { article, key } of chosen) {
      const chart = key ? charts.get(key) : undefined;
      if (!chart || !key) continue;
      const figure = quoted[key]?.exec(article.headline)?.[1];
      if (figure === undefined) continue;
      const shown = [...chart.points, ...(chart.steps ?? [])].map((p) => p.value);
      expect(shown, `${article.headline} under ${key}`).toContain(Number(figure.replace(/,/g, '')));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('give most stories a picture, vary them within a section, and leave some without (they show the default)', () => {
    const withPicture = chosen.filter((c) => c.key !== null).length;
    expect(withPicture / articles.length).toBeGreaterThan(0.8);
    expect(withPicture).toBeLessThan(articles.length);
    const companies = new Set(chosen.filter((c) => c.article.section === 'companies').map((c) => c.key));
    expect(companies.size).toBeGreaterThanOrEqual(3);
    expect(new Set(chosen.map((c) => c.key)).size).toBeGreaterThanOrEqual(15);
  });

  it('draw the same picture every time, with words for readers who cannot see it', () => {
    const again = demoPictures(NOW, PUBLICATION);
    for (const [i, picture] of pictures.entries()) {
      expect(again[i]?.svg(640)).toBe(picture.svg(640));
      expect(picture.alt.length).toBeGreaterThan(20);
      expect(picture.credit).toContain(PUBLICATION);
    }
  });

  it('label a chart’s axes and title it, with text escaped for the SVG', () => {
    const [index] = demoCharts(NOW, 'Ledger & <Sons>');
    const svg = chartSvg(index!, 640, 'Ledger & <Sons>');
    expect(svg).toContain('Setu 50: daily close');
    expect(svg).toContain('index points');
    expect(svg).toContain('24 Nov');
    expect(svg).toContain('Ledger &amp; &lt;Sons&gt; data desk');
    expect(svg).toMatch(/^<svg [^>]*width="640" height="360"/);
  });
});
