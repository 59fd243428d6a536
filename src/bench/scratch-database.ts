import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Runs `work` on a database of its own on the PostgreSQL server `server` names (a URL whose database the user may
 * create databases from), then drops it whatever happened: the benchmarks' and the query-plan report's scratch space.
 */
export async function withScratchDatabase<T>(server: string, prefix: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin(`drop database if exists ${name} with (force)`);
  }
}
