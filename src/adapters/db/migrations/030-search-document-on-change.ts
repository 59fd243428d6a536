/**
 * The search document (migration 029) is rebuilt only when its text changes. Building it (to_tsvector over the body,
 * then the GIN entries) is most of what writing an article costs, and an import that runs a feed again, or a save
 * that changes only the visibility or the publication time, changes no text.
 *
 * - On update: only when the headline, standfirst, body, tags or authors differ from the stored ones.
 * - On insert: as before, except for a row whose slug is already stored. That is an upsert (`insert … on conflict
 *   (slug) do update`, as the import writes), which will update the stored row instead, and the update trigger above
 *   decides. The stored row is locked (`for key share`) so it cannot be deleted or renamed before the upsert reaches
 *   it: the insert that skipped its document can never become a new row without one.
 */
export default /* sql */ `
create function articles_search_document_on_insert() returns trigger language plpgsql as $fn$
begin
  perform 1 from articles where slug = new.slug for key share;
  if found then
    return new;
  end if;
  new.search_document := masthead_search_document(masthead_search_config(), new.headline, new.standfirst, new.body, new.tags, new.authors);
  return new;
end
$fn$;

drop trigger articles_search_document on articles;

create trigger articles_search_document_insert before insert on articles
  for each row execute function articles_search_document_on_insert();

create trigger articles_search_document_update before update of headline, standfirst, body, tags, authors on articles
  for each row
  when (old.headline is distinct from new.headline or old.standfirst is distinct from new.standfirst
    or old.body is distinct from new.body or old.tags is distinct from new.tags or old.authors is distinct from new.authors)
  execute function articles_search_document();
`;
