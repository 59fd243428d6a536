import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Partner, PartnerFields } from './model.js';

/** Partners' reads and writes (`partners`, migration 024); their codes are in code-queries.ts. */

const COLUMNS = [
  'p.id',
  'p.name',
  'p.includes',
  'p.activation_url as activationUrl',
  'p.terms',
  'p.low_stock_threshold as lowStockThreshold',
  'p.provisioning',
  'p.entitlement',
  'p.pool_empty_at as poolEmptyAt',
] as const;

/** Codes that may still be handed out: unclaimed and not past their last day (`today`, YYYY-MM-DD). */
const unclaimedCount = (today: string) =>
  sql<number>`(select count(*)::int from partner_codes c where c.partner_id = p.id and c.claimed_at is null
    and (c.expires_on is null or c.expires_on >= ${today}::date))`;

export interface PartnerWithStock extends Partner {
  /** Codes that may still be handed out. */
  unclaimed: number;
}

export async function listPartnersWithStock(db: Db, today: string): Promise<PartnerWithStock[]> {
  return db
    .selectFrom('partners as p')
    .select([...COLUMNS, unclaimedCount(today).as('unclaimed')])
    .orderBy('p.name')
    .orderBy('p.id')
    .execute();
}

export async function findPartner(db: Db, id: number, today: string): Promise<PartnerWithStock | null> {
  const row = await db
    .selectFrom('partners as p')
    .select([...COLUMNS, unclaimedCount(today).as('unclaimed')])
    .where('p.id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** A partner without counting its codes (the claim's and the sweep's lookup). */
export async function partnerById(db: Db, id: number): Promise<Partner | null> {
  const row = await db.selectFrom('partners as p').select(COLUMNS).where('p.id', '=', id).executeTakeFirst();
  return row ?? null;
}

export async function lockPartner(tx: Tx, id: number): Promise<Partner | null> {
  const row = await tx.selectFrom('partners as p').select(COLUMNS).where('p.id', '=', id).forUpdate().executeTakeFirst();
  return row ?? null;
}

/** The partners whose entitlement is one of `keys` (a reader's), by name. */
export async function partnersOfEntitlements(db: Db, keys: readonly string[]): Promise<Partner[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('partners as p').select(COLUMNS).where('p.entitlement', 'in', keys).orderBy('p.name').execute();
}

/** The entitlement keys of partners that can give a code now: an API adapter, or an unclaimed code in the pool. */
export async function workingPartnerKeys(db: Db, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('partners as p')
    .select('p.entitlement')
    .where((eb) =>
      eb.or([
        eb('p.provisioning', '=', 'api'),
        eb.exists(
          eb
            .selectFrom('partner_codes as c')
            .select(sql.lit(1).as('one'))
            .whereRef('c.partner_id', '=', 'p.id')
            .where('c.claimed_at', 'is', null)
            .where((w) => w.or([w('c.expires_on', 'is', null), w('c.expires_on', '>=', sql<Date>`${today}::date`)])),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => r.entitlement);
}

/** Names of the plans that grant `key`, on sale first. */
export async function plansGranting(db: Db, key: string): Promise<{ name: string; active: boolean }[]> {
  return db
    .selectFrom('plans')
    .select(['name', 'active'])
    .where(sql<boolean>`${key} = any(entitlements)`)
    .orderBy('active', 'desc')
    .orderBy('position')
    .execute();
}

/** Adds a partner; null when its entitlement already belongs to another partner. */
export async function insertPartner(
  tx: Tx,
  fields: PartnerFields,
  entitlement: string,
  by: number | null,
  now: Date,
): Promise<number | null> {
  const row = await tx
    .insertInto('partners')
    .values({ ...columnsOf(fields), entitlement, created_at: now, updated_at: now, updated_by: by })
    .onConflict((oc) => oc.column('entitlement').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function updatePartner(tx: Tx, id: number, fields: PartnerFields, by: number | null, now: Date): Promise<void> {
  await tx
    .updateTable('partners')
    .set({ ...columnsOf(fields), updated_at: now, updated_by: by })
    .where('id', '=', id)
    .execute();
}

const columnsOf = (fields: PartnerFields) => ({
  name: fields.name,
  includes: fields.includes,
  activation_url: fields.activationUrl,
  terms: fields.terms,
  low_stock_threshold: fields.lowStockThreshold,
  provisioning: fields.provisioning,
});

/** Records that a reader found the pool empty (staff are warned); null clears it (codes uploaded). */
export async function setPoolEmptyAt(db: Db, id: number, at: Date | null): Promise<void> {
  await db.updateTable('partners').set({ pool_empty_at: at }).where('id', '=', id).execute();
}
