/**
 * Fills a database with synthetic rows at scale, for the query-plan report and the benchmark at 100k–1M
 * articles. Rows are made by PostgreSQL itself (generate_series), so a million articles take seconds, not
 * an import. The text is filler: this is for measuring, never for a site.
 */
import { sql } from 'kysely';
import type { Db } from '../domain/ports/database.js';

export interface ScaleCounts {
  articles: number;
  readers: number;
}

/** The byline of an occasional contributor: four stories among all the articles (author slug `guest-columnist`). */
export const SCALE_GUEST_AUTHOR = 'Guest Columnist';

const SECTIONS = sql`(array['markets','economy','companies','politics','world','technology','opinion','markets-insight'])`;

/**
 * Words for the synthetic bodies: a newsroom's common vocabulary, so that a body's search document has as many
 * distinct words as a real story's (some 250–300) and costs as much to store and rank.
 */
const VOCABULARY = (
  'market rates bank inflation growth monsoon harvest budget deficit rupee dollar exports imports shares index ' +
  'investors quarter profit revenue minister policy reform court ruling election voters coalition parliament state ' +
  'capital district farmers prices fuel power grid solar wind coal steel cement housing credit loan bond yield ' +
  'treasury auditor regulator filing merger acquisition startup funding valuation founder chairman board analyst ' +
  'forecast survey data report week month year season village city port railway airline traffic water river dam ' +
  'flood drought rainfall crop wheat rice sugar cotton onion tomato milk dairy fertiliser subsidy tax duty tariff ' +
  'customs excise cess refund return audit ledger account balance surplus shortfall estimate projection target ' +
  'scheme mission programme project contract tender bid auction licence permit clearance approval notice order ' +
  'hearing bench petition appeal verdict judge lawyer counsel witness police arrest probe charge sheet bail custody ' +
  'hospital doctor patient nurse clinic vaccine disease fever outbreak school teacher student exam result campus ' +
  'university college degree course admission fee scholarship hostel library museum theatre festival film music ' +
  'cricket match series captain wicket innings stadium tournament league player coach team trophy medal record ' +
  'road highway bridge tunnel metro bus station terminal airport runway flight passenger cargo freight truck ship ' +
  'harbour coast island forest tiger elephant wildlife sanctuary climate carbon emission pollution smog waste ' +
  'plastic recycling energy battery vehicle electric charging factory plant worker wage union strike shift ' +
  'employment jobs hiring layoffs pension insurance premium claim policyholder savings deposit interest lending ' +
  'borrower default recovery bankruptcy creditor debtor equity stake holding promoter listing debut offering ' +
  'dividend buyback split bonus rally slump volatility session close opening gain loss trader broker exchange ' +
  'commodity gold silver crude oil gas pipeline refinery mining ore iron copper aluminium zinc telecom spectrum ' +
  'network broadband mobile phone software platform app user privacy data breach cyber attack security defence ' +
  'army navy border ceasefire talks summit treaty delegation embassy visa migrant refugee census population ' +
  'survey poll campaign rally candidate manifesto seat majority opposition speaker session bill amendment vote'
).split(' ');

/**
 * Articles spread over the years back to 1997, newest densest; every 7th premium, every 11th free, every 13th
 * wire. 200 staff authors share the bylines; a guest columnist co-signs four stories across the archive. A body is
 * the size of a real story (~4.6 KB): a line naming it (so "filler" is a word every article holds), then nine of 64
 * fixed paragraphs of the vocabulary above, picked by the article's number.
 */
