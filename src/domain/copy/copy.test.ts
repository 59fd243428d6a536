import { describe, expect, it } from 'vitest';
import { DEFAULT_COPY } from './catalog.js';
import { checkTemplate, CopyError, loadCopy, validateMessage } from './copy.js';

describe('reader-facing copy', () => {
  const copy = loadCopy();

  it('fills the paywall limit', () => {
    expect(copy.render('paywall.meter_exhausted', { free_limit: 10 })).toBe("You've reached your limit of 10 free articles this month.");
  });

  it('says how many free articles are left, in words a reader expects', () => {
    expect(copy.render('meter.remaining', { left: 1 })).toBe('You have 1 free article left this month.');
    expect(copy.render('meter.remaining', { left: 7 })).toBe('You have 7 free articles left this month.');
    expect(copy.render('meter.remaining', { left: 0 })).toBe('This is your last free article this month.');
  });

  it('refuses the {{free_limit}} placeholder that leaked on the real site', () => {
    expect(() => loadCopy({ 'paywall.meter_exhausted': "You've reached your limit of {{free_limit}} free articles" })).toThrow(CopyError);
  });

  it('refuses a message that uses an unknown variable', () => {
    expect(() => loadCopy({ 'paywall.subscribe_pitch': 'Only {price} today' })).toThrow(/\{price\} is not a variable here/);
    expect(() => validateMessage('x', { text: '{n, plural, one {# {thing}} other {#}}', vars: ['n'] })).toThrow(/thing/);
  });

  it('refuses an override for a message that does not exist', () => {
    expect(() => loadCopy({ 'no.such': 'x' } as never)).toThrow(/not a known message/);
  });

  it('refuses to render with a variable left unfilled', () => {
    expect(() => (copy.render as (k: string, v: object) => string)('paywall.meter_exhausted', {})).toThrow(/not filled/);
  });

  it('names the problem of a template: a near miss, a missing required variable, bad syntax', () => {
    const definition = { text: '', vars: ['free_limit'], required: ['free_limit'] };
    const problem = (text: string) => {
      const checked = checkTemplate({ ...definition, text });
      return checked.ok ? null : checked.problem.message;
    };
    expect(problem('{freelimit} left')).toBe('{freelimit} is not a variable here: use {free_limit}');
    expect(problem('{price} left')).toBe('{price} is not a variable here: this message may use {free_limit}');
    expect(problem('None left')).toBe('{free_limit} is missing: this message must say it');
    expect(problem('Left: {free_limit')).toMatch(/^The template does not parse: a \{ is not closed with \}/);
    expect(problem('{free_limit} left')).toBeNull();
  });

  it('reads right with any publication name: never "a/the/no/your {publication}"', () => {
    for (const [key, { text }] of Object.entries(DEFAULT_COPY)) {
      expect(text, key).not.toMatch(/\b(a|an|the|no|your) \{publication\}/i);
    }
    const wire = copy.render('article.wire_disclaimer', { publication: 'The Hindu' });
    expect(wire).toBe('Disclaimer: No journalist from The Hindu was involved in the creation of this content.');
  });
});
