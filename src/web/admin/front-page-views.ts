import type { Section } from '../../domain/content/model.js';
import { shownStatus } from '../../domain/content/newsroom.js';
import type { Curation } from '../../domain/front-page/service.js';
import type { CuratedStory } from '../../domain/front-page/queries.js';
import { PICK_LIMIT, PIN_LIMIT } from '../../domain/front-page/rules.js';
import { csrfField, hidden, notice } from '../accounts/views.js';
import { formatDateTime } from '../views/format.js';
import { html, type SafeHtml } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout } from './admin-layout.js';

/** The front page's curation: the lead, the picks and the pins, and a search to add stories. Escaped by `html`. */

export interface FrontPageInput {
  curation: Curation;
  sections: Section[];
  search: string;
  found: CuratedStory[] | null;
  csrf: string;
  now: Date;
  timeZone: string;
  notice?: string | undefined;
  error?: string | undefined;
}

const STATE = { draft: 'draft', scheduled: 'scheduled', published: 'published', unpublished: 'unpublished' } as const;

function act(input: FrontPageInput, action: string, story: CuratedStory, label: string, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<form method="post" action="/admin/front-page" class="inline-form">${csrfField(input.csrf)}${hidden('action', action)}${hidden('article', story.id)}${hidden('q', input.search)}${extra}<button type="submit" class="button secondary">${label}</button></form>`;
}

/** A curated story with its state: readers see it only while it is published and its time has come. */
function storyLine(input: FrontPageInput, story: CuratedStory): SafeHtml {
  const state = shownStatus(story, input.now);
  return html`<a href="/admin/articles/${story.id}/edit">${story.headline}</a>${
    state === 'published' ? '' : html` <strong class="badge" data-state="${state}">${STATE[state]}: not shown to readers</strong>`
  }`;
}

function orderedList(input: FrontPageInput, stories: CuratedStory[], kind: 'pick' | 'pin', section?: string): SafeHtml {
  const extra = section ? hidden('section', section) : '';
  return html`<ol class="curated" data-list="${section ? `pins-${section}` : 'picks'}">${stories.map(
    (story, i) => html`<li data-article="${story.id}">${storyLine(input, story)}
${i > 0 ? act(input, `${kind}-up`, story, 'Up', extra) : ''} ${i < stories.length - 1 ? act(input, `${kind}-down`, story, 'Down', extra) : ''} ${act(input, `un${kind}`, story, 'Remove', extra)}</li>`,
  )}</ol>`;
}

export function frontPagePage(chrome: PageChrome, input: FrontPageInput): string {
  const { curation } = input;
  const sectionName = (slug: string) => input.sections.find((s) => s.slug === slug)?.name ?? slug;
  const pinned = input.sections.filter((s) => (curation.pins[s.slug] ?? []).length > 0);
  const main = html`<h1>Front page</h1>${notice(input.notice)}${input.error ? html`<p class="form-error" role="alert">${input.error}</p>` : ''}
<section aria-labelledby="lead-title"><h2 id="lead-title">Lead story</h2>${
    curation.lead
      ? html`<p class="curated-lead" data-article="${curation.lead.id}">${storyLine(input, curation.lead)} ${act(input, 'clear-lead', curation.lead, 'Clear: lead with the newest story')}</p>`
      : html`<p>None chosen: the newest story leads.</p>`
  }</section>
<section aria-labelledby="picks-title"><h2 id="picks-title">Editor’s picks (at most ${PICK_LIMIT}, in this order)</h2>${
    curation.picks.length ? orderedList(input, curation.picks, 'pick') : html`<p>No picks: the home page shows none.</p>`
  }</section>
<section aria-labelledby="pins-title"><h2 id="pins-title">Pinned in sections (at most ${PIN_LIMIT} each, above the newest)</h2>${
    pinned.length
      ? pinned.map((s) => html`<h3>${s.name}</h3>${orderedList(input, curation.pins[s.slug] ?? [], 'pin', s.slug)}`)
      : html`<p>Nothing pinned: each section shows its newest stories.</p>`
  }
<p>Sections appear on the home page in their own order: <a href="/admin/sections">change it on the sections page</a>.</p></section>
<section aria-labelledby="find-title"><h2 id="find-title">Find a story</h2>
<form method="get" action="/admin/front-page" class="admin-filters"><label for="front-q">Headline</label> <input id="front-q" type="search" name="q" value="${input.search}" maxlength="200"> <button type="submit" class="button secondary">Search</button></form>
${
  input.found === null
    ? ''
    : input.found.length === 0
      ? html`<p role="status">No published story has that in its headline.</p>`
      : html`<table class="admin-table search-results"><thead><tr><th>Headline</th><th>Section</th><th>Published</th><th></th></tr></thead><tbody>${input.found.map(
          (story) =>
            html`<tr data-article="${story.id}"><td>${storyLine(input, story)}</td><td>${sectionName(story.section)}</td><td>${
              story.publishedAt ? formatDateTime(story.publishedAt, input.timeZone) : ''
            }</td><td>${act(input, 'lead', story, 'Make lead')} ${act(input, 'pick', story, 'Add to picks')} ${act(input, 'pin', story, `Pin in ${sectionName(story.section)}`)}</td></tr>`,
        )}</tbody></table>`
}</section>`;
  return adminLayout(chrome, 'Front page', main);
}
