/**
 * The index of articles by date also holds each one's id, the order every list and search sorts by (date, then id for
 * articles published at the same moment). With the date alone it looked cheaper to PostgreSQL than the index of
 * published articles (which since migration 041 also holds slugs and times), so the newest matches of a search and the
 * news sitemap walked it and sorted each run of equal dates again by id. That sort carried every row it read, and a
 * search's rows carry their ~5 KB search documents: finding the newest 2,000 matches of a word in every article took
 * 6.4 ms, walking and sorting, against 3.1 ms walking in order (100k articles, `npm run explain`, one run each;
 * docs/query-plans.md). Now neither index needs a sort, and the plans walk the index of published articles. The
 * staff's article list by date reads this one as before.
 */
export default /* sql */ `
create index articles_published_at_id_idx on articles (published_at, id);
drop index articles_published_at_idx;
alter index articles_published_at_id_idx rename to articles_published_at_idx;
`;