export async function seedScaleArticles(db: Db, count: number, now: Date): Promise<void> {
  const batch = 50_000;
  const guestEvery = Math.max(1, Math.floor(count / 4));
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await sql`
      with vocabulary as (select ${VOCABULARY}::text[] as w),
      paragraphs as (
        select array_agg(p order by i) as p from (
          select i, string_agg(w[1 + abs(hashint4(i * 1000 + j)) % cardinality(w)], ' ' order by j) || '.' as p
          from vocabulary, generate_series(0, 63) i, generate_series(1, 72) j group by i) x)
      insert into articles (slug, headline, standfirst, body, section, tags, authors, visibility, provenance, published_at, updated_at)
      select 'scale-' || g, 'Scale headline number ' || g, 'A standfirst for article ' || g || '.',
             'Paragraph of filler text for article ' || g || '.' ||
               (select string_agg(E'\n\n' || p[1 + (g * k + k * k) % 64], '' order by k) from generate_series(1, 9) k),
             ${SECTIONS}[1 + g % 8], array['scale', 'tag-' || (g % 50)],
             array['Author ' || (g % 200)] || case when g % ${guestEvery}::int = 0 then array[${SCALE_GUEST_AUTHOR}::text] else '{}' end,
             case when g % 7 = 0 then 'premium' when g % 11 = 0 then 'free' else 'metered' end,
             case when g % 13 = 0 then 'wire:Scale Wire' else 'staff' end,
             ${now}::timestamptz - interval '1 day' * (power(g::float / ${count}, 2) * 29 * 365),
             ${now}::timestamptz - interval '1 day' * (power(g::float / ${count}, 2) * 29 * 365)
      from generate_series(${from}::int, ${to}::int) g, paragraphs
      on conflict (slug) do nothing`.execute(db);
  }
  // A curated front page: a lead, six picks and two pins in each section, among the newest.
  await sql`insert into front_page_stories (place, position, article_id)
    select case when n = 1 then 'lead' else 'pick' end, case when n = 1 then 1 else n - 1 end, id
    from (select id, row_number() over (order by published_at desc) n from articles where slug like 'scale-%' order by published_at desc limit 7) newest
    on conflict do nothing`.execute(db);
  await sql`insert into section_pins (section, position, article_id)
    select section, n, id
    from (select id, section, row_number() over (partition by section order by published_at desc) n from articles where slug like 'scale-%' and published_at > ${now}::timestamptz - interval '30 days') recent
    where n <= 2
    on conflict do nothing`.execute(db);
  // The bylines as the import writes them: an author per name, linked in order.
  await sql`insert into authors (slug, name) select distinct lower(replace(name, ' ', '-')), name
    from articles, unnest(authors) as name where slug like 'scale-%' on conflict do nothing`.execute(db);
  await sql`insert into article_authors (article_id, author_id, position, status, published_at)
    select a.id, au.id, t.n - 1, a.status, a.published_at
    from articles a cross join unnest(a.authors) with ordinality as t (name, n) join authors au on au.name = t.name
    where a.slug like 'scale-%'
    on conflict do nothing`.execute(db);
  // The tags as every write keeps them (content/queries.ts syncArticleTags).
  await sql`insert into article_tags (article_id, tag, status, published_at)
    select a.id, t.tag, a.status, a.published_at from articles a cross join unnest(a.tags) as t (tag)
    where a.slug like 'scale-%'
    on conflict do nothing`.execute(db);
  // One statement each: PGlite takes no multi-statement queries through the extended protocol.
  for (const table of ['authors', 'article_authors', 'article_tags']) await sql`analyze ${sql.table(table)}`.execute(db);
}

/**
 * Readers with what readers accumulate: a session each, a meter, entitlement grants, a subscription with
 * payments and invoices for half of them, sign-in challenges, an anonymous meter per reader, old jobs and
 * webhook events.
 */
