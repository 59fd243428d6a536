/**
 * Search over the e-paper's stories: each region's headline (weight A) and text (D) as a document in the site's
 * text-search configuration (`masthead_search_config()`, migration 029), kept by a trigger when either changes
 * (`masthead reindex` rebuilds them with the articles after a change of configuration), and a GIN index to find
 * matches. Readers with the e-paper search it at `/epaper/search`.
 */
export default /* sql */ `
alter table epaper_regions add column search_document tsvector;

create function masthead_epaper_document(cfg regconfig, headline text, body text) returns tsvector
language sql immutable as $fn$
  select setweight(to_tsvector(cfg, coalesce(headline, '')), 'A') || setweight(to_tsvector(cfg, coalesce(body, '')), 'D')
$fn$;

create function masthead_epaper_region_document() returns trigger language plpgsql as $fn$
begin
  new.search_document := masthead_epaper_document(masthead_search_config(), new.headline, new.text);
  return new;
end
$fn$;

create trigger epaper_regions_search_document before insert or update of headline, text on epaper_regions
  for each row execute function masthead_epaper_region_document();

update epaper_regions set search_document = masthead_epaper_document(masthead_search_config(), headline, text);

create index epaper_regions_search_idx on epaper_regions using gin (search_document);
`;
