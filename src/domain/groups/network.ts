import type { Db } from '../ports/database.js';
import { listNetworkGroupRows, type AccessGroup } from './queries.js';
import { inForce } from './rules.js';
import { ipIndex, type IpIndex } from './ip-index.js';
import { parseIpRange, toCidrs } from './ip-ranges.js';

/** A group as the hot path holds it: what it gives, for whom it is in force. */
export type NetworkGroup = Pick<AccessGroup, 'id' | 'name' | 'entitlements' | 'startsAt' | 'endsAt'>;

const NONE: readonly NetworkGroup[] = Object.freeze([]);

/**
 * The network groups of this instance, in memory: every request asks which groups its address is in, so the
 * ranges of the groups not yet ended are held as an index (binary search) and read again at each refresh (a
 * group saved here or on another instance: `announceChange`). Groups still to start are held too, and whether a
 * group is in force is checked at each request against the clock, so a period's start and end need no reload.
 */
export interface NetworkGroups {
  /** The groups in force at `now` whose ranges hold `ip` (the same empty array when none). */
  of(ip: string, now: Date): readonly NetworkGroup[];
  reload(): Promise<void>;
}

export function networkGroups(db: Db, now: () => Date): NetworkGroups {
  let index: IpIndex<NetworkGroup> = ipIndex([]);
  return {
    of(ip, at) {
      const found = index.lookup(ip);
      if (found.length === 0) return NONE;
      const live = found.filter((group) => inForce(group, at));
      return live.length === found.length ? found : live;
    },
    async reload() {
      const rows = await listNetworkGroupRows(db, now());
      const entries = rows.flatMap((row) => {
        const group: NetworkGroup = {
          id: row.id,
          name: row.name,
          entitlements: row.entitlements,
          startsAt: row.startsAt,
          endsAt: row.endsAt,
        };
        return row.ipRanges.flatMap((text) => {
          const read = parseIpRange(text);
          return read.ok ? [{ interval: read.range, value: group }] : [];
        });
      });
      index = ipIndex(entries);
    },
  };
}

/** A reader's entitlements with those of the network groups they read from (the same set when there are none). */
export function withGroupEntitlements(entitlements: ReadonlySet<string>, groups: readonly NetworkGroup[]): ReadonlySet<string> {
  if (groups.length === 0) return entitlements;
  const merged = new Set(entitlements);
  for (const group of groups) for (const key of group.entitlements) merged.add(key);
  return merged;
}

/** One group of the edge proxy's allow-list: its ranges as CIDR blocks (dash ranges split into blocks). */
export interface AllowListGroup extends NetworkGroup {
  cidrs: string[];
}

/** The network groups in force at `now`, read from the database (not this instance's memory), with their CIDR blocks. */
export async function allowList(db: Db, now: Date): Promise<AllowListGroup[]> {
  const rows = await listNetworkGroupRows(db, now);
  return rows
    .filter((row) => inForce(row, now))
    .map((row) => ({
      id: row.id,
      name: row.name,
      entitlements: row.entitlements,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      cidrs: row.ipRanges.flatMap((text) => {
        const read = parseIpRange(text);
        return read.ok ? toCidrs(read.range) : [];
      }),
    }));
}
