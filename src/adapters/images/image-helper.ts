import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ImageCodec, ImageFacts, PixelBox, RenditionFormat } from '../../domain/ports/images.js';

type RenderOptions = { box: PixelBox; widths: readonly number[]; formats: readonly RenditionFormat[]; maxPixels: number };
type Rendition = { width: number; height: number; format: RenditionFormat; bytes: Buffer };

/** What the server asks of the helper process (image-helper-process.ts). */
export type HelperRequest =
  | { id: number; op: 'inspect'; bytes: Uint8Array }
  | { id: number; op: 'render'; bytes: Uint8Array; options: RenderOptions }
  | { id: number; op: 'rasterize'; svg: string };

/** The helper's answer to request `id`: its result, or the message of what went wrong. */
export type HelperResult = ImageFacts | null | Rendition[] | Uint8Array;
export type HelperReply = { id: number; ok: true; result: HelperResult } | { id: number; ok: false; message: string };

type Ask =
  { op: 'inspect'; bytes: Uint8Array } | { op: 'render'; bytes: Uint8Array; options: RenderOptions } | { op: 'rasterize'; svg: string };

export interface ImageHelper {
  codec: ImageCodec;
  /** An SVG document as PNG bytes (see `rasterizeSvg`). */
  rasterize: (svg: string) => Promise<Buffer>;
  /** Ends the helper now if no request waits (a batch of work is done), rather than after its idle time. */
  endIfIdle: () => void;
  /** Ends the helper process now (requests still waiting fail); the next request starts another. */
  close: () => Promise<void>;
  /** The helper's process id while one runs (for tests and the bench). */
  pid: () => number | null;
}

/** How long the helper waits for more work before it ends (default 10 s). */
const IDLE_MS = 10_000;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The script the helper runs: the compiled .js beside this file, or, when the server itself runs from the
 * TypeScript sources (tests, `npm run dev`), the .ts through tsx.
 */
function helperScript(): { path: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`./image-helper-process.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // glibc gives each of libvips's threads a memory arena of its own; two arenas (as sharp's documentation advises on
  // glibc) keep the helper at ~155 MB instead of ~205 MB while it draws the demo's pictures, no slower.
  const env = { MALLOC_ARENA_MAX: '2', ...process.env };
  if (!fromSource) return { path, execArgv: [], env };
  // tsx's cache would be a folder left in the temp directory for two small files.
  return { path, execArgv: ['--import', 'tsx'], env: { ...env, TSX_DISABLE_CACHE: '1' } };
}

/**
 * Images made by sharp in a helper process the server starts on the first request and that ends after `idleMs`
 * without work. libvips keeps much of the native memory it used for decoding and encoding (100 MB after the demo's
 * twenty pictures); in a helper, that memory goes when the helper ends, and the server's own stays what serving
 * pages needs. Requests to one helper run concurrently, as they would in the server. A helper that dies (a crash
 * in a decoder, killed for its memory) fails the requests it held, and the next request starts a new one.
 */
export function imageHelper(options: { idleMs?: number } = {}): ImageHelper {
  const idleMs = options.idleMs ?? IDLE_MS;
  let child: ChildProcess | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: HelperReply & { ok: true }) => void; reject: (error: Error) => void }>();
  let idle: NodeJS.Timeout | undefined;

  function forget(gone: ChildProcess, reason: string) {
    if (child !== gone) return;
    child = null;
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
      if (reply.ok) request.resolve(reply);
      else request.reject(new Error(reply.message));
      if (waiting.size === 0) restartIdleTimer(started);
    });

    started.on('exit', (code, signal) => forget(started, `the image helper process ended (${signal ?? `exit code ${code}`})`));
    started.on('error', (error) => forget(started, `the image helper process failed: ${error.message}`));
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

  /** Ends the helper unless it has work waiting: letting go of the channel ends it (it exits on 'disconnect'). */
  function endIfIdle(current: ChildProcess) {
    if (child !== current || waiting.size > 0) return;
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

  function ask(question: Ask): Promise<HelperReply & { ok: true }> {
    clearTimeout(idle);
    child ??= start();
    const id = nextId++;
    const current = child;
    hold(current, true);
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      current.send({ id, ...question } satisfies HelperRequest, (error) => {
        if (error && waiting.delete(id)) reject(error);
      });
    });
  }

  return {
    codec: {
      inspect: async (bytes) => (await ask({ op: 'inspect', bytes })).result as ImageFacts | null,
      render: async (bytes, renderOptions) =>
        ((await ask({ op: 'render', bytes, options: renderOptions })).result as Rendition[]).map((r) => ({
          ...r,
          bytes: asBuffer(r.bytes),
        })),
    },
    rasterize: async (svg) => asBuffer((await ask({ op: 'rasterize', svg })).result as Uint8Array),
    endIfIdle: () => {
      if (child) endIfIdle(child);
    },
    async close() {
      const current = child;
      if (!current) return;
      if (current.exitCode !== null || current.signalCode !== null) {
        forget(current, 'the image helper process was closed');
        return;
      }
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      forget(current, 'the image helper process was closed');
      current.kill();
      await exited;
    },
    pid: () => child?.pid ?? null,
  };
}
