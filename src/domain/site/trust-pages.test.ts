import { describe, expect, it } from 'vitest';
import { renderBody } from '../content/render.js';
import { DEFAULT_SITE_SETTINGS } from './settings.js';
import { DEFAULT_TRUST_PAGES, fillPlaceholders, placeholderValues, TRUST_PAGE_SLUGS, unknownPlaceholders } from './trust-pages.js';

const site = { ...DEFAULT_SITE_SETTINGS, contactEmail: 'desk@ledger.test' };
const values = placeholderValues(site, null, 'https://ledger.test');

describe('trust pages', () => {
  it('leaves out a line that names a detail not set, so nothing is offered that is not there', () => {
    const body = 'Write to {contact_email}.\nCall {contact_phone}.\nWe are {publication}.';
    expect(fillPlaceholders(body, values)).toBe('Write to [desk@ledger\\.test](<mailto:desk@ledger.test>).\nWe are The Daily Ledger.');
  });

  it('fills values as text: Markdown or HTML in a setting is shown, never interpreted', () => {
    const filled = fillPlaceholders(
      '{publication}',
      placeholderValues({ ...site, publicationName: '*Ledger* <b>[x](javascript:1)' }, null, ''),
    );
    expect(renderBody(filled)).toBe('<p>*Ledger* &lt;b&gt;[x](javascript:1)</p>\n');
  });

  it('names the placeholders that do not exist', () => {
    expect(unknownPlaceholders('{publication} {founded} {founded} {gstin} {PUBLICATION}')).toEqual(['founded']);
  });

  it('writes defaults that use only known placeholders, and a grievance page that shows the officer', () => {
    for (const slug of TRUST_PAGE_SLUGS) expect(unknownPlaceholders(DEFAULT_TRUST_PAGES[slug].body), slug).toEqual([]);
    const officer = {
      name: 'K. Rao',
      designation: 'Grievance Officer',
      email: 'g@ledger.test',
      phone: '+91 80 4000 1234',
      address: 'A\nB',
      responseDays: 15,
    };
    const html = renderBody(
      fillPlaceholders(DEFAULT_TRUST_PAGES.grievance.body, placeholderValues({ ...site, grievanceOfficer: officer }, null, '')),
    );
    expect(html).toContain('Name: K. Rao');
    expect(html).toContain('Telephone: <a href="tel:+918040001234">+91 80 4000 1234</a>');
    expect(html).toContain('within 15 days');
    expect(html).not.toMatch(/\{[a-z_]+\}/);
  });

  it('keeps each default page’s opening when the legal identity, the tagline or the officer are not set', () => {
    const bare = placeholderValues({ ...DEFAULT_SITE_SETTINGS, tagline: '' }, null, 'https://ledger.test');
    const opening = (slug: (typeof TRUST_PAGE_SLUGS)[number]) => fillPlaceholders(DEFAULT_TRUST_PAGES[slug].body, bare).split('\n')[0];
    expect(opening('about')).toBe('The Daily Ledger is a daily newspaper published on the web and in apps.');
    expect(opening('terms')).toContain('These terms apply to everyone who reads The Daily Ledger');
    expect(opening('privacy')).toContain('This page says what The Daily Ledger collects');
    expect(opening('grievance')).toContain('The Daily Ledger follows the Code of Ethics');
    expect(fillPlaceholders(DEFAULT_TRUST_PAGES.terms.body, bare)).not.toContain('run by');
  });
});
