import { createHash } from 'node:crypto';
import pg from 'pg';

/** Statements one connection keeps prepared; past it, new texts go unnamed (parsed and planned each time, as before). */
const PREPARED_PER_CONNECTION = 1_000;

/**
 * Statements planned for their own values on every run: a pattern (`like`/`ilike`), since one of a letter or two cannot
 * use the trigram index that a longer one can. (Searches are planned per run by the settings they run under,
 * `withSearchSettings`, and stay prepared.)
 */
const PLANNED_PER_RUN = /\bi?like\b/i;

/** Statement names by SQL text (null: sent unnamed), so a text is hashed and looked at once, not per query. */
const names = new Map<string, string | null>();

function nameOf(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    name = PLANNED_PER_RUN.test(text) ? null : `mh_${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size >= 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * Makes a node-postgres pool fit for the app:
 *
 * - Every query with parameters becomes a named prepared statement on its connection, so the server parses and
 *   analyses a statement the app sends again and again once per connection instead of on every request (for a page's
 *   small queries that was most of the server's work). PostgreSQL plans the first five runs for their values and
 *   then keeps one plan for any values when it costs no more (its default, `plan_cache_mode = auto`): planning was
 *   most of what an article's, a session's and a meter's statements cost the server. Statements whose best plan
 *   depends on their values (`PLANNED_PER_RUN`) are sent unnamed instead, so each run is planned for its own values.
 *   A statement whose meaning is settled when it is planned must write that value into its text: a conflict target
 *   matched to a partial index (`on conflict (user_id) where status = 'awaiting-payment'`) is not matched by a kept plan.
 *   Queries without parameters (migrations' scripts of several statements) keep the simple protocol. A connection
 *   prepares at most PREPARED_PER_CONNECTION texts. Behind a pooler in transaction mode this needs PgBouncer 1.21 or
 *   later with `max_prepared_statements` set.
 * - A connection whose server went away (a restart, a failover, an administrator ending it) is reported as an 'error'
 *   event, idle (by the pool) or checked out (by the client): without listeners that would end the process. The pool
 *   drops the connection; the query that meets it fails on its own and the next one opens a new connection.
 */
export function appPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const prepared = new Set<string>();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [text, values] = args;
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length > 2) return query(...args);
      const name = nameOf(text);
      if (name === null) return query(...args);
      if (!prepared.has(name)) {
        if (prepared.size >= PREPARED_PER_CONNECTION) return query(...args);
        prepared.add(name);
      }
      return query({ name, text, values });
    };
  });
  return pool;
}
