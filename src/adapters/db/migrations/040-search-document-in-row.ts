/**
 * An article's search document stays in its row. PostgreSQL moves a row's large values out to its TOAST table once the
 * row passes about 2 KB, and a story of ~4.6 KB has a 2–5 KB document that does not compress: it went out with the body.
 * A search ranks the newest 2,000 matches of a common word, and reading each document back from the TOAST table was
 * most of that query's time (10.6 ms of work against 4.5 ms with the documents in their rows, 100k articles). Storage
 * `main` keeps the document in the row (the body, read only for the page of results, goes out instead) unless the row
 * would not fit in a page at all. Rows written before this keep their layout until their document is next written:
 * `masthead reindex` rewrites them all.
 */
export default /* sql */ `
alter table articles alter column search_document set storage main;
`;
