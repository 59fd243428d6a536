import { findUserById } from '../accounts/user-queries.js';
import { recordChange } from '../audit/audit.js';
import type { Db } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { liveFeatures } from './live-features.js';
import { dayOfDate } from '../time/zoned.js';
import { liveCatalogue } from './catalogue.js';
import { listCatalogueRows } from './catalogue-queries.js';
import {
  insertComplimentaryGrant,
  listComplimentaryGrantRows,
  lockComplimentaryGrant,
  markComplimentaryGrantRevoked,
  type ComplimentaryGrantListed,
} from './complimentary-queries.js';
import { grantEntitlements, revokeEntitlements } from './queries.js';

/**
 * Complimentary grants (policy `manageBusiness`): staff give a reader chosen entitlements until a day or for good,
 * with a reason. A grant is a row of `complimentary_grants` and its entitlements rows of `entitlement_grants` with
 * the source `grant:<id>` (which the reader's account words as "complimentary"); withdrawing it revokes them. The
 * reader's entitlements are read from the database at each request, so either takes effect on their next page.
 * Both are in the audit log (area `grants`).
 */

export const REASON_MAX = 500;

export interface ComplimentaryGrantInput {
  /** Keys of the entitlement catalogue; only those a feature of this install provides may be given. */
  entitlements: readonly string[];
  /** The last day of access (YYYY-MM-DD) in the publisher's time zone, '' when not filled in; null for no end date. */
  until: string | null;
  reason: string;
}

export type ComplimentaryGrant = ComplimentaryGrantListed & { source: string; active: boolean };

/** Given (the grant's id), or the problems by field (`entitlements`, `until`, `reason`); null when there is no such reader. */
export type GrantResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

export const complimentarySource = (grantId: number): string => `grant:${grantId}`;

/** The instant a grant whose last day is `date` ends: the day's last millisecond in `timeZone`; null for no such date. */
export function endOfDay(date: string, timeZone: string): Date | null {
  const day = dayOfDate(date, timeZone);
  return day ? new Date(day.end.getTime() - 1) : null;
}

/**
 * What is wrong with a grant before it is given, by field, and when it ends. `givable`: the catalogue's keys a
 * working feature reads (the site never gives what does not work).
 */
export function checkComplimentaryGrant(
  input: ComplimentaryGrantInput,
  givable: ReadonlySet<string>,
  now: Date,
  timeZone: string,
): { errors: Record<string, string>; endsAt: Date | null } {
  const errors: Record<string, string> = {};
  const unknown = input.entitlements.filter((key) => !givable.has(key));
  if (input.entitlements.length === 0) errors.entitlements = 'Choose at least one thing to give.';
  else if (unknown.length > 0) errors.entitlements = `Not something this site can give: ${unknown.join(', ')}.`;
  let endsAt: Date | null = null;
  if (input.until !== null) {
    endsAt = endOfDay(input.until, timeZone);
    if (input.until === '') errors.until = 'Give the last day of access, or choose “no end date”.';
    else if (!endsAt) errors.until = 'Enter a date like 2026-12-31.';
    else if (endsAt <= now) errors.until = 'That day has passed: choose today or a later day.';
  }
  const reason = input.reason.trim();
  if (reason === '') errors.reason = 'Say why the reader is given this: it is logged.';
  else if (reason.length > REASON_MAX) errors.reason = `Use at most ${REASON_MAX} characters.`;
  return { errors, endsAt };
}

/** A reader's complimentary grants, newest first (withdrawn and ended ones too); `active` while they still give access. */
export async function listComplimentaryGrants(db: Db, actor: Actor, userId: number, now: Date): Promise<ComplimentaryGrant[]> {
  authorize(actor, 'manageBusiness');
  return (await listComplimentaryGrantRows(db, userId)).map((grant) => ({
    ...grant,
    source: complimentarySource(grant.id),
    active: grant.revokedAt === null && (grant.endsAt === null || grant.endsAt > now),
  }));
}

/** Gives a reader the chosen entitlements from now until the end of `until` (or for good), logged with the reason. */
export async function giveComplimentaryAccess(
  db: Db,
  actor: Actor,
  userId: number,
  input: ComplimentaryGrantInput,
  now: Date,
  timeZone: string,
): Promise<GrantResult | null> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    if (!(await findUserById(tx, userId))) return null;
    const givable = new Set(
      liveCatalogue(await listCatalogueRows(tx), await liveFeatures(tx, now, timeZone))
        .offered(input.entitlements)
        .map((e) => e.key),
    );
    const { errors, endsAt } = checkComplimentaryGrant(input, givable, now, timeZone);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const grant = { userId, entitlements: [...new Set(input.entitlements)], startsAt: now, endsAt, reason: input.reason.trim() };
    const id = await insertComplimentaryGrant(tx, { ...grant, grantedBy: actor.kind === 'user' ? actor.id : null });
    await grantEntitlements(tx, { ...grant, source: complimentarySource(id) });
    await recordChange(
      tx,
      {
        actor,
        area: 'grants',
        subject: complimentarySource(id),
        action: 'create',
        before: null,
        after: { reader: userId, entitlements: grant.entitlements, until: endsAt?.toISOString() ?? 'no end date', reason: grant.reason },
      },
      now,
    );
    return { ok: true, id };
  });
}

/** Withdraws a reader's complimentary grant: its entitlements end now. False when the reader has no such grant. */
export async function withdrawComplimentaryAccess(db: Db, actor: Actor, userId: number, grantId: number, now: Date): Promise<boolean> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const grant = await lockComplimentaryGrant(tx, grantId);
    if (!grant || grant.userId !== userId) return false;
    // Withdrawn already (a second click, two members of staff at once): nothing changes and nothing more is logged.
    if (grant.revokedAt !== null) return true;
    await markComplimentaryGrantRevoked(tx, grantId, actor.kind === 'user' ? actor.id : null, now);
    await revokeEntitlements(tx, complimentarySource(grantId), now);
    await recordChange(
      tx,
      {
        actor,
        area: 'grants',
        subject: complimentarySource(grantId),
        action: 'withdraw',
        before: { withdrawn: null },
        after: { withdrawn: now.toISOString() },
      },
      now,
    );
    return true;
  });
}
