import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ImageCodec, ImageFacts, PixelBox, RenditionFormat } from '../../domain/ports/images.js';
import type { PageSize, PdfDocument, PdfPages, RenderedPage } from '../../domain/ports/pdf-pages.js';

type RenderOptions = { box: PixelBox; widths: readonly number[]; formats: readonly RenditionFormat[]; maxPixels: number };
type Rendition = { width: number; height: number; format: RenditionFormat; bytes: Buffer };
type Opened = { ok: true; id: number; pageCount: number } | { ok: false; problem: string };

/** What the server asks of the helper process (render-helper-process.ts), without the request's id. */
type Ask =
  | { op: 'inspect'; bytes: Uint8Array }
  | { op: 'render'; bytes: Uint8Array; options: RenderOptions }
  | { op: 'rasterize'; svg: string }
  | { op: 'pdf-open'; bytes: Uint8Array }
  | { op: 'pdf-page'; document: number; number: number; sizes: readonly PageSize[] }
  | { op: 'pdf-close'; document: number };
export type HelperRequest = Ask & { id: number };

/** What the helper answers to each kind of request (Buffers arrive as Uint8Arrays). */
interface Answers {
  inspect: ImageFacts | null;
  render: Rendition[];
  rasterize: Uint8Array;
  'pdf-open': Opened;
  'pdf-page': RenderedPage;
  'pdf-close': null;
}
/** The helper's answer to request `id`: its result, or the message of what went wrong. */
export type HelperResult = Answers[keyof Answers];
export type HelperReply = { id: number; ok: true; result: HelperResult } | { id: number; ok: false; message: string };

export interface RenderHelper {
  /** Reads and resizes images (sharp). */
  codec: ImageCodec;
  /** Reads and draws PDF pages (pdf.js on @napi-rs/canvas, encoded by sharp). */
  pdf: PdfPages;
  /** An SVG document as PNG bytes (see `rasterizeSvg`). */
  rasterize: (svg: string) => Promise<Buffer>;
  /** Ends the helper now if nothing waits and no PDF is open (a batch of work is done), rather than after its idle time. */
  endIfIdle: () => void;
  /** Ends the helper process now (requests still waiting fail); the next request starts another. */
  close: () => Promise<void>;
  /** The helper's process id while one runs. */
  pid: () => number | null;
}

/** How long the helper waits for more work before it ends (default 10 s). */
const IDLE_MS = 10_000;

/** IPC delivers a Buffer as a plain Uint8Array: view the same bytes as a Buffer again. */
export const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A page drawn in the helper, its image bytes as Buffers again. */
const pageFromHelper = (page: RenderedPage): RenderedPage => ({
  ...page,
  images: page.images.map((image) => ({
    ...image,
    bytes: asBuffer(image.bytes),
    ...(image.tiles
      ? { tiles: { ...image.tiles, parts: image.tiles.parts.map((part) => ({ ...part, bytes: asBuffer(part.bytes) })) } }
      : {}),
  })),
});

/** The variables the helper needs from the server's environment: none of its secrets, since it reads hostile files. */
const PASSED_ON = /^(PATH|HOME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|NODE_OPTIONS|MALLOC_[A-Z_]+|VIPS_[A-Z_]+|FONTCONFIG_[A-Z_]+|XDG_[A-Z_]+)$/;

/**
 * The helper's environment: the locale, paths and library settings of the server's, and no database address, key or
 * gateway secret (a decoder compromised by a hostile upload finds none in its own environment). glibc gives each of
 * libvips's threads a memory arena of its own; two arenas (as sharp's documentation advises on glibc) keep the helper
 * at ~155 MB instead of ~205 MB while it draws the demo's pictures, no slower. An operator's MALLOC_ARENA_MAX wins.
 */
export function helperEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const passed = Object.entries(env).filter(([name]) => PASSED_ON.test(name));
  return { MALLOC_ARENA_MAX: '2', ...Object.fromEntries(passed) };
}

/**
 * The script the helper runs: the compiled .js beside this file, or, when the server itself runs from the
 * TypeScript sources (tests, `npm run dev`), the .ts through tsx.
 */
