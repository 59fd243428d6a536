/**
 * Verified search crawlers, by the IP ranges the search engines publish: they may index full text. A User-Agent or
 * Referer never makes a crawler. Built from the configured range files by `src/web/http/crawlers.ts`.
 */
export interface CrawlerRanges {
  isVerified(ip: string): boolean;
  readonly size: number;
}
