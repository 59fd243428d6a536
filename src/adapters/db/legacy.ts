import { CompiledQuery } from 'kysely';
import type { Db, Tx } from '../../domain/ports/database.js';
import type { DatabaseHandle } from './database.js';

/**
 * TRANSITIONAL: raw SQL strings beside the typed queries, for modules not yet moved to Kysely. A `Queryable`
 * is the Kysely instance (or transaction) itself with a `query(sql, params)` method added, so moved and
 * unmoved code can share one connection. Removed once every module takes a `Db`.
 */
interface RawQuery {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export type Queryable = Db & RawQuery;

export type Database = Queryable & {
  transaction<T>(work: (tx: Tx & RawQuery) => Promise<T>): Promise<T>;
  readonly engine: 'pglite' | 'postgres';
  close(): Promise<void>;
};

function withRawQueries<K extends Db | Tx>(target: K, extra: Record<string, unknown> = {}): K & RawQuery {
  const query = async <Row>(text: string, params: readonly unknown[] = []) => {
    const result = await target.executeQuery<Row>(CompiledQuery.raw(text, [...params]));
    return { rows: result.rows as Row[], rowCount: Number(result.numAffectedRows ?? result.rows.length) };
  };
  return new Proxy(target, {
    get(object, property) {
      if (property === 'query') return query;
      if (Object.hasOwn(extra, property)) return extra[property as string];
      // Kysely keeps its state in private fields: call its methods on the object itself, not the proxy.
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  }) as K & RawQuery;
}

export function legacyDatabase(handle: DatabaseHandle): Database {
  const transaction = (work?: (tx: Tx & RawQuery) => Promise<unknown>) =>
    work ? handle.db.transaction().execute((tx) => work(withRawQueries(tx))) : handle.db.transaction();
  return withRawQueries(handle.db, { transaction, engine: handle.engine, close: () => handle.close() }) as unknown as Database;
}
