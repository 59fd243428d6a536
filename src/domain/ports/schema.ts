/**
 * The database's tables as the compiler sees them. Generated from the migrations by `npm run db:types`
 * (kysely-codegen); do not edit by hand. A test fails when this file and the migrations disagree.
 */
import type { ColumnType } from 'kysely';

export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U> ? ColumnType<S, I | undefined, U> : ColumnType<T, T | undefined, T>;

export type Json = JsonValue;

export type JsonArray = JsonValue[];

export type JsonObject = {
  [x: string]: JsonValue | undefined;
};

export type JsonPrimitive = boolean | number | string | null;

export type JsonValue = JsonArray | JsonObject | JsonPrimitive;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AccessGroupMembers {
  group_id: number;
  joined_at: Timestamp;
  user_id: number;
}

export interface AccessGroups {
  created_at: Generated<Timestamp>;
  email_domains: Generated<string[]>;
  ends_at: Timestamp | null;
  entitlements: string[];
  id: Generated<number>;
  ip_ranges: Generated<string[]>;
  name: string;
  seats: number | null;
  seats_used: Generated<number>;
  starts_at: Timestamp;
  updated_at: Generated<Timestamp>;
}

export interface AnonymousMeters {
  article_ids: Generated<number[]>;
  period: string;
  reader_id: string;
  updated_at: Generated<Timestamp>;
}

export interface ArticleAuthors {
  article_id: number;
  author_id: number;
  position: number;
  published_at: Timestamp | null;
  status: 'draft' | 'published' | 'unpublished';
}

export interface ArticleAutosaves {
  article_id: number | null;
  saved_at: Timestamp;
  user_id: number;
  values: Json;
}

export interface ArticleCorrections {
  article_id: number;
  body: string;
  created_at: Timestamp;
  id: Generated<number>;
  kind: 'correction' | 'clarification';
  updated_at: Timestamp;
  user_id: number | null;
}

export interface ArticleDayCounts {
  day: Timestamp;
  published: number;
}

export interface ArticleRedirects {
  article_id: number;
  created_at: Timestamp;
  slug: string;
}

export interface ArticleRevisions {
  action: 'create' | 'save' | 'publish' | 'schedule' | 'unpublish' | 'restore';
  article_id: number;
  created_at: Timestamp;
  fields: Json;
  id: Generated<number>;
  user_id: number | null;
  version: number;
}

export interface Articles {
  authors: Generated<string[]>;
  body: Generated<string>;
  canonical_url: string | null;
  dateline: string | null;
  embargo_until: Timestamp | null;
  headline: string;
  id: Generated<number>;
  lead_image_alt: string | null;
  lead_image_url: string | null;
  meta_description: string | null;
  provenance: string;
  published_at: Timestamp | null;
  search_document: string | null;
  section: string;
  seo_title: string | null;
  slug: string;
  social_image_url: string | null;
  standfirst: Generated<string>;
  status: 'draft' | 'published' | 'unpublished';
  tags: Generated<string[]>;
  updated_at: Timestamp;
  updated_shown_at: Timestamp | null;
  version: Generated<number>;
  visibility: 'free' | 'metered' | 'premium';
}

export interface ArticleTags {
  article_id: number;
  published_at: Timestamp | null;
  status: string;
  tag: string;
}

export interface AuditLog {
  action: string;
  after: Json | null;
  area: string;
  at: Timestamp;
  before: Json | null;
  id: Generated<number>;
  subject: string;
  user_id: number | null;
}

export interface AuthChallenges {
  attempts: Generated<number>;
  binding_hash: string;
  code_hash: string | null;
  created_at: Timestamp;
  email: string;
  expires_at: Timestamp;
  id: Generated<number>;
  link_hash: string | null;
  payload: Json | null;
  purpose: 'sign-up' | 'sign-in' | 'reset-password' | 'device-choice';
  used_at: Timestamp | null;
  user_id: number | null;
}

