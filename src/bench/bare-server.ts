/**
 * The baseline for the benchmark: a bare Node `http` server that answers every request with the
 * same bytes and content type the app sent for a scenario. It runs as its own child process (its own
 * event loop, like the app) started by `run.ts` with `fork()`:
 *
 *   node dist/bench/bare-server.js <body-file> <content-type>
 *
 * It listens on 127.0.0.1 on a free port and reports `{ port }` to the parent over IPC.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts the fixed-response server; resolves once it is listening. */
export function serveFixed(body: Buffer, contentType: string, port = 0): Promise<Server> {
  const headers = { 'content-type': contentType, 'content-length': String(body.length) };
  const server = createServer((_request, response) => {
    response.writeHead(200, headers);
    response.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function main(): Promise<void> {
  const [bodyFile, contentType] = process.argv.slice(2);
  if (!bodyFile || !contentType) {
    console.error('usage: bare-server.js <body-file> <content-type>');
    process.exit(2);
  }
  const server = await serveFixed(readFileSync(bodyFile), contentType);
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
  // The parent ends us with SIGTERM, or we go when it does (IPC channel closed).
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  process.once('disconnect', () => process.exit(0));
}

void main();
