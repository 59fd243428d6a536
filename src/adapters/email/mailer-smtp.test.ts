import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../domain/notifications/email-layout.js';
import { createMailer, redactSmtpUrl, type Mailer } from './mailer.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';

const FROM = 'The Daily Masthead <news@masthead.example.test>';

describe('smtp mailer', () => {
  let server: TestSmtpServer;
  let mailer: Mailer | undefined;
  beforeEach(async () => {
    server = await startTestSmtpServer();
  });
  afterEach(async () => {
    await mailer?.close();
    await server.close();
  });

  it('delivers the message with recipient, subject, and decoded text and HTML bodies', async () => {
    mailer = createMailer({ smtpUrl: server.url, outboxDir: '/nonexistent', from: FROM });
    expect(mailer.kind).toBe('smtp');
    const link = 'https://news.example.test/sign-in?token=abc&next=%2F';
    const body = renderEmail({
      publication: 'The Daily Masthead',
      paragraphs: ['Sign in with this link or code — valid for 15 minutes, <em>once</em>.'],
      action: { label: 'Sign in', url: link },
      code: '093417',
    });
    await mailer.send({ to: 'reader@example.test', subject: 'Sign in to The Daily Masthead', ...body });

    const received = await server.waitFor((m) => m.to.includes('reader@example.test'));
    expect(received.to).toEqual(['reader@example.test']);
    expect(received.subject).toBe('Sign in to The Daily Masthead');
    expect(received.text.trim()).toBe(body.text.trim());
    expect(received.text).toContain(`Sign in: ${link}`);
    expect(received.text.split('\n')).toContain('093417');
    expect(received.html).toContain('href="https://news.example.test/sign-in?token=abc&amp;next=%2F"');
    expect(received.html).toContain('&lt;em&gt;once&lt;/em&gt;');
    expect(received.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(received.raw).toMatch(/^From: The Daily Masthead <news@masthead\.example\.test>$/m);
    expect(received.user).toBeUndefined();
  });

  it('logs in with the credentials from the URL, percent-decoded', async () => {
    const url = server.url.replace('smtp://', 'smtp://desk%40masthead:p%40ss%3Aw%2Frd@');
    mailer = createMailer({ smtpUrl: url, outboxDir: '/nonexistent', from: FROM });
    await mailer.send({ to: 'a@example.test', subject: 'Hi', text: 'hi', html: '<p>hi</p>' });
    const received = await server.waitFor((m) => m.subject === 'Hi');
    expect(server.logins).toEqual([{ username: 'desk@masthead', password: 'p@ss:w/rd' }]);
    expect(received.user).toBe('desk@masthead');
  });

  it('waitFor matches messages already received and times out with what it saw', async () => {
    mailer = createMailer({ smtpUrl: server.url, outboxDir: '/nonexistent', from: FROM });
    const pending = server.waitFor((m) => m.subject === 'Second');
    await mailer.send({ to: 'a@example.test', subject: 'First', text: '1', html: '<p>1</p>' });
    await mailer.send({ to: 'b@example.test', subject: 'Second', text: '2', html: '<p>2</p>' });
    expect((await pending).to).toEqual(['b@example.test']);
    expect((await server.waitFor((m) => m.subject === 'First')).text.trim()).toBe('1');
    await expect(server.waitFor((m) => m.subject === 'Never', 50)).rejects.toThrow(/"First" to a@example\.test/);
  });
});

describe('SMTP URL handling', () => {
  it('never shows the password', () => {
    expect(redactSmtpUrl('smtps://user:s3cret@mail.example.test:465')).toBe('smtps://user:***@mail.example.test:465');
    expect(redactSmtpUrl('not a url s3cret')).not.toContain('s3cret');
  });

  it('rejects other schemes without echoing the password', () => {
    const attempt = () => createMailer({ smtpUrl: 'http://user:s3cret@host', outboxDir: '/x', from: FROM });
    expect(attempt).toThrow(/smtp:\/\//);
    expect(attempt).not.toThrow(/s3cret/);
    expect(() => createMailer({ smtpUrl: 'smtp://:s3cret@[bad', outboxDir: '/x', from: FROM })).toThrow(/^SMTP_URL is not a valid URL$/);
  });
});
