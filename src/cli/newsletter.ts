import cliProgress from 'cli-progress';
import type { Config } from '../config/config.js';
import type { SendProgress } from '../domain/newsletters/model.js';
import type { Db } from '../domain/ports/database.js';
import { createAppContext } from '../main.js';

export const NEWSLETTER_USAGE = 'masthead newsletter send ISSUE | masthead newsletter status ISSUE';

const line = (p: SendProgress) => `${p.sent} sent, ${p.failed} failed, ${p.suppressed} skipped (suppressed), ${p.left} left of ${p.total}`;

/** A live bar of a send, in recipients; nothing on a pipe. */
function sendBar(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return { update: (_p: SendProgress) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Sending [{bar}] {percentage}% | {value}/{total} | {sent} sent | {failed} failed | {left} left | {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: SendProgress) {
      const done = p.total - p.left;
      if (!started) bar.start(Math.max(1, p.total), done, { sent: p.sent, failed: p.failed, left: p.left });
      started = true;
      bar.setTotal(Math.max(1, p.total));
      bar.update(done, { sent: p.sent, failed: p.failed, left: p.left });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * `masthead newsletter status ISSUE` prints an issue's progress; `send ISSUE` starts it (a draft, held or scheduled
 * issue) and sends it in this process with a progress bar, to the end or until only retries are waiting (the job
 * runner of a running server takes those up). Safe beside a running server on PostgreSQL: deliveries are claimed.
 */
export async function newsletterCommand(
  config: Config,
  db: Db,
  args: readonly string[],
  out: { log: (line: string) => void; error: (line: string) => void; stream: NodeJS.WriteStream },
): Promise<number> {
  const [action, raw] = args;
  const issueId = Number(raw);
  if ((action !== 'send' && action !== 'status') || !Number.isInteger(issueId) || issueId < 1) {
    out.error(`masthead newsletter: usage: ${NEWSLETTER_USAGE}`);
    return 2;
  }
  const ctx = await createAppContext(config, db);
  try {
    const found = await ctx.newsletters.issue(issueId);
    if (!found) {
      out.error(`masthead newsletter: there is no issue ${issueId}`);
      return 2;
    }
    const { issue, newsletter } = found;
    if (action === 'status') {
      out.log(`${newsletter.name}: “${issue.subject}” is ${issue.status}. ${line(await ctx.newsletters.progress(issueId))}.`);
      return 0;
    }
    if (issue.status !== 'sending' && issue.status !== 'sent' && !(await ctx.newsletters.sendNow(issueId))) {
      out.error(`masthead newsletter: issue ${issueId} could not be started`);
      return 1;
    }
    const bar = sendBar(out.stream);
    const timer = setInterval(() => {
      void ctx.newsletters.progress(issueId).then(
        (p) => bar.update(p),
        () => undefined,
      );
    }, 500);
    try {
      let left = Number.POSITIVE_INFINITY;
      for (;;) {
        await ctx.newsletters.runSend(issueId);
        const progress = await ctx.newsletters.progress(issueId);
        bar.update(progress);
        if ((await ctx.newsletters.issue(issueId))?.issue.status !== 'sending') break;
        // Nothing moved: only retries (or another worker's claims) are left, for the job runner at their time.
        if (progress.left >= left) break;
        left = progress.left;
      }
    } finally {
      clearInterval(timer);
      bar.stop();
    }
    const done = await ctx.newsletters.issue(issueId);
    out.log(`“${issue.subject}” is ${done?.issue.status ?? 'gone'}. ${line(await ctx.newsletters.progress(issueId))}.`);
    return 0;
  } finally {
    await ctx.newsletterMailer.close();
    await ctx.mailer.close();
    await ctx.counters.close();
    await ctx.meters.close();
    await ctx.files.close();
  }
}
