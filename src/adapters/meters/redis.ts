import type { Redis } from 'ioredis';
import { METER_TTL_SECONDS, type MeterStore } from '../../domain/ports/meter-store.js';
import { connectRedis } from '../redis.js';

/**
 * Check-and-add in one Lua script, so every instance sees one count and concurrent reads can never pass the
 * limit. The meter is a list (reading order) beside a set (membership). Returns the list after the call, or
 * false when the meter is full.
 */
const CHARGE = `
local list, set, id, limit, ttl = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('SISMEMBER', set, id) == 1 then return redis.call('LRANGE', list, 0, -1) end
if redis.call('SCARD', set) >= limit then return false end
redis.call('SADD', set, id)
redis.call('RPUSH', list, id)
redis.call('EXPIRE', set, ttl)
redis.call('EXPIRE', list, ttl)
return redis.call('LRANGE', list, 0, -1)
`;

/** Meters in Redis, shared by every instance (REDIS_URL). */
export async function redisMeterStore(url: string, prefix = 'masthead:meter:'): Promise<MeterStore> {
  const { client: redis, available, close } = await connectRedis(url, 'meters');
  redis.defineCommand('chargeMeter', { numberOfKeys: 2, lua: CHARGE });
  const keys = (readerId: string, period: string) => [`${prefix}${period}:${readerId}:list`, `${prefix}${period}:${readerId}:set`] as const;
  const charge = redis as Redis & {
    chargeMeter(list: string, set: string, id: number, limit: number, ttl: number): Promise<string[] | null>;
  };
  return {
    async read(readerId, period) {
      await available();
      return (await redis.lrange(keys(readerId, period)[0], 0, -1)).map(Number);
    },
    async charge(readerId, period, articleId, limit) {
      const [list, set] = keys(readerId, period);
      await available();
      const result = await charge.chargeMeter(list, set, articleId, limit, METER_TTL_SECONDS);
      return result ? result.map(Number) : null;
    },
    close,
  };
}
