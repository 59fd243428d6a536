import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AUTHOR_LIMITS, linksText, parseLinks, type Author, type AuthorFields } from '../../domain/content/authors.js';
import { authorSlugFrom } from '../../domain/content/authors.js';
import { actorOf } from '../../domain/policies/policies.js';
import { sendPage } from '../accounts/flow.js';
import { csrfField, formMessage, input, notice } from '../accounts/views.js';
import { HttpProblem } from '../http/errors.js';
import { declaredRoutes, form, id, keyword, readForm, text, useForms, type FormRead, type FormState } from '../http/forms.js';
import { pageChrome } from '../pages/chrome.js';
import { html } from '../views/html.js';
import type { PageChrome } from '../views/layout.js';
import { adminLayout, allowedTo } from './admin-layout.js';

const PAGE_SIZE = 50;
const tooLong = (max: number) => ({ maxLength: `Use at most ${max.toLocaleString('en-IN')} characters.` });

const AuthorForm = form({
  name: text({
    minLength: 1,
    maxLength: AUTHOR_LIMITS.name,
    normalise: ['trim'],
    messages: { minLength: 'Write the author’s name.', ...tooLong(AUTHOR_LIMITS.name) },
  }),
  slug: text({ maxLength: AUTHOR_LIMITS.slug, normalise: ['trim', 'lower'], messages: tooLong(AUTHOR_LIMITS.slug) }),
  bio: text({ maxLength: AUTHOR_LIMITS.bio, normalise: ['trim'], messages: tooLong(AUTHOR_LIMITS.bio) }),
  photoUrl: text({ maxLength: AUTHOR_LIMITS.photoUrl, normalise: ['trim'], messages: tooLong(AUTHOR_LIMITS.photoUrl) }),
  links: text({ maxLength: 6_000, messages: tooLong(6_000) }),
});
const EditQuery = form({ notice: keyword(['saved']) });
const AuthorParams = form({ id: id({ invalid: 'There is no such author.' }) });
const ListQuery = form({
  q: text({ maxLength: 120, normalise: ['trim'], messages: { maxLength: 'Search with at most 120 characters.' } }),
  /** Continue after this author: `<id>`, with the name looked up. */
  after: text({ maxLength: 10, pattern: '^$|^[1-9]\\d{0,9}$', messages: { invalid: 'That is not a place in the list.' } }),
  notice: keyword(['saved']),
});

/** Editors and admins (policy `editContent`). */
const mayEditContent = allowedTo('editContent');

function fieldsOf(values: Record<string, string>): { fields: AuthorFields; errors: Record<string, string> } {
  const { links, bad } = parseLinks(values.links ?? '');
  const name = values.name ?? '';
  return {
    fields: {
      name,
      slug: values.slug || authorSlugFrom(name),
      bio: values.bio ?? '',
      photoUrl: values.photoUrl || null,
      links,
    },
    errors: bad.length
      ? { links: `Not an http(s) link: ${bad.map((b) => `“${b}”`).join(', ')}. Write one a line as Label | https://…` }
      : {},
  };
}

const formOfAuthor = (a: Author): FormState => ({
  values: { name: a.name, slug: a.slug, bio: a.bio, photoUrl: a.photoUrl ?? '', links: linksText(a.links) },
  errors: {},
});

function editPage(chrome: PageChrome, data: { author: Author | null; form: FormState; csrf: string; notice?: string | undefined }): string {
  const { author, form } = data;
  const field = (name: string, label: string, maxlength: number, hint?: string) =>
    input({ form, name, label, id: `author-${name}`, maxlength, ...(hint ? { hint } : {}) });
  const area = (name: string, label: string, hint: string) => {
    const error = form.errors[name];
    return html`<div class="field${error ? ' has-error' : ''}"><label for="author-${name}">${label}</label><p class="hint">${hint}</p>
${error ? html`<p class="field-error" id="author-${name}-error">${error}</p>` : ''}<textarea id="author-${name}" name="${name}" rows="5"${error ? html` aria-describedby="author-${name}-error" aria-invalid="true"` : ''}>${form.values[name] ?? ''}</textarea></div>`;
  };
  const title = author ? `Author: ${author.name}` : 'New author';
  const main = html`<p><a href="/admin/authors">All authors</a></p><h1>${title}</h1>${notice(data.notice)}
${author ? html`<p><a href="/author/${author.slug}">Their page on the site</a> · <a href="/admin/articles?author=${author.slug}">Their articles</a></p>` : ''}
${formMessage(form)}
<form method="post" action="${author ? `/admin/authors/${author.id}/edit` : '/admin/authors/new'}" class="account-form">${csrfField(data.csrf)}
${field('name', 'Name', AUTHOR_LIMITS.name, 'As bylines show it. Renaming changes the bylines of their articles too.')}
${field('slug', 'Slug', AUTHOR_LIMITS.slug, 'The page’s address: /author/<slug>. Left empty, it is made from the name.')}
${area('bio', 'Biography', 'Blank lines between paragraphs.')}
${field('photoUrl', 'Photo address', AUTHOR_LIMITS.photoUrl, 'https://… or a path on this site, such as /media/image/12 for image 12 in Images.')}
${area('links', 'Links', 'One a line: Label | https://… (http and https only).')}
<p class="actions"><button type="submit" class="button">Save</button></p></form>`;
  return adminLayout(chrome, title, main);
}

