import { findUserById } from '../accounts/user-queries.js';
import { recordChange } from '../audit/audit.js';
import type { Db, Tx } from '../ports/database.js';
import { authorize, type Actor } from '../policies/policies.js';
import {
  addSeatsUsed,
  deleteMember,
  insertMember,
  listDomainGroupRows,
  listMembershipsOf,
  lockGroup,
  revokeMemberGrants,
  type AccessGroup,
} from './queries.js';
import { domainsOfEmail, groupSource, inForce } from './rules.js';
import { grantEntitlements } from '../entitlements/queries.js';

/**
 * Members of domain groups. A reader whose verified email address is at a group's domain (or a subdomain) sees the
 * group on /account and joins it there: joining takes a seat (under the group's row lock, so N seats never hold
 * N + 1 members however many join at once) and gives the group's entitlements, with the source `group:<id>`, until
 * the group ends. Joining is the reader's choice, so a seat goes only to someone who wants it; an unverified address
 * never joins. Removing a member (staff) frees the seat and ends their grants at once.
 */

export type JoinOutcome = 'joined' | 'already-member' | 'full' | 'unverified' | 'not-eligible';

/** A domain group a reader may join, or has joined. */
export interface DomainGroupOffer {
  group: AccessGroup;
  member: boolean;
}

/** The domain groups in force whose domains the reader's address is at; empty while the address is not verified. */
export async function domainGroupsFor(
  db: Db,
  user: { id: number; email: string; emailVerifiedAt: Date | null },
  now: Date,
): Promise<DomainGroupOffer[]> {
  if (!user.emailVerifiedAt) return [];
  const groups = await listDomainGroupRows(db, domainsOfEmail(user.email), now);
  if (groups.length === 0) return [];
  const memberOf = new Set(await listMembershipsOf(db, user.id));
  return groups.map((group) => ({ group, member: memberOf.has(group.id) }));
}

/** Joins the reader to a domain group: see the module's comment. */
export async function joinGroup(db: Db, userId: number, groupId: number, now: Date): Promise<JoinOutcome> {
  return db.transaction().execute(async (tx): Promise<JoinOutcome> => {
    const group = await lockGroup(tx, groupId);
    const user = await findUserById(tx, userId);
    if (!group || !user || !inForce(group, now)) return 'not-eligible';
    if (!domainsOfEmail(user.email).some((domain) => group.emailDomains.includes(domain))) return 'not-eligible';
    if (!user.emailVerifiedAt) return 'unverified';
    const member = (await listMembershipsOf(tx, userId)).includes(groupId);
    if (member) return 'already-member';
    if (group.seats !== null && group.seatsUsed >= group.seats) return 'full';
    await insertMember(tx, groupId, userId, now);
    await addSeatsUsed(tx, groupId, 1);
    await grantEntitlements(tx, {
      userId,
      entitlements: group.entitlements,
      source: groupSource(groupId),
      startsAt: now,
      endsAt: group.endsAt,
    });
    return 'joined';
  });
}

/** Takes a member out of a group; their seat is free and their access from it ends now. */
async function leave(tx: Tx, groupId: number, userId: number, now: Date): Promise<boolean> {
  if (!(await lockGroup(tx, groupId))) return false;
  if (!(await deleteMember(tx, groupId, userId))) return false;
  await addSeatsUsed(tx, groupId, -1);
  await revokeMemberGrants(tx, groupSource(groupId), userId, now);
  return true;
}

/** Staff remove a member (logged). False when they were not a member. */
export async function removeGroupMember(db: Db, actor: Actor, groupId: number, userId: number, now: Date): Promise<boolean> {
  authorize(actor, 'manageBusiness');
  return db.transaction().execute(async (tx) => {
    if (!(await leave(tx, groupId, userId, now))) return false;
    await recordChange(
      tx,
      {
        actor,
        area: 'groups',
        subject: groupSource(groupId),
        action: 'remove-member',
        before: { member: userId },
        after: { member: null },
      },
      now,
    );
    return true;
  });
}

/** An account being deleted leaves every group it is a member of (its seats are freed), on the deletion's transaction. */
export async function leaveAllGroups(tx: Tx, userId: number, now: Date): Promise<void> {
  // In id order, as every other lock of groups: two deletions never wait on each other in a circle.
  for (const groupId of (await listMembershipsOf(tx, userId)).sort((a, b) => a - b)) await leave(tx, groupId, userId, now);
}
