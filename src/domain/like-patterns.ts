/**
 * Patterns for SQL `like`/`ilike` built from what someone typed: `%`, `_` and the escape character `\`
 * match themselves, so a search for "5%" finds "5%", not everything that starts with 5.
 */

/** `text` with the pattern characters escaped (PostgreSQL's default escape character, backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A pattern that matches any value containing `text` as typed (a trigram index can answer it). */
export function containing(text: string): string {
  return `%${escapeLike(text)}%`;
}
