import { createRng } from './prng.js';

/**
 * The demo's markets and economy as one series over time, so every story agrees with every other: the index,
 * the rupee, the bond yield and crude have one close per trading day (a weekend story quotes Friday's), each
 * day's move is that close against the day before, inflation is one figure a month, growth one a quarter, and
 * the central bank's repo rate changes only at its meetings, every second month. Smooth waves plus a little
 * daily noise: figures wander like markets do, without a rupee at 76 and 83 in the same week.
 *
 * The waves ride on each year's level (`ERA`), so an archive story from 1998 quotes the rupee near 41 to the dollar
 * and Brent near $13, not today's figures. The invented Setu 50 index grows about 7% a year.
 */

export interface MarketDay {
  /** Setu 50 close, and its move on the day (points; percentage to one decimal). */
  level: number;
  points: number;
  pct: string;
  indexUp: boolean;
  /** Rupees to the dollar (2 decimals), and the move in paise (a higher number is a weaker rupee). */
  rupee: number;
  paise: number;
  rupeeWeaker: boolean;
  /** 10-year government bond yield (%), and its move in basis points. */
  bondYield: number;
  bps: number;
  /** Brent crude, dollars a barrel, and its move. */
  oil: number;
  oilPct: string;
  oilUp: boolean;
  /** Retail inflation (% a year) of the month, growth (%) of the quarter. */
  inflation: string;
  growth: string;
  /** The repo rate set at the latest policy meeting, the one before it, and the committee's vote. */
  repo: number;
  previousRepo: number;
  vote: string;
}

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 5.5 * 3_600_000;

/** A fixed number in [-1, 1) for a day (or month, or meeting) and a series: the noise of that series on that day. */
function noise(index: number, series: number): number {
  return createRng(index * 7919 + series * 104_729).next() * 2 - 1;
}

/** The trading day of a moment: its IST calendar day, Saturday and Sunday counted as the Friday before. */
function tradingDay(at: Date): number {
  const day = Math.floor((at.getTime() + IST_OFFSET_MS) / DAY_MS);
  const weekday = (day + 4) % 7; // day 0 (1 January 1970) was a Thursday
  return weekday === 6 ? day - 1 : weekday === 0 ? day - 2 : day;
}

/** The trading day before `day`. */
function previousTradingDay(day: number): number {
  const weekday = (day + 4) % 7;
  return weekday === 1 ? day - 3 : day - 1;
}

/**
 * Rough annual averages, 1997 to 2025, rounded from public series: rupees to the dollar (RBI reference rate), Brent
 * (dollars a barrel), India's 10-year government bond yield and policy rate (RBI's Handbook of Statistics on the
 * Indian Economy), retail inflation (CPI). Approximate by design: the demo's figures wander around them. Years after
 * the last hold its level.
 */
const ERA_FIRST_YEAR = 1997;
// prettier-ignore
const ERA = {
  rupee: [36.3, 41.3, 43.1, 45.0, 47.2, 48.6, 46.6, 45.3, 44.1, 45.3, 41.3, 43.5, 48.4, 45.7, 46.7, 53.4, 58.6, 61.0, 64.2, 67.2, 65.1, 68.4, 70.4, 74.1, 73.9, 78.6, 82.6, 83.7, 86.9],
  brent: [19.1, 12.8, 17.9, 28.5, 24.4, 25.0, 28.8, 38.3, 54.5, 65.1, 72.4, 97.0, 61.7, 79.5, 111.3, 111.7, 108.7, 99.0, 52.4, 43.7, 54.2, 71.3, 64.3, 41.8, 70.9, 99.0, 82.5, 80.5, 69.0],
  bondYield: [12.0, 11.9, 11.2, 10.9, 9.4, 7.4, 5.8, 5.8, 7.1, 7.6, 7.9, 7.6, 7.1, 7.8, 8.4, 8.3, 8.2, 8.4, 7.8, 7.2, 6.8, 7.7, 7.0, 6.0, 6.2, 7.3, 7.2, 7.0, 6.4],
  policyRate: [9.5, 9.5, 8.0, 7.5, 6.75, 6.0, 6.0, 6.0, 6.25, 7.0, 7.75, 8.0, 4.75, 5.75, 8.0, 8.0, 7.5, 8.0, 7.0, 6.5, 6.0, 6.4, 5.5, 4.25, 4.0, 5.5, 6.5, 6.5, 5.75],
  inflation: [7.2, 13.2, 4.7, 4.0, 3.8, 4.3, 3.8, 3.8, 4.2, 5.8, 6.4, 8.3, 10.9, 12.0, 8.9, 9.3, 10.9, 6.4, 4.9, 4.5, 3.6, 3.4, 4.8, 6.2, 5.5, 6.7, 5.4, 4.9, 2.5],
};

