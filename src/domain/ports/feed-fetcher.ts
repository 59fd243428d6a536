/** What fetching a feed gave: its text, or why there is none (refused address, timeout, HTTP status, too large). */
export type FetchedFeed = { ok: true; status: number; body: string } | { ok: false; reason: string };

/**
 * Fetches a wire feed over HTTP(S) from the server. The production adapter refuses addresses on loopback and private
 * networks unless explicitly allowed, follows no redirects, and bounds time and size.
 */
export interface FeedFetcher {
  fetch(url: string, headers: Record<string, string>): Promise<FetchedFeed>;
}
