import type { Redis } from 'ioredis';
import { StoreUnavailable } from '../domain/errors.js';

/** How long a command waits for Redis to come back after the connection is lost, before the request is told it is away. */
export const REDIS_GRACE_MS = 1_000;

/** A connection to Redis for the meters or the counters. */
export interface RedisLink {
  readonly client: Redis;
  /**
   * Resolves at once while Redis answers. While it is away, waits for it to come back until `graceMs` after the
   * connection was lost (a restart goes unnoticed), and from then on throws `StoreUnavailable` at once: a reader
   * gets the 503 straight away instead of every request waiting on the client's reconnection attempts.
   * Call it before each command.
   */
  readonly available: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/**
 * Connects to Redis (`url`), for `purpose` ("meters", "counters"), which names it in the two lines logged per outage:
 * one when the connection is lost, one when Redis answers again.
 */
export async function connectRedis(
  url: string,
  purpose: string,
  { graceMs = REDIS_GRACE_MS, log = (line: string) => console.warn(line) }: { graceMs?: number; log?: (line: string) => void } = {},
): Promise<RedisLink> {
  const { Redis: RedisClient } = await import('ioredis');
  const client: Redis = new RedisClient(url, {
    lazyConnect: true,
    // Nothing waits in the client's queue while Redis is away (`available` waits instead, for a bounded time). A
    // command on a connection that drops mid-flight is sent again after reconnecting, or fails after two attempts.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 2,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  let lost: { at: number; back: Promise<void>; arrived: () => void } | null = null;
  let lastError = '';
  let closing = false;
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  client.on('close', () => {
    if (lost || closing) return;
    let arrived!: () => void;
    const back = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    lost = { at: Date.now(), back, arrived };
    log(`Redis for ${purpose} is out of reach${lastError ? ` (${lastError})` : ''}: trying again.`);
  });
  client.on('ready', () => {
    lastError = '';
    if (!lost) return;
    lost.arrived();
    lost = null;
    log(`Redis for ${purpose} answers again.`);
  });
  await client.connect();
  return {
    client,
    available: async () => {
      if (client.status === 'ready' || !lost) return;
      const wait = lost.at + graceMs - Date.now();
      const away = () => new StoreUnavailable(`Redis for ${purpose} is out of reach`);
      if (wait <= 0) throw away();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([lost.back, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(away()), wait)))]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      closing = true;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
