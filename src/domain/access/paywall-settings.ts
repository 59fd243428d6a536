import { recordChange } from '../audit/audit.js';
import type { Db } from '../ports/database.js';
import { announceChange } from '../site/changes.js';
import { authorize, type Actor } from '../policies/policies.js';
import { SECTION_RULES, type AccessPolicy, type SectionRule } from './model.js';
import { findPaywallSettings, savePaywallSettings } from './paywall-queries.js';

/**
 * The paywall as the business team sets it on /admin/paywall. Until it is first saved, the environment's
 * values (MASTHEAD_FREE_LIMIT, MASTHEAD_REGISTRATION_BONUS, MASTHEAD_LEAD_BLOCKS/WORDS, MASTHEAD_NETWORK_BUDGET)
 * apply; once saved, the stored settings do, on every instance, and the environment only sets the defaults.
 */
export interface PaywallSettings {
  /** Free metered articles per calendar month. */
  freeLimit: number;
  /** Whether anonymous readers at the limit are offered a free account with `registrationBonus` more articles. */
  registrationWall: boolean;
  registrationBonus: number;
  /** The lead-in shown before the paywall: at most this many blocks and words. */
  lead: { blocks: number; words: number };
  /** Metered reads per network per month for readers without an account. */
  networkBudget: number;
  /** Section slug → rule (see `AccessPolicy.sectionRules`); sections not listed follow their articles. */
  sectionRules: Record<string, SectionRule>;
  /** Provenance prefixes whose articles never use the meter: `wire:` (all wire copy), `wire:PTI`, `partner:`. */
  unmeteredProvenances: string[];
}

/** The limits the form checks, also what the environment allows (src/config/config.ts). */
export const PAYWALL_LIMITS = {
  freeLimit: [0, 100],
  registrationBonus: [0, 100],
  leadBlocks: [0, 20],
  leadWords: [0, 2000],
  networkBudget: [1, 10_000_000],
} as const;

/** A provenance prefix: `staff`, `wire:` or `partner:`, optionally followed by a source name. */
export const PROVENANCE_PREFIX = /^(staff|(wire|partner):([A-Za-z0-9][\w .&-]{0,59})?)$/;

export function paywallDefaults(config: {
  freeLimit: number;
  registrationBonus: number;
  lead: { blocks: number; words: number };
  networkBudget: number;
}): PaywallSettings {
  return {
    freeLimit: config.freeLimit,
    registrationWall: config.registrationBonus > 0,
    registrationBonus: config.registrationBonus,
    lead: { ...config.lead },
    networkBudget: config.networkBudget,
    sectionRules: {},
    unmeteredProvenances: [],
  };
}

/** The access policy these settings make, with what is not a paywall setting (time zone, archive) from `base`. */
export function policyOf(settings: PaywallSettings, base: Pick<AccessPolicy, 'timeZone' | 'archiveAfterDays'>): AccessPolicy {
  return {
    freeLimit: settings.freeLimit,
    registrationBonus: settings.registrationWall ? settings.registrationBonus : 0,
    timeZone: base.timeZone,
    archiveAfterDays: base.archiveAfterDays,
    unmeteredProvenances: [...settings.unmeteredProvenances],
    sectionRules: new Map(Object.entries(settings.sectionRules)),
  };
}

const inRange = (n: unknown, [min, max]: readonly [number, number]) => Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

/** Reads stored settings over the defaults, keeping a default for any field that is missing or out of range. */
export function readStoredSettings(stored: unknown, defaults: PaywallSettings): PaywallSettings {
  if (stored === null || typeof stored !== 'object') return defaults;
  const s = stored as Partial<PaywallSettings>;
  const lead = s.lead ?? defaults.lead;
  const rules = Object.entries(s.sectionRules ?? {}).filter(([, rule]) => (SECTION_RULES as readonly string[]).includes(rule));
  return {
    freeLimit: inRange(s.freeLimit, PAYWALL_LIMITS.freeLimit) ? (s.freeLimit as number) : defaults.freeLimit,
    registrationWall: typeof s.registrationWall === 'boolean' ? s.registrationWall : defaults.registrationWall,
    registrationBonus: inRange(s.registrationBonus, PAYWALL_LIMITS.registrationBonus)
      ? (s.registrationBonus as number)
      : defaults.registrationBonus,
    lead: {
      blocks: inRange(lead.blocks, PAYWALL_LIMITS.leadBlocks) ? lead.blocks : defaults.lead.blocks,
      words: inRange(lead.words, PAYWALL_LIMITS.leadWords) ? lead.words : defaults.lead.words,
    },
    networkBudget: inRange(s.networkBudget, PAYWALL_LIMITS.networkBudget) ? (s.networkBudget as number) : defaults.networkBudget,
    sectionRules: Object.fromEntries(rules),
    unmeteredProvenances: (s.unmeteredProvenances ?? []).filter((p) => typeof p === 'string' && PROVENANCE_PREFIX.test(p)),
  };
}

/** The settings in force: the stored ones, or the environment's defaults when none were saved. */
export async function loadPaywallSettings(db: Db, defaults: PaywallSettings): Promise<PaywallSettings> {
  const row = await findPaywallSettings(db);
  return row ? readStoredSettings(row.value, defaults) : defaults;
}

/** The settings as flat fields, so the audit log shows each one that changed. */
function auditFields(settings: PaywallSettings): Record<string, unknown> {
  const { lead, sectionRules, unmeteredProvenances, ...rest } = settings;
  return {
    ...rest,
    leadBlocks: lead.blocks,
    leadWords: lead.words,
    sectionRules: Object.entries(sectionRules)
      .map(([section, rule]) => `${section}: ${rule}`)
      .sort()
      .join(', '),
    unmeteredProvenances: unmeteredProvenances.join(', '),
  };
}

/** Stores new paywall settings (already checked by the form); they apply on every instance at the next refresh. */
export async function updatePaywallSettings(
  db: Db,
  actor: Actor,
  input: { settings: PaywallSettings; defaults: PaywallSettings; now: Date },
): Promise<void> {
  authorize(actor, 'manageBusiness');
  const by = actor.kind === 'user' ? actor.id : null;
  await db.transaction().execute(async (tx) => {
    const stored = await findPaywallSettings(tx, { lock: true });
    const before = stored ? readStoredSettings(stored.value, input.defaults) : input.defaults;
    await savePaywallSettings(tx, input.settings, input.now, by);
    const entry = { actor, area: 'paywall', subject: 'Paywall settings', action: 'update' };
    await recordChange(tx, { ...entry, before: auditFields(before), after: auditFields(input.settings) }, input.now);
    await announceChange(tx);
  });
}

/** The settings in force, for the form. */
export async function paywallSettingsFor(db: Db, actor: Actor, defaults: PaywallSettings): Promise<PaywallSettings> {
  authorize(actor, 'manageBusiness');
  return loadPaywallSettings(db, defaults);
}
