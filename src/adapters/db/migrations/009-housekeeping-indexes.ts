/**
 * The daily housekeeping job deletes jobs finished more than 30 days ago; this finds them without reading
 * the whole queue's history (see docs/query-plans.md).
 */
export default /* sql */ `
create index jobs_done_idx on jobs (done_at) where done_at is not null;
`;
