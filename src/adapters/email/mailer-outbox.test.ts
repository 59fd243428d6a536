import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../domain/notifications/email-layout.js';
import { createMailer, readOutbox, type Mailer } from './mailer.js';

const FROM = 'The Daily Masthead <news@masthead.example.test>';

describe('outbox mailer', () => {
  let dir: string;
  let mailer: Mailer;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'masthead-outbox-'));
    // A folder that does not exist yet: the mailer must create it.
    mailer = createMailer({ smtpUrl: null, outboxDir: join(dir, 'outbox'), from: FROM });
  });
  afterEach(async () => {
    await mailer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is the default without an SMTP URL', () => {
    expect(mailer.kind).toBe('outbox');
  });

  it('writes a genuine MIME .eml with text and HTML parts, plus a JSON sidecar', async () => {
    const body = renderEmail({
      publication: 'The Daily Masthead',
      paragraphs: ['Your code for signing in — it works once, café <b>readers</b>.'],
      code: '048213',
    });
    await mailer.send({ to: 'reader@example.test', subject: 'Your sign-in code', ...body, tag: 'sign-in' });

    const outbox = join(dir, 'outbox');
    const files = (await readdir(outbox)).sort();
    expect(files).toHaveLength(2);
    const [eml, json] = files as [string, string];
    expect(json).toBe(eml.replace(/\.eml$/, '.json'));
    expect(eml).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{8}\.eml$/);

    const raw = await readFile(join(outbox, eml), 'utf8');
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headers).toMatch(/^To: reader@example\.test$/m);
    expect(headers).toMatch(/^Subject: Your sign-in code$/m);
    expect(headers).toMatch(/^From: The Daily Masthead <news@masthead\.example\.test>$/m);
    // The header may be folded onto a second line.
    expect(headers).toMatch(/^Content-Type: multipart\/alternative;\s+boundary=/m);
    expect(headers).toMatch(/^MIME-Version: 1\.0$/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    // RFC 822 line endings throughout.
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n');

    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).toBe(body.text.trim());
    expect(parsed.html).toContain('café &lt;b&gt;readers&lt;/b&gt;');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });

    const sidecar = JSON.parse(await readFile(join(outbox, json), 'utf8'));
    expect(sidecar).toEqual({
      to: 'reader@example.test',
      subject: 'Your sign-in code',
      text: body.text,
      html: body.html,
      tag: 'sign-in',
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
  });

  it('lists messages newest first, up to the limit, skipping unreadable sidecars', async () => {
    for (const n of [1, 2, 3]) {
      await mailer.send({ to: `r${n}@example.test`, subject: `Message ${n}`, text: `t${n}`, html: `<p>h${n}</p>` });
    }
    const outbox = join(dir, 'outbox');
    await writeFile(join(outbox, '0000-broken.json'), '{ not json');

    const all = await readOutbox(outbox);
    expect(all.map((entry) => entry.subject)).toEqual(['Message 3', 'Message 2', 'Message 1']);
    expect(all[0]).toMatchObject({ to: 'r3@example.test', text: 't3', html: '<p>h3</p>' });
    expect(all[0]).not.toHaveProperty('tag');
    expect(all[0]!.emlPath).toBe(join(outbox, `${all[0]!.id}.eml`));
    expect(Date.parse(all[0]!.sentAt)).toBeGreaterThan(Date.parse(all[1]!.sentAt));

    expect((await readOutbox(outbox, 2)).map((entry) => entry.subject)).toEqual(['Message 3', 'Message 2']);
  });

  it('reads a missing outbox folder as empty', async () => {
    expect(await readOutbox(join(dir, 'nothing-here'))).toEqual([]);
  });
});