/** The newsroom's authors: list with search, new and edit. Registered by adminRoutes; each route checks `editContent`. */
export async function adminAuthorRoutes(parent: FastifyInstance, ctx: AppContext): Promise<void> {
  const actor = (request: FastifyRequest) => actorOf(request.auth?.user);
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { author: Author | null; form: FormState; notice?: string | undefined },
  ) => sendPage(reply, status, editPage(await pageChrome(ctx, request), { ...data, csrf: reply.generateCsrf() }));

  async function loadAuthor(request: FastifyRequest): Promise<Author> {
    const params = readForm(request, AuthorParams, 'params');
    const author = params.ok ? await ctx.newsroom.authors.author(actor(request), params.values.id) : null;
    if (!author) throw new HttpProblem('not-found', 'There is no such author.');
    return author;
  }

  /** Saves what the form says, or shows it again with what was typed and the messages. */
  async function save(request: FastifyRequest, reply: FastifyReply, author: Author | null) {
    const read: FormRead<Record<string, string>> = readForm(request, AuthorForm);
    const typed = read.ok ? read.values : read.form.values;
    const { fields, errors } = fieldsOf(typed);
    if (!read.ok || Object.keys(errors).length > 0)
      return show(request, reply, 400, { author, form: { values: typed, errors: { ...(read.ok ? {} : read.form.errors), ...errors } } });
    const result = author
      ? await ctx.newsroom.authors.update(actor(request), author.id, fields)
      : await ctx.newsroom.authors.create(actor(request), fields);
    if (result.ok) return reply.redirect(`/admin/authors/${result.id}/edit?notice=saved`, 303);
    if ('notFound' in result) throw new HttpProblem('not-found', 'There is no such author.');
    return show(request, reply, 400, { author, form: { values: typed, errors: result.errors } });
  }

  await parent.register(
    declaredRoutes((scope) => {
      useForms(scope);
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();

      app.get(
        '/admin/authors',
        { schema: { querystring: ListQuery }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => {
          const read = readForm(request, ListQuery, 'query');
          if (!read.ok) throw new HttpProblem('invalid-input', read.messages[0] ?? 'Check the search.');
          const q = read.values;
          const afterAuthor = q.after ? await ctx.newsroom.authors.author(actor(request), Number(q.after)) : null;
          if (q.after && !afterAuthor) throw new HttpProblem('invalid-input', 'That is not a place in the list.');
          const found = await ctx.newsroom.authors.list(actor(request), {
            search: q.q || undefined,
            after: afterAuthor ? { name: afterAuthor.name, id: afterAuthor.id } : undefined,
            limit: PAGE_SIZE + 1,
          });
          const authors = found.slice(0, PAGE_SIZE);
          const last = authors.at(-1);
          const next =
            found.length > PAGE_SIZE && last
              ? new URLSearchParams({ ...(q.q ? { q: q.q } : {}), after: String(last.id) }).toString()
              : null;
          const main = html`<h1>Authors</h1><p><a class="button" href="/admin/authors/new">New author</a></p>
<form method="get" action="/admin/authors" class="admin-filters"><label>Name <input type="search" name="q" value="${q.q}" maxlength="120"></label> <button type="submit" class="button secondary">Search</button></form>
${
  authors.length === 0
    ? html`<p role="status">No authors match.</p>`
    : html`<table class="admin-table"><thead><tr><th>Name</th><th>Page</th><th>Articles</th></tr></thead><tbody>${authors.map(
        (a) =>
          html`<tr data-author="${a.id}"><td><a href="/admin/authors/${a.id}/edit">${a.name}</a></td><td><a href="/author/${a.slug}">/author/${a.slug}</a></td><td><a href="/admin/articles?author=${a.slug}">Their articles</a></td></tr>`,
      )}</tbody></table>`
}
${next ? html`<p><a rel="next" href="/admin/authors?${next}">More authors</a></p>` : ''}`;
          return sendPage(
            reply,
            200,
            adminLayout(await pageChrome(ctx, request), 'Authors', html`${notice(q.notice ? 'Saved.' : undefined)}${main}`),
          );
        },
      );

      app.get('/admin/authors/new', { schema: { querystring: form({}) }, onRequest: mayEditContent }, async (request, reply) =>
        show(request, reply, 200, { author: null, form: { values: {}, errors: {} } }),
      );
      app.post(
        '/admin/authors/new',
        { schema: { body: AuthorForm }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => save(request, reply, null),
      );
      app.get(
        '/admin/authors/:id/edit',
        {
          schema: { params: AuthorParams, querystring: EditQuery },
          attachValidation: true,
          onRequest: mayEditContent,
        },
        async (request, reply) => {
          const author = await loadAuthor(request);
          const saved = readForm(request, EditQuery, 'query');
          return show(request, reply, 200, {
            author,
            form: formOfAuthor(author),
            notice: saved.ok && saved.values.notice ? 'Saved.' : undefined,
          });
        },
      );
      app.post(
        '/admin/authors/:id/edit',
        { schema: { params: AuthorParams, body: AuthorForm }, attachValidation: true, onRequest: mayEditContent },
        async (request, reply) => save(request, reply, await loadAuthor(request)),
      );
    }),
  );
}
