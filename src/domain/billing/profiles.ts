import type { Queryable } from '../../adapters/db/legacy.js';

/**
 * The reader's billing details (name and address for the tax invoice, optional GSTIN). One row per
 * reader; the invoice snapshots it when issued, so editing it later never rewrites an invoice.
 */
export interface BillingProfile {
  name: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  /** Two-digit GST state code. */
  stateCode: string;
  pin: string;
  gstin: string | null;
}

interface Row {
  name: string;
  address_line1: string;
  address_line2: string;
  city: string;
  state_code: string;
  pin: string;
  gstin: string | null;
}

export async function findBillingProfile(db: Queryable, userId: number): Promise<BillingProfile | null> {
  const { rows } = await db.query<Row>(
    'select name, address_line1, address_line2, city, state_code, pin, gstin from billing_profiles where user_id = $1',
    [userId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    name: r.name,
    addressLine1: r.address_line1,
    addressLine2: r.address_line2,
    city: r.city,
    stateCode: r.state_code,
    pin: r.pin,
    gstin: r.gstin,
  };
}

export async function saveBillingProfile(db: Queryable, userId: number, p: BillingProfile, now: Date): Promise<void> {
  await db.query(
    `insert into billing_profiles (user_id, name, address_line1, address_line2, city, state_code, pin, gstin, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (user_id) do update set name = excluded.name, address_line1 = excluded.address_line1,
       address_line2 = excluded.address_line2, city = excluded.city, state_code = excluded.state_code,
       pin = excluded.pin, gstin = excluded.gstin, updated_at = excluded.updated_at`,
    [userId, p.name, p.addressLine1, p.addressLine2, p.city, p.stateCode, p.pin, p.gstin, now],
  );
}
