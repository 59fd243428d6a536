import type { Db } from '../ports/database.js';
import type { BillingProfile } from './profiles.js';

/** Billing details (table `billing_profiles`), one row per reader. */

export async function findBillingProfile(db: Db, userId: number): Promise<BillingProfile | null> {
  const r = await db
    .selectFrom('billing_profiles')
    .select(['name', 'address_line1', 'address_line2', 'city', 'state_code', 'pin', 'gstin'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
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

export async function saveBillingProfile(db: Db, userId: number, p: BillingProfile, now: Date): Promise<void> {
  await db
    .insertInto('billing_profiles')
    .values({
      user_id: userId,
      name: p.name,
      address_line1: p.addressLine1,
      address_line2: p.addressLine2,
      city: p.city,
      state_code: p.stateCode,
      pin: p.pin,
      gstin: p.gstin,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        address_line1: eb.ref('excluded.address_line1'),
        address_line2: eb.ref('excluded.address_line2'),
        city: eb.ref('excluded.city'),
        state_code: eb.ref('excluded.state_code'),
        pin: eb.ref('excluded.pin'),
        gstin: eb.ref('excluded.gstin'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
