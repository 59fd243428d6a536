import { createRng } from './prng.js';

/**
 * The demo's markets and economy as one series over time, so every story agrees with every other: the index,
 * the rupee, the bond yield and crude have one close per trading day (a weekend story quotes Friday's), each
 * day's move is that close against the day before, inflation is one figure a month, growth one a quarter, and
 * the central bank's repo rate changes only at its meetings, every second month. Smooth waves plus a little
 * daily noise: figures wander like markets do, without a rupee at 76 and 83 in the same week.
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

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const indexClose = (d: number) => Math.round(21_500 + 2_600 * Math.sin(d / 170) + 700 * Math.sin(d / 29 + 2) + 90 * noise(d, 1));
const rupeeClose = (d: number) => round(83.4 + 1.3 * Math.sin(d / 110) + 0.5 * Math.sin(d / 19 + 1) + 0.06 * noise(d, 2), 2);
const yieldClose = (d: number) => round(7.05 + 0.35 * Math.sin(d / 130) + 0.08 * Math.sin(d / 13) + 0.015 * noise(d, 3), 2);
const oilClose = (d: number) => round(82 + 11 * Math.sin(d / 65 + 4) + 3 * Math.sin(d / 9) + 0.8 * noise(d, 4), 1);

/** The repo rate set at policy meeting `m` (meetings every second month): quarter-point steps, 5.50% to 7.00%. */
const repoAt = (m: number) => 6.25 + 0.25 * Math.max(-3, Math.min(3, Math.round(2.4 * Math.sin(m / 3) + 0.6 * noise(m, 5))));

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
    inflation: (4.9 + 1.1 * Math.sin(month / 5) + 0.2 * noise(month, 6)).toFixed(1),
    growth: (6.9 + 0.7 * Math.sin(quarter / 3) + 0.2 * noise(quarter, 7)).toFixed(1),
    repo,
    previousRepo: repoAt(meeting - 1),
    vote: ['6-0', '5-1', '4-2'][Math.floor(((noise(meeting, 8) + 1) / 2) * 3)]!,
  };
}
