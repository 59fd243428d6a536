import type { Db } from '../ports/database.js';
import type { User } from './model.js';

/**
 * What accounts asks the entitlements module, declared here so that accounts need not know the catalogue or the
 * grants: how many devices a reader's grants allow at once. The composition root wires it to the entitlement
 * catalogue, so a number edited in /admin/entitlements applies at the next sign-in.
 */
export interface DeviceAllowance {
  /** The largest device allowance among the grants the user holds at `now`, or null when none grants one. */
  devicesFor(db: Db, userId: number, now: Date): Promise<number | null>;
}

export interface DeviceLimits {
  /** The configured limit (MASTHEAD_DEVICE_LIMIT): for readers whose grants carry no device allowance. */
  deviceLimit: number;
  devices: DeviceAllowance;
}

/**
 * The number of devices a reader may be signed in on at once: the limit staff set on the account, else the
 * largest device allowance among the reader's grants, else the configured default. Read through `db` (the
 * sign-in's transaction, where there is one).
 */
export async function deviceLimitOf(db: Db, user: User, now: Date, limits: DeviceLimits): Promise<number> {
  if (user.deviceLimit !== null) return user.deviceLimit;
  return (await limits.devices.devicesFor(db, user.id, now)) ?? limits.deviceLimit;
}
