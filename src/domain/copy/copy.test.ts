import { describe, expect, it } from 'vitest';
import { CopyError, loadCopy, validateMessage } from './copy.js';

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
});
