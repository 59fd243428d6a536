import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { StoredImage } from '../../src/domain/media/model.js';
import { ANONYMOUS } from '../../src/domain/policies/policies.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';
import { multipart } from '../support/multipart.js';

const NOW = '2026-11-24T10:00:00Z';
const ALL_WIDTHS = [320, 640, 960, 1280, 1920];

/** A camera's JPEG: EXIF with the photographer's name and a GPS position. */
function cameraJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#2f6690' } })
    .jpeg()
    .withExif({ IFD0: { Artist: 'Hidden Photographer' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '12/1 58/1 0/1' } })
    .toBuffer();
}

describeEachEngine('newsroom: images', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  let reader = '';
  let business = '';

  const csrf = async (cookie: string) => {
    const page = await t.app.inject({ url: '/admin/images', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = page.cookies.find((c) => c.name === 'mh_csrf');
    return { token, cookie: csrfCookie ? `${cookie}; mh_csrf=${csrfCookie.value}` : cookie };
  };

  const upload = async (fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }, cookie = editor) => {
    const form = await csrf(cookie);
    const body = multipart({ _csrf: form.token, ratio: '16:9', focusX: '50', focusY: '50', caption: '', credit: '', ...fields }, file);
    return t.app.inject({
      method: 'POST',
      url: '/admin/images',
      headers: { cookie: form.cookie, 'content-type': body.contentType },
      payload: body.payload,
    });
  };

  const idOf = (location: unknown) => Number(/\/admin\/images\/(\d+)\/edit/.exec(String(location))?.[1]);
  const stored = async (id: number): Promise<StoredImage> => (await t.ctx.media.views([id])).get(id) as unknown as StoredImage;
  const count = async () =>
    Number(
      (
        await db()
          .selectFrom('images')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    const people = [
      ['photo-desk@example.com', 'editor'],
      ['a-reader@example.com', 'reader'],
      ['ledger@example.com', 'business'],
    ] as const;
    for (const [email, role] of people)
      await provisionUser(db(), { email, role, name: role, password: 'a long enough password' }, new Date());
    editor = await sessionCookie(t.ctx, 'photo-desk@example.com', 'a long enough password');
    reader = await sessionCookie(t.ctx, 'a-reader@example.com', 'a long enough password');
    business = await sessionCookie(t.ctx, 'ledger@example.com', 'a long enough password');
  });

  it('makes every width up to the crop in AVIF, WebP and JPEG, without the camera’s metadata, served for a year', async () => {
    const res = await upload(
      { alt: 'A ferry crossing the harbour at dawn', caption: 'The first ferry of the day', credit: 'Photo: A. Lens' },
      { name: 'ferry.jpg', type: 'image/jpeg', bytes: await cameraJpeg(2400, 1600) },
    );
    expect(res.statusCode, res.body).toBe(303);
    const id = idOf(res.headers.location);
    const image = await stored(id);
    expect(image.alt).toBe('A ferry crossing the harbour at dawn');
    expect(image.width).toBe(2400);
    expect(image.height).toBe(1350);
    const made = image.renditions.map((r) => `${r.format}@${r.width}`).sort();
    expect(made).toEqual(ALL_WIDTHS.flatMap((w) => [`avif@${w}`, `jpeg@${w}`, `webp@${w}`]).sort());

    const sharpFormat = { avif: 'heif', webp: 'webp', jpeg: 'jpeg' } as const;
    const contentType = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' } as const;
    for (const rendition of image.renditions) {
      const served = await t.app.inject({ url: `/media/${rendition.key}` });
      expect(served.statusCode, rendition.key).toBe(200);
      expect(served.headers['content-type']).toBe(contentType[rendition.format]);
      expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(served.headers['x-content-type-options']).toBe('nosniff');
      const facts = await sharp(served.rawPayload).metadata();
      expect(facts.format).toBe(sharpFormat[rendition.format]);
      expect([facts.width, facts.height]).toEqual([rendition.width, Math.round((rendition.width * 9) / 16)]);
      expect(facts.exif, `${rendition.key} keeps no EXIF`).toBeUndefined();
      expect(served.rawPayload.toString('latin1')).not.toContain('Hidden Photographer');
    }

    // The upload is in the audit log: who, and what it says.
    const logged = await db().selectFrom('audit_log').selectAll().where('area', '=', 'image').where('action', '=', 'create').execute();
    expect(logged.map((row) => row.subject)).toContain(`#${id} A ferry crossing the harbour at dawn`);
    expect(JSON.stringify(logged.find((row) => row.subject.startsWith(`#${id} `))?.after)).toContain('Photo: A. Lens');

    const library = await t.app.inject({ url: '/admin/images', headers: { cookie: editor } });
    expect(library.body).toContain('A ferry crossing the harbour at dawn');
    expect(library.body).toContain(`/admin/images/${id}/edit`);
  });

  it('never upscales: a small picture is made at the widths it reaches and its own', async () => {
    const png = await sharp({ create: { width: 500, height: 500, channels: 4, background: '#ffffff00' } })
      .png()
      .toBuffer();
    const res = await upload({ alt: 'A square logo', ratio: '1:1' }, { name: 'logo.png', type: 'image/png', bytes: png });
    expect(res.statusCode, res.body).toBe(303);
    const image = await stored(idOf(res.headers.location));
    expect([...new Set(image.renditions.map((r) => r.width))].sort((a, b) => a - b)).toEqual([320, 500]);
    expect(image.renditions.every((r) => r.height === r.width)).toBe(true);
  });

  it('refuses what is not an image, whatever its name, with the message beside the field and the words kept', async () => {
    const before = await count();
    const res = await upload(
      { alt: 'Typed alt text stays', caption: 'A caption I typed' },
      { name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('%PDF-1.7 this is not a picture at all') },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="image-file-error"');
    expect(res.body).toContain('not an image we can use');
    expect(res.body).toContain('value="Typed alt text stays"');
    expect(res.body).toContain('value="A caption I typed"');
    expect(await count()).toBe(before);
  });

  it('answers a file that kills the image helper as it is read with 400, and the next upload works', async () => {
    const before = await count();
    const codec = t.ctx.renderer.codec;
    const inspect = codec.inspect;
    await t.ctx.renderer.close(); // a helper just starting cannot answer before it is killed
    codec.inspect = (bytes) => {
      const answer = inspect(bytes);
      process.kill(t.ctx.renderer.pid()!, 'SIGKILL'); // as a decoder's crash would end it
      return answer;
    };
    try {
      const res = await upload({ alt: 'Crashes the decoder' }, { name: 'bomb.png', type: 'image/png', bytes: await cameraJpeg(64, 64) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not an image we can use');
    } finally {
      codec.inspect = inspect;
    }
    expect(await count()).toBe(before);
    const next = await upload({ alt: 'A good one' }, { name: 'ok.jpg', type: 'image/jpeg', bytes: await cameraJpeg(640, 360) });
    expect(next.statusCode).toBe(303);
    expect(await count()).toBe(before + 1);
  });

  it('requires alt text, and says so beside the field', async () => {
    const before = await count();
    const res = await upload(
      { alt: '   ', credit: 'Photo: Kept' },
      { name: 'x.jpg', type: 'image/jpeg', bytes: await cameraJpeg(800, 600) },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="image-alt-error">[^<]*alt text is required/);
    expect(res.body).toContain('value="Photo: Kept"');
    const none = await upload({ alt: 'Something' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose an image to upload.');
    expect(await count()).toBe(before);
  });

  it('answers a form cut off in the middle of its file with 400, not a server error', async () => {
    const form = await csrf(editor);
    const body = multipart(
      { _csrf: form.token, alt: 'Cut off' },
      { name: 'cut.jpg', type: 'image/jpeg', bytes: await cameraJpeg(400, 300) },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/images',
      headers: { cookie: form.cookie, 'content-type': body.contentType },
      payload: body.payload.subarray(0, body.payload.length - 200),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('not well-formed multipart/form-data');
  });

  it('answers a file over the limit with 413 and a clear page, keeping what was typed', async () => {
    const before = await count();
    const big = Buffer.concat([await cameraJpeg(64, 64), randomBytes(15 * 1024 * 1024)]);
    const res = await upload({ alt: 'Too big to take' }, { name: 'huge.jpg', type: 'image/jpeg', bytes: big });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('larger than 15 MB');
    expect(res.body).toContain('value="Too big to take"');
    expect(await count()).toBe(before);
  });

  it('refuses a picture of more pixels than the limit from its header, before decoding it', async () => {
    const header = await sharp({ create: { width: 10_000, height: 6_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const res = await upload({ alt: 'Sixty megapixels' }, { name: 'wide.png', type: 'image/png', bytes: header });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('10000 × 6000 pixels (60 megapixels)');
  });

  it('serves nothing it does not know, no originals and no listings', async () => {
    const [image] = await t.ctx.media.list({ kind: 'user', id: 1, role: 'admin' }, { limit: 1 });
    const unknown = [
      '/media/images/0123456789abcdef/0123456789ab/640.webp',
      `/media/${image!.originalKey}`,
      `/media/images/${image!.keyPrefix.split('/')[1]}/`,
      `/media/${image!.keyPrefix}`,
      '/media/images/',
      '/media/',
      '/media/image/999999',
      '/media/images/..%2F..%2Foriginals',
    ];
    for (const url of unknown) expect((await t.app.inject({ url })).statusCode, url).toBe(404);
    const largest = await t.app.inject({ url: `/media/image/${image!.id}` });
    expect(largest.statusCode).toBe(302);
    expect(largest.headers.location).toMatch(/^\/media\/images\/[0-9a-f]{16}\/[0-9a-f]{12}\/\d+\.jpg$/);
  });

  it('keeps readers and the business team out of the image pages (404), and out of the service', async () => {
    for (const cookie of ['', reader, business]) {
      expect((await t.app.inject({ url: '/admin/images', headers: { cookie } })).statusCode).toBe(404);
      const body = multipart({ alt: 'x' }, { name: 'a.jpg', type: 'image/jpeg', bytes: await cameraJpeg(400, 300) });
      const post = await t.app.inject({
        method: 'POST',
        url: '/admin/images',
        headers: { cookie, 'content-type': body.contentType },
        payload: body.payload,
      });
      expect(post.statusCode).toBe(404);
      expect((await t.app.inject({ url: '/admin/images/1/edit', headers: { cookie } })).statusCode).toBe(404);
    }
    await expect(t.ctx.media.list(ANONYMOUS, { limit: 5 })).rejects.toThrow('Not found');
  });

  it('shows an article’s uploaded lead image as a <picture> with srcset, caption and credit; an imported address as an <img>', async () => {
    const res = await upload(
      { alt: 'Traders at the exchange', caption: 'The closing bell on Tuesday', credit: 'Photo: M. Shutter' },
      {
        name: 'exchange.webp',
        type: 'application/octet-stream',
        bytes: await sharp(await cameraJpeg(1000, 750))
          .webp()
          .toBuffer(),
      },
    );
    expect(res.statusCode, res.body).toBe(303);
    const id = idOf(res.headers.location);
    const article = await createArticle(db(), {
      slug: 'closing-bell',
      visibility: 'free',
      leadImage: { url: `/media/image/${id}`, alt: '' },
    });
    const page = await t.app.inject({ url: `/article/${article.slug}` });
    expect(page.statusCode).toBe(200);
    const figure = /<figure class="lead-image">[\s\S]*?<\/figure>/.exec(page.body)?.[0] ?? '';
    expect(figure).toMatch(
      /<source type="image\/avif" srcset="\/media\/images\/[0-9a-f]{16}\/[0-9a-f]{12}\/320\.avif 320w, [^"]*960\.avif 960w"/,
    );
    expect(figure).toMatch(/<source type="image\/webp" srcset="[^"]*320\.webp 320w/);
    expect(figure).toMatch(
      /<img src="\/media\/images\/[^"]+\/960\.jpg" srcset="[^"]*320\.jpg 320w[^"]*" sizes="[^"]+" alt="Traders at the exchange" width="960" height="540"/,
    );
    expect(figure).toContain('The closing bell on Tuesday');
    expect(figure).toContain('Photo: M. Shutter');
    // Every address the page names is served.
    for (const [url] of figure.matchAll(/\/media\/images\/[^\s",]+/g)) expect((await t.app.inject({ url })).statusCode, url).toBe(200);

    // Apps get the same image through the API.
    const api = (await t.app.inject({ url: `/api/v1/articles/${article.slug}` })).json();
    expect(api.article.lead_image).toMatchObject({
      url: `/media/image/${id}`,
      alt: 'Traders at the exchange',
      caption: 'The closing bell on Tuesday',
      credit: 'Photo: M. Shutter',
    });
    expect(api.article.lead_image.renditions).toHaveLength(9);

    const imported = await createArticle(db(), {
      slug: 'imported-picture',
      visibility: 'free',
      leadImage: { url: 'https://images.example.com/wire/123.jpg', alt: 'Wire photo of a ship' },
    });
    const importedPage = await t.app.inject({ url: `/article/${imported.slug}` });
    expect(importedPage.body).toContain('<img src="https://images.example.com/wire/123.jpg" alt="Wire photo of a ship"');

    // The section page's card carries the picture too.
    t.ctx.content.invalidate();
    const section = await t.app.inject({ url: '/section/markets' });
    expect(section.body).toMatch(/<div class="card-image"><picture><source type="image\/avif"/);
  });

  it('crops again at new addresses when the editor moves the crop, and pages follow; the old files stay served', async () => {
    const res = await upload({ alt: 'A lighthouse' }, { name: 'light.jpg', type: 'image/jpeg', bytes: await cameraJpeg(800, 600) });
    const id = idOf(res.headers.location);
    const first = await stored(id);
    await createArticle(db(), { slug: 'lighthouse', visibility: 'free', leadImage: { url: `/media/image/${id}`, alt: '' } });
    expect((await t.app.inject({ url: '/article/lighthouse' })).body).toContain('alt="A lighthouse"');

    const editPage = await t.app.inject({ url: `/admin/images/${id}/edit`, headers: { cookie: editor } });
    const token = /name="_csrf" value="([^"]+)"/.exec(editPage.body)?.[1] ?? '';
    const csrfCookie = editPage.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const post = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/admin/images/${id}/edit`,
        headers: { cookie: `${editor}; mh_csrf=${csrfCookie}` },
        payload: { _csrf: token, caption: '', credit: '', ratio: '1:1', focusX: '0', focusY: '50', ...fields },
      });
    const refused = await post({ alt: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="image-alt-error"');
    const saved = await post({ alt: 'A lighthouse on the cliff', credit: 'Photo: Harbour Desk' });
    expect(saved.statusCode, saved.body).toBe(303);

    const edits = await db().selectFrom('audit_log').selectAll().where('area', '=', 'image').where('action', '=', 'update').execute();
    expect(edits).toHaveLength(1);
    expect(edits[0]!.before).toMatchObject({ alt: 'A lighthouse', ratio: '16:9' });
    expect(edits[0]!.after).toMatchObject({ alt: 'A lighthouse on the cliff', ratio: '1:1', credit: 'Photo: Harbour Desk' });

    const second = await stored(id);
    expect(second.renditions.every((r) => r.width === r.height)).toBe(true);
    expect(second.renditions[0]!.key.split('/').slice(0, 3)).not.toEqual(first.renditions[0]!.key.split('/').slice(0, 3));
    const page = await t.app.inject({ url: '/article/lighthouse' });
    expect(page.body).toContain('alt="A lighthouse on the cliff"');
    expect(page.body).toContain('Photo: Harbour Desk');
    expect(page.body).toContain(second.renditions[0]!.key.split('/').slice(0, 3).join('/'));
    expect((await t.app.inject({ url: `/media/${first.renditions[0]!.key}` })).statusCode).toBe(200);
  });

  it('lets the editor choose an uploaded image as an article’s lead image by its number, and refuses one the library lacks', async () => {
    const res = await upload(
      { alt: 'Rain over the paddy fields', caption: 'Sowing began early', credit: 'Photo: Field Desk' },
      {
        name: 'rain.gif',
        type: 'image/gif',
        bytes: await sharp({ create: { width: 700, height: 500, channels: 3, background: '#4a7' } })
          .gif()
          .toBuffer(),
      },
    );
    expect(res.statusCode, res.body).toBe(303);
    const id = idOf(res.headers.location);
    const newPage = await t.app.inject({ url: '/admin/articles/new', headers: { cookie: editor } });
    const token = /name="_csrf" value="([^"]+)"/.exec(newPage.body)?.[1] ?? '';
    const cookie = `${editor}; mh_csrf=${newPage.cookies.find((c) => c.name === 'mh_csrf')?.value ?? ''}`;
    const article = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/articles/new',
        headers: { cookie },
        payload: {
          _csrf: token,
          headline: 'Rain lifts the kharif crop',
          standfirst: 'Sowing is ahead of last year.',
          body: 'The first paragraph.\n\nThe second paragraph.',
          section: 'markets',
          visibility: 'free',
          provenance: 'staff',
          slug: 'rain-lifts-kharif',
          action: 'publish',
          ...fields,
        },
      });

    const missing = await article({ leadImageId: '987654' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/id="article-leadImageId-error">There is no image with this number/);
    expect(missing.body).toContain('value="Rain lifts the kharif crop"');

    const saved = await article({ leadImageId: String(id) });
    expect(saved.statusCode, saved.body).toBe(303);
    const edit = await t.app.inject({ url: String(saved.headers.location), headers: { cookie: editor } });
    expect(edit.body).toContain(`value="${id}"`);
    expect(edit.body).toMatch(/class="chosen-image">[\s\S]*Sowing began early[\s\S]*Photo: Field Desk/);

    const page = await t.app.inject({ url: '/article/rain-lifts-kharif' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<figure class="lead-image"><picture><source type="image\/avif" srcset="[^"]*320\.avif 320w/);
    expect(page.body).toContain('alt="Rain over the paddy fields"');
    expect(page.body).toMatch(
      /<figcaption><span class="caption">Sowing began early<\/span> <span class="credit">Photo: Field Desk<\/span><\/figcaption>/,
    );
  });
});
