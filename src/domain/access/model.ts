import type { AccessItem } from '../content/model.js';
import type { MeterState } from '../metering/model.js';

/** Names of entitlements the access decision understands. Others may exist (partner bundles, e-paper). */
export const ENTITLEMENTS = {
  premium: 'premium',
  archive: 'archive',
  adFree: 'ad-free',
  markets: 'markets',
} as const;

export type ReaderKind = 'anonymous' | 'registered' | 'verified-crawler';

export interface Reader {
  kind: ReaderKind;
  /** Entitlements the reader holds now (from subscriptions, grants, bundles). */
  entitlements: ReadonlySet<string>;
}

export interface AccessPolicy {
  /** Free metered articles per calendar month. */
  freeLimit: number;
  /** Extra metered articles per month for registered readers when the registration wall is on; 0 = off. */
  registrationBonus: number;
  /** IANA time zone whose calendar month the meter follows. */
  timeZone: string;
  /** Metered articles older than this many days belong to the archive and need the `archive` entitlement; null = no archive rule. */
  archiveAfterDays: number | null;
  /** Provenance prefixes whose metered articles never use the meter (e.g. `wire:` when a licence says so). */
  unmeteredProvenances: readonly string[];
  /** Provenances whose articles are not part of the premium archive (a wire agency's licence): the archive rule never gates them. */
  archiveExemptProvenances?: readonly string[];
  /**
   * Per-section rules by section slug (paywall settings). They only ever raise an article's visibility, with one
   * exception: `premium` makes the section's free and metered articles premium; `metered` meters its free ones;
   * `free` lifts the meter off its metered articles. A premium article stays premium under every rule: it was
   * marked so on purpose, and a section setting must never give it away. Absent: the articles' own visibility.
   */
  sectionRules?: ReadonlyMap<string, SectionRule>;
}

export const SECTION_RULES = ['free', 'metered', 'premium'] as const;
export type SectionRule = (typeof SECTION_RULES)[number];

/** Per-network monthly budget for anonymous readers (keyed elsewhere by a salted hash of the network prefix). */
export interface NetworkBudget {
  used: number;
  limit: number;
}

export interface AccessInput {
  reader: Reader;
  item: AccessItem;
  meter: MeterState;
  /** Only consulted for anonymous readers; null when not tracked. */
  network: NetworkBudget | null;
  policy: AccessPolicy;
  now: Date;
  /**
   * A gift link to this very item came with the request and was checked (signature, end, stored): the item opens
   * without the meter when nothing else would open it free. Only the article page passes it.
   */
  gift?: boolean;
}

export type GrantReason = 'free' | 'entitled' | 'metered' | 'metered-reread' | 'verified-crawler' | 'unmetered-provenance' | 'gift';
export type DenyReason =
  | 'meter-exhausted'
  | 'registration-required'
  | 'subscription-required'
  | 'archive-subscription-required'
  | 'network-budget-exhausted'
  | 'unknown';

export type AccessDecision =
  | {
      allowed: true;
      reason: GrantReason;
      /** Meter state after this read (unchanged unless `charged`). */
      meter: MeterState;
      /** True when this read used one of the reader's free articles (the caller also charges the network budget). */
      charged: boolean;
      /** Free metered articles left this month after this read; null when the meter does not apply to this reader. */
      readsLeft: number | null;
    }
  | {
      allowed: false;
      reason: DenyReason;
      meter: MeterState;
      charged: false;
      readsLeft: number | null;
    };
