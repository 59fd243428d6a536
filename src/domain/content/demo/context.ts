import { marketOn, nominalSize, type MarketDay } from './market.js';
import type { Rng } from './prng.js';
import {
  BROKERAGES,
  COMPANIES,
  CONCERNS,
  CROPS,
  FIRST_NAMES,
  FOREIGN_PLACES,
  GOVERNORS,
  INDIAN_CITIES,
  LAST_NAMES,
  LAWS,
  MONTHS,
  ORDINALS,
  PRODUCTS,
  ROLES,
  STARTUPS,
  STATES,
  TECH_TOPICS,
  VENTURE_FUNDS,
  VENTURES,
  WEEKDAYS,
  ofItsTime,
  type Company,
  type Era,
  type StoryKind,
} from './word-bank.js';

/** Placeholder values for one article: the same company, people and numbers throughout its text. */
export type StoryContext = Record<string, string>;

const IST_OFFSET_MS = 5.5 * 3_600_000;

/** The year of `at` in India. */
export const istYear = (at: Date): number => new Date(at.getTime() + IST_OFFSET_MS).getUTCFullYear();

/** The items of `items` that belong to `year`. */
const ofYear = <T extends Era>(items: readonly T[], year: number): T[] => items.filter((item) => ofItsTime(item, year));

/** The companies a story of `kind` may feature in `year`; a kind with none has no story that year. */
export function companiesFor(kind: StoryKind, year: number): Company[] {
  return ofYear(kind.startup ? STARTUPS : COMPANIES, year).filter((c) => !kind.sectors || kind.sectors.includes(c.sector));
}

const indian = new Intl.NumberFormat('en-IN');
const fmt = (n: number): string => indian.format(n);
const crore = (n: number): string => `₹${fmt(n)} crore`;

/** Up/down wording, so a story's verbs agree with its numbers. */
const DIRECTION = {
  up: {
    up: 'up',
    climbs: 'climbs',
    climb: 'climb',
    rise: 'rise',
    rises: 'rises',
    moved: 'rose',
    higher: 'higher',
    gain: 'gain',
    buyers: 'buyers',
    flows: 'inflows',
    aboveBelow: 'above',
    beats: 'beats',
    widen: 'widen',
    breadth: 'advancers',
    verdict: 'ahead of expectations',
  },
  down: {
    up: 'down',
    climbs: 'slips',
    climb: 'slip',
    rise: 'fall',
    rises: 'falls',
    moved: 'fell',
    higher: 'lower',
    gain: 'drop',
    buyers: 'sellers',
    flows: 'outflows',
    aboveBelow: 'below',
    beats: 'misses',
    widen: 'narrow',
    breadth: 'decliners',
    verdict: 'a touch below expectations',
  },
};

/** A person's name made from the word banks; `avoid` keeps names within one story distinct. */
export function personName(rng: Rng, avoid: Set<string>): string {
  for (;;) {
    const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    if (!avoid.has(name)) {
      avoid.add(name);
      return name;
    }
  }
}

/** The central bank's decision at its latest meeting, worded for a headline and for the text. */
function policy(market: MarketDay): Pick<StoryContext, 'policyHead' | 'policyPast' | 'newRate'> {
  const to = `${market.repo.toFixed(2)}%`;
  const bps = Math.round(Math.abs(market.repo - market.previousRepo) * 100);
  if (bps === 0) {
    return { policyHead: `holds repo rate at ${to}`, policyPast: `left the repo rate unchanged at ${to}`, newRate: market.repo.toFixed(2) };
  }
  const [head, past] = market.repo < market.previousRepo ? ['cuts', 'cut'] : ['raises', 'raised'];
  return {
    policyHead: `${head} repo rate by ${bps} bps to ${to}`,
    policyPast: `${past} the repo rate by ${bps} basis points to ${to}`,
    newRate: market.repo.toFixed(2),
  };
}

/** Which way a story's verbs go: the day's index or crude when the story reports it, else a draw. */
function direction(kind: StoryKind, market: MarketDay, drawn: boolean): boolean {
  if (kind.follows === 'index') return market.indexUp;
  if (kind.follows === 'oil') return market.oilUp;
  return drawn;
}

