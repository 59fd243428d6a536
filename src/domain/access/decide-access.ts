import type { AccessItem } from '../content/model.js';
import type { MeterState } from '../metering/model.js';
import { currentMeter, meterPeriod } from '../metering/period.js';
import { ENTITLEMENTS } from './model.js';
import type { AccessDecision, AccessInput, AccessPolicy, DenyReason, GrantReason, Reader } from './model.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Anonymous and registered readers are counted by the meter unless a subscription lifts it. */
function isMetered(reader: Reader): boolean {
  return (reader.kind === 'anonymous' || reader.kind === 'registered') && !reader.entitlements.has(ENTITLEMENTS.premium);
}

function meterLimit(reader: Reader, policy: AccessPolicy): number {
  return policy.freeLimit + (reader.kind === 'registered' ? policy.registrationBonus : 0);
}

/** Reads left, never negative: a policy lowered mid-month leaves old meters above the new limit. NaN → 0. */
function remaining(meter: MeterState, limit: number): number {
  const used = meter.read.length;
  return limit > used ? limit - used : 0;
}

function readsLeftFor(reader: Reader, meter: MeterState, policy: AccessPolicy): number | null {
  return isMetered(reader) ? remaining(meter, meterLimit(reader, policy)) : null;
}

function grant(reason: GrantReason, meter: MeterState, charged: boolean, readsLeft: number | null): AccessDecision {
  return { allowed: true, reason, meter, charged, readsLeft };
}

function deny(reason: DenyReason, meter: MeterState, readsLeft: number | null): AccessDecision {
  return { allowed: false, reason, meter, charged: false, readsLeft };
}

function isArchived(item: AccessItem, policy: AccessPolicy, nowMs: number): boolean {
  const days = policy.archiveAfterDays;
  return days != null && nowMs - item.publishedAt.getTime() > days * DAY_MS;
}

function hasUnmeteredProvenance(provenance: string, prefixes: readonly string[]): boolean {
  // Plain loop: no closure allocation on the hot path.
  for (const prefix of prefixes) {
    if (provenance.startsWith(prefix)) return true;
  }
  return false;
}

/** An article's visibility under its section's rule (see `AccessPolicy.sectionRules`); widened, as rows may hold anything. */
function visibilityUnder(visibility: string, rule: string | undefined): string {
  if (rule === 'premium' && (visibility === 'free' || visibility === 'metered')) return 'premium';
  if (rule === 'metered' && visibility === 'free') return 'metered';
  if (rule === 'free' && visibility === 'metered') return 'free';
  return visibility;
}

/**
 * Decides whether this reader may read this item now, and the meter state after the read.
 * Pure and total: no I/O, never throws for well-typed input, and anything it does not recognise
 * (an unknown visibility or reader kind, an invalid clock or publication date) is denied with `unknown`.
 * The caller persists `meter` and, when `charged`, also charges the anonymous reader's network budget.
 */
export function decideAccess(input: AccessInput): AccessDecision {
  const decision = decideWithoutGift(input);
  // A gift opens what would otherwise be denied or cost a free article; it never replaces a free read, and never
  // opens what the decision could not make sense of.
  if (input.gift !== true || (decision.allowed && !decision.charged) || decision.reason === 'unknown') return decision;
  const meter = currentMeter(input.meter, decision.meter.period);
  return grant('gift', meter, false, readsLeftFor(input.reader, meter, input.policy));
}

function decideWithoutGift(input: AccessInput): AccessDecision {
  const { reader, item, policy } = input;
  if (reader.kind === 'verified-crawler') return grant('verified-crawler', input.meter, false, null);

  const nowMs = input.now.getTime();
  const visibility = visibilityUnder(item.visibility, policy.sectionRules?.get(item.section));
  if (visibility === 'free') {
    // A free article is never denied, even when the clock is broken; it just cannot report the meter then.
    if (!Number.isFinite(nowMs)) return grant('free', input.meter, false, null);
    const meter = currentMeter(input.meter, meterPeriod(input.now, policy.timeZone));
    return grant('free', meter, false, readsLeftFor(reader, meter, policy));
  }
  if (!Number.isFinite(nowMs) || (visibility !== 'metered' && visibility !== 'premium')) {
    return deny('unknown', input.meter, null);
  }

  const meter = currentMeter(input.meter, meterPeriod(input.now, policy.timeZone));
  const entitlements = reader.entitlements;

  if (policy.archiveAfterDays != null) {
    // NaN publication date: age unknown, so it may be archived; deny rather than guess.
    if (!Number.isFinite(item.publishedAt.getTime())) return deny('unknown', meter, readsLeftFor(reader, meter, policy));
    if (isArchived(item, policy, nowMs) && !hasUnmeteredProvenance(item.provenance, policy.archiveExemptProvenances ?? [])) {
      const entitled = entitlements.has(ENTITLEMENTS.archive) && (visibility === 'metered' || entitlements.has(item.premiumEntitlement));
      return entitled
        ? grant('entitled', meter, false, readsLeftFor(reader, meter, policy))
        : deny('archive-subscription-required', meter, readsLeftFor(reader, meter, policy));
    }
  }

  if (visibility === 'premium') {
    return entitlements.has(item.premiumEntitlement)
      ? grant('entitled', meter, false, readsLeftFor(reader, meter, policy))
      : deny('subscription-required', meter, readsLeftFor(reader, meter, policy));
  }

  // Metered from here on.
  if (entitlements.has(ENTITLEMENTS.premium)) return grant('entitled', meter, false, null);
  // Widened like `visibility`: a reader kind from outside the type (a bad row) is denied, not metered.
  const kind: string = reader.kind;
  if (kind !== 'anonymous' && kind !== 'registered') return deny('unknown', meter, null);

  const limit = meterLimit(reader, policy);
  if (hasUnmeteredProvenance(item.provenance, policy.unmeteredProvenances)) {
    return grant('unmetered-provenance', meter, false, remaining(meter, limit));
  }
  if (meter.read.includes(item.id)) return grant('metered-reread', meter, false, remaining(meter, limit));

  if (meter.read.length < limit) {
    const network = input.network;
    if (reader.kind === 'anonymous' && network != null && network.used >= network.limit) {
      return deny('network-budget-exhausted', meter, remaining(meter, limit));
    }
    const next: MeterState = { period: meter.period, read: [...meter.read, item.id] };
    return grant('metered', next, true, remaining(next, limit));
  }
  const wall = reader.kind === 'anonymous' && policy.registrationBonus > 0;
  return deny(wall ? 'registration-required' : 'meter-exhausted', meter, 0);
}
