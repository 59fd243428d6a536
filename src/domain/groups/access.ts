import type { Db } from '../ports/database.js';
import { domainGroupsFor, joinGroup, removeGroupMember } from './members.js';
import { endGroup, groupById, listGroupMembers, listGroups, saveGroup } from './service.js';
import { allowList, networkGroups } from './network.js';
import { groupNamesOf } from './queries.js';

type WithoutDb<F> = F extends (db: Db, ...rest: infer A) => infer R ? (...rest: A) => R : never;

/** Group (institutional) access as the web layer reaches it: the use cases on this database, and the network groups in memory. */
export type GroupAccess = ReturnType<typeof createGroupAccess>;

export function createGroupAccess(db: Db, now: () => Date) {
  const on = <F extends (db: Db, ...rest: never[]) => unknown>(fn: F): WithoutDb<F> =>
    ((...rest: never[]) => fn(db, ...rest)) as WithoutDb<F>;
  return {
    /** The network groups in this instance's memory: which ones an address is in (every request asks). */
    network: networkGroups(db, now),
    list: on(listGroups),
    find: on(groupById),
    save: on(saveGroup),
    end: on(endGroup),
    members: on(listGroupMembers),
    removeMember: on(removeGroupMember),
    domainGroupsFor: on(domainGroupsFor),
    join: on(joinGroup),
    allowList: on(allowList),
    names: on(groupNamesOf),
  };
}
