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
  const post = async (cookie: string, from: string, action: string, fields: Record<string, string>) => {
    const form = await csrf(cookie, from);
    return t().app.inject({ method: 'POST', url: action, headers: { cookie: form.cookie }, payload: { _csrf: form.token, ...fields } });
  };
  return { csrf, post };
}
