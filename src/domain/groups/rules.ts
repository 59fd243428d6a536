import { dayOfDate } from '../time/zoned.js';
import { endOfDay } from '../entitlements/complimentary.js';
import type { AccessGroup, GroupFields } from './queries.js';
import { parseIpRanges } from './ip-ranges.js';

/**
 * Group access's rules, pure. Words used here:
 * - a *network* group opens to readers by the address they read from (its IP ranges): a site licence, no seats;
 * - a *domain* group opens to readers whose verified email address is at one of its domains or a subdomain of
 *   one (`iitb.ac.in` lets in `a@iitb.ac.in` and `b@cse.iitb.ac.in`, never `c@notiitb.ac.in`); each such reader
 *   *joins* (on /account) and takes a seat while a member. One group may be both.
 * - a group is *in force* from `startsAt` until `endsAt` (exclusive); null: no end date.
 */

export const groupSource = (groupId: number): string => `group:${groupId}`;

export const GROUP_LIMITS = { name: 200, lines: 500, seats: 1_000_000 } as const;

export const inForce = (group: Pick<AccessGroup, 'startsAt' | 'endsAt'>, now: Date): boolean =>
  group.startsAt <= now && (group.endsAt === null || group.endsAt > now);

/** A group as staff fill in its form: the ranges and domains one a line, the days as YYYY-MM-DD. */
export interface GroupInput {
  name: string;
  ranges: string;
  /** Staff confirm ranges larger than an IPv4 /16 or an IPv6 /48. */
  confirmLarge: boolean;
  domains: string;
  entitlements: readonly string[];
  /** The first day of access. */
  starts: string;
  /** The last day of access; null: no end date. */
  ends: string | null;
  /** A whole number of seats, or null for unlimited. */
  seats: string | null;
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The domains field read a line at a time (`@` and case forgiven); problems name their line. */
export function parseDomains(field: string): { domains: string[]; problems: string[] } {
  const domains = new Set<string>();
  const problems: string[] = [];
  field.split(/\r?\n/).forEach((raw, index) => {
    const domain = raw.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
    if (domain === '') return;
    if (!DOMAIN.test(domain)) problems.push(`Line ${index + 1}: “${raw.trim().slice(0, 60)}” is not a domain like iitb.ac.in.`);
    else domains.add(domain);
  });
  return { domains: [...domains], problems };
}

/** The domains an address may join by: its own and each parent with at least two labels (`cse.iitb.ac.in`, `iitb.ac.in`, `ac.in`). */
export function domainsOfEmail(email: string): string[] {
  const at = email.lastIndexOf('@');
  if (at < 0) return [];
  const labels = email
    .slice(at + 1)
    .toLowerCase()
    .split('.');
  const domains: string[] = [];
  for (let i = 0; i + 2 <= labels.length; i++) domains.push(labels.slice(i).join('.'));
  return domains;
}

/**
 * What is wrong with a group before it is saved, by field, and its fields when nothing is. `givable`: the catalogue's
 * access entries a working feature reads; `seatsUsed`: the members it has (0 for a new group). Ranges and domains
 * name each bad line.
 */
export function checkGroup(
  input: GroupInput,
  context: { givable: ReadonlySet<string>; now: Date; timeZone: string; seatsUsed: number },
): { ok: true; fields: GroupFields } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  if (name === '') errors.name = 'Name the group as staff will know it (the institution).';
  else if (name.length > GROUP_LIMITS.name) errors.name = `Use at most ${GROUP_LIMITS.name} characters.`;

  const { ranges, problems: rangeProblems } = parseIpRanges(input.ranges, input.confirmLarge);
  if (rangeProblems.length > 0) errors.ranges = rangeProblems.map((p) => `Line ${p.line}: ${p.problem}`).join('\n');
  else if (ranges.length > GROUP_LIMITS.lines) errors.ranges = `At most ${GROUP_LIMITS.lines} ranges.`;
  const { domains, problems: domainProblems } = parseDomains(input.domains);
  if (domainProblems.length > 0) errors.domains = domainProblems.join('\n');
  else if (domains.length > GROUP_LIMITS.lines) errors.domains = `At most ${GROUP_LIMITS.lines} domains.`;
  if (!errors.ranges && !errors.domains && ranges.length === 0 && domains.length === 0)
    errors.ranges = 'Give the institution’s IP ranges, its email domains, or both.';

  const unknown = input.entitlements.filter((key) => !context.givable.has(key));
  if (input.entitlements.length === 0) errors.entitlements = 'Choose at least one thing to give.';
  else if (unknown.length > 0) errors.entitlements = `Not something this site can give: ${unknown.join(', ')}.`;

  const start = dayOfDate(input.starts, context.timeZone);
  if (!start) errors.starts = 'Enter the first day like 2026-12-01.';
  let endsAt: Date | null = null;
  if (input.ends !== null) {
    endsAt = endOfDay(input.ends, context.timeZone);
    if (input.ends === '') errors.ends = 'Give the last day of access, or choose “no end date”.';
    else if (!endsAt) errors.ends = 'Enter a date like 2027-03-31.';
    else if (endsAt <= context.now) errors.ends = 'That day has passed: choose today or a later day (or end the group now).';
    else if (start && endsAt <= start.start) errors.ends = 'The last day comes before the first.';
  }

  let seats: number | null = null;
  if (input.seats !== null) {
    seats = /^\d{1,7}$/.test(input.seats.trim()) ? Number(input.seats.trim()) : NaN;
    if (!Number.isInteger(seats) || seats < 1 || seats > GROUP_LIMITS.seats)
      errors.seats = `A whole number of seats from 1 to ${GROUP_LIMITS.seats.toLocaleString('en-IN')}, or unlimited.`;
    else if (seats < context.seatsUsed)
      errors.seats = `${context.seatsUsed} readers hold seats: remove members first, or keep at least ${context.seatsUsed} seats.`;
  }
  if (Object.keys(errors).length > 0 || !start) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      name,
      entitlements: [...new Set(input.entitlements)],
      ipRanges: ranges.map((r) => r.text),
      emailDomains: domains,
      startsAt: start.start,
      endsAt,
      seats,
    },
  };
}
