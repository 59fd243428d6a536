import type { Db } from '../ports/database.js';
import { readSetting, writeSetting } from '../site/queries.js';
import { DEFAULT_SUPPLIER, type SupplierDetails } from './invoice-model.js';
import type { SupplierIdentity } from './supplier-identity.js';

/**
 * Who issues invoices: the `supplier` setting over the demo's invented company. Read through the caller's
 * transaction when it holds one (on PGlite a read outside it would wait for it).
 */
export async function loadSupplier(db: Db): Promise<SupplierDetails> {
  const stored = (await readSetting(db, 'supplier')) as Partial<SupplierDetails> | null;
  return { ...DEFAULT_SUPPLIER, ...(stored ?? {}) };
}

/**
 * Stores the publisher's identity as the `supplier` setting, keeping the credit notes' series. Invoices already
 * issued keep the supplier they were issued with (each row holds its own copy); new ones carry this one.
 * Returns whether the stored identity changed.
 */
export async function saveSupplierIdentity(db: Db, identity: SupplierIdentity): Promise<boolean> {
  const current = await loadSupplier(db);
  const next: SupplierDetails = { ...identity, creditNoteSeries: current.creditNoteSeries };
  if (next.invoiceSeries === next.creditNoteSeries) {
    throw new Error(`invoice series ${JSON.stringify(next.invoiceSeries)} is already the credit notes' series; pick another`);
  }
  if (JSON.stringify(next) === JSON.stringify(current)) return false;
  await writeSetting(db, 'supplier', next);
  return true;
}

/** True while invoices would carry the demo's invented company (no identity configured or stored). */
export function isDemoSupplier(supplier: SupplierDetails): boolean {
  return supplier.gstin === DEFAULT_SUPPLIER.gstin || supplier.name === DEFAULT_SUPPLIER.name;
}
