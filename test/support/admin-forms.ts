import { expect } from 'vitest';
import type { TestApp } from './app.js';

/** Posting admin forms as a member of staff: the page's CSRF token and cookie, then the form. */
export function adminForms(t: () => TestApp) {
  const csrf = async (cookie: string, url: string) => {
    const page = await t().app.inject({ url, headers: { cookie } });
    expect(page.statusCode, url).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token, cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie, page };
  };
  /** Posts `fields` to `action` with the token of the page at `from`. */
  const post = async (cookie: string, from: string, action: string, fields: Record<string, string | string[]>) => {
    const form = await csrf(cookie, from);
    return t().app.inject({ method: 'POST', url: action, headers: { cookie: form.cookie }, payload: { _csrf: form.token, ...fields } });
  };
  return { csrf, post };
}

/** The article editor's fields that say nothing of the story: a free staff story in Markets, saved as a draft. */
const ARTICLE_FORM_DEFAULTS = {
  section: 'markets',
  tags: '',
  dateline: '',
  visibility: 'free',
  provenance: 'staff',
  slug: '',
  imageUrl: '',
  imageAlt: '',
  publishAt: '',
  action: 'save',
};

/**
 * The article editor as an editor uses it: `story` is what each form is filled in with (headline, standfirst,
 * body…), over the defaults above; `post` sends a form with the CSRF token and the version of the page at `from`.
 */
export function articleForms(t: () => TestApp, story: Record<string, string>) {
  const { csrf } = adminForms(t);
  const articleForm = (overrides: Record<string, string> = {}) => ({ ...ARTICLE_FORM_DEFAULTS, ...story, ...overrides });
  const post = async (cookie: string, from: string, action: string, fields: Record<string, string>) => {
    const form = await csrf(cookie, from);
    const version = /name="version" value="(\d*)"/.exec(form.page.body)?.[1] ?? '';
    return t().app.inject({
      method: 'POST',
      url: action,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.token, version, ...fields },
    });
  };
  /** Saves a new article from the form; its id. */
  const create = async (cookie: string, fields: Record<string, string>) => {
    const res = await post(cookie, '/admin/articles/new', '/admin/articles/new', articleForm(fields));
    expect(res.statusCode, res.body).toBe(303);
    return Number(/\/admin\/articles\/(\d+)\/edit/.exec(res.headers.location as string)?.[1]);
  };
  const edit = (cookie: string, id: number, fields: Record<string, string>) =>
    post(cookie, `/admin/articles/${id}/edit`, `/admin/articles/${id}/edit`, articleForm(fields));
  return { csrf, post, create, edit, articleForm };
}
