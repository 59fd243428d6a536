import { CompiledQuery } from 'kysely';
import type { Db, Tx } from '../../src/domain/ports/database.js';

/**
 * Tests read and arrange rows directly: a test database is the app's Kysely instance with a
 * `query(sql, params)` method for plain SQL beside it (never in src/, where SQL lives in queries files).
 */
export interface RawQuery {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the test names the row shape it reads, as pg's query<Row> does
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

export type TestDb = Db & RawQuery;

/** `db` with `query(sql, params)`: Kysely's own methods keep working on the same connection. */
export function withRawSql<K extends Db | Tx>(target: K): K & RawQuery {
  const query: RawQuery['query'] = async (text, params = []) => {
    const result = await target.executeQuery<never>(CompiledQuery.raw(text, [...params]));
    return { rows: result.rows, rowCount: Number(result.numAffectedRows ?? result.rows.length) };
  };
  return new Proxy(target, {
    get(object, property) {
      if (property === 'query') return query;
      // Kysely keeps its state in private fields: call its methods on the object itself, not the proxy.
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  }) as K & RawQuery;
}
