import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { Db } from '../../domain/ports/database.js';
import { isOutage } from '../../domain/errors.js';
import { redactUrl } from '../../config/redact-url.js';
import { appPool } from './pg-pool.js';
// The primary's module sets how BIGINT columns come back (as numbers): the same here as there.
import './postgres.js';

/** How long the replica is left alone after it failed, before reads try it again. */
export const REPLICA_RETRY_MS = 10_000;

/** The database for reads that tolerate replica lag, and where they go now. */
export interface ReadReplica {
  readonly db: Db;
  /** Where the next read goes: the replica, or the primary while the replica is down. */
  target(): 'replica' | 'primary';
  close(): Promise<void>;
}

/**
 * Reads that tolerate replica lag (lists, search, sitemaps, feeds, the archive) on a PostgreSQL read replica. Every
 * connection is read-only (`default_transaction_read_only=on`), so nothing can write through it. When the replica
 * cannot be reached, or a query fails because its connection did, the read is served by the primary (over a small
 * read-only pool of its own) and the replica is tried again `retryAfterMs` later. A read the replica cancels for a
 * conflict with what it replays is served by the primary too; the replica stays in use.
 *
 * A read-committed transaction (a search runs in one, for its local settings) that fails there for either reason
 * moves to the primary whole: it begins again there, its statements so far are run again (they are reads and
 * settings), then the one that failed. Each of its statements reads its own snapshot anyway; a transaction that reads
 * one snapshot throughout (repeatable read, serializable) fails instead.
 */
export function openReadReplica(options: {
  replicaUrl: string;
  primaryUrl: string;
  log?: (line: string) => void;
  retryAfterMs?: number;
  /** The clock the retry interval is counted on (tests move it). */
  now?: () => number;
  /** Connections to the replica; the primary's fallback pool has half as many. */
  poolSize?: number;
}): ReadReplica {
  const size = options.poolSize ?? 10;
  const replica = readOnlyPool(options.replicaUrl, size);
  const primary = readOnlyPool(options.primaryUrl, Math.max(2, Math.ceil(size / 2)));
  const router = new Router(
    new PostgresDriver({ pool: replica }),
    new PostgresDriver({ pool: primary }),
    redactUrl(options.replicaUrl),
    options.log ?? ((line) => console.warn(line)),
    options.retryAfterMs ?? REPLICA_RETRY_MS,
    options.now ?? Date.now,
  );
  const db: Db = new Kysely({ dialect: new ReadReplicaDialect(router) });
  return {
    db,
    target: () => (router.replicaUsable() ? 'replica' : 'primary'),
    close: () => db.destroy(),
  };
}

/** A pool whose connections cannot write; when its server goes away, the next read finds out and falls back. */
function readOnlyPool(connectionString: string, max: number): pg.Pool {
  return appPool({
    connectionString,
    max,
    options: '-c default_transaction_read_only=on',
    // A replica that stopped answering must not hold readers up for long: fall back to the primary instead.
    connectionTimeoutMillis: 2_000,
  });
}

/**
 * A failure that says the replica (or the connection to it) is gone, rather than something wrong with the query: any
 * error of the connection itself (it carries no SQLSTATE), or an outage the server reports (`isOutage`: "cannot
 * connect now", as a replica says while it starts, shutdown, too many connections).
 */
function isReplicaFailure(error: unknown): boolean {
  return error instanceof Error && (!(error instanceof pg.DatabaseError) || isOutage(error));
}

/** A hot standby cancels a read that conflicts with the primary's changes it replays (SQLSTATE 40001): the primary can answer it. */
function isRecoveryConflict(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '40001';
}

class Router {
  #downUntil = 0;
  #wasDown = false;

  constructor(
    readonly replica: Driver,
    readonly primary: Driver,
    readonly label: string,
    readonly log: (line: string) => void,
    readonly retryAfterMs: number,
    readonly now: () => number,
  ) {}

  replicaUsable(): boolean {
    return this.now() >= this.#downUntil;
  }

