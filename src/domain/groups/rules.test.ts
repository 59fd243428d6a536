import { describe, expect, it } from 'vitest';
import { checkGroup, domainsOfEmail, inForce, parseDomains, type GroupInput } from './rules.js';

const now = new Date('2026-11-24T06:00:00Z');
const context = { givable: new Set(['premium', 'archive']), now, timeZone: 'Asia/Kolkata', seatsUsed: 0 };
const input = (fields: Partial<GroupInput> = {}): GroupInput => ({
  name: 'Indian Institute of Testing',
  ranges: '',
  confirmLarge: false,
  domains: 'iitt.ac.in',
  entitlements: ['premium'],
  starts: '2026-11-24',
  ends: null,
  seats: null,
  ...fields,
});
const errors = (fields: Partial<GroupInput>, extra: Partial<typeof context> = {}) => {
  const checked = checkGroup(input(fields), { ...context, ...extra });
  return checked.ok ? {} : checked.errors;
};

describe('email domains', () => {
  it('reads one domain a line, forgiving case, a leading @ and a trailing dot; names bad lines', () => {
    expect(parseDomains('IITT.ac.in\n\n@cse.iitt.ac.in.\niitt.ac.in')).toEqual({ domains: ['iitt.ac.in', 'cse.iitt.ac.in'], problems: [] });
    expect(parseDomains('in\niitt.ac.in\nfoo bar.com\n-bad.com\nx@y.com').problems).toEqual([
      'Line 1: “in” is not a domain like iitb.ac.in.',
      'Line 3: “foo bar.com” is not a domain like iitb.ac.in.',
      'Line 4: “-bad.com” is not a domain like iitb.ac.in.',
      'Line 5: “x@y.com” is not a domain like iitb.ac.in.',
    ]);
  });

  it('lets an address join by its domain and each parent domain, never by a lookalike', () => {
    expect(domainsOfEmail('a@CSE.iitt.ac.in')).toEqual(['cse.iitt.ac.in', 'iitt.ac.in', 'ac.in']);
    expect(domainsOfEmail('a@notiitt.ac.in')).not.toContain('iitt.ac.in');
    expect(domainsOfEmail('iitt.ac.in')).toEqual([]);
  });
});

describe('a group before it is saved', () => {
  it('keeps what staff gave, tidied: the first day from its midnight, the last to its end, in the publisher’s zone', () => {
    const checked = checkGroup(input({ ranges: '10.0.0.0/24\n10.0.0.0/24', ends: '2027-03-31', seats: '25' }), context);
    expect(checked).toEqual({
      ok: true,
      fields: {
        name: 'Indian Institute of Testing',
        entitlements: ['premium'],
        ipRanges: ['10.0.0.0/24'],
        emailDomains: ['iitt.ac.in'],
        startsAt: new Date('2026-11-23T18:30:00Z'),
        endsAt: new Date('2027-03-31T18:29:59.999Z'),
        seats: 25,
      },
    });
  });

  it('names what is wrong, field by field', () => {
    expect(errors({ name: '  ' }).name).toContain('Name the group');
    expect(errors({ ranges: '', domains: '' }).ranges).toContain('IP ranges, its email domains, or both');
    expect(errors({ entitlements: [] }).entitlements).toBe('Choose at least one thing to give.');
    expect(errors({ entitlements: ['devices'] }).entitlements).toContain('Not something this site can give: devices');
    expect(errors({ starts: '2026-02-30' }).starts).toContain('Enter the first day');
    expect(errors({ ends: '' }).ends).toContain('Give the last day');
    expect(errors({ ends: '2026-11-23' }).ends).toContain('That day has passed');
    expect(errors({ starts: '2026-12-10', ends: '2026-12-01' }).ends).toBe('The last day comes before the first.');
    expect(errors({ seats: '0' }).seats).toContain('A whole number of seats');
    expect(errors({ seats: '1.5' }).seats).toContain('A whole number of seats');
    expect(errors({ seats: '3' }, { seatsUsed: 5 }).seats).toContain('5 readers hold seats');
    expect(errors({ ranges: 'x\n10.0.0.0/8' }).ranges).toBe(
      'Line 1: “x” is not an IP address, a CIDR block (10.0.0.0/24) or a range (10.0.0.1-10.0.0.200).\nLine 2: “10.0.0.0/8” is larger than an IPv4 /16 (65,536 addresses): tick “These large ranges are meant” to keep it.',
    );
  });

  it('is in force from its first instant to before its end', () => {
    const group = { startsAt: new Date('2026-11-24T00:00:00Z'), endsAt: new Date('2026-11-25T00:00:00Z') };
    expect(inForce(group, new Date('2026-11-23T23:59:59.999Z'))).toBe(false);
    expect(inForce(group, new Date('2026-11-24T00:00:00Z'))).toBe(true);
    expect(inForce(group, new Date('2026-11-25T00:00:00Z'))).toBe(false);
    expect(inForce({ ...group, endsAt: null }, new Date('2099-01-01T00:00:00Z'))).toBe(true);
  });
});