export interface Authors {
  bio: Generated<string>;
  created_at: Generated<Timestamp>;
  id: Generated<number>;
  links: Generated<Json>;
  name: string;
  photo_url: string | null;
  slug: string;
  updated_at: Generated<Timestamp>;
}

export interface BillingProfiles {
  address_line1: string;
  address_line2: Generated<string>;
  city: string;
  gstin: string | null;
  name: string;
  pin: string;
  state_code: string;
  updated_at: Generated<Timestamp>;
  user_id: number;
}

export interface ComplimentaryGrants {
  ends_at: Timestamp | null;
  entitlements: string[];
  granted_by: number | null;
  id: Generated<number>;
  reason: string;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
  starts_at: Timestamp;
  user_id: number;
}

export interface CopyOverrides {
  key: string;
  text: string;
  updated_at: Timestamp;
  updated_by: number | null;
}

export interface EntitlementCatalogue {
  allowance: number | null;
  created_at: Generated<Timestamp>;
  description: Generated<string>;
  key: string;
  kind: Generated<'access' | 'allowance'>;
  name: string;
  position: number;
  updated_at: Generated<Timestamp>;
  updated_by: number | null;
}

export interface EntitlementGrants {
  created_at: Generated<Timestamp>;
  ends_at: Timestamp | null;
  entitlement: string;
  id: Generated<number>;
  revoked_at: Timestamp | null;
  source: string;
  starts_at: Timestamp;
  user_id: number;
}

export interface EpaperClippings {
  created_at: Timestamp;
  edition_id: number;
  h: number;
  headline: Generated<string>;
  id: Generated<number>;
  image_key: string | null;
  page_number: number;
  share_hash: string | null;
  shared_at: Timestamp | null;
  user_id: number;
  w: number;
  x: number;
  y: number;
}

export interface EpaperEditions {
  created_at: Timestamp;
  edition_date: Timestamp;
  error: string | null;
  files_prefix: string;
  id: Generated<number>;
  name: string;
  page_count: number;
  pages_rendered: Generated<number>;
  publish_at: Timestamp;
  slug: string;
  sources: Json;
  status: Generated<string>;
  updated_at: Timestamp;
  uploaded_by: number | null;
}

export interface EpaperPages {
  edition_id: number;
  height: number;
  images: Generated<Json>;
  page_number: number;
  text: Generated<string>;
  width: number;
}

export interface EpaperRegions {
  article_id: number | null;
  edition_id: number;
  h: number;
  headline: Generated<string>;
  id: Generated<number>;
  page_number: number;
  search_document: string | null;
  source: string;
  text: Generated<string>;
  w: number;
  x: number;
  y: number;
}

export interface FrontPageStories {
  article_id: number;
  place: string;
  position: number;
}

export interface GatewayPlans {
  gateway: string;
  gateway_plan_id: string;
  plan_id: number;
  price_minor: number;
}

export interface GiftLinks {
  article_id: number;
  created_at: Timestamp;
  created_by: number;
  expires_at: Timestamp;
  id: Generated<number>;
  opens: Generated<number>;
  salt: string;
  token_hash: string;
}

export interface Gifts {
  amount_minor: number;
  buyer_id: number;
  created_at: Timestamp;
  currency: string;
  deliver_at: Timestamp;
  emailed_at: Timestamp | null;
  gateway: string;
  gateway_order_id: string | null;
  id: Generated<number>;
  message: Generated<string>;
  paid_at: Timestamp | null;
  plan_id: number;
  recipient_email: string;
  recipient_name: string;
  redeemable_until: Timestamp | null;
  redeemed_at: Timestamp | null;
  redeemed_by: number | null;
  status: 'awaiting-payment' | 'paid' | 'refunded' | 'abandoned';
  token_hash: string | null;
}

export interface Images {
  alt: string;
  caption: Generated<string>;
  created_at: Timestamp;
  credit: Generated<string>;
  crop: Json;
  height: number;
  id: Generated<number>;
  key_prefix: string;
  original_bytes: number;
  original_format: string;
  original_key: string;
  renditions: Json;
  updated_at: Timestamp;
  uploaded_by: number | null;
  width: number;
}

