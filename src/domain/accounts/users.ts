/**
 * The account lookup other modules import from here (billing's emails read the user they write to). The
 * queries themselves live in user-queries.ts; the web layer goes through the accounts service instead.
 */
export { findUserById } from './user-queries.js';
