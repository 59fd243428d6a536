import { describe, expect, it } from 'vitest';
import { countingTokens, siteTarget, trackingFor, trackLinks } from './counting.js';

const KEY = Buffer.alloc(32, 7);
const SITE = 'https://news.example';

describe('newsletter counting', () => {
  it('routes only addresses on the site itself through the counter', () => {
    expect(siteTarget('https://news.example/article/a?x=1', SITE)).toBe('https://news.example/article/a?x=1');
    for (const other of [
      'https://news.example.evil.example/article/a',
      'https://news.example@evil.example/',
      'https://user:pw@news.example/article/a',
      'http://news.example/article/a',
      '//evil.example/',
      'javascript:alert(1)',
      'not a url',
      `https://news.example/${'a'.repeat(2001)}`,
    ])
      expect(siteTarget(other, SITE), other).toBeNull();
  });

  it('rewrites links to the site in HTML, keeps the others, and signs each for its issue and address only', () => {
    const tracking = trackingFor(KEY, SITE, 12);
    const out = trackLinks(
      '<p><a href="https://news.example/section/x?a=1&amp;b=2">x</a> <a data-href="https://news.example/y" href="https://other.example/">o</a></p>',
      tracking,
    );
    const [first, second] = [...out.matchAll(/ href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const url = new URL(first!);
    expect(url.origin + url.pathname).toBe('https://news.example/newsletters/c/12');
    expect(url.searchParams.get('u')).toBe('https://news.example/section/x?a=1&b=2');
    expect(countingTokens.checkClick(KEY, 12, url.searchParams.get('u')!, url.searchParams.get('s')!)).toBe(true);
    expect(countingTokens.checkClick(KEY, 13, url.searchParams.get('u')!, url.searchParams.get('s')!)).toBe(false);
    expect(countingTokens.checkClick(KEY, 12, 'https://news.example/section/y', url.searchParams.get('s')!)).toBe(false);
    expect(second).toBe('https://other.example/');
    expect(out).toContain('data-href="https://news.example/y"');
  });
});
