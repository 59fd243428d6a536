import type { Config } from '../config/config.js';
import { SUPPLIER_VARIABLES } from '../config/config.js';
import { checkSupplierIdentity, type SupplierIdentityField } from '../domain/billing/supplier-identity.js';
import { isDemoSupplier, loadSupplier } from '../domain/billing/supplier.js';
import { ANONYMOUS } from '../domain/policies/policies.js';
import { replaceSupplierIdentity } from '../domain/site/site-service.js';
import type { SupplierDetails } from '../domain/billing/invoice-model.js';
import type { Db } from '../domain/ports/database.js';

/** The command-line option of each part of the identity. */
export const SUPPLIER_OPTIONS: Record<SupplierIdentityField, string> = {
  name: 'name',
  address: 'address',
  state: 'state',
  gstin: 'gstin',
  invoiceSeries: 'series',
};

export const SUPPLIER_USAGE =
  'masthead settings supplier --name NAME --address "LINE | LINE" --state CODE --gstin GSTIN --series PREFIX  (no options: show it)';

const describe = (s: SupplierDetails): string =>
  `${s.name}, ${s.addressLines.join(', ')}; State ${s.stateCode}; GSTIN ${s.gstin}; invoices ${s.invoiceSeries}/…, credit notes ${s.creditNoteSeries}/…`;

/**
 * `masthead settings supplier`: shows the identity new invoices carry, or replaces it with the one given
 * (all five options, checked as the environment variables are). Returns the exit code.
 */
export async function supplierSettings(
  db: Db,
  config: Config,
  values: Record<string, string | boolean | undefined>,
  out: { log: (line: string) => void; error: (line: string) => void },
): Promise<number> {
  const fields = Object.keys(SUPPLIER_OPTIONS) as SupplierIdentityField[];
  const given = fields.filter((field) => values[SUPPLIER_OPTIONS[field]] !== undefined);
  if (given.length === 0) {
    const current = await loadSupplier(db);
    out.log(`${isDemoSupplier(current) ? '(demo) ' : ''}${describe(current)}`);
    return 0;
  }
  const text = (field: SupplierIdentityField): string | null => {
    const value = values[SUPPLIER_OPTIONS[field]];
    return typeof value === 'string' ? value : null;
  };
  const missing = fields.filter((field) => text(field) === null).map((field) => `--${SUPPLIER_OPTIONS[field]}`);
  if (missing.length > 0) {
    out.error(`masthead settings: missing ${missing.join(', ')}; usage: ${SUPPLIER_USAGE}`);
    return 2;
  }
  const checked = checkSupplierIdentity(
    {
      name: text('name') ?? '',
      address: text('address') ?? '',
      state: text('state') ?? '',
      gstin: text('gstin') ?? '',
      invoiceSeries: text('invoiceSeries') ?? '',
    },
    (await loadSupplier(db)).creditNoteSeries,
  );
  if (!checked.ok) {
    out.error(`masthead settings: --${SUPPLIER_OPTIONS[checked.field]}: ${checked.problem}`);
    return 2;
  }
  // The command line is nobody's account: the audit log shows it as such. Running instances hear the change.
  await db.transaction().execute((tx) => replaceSupplierIdentity(tx, ANONYMOUS, checked.value));
  out.log(`New invoices carry: ${describe(await loadSupplier(db))}`);
  if (config.supplier) {
    out.log(`Note: ${Object.values(SUPPLIER_VARIABLES).join(', ')} are set, and replace this at the next start.`);
  }
  return 0;
}
