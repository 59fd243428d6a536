/**
 * Newsletters. Glossary:
 * - **newsletter** (a list): what readers sign up to; editors define its name, cadence, sender and audience.
 * - **audience**: who may sign up and who gets an issue's gated text: `anyone`, `registered` readers, or the holders
 *   of an entitlement (`entitlement:premium`). It is decided again for each recipient when an issue is sent.
 * - **subscription**: one address on one list: `pending` (double opt-in link sent), `confirmed`, `unsubscribed`.
 * - **suppression**: an address no send may reach: on one list (it unsubscribed) or on all (hard bounce, complaint).
 * - **issue**: one edition: composed from articles an editor picked, or a section's daily digest.
 * - **delivery**: one issue to one address; its row makes the send exactly once per recipient.
 */

export type Audience = { kind: 'anyone' } | { kind: 'registered' } | { kind: 'entitlement'; entitlement: string };

export interface Newsletter {
  id: number;
  slug: string;
  name: string;
  description: string;
  cadence: string;
  senderName: string;
  audience: Audience;
  /** The section whose daily digest this list sends at `digestHour` (publisher's time zone); null: no digest. */
  digestSection: string | null;
  digestHour: number | null;
  position: number;
  retired: boolean;
}

export type SubscriptionStatus = 'pending' | 'confirmed' | 'unsubscribed';

export interface Subscription {
  id: number;
  newsletterId: number;
  email: string;
  status: SubscriptionStatus;
  createdAt: Date;
  confirmSentAt: Date | null;
}

export type SuppressionReason = 'unsubscribed' | 'hard-bounce' | 'complained';

export type IssueStatus = 'draft' | 'held' | 'scheduled' | 'sending' | 'sent';

export interface Issue {
  id: number;
  newsletterId: number;
  kind: 'composed' | 'digest';
  subject: string;
  introduction: string;
  /** The articles, in the editor's order, by slug. */
  articleSlugs: string[];
  status: IssueStatus;
  sendAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
}

/** A send's progress: delivered, failed for good (or suppressed on the way), and still to go. */
export interface SendProgress {
  sent: number;
  failed: number;
  suppressed: number;
  left: number;
  total: number;
}

/** Who an issue is rendered for: what the audience and the access decision read. */
export interface Recipient {
  email: string;
  /** Null: an address without an account (an anonymous sign-up). */
  userId: number | null;
  entitlements: ReadonlySet<string>;
}

/** The kinds of recipient an editor previews an issue as. */
export const PREVIEW_KINDS = ['anonymous', 'registered', 'entitled'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];
