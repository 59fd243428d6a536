import { createServer, connect, type Server, type Socket } from 'node:net';

/** What a hot standby does to a read when it replays a conflicting change: cancels the statement (SQLSTATE 40001). */
function recoveryConflict(): Buffer {
  const fields = { S: 'ERROR', V: 'ERROR', C: '40001', M: 'canceling statement due to conflict with recovery' };
  const body = Buffer.from(
    `${Object.entries(fields)
      .map(([key, value]) => `${key}${value}\0`)
      .join('')}\0`,
  );
  const head = Buffer.alloc(5);
  head.write('E');
  head.writeInt32BE(4 + body.length, 1);
  // ErrorResponse, then ReadyForQuery in a failed transaction.
  return Buffer.concat([head, body, Buffer.from([0x5a, 0, 0, 0, 5, 0x45])]);
}

/**
 * A TCP relay to a server (PostgreSQL, Redis), standing in for its host: stopping it is the host going down.
 * For PostgreSQL, `failNext` makes the next statement whose bytes hold a text fail there as a hot standby's would: `cut` closes the
 * connection before it reaches the server (the standby restarting, or ending a session for a conflict); `conflict`
 * lets the server run it, then answers the client as a standby cancelling it does (what came before its rows, such as
 * a prepared statement's ParseComplete, still passes).
 */
export function relay(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let fault: { text: string; kind: 'cut' | 'conflict' } | null = null;
  return {
    get port() {
      return port;
    },
    failNext(text: string, kind: 'cut' | 'conflict') {
      fault = { text, kind };
    },
    start: () =>
      new Promise<void>((resolve) => {
        server = createServer((client) => {
          const upstream = connect(Number(target.port || 5432), target.hostname);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => undefined);
          }
          let cancelling = false;
          let dropping = false;
          let unread = Buffer.alloc(0);
          client.on('data', (chunk: Buffer) => {
            if (fault && chunk.includes(fault.text)) {
              const { kind } = fault;
              fault = null;
              if (kind === 'cut') {
                client.destroy();
                upstream.destroy();
                return;
              }
              cancelling = true;
            }
            upstream.write(chunk);
          });
          upstream.on('data', (chunk: Buffer) => {
            if (!cancelling) return void client.write(chunk);
            // Server messages: a type byte, then a length counting itself and the body.
            unread = Buffer.concat([unread, chunk]);
            while (unread.length >= 5 && unread.length >= 1 + unread.readInt32BE(1)) {
              const message = unread.subarray(0, 1 + unread.readInt32BE(1));
              unread = unread.subarray(message.length);
              const type = String.fromCharCode(message[0]!);
              if (type === 'Z') {
                client.write(recoveryConflict());
                cancelling = dropping = false;
                return;
              }
              // From the first row or completion on, the statement's answer is replaced by the cancellation.
              dropping ||= 'DCIs'.includes(type);
              if (!dropping) client.write(message);
            }
          });
        });
        server.listen(port, '127.0.0.1', () => {
          port = (server!.address() as { port: number }).port;
          resolve();
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
        server = null;
      }),
  };
}

/** The URL of `server` reached through a relay listening on `port`. */
export function throughRelay(server: string, port: number): string {
  const url = new URL(server);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}
