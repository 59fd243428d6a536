import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { editionPdf } from '../support/edition-pdf.js';
import { createArticle } from '../support/factories.js';

const NOW = '2026-11-24T04:00:00Z';
const PASSWORD = 'a long enough password';
const SECRET_LINE = 'Only subscribers read this sentence about the harbour tender';

/** A multipart body with text fields and any number of files in the part `file`. */
function multipartFiles(fields: Record<string, string>, files: { name: string; type: string; bytes: Buffer }[]) {
  const boundary = `----epaper${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describeEachEngine('e-paper', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  let subscriber = '';
  let pdf: Buffer;

  const csrf = async (cookie: string, url: string) => {
    const page = await t.app.inject({ url, headers: { cookie } });
    expect(page.statusCode, page.body).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token, cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie, page };
  };

  const upload = async (fields: Record<string, string>, files: { name: string; type: string; bytes: Buffer }[]) => {
    const form = await csrf(editor, '/admin/epaper');
    const body = multipartFiles({ _csrf: form.token, publishAt: '', ...fields }, files);
    return t.app.inject({
      method: 'POST',
      url: '/admin/epaper',
      headers: { cookie: form.cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
  };

  const editionCount = async () => (await db().selectFrom('epaper_editions').select('id').execute()).length;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, jobs: 'manual' });
    const people = [
      ['desk@example.com', 'editor'],
      ['subscriber@example.com', 'reader'],
      ['reader@example.com', 'reader'],
    ] as const;
    for (const [email, role] of people) await provisionUser(db(), { email, role, name: role, password: PASSWORD }, new Date());
    const sub = await db().selectFrom('users').select('id').where('email', '=', 'subscriber@example.com').executeTakeFirstOrThrow();
    await db()
      .insertInto('entitlement_grants')
      .values({ user_id: sub.id, entitlement: 'epaper', source: 'grant:test', starts_at: new Date('2026-01-01'), ends_at: null })
      .execute();
    editor = await sessionCookie(t.ctx, 'desk@example.com', PASSWORD);
    subscriber = await sessionCookie(t.ctx, 'subscriber@example.com', PASSWORD);
    await createArticle(db(), { headline: 'Harbour Tender Awarded', slug: 'harbour-tender-awarded' });
    pdf = await editionPdf([
      [
        { headline: 'Harbour Tender Awarded', body: `${SECRET_LINE}. `.repeat(6) },
        { headline: 'Rains Return Early', body: 'The monsoon arrived a week early over the coast. '.repeat(6) },
      ],
      [{ headline: 'Markets Close Higher', body: 'Shares rose for a third day as banks gained. '.repeat(6) }],
    ]);
  });

  it('refuses a file that is not a PDF, and a broken PDF, with a clear message and nothing stored', async () => {
    const notPdf = await upload({ name: 'Mumbai', date: '2026-11-24' }, [
      { name: 'page.pdf', type: 'application/pdf', bytes: Buffer.from('<html>not a pdf</html>') },
    ]);
    expect(notPdf.statusCode).toBe(400);
    expect(notPdf.body).toContain('This file is not a PDF');
    const broken = await upload({ name: 'Mumbai', date: '2026-11-24' }, [
      { name: 'broken.pdf', type: 'application/pdf', bytes: Buffer.concat([pdf.subarray(0, 400), Buffer.from('garbage')]) },
    ]);
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('could not be read');
    const none = await upload({ name: '', date: '2026-11-31' }, []);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Name the edition');
    expect(await editionCount()).toBe(0);
  });

  it('renders every page of an uploaded edition before readers see it, finds its stories and links the one on the web', async () => {
    const res = await upload({ name: 'Mumbai', date: '2026-11-24' }, [{ name: 'mumbai.pdf', type: 'application/pdf', bytes: pdf }]);
    expect(res.statusCode, res.body).toBe(303);
    const adminUrl = String(res.headers.location);
    const pending = await t.app.inject({ url: adminUrl, headers: { cookie: editor } });
    expect(pending.body).toContain('Rendering: 0 of 2 pages');
    // Not published until every page is rendered.
    expect((await t.app.inject({ url: '/epaper/mumbai/2026-11-24', headers: { cookie: subscriber } })).statusCode).toBe(404);

    await t.jobs.runDue();
    const ready = await t.app.inject({ url: adminUrl, headers: { cookie: editor } });
    expect(ready.body).toContain('Published');
    expect(ready.body).toContain('Harbour Tender Awarded');
    expect(ready.body).toContain('href="/harbour-tender-awarded"');
    expect(ready.body).toContain('Markets Close Higher');
    // The same edition again: refused, the first one kept.
    const again = await upload({ name: 'Mumbai', date: '2026-11-24' }, [{ name: 'mumbai.pdf', type: 'application/pdf', bytes: pdf }]);
    expect(again.statusCode).toBe(409);
    expect(await editionCount()).toBe(1);
  });

  it('shows the pages, their images and text only to a reader with the e-paper, through signed addresses that expire', async () => {
    const home = await t.app.inject({ url: '/epaper', headers: { cookie: subscriber } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/epaper/mumbai/2026-11-24"');
    const page = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/1', headers: { cookie: subscriber } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain(SECRET_LINE);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toContain('private');
    const imageUrl = /<image href="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect(imageUrl).toMatch(/^\/epaper\/files\/\d+\/[\w-]{22}\/[0-9a-f]{24}\/p1-page\.webp$/);
    const image = await t.app.inject({ url: imageUrl });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(image.headers['cache-control']).toMatch(/^private, max-age=\d+/);
    expect(image.rawPayload.subarray(8, 12).toString()).toBe('WEBP');

    // A forged signature, another file under the same signature, an expired address: all 404.
    const forged = imageUrl.replace(/\/([\w-]{22})\//, (_m, sig: string) => `/${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}/`);
    expect((await t.app.inject({ url: forged })).statusCode).toBe(404);
    expect((await t.app.inject({ url: imageUrl.replace('p1-page', 'p1-zoom') })).statusCode).toBe(404);
    expect((await t.app.inject({ url: imageUrl.replace('p1-page.webp', 'source-1.pdf') })).statusCode).toBe(404);
    clock.advance(3 * 3600_000);
    expect((await t.app.inject({ url: imageUrl })).statusCode).toBe(404);

    // Without the e-paper (signed out, or signed in without it): the offer, no page image, no text.
    for (const cookie of ['', `mh_session=${'x'.repeat(43)}`, (await sessionCookie(t.ctx, 'reader@example.com', PASSWORD)) as string]) {
      const edition = await t.app.inject({ url: '/epaper/mumbai/2026-11-24', headers: cookie ? { cookie } : {} });
      expect(edition.statusCode).toBe(200);
      expect(edition.body).toContain('href="/plans"');
      expect(edition.body).not.toContain('/epaper/files/');
      expect(edition.body).not.toContain(SECRET_LINE);
      const denied = await t.app.inject({ url: '/epaper/mumbai/2026-11-24/1', headers: cookie ? { cookie } : {} });
      expect(denied.statusCode).toBe(303);
      expect(denied.body).not.toContain(SECRET_LINE);
    }
  });
});
