import type { SearchService } from './domain/search/service.js';
import type { Counters } from './domain/ports/counters.js';
import type { MeterStore } from './domain/ports/meter-store.js';
import type { Config } from './config/config.js';
import type { Keys } from './config/secret.js';
import type { Mailer } from './domain/ports/mailer.js';
import type { Notifier, NotificationTemplates } from './domain/notifications/notifications.js';
import type { AccountsService } from './domain/accounts/service.js';
import type { GatewayName, PaymentGateway } from './domain/billing/gateway.js';
import type { TestGatewayPages } from './domain/billing/test-gateway-pages.js';
import type { BillingDeps } from './domain/billing/deps.js';
import type { BillingService } from './domain/billing/service.js';
import type { GiftService } from './domain/gifts/service.js';
import type { AccessPolicy } from './domain/access/model.js';
import type { ReaderService } from './domain/access/readers.js';
import type { Plan } from './domain/billing/plans.js';
import type { ContentService } from './domain/content/service.js';
import type { NewsroomService } from './domain/content/newsroom-service.js';
import type { FrontPageService } from './domain/front-page/service.js';
import type { SectionsService } from './domain/sections/service.js';
import type { Copy } from './domain/copy/copy.js';
import type { AuditLog } from './domain/audit/audit.js';
import type { SiteSettings } from './domain/site/settings.js';
import type { SiteService } from './domain/site/site-service.js';
import type { CrawlerRanges } from './domain/ports/crawlers.js';
import type { MediaService } from './domain/media/service.js';
import type { FileStore } from './domain/ports/files.js';
import type { RenderHelper } from './adapters/render-helper/render-helper.js';
import type { BusinessSettings } from './business-settings.js';
import type { GiftLinkService } from './domain/gift-articles/links.js';
import type { PartnerClaims } from './domain/partners/claims.js';
import type { PartnerService } from './domain/partners/service.js';
import type { GroupAccess } from './domain/groups/access.js';
import type { EpaperService } from './domain/epaper/service.js';
import type { NewslettersService } from './domain/newsletters/service.js';
import type { WireService } from './domain/wire/service.js';

/** Everything the web layer needs, built once by the composition root (main.ts) or by tests. */
export interface AppContext {
  config: Config;
  keys: Keys;
  content: ContentService;
  /** Reader search (`/search`, `/api/v1/search`): snippets only from what the reader may read. */
  search: SearchService;
  /** Writing, scheduling, publishing and unpublishing articles (staff with `editContent`). */
  newsroom: NewsroomService;
  /** The newsroom's images: upload, crop, the library, and the renditions pages show (closed with the app: `files`). */
  media: MediaService;
  files: FileStore;
  /** sharp and pdf.js in a helper process that ends when idle: what `media` and `epaper` draw with, and the demo. */
  renderer: RenderHelper;
  /** Sections: create, edit, order, delete (staff with `editContent`). */
  sections: SectionsService;
  /** The home page's lead, picks and the stories pinned in sections (staff with `editContent`). */
  frontPage: FrontPageService;
  copy: Copy;
  /** The publication's settings: one object, updated in place by `refresh`, so read it at each use. */
  site: SiteSettings;
  /** Settings and trust pages: reading and saving them (policy `manageBusiness`), trust pages for readers. */
  settings: SiteService;
  /** Who changed what (admins read it). Use cases write it through `recordChange`. */
  audit: AuditLog;
  plans: () => Promise<Plan[]>;
  counters: Counters;
  /** Anonymous readers' meters (closed with the app). */
  meters: MeterStore;
  /** Who is reading: a signed-in reader's entitlements and meter, an anonymous network's budget. */
  readers: ReaderService;
  /** Gift article links: subscribers make them, the article page opens them. */
  gifts: GiftLinkService;
  /** Group (institutional) access: by network (held in memory, asked on every request) and by email domain. */
  groups: GroupAccess;
  /** Resolves when the database answers (for /healthz). */
  health: () => Promise<void>;
  mailer: Mailer;
  /** The newest `limit` emails written to the outbox folder (the demo's /dev/outbox); empty with SMTP. */
  outbox: (limit: number) => Promise<OutboxMessage[]>;
  /** Accounts, sessions and a reader's data: the only way the web layer reaches them. */
  accounts: AccountsService;
  billing: Billing;
  /** Partner bundles: partners and their codes (policy `manageBusiness`), readers' claims, the revocation sweep. */
  partners: { service: PartnerService; claims: PartnerClaims };
  /** Emails: queued by use cases, sent by the notification job with these templates. */
  notifications: { notifier: Notifier; templates: NotificationTemplates };
  crawlers: CrawlerRanges;
  /** The access policy in force (the same object as `business.policy`: a saved paywall setting changes it in place). */
  policy: AccessPolicy;
  /** Copy templates and paywall settings as stored by the business team; `business.reload()` applies a saved change. */
  business: BusinessSettings;
  /** Newsletters: lists, sign-up and unsubscribing, issues, sends and the archive. */
  newsletters: NewslettersService;
  /** The pooled mailer newsletter issues go out through (closed with the app). */
  newsletterMailer: Mailer;
  /** The clock every rule reads; tests replace it. */
  now: () => Date;
  /**
   * Drops this instance's caches and reloads what it keeps of the settings. Called on every instance when a
   * change is announced (`announceChange`), and at once by the instance that made it.
   */
  refresh(): Promise<void>;
  /** The e-paper: editions uploaded and rendered, read through signed addresses, clippings saved and shared. */
  epaper: EpaperService;
  /** Wire copy: agencies' feeds in (poll job, signed webhook), the wire desk (staff with `editContent`). */
  wire: WireService;
}

/** An email as the demo's outbox page lists it. */
export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  tag?: string;
  /** ISO 8601 time the message was written. */
  sentAt: string;
}

/** Billing as the web layer and the jobs see it (built by main.ts). */
export interface Billing {
  service: BillingService;
  /** Gift subscriptions: buying one (a one-time payment), redeeming it, the buyer's list, the gift email. */
  gifts: GiftService;
  /** What the service was built from; tests run the sweep with it. */
  deps: BillingDeps;
  gateways: Partial<Record<GatewayName, PaymentGateway>>;
  /** The test gateway's hosted pages, when it is on. */
  testGateway: TestGatewayPages | null;
  /** The Razorpay checkout callback check, when Razorpay is configured. */
  verifyRazorpayCheckout: ((input: { paymentId: string; subscriptionId: string; signature: string }) => boolean) | null;
  /** Connects the test gateway's webhook delivery to the running app (set once the app exists). */
  connectWebhooks(deliver: (rawBody: string, headers: Record<string, string>) => Promise<void>): void;
}
