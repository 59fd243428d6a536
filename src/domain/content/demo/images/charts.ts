import { marketOn, type MarketDay } from '../market.js';
import { CANVAS, escapeXml, FONT_FAMILY, n, svgDocument } from './svg.js';

/**
 * Charts of the demo's own market and economy figures (market.ts): the same series the stories quote, so a chart
 * under a story about the rupee shows the close that story gives for its day.
 */

/** Which figure a chart shows. */
export type ChartKey = 'index' | 'rupee' | 'bond-yield' | 'crude' | 'inflation-repo' | 'growth';
export const CHART_KEYS: readonly ChartKey[] = ['index', 'rupee', 'bond-yield', 'crude', 'inflation-repo', 'growth'];

interface Point {
  label: string;
  value: number;
}

/** A chart's data and words: the title drawn in it, and the alt text and caption that go with it. */
export interface Chart {
  key: ChartKey;
  title: string;
  unit: string;
  points: Point[];
  /** Drawn as a step line over the bars (the repo rate over inflation). */
  steps?: Point[];
  kind: 'line' | 'bars';
  format: (value: number) => string;
  alt: string;
  caption: string;
  /** The first and last days of a daily chart: stories published in between report figures it shows. */
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 5.5 * 3_600_000;
/** Daily charts cover this many calendar days up to the seeding day: every recent demo story's day is on them. */
export const DAILY_WINDOW_DAYS = 32;

const indian = new Intl.NumberFormat('en-IN');
const dayLabel = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', timeZone: 'Asia/Kolkata' });
const longDay = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Kolkata' });
const monthLabel = new Intl.DateTimeFormat('en-IN', { month: 'short', timeZone: 'UTC' });
const longMonth = new Intl.DateTimeFormat('en-IN', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Noon in India on each weekday of the `days` calendar days up to `now`: one moment per trading day. */
function tradingDays(now: Date, days: number): Date[] {
  const today = Math.floor((now.getTime() + IST_OFFSET_MS) / DAY_MS);
  const out: Date[] = [];
  for (let day = today - days + 1; day <= today; day++) {
    const weekday = (day + 4) % 7; // day 0 (1 January 1970) was a Thursday
    if (weekday !== 0 && weekday !== 6) out.push(new Date(day * DAY_MS + 12 * 3_600_000 - IST_OFFSET_MS));
  }
  return out;
}

/** The middle of each of the `count` calendar months up to `now`'s (IST), oldest first. */
function months(now: Date, count: number): Date[] {
  const ist = new Date(now.getTime() + IST_OFFSET_MS);
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth() - (count - 1 - i), 15, 6)));
}

function daily(now: Date, key: ChartKey, pick: (m: MarketDay) => number) {
  const days = tradingDays(now, DAILY_WINDOW_DAYS);
  return { key, days, points: days.map((at) => ({ label: dayLabel.format(at), value: pick(marketOn(at)) })) };
}

