/**
 * The readers the benchmark plays, prepared against a running server over plain HTTP:
 * (a) a new anonymous reader (no cookie: every request opens a meter and is charged),
 * (b) a returning anonymous reader rereading an article inside the meter (free reread),
 * (c) a reader whose meter is used up, shown the paywall.
 * Each scenario carries the exact bytes the app answered, for the bare baseline server to replay.
 */

/** The anonymous reader's cookie, naming their meter on the server (see src/web/http/reader.ts). */
const READER_COOKIE = 'mh_reader';

export interface Scenario {
  key: 'a' | 'b' | 'c';
  name: string;
  path: string;
  /** `Cookie` header value, or null for a reader without cookies. */
  cookie: string | null;
  body: Buffer;
  contentType: string;
}

interface Fetched {
  status: number;
  body: Buffer;
  contentType: string;
  /** `mh_reader=…` when the response gave a new reader their id. */
  readerCookie: string | null;
  /** Free articles left, from the page's meter note ("You have 7 free articles left"), or null without one. */
  left: number | null;
}

/** One GET with an optional cookie; no redirects followed, so a surprise shows up as a status. */
async function get(baseUrl: string, path: string, cookie: string | null): Promise<Fetched> {
  const response = await fetch(baseUrl + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const body = Buffer.from(await response.arrayBuffer());
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${READER_COOKIE}=`));
  const note = /You have (\d+) free articles? left|(This is your last free article)/.exec(body.toString('utf8'));
  return {
    status: response.status,
    body,
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    readerCookie: setCookie ? setCookie.split(';')[0]! : null,
    left: note ? (note[2] ? 0 : Number(note[1])) : null,
  };
}

/** `get` that insists on a 200. */
async function getOk(baseUrl: string, path: string, cookie: string | null): Promise<Fetched> {
  const result = await get(baseUrl, path, cookie);
  if (result.status !== 200) throw new Error(`GET ${path} answered ${result.status}: ${result.body.toString('utf8', 0, 300)}`);
  return result;
}

/** Slugs of metered articles, newest first, from the public API. */
export async function meteredSlugs(baseUrl: string): Promise<string[]> {
  const { body } = await getOk(baseUrl, '/api/v1/articles?limit=100', null);
  const { articles } = JSON.parse(body.toString('utf8')) as { articles: { slug: string; visibility: string }[] };
  return articles.filter((a) => a.visibility === 'metered').map((a) => a.slug);
}

const isPaywall = (body: Buffer) => body.includes('class="paywall"');

/**
 * Builds the three scenarios. Checks as it goes that the server behaves as the scenario assumes
 * (a first read is charged and not walled, a reread is free, the 11th article is walled), so the
 * benchmark never measures the wrong page.
 */
export async function prepareScenarios(baseUrl: string, freeLimit = 10): Promise<Scenario[]> {
  const slugs = await meteredSlugs(baseUrl);
  if (slugs.length < freeLimit + 1) {
    throw new Error(`need ${freeLimit + 1} metered articles in the demo content, found ${slugs.length}`);
  }
  const articlePath = `/article/${slugs[0]}`;

  // (a) New anonymous reader: no cookie, so every request is a first read.
  const fresh = await getOk(baseUrl, articlePath, null);
  if (!fresh.readerCookie || fresh.left !== freeLimit - 1)
    throw new Error(`a first read of ${articlePath} was not charged to a new reader`);
  if (isPaywall(fresh.body)) throw new Error(`a first read of ${articlePath} shows the paywall`);

  // (b) Returning reader: the cookie from that first read, rereading the same article (free).
  const reread = await getOk(baseUrl, articlePath, fresh.readerCookie);
  if (reread.left !== freeLimit - 1) throw new Error(`a reread of ${articlePath} was charged again`);
  if (isPaywall(reread.body)) throw new Error(`a reread of ${articlePath} shows the paywall`);

  // (c) Paywalled reader: read `freeLimit` distinct metered articles, then ask for one more.
  let cookie: string | null = null;
  let charged = 0;
  let next = 0;
  for (; next < slugs.length && charged < freeLimit; next++) {
    const read = await getOk(baseUrl, `/article/${slugs[next]}`, cookie);
    cookie ??= read.readerCookie;
    // Only a charged read lowers the count: an archived article, say, is walled without charge.
    if (read.left !== null) charged = freeLimit - read.left;
  }
  const wallSlug = slugs[next];
  if (charged < freeLimit || !wallSlug) throw new Error(`could only spend ${charged} of ${freeLimit} free reads`);
  const wallPath = `/article/${wallSlug}`;
  const walled = await getOk(baseUrl, wallPath, cookie);
  if (!isPaywall(walled.body)) throw new Error(`the article after ${freeLimit} reads (${wallPath}) shows no class="paywall"`);

  return [
    { key: 'a', name: 'new anonymous reader', path: articlePath, cookie: null, body: fresh.body, contentType: fresh.contentType },
    {
      key: 'b',
      name: 'returning reader, reread',
      path: articlePath,
      cookie: fresh.readerCookie,
      body: reread.body,
      contentType: reread.contentType,
    },
    { key: 'c', name: 'paywalled reader', path: wallPath, cookie, body: walled.body, contentType: walled.contentType },
  ];
}
