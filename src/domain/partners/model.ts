/**
 * Partner bundles. Glossary: a *partner* is a publication whose bundle plans may include; its *entitlement* is
 * the catalogue key a plan (or grant) gives; a *code* is one activation code for the partner's site; a *claim*
 * is a reader taking one code (once per partner while they hold the entitlement); *revocation requested*
 * means the reader no longer holds the entitlement and the partner should deactivate the code (the report).
 */

export type ProvisioningKind = 'code-pool' | 'api';

export interface Partner {
  id: number;
  name: string;
  /** What the bundle includes, as readers read it ("News, Games, Cooking…"). */
  includes: string;
  /** https address the reader opens to activate; `{code}` is replaced by their code, URL-encoded. */
  activationUrl: string;
  terms: string;
  /** Staff are warned when fewer unclaimed codes than this remain. */
  lowStockThreshold: number;
  provisioning: ProvisioningKind;
  /** The catalogue key plans grant (`partner-…`); fixed once the partner exists. */
  entitlement: string;
  /** When a reader last asked for a code while there was none (cleared when codes are uploaded). */
  poolEmptyAt: Date | null;
}

/** What staff edit on a partner. */
export type PartnerFields = Pick<Partner, 'name' | 'includes' | 'activationUrl' | 'terms' | 'lowStockThreshold' | 'provisioning'>;

/** A new partner's entitlement key: `partner-` and lower-case letters, digits and hyphens (the catalogue's key rule). */
export const PARTNER_KEY = /^partner-[a-z0-9][a-z0-9-]{0,31}$/;

export const LIMITS = { name: 80, includes: 500, activationUrl: 500, terms: 5000, threshold: 1_000_000 } as const;

/** Problems with a partner's fields by field name; empty when it may be saved. `kinds`: the provisioning this install offers. */
export function checkPartnerFields(fields: PartnerFields, kinds: readonly ProvisioningKind[]): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.name.trim() === '') errors.name = 'Give the partner’s name.';
  else if (fields.name.length > LIMITS.name) errors.name = `Use at most ${LIMITS.name} characters.`;
  if (fields.includes.length > LIMITS.includes) errors.includes = `Use at most ${LIMITS.includes} characters.`;
  const url = activationUrlProblem(fields.activationUrl);
  if (url) errors.activationUrl = url;
  if (fields.terms.length > LIMITS.terms) errors.terms = `Use at most ${LIMITS.terms} characters.`;
  if (!Number.isInteger(fields.lowStockThreshold) || fields.lowStockThreshold < 0 || fields.lowStockThreshold > LIMITS.threshold)
    errors.lowStockThreshold = 'A whole number from 0 to 1,000,000.';
  if (!kinds.includes(fields.provisioning)) errors.provisioning = 'Choose how codes are given.';
  return errors;
}

/** Why an activation URL template cannot be used, or null: an absolute https URL, `{code}` allowed in it. */
export function activationUrlProblem(template: string): string | null {
  if (template.length > LIMITS.activationUrl) return `Use at most ${LIMITS.activationUrl} characters.`;
  if (!template.startsWith('https://')) return 'An https:// address, like https://partner.example/redeem?code={code}.';
  if (/[\s<>"'`\\]/.test(template) || /[{}]/.test(template.replaceAll('{code}', '')))
    return 'Only {code} may be written in braces, and no spaces or quotes.';
  try {
    const url = new URL(template.replaceAll('{code}', 'CODE'));
    if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '')
      return 'An https:// address of the partner’s site.';
  } catch {
    return 'That is not a web address.';
  }
  return null;
}

/** The link a reader opens to activate `code`: the template with `{code}` replaced by the URL-encoded code. */
export function activationLink(template: string, code: string): string {
  return template.replaceAll('{code}', encodeURIComponent(code));
}