  markDown(error: unknown): void {
    const first = this.replicaUsable();
    this.#downUntil = this.now() + this.retryAfterMs;
    this.#wasDown = true;
    if (first) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log(
        `Read replica ${this.label} failed (${reason}): reading from the primary, trying the replica again in ${this.retryAfterMs / 1000} s.`,
      );
    }
  }

  async acquire(): Promise<RoutedConnection> {
    if (this.replicaUsable()) {
      try {
        const inner = await this.replica.acquireConnection();
        if (this.#wasDown) {
          this.#wasDown = false;
          this.log(`Read replica ${this.label} answers again: reads go to it.`);
        }
        return new RoutedConnection(this, inner, 'replica');
      } catch (error) {
        this.markDown(error);
      }
    }
    return new RoutedConnection(this, await this.primary.acquireConnection(), 'primary');
  }

  async release(connection: RoutedConnection): Promise<void> {
    await (connection.source === 'replica' ? this.replica : this.primary).releaseConnection(connection.inner);
  }

  /** Runs one query on a connection of the primary's read-only pool. */
  async onPrimary<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const connection = await this.primary.acquireConnection();
    try {
      return await connection.executeQuery<R>(query);
    } finally {
      await this.primary.releaseConnection(connection);
    }
  }
}

class RoutedConnection implements DatabaseConnection {
  /** The open transaction: how it began and the statements run in it since, to run again if it moves to the primary. */
  transaction: { begin: CompiledQuery; done: CompiledQuery[]; movable: boolean } | null = null;

  constructor(
    readonly router: Router,
    public inner: DatabaseConnection,
    public source: 'replica' | 'primary',
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let result: QueryResult<R>;
    try {
      result = await this.inner.executeQuery<R>(query);
    } catch (error) {
      if (!this.primaryCanAnswer(error)) throw error;
      if (!this.transaction) return this.router.onPrimary<R>(query);
      if (!this.transaction.movable) throw error;
      await this.moveToPrimary(this.transaction);
      result = await this.inner.executeQuery<R>(query);
    }
    this.transaction?.done.push(query);
    return result;
  }

  /** Opens a transaction (on the primary if the replica fails to). */
  async begin(begin: CompiledQuery, movable: boolean): Promise<void> {
    const transaction = { begin, done: [], movable };
    this.transaction = transaction;
    try {
      await this.inner.executeQuery(begin);
    } catch (error) {
      if (!this.primaryCanAnswer(error) || !movable) {
        this.transaction = null;
        throw error;
      }
      await this.moveToPrimary(transaction);
    }
  }

  /**
   * Ends the transaction. On the replica it only read: if the replica goes away or cancels it now, nothing is lost
   * (the reads are done; an unusable connection leaves the pool when it is released).
   */
  async end(command: 'commit' | 'rollback'): Promise<void> {
    this.transaction = null;
    try {
      await this.inner.executeQuery(CompiledQuery.raw(command));
    } catch (error) {
      if (!this.primaryCanAnswer(error)) throw error;
    }
  }

  /** Whether the primary may answer what failed here: the replica is gone (it is then left alone a while) or cancelled a read. */
  private primaryCanAnswer(error: unknown): boolean {
    if (this.source !== 'replica') return false;
    if (isReplicaFailure(error)) this.router.markDown(error);
    else if (!isRecoveryConflict(error)) return false;
    return true;
  }

  /** Ends the transaction on the replica (if its connection still answers) and opens it again on the primary. */
  private async moveToPrimary({ begin, done }: { begin: CompiledQuery; done: CompiledQuery[] }): Promise<void> {
    const primary = await this.router.primary.acquireConnection();
    await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
    await this.router.release(this);
    this.inner = primary;
    this.source = 'primary';
    await this.inner.executeQuery(begin);
    for (const query of done) await this.inner.executeQuery(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** The driver hands out only its own connections; Kysely gives each back to it. */
function routedOf(connection: DatabaseConnection): RoutedConnection {
  if (!(connection instanceof RoutedConnection)) throw new Error('not a connection of the read replica driver');
  return connection;
}

class ReadReplicaDriver implements Driver {
  constructor(private readonly router: Router) {}

  async init(): Promise<void> {
    await this.router.replica.init();
    await this.router.primary.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.router.acquire();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const routed = routedOf(connection);
    const modes = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean);
    const readCommitted = !settings.isolationLevel || settings.isolationLevel.startsWith('read ');
    await routed.begin(CompiledQuery.raw(modes.length > 0 ? `start transaction ${modes.join(', ')}` : 'begin'), readCommitted);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return routedOf(connection).end('commit');
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return routedOf(connection).end('rollback');
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.router.release(routedOf(connection));
  }

  async destroy(): Promise<void> {
    await Promise.all([this.router.replica.destroy(), this.router.primary.destroy()]);
  }
}

class ReadReplicaDialect implements Dialect {
  constructor(private readonly router: Router) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new ReadReplicaDriver(this.router);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