export interface Invoices {
  cgst_minor: number;
  currency: string;
  description: string;
  financial_year: string;
  id: Generated<number>;
  igst_minor: number;
  issued_at: Timestamp;
  kind: 'invoice' | 'credit-note' | 'debit-note';
  number: string;
  payment_id: number;
  place_of_supply: string;
  recipient: Json;
  refund_id: number | null;
  sac: string;
  sgst_minor: number;
  supplier: Json;
  taxable_minor: number;
  total_minor: number;
  user_id: number;
}

export interface InvoiceSequences {
  financial_year: string;
  last_number: number;
  series: string;
}

export interface Jobs {
  attempts: Generated<number>;
  created_at: Timestamp;
  done_at: Timestamp | null;
  id: Generated<number>;
  kind: string;
  last_error: string | null;
  locked_until: Timestamp | null;
  payload: Generated<Json>;
  run_at: Timestamp;
  unique_key: string | null;
}

export interface MonthlyAllowances {
  kind: 'gift-link' | 'epaper-share';
  period: string;
  used: Generated<number>;
  user_id: number;
}

export interface NewsletterDeliveries {
  attempts: Generated<number>;
  email: string;
  id: Generated<number>;
  issue_id: number;
  last_error: string | null;
  lease_until: Timestamp | null;
  next_attempt_at: Timestamp;
  sent_at: Timestamp | null;
  status: Generated<string>;
}

export interface NewsletterIssueOpens {
  issue_id: number;
  opens: Generated<number>;
}

export interface NewsletterIssues {
  article_slugs: Generated<Json>;
  created_at: Timestamp;
  digest_key: string | null;
  id: Generated<number>;
  introduction: Generated<string>;
  kind: string;
  newsletter_id: number;
  recipients_ready: Generated<boolean>;
  send_at: Timestamp | null;
  sent_at: Timestamp | null;
  status: string;
  subject: string;
  updated_at: Timestamp;
}

export interface NewsletterLinkClicks {
  clicks: Generated<number>;
  issue_id: number;
  url: string;
}

export interface Newsletters {
  audience: Generated<string>;
  cadence: Generated<string>;
  created_at: Generated<Timestamp>;
  description: Generated<string>;
  digest_hour: number | null;
  digest_section: string | null;
  id: Generated<number>;
  name: string;
  position: Generated<number>;
  retired_at: Timestamp | null;
  sender_name: Generated<string>;
  slug: string;
}

export interface NewsletterSubscriptions {
  confirm_sent_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  created_at: Timestamp;
  email: string;
  id: Generated<number>;
  newsletter_id: number;
  status: string;
  unsubscribed_at: Timestamp | null;
}

export interface NewsletterSuppressions {
  created_at: Timestamp;
  detail: Generated<string>;
  email: string;
  id: Generated<number>;
  newsletter_id: number | null;
  reason: string;
}

export interface Notices {
  kind: string;
  period_end: Timestamp;
  sent_at: Timestamp;
  subscription_id: number;
}

export interface PartnerCodes {
  claimed_at: Timestamp | null;
  claimed_by: number | null;
  code: string;
  expires_on: Timestamp | null;
  id: Generated<number>;
  partner_id: number;
  revoke_requested_at: Timestamp | null;
  upload_id: number | null;
}

export interface PartnerCodeUploads {
  created_at: Generated<Timestamp>;
  file_name: Generated<string>;
  id: Generated<number>;
  imported: number;
  partner_id: number;
  problem_count: Generated<number>;
  problems: Generated<Json>;
  rows_read: number;
  status: 'imported' | 'rejected';
  uploaded_by: number | null;
}

export interface Partners {
  activation_url: string;
  created_at: Generated<Timestamp>;
  entitlement: string;
  id: Generated<number>;
  includes: Generated<string>;
  low_stock_threshold: Generated<number>;
  name: string;
  pool_empty_at: Timestamp | null;
  provisioning: Generated<'code-pool' | 'api'>;
  terms: Generated<string>;
  updated_at: Generated<Timestamp>;
  updated_by: number | null;
}

