import escapeHtml from 'escape-html';
import { describe, expect, it } from 'vitest';
import { renderEmail } from './email-layout.js';

const signIn = {
  publication: 'The Daily Masthead',
  preheader: 'Your sign-in link',
  paragraphs: ['Someone asked to sign in as you.', 'If it was not you, ignore this email.'],
  action: { label: 'Sign in', url: 'https://news.example.test/sign-in?token=abc&next=%2F' },
  code: '482913',
  footer: 'You received this because you asked to sign in.',
};

describe('renderEmail', () => {
  it('escapes markup in the HTML body and keeps it verbatim in the text body', () => {
    const { text, html } = renderEmail({ ...signIn, paragraphs: ['Hello <script>alert("x")</script> & bye'] });
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; bye');
    expect(text).toContain('Hello <script>alert("x")</script> & bye');
  });

  it('escapes every interpolated string, not only paragraphs', () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const { html } = renderEmail({
      publication: evil,
      preheader: evil,
      paragraphs: [evil],
      action: { label: evil, url: `https://example.test/${evil}` },
      code: evil,
      footer: evil,
      lang: evil,
    });
    expect(html).not.toContain('<img');
    // Every occurrence must be the escaped form: once those are removed, nothing of the payload is left.
    expect(html).toContain(escapeHtml(evil));
    expect(html.replaceAll(escapeHtml(evil), '')).not.toContain('onerror');
  });

  it('puts the action in both bodies: a link in HTML, "label: url" in text', () => {
    const { text, html } = renderEmail(signIn);
    expect(html).toContain('href="https://news.example.test/sign-in?token=abc&amp;next=%2F"');
    expect(html).toContain('>Sign in</a>');
    expect(text).toContain('Sign in: https://news.example.test/sign-in?token=abc&next=%2F');
  });

  it('gives the code a line of its own in the text body and carries the same content in both', () => {
    const { text, html } = renderEmail(signIn);
    expect(text.split('\n')).toContain('482913');
    expect(html).toContain('>482913</p>');
    for (const paragraph of signIn.paragraphs) {
      expect(text).toContain(paragraph);
      expect(html).toContain(paragraph);
    }
    expect(text.startsWith('The Daily Masthead\n')).toBe(true);
    expect(text).toContain(signIn.footer);
    // The preheader only feeds the inbox preview; it is hidden in HTML and left out of text.
    expect(html).toMatch(/display:none[^>]*>Your sign-in link</);
    expect(text).not.toContain('Your sign-in link');
  });

  it('keeps line breaks inside a paragraph', () => {
    const { text, html } = renderEmail({ publication: 'P', paragraphs: ['one\ntwo'] });
    expect(html).toContain('one<br>two');
    expect(text).toContain('one\ntwo');
  });

  it('refuses action links that are not http(s) or mailto', () => {
    expect(() => renderEmail({ ...signIn, action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(/http/);
    expect(() => renderEmail({ ...signIn, action: { label: 'x', url: 'mailto:desk@example.test' } })).not.toThrow();
  });

  it('is a table-free, titled, language-tagged document', () => {
    const { html } = renderEmail(signIn);
    expect(html).not.toMatch(/<table/i);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>The Daily Masthead</title>');
  });
});