export async function seedScaleReaders(db: Db, count: number, now: Date): Promise<void> {
  const at = sql`${now}::timestamptz`;
  const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  await sql`insert into users (email, name, role, email_verified_at, created_at)
    select 'reader' || g || '@scale.test', 'Reader ' || g, 'reader', ${at}, ${at} - (g || ' minutes')::interval
    from generate_series(1, ${count}::int) g`.execute(db);
  await sql`insert into sessions (user_id, token_hash, kind, token_expires_at, device_name, created_at, last_seen_at, expires_at)
    select id, 'scale-token-' || id, 'web', ${at} + interval '30 days', 'Firefox on Linux', ${at}, ${at}, ${at} + interval '30 days'
    from users where email like '%@scale.test'`.execute(db);
  // Every tenth app session was refreshed once, and every twentieth has since been signed out.
  await sql`update sessions set revoked_at = ${at} - interval '1 day' where user_id % 20 = 0 and token_hash like 'scale-token-%'`.execute(
    db,
  );
  await sql`insert into retired_refresh_tokens (refresh_hash, session_id, retired_at)
    select 'scale-refresh-' || id, id, ${at} - interval '2 days' from sessions where user_id % 10 = 0 and token_hash like 'scale-token-%'`.execute(
    db,
  );
  await sql`insert into reader_meters (user_id, period, article_ids)
    select id, ${period}, array[1, 2, 3] from users where email like '%@scale.test'`.execute(db);
  await sql`insert into auth_challenges (purpose, email, user_id, code_hash, binding_hash, created_at, expires_at, used_at)
    select 'sign-in', email, id, 'h' || id, 'b' || id, ${at} - interval '1 day', ${at} - interval '23 hours', ${at} - interval '23 hours'
    from users where email like '%@scale.test'`.execute(db);
  await sql`insert into anonymous_meters (reader_id, period, article_ids)
    select 'scale-reader-' || g, ${period}, array[1, 2] from generate_series(1, ${count}::int) g`.execute(db);
  // Half the readers subscribed: one subscription, two payments (initial and renewal), two invoices.
  await sql`insert into subscriptions (user_id, plan_id, status, gateway, gateway_subscription_id, current_period_start, current_period_end, created_at, updated_at)
    select u.id, p.id, 'active', 'test', 'scale-sub-' || u.id, ${at} - interval '30 days',
           ${at} + ((u.id % 365) || ' days')::interval, ${at} - interval '400 days', ${at}
    from users u cross join lateral (select id from plans order by id limit 1) p
    where u.email like '%@scale.test' and u.id % 2 = 0`.execute(db);
  for (const kind of ['initial', 'renewal'] as const) {
    const ago = kind === 'initial' ? sql`interval '400 days'` : sql`interval '30 days'`;
    await sql`insert into payments (subscription_id, user_id, gateway, gateway_payment_id, kind, plan_id, amount_minor, currency, period_start, period_end, captured_at)
      select s.id, s.user_id, 'test', 'scale-pay-' || ${kind} || '-' || s.id, ${kind}, s.plan_id, 90000, 'INR',
             ${at} - ${ago}, ${at} - ${ago} + interval '90 days', ${at} - ${ago}
      from subscriptions s where s.gateway_subscription_id like 'scale-sub-%'`.execute(db);
  }
  await sql`insert into invoices (number, kind, payment_id, user_id, issued_at, financial_year, supplier, recipient, place_of_supply,
      description, sac, taxable_minor, cgst_minor, sgst_minor, igst_minor, total_minor, currency)
    select 'SC/' || p.id, 'invoice', p.id, p.user_id, p.captured_at, '2026-27', '{}'::jsonb, '{}'::jsonb, '27',
           'Subscription', '998431', 76271, 6864, 6865, 0, 90000, 'INR'
    from payments p where p.gateway_payment_id like 'scale-pay-%'`.execute(db);
  await sql`insert into entitlement_grants (user_id, entitlement, source, starts_at, ends_at)
    select s.user_id, e, 'subscription:' || s.id, ${at} - interval '30 days', s.current_period_end
    from subscriptions s cross join unnest(array['premium', 'archive', 'ad-free', 'markets']) e
    where s.gateway_subscription_id like 'scale-sub-%'`.execute(db);
  await sql`insert into webhook_events (gateway, event_id, event_type, payload, received_at, processed_at, attempts)
    select 'test', 'scale-evt-' || g, 'payment.captured', '{"events": []}'::jsonb, ${at} - (g || ' minutes')::interval,
           ${at} - (g || ' minutes')::interval, 1
    from generate_series(1, ${count}::int) g`.execute(db);
  await sql`insert into jobs (kind, payload, unique_key, run_at, attempts, done_at, created_at)
    select 'billing-email', '{}'::jsonb, 'scale-job-' || g, ${at} - (g || ' minutes')::interval, 1, ${at} - (g || ' minutes')::interval, ${at}
    from generate_series(1, ${count}::int) g`.execute(db);
  await sql`analyze`.execute(db);
}

/** The newsroom's history: an audit log entry for every article (staff saving and publishing them). */
export async function seedScaleNewsroom(db: Db, count: number, now: Date): Promise<void> {
  const at = sql`${now}::timestamptz`;
  await sql`insert into audit_log (at, user_id, area, subject, action, before, after)
    select ${at} - (g || ' minutes')::interval, null,
           (array['article','article','article','section','settings','plan'])[1 + g % 6], 'scale-' || g,
           'publish', '{"status":"draft"}'::jsonb, '{"status":"published"}'::jsonb
    from generate_series(1, ${count}::int) g`.execute(db);
  await sql`analyze`.execute(db);
}