function helperScript(): { path: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`./render-helper-process.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const env = helperEnvironment(process.env);
  if (!fromSource) return { path, execArgv: [], env };
  // tsx's cache would be a folder left in the temp directory.
  return { path, execArgv: ['--import', 'tsx'], env: { ...env, TSX_DISABLE_CACHE: '1' } };
}

/**
 * Images and PDF pages drawn in a helper process the server starts on the first request and that ends after
 * `idleMs` without work (and with no PDF open). sharp and pdf.js's canvas keep much of the native memory they used
 * (100 MB after the demo's twenty pictures): in a helper, that memory goes when the helper ends, and the server's own
 * stays what serving pages needs. Drawing a PDF page no longer holds the server's event loop either. Requests run
 * concurrently, as they would in the server. A helper that dies (a crash in a decoder, killed for its memory) fails
 * the requests it held and the PDFs it had open, and the next request starts a new one.
 */
export function renderHelper(options: { idleMs?: number } = {}): RenderHelper {
  const idleMs = options.idleMs ?? IDLE_MS;
  let child: ChildProcess | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: HelperResult) => void; reject: (error: Error) => void }>();
  /** PDFs open in the current helper: it stays while any is. */
  let openDocuments = 0;
  let idle: NodeJS.Timeout | undefined;

  function forget(gone: ChildProcess, reason: string) {
    if (child !== gone) return;
    child = null;
    openDocuments = 0;
    clearTimeout(idle);
    for (const [id, request] of waiting) {
      waiting.delete(id);
      request.reject(new Error(reason));
    }
  }

  function start(): ChildProcess {
    const script = helperScript();
    const started = fork(script.path, [], {
      execArgv: script.execArgv,
      env: script.env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    started.on('message', (reply: HelperReply) => {
      const request = waiting.get(reply.id);
      if (!request) return;
      waiting.delete(reply.id);
      if (reply.ok) request.resolve(reply.result);
      else request.reject(new Error(reply.message));
      if (waiting.size === 0) restartIdleTimer(started);
    });
    started.on('exit', (code, signal) => forget(started, `the render helper process ended (${signal ?? `exit code ${code}`})`));
    started.on('error', (error) => forget(started, `the render helper process failed: ${error.message}`));
    return started;
  }

  /** An idle helper (and its channel) does not keep the server's process alive; one with work waiting does. */
  function hold(current: ChildProcess, busy: boolean) {
    if (busy) {
      current.ref();
      current.channel?.ref();
    } else {
      current.unref();
      current.channel?.unref();
    }
  }

  /** Ends the helper unless it has work: letting go of the channel ends it (it exits on 'disconnect'). */
  function endIfIdle(current: ChildProcess) {
    if (child !== current || waiting.size > 0 || openDocuments > 0) return;
    child = null;
    clearTimeout(idle);
    current.disconnect();
  }

  function restartIdleTimer(current: ChildProcess) {
    hold(current, false);
    clearTimeout(idle);
    idle = setTimeout(() => endIfIdle(current), idleMs);
    idle.unref();
  }

  /** Sends `question` to the helper (to `to` only, when given: the one a PDF is open in) and resolves to its answer. */
  function ask<Q extends Ask>(question: Q, to?: ChildProcess): Promise<Answers[Q['op']]> {
    if (to && to !== child) return Promise.reject(new Error('the render helper process that opened this PDF has ended'));
    clearTimeout(idle);
    child ??= start();
    const id = nextId++;
    const current = child;
    hold(current, true);
    return new Promise((resolve, reject) => {
      // The helper answers each kind of request with its kind of result (render-helper-process.ts).
      waiting.set(id, { resolve: (result) => resolve(result as Answers[Q['op']]), reject });
      current.send({ id, ...question } satisfies HelperRequest, (error) => {
        if (error && waiting.delete(id)) reject(error);
      });
    });
  }

  const pdf: PdfPages = {
    async open(bytes) {
      const opened = await ask({ op: 'pdf-open', bytes });
      if (!opened.ok) return opened;
      const openedIn = child;
      if (!openedIn) throw new Error('the render helper process ended as it opened the PDF');
      openDocuments++;
      let closed = false;
      const document: PdfDocument = {
        pageCount: opened.pageCount,
        renderPage: async (number, sizes) => pageFromHelper(await ask({ op: 'pdf-page', document: opened.id, number, sizes }, openedIn)),
        async close() {
          if (closed) return;
          closed = true;
          if (openedIn !== child) return; // gone with its helper
          openDocuments--;
          await ask({ op: 'pdf-close', document: opened.id }, openedIn);
        },
      };
      return { ok: true, document };
    },
  };

  return {
    codec: {
      inspect: (bytes) => ask({ op: 'inspect', bytes }),
      render: async (bytes, renderOptions) =>
        (await ask({ op: 'render', bytes, options: renderOptions })).map((r) => ({ ...r, bytes: asBuffer(r.bytes) })),
    },
    pdf,
    rasterize: async (svg) => asBuffer(await ask({ op: 'rasterize', svg })),
    endIfIdle: () => {
      if (child) endIfIdle(child);
    },
    async close() {
      const current = child;
      if (!current) return;
      const exited =
        current.exitCode !== null || current.signalCode !== null ? null : new Promise((resolve) => current.once('exit', resolve));
      forget(current, 'the render helper process was closed');
      current.ref(); // an idle helper is unreferenced: waiting for its exit must keep this process up
      current.kill('SIGKILL'); // it ignores the signals meant for the server (render-helper-process.ts)
      await exited;
    },
    pid: () => child?.pid ?? null,
  };
}
