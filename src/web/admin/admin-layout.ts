import type { onRequestHookHandler } from 'fastify';
import { actorOf, authorize, can, type Ability } from '../../domain/policies/policies.js';
import type { Role } from '../../domain/accounts/model.js';
import { html, type SafeHtml } from '../views/html.js';
import { layout, type PageChrome } from '../views/layout.js';

/**
 * The admin area's shell: every admin page carries a bar of the areas this member of staff may open (and no
 * others), so the newsroom and the business team each see their own tools.
 */

interface AdminArea {
  href: string;
  label: string;
  /** What the area is for, on the admin start page. */
  blurb: string;
  ability: Ability;
}

export const ADMIN_AREAS: readonly AdminArea[] = [
  { href: '/admin/articles', label: 'Articles', blurb: 'Write, edit, schedule and publish stories.', ability: 'editContent' },
  {
    href: '/admin/images',
    label: 'Images',
    blurb: 'Upload, crop and describe photographs; lead images for stories.',
    ability: 'editContent',
  },
  {
    href: '/admin/front-page',
    label: 'Front page',
    blurb: 'The lead story, the editor’s picks and stories pinned in sections.',
    ability: 'editContent',
  },
  {
    href: '/admin/epaper',
    label: 'E-paper',
    blurb: 'Upload the day’s editions as PDF, set when they publish, adjust article regions.',
    ability: 'editContent',
  },
  { href: '/admin/sections', label: 'Sections', blurb: 'Sections: names, addresses, descriptions, order.', ability: 'editContent' },
  {
    href: '/admin/wire',
    label: 'Wire',
    blurb: 'Agency copy coming in: publish, edit, agencies’ feeds and their status.',
    ability: 'editContent',
  },
  { href: '/admin/authors', label: 'Authors', blurb: 'The people in bylines: names, photos, biographies, links.', ability: 'editContent' },
  { href: '/admin/payments', label: 'Payments', blurb: 'Payments, refunds and the plans on sale.', ability: 'viewPayments' },
  { href: '/admin/users', label: 'Readers', blurb: 'Find a reader, export or delete their data.', ability: 'manageReaders' },
  {
    href: '/admin/settings',
    label: 'Settings',
    blurb: 'The publication’s name, contact details, time zone and legal identity.',
    ability: 'manageBusiness',
  },
  {
    href: '/admin/pages',
    label: 'Trust pages',
    blurb: 'About, Contact, Terms, Privacy, Refunds and Grievance redressal.',
    ability: 'manageBusiness',
  },
  { href: '/admin/plans', label: 'Plans', blurb: 'Create, edit, order, highlight and retire plans.', ability: 'manageBusiness' },
  {
    href: '/admin/entitlements',
    label: 'Entitlements',
    blurb: 'What plans give readers: the names and descriptions they see, the device allowance.',
    ability: 'manageBusiness',
  },
  {
    href: '/admin/partners',
    label: 'Partners',
    blurb: 'Partner bundles: what they include, activation codes (CSV), claims and the partner report.',
    ability: 'manageBusiness',
  },
  {
    href: '/admin/groups',
    label: 'Groups',
    blurb: 'Institutional access by IP range or email domain, with seats.',
    ability: 'manageBusiness',
  },
  {
    href: '/admin/paywall',
    label: 'Paywall',
    blurb: 'Free limit, registration wall, lead-in, section and provenance rules.',
    ability: 'manageBusiness',
  },
  { href: '/admin/copy', label: 'Copy', blurb: 'Every message readers see, as a template with a live preview.', ability: 'manageBusiness' },
  { href: '/admin/audit', label: 'Audit log', blurb: 'Every change staff made: who, when, before → after.', ability: 'viewAuditLog' },
  {
    href: '/admin/newsletters',
    label: 'Newsletters',
    blurb: 'Lists, issues composed from articles or daily digests, previews, test sends and send progress.',
    ability: 'editContent',
  },
];

/** The areas `role` may open. */
export function adminAreasFor(role: string): AdminArea[] {
  const actor = { kind: 'user', id: 0, role: role as Role } as const;
  return ADMIN_AREAS.filter((area) => can(actor, area.ability));
}

/** An admin page: the bar of areas above `main`; `head` adds to <head> (a page's own script). */
export function adminLayout(chrome: PageChrome, title: string, main: SafeHtml, head?: SafeHtml): string {
  const areas = chrome.user ? adminAreasFor(chrome.user.role) : [];
  const nav = html`<nav class="admin-nav" aria-label="Admin"><a href="/admin" class="admin-home">Admin</a>${areas.map(
    (a) => html`<a href="${a.href}">${a.label}</a>`,
  )}</nav>`;
  return layout(chrome, { title: `${title} (admin)`, noindex: true, head }, html`<div class="admin-page">${nav}${main}</div>`);
}

/** The admin start page: what this member of staff may do, and nothing else; `warnings` (partners low on codes) first. */
export function adminHomePage(chrome: PageChrome, warnings: SafeHtml = html``): string {
  const areas = chrome.user ? adminAreasFor(chrome.user.role) : [];
  return adminLayout(
    chrome,
    'Admin',
    html`<h1>Admin</h1>${warnings}<ul class="admin-links">${areas.map(
      (a) => html`<li><a href="${a.href}">${a.label}</a><span class="hint">${a.blurb}</span></li>`,
    )}</ul>`,
  );
}

/** A route hook that lets through only staff holding `ability` (through the policies module); others get its refusal. */
export function allowedTo(ability: Ability): onRequestHookHandler {
  return (request, _reply, done) => {
    try {
      authorize(actorOf(request.auth?.user), ability);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