export interface PaymentActions {
  created_at: Timestamp;
  gateway_payment_id: string;
  subscription_id: number;
  url: string;
}

export interface Payments {
  amount_minor: number;
  captured_at: Timestamp;
  currency: string;
  dispute_reason: string | null;
  dispute_status: 'open' | 'won' | 'lost' | null;
  gateway: string;
  gateway_dispute_id: string | null;
  gateway_payment_id: string;
  gift_id: number | null;
  id: Generated<number>;
  kind: 'initial' | 'renewal' | 'upgrade' | 'gift';
  period_end: Timestamp;
  period_start: Timestamp;
  plan_id: number;
  refund_reserved_minor: Generated<number>;
  refunded_minor: Generated<number>;
  subscription_id: number | null;
  user_id: number;
}

export interface PaywallSettings {
  id: Generated<number>;
  updated_at: Timestamp;
  updated_by: number | null;
  value: Json;
}

export interface Plans {
  active: Generated<boolean>;
  currency: Generated<string>;
  entitlements: Generated<string[]>;
  highlighted: Generated<boolean>;
  id: Generated<number>;
  name: string;
  position: Generated<number>;
  price_minor: number;
  replaced_by: number | null;
  slug: string;
  term_count: number;
  term_unit: 'day' | 'month' | 'year';
}

export interface ReaderMeters {
  article_ids: Generated<number[]>;
  period: string;
  user_id: number;
}

export interface Refunds {
  amount_minor: number;
  created_at: Timestamp;
  failed_at: Timestamp | null;
  gateway_refund_id: string;
  id: Generated<number>;
  payment_id: number;
  reason: string;
  status: Generated<'succeeded' | 'failed'>;
}

export interface RetiredRefreshTokens {
  refresh_hash: string;
  retired_at: Timestamp;
  session_id: number;
}

export interface SchemaMigrations {
  applied_at: Generated<Timestamp>;
  name: string;
  version: number;
}

export interface SectionPins {
  article_id: number;
  position: number;
  section: string;
}

export interface SectionRedirects {
  created_at: Timestamp;
  section: string;
  slug: string;
}

export interface Sections {
  description: Generated<string>;
  name: string;
  position: Generated<number>;
  premium_entitlement: Generated<string>;
  slug: string;
}

export interface Sessions {
  created_at: Timestamp;
  device_name: string;
  expires_at: Timestamp;
  id: Generated<number>;
  ip_prefix_hash: string | null;
  kind: 'web' | 'app';
  last_seen_at: Timestamp;
  refresh_hash: string | null;
  revoked_at: Timestamp | null;
  token_expires_at: Timestamp;
  token_hash: string;
  user_agent: Generated<string>;
  user_id: number;
}

export interface Settings {
  key: string;
  updated_at: Generated<Timestamp>;
  value: Json;
}

export interface Subscriptions {
  cancel_at_period_end: Generated<boolean>;
  created_at: Timestamp;
  current_period_end: Timestamp | null;
  current_period_start: Timestamp | null;
  gateway: string;
  gateway_checkout_id: string | null;
  gateway_customer_id: string | null;
  gateway_subscription_id: string | null;
  grace_until: Timestamp | null;
  id: Generated<number>;
  next_plan_id: number | null;
  payment_method: string | null;
  plan_id: number;
  status: 'awaiting-payment' | 'active' | 'past-due' | 'expired' | 'refunded' | 'abandoned';
  updated_at: Timestamp;
  user_id: number;
}

export interface TestGatewayRecords {
  created_at: Timestamp;
  data: Json;
  id: string;
  kind: string;
}

export interface Users {
  created_at: Generated<Timestamp>;
  deleted_at: Timestamp | null;
  device_limit: number | null;
  email: string;
  email_verified_at: Timestamp | null;
  id: Generated<number>;
  name: Generated<string>;
  password_hash: string | null;
  role: 'reader' | 'editor' | 'business' | 'admin';
}