/** Draws every value a template may use, for a story of `kind` published at `at`. */
export function buildContext(rng: Rng, kind: StoryKind, at: Date): StoryContext {
  const ist = new Date(at.getTime() + IST_OFFSET_MS);
  const year = ist.getUTCFullYear();
  const place = rng.pick(FOREIGN_PLACES);
  const month = ist.getUTCMonth();
  const company = rng.pick(companiesFor(kind, year));
  const state = rng.pick(ofYear(STATES, year).filter((s) => !kind.local || s.cities));
  const city = kind.section === 'world' ? place.city : rng.pick((kind.local && state.cities) || INDIAN_CITIES);
  const company2 = rng.pick(ofYear(COMPANIES, year).filter((c) => c.name !== company.name));
  const governor = ofYear(GOVERNORS, year)[0]!.name;
  const names = new Set<string>([governor]);
  const market = marketOn(at);
  const size = nominalSize(at);
  const up = direction(kind, market, rng.chance(0.55));
  const [product, product2, product3] = rng.sample(PRODUCTS, 3);
  // Sums of money the size of their year's economy: ₹150–25,000 crore today, a twentieth of that in 1997.
  const amount = Math.max(10, Math.round(rng.int(15, 2_500) * size.rupees) * 10);
  const { level, rupee } = market;
  const price = rng.int(80, 4_200);
  const margin = rng.float(9, 28, 1);
  const usd = rng.float(28, 45, 1) * size.dollars;
  /** A round index level `points` (at today's level) away from the day's close. */
  const nearLevel = (points: number) => fmt(Math.round((level + (points * level) / 22_000) / 50) * 50);
  return {
    ...DIRECTION[up ? 'up' : 'down'],
    ...policy(market),
    company: company.name,
    sector: company.sector,
    company2: company2.name,
    sector2: company2.sector,
    person: personName(rng, names),
    person2: personName(rng, names),
    analyst: personName(rng, names),
    advisor: personName(rng, names),
    minister: personName(rng, names),
    governor,
    role: rng.pick(ROLES),
    firm: rng.pick(BROKERAGES),
    vc: rng.pick(VENTURE_FUNDS),
    city,
    state: state.name,
    place: place.city,
    country: place.country,
    product: product!,
    product2: product2!,
    product3: product3!,
    crop: rng.pick(CROPS),
    concern: rng.pick(CONCERNS),
    venture: rng.pick(ofYear(VENTURES, year)).name,
    law: rng.pick(LAWS),
    techTopic: rng.pick(ofYear(TECH_TOPICS, year)).name,
    buyers2: rng.pick(['buyers', 'sellers']),
    nth: rng.pick(ORDINALS),
    weekday: WEEKDAYS[ist.getUTCDay()]!,
    month: MONTHS[(month + 11) % 12]!,
    quarter: `${['December', 'March', 'June', 'September'][Math.floor(month / 3)]!} quarter`,
    founded: String(ist.getUTCFullYear() - rng.int(2, 9)),
    pct: kind.follows === 'index' ? market.pct : kind.follows === 'oil' ? market.oilPct : rng.float(0.2, 2.8, 1).toFixed(1),
    pct2: rng.float(0.1, 3.5, 1).toFixed(1),
    bigPct: String(rng.int(4, 38)),
    amount: crore(amount),
    amount2: crore(amount * rng.int(3, 9)),
    points: kind.follows === 'index' ? fmt(market.points) : String(rng.int(40, 780)),
    level: fmt(level),
    rangeLow: nearLevel(-rng.int(300, 900)),
    rangeHigh: nearLevel(rng.int(300, 900)),
    rupee: rupee.toFixed(2),
    rupeeLow: (rupee - rng.float(0.2, 0.6, 2)).toFixed(2),
    rupeeHigh: (rupee + rng.float(0.2, 0.6, 2)).toFixed(2),
    rupeeMove: market.paise === 0 ? 'unchanged from' : `${market.paise} paise ${market.rupeeWeaker ? 'weaker than' : 'stronger than'}`,
    rupeeHead: market.rupeeWeaker ? 'weakens' : 'firms',
    yield: market.bondYield.toFixed(2),
    yieldHigher: market.bps >= 0 ? 'higher' : 'lower',
    yieldMove:
      market.bps === 0
        ? 'unchanged'
        : `${market.bps > 0 ? 'up' : 'down'} ${Math.abs(market.bps)} basis point${Math.abs(market.bps) === 1 ? '' : 's'}`,
    vote: market.vote,
    infl: market.inflation,
    gdp: market.growth,
    usd: usd.toFixed(1),
    usd2: (usd + rng.float(12, 30, 1) * size.dollars).toFixed(1),
    cad: rng.float(0.6, 2.6, 1).toFixed(1),
    oil: market.oil.toFixed(1),
    rain: String(rng.int(3, 19)),
    acres: String(rng.int(4, 95)),
    price: fmt(price),
    target: fmt(Math.round(price * (up ? rng.float(1.1, 1.4, 2) : rng.float(0.85, 1.05, 2)))),
    rating: up ? rng.pick(['buy', 'add']) : rng.pick(['hold', 'reduce']),
    pe: String(rng.int(12, 58)),
    margin: margin.toFixed(1),
    margin2: Math.max(4, margin + rng.float(-2, 2, 1)).toFixed(1),
    marginLow: (margin - rng.float(1.5, 5, 1)).toFixed(1),
    utilisation: String(rng.int(66, 79)),
    dividend: String(rng.int(2, 25)),
    months: String(rng.int(6, 24)),
    days: String(rng.pick([21, 30, 45])),
    hours: String(rng.int(3, 9)),
    times: rng.float(1.6, 64, 1).toFixed(1),
    count: String(rng.int(3, 14)),
    jobs: fmt(rng.int(16, 240) * 50),
    usdm: String(Math.max(1, Math.round(rng.int(4, 180) * size.dollars))),
  };
}

/** Fills `{key}` placeholders; `{Key}` capitalises. Throws on an unknown key, so no template text leaks. */
export function fill(template: string, context: StoryContext): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const direct = context[key];
    if (direct !== undefined) return direct;
    const lower = context[key.charAt(0).toLowerCase() + key.slice(1)];
    if (lower === undefined || key.charAt(0) === key.charAt(0).toLowerCase()) {
      throw new Error(`demo template uses unknown placeholder {${key}}`);
    }
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  });
}
