import type { SupplierDetails } from '../billing/invoice-model.js';
import type { SiteSettings } from './settings.js';

/**
 * The pages a news publisher must have (About, Contact, Terms, Privacy, Refunds and cancellation, Grievance
 * redressal), written in Markdown with placeholders filled from the settings. A line that uses a detail not set
 * is left out, so a page never offers a telephone number, an address or an officer that is not there.
 */

export const TRUST_PAGE_SLUGS = ['about', 'contact', 'terms', 'privacy', 'refunds', 'grievance'] as const;
export type TrustPageSlug = (typeof TRUST_PAGE_SLUGS)[number];

export const isTrustPageSlug = (slug: string): slug is TrustPageSlug => (TRUST_PAGE_SLUGS as readonly string[]).includes(slug);

/** A trust page as stored: its title and Markdown body (placeholders unfilled). */
export interface TrustPage {
  title: string;
  body: string;
}

export const PLACEHOLDERS = [
  'publication',
  'tagline',
  'site_url',
  'contact_email',
  'contact_phone',
  'contact_address',
  'officer_name',
  'officer_designation',
  'officer_email',
  'officer_phone',
  'officer_address',
  'response_days',
  'legal_name',
  'legal_address',
  'gstin',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** A placeholder's value: its text ('' when not set) and, for addresses people can use, a link. */
export interface PlaceholderValue {
  text: string;
  href?: string;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The placeholders a body names that do not exist, in order, each once. */
export function unknownPlaceholders(body: string): string[] {
  const names = [...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/** What each placeholder stands for, from the settings and the legal identity (null: none to publish). */
export function placeholderValues(
  site: SiteSettings,
  supplier: SupplierDetails | null,
  publicUrl: string,
): Record<Placeholder, PlaceholderValue> {
  const officer = site.grievanceOfficer;
  const email = (address: string): PlaceholderValue => (address ? { text: address, href: `mailto:${address}` } : { text: '' });
  const phone = (number: string): PlaceholderValue =>
    number ? { text: number, href: `tel:${number.replace(/[^\d+]/g, '')}` } : { text: '' };
  const lines = (address: string): PlaceholderValue => ({ text: address.split('\n').filter(Boolean).join(', ') });
  return {
    publication: { text: site.publicationName },
    tagline: { text: site.tagline },
    site_url: { text: publicUrl, href: publicUrl },
    contact_email: email(site.contactEmail),
    contact_phone: phone(site.contactPhone),
    contact_address: lines(site.contactAddress),
    officer_name: { text: officer?.name ?? '' },
    officer_designation: { text: officer?.designation ?? '' },
    officer_email: email(officer?.email ?? ''),
    officer_phone: phone(officer?.phone ?? ''),
    officer_address: lines(officer?.address ?? ''),
    response_days: { text: officer ? String(officer.responseDays) : '' },
    legal_name: { text: supplier?.name ?? '' },
    legal_address: { text: supplier?.addressLines.join(', ') ?? '' },
    gstin: { text: supplier?.gstin ?? '' },
  };
}

/** Markdown's punctuation, escaped so a value reads as the text it is. */
const escapeMarkdown = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!<>|~&"']/g, (c) => `\\${c}`);

/**
 * The page's Markdown with every placeholder filled. A line naming a placeholder whose value is not set is left
 * out; an unknown placeholder stays as written (saving refuses them, see `unknownPlaceholders`).
 */
export function fillPlaceholders(body: string, values: Record<Placeholder, PlaceholderValue>): string {
  const known = (name: string): name is Placeholder => Object.hasOwn(values, name);
  return body
    .split(/\r\n|\r|\n/)
    .filter((line) => [...line.matchAll(PLACEHOLDER)].every((m) => !known(m[1] ?? '') || values[m[1] as Placeholder].text !== ''))
    .map((line) =>
      line.replace(PLACEHOLDER, (whole, name: string) => {
        if (!known(name)) return whole;
        const value = values[name];
        const text = escapeMarkdown(value.text);
        return value.href ? `[${text}](<${value.href}>)` : text;
      }),
    )
    .join('\n');
}

/** Each page's title and the text a new publication starts from (edited at /admin/pages). */
export const DEFAULT_TRUST_PAGES: Record<TrustPageSlug, TrustPage> = {
  about: {
    title: 'About us',
    body: `{publication} is a daily newspaper published on the web and in apps.

Our reporters and editors decide what we publish. Stories from news agencies are marked as such, with the agency's name.

Most of our journalism is free to read: some stories are for subscribers, and a few free stories a month are open to everyone. Subscriptions pay for the newsroom.

The company behind {publication} is {legal_name}, {legal_address}.

Write to us at {contact_email}. To complain about something we published, see [grievance redressal](/grievance).`,
  },
  contact: {
    title: 'Contact us',
    body: `Here is how to reach {publication}.

- Email: {contact_email}
- Telephone: {contact_phone}
- Post: {contact_address}

Questions about a subscription or an invoice: your account's [subscription page](/account/subscription) shows your plan, its renewal date and your invoices.

To complain about something we published, see [grievance redressal](/grievance).`,
  },
  terms: {
    title: 'Terms of use',
    body: `These terms apply to everyone who reads {publication} at {site_url} or in its apps.

The site is run by {legal_name}, {legal_address}.

## Reading

You may read, print and share links to our stories for your own use. You may not copy whole stories to publish elsewhere, sell them, or collect them automatically without our written permission.

A number of stories each month are free to read; some are for subscribers only. Do not try to get around these limits.

## Accounts

Keep your password to yourself. You are responsible for what is done with your account. An account may be signed in on a limited number of devices at a time; you can sign devices out from your account page.

## Subscriptions

A subscription renews automatically at the end of each term until you cancel it. The price and the term are shown before you pay, and we tell you before each renewal is charged. See [refunds and cancellation](/refunds).

## Our journalism

We work to be accurate and correct our mistakes openly. Opinions in columns are their authors'.

## Changes and questions

We may change these terms; the version on this page applies. Write to {contact_email} with any question.`,
  },
  privacy: {
    title: 'Privacy policy',
    body: `This page says what {publication} collects about you, why, and what you can do about it.

The publisher responsible for your data is {legal_name}.

## What we collect

- **Your account:** your email address, your name if you give it, and a password stored only as a one-way hash.
- **Devices:** the devices you are signed in on, so you can see them and sign them out.
- **Subscriptions:** your plan, its payments and invoices, and the billing name and address printed on tax invoices. Card and bank details go to the payment provider, never to us.
- **Reading without an account:** a cookie with a random id, so we can count the free stories you have read this month. The count is kept on our servers. We also count free stories read per network, to stop the limit being dodged by clearing cookies.

## What we do not do

We do not sell your data. We do not show you ads based on your reading.

## Your choices

From your account page you can download everything we hold about you, and delete your account. A running subscription is cancelled before the account is deleted. Invoices are kept as long as tax law requires.

## Questions

Write to {contact_email}.

Our grievance officer, {officer_name}, can be reached at {officer_email}.`,
  },
  refunds: {
    title: 'Refunds and cancellation',
    body: `## Cancelling

You can cancel a {publication} subscription at any time from your account's [subscription page](/account/subscription). It then stops renewing: you keep everything you paid for until the end of the current term, and you are not charged again. Until the term ends you can undo the cancellation from the same page.

## Renewals

A subscription renews automatically. Before each renewal is charged we send you a notice by email with the amount and the date.

## Refunds

If you were charged for a renewal you did not want, or charged twice, write to us at {contact_email} within 7 days of the charge and we will look into it. A refund goes back to the way you paid, with a credit note for the tax invoice. Banks usually take 5 to 7 working days to show it.

We do not refund the unused part of a term after you cancel: you keep access until the term ends instead.`,
  },
  grievance: {
    title: 'Grievance redressal',
    body: `{publication} follows the Code of Ethics for digital news publishers under India's Information Technology (Intermediary Guidelines and Digital Media Ethics Code) Rules, 2021. If you have a complaint about something we published, write to our grievance officer.

## Grievance officer

- Name: {officer_name}
- Designation: {officer_designation}
- Email: {officer_email}
- Telephone: {officer_phone}
- Post: {officer_address}

## What happens to a complaint

We acknowledge every complaint within 24 hours and decide it within {response_days} days, and tell you what we decided and why.

Please say which story you mean (its address), what you think is wrong, and how to reach you.

If you are not satisfied with our decision, you may appeal as Part III of the Rules provides.`,
  },
};
