import type { Db } from '../ports/database.js';
import { readSetting } from '../site/queries.js';
import { DEFAULT_SUPPLIER, type SupplierDetails } from './invoice-model.js';

/**
 * Who issues invoices: the `supplier` setting over the demo's invented company. Read through the caller's
 * transaction when it holds one (on PGlite a read outside it would wait for it).
 */
export async function loadSupplier(db: Db): Promise<SupplierDetails> {
  const stored = (await readSetting(db, 'supplier')) as Partial<SupplierDetails> | null;
  return { ...DEFAULT_SUPPLIER, ...(stored ?? {}) };
}