/** A series' level on day `d`: its annual figures placed at mid-year and joined by straight lines. */
function eraLevel(series: readonly number[], d: number): number {
  const years = (d - Date.UTC(ERA_FIRST_YEAR, 6, 2) / DAY_MS) / 365.25;
  const i = Math.max(0, Math.min(series.length - 1, Math.floor(years)));
  const next = Math.min(series.length - 1, i + 1);
  const share = Math.max(0, Math.min(1, years - i));
  return series[i]! + (series[next]! - series[i]!) * share;
}

/** The invented index's level around which it wanders: about 21,500 in mid-2024, growing 7% a year. */
const indexTrend = (d: number) => 21_500 * Math.exp((0.07 * (d - Date.UTC(2024, 6, 2) / DAY_MS)) / 365.25);

/**
 * The economy's size in money at `at` against mid-2025's, for sums a story draws (deals, exports, funding rounds):
 * rupee sums grow about 11% a year, as India's GDP in rupees did from 1997 (about ₹15 lakh crore) to 2025 (about
 * ₹330 lakh crore); dollar sums about 8.5%.
 */
export function nominalSize(at: Date): { rupees: number; dollars: number } {
  const years = (at.getTime() - Date.UTC(2025, 6, 2)) / (365.25 * DAY_MS);
  return { rupees: Math.exp(0.11 * years), dollars: Math.exp(0.085 * years) };
}

/** The first day of month `month` (counted from year 0), as a day number. */
const monthStart = (month: number) => Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS;

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const indexClose = (d: number) =>
  Math.round(indexTrend(d) * (1 + 0.12 * Math.sin(d / 170) + 0.033 * Math.sin(d / 29 + 2) + 0.004 * noise(d, 1)));
const rupeeClose = (d: number) =>
  round(eraLevel(ERA.rupee, d) * (1 + 0.016 * Math.sin(d / 110) + 0.006 * Math.sin(d / 19 + 1)) + 0.06 * noise(d, 2), 2);
const yieldClose = (d: number) =>
  round(eraLevel(ERA.bondYield, d) + 0.35 * Math.sin(d / 130) + 0.08 * Math.sin(d / 13) + 0.015 * noise(d, 3), 2);
const oilClose = (d: number) =>
  round(eraLevel(ERA.brent, d) * (1 + 0.13 * Math.sin(d / 65 + 4) + 0.035 * Math.sin(d / 9) + 0.01 * noise(d, 4)), 1);

/** The repo rate set at policy meeting `m` (meetings every second month): the year's level ± half a point, in quarter-point steps. */
const repoAt = (m: number) =>
  Math.round((eraLevel(ERA.policyRate, monthStart(m * 2)) + 0.3 * Math.sin(m / 3) + 0.15 * noise(m, 5)) * 4) / 4;

/** Retail inflation (% a year) reported for `month`. */
const inflationIn = (month: number) =>
  Math.max(0.5, eraLevel(ERA.inflation, monthStart(month)) + 0.6 * Math.sin(month / 5) + 0.2 * noise(month, 6)).toFixed(1);

const percent = (now: number, before: number) => ((Math.abs(now - before) / before) * 100).toFixed(1);

/** Every figure of the demo's markets and economy at `at`. */
export function marketOn(at: Date): MarketDay {
  const day = tradingDay(at);
  const before = previousTradingDay(day);
  const ist = new Date(at.getTime() + IST_OFFSET_MS);
  const month = ist.getUTCFullYear() * 12 + ist.getUTCMonth();
  const quarter = Math.floor(month / 3);
  const meeting = Math.floor(month / 2);

  const level = indexClose(day);
  const previousLevel = indexClose(before);
  const rupee = rupeeClose(day);
  const previousRupee = rupeeClose(before);
  const bondYield = yieldClose(day);
  const oil = oilClose(day);
  const previousOil = oilClose(before);
  const repo = repoAt(meeting);
  return {
    level,
    points: Math.abs(level - previousLevel),
    pct: percent(level, previousLevel),
    indexUp: level >= previousLevel,
    rupee,
    paise: Math.round(Math.abs(rupee - previousRupee) * 100),
    rupeeWeaker: rupee > previousRupee,
    bondYield,
    bps: Math.round((bondYield - yieldClose(before)) * 100),
    oil,
    oilPct: percent(oil, previousOil),
    oilUp: oil >= previousOil,
    inflation: inflationIn(month),
    growth: (6.9 + 0.7 * Math.sin(quarter / 3) + 0.2 * noise(quarter, 7)).toFixed(1),
    repo,
    previousRepo: repoAt(meeting - 1),
    vote: ['6-0', '5-1', '4-2'][Math.floor(((noise(meeting, 8) + 1) / 2) * 3)]!,
  };
}
