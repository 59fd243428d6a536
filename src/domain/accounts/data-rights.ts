import type { Db } from '../ports/database.js';
import { deleteAllowancesOf } from '../allowances/queries.js';
import { deleteComplimentaryGrantsOf, listComplimentaryGrantRows } from '../entitlements/complimentary-queries.js';
import { codesClaimedBy } from '../partners/code-queries.js';
import { listAllBuyerGifts } from '../gifts/queries.js';
import { leaveAllGroups } from '../groups/members.js';
import { listMembershipDetailsOf } from '../groups/queries.js';
import { listGrants, revokeUserEntitlements } from '../entitlements/queries.js';
import { deleteGiftLinksOf, listAllGiftLinksOf } from '../gift-articles/queries.js';
import { deleteClippingsOf, listAllClippingsOf } from '../epaper/queries.js';
import { deleteReaderMeters, listReaderMeters } from '../metering/reader-meter-queries.js';
import { deleteChallengesOf } from './challenge-queries.js';
import { eraseSessionDevices, listDevices, listSessionHistory, revokeAllSessions } from './session-queries.js';
import { anonymiseUser, findUserById } from './user-queries.js';

/** Everything stored about a reader, as they may download it (data portability). */
export async function exportAccountData(db: Db, userId: number, now: Date): Promise<Record<string, unknown> | null> {
  const user = await findUserById(db, userId);
  if (!user) return null;
  const meters = await listReaderMeters(db, userId);
  const sessions = await listSessionHistory(db, userId);
  return {
    exported_at: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
      created_at: user.createdAt.toISOString(),
      has_password: user.hasPassword,
    },
    devices_signed_in: (await listDevices(db, userId, now, null)).map((d) => ({
      name: d.name,
      kind: d.kind,
      first_seen: d.createdAt.toISOString(),
      last_seen: d.lastSeenAt.toISOString(),
    })),
    sessions: sessions.map((s) => ({
      kind: s.kind,
      device: s.device_name,
      user_agent: s.user_agent,
      created_at: s.created_at.toISOString(),
      last_seen_at: s.last_seen_at.toISOString(),
      signed_out_at: s.revoked_at?.toISOString() ?? null,
    })),
    entitlements: (await listGrants(db, userId, now)).map((g) => ({
      entitlement: g.entitlement,
      source: g.source,
      starts_at: g.startsAt.toISOString(),
      ends_at: g.endsAt?.toISOString() ?? null,
    })),
    complimentary_access: (await listComplimentaryGrantRows(db, userId)).map((g) => ({
      entitlements: g.entitlements,
      starts_at: g.startsAt.toISOString(),
      ends_at: g.endsAt?.toISOString() ?? null,
      reason: g.reason,
      withdrawn_at: g.revokedAt?.toISOString() ?? null,
    })),
    gift_links: (await listAllGiftLinksOf(db, userId)).map((g) => ({
      article: g.slug,
      created_at: g.createdAt.toISOString(),
      expires_at: g.expiresAt.toISOString(),
      opens: g.opens,
    })),
    // Where each clipping is, never an address of its image (those are signed and expire).
    epaper_clippings: (await listAllClippingsOf(db, userId)).map((c) => ({
      edition: c.edition.name,
      edition_date: c.edition.date,
      page: c.pageNumber,
      region_percent: { x: c.x / 100, y: c.y / 100, width: c.w / 100, height: c.h / 100 },
      headline: c.headline,
      created_at: c.createdAt.toISOString(),
      shared_at: c.sharedAt?.toISOString() ?? null,
    })),
    partner_codes: (await codesClaimedBy(db, userId)).map((c) => ({
      partner: c.partner,
      code: c.code,
      claimed_at: c.claimedAt.toISOString(),
      revocation_requested_at: c.revokeRequestedAt?.toISOString() ?? null,
    })),
    group_memberships: (await listMembershipDetailsOf(db, userId)).map((m) => ({ group: m.group, joined_at: m.joinedAt.toISOString() })),
    gifts_given: (await listAllBuyerGifts(db, userId)).map((g) => ({
      plan: g.planName,
      recipient_name: g.recipientName,
      recipient_email: g.recipientEmail,
      message: g.message,
      status: g.status,
      deliver_at: g.deliverAt.toISOString(),
      emailed_at: g.emailedAt?.toISOString() ?? null,
      redeemed_at: g.redeemedAt?.toISOString() ?? null,
    })),
    articles_read_by_month: meters.map((m) => ({ month: m.period, article_ids: m.read })),
  };
}

/**
 * Deletes a reader's account: every device is signed out, reading history and pending codes are erased,
 * entitlements end (complimentary grants and staff's reasons for them are erased), and the account row keeps no personal data (it stays only so that records which must
 * be kept by law, such as tax invoices, still point somewhere). Callers go through the accounts service,
 * which first stops the reader's subscriptions at their gateways (`SubscriptionStopper`) and calls this
 * only once that succeeded. Returns the keys of the stored files that were the reader's (their clippings' cut
 * images), for the caller to remove once this has committed; null when there is no such account.
 */
export async function deleteAccount(db: Db, userId: number, now: Date): Promise<{ files: string[] } | null> {
  return db.transaction().execute(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) return null;
    await revokeAllSessions(tx, userId, now);
    await eraseSessionDevices(tx, userId);
    await deleteReaderMeters(tx, userId);
    await deleteChallengesOf(tx, userId, user.email);
    await revokeUserEntitlements(tx, userId, now);
    // Seats an institution pays for go back to it.
    await leaveAllGroups(tx, userId, now);
    // Staff's reasons for complimentary access are about the reader: they go with the account.
    await deleteComplimentaryGrantsOf(tx, userId);
    // What the reader gave away or saved goes with the account: their gift and clipping links stop opening.
    await deleteGiftLinksOf(tx, userId);
    const files = await deleteClippingsOf(tx, userId);
    await deleteAllowancesOf(tx, userId);
    await anonymiseUser(tx, userId, now);
    return { files };
  });
}
