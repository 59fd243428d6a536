import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { multipart } from '../support/multipart.js';
import { jsonCall, type Json } from './api-client.js';

const NOW = '2026-11-24T10:00:00Z';

/** A valid GSTIN of Karnataka (29) whose check character is right. */
const GSTIN = '29AAGCB7383J1Z4';

const png = (width: number, height: number, background = '#2f6690') =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

describeEachEngine('admin API: images and the publication’s settings', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const tokens: Record<string, string> = {};

  const call = jsonCall(() => t);

  const upload = (fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }, token = tokens.editor) => {
    const body = multipart(fields, file);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/images',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': body.contentType },
      payload: body.payload,
    });
  };

  const count = async (table: 'images' | 'audit_log') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (const role of ['editor', 'business', 'reader'] as const) {
      const email = `${role}@example.com`;
      await provisionUser(db(), { email, role, name: `The ${role}`, password: `${role} long password` }, new Date());
      const res = await call('POST', '/api/v1/auth/token', undefined, { email, password: `${role} long password` });
      expect(res.statusCode, res.body).toBe(200);
      tokens[role] = res.json<Json>().access_token as string;
    }
  });

  it('uploads an image from a form, gives its renditions’ addresses, and serves them', async () => {
    const res = await upload(
      { alt: 'Cranes over the container port', caption: 'Loading at dawn', credit: 'Photo: Port Desk', ratio: '4:3', focus_x: '30' },
      { name: 'port.png', type: 'image/png', bytes: await png(1200, 800) },
    );
    expect(res.statusCode, res.body).toBe(201);
    const image = res.json<Json>().image as Json;
    expect(image).toMatchObject({
      url: `/media/image/${image.id}`,
      alt: 'Cranes over the container port',
      caption: 'Loading at dawn',
      credit: 'Photo: Port Desk',
      width: 1200,
      height: 800,
      crop: { ratio: '4:3', focus_x: 30, focus_y: 50, box: { width: 1067, height: 800 } },
      created_at: NOW.replace('Z', '.000Z'),
    });
    const renditions = image.renditions as Json[];
    // Each standard width up to the crop's 1067 pixels (the crop itself is within a fifth of 960).
    expect(renditions.map((r) => `${r.format}@${r.width}`).sort()).toEqual(
      [320, 640, 960].flatMap((w) => [`avif@${w}`, `jpeg@${w}`, `webp@${w}`]).sort(),
    );

    const webp = renditions.find((r) => r.format === 'webp' && r.width === 640) as Json;
    const served = await t.app.inject({ url: webp.url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(await sharp(served.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 640, height: 480 });
    // The address an article's lead_image takes leads to the largest JPEG.
    const lead = await t.app.inject({ url: image.url });
    expect(lead.statusCode).toBe(302);
    expect(lead.headers.location).toBe(renditions.find((r) => r.format === 'jpeg' && r.width === 960)?.url);

    const read = await call('GET', `/api/v1/admin/images/${image.id}`, tokens.editor);
    expect(read.statusCode).toBe(200);
    expect(read.json<Json>().image).toEqual(image);
    expect(read.headers['cache-control']).toBe('no-store');
  });

  it('lists the library newest first, a page at a time', async () => {
    clock.advance(60_000);
    const older = (
      await upload({ alt: 'An older picture' }, { name: 'a.png', type: 'image/png', bytes: await png(400, 300, '#aa3') })
    ).json<Json>();
    clock.advance(60_000);
    const newer = (
      await upload({ alt: 'A newer picture' }, { name: 'b.png', type: 'image/png', bytes: await png(400, 300, '#3aa') })
    ).json<Json>();
    const first = await call('GET', '/api/v1/admin/images?limit=1', tokens.editor);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<Json>().images.map((i: Json) => i.id)).toEqual([newer.image.id]);
    const cursor = first.json<Json>().next_cursor as string;
    expect(cursor).toMatch(/^\d+\.\d+$/);
    const second = await call('GET', `/api/v1/admin/images?limit=1&before=${cursor}`, tokens.editor);
    expect(second.json<Json>().images.map((i: Json) => i.id)).toEqual([older.image.id]);
    const all = (await call('GET', '/api/v1/admin/images', tokens.editor)).json<Json>();
    expect(all.images).toHaveLength(3);
    expect(all.next_cursor).toBeNull();
    expect((await call('GET', '/api/v1/admin/images?before=not-a-cursor', tokens.editor)).statusCode).toBe(400);
  });

  it('crops an image again at new addresses, keeps what is left out, and logs the change', async () => {
    const created = (
      await upload({ alt: 'A lighthouse', credit: 'Photo: Coast Desk' }, { name: 'l.png', type: 'image/png', bytes: await png(800, 600) })
    ).json<Json>().image as Json;
    const saved = await call('PUT', `/api/v1/admin/images/${created.id}`, tokens.editor, { ratio: '1:1', focus_x: 0, caption: 'At dusk' });
    expect(saved.statusCode, saved.body).toBe(200);
    const image = saved.json<Json>().image as Json;
    expect(image).toMatchObject({
      alt: 'A lighthouse',
      credit: 'Photo: Coast Desk',
      caption: 'At dusk',
      crop: { ratio: '1:1', focus_x: 0, focus_y: 50, box: { left: 0, top: 0, width: 600, height: 600 } },
    });
    const renditions = image.renditions as Json[];
    expect(renditions.every((r) => r.width === r.height)).toBe(true);
    const [now, was] = [renditions[0]?.url as string, (created.renditions as Json[])[0]?.url as string];
    const folder = (url: string) => url.split('/').slice(0, 5).join('/');
    expect(folder(now)).not.toBe(folder(was));
    expect((await t.app.inject({ url: now })).statusCode).toBe(200);
    // The old files stay served: pages and caches may still name them.
    expect((await t.app.inject({ url: was })).statusCode).toBe(200);

    const [entry] = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('area', '=', 'image')
      .where('action', '=', 'update')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(entry?.before).toMatchObject({ ratio: '16:9', caption: '' });
    expect(entry?.after).toMatchObject({ ratio: '1:1', caption: 'At dusk' });

    const blank = await call('PUT', `/api/v1/admin/images/${created.id}`, tokens.editor, { alt: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json<Json>().error).toMatchObject({
      code: 'invalid-input',
      fields: { alt: expect.stringContaining('alt text is required') },
    });
    expect((await call('PUT', '/api/v1/admin/images/999999', tokens.editor, { alt: 'x' })).statusCode).toBe(404);
    expect((await call('PUT', `/api/v1/admin/images/${created.id}`, tokens.editor, { ratio: '2:1' })).statusCode).toBe(400);
  });

  it('refuses an upload with no alt text, a file that is not an image or is too large, naming the field, and stores nothing', async () => {
    const before = await count('images');
    const blank = await upload({ alt: '   ' }, { name: 'x.png', type: 'image/png', bytes: await png(400, 300) });
    expect(blank.statusCode).toBe(400);
    expect(blank.json<Json>().error).toMatchObject({
      code: 'invalid-input',
      fields: { alt: expect.stringContaining('alt text is required') },
    });
    const missing = await upload({ caption: 'No alt at all' }, { name: 'x.png', type: 'image/png', bytes: await png(400, 300) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<Json>().error).toMatchObject({ code: 'invalid-input', message: 'body/alt is required' });

    const text = await upload(
      { alt: 'Not a picture' },
      { name: 'notes.png', type: 'image/png', bytes: Buffer.from('just some text, not pixels') },
    );
    expect(text.statusCode).toBe(400);
    expect(text.json<Json>().error).toMatchObject({ code: 'invalid-input', fields: { file: expect.stringContaining('not an image') } });
    const none = await upload({ alt: 'No file' });
    expect(none.json<Json>().error).toEqual({ code: 'invalid-input', message: 'body/file is required' });

    const big = Buffer.concat([await png(64, 64), randomBytes(15 * 1024 * 1024)]);
    const tooLarge = await upload({ alt: 'Far too big' }, { name: 'huge.png', type: 'image/png', bytes: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json<Json>().error).toMatchObject({
      code: 'payload-too-large',
      fields: { file: expect.stringContaining('larger than 15 MB') },
    });

    // A form cut off in the middle of its file, as a dropped connection leaves it.
    const whole = multipart({ alt: 'Cut off' }, { name: 'cut.png', type: 'image/png', bytes: await png(400, 300) });
    const cut = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/images',
      headers: { authorization: `Bearer ${tokens.editor}`, 'content-type': whole.contentType },
      payload: whole.payload.subarray(0, whole.payload.length - 200),
    });
    expect(cut.statusCode).toBe(400);
    expect(cut.json<Json>().error).toMatchObject({ code: 'bad-request', message: expect.stringContaining('not well-formed multipart') });

    const json = await call('POST', '/api/v1/admin/images', tokens.editor, { alt: 'Sent as JSON', file: 'aGVsbG8=' });
    expect(json.statusCode).toBe(415);
    expect(await count('images')).toBe(before);
  });

  it('is the newsroom’s only: no token is 401, a reader’s or the business team’s finds nothing', async () => {
    const file = { name: 'x.png', type: 'image/png', bytes: await png(400, 300) };
    expect((await upload({ alt: 'Anonymous' }, file, '')).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/admin/images', undefined)).statusCode).toBe(401);
    for (const role of ['reader', 'business']) {
      const refused = await upload({ alt: 'Not theirs' }, file, tokens[role]);
      expect(refused.statusCode, role).toBe(404);
      expect(refused.json<Json>().error.code).toBe('not-found');
      expect((await call('GET', '/api/v1/admin/images', tokens[role])).statusCode, role).toBe(404);
      expect((await call('GET', '/api/v1/admin/images/1', tokens[role])).statusCode, role).toBe(404);
      expect((await call('PUT', '/api/v1/admin/images/1', tokens[role], { alt: 'x' })).statusCode, role).toBe(404);
    }
  });

  it('takes an image from the library as the logo: the header shows it and its address leads to a rendition', async () => {
    const res = await upload({ alt: 'Masthead logo', ratio: '1:1' }, { name: 'logo.png', type: 'image/png', bytes: await png(600, 600) });
    expect(res.statusCode, res.body).toBe(201);
    const { url } = res.json<Json>().image as Json;
    const saved = await call('PUT', '/api/v1/admin/settings', tokens.business, { logo_url: url });
    expect(saved.statusCode, saved.body).toBe(200);
    const home = await t.app.inject({ url: '/' });
    expect(home.body).toContain(`<img class="logo" src="${String(url)}"`);
    const address = await t.app.inject({ url: String(url) });
    expect(address.statusCode).toBeGreaterThanOrEqual(300);
    expect(address.statusCode).toBeLessThan(400);
    const rendition = await t.app.inject({ url: String(address.headers.location) });
    expect(rendition.statusCode).toBe(200);
    expect(rendition.headers['content-type']).toMatch(/^image\//);
    expect((await call('PUT', '/api/v1/admin/settings', tokens.business, { logo_url: '' })).statusCode).toBe(200);
  });

  it('reads and saves the settings: the new name is on the site at once, and in the audit log', async () => {
    const read = await call('GET', '/api/v1/admin/settings', tokens.business);
    expect(read.statusCode, read.body).toBe(200);
    const settings = read.json<Json>().settings as Json;
    expect(settings).toMatchObject({ publication_name: 'The Daily Ledger', time_zone: '', social_links: [], premium_promised_daily: 0 });
    expect(Object.keys(settings.supplier as Json).sort()).toEqual(['address', 'gstin', 'invoice_series', 'name', 'state']);
    // What GET gives, PUT takes back: nothing changes.
    const same = await call('PUT', '/api/v1/admin/settings', tokens.business, settings);
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json<Json>().changed).toBe(false);

    const auditBefore = await count('audit_log');
    const saved = await call('PUT', '/api/v1/admin/settings', tokens.business, {
      publication_name: 'The Evening Abacus',
      time_zone: 'Europe/London',
      social_links: ['https://social.example/abacus'],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<Json>()).toMatchObject({
      changed: true,
      settings: { publication_name: 'The Evening Abacus', tagline: settings.tagline, time_zone: 'Europe/London' },
    });
    const home = await t.app.inject({ url: '/' });
    expect(home.body).toContain('<title>The Evening Abacus</title>');
    expect(home.body).toContain('https://social.example/abacus');
    expect((await call('GET', '/api/v1/admin/settings', tokens.business)).json<Json>().settings.publication_name).toBe(
      'The Evening Abacus',
    );

    expect(await count('audit_log')).toBe(auditBefore + 1);
    const [entry] = await t.ctx.audit.list({ kind: 'user', id: 1, role: 'admin' }, { area: 'settings' });
    expect(entry?.user?.email).toBe('business@example.com');
    expect(entry?.changes).toEqual(
      expect.arrayContaining([
        { field: 'publicationName', before: 'The Daily Ledger', after: 'The Evening Abacus' },
        { field: 'timeZone', before: '', after: 'Europe/London' },
      ]),
    );
  });

  it('names every wrong setting in error.fields and saves nothing', async () => {
    const before = (await call('GET', '/api/v1/admin/settings', tokens.business)).json<Json>().settings as Json;
    const bad = await call('PUT', '/api/v1/admin/settings', tokens.business, {
      publication_name: 'A name never saved',
      time_zone: 'Mars/Olympus_Mons',
      contact_email: 'not an address',
      premium_promised_daily: 5000,
      supplier: { gstin: '29AAGCB7383J1Z5' },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    const error = bad.json<Json>().error as Json;
    expect(error.code).toBe('invalid-input');
    expect(Object.keys(error.fields as Json).sort()).toEqual(['contact_email', 'premium_promised_daily', 'supplier.gstin', 'time_zone']);
    expect(error.fields.time_zone).toContain('Mars/Olympus_Mons is not a time zone');
    expect(error.message).toMatch(/^time_zone: /);
    expect((await call('GET', '/api/v1/admin/settings', tokens.business)).json<Json>().settings).toEqual(before);
    expect((await t.app.inject({ url: '/' })).body).not.toContain('A name never saved');

    const extra = await call('PUT', '/api/v1/admin/settings', tokens.business, { publication_name: 'X', theme: 'dark' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<Json>().error.message).toBe('body/theme is not allowed');
    const nested = await call('PUT', '/api/v1/admin/settings', tokens.business, { supplier: { pan: 'AAGCB7383J' } });
    expect(nested.json<Json>().error.message).toBe('body/supplier/pan is not allowed');
  });

  it('changes the legal identity new invoices carry', async () => {
    const saved = await call('PUT', '/api/v1/admin/settings', tokens.business, {
      supplier: {
        name: 'Abacus Media Pvt Ltd',
        address: '2 Residency Road\nBengaluru 560025',
        state: '29',
        gstin: GSTIN,
        invoice_series: 'AB',
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<Json>().settings.supplier).toEqual({
      name: 'Abacus Media Pvt Ltd',
      address: '2 Residency Road\nBengaluru 560025',
      state: '29',
      gstin: GSTIN,
      invoice_series: 'AB',
    });
    const [entry] = await t.ctx.audit.list({ kind: 'user', id: 1, role: 'admin' }, { area: 'settings' });
    expect(entry?.subject).toBe('supplier');
  });

  it('edits the trust pages, refusing an unknown placeholder and a grievance page without its officer', async () => {
    const about = await call('GET', '/api/v1/admin/pages/about', tokens.business);
    expect(about.statusCode, about.body).toBe(200);
    expect(about.json<Json>().page).toMatchObject({ slug: 'about', stored: false, url: '/about' });
    expect(about.json<Json>().page).not.toHaveProperty('grievance_officer');

    const saved = await call('PUT', '/api/v1/admin/pages/about', tokens.business, { body: 'We are {publication}, founded in 1997.' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<Json>()).toMatchObject({ changed: true, page: { stored: true, title: about.json<Json>().page.title } });
    expect((await t.app.inject({ url: '/about' })).body).toContain('We are The Evening Abacus, founded in 1997.');

    const unknown = await call('PUT', '/api/v1/admin/pages/about', tokens.business, { body: 'Call {editor_phone}.' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<Json>().error.fields.body).toContain('There is no placeholder {editor_phone}');

    const noOfficer = await call('PUT', '/api/v1/admin/pages/grievance', tokens.business, { title: 'Grievances' });
    expect(noOfficer.statusCode).toBe(400);
    expect(Object.keys(noOfficer.json<Json>().error.fields as Json)).toEqual(
      expect.arrayContaining(['grievance_officer.name', 'grievance_officer.email', 'grievance_officer.response_days']),
    );
    const officer = {
      name: 'Kavya Rao',
      designation: 'Grievance Officer',
      email: 'grievance@abacus.test',
      phone: '+91 80 4000 1234',
      address: '2 Residency Road\nBengaluru 560025',
      response_days: 10,
    };
    const grievance = await call('PUT', '/api/v1/admin/pages/grievance', tokens.business, { grievance_officer: officer });
    expect(grievance.statusCode, grievance.body).toBe(200);
    expect(grievance.json<Json>().page.grievance_officer).toEqual(officer);
    expect((await t.app.inject({ url: '/grievance' })).body).toContain('Kavya Rao');
    const misplaced = await call('PUT', '/api/v1/admin/pages/about', tokens.business, { grievance_officer: officer });
    expect(Object.keys(misplaced.json<Json>().error.fields as Json)).toEqual(['grievance_officer']);
  });

  it('is the business team’s only: an editor’s or a reader’s token finds nothing, no token is 401', async () => {
    for (const role of ['editor', 'reader']) {
      expect((await call('GET', '/api/v1/admin/settings', tokens[role])).statusCode, role).toBe(404);
      expect((await call('PUT', '/api/v1/admin/settings', tokens[role], { publication_name: 'Taken over' })).statusCode, role).toBe(404);
      expect((await call('GET', '/api/v1/admin/pages/about', tokens[role])).statusCode, role).toBe(404);
      expect((await call('PUT', '/api/v1/admin/pages/about', tokens[role], { title: 'Taken over' })).statusCode, role).toBe(404);
    }
    expect((await call('GET', '/api/v1/admin/settings', undefined)).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/' })).body).not.toContain('Taken over');
  });

  it('is described in the OpenAPI document, the upload as a multipart form with its file', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json<Json>();
    expect(Object.keys(doc.paths as Json)).toEqual(
      expect.arrayContaining(['/api/v1/admin/images', '/api/v1/admin/images/{id}', '/api/v1/admin/settings', '/api/v1/admin/pages/{slug}']),
    );
    const uploadOp = doc.paths['/api/v1/admin/images'].post;
    expect(Object.keys(uploadOp.requestBody.content)).toEqual(['multipart/form-data']);
    const form = uploadOp.requestBody.content['multipart/form-data'].schema;
    expect(form.required).toEqual(['file', 'alt']);
    expect(form.properties.file).toMatchObject({ format: 'binary', contentMediaType: 'image/*' });
    expect(uploadOp.responses['413'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorResponse');
    expect(doc.paths['/api/v1/admin/settings'].put.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths['/api/v1/admin/settings'].put.requestBody.content)).toEqual(['application/json']);
  });
});
