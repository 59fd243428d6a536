/**
 * The wire desk's list filtered by agency and status together (say, one agency's waiting items): migration 033
 * indexes the list by agency and by status, each alone, so PostgreSQL read one of them and discarded the other
 * filter's misses. This one answers both filters in the list's order (last changed first, its keyset), so a page
 * stops after its rows. The desk filters every status, so the index is not partial.
 */
export default /* sql */ `
create index wire_items_agency_status_desk_idx on wire_items (agency_id, status, updated_at desc, id desc);
`;
