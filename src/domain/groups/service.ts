import { recordChange } from '../audit/audit.js';
import type { Db, Tx } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import { announceChange } from '../site/changes.js';
import { liveCatalogue } from '../entitlements/catalogue.js';
import { listCatalogueRows } from '../entitlements/catalogue-queries.js';
import {
  findGroup,
  grantToMembers,
  insertGroup,
  listGroupRows,
  listMemberRows,
  lockGroup,
  updateGroup,
  type AccessGroup,
  type GroupFields,
  type GroupMember,
} from './queries.js';
import { checkGroup, groupSource, type GroupInput } from './rules.js';
import { revokeEntitlements } from '../entitlements/queries.js';

/**
 * Group access as staff manage it (policy `manageBusiness`, /admin/groups): create, edit and end groups, list them
 * and their members. Every change is in the audit log (area `groups`) and announced, so every instance reloads its
 * network groups. A change of what a group gives or of its period is applied to its members' grants at once.
 * Readers joining by email domain: `group-members.ts`.
 */

export type SaveGroupResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

/** What the group's audit entry shows of it. */
const logged = (fields: GroupFields) => ({
  name: fields.name,
  entitlements: fields.entitlements,
  ipRanges: fields.ipRanges,
  emailDomains: fields.emailDomains,
  startsAt: fields.startsAt.toISOString(),
  endsAt: fields.endsAt?.toISOString() ?? 'no end date',
  seats: fields.seats ?? 'unlimited',
});

/** The catalogue's access entries a working feature reads: what a group may give (a device allowance means nothing to a network). */
async function givable(tx: Db, keys: readonly string[]): Promise<Set<string>> {
  const entries = liveCatalogue(await listCatalogueRows(tx)).offered(keys);
  return new Set(entries.filter((e) => e.kind === 'access').map((e) => e.key));
}

/** Groups newest first, `limit` after the group `before`. */
export async function listGroups(db: Db, actor: Actor, options: { before?: number | undefined; limit: number }): Promise<AccessGroup[]> {
  authorize(actor, 'manageBusiness');
  return listGroupRows(db, options);
}

export async function groupById(db: Db, actor: Actor, id: number): Promise<AccessGroup | null> {
  authorize(actor, 'manageBusiness');
  return findGroup(db, id);
}

/** A group's members by account id, `limit` after the member `after`. */
export async function listGroupMembers(
  db: Db,
  actor: Actor,
  groupId: number,
  options: { after?: number | undefined; limit: number },
): Promise<GroupMember[]> {
  authorize(actor, 'manageBusiness');
  return listMemberRows(db, groupId, options);
}

/** Gives members what the group gives now, for its period: their grants from the group end and new ones begin. */
async function regrantMembers(tx: Tx, id: number, fields: GroupFields, now: Date): Promise<void> {
  await revokeEntitlements(tx, groupSource(id), now);
  await grantToMembers(tx, id, {
    source: groupSource(id),
    entitlements: fields.entitlements,
    startsAt: fields.startsAt,
    endsAt: fields.endsAt,
  });
}

/** Creates a group, or (with `id`) saves one: the fields checked, each bad range or domain named by its line. Null: no such group. */
export async function saveGroup(
  db: Db,
  actor: Actor,
  id: number | null,
  input: GroupInput,
  now: Date,
  timeZone: string,
): Promise<SaveGroupResult | null> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const before = id === null ? null : await lockGroup(tx, id);
    if (id !== null && !before) return null;
    const checked = checkGroup(input, {
      givable: await givable(tx, input.entitlements),
      now,
      timeZone,
      seatsUsed: before?.seatsUsed ?? 0,
    });
    if (!checked.ok) return checked;
    const { fields } = checked;
    let saved: number;
    if (before) {
      saved = before.id;
      await updateGroup(tx, saved, fields, now);
      const changedGrants =
        JSON.stringify([before.entitlements, before.startsAt, before.endsAt]) !==
        JSON.stringify([fields.entitlements, fields.startsAt, fields.endsAt]);
      if (changedGrants) await regrantMembers(tx, saved, fields, now);
    } else saved = await insertGroup(tx, fields, now);
    await recordChange(
      tx,
      {
        actor,
        area: 'groups',
        subject: groupSource(saved),
        action: before ? 'update' : 'create',
        before: before ? logged(before) : null,
        after: logged(fields),
      },
      now,
    );
    await announceChange(tx);
    return { ok: true, id: saved };
  });
}

/** Ends a group now: nobody gets its access from the next request on. False: no such group; true also when it had ended. */
export async function endGroup(db: Db, actor: Actor, id: number, now: Date): Promise<boolean> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    const group = await lockGroup(tx, id);
    if (!group) return false;
    if (group.endsAt !== null && group.endsAt <= now) return true;
    const fields: GroupFields = { ...group, startsAt: group.startsAt < now ? group.startsAt : now, endsAt: now };
    await updateGroup(tx, id, fields, now);
    await revokeEntitlements(tx, groupSource(id), now);
    await recordChange(
      tx,
      { actor, area: 'groups', subject: groupSource(id), action: 'end', before: logged(group), after: logged(fields) },
      now,
    );
    await announceChange(tx);
    return true;
  });
}
