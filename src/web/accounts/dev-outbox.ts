import type { FastifyInstance } from 'fastify';
import { isLoopback } from '../../config/config.js';
import type { AppContext, OutboxMessage } from '../../context.js';
import { HttpProblem } from '../http/errors.js';
import { pageChrome } from '../pages/chrome.js';
import { html, type SafeHtml } from '../views/html.js';
import { formatDateTime } from '../views/format.js';
import { layout } from '../views/layout.js';
import { sendPage } from './flow.js';
import { NoFields } from './forms.js';

/** Links to this site inside an email's text become clickable; everything else stays plain, escaped text. */
function linkify(text: string, publicUrl: string): SafeHtml[] {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = match[0];
    const at = match.index;
    parts.push(html`${text.slice(last, at)}`);
    parts.push(url.startsWith(`${publicUrl}/`) ? html`<a href="${url}">${url}</a>` : html`${url}`);
    last = at + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return parts;
}

function outboxPage(entries: OutboxMessage[], data: { mailer: 'outbox' | 'smtp'; publicUrl: string; timeZone: string }): SafeHtml {
  return html`<p class="dev-banner" role="note"><strong>Development page.</strong> It exists only in demo mode (MASTHEAD_DEMO=true) and shows every email the site has written, to anyone. Never turn on demo mode on a public site.</p>
<h1>Outbox</h1>
${data.mailer === 'smtp' ? html`<p>Email is being sent through SMTP, so new messages appear in the mail server, not here.</p>` : ''}
${entries.length === 0 ? html`<p>No emails yet. Ask for a sign-in code and reload this page.</p>` : ''}
${entries.map(
  (e) => html`<article class="outbox-email">
<h2>${e.subject}</h2>
<p class="outbox-meta">To <strong>${e.to}</strong> · ${formatDateTime(new Date(e.sentAt), data.timeZone)}${e.tag ? html` · ${e.tag}` : ''}</p>
<pre class="outbox-text">${linkify(e.text, data.publicUrl)}</pre>
</article>`,
)}`;
}

/**
 * `/dev/outbox`: the latest emails, so a demo reader can see their codes and links. It shows everyone's
 * sign-in codes, so it answers only in demo mode and only to this machine: the request's address as
 * Fastify computes it (the socket's, or the client's behind a configured trusted proxy) must be loopback.
 * Anything else is the ordinary 404, as if the page did not exist.
 */
export function devOutboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/dev/outbox', { schema: { querystring: NoFields } }, async (request, reply) => {
    if (!ctx.config.demo || !isLoopback(request.ip)) throw new HttpProblem('not-found', 'Not found.');
    const entries = await ctx.outbox(30);
    const main = outboxPage(entries, { mailer: ctx.mailer.kind, publicUrl: ctx.config.publicUrl, timeZone: ctx.policy.timeZone });
    reply.header('x-robots-tag', 'noindex');
    return sendPage(reply, 200, layout(await pageChrome(ctx, request), { title: 'Outbox (development)', noindex: true }, main));
  });
}