/** Every chart of the demo as of `now` (deterministic: market.ts is). */
export function demoCharts(now: Date, publication: string): Chart[] {
  const source = `Figures: ${publication} markets data.`;
  const dailyChart = (
    key: ChartKey,
    pick: (m: MarketDay) => number,
    words: { title: string; unit: string; what: string; format: (v: number) => string },
  ): Chart => {
    const { days, points } = daily(now, key, pick);
    const from = days[0]!;
    const to = days.at(-1)!;
    const span = `${longDay.format(from)} to ${longDay.format(to)}`;
    return {
      key,
      title: words.title,
      unit: words.unit,
      points,
      kind: 'line',
      format: words.format,
      alt: `Line chart: ${words.what} on each trading day from ${span}, ending at ${words.format(points.at(-1)!.value)}.`,
      caption: `${words.what} on each trading day, ${span}. ${source}`,
      from,
      to,
    };
  };

  const monthly = months(now, 12);
  const quarters = Array.from({ length: 8 }, (_, i) => {
    const ist = new Date(now.getTime() + IST_OFFSET_MS);
    const q = Math.floor(ist.getUTCMonth() / 3) - (7 - i);
    return new Date(Date.UTC(ist.getUTCFullYear(), q * 3 + 1, 15, 6));
  });
  // Stories name a quarter's growth by the quarter just ended ("the September quarter"), as published figures are.
  const quarterName = (at: Date) => {
    const q = Math.floor(at.getUTCMonth() / 3);
    return `${['December', 'March', 'June', 'September'][q]!} ${at.getUTCFullYear() - (q === 0 ? 1 : 0)}`;
  };
  const quarterLabel = (at: Date) => {
    const [month, year] = quarterName(at).split(' ');
    return `${month!.slice(0, 3)} ${year!.slice(2)}`;
  };
  const first = monthly[0]!;
  const last = monthly.at(-1)!;
  const percent = (v: number) => `${v.toFixed(1)}%`;

  return [
    dailyChart('index', (m) => m.level, {
      title: 'Setu 50: daily close',
      unit: 'index points',
      what: 'The Setu 50 index’s closing level',
      format: (v) => indian.format(Math.round(v)),
    }),
    dailyChart('rupee', (m) => m.rupee, {
      title: 'Rupee against the dollar',
      unit: 'rupees to one US dollar (higher is a weaker rupee)',
      what: 'The rupee’s closing rate to the US dollar',
      format: (v) => `₹${v.toFixed(2)}`,
    }),
    dailyChart('bond-yield', (m) => m.bondYield, {
      title: '10-year government bond yield',
      unit: 'per cent a year',
      what: 'The 10-year government bond yield at the close',
      format: (v) => `${v.toFixed(2)}%`,
    }),
    dailyChart('crude', (m) => m.oil, {
      title: 'Brent crude',
      unit: 'US dollars a barrel',
      what: 'Brent crude’s price at the close',
      format: (v) => `$${v.toFixed(1)}`,
    }),
    {
      key: 'inflation-repo',
      title: 'Repo rate and inflation projection',
      unit: 'per cent',
      points: monthly.map((at) => ({ label: monthLabel.format(at), value: Number(marketOn(at).inflation) })),
      steps: monthly.map((at) => ({ label: monthLabel.format(at), value: marketOn(at).repo })),
      kind: 'bars',
      format: percent,
      alt: `Chart of the central bank’s repo rate as a line and its projection of retail inflation as bars, month by month from ${longMonth.format(first)} to ${longMonth.format(last)}; in ${longMonth.format(last)} the repo rate is ${marketOn(last).repo.toFixed(2)}% and the projection ${Number(marketOn(last).inflation).toFixed(1)}%.`,
      caption: `The central bank’s repo rate (line) and its projection of retail inflation for the financial year (bars), as they stood each month from ${longMonth.format(first)} to ${longMonth.format(last)}. ${source}`,
      from: new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1) - IST_OFFSET_MS),
      to: last,
    },
    {
      key: 'growth',
      title: 'Economic growth by quarter',
      unit: 'per cent, year on year; quarters named by their last month',
      points: quarters.map((at) => ({ label: quarterLabel(at), value: Number(marketOn(at).growth) })),
      kind: 'bars',
      format: percent,
      alt: `Bar chart of economic growth in each of the last eight quarters, ending with ${Number(marketOn(quarters.at(-1)!).growth).toFixed(1)}% in the ${quarterName(quarters.at(-1)!).replace(' ', ' quarter of ')}.`,
      caption: `Growth of the economy, year on year, in each of the eight quarters to the ${quarterName(quarters.at(-1)!).split(' ')[0]} quarter of ${quarterName(quarters.at(-1)!).split(' ')[1]}. ${source}`,
      from: new Date(Date.UTC(quarters[0]!.getUTCFullYear(), quarters[0]!.getUTCMonth() - 1, 1) - IST_OFFSET_MS),
      to: quarters.at(-1)!,
    },
  ];
}

/** A round step for about `ticks` gridlines across `range`. */
function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10) * power;
}

const PLOT = { left: 150, right: 1220, top: 170, bottom: 610 } as const;
const INK = '#1d2733';
const MUTED = '#5b6573';
const LINE = '#1d5c8c';
const BAR = '#3f7a4f';
const STEP = '#c8102e';

