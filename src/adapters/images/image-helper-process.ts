/*
 * The helper process's side: it answers the server's image requests with sharp (see image-helper.ts) and ends when
 * the server lets go of it, so the native memory libvips keeps after decoding and encoding goes with it.
 */
import { rasterizeSvg, sharpImageCodec } from './sharp-images.js';
import type { HelperReply, HelperRequest, HelperResult } from './image-helper.js';

const codec = sharpImageCodec();

/** IPC delivers a Buffer as a plain Uint8Array: view the same bytes as a Buffer again. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function answer(request: HelperRequest): Promise<HelperResult> {
  switch (request.op) {
    case 'inspect':
      return codec.inspect(asBuffer(request.bytes));
    case 'render':
      return codec.render(asBuffer(request.bytes), request.options);
    case 'rasterize':
      return rasterizeSvg(request.svg);
  }
}

process.on('message', (request: HelperRequest) => {
  answer(request).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies HelperReply),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies HelperReply),
  );
});
// The server stopped, died or has nothing more to draw: end with it.
process.on('disconnect', () => process.exit(0));