export interface WebhookEvents {
  attempts: Generated<number>;
  event_id: string;
  event_type: string;
  gateway: string;
  id: Generated<number>;
  last_error: string | null;
  payload: Json;
  processed_at: Timestamp | null;
  received_at: Timestamp;
}

export interface WireAgencies {
  auto_publish: Generated<boolean>;
  code: string;
  created_at: Timestamp;
  default_section: string;
  enabled: Generated<boolean>;
  endpoint: string | null;
  exclude_from_archive: Generated<boolean>;
  format: string;
  id: Generated<number>;
  last_delivery_at: Timestamp | null;
  last_poll_at: Timestamp | null;
  last_poll_message: string | null;
  last_poll_ok: boolean | null;
  name: string;
  poll_minutes: Generated<number>;
  section_map: Generated<Json>;
  stale_alerted_at: Timestamp | null;
  stale_minutes: Generated<number>;
  visibility: Generated<string>;
}

export interface WireItems {
  agency_id: number;
  article_id: number | null;
  canceled: Generated<boolean>;
  embargo_until: Timestamp | null;
  guid: string;
  headline: string;
  id: Generated<number>;
  received_at: Timestamp;
  status: string;
  updated_at: Timestamp;
  version: number;
}

export interface WireProblems {
  agency_id: number;
  at: Timestamp;
  id: Generated<number>;
  item_ref: string;
  reason: string;
}

export interface DB {
  access_group_members: AccessGroupMembers;
  access_groups: AccessGroups;
  anonymous_meters: AnonymousMeters;
  article_authors: ArticleAuthors;
  article_autosaves: ArticleAutosaves;
  article_corrections: ArticleCorrections;
  article_day_counts: ArticleDayCounts;
  article_redirects: ArticleRedirects;
  article_revisions: ArticleRevisions;
  article_tags: ArticleTags;
  articles: Articles;
  audit_log: AuditLog;
  auth_challenges: AuthChallenges;
  authors: Authors;
  billing_profiles: BillingProfiles;
  complimentary_grants: ComplimentaryGrants;
  copy_overrides: CopyOverrides;
  entitlement_catalogue: EntitlementCatalogue;
  entitlement_grants: EntitlementGrants;
  epaper_clippings: EpaperClippings;
  epaper_editions: EpaperEditions;
  epaper_pages: EpaperPages;
  epaper_regions: EpaperRegions;
  front_page_stories: FrontPageStories;
  gateway_plans: GatewayPlans;
  gift_links: GiftLinks;
  gifts: Gifts;
  images: Images;
  invoice_sequences: InvoiceSequences;
  invoices: Invoices;
  jobs: Jobs;
  monthly_allowances: MonthlyAllowances;
  newsletter_deliveries: NewsletterDeliveries;
  newsletter_issue_opens: NewsletterIssueOpens;
  newsletter_issues: NewsletterIssues;
  newsletter_link_clicks: NewsletterLinkClicks;
  newsletter_subscriptions: NewsletterSubscriptions;
  newsletter_suppressions: NewsletterSuppressions;
  newsletters: Newsletters;
  notices: Notices;
  partner_code_uploads: PartnerCodeUploads;
  partner_codes: PartnerCodes;
  partners: Partners;
  payment_actions: PaymentActions;
  payments: Payments;
  paywall_settings: PaywallSettings;
  plans: Plans;
  reader_meters: ReaderMeters;
  refunds: Refunds;
  retired_refresh_tokens: RetiredRefreshTokens;
  schema_migrations: SchemaMigrations;
  section_pins: SectionPins;
  section_redirects: SectionRedirects;
  sections: Sections;
  sessions: Sessions;
  settings: Settings;
  subscriptions: Subscriptions;
  test_gateway_records: TestGatewayRecords;
  users: Users;
  webhook_events: WebhookEvents;
  wire_agencies: WireAgencies;
  wire_items: WireItems;
  wire_problems: WireProblems;
}