/** The chart as an SVG document `width` pixels wide: title, unit, gridlines with values, dated axis, the data. */
export function chartSvg(chart: Chart, width: number, publication: string): string {
  const values = [...chart.points, ...(chart.steps ?? [])].map((p) => p.value);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (chart.kind === 'bars') min = 0;
  const pad = (max - min) * 0.08 || 1;
  const step = niceStep(max - min + 2 * pad, 4);
  min = chart.kind === 'bars' ? 0 : Math.floor((min - pad) / step) * step;
  max = Math.ceil((max + pad) / step) * step;
  const y = (v: number) => PLOT.bottom - ((v - min) / (max - min)) * (PLOT.bottom - PLOT.top);
  const count = chart.points.length;
  const slot = (PLOT.right - PLOT.left) / count;
  const x = (i: number) =>
    chart.kind === 'bars' ? PLOT.left + slot * (i + 0.5) : PLOT.left + ((PLOT.right - PLOT.left) * i) / Math.max(1, count - 1);
  const decimals = Number.isInteger(step) ? 0 : step < 0.1 ? 2 : 1;

  const parts: string[] = [`<rect width="${CANVAS.width}" height="${CANVAS.height}" fill="#fbf8f2"/>`];
  parts.push(
    `<text x="60" y="78" font-family="${FONT_FAMILY}" font-size="42" font-weight="bold" fill="${INK}">${escapeXml(chart.title)}</text>`,
    `<text x="60" y="122" font-family="${FONT_FAMILY}" font-size="26" fill="${MUTED}">${escapeXml(chart.unit)}</text>`,
  );
  for (let v = min; v <= max + step / 1000; v += step) {
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="#d8d2c4" stroke-width="2"/>`,
      `<text x="${PLOT.left - 14}" y="${n(y(v) + 9)}" text-anchor="end" font-family="${FONT_FAMILY}" font-size="24" fill="${MUTED}">${escapeXml(
        decimals === 0 ? indian.format(Math.round(v)) : v.toFixed(decimals),
      )}</text>`,
    );
  }
  // About six dates along the axis, always the last.
  const every = Math.max(1, Math.ceil(count / 6));
  chart.points.forEach((p, i) => {
    if ((count - 1 - i) % every !== 0) return;
    parts.push(
      `<text x="${n(x(i))}" y="${PLOT.bottom + 40}" text-anchor="middle" font-family="${FONT_FAMILY}" font-size="24" fill="${MUTED}">${escapeXml(p.label)}</text>`,
    );
  });
  if (chart.kind === 'line') {
    const points = chart.points.map((p, i) => `${n(x(i))},${n(y(p.value))}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${LINE}" stroke-width="6" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  } else {
    chart.points.forEach((p, i) => {
      parts.push(
        `<rect x="${n(x(i) - slot * 0.32)}" y="${n(y(p.value))}" width="${n(slot * 0.64)}" height="${n(PLOT.bottom - y(p.value))}" fill="${BAR}"/>`,
      );
    });
    if (chart.steps) {
      const d = chart.steps
        .map((p, i) => `${i === 0 ? 'M' : 'H'}${n(PLOT.left + slot * i)}${i === 0 ? ` ${n(y(p.value))}` : ` V${n(y(p.value))}`}`)
        .join(' ');
      parts.push(
        `<path d="${d} H${PLOT.right}" fill="none" stroke="${STEP}" stroke-width="6"/>`,
        `<rect x="620" y="100" width="26" height="26" fill="${BAR}"/><text x="656" y="122" font-family="${FONT_FAMILY}" font-size="24" fill="${INK}">Inflation projection</text>`,
        `<line x1="930" x2="966" y1="113" y2="113" stroke="${STEP}" stroke-width="6"/><text x="976" y="122" font-family="${FONT_FAMILY}" font-size="24" fill="${INK}">Repo rate</text>`,
      );
    }
  }
  const last = chart.points.at(-1)!;
  const lx = x(count - 1);
  const ly = y(last.value);
  // The figure goes on the side of the point the line does not come from.
  const before = chart.points.at(-2);
  const fromAbove = chart.kind === 'line' && before !== undefined && y(before.value) < ly;
  parts.push(
    `<circle cx="${n(lx)}" cy="${n(ly)}" r="${chart.kind === 'line' ? 10 : 0}" fill="${LINE}"/>`,
    `<text x="${n(Math.min(lx, PLOT.right - 10))}" y="${n(fromAbove ? Math.min(ly + 50, PLOT.bottom - 10) : Math.max(ly - 22, PLOT.top - 6))}" text-anchor="end" font-family="${FONT_FAMILY}" font-size="30" font-weight="bold" fill="${INK}">${escapeXml(chart.format(last.value))}</text>`,
    `<text x="60" y="${CANVAS.height - 24}" font-family="${FONT_FAMILY}" font-size="22" fill="${MUTED}">${escapeXml(`${publication} data desk`)}</text>`,
  );
  return svgDocument(width, parts.join(''));
}
