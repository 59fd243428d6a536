/**
 * The newsroom's filtered lists at scale: drafts, scheduled and unpublished stories are few, so a partial index
 * over them answers a status filter without reading the published archive; a section's list reads its own index.
 * Both keep the list's order (last changed first), so a page of 50 stops after 50 rows.
 */
export default /* sql */ `
create index articles_unpublished_updated_idx on articles (updated_at desc, id desc) where status <> 'published';
create index articles_section_updated_idx on articles (section, updated_at desc, id desc);
`;
