/**
 * A wire agency's stories may be kept out of the premium archive (a licence may forbid selling agency copy as
 * archive): the access policy lists those agencies' provenances and the archive rule never gates them.
 */
export default /* sql */ `
alter table wire_agencies add column exclude_from_archive boolean not null default false;
`;
