import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkEmail,
  checkGrievanceOfficer,
  checkImageAddress,
  checkLanguage,
  checkPhone,
  checkPremiumPromise,
  checkSocialLinks,
  checkTimeZone,
} from './site-rules.js';

describe('settings checks', () => {
  it('takes the premium stories promised a day as a whole number, empty for no promise', () => {
    expect(checkPremiumPromise(' 30 ')).toEqual({ ok: true, value: 30 });
    expect(checkPremiumPromise('0')).toEqual({ ok: true, value: 0 });
    expect(checkPremiumPromise('')).toEqual({ ok: true, value: 0 });
    for (const typed of ['2.5', '-3', 'thirty', '1e2', '30+', '1001'])
      expect(checkPremiumPromise(typed), typed).toEqual({
        ok: false,
        error: 'Enter a whole number of stories from 0 to 1,000, such as 30; 0 for no promise.',
      });
  });

  it('takes IANA time zone names, or nothing for the configured default, and refuses the rest', () => {
    expect(checkTimeZone(' Asia/Kolkata ')).toEqual({ ok: true, value: 'Asia/Kolkata' });
    expect(checkTimeZone('America/Argentina/Buenos_Aires')).toEqual({ ok: true, value: 'America/Argentina/Buenos_Aires' });
    expect(checkTimeZone('UTC')).toEqual({ ok: true, value: 'UTC' });
    expect(checkTimeZone('')).toEqual({ ok: true, value: '' });
    expect(checkTimeZone('Asia/Atlantis')).toEqual({
      ok: false,
      error: 'Asia/Atlantis is not a time zone this server knows. Use a name such as Asia/Kolkata.',
    });
    // Offsets know nothing of daylight saving: a name is required.
    expect(checkTimeZone('+05:30').ok).toBe(false);
    expect(checkTimeZone('../../etc/passwd').ok).toBe(false);
  });

  it('takes BCP 47 language tags in their canonical form', () => {
    expect(checkLanguage('en-in')).toEqual({ ok: true, value: 'en-IN' });
    expect(checkLanguage('hi')).toEqual({ ok: true, value: 'hi' });
    expect(checkLanguage('ta-Taml-IN')).toEqual({ ok: true, value: 'ta-Taml-IN' });
    expect(checkLanguage('english').ok).toBe(false);
    expect(checkLanguage('en_IN').ok).toBe(false);
    expect(checkLanguage('x-private').ok).toBe(false);
    expect(checkLanguage('')).toEqual({ ok: false, error: 'Enter the language, such as en-IN or hi-IN.' });
  });

  it('takes an image at an https address or a path on this site, and nothing that could run or leave the site', () => {
    expect(checkImageAddress('https://cdn.example/logo.svg')).toEqual({ ok: true, value: 'https://cdn.example/logo.svg' });
    expect(checkImageAddress('/media/logo.png')).toEqual({ ok: true, value: '/media/logo.png' });
    expect(checkImageAddress('')).toEqual({ ok: true, value: '' });
    for (const bad of [
      'http://cdn.example/logo.png',
      'javascript:alert(1)',
      '//evil.example/x.png',
      'data:image/png;base64,AA',
      '/a b.png',
      'https://user:pw@cdn.example/x.png',
      '/\\evil',
    ])
      expect(checkImageAddress(bad).ok, bad).toBe(false);
  });

  it('checks emails, telephone numbers, addresses and social links', () => {
    expect(checkEmail('desk@ledger.test')).toEqual({ ok: true, value: 'desk@ledger.test' });
    expect(checkEmail('desk@ledger')).toEqual({ ok: false, error: 'desk@ledger is not an email address.' });
    expect(checkEmail('', true)).toEqual({ ok: false, error: 'Enter an email address.' });
    expect(checkPhone(' +91  80 4000-1234 ')).toEqual({ ok: true, value: '+91 80 4000-1234' });
    expect(checkPhone('call me').ok).toBe(false);
    expect(checkPhone('12345').ok).toBe(false);
    expect(checkAddress('  Line one \n\n Line two ')).toEqual({ ok: true, value: 'Line one\nLine two' });
    expect(checkAddress('1\n2\n3\n4\n5\n6\n7').ok).toBe(false);
    expect(checkSocialLinks('https://x.com/ledger\r\n\r\nhttps://www.instagram.com/ledger')).toEqual({
      ok: true,
      value: ['https://x.com/ledger', 'https://www.instagram.com/ledger'],
    });
    expect(checkSocialLinks('x.com/ledger')).toEqual({ ok: false, error: 'x.com/ledger is not an https:// address.' });
  });

  it('requires every detail of the grievance officer, and a decision within 15 days', () => {
    const officer = {
      name: 'K. Rao',
      designation: 'Grievance Officer',
      email: 'g@ledger.test',
      phone: '+91 80 4000 1234',
      address: '2 Road\nCity',
      responseDays: '15',
    };
    expect(checkGrievanceOfficer(officer)).toEqual({ ok: true, value: { ...officer, responseDays: 15 } });
    const empty = checkGrievanceOfficer({ name: '', designation: '', email: '', phone: '', address: '', responseDays: '16' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(Object.keys(empty.errors).sort()).toEqual(['address', 'designation', 'email', 'name', 'phone', 'responseDays']);
    expect(checkGrievanceOfficer({ ...officer, responseDays: '0' }).ok).toBe(false);
  });
});
