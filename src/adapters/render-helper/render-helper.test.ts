import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { editionPdf } from '../../../test/support/edition-pdf.js';
import { helperEnvironment, renderHelper, type RenderHelper } from './render-helper.js';

const svg = (width: number, height: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#2a6"/></svg>`;

/** Whether process `pid` still runs. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('images made in a helper process', () => {
  let helper: RenderHelper;
  afterEach(async () => helper.close());

  it('draws, reads and renders pictures as sharp does, in a process of its own', async () => {
    helper = renderHelper();
    const png = await helper.rasterize(svg(800, 600));
    expect((await sharp(png).metadata()).format).toBe('png');
    expect(await helper.codec.inspect(png)).toEqual({ format: 'png', width: 800, height: 600 });
    expect(helper.pid()).not.toBe(process.pid);

    const made = await helper.codec.render(png, {
      box: { left: 0, top: 0, width: 800, height: 450 },
      widths: [320, 640],
      formats: ['webp', 'jpeg'],
      maxPixels: 1_000_000,
    });
    expect(made.map((r) => `${r.width}x${r.height} ${r.format}`).sort()).toEqual([
      '320x180 jpeg',
      '320x180 webp',
      '640x360 jpeg',
      '640x360 webp',
    ]);
    for (const rendition of made) {
      const facts = await sharp(rendition.bytes).metadata();
      expect([facts.format, facts.width]).toEqual([rendition.format, rendition.width]);
    }
  });

  it('says a file that is no image is none, and refuses what it cannot render, with the reason', async () => {
    helper = renderHelper();
    expect(await helper.codec.inspect(Buffer.from('not a picture'))).toBeNull();
    const png = await helper.rasterize(svg(400, 400));
    await expect(
      helper.codec.render(png, { box: { left: 0, top: 0, width: 400, height: 400 }, widths: [200], formats: ['webp'], maxPixels: 1000 }),
    ).rejects.toThrow(/pixel/i);
    // The helper is still there for the next picture.
    expect(await helper.codec.inspect(png)).toEqual({ format: 'png', width: 400, height: 400 });
  });

  it('ends when idle, so its memory goes, and starts again when asked', async () => {
    helper = renderHelper({ idleMs: 200 });
    await helper.rasterize(svg(100, 100));
    const first = helper.pid();
    expect(first).not.toBeNull();
    await until(() => !running(first!));
    expect(helper.pid()).toBeNull();

    expect(await helper.codec.inspect(await helper.rasterize(svg(120, 80)))).toEqual({ format: 'png', width: 120, height: 80 });
    expect(helper.pid()).not.toBe(first);
  });

  it('ends at once when a batch is done, but not while work waits', async () => {
    helper = renderHelper(); // idle time 10 s
    const png = await helper.rasterize(svg(1200, 800));
    const rendering = helper.codec.render(png, {
      box: { left: 0, top: 0, width: 1200, height: 800 },
      widths: [600],
      formats: ['avif'],
      maxPixels: 2_000_000,
    });
    const pid = helper.pid()!;
    helper.endIfIdle();
    expect(running(pid)).toBe(true);
    expect((await rendering).map((r) => r.format)).toEqual(['avif']);
    helper.endIfIdle();
    await until(() => !running(pid), 3000);
  });

  it('reads and draws PDF pages, and stays while a PDF is open', async () => {
    helper = renderHelper();
    expect(await helper.pdf.open(Buffer.from('not a PDF at all'))).toEqual({ ok: false, problem: expect.stringMatching(/not a PDF/) });
    const file = await editionPdf([
      [{ headline: 'Harbour dredging begins', body: 'The port trust began dredging the channel on Monday.' }],
      [],
    ]);
    const opened = await helper.pdf.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    expect(opened.document.pageCount).toBe(2);

    const pid = helper.pid()!;
    helper.endIfIdle(); // a PDF is open: the helper stays
    const page = await opened.document.renderPage(1, [
      { name: 'small', width: 200 },
      { name: 'zoom', width: 1100, tile: 512 },
    ]);
    expect(helper.pid()).toBe(pid);
    expect(page.text).toContain('Harbour dredging begins');
    expect([Math.round(page.width), Math.round(page.height)]).toEqual([595, 842]); // A4, in points
    const [small, zoom] = page.images;
    expect((await sharp(small!.bytes).metadata()).width).toBe(200);
    expect(zoom!.tiles?.columns).toBe(3);
    expect(Buffer.isBuffer(zoom!.tiles!.parts[0]!.bytes)).toBe(true);
    expect((await sharp(zoom!.tiles!.parts[0]!.bytes).metadata()).width).toBe(512);

    await opened.document.close();
    helper.endIfIdle();
    await until(() => !running(pid), 3000);
    await expect(opened.document.renderPage(2, [{ name: 'small', width: 200 }])).rejects.toThrow(/has ended/);
  });

  it('finishes its work when the server is signalled to stop (Ctrl-C reaches the helper too), and ends with the server', async () => {
    helper = renderHelper();
    const png = await helper.rasterize(svg(1600, 900));
    const pid = helper.pid()!;
    const rendering = helper.codec.render(png, {
      box: { left: 0, top: 0, width: 1600, height: 900 },
      widths: [1200, 800],
      formats: ['avif', 'webp'],
      maxPixels: 2_000_000,
    });
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGTERM');
    expect(await rendering).toHaveLength(4);
    expect(running(pid)).toBe(true);
    await helper.close();
    expect(running(pid)).toBe(false);
  });

  it('fails the work a dead helper held, and the next request starts a new one', async () => {
    helper = renderHelper();
    const png = await helper.rasterize(svg(2000, 2000));
    const pending = helper.codec.render(png, {
      box: { left: 0, top: 0, width: 2000, height: 2000 },
      widths: [1600, 1200, 800],
      formats: ['avif', 'webp', 'jpeg'],
      maxPixels: 10_000_000,
    });
    const dead = helper.pid()!;
    process.kill(dead, 'SIGKILL');
    await expect(pending).rejects.toThrow(/render helper process ended \(SIGKILL\)/);
    expect(await helper.codec.inspect(png)).toEqual({ format: 'png', width: 2000, height: 2000 });
    expect(helper.pid()).not.toBe(dead);
  });
});

describe("the helper's environment", () => {
  it('passes on the locale, paths and library settings, and none of the server’s secrets', () => {
    const env = helperEnvironment({
      PATH: '/usr/bin',
      LANG: 'en_IN.UTF-8',
      TMPDIR: '/tmp/run',
      VIPS_CONCURRENCY: '1',
      DATABASE_URL: 'postgres://masthead:secret@db/masthead',
      REDIS_URL: 'redis://:secret@cache',
      SECRET_KEY: 'k'.repeat(48),
      STRIPE_SECRET_KEY: 'sk_live_x',
      RAZORPAY_KEY_SECRET: 'y',
      SMTP_URL: 'smtp://user:pass@mail',
    });
    expect(env).toEqual({ MALLOC_ARENA_MAX: '2', PATH: '/usr/bin', LANG: 'en_IN.UTF-8', TMPDIR: '/tmp/run', VIPS_CONCURRENCY: '1' });
    expect(helperEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });
});
