import { sql } from 'kysely';
import type { Db } from '../ports/database.js';

/** An entry as stored: the changed fields' values before and after (audit.ts pairs them up). */
export interface StoredChange {
  id: number;
  at: Date;
  user: { id: number; name: string; email: string; role: string } | null;
  area: string;
  subject: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The audit log's own table. */

export async function insertChange(
  db: Db,
  row: {
    at: Date;
    userId: number | null;
    area: string;
    subject: string;
    action: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  },
): Promise<void> {
  // JSON text on both engines, as for settings.
  const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));
  await db
    .insertInto('audit_log')
    .values({
      at: row.at,
      user_id: row.userId,
      area: row.area,
      subject: row.subject,
      action: row.action,
      before: json(row.before),
      after: json(row.after),
    })
    .execute();
}

export async function listChanges(
  db: Db,
  options: { area?: string | undefined; before?: number | undefined; limit: number },
): Promise<StoredChange[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.at', 'a.area', 'a.subject', 'a.action', 'a.before', 'a.after', 'u.id as userId', 'u.name', 'u.email', 'u.role'])
    .orderBy('a.id', 'desc')
    .limit(options.limit);
  if (options.area) query = query.where('a.area', '=', options.area);
  if (options.before) query = query.where('a.id', '<', options.before);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    at: new Date(row.at),
    user: row.userId === null ? null : { id: row.userId, name: row.name ?? '', email: row.email ?? '', role: row.role ?? '' },
    area: row.area,
    subject: row.subject,
    action: row.action,
    before: row.before as Record<string, unknown> | null,
    after: row.after as Record<string, unknown> | null,
  }));
}

/** The areas that have entries: a loose index scan over audit_log_area_idx, one probe per area whatever the log's size. */
export async function auditAreas(db: Db): Promise<string[]> {
  const rows = await sql<{ area: string }>`
    with recursive areas(area) as (
      (select area from audit_log order by area limit 1)
      union all
      select (select area from audit_log where area > areas.area order by area limit 1) from areas where areas.area is not null
    )
    select area from areas where area is not null`.execute(db);
  return rows.rows.map((r) => r.area);
}
