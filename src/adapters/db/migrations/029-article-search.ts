/**
 * Reader search (`/search`, `GET /api/v1/search`): each article carries its search document, a tsvector of its
 * headline (weight A), tags and authors (B), standfirst (C) and body as plain text (D), written by a trigger in the
 * same statement as the article, so imports, the newsroom and the admin API are all searchable at once.
 *
 * - The text-search configuration (`english`, `simple`, `hindi`…) is the `search_config` setting, which the app
 *   writes at start from MASTHEAD_SEARCH_CONFIG after checking it names a row of pg_ts_config; the index itself
 *   holds lexemes only, so queries and index agree as long as `masthead reindex` follows a change of it.
 * - The body is Markdown: link and image targets are dropped before indexing (the parser skips punctuation, so
 *   `**`, `#` and `>` need nothing), so an address in a link does not match a reader's words.
 * - A GIN index over published articles' documents answers the search; readers only ever search published ones.
 */
export default /* sql */ `
create function masthead_search_document(cfg regconfig, headline text, standfirst text, body text, tags text[], authors text[])
returns tsvector language sql immutable parallel safe as $fn$
  select setweight(to_tsvector(cfg, coalesce(headline, '')), 'A')
    || setweight(to_tsvector(cfg, array_to_string(coalesce(tags, '{}'), ' ') || ' ' || array_to_string(coalesce(authors, '{}'), ' ')), 'B')
    || setweight(to_tsvector(cfg, coalesce(standfirst, '')), 'C')
    || setweight(to_tsvector(cfg, regexp_replace(coalesce(body, ''), '\\]\\([^)\\s]*(\\s+"[^"]*")?\\)', '] ', 'g')), 'D')
$fn$;

create function masthead_search_config() returns regconfig language sql stable as $fn$
  select coalesce((select (value #>> '{}')::regconfig from settings where key = 'search_config'), 'english'::regconfig)
$fn$;

alter table articles add column search_document tsvector;

create function articles_search_document() returns trigger language plpgsql as $fn$
begin
  new.search_document := masthead_search_document(masthead_search_config(), new.headline, new.standfirst, new.body, new.tags, new.authors);
  return new;
end
$fn$;

create trigger articles_search_document before insert or update of headline, standfirst, body, tags, authors on articles
  for each row execute function articles_search_document();

update articles set search_document = masthead_search_document(masthead_search_config(), headline, standfirst, body, tags, authors);
create index articles_search_idx on articles using gin (search_document) where status = 'published';
`;
