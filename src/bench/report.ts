/**
 * Turns measurements into the printed report: a Markdown table (pasteable into
 * docs/benchmarks.md) and PASS/FAIL lines against the targets (docs/benchmarks.md#targets).
 */
import type { LoadResult } from './load.js';
import type { Scenario } from './scenarios.js';

/** The targets in docs/benchmarks.md#targets that this benchmark measures. */
export const TARGETS = {
  /** App throughput over bare-server throughput, for the returning reader inside the meter (b). */
  minRatio: 0.5,
  ratioScenario: 'b' as Scenario['key'],
  maxP99Ms: 25,
  maxRssMb: 512,
};

export interface ScenarioMeasurement {
  scenario: Scenario;
  app: LoadResult;
  bare: LoadResult;
  /** Peak RSS of the app process while this scenario ran (warm-up included), MiB. */
  appPeakRssMb: number;
  /** Share of the machine's CPU other processes used meanwhile (0–1), null if unknown. */
  otherCpu: number | null;
}

/** Above this share of CPU taken by other processes, a scenario's figures are flagged as unreliable. */
const NOISY_NEIGHBOURS = 0.1;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Errors the app made in a run: connection errors, timeouts and non-2xx answers. */
export function appFailures(m: ScenarioMeasurement): number {
  return m.app.errors + m.app.non2xx;
}

/** Markdown table: two rows per scenario (app, bare), ratio and RSS on the app row. */
export function table(measurements: ScenarioMeasurement[]): string {
  const rows = [
    '| Scenario | Server | req/s | p50 ms | p99 ms | app/bare | errors + non-2xx | peak RSS (app) | other CPU |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const m of measurements) {
    const label = `(${m.scenario.key}) ${m.scenario.name}, ${fmt(m.scenario.body.length / 1024, 1)} KB`;
    rows.push(
      `| ${label} | app | ${fmt(m.app.rps)} | ${m.app.p50Ms} | ${m.app.p99Ms} | ${fmt(m.app.rps / m.bare.rps, 2)} | ${appFailures(m)} | ${fmt(m.appPeakRssMb)} MB | ${m.otherCpu === null ? '?' : `${fmt(m.otherCpu * 100)}%`} |`,
      `| | bare http | ${fmt(m.bare.rps)} | ${m.bare.p50Ms} | ${m.bare.p99Ms} | | ${m.bare.errors + m.bare.non2xx} | | |`,
    );
  }
  return rows.join('\n');
}

export interface Verdict {
  label: string;
  /** PASS/FAIL against a target; ERROR when the app failed requests; WARN when the machine was busy. */
  status: 'PASS' | 'FAIL' | 'ERROR' | 'WARN';
  detail: string;
}

const passFail = (ok: boolean): Verdict['status'] => (ok ? 'PASS' : 'FAIL');

/** One line per target, then an ERROR line per scenario in which the app failed requests and a WARN line per busy one. */
export function verdicts(measurements: ScenarioMeasurement[], peakRssMb: number): Verdict[] {
  const out: Verdict[] = [];
  const ratioRun = measurements.find((m) => m.scenario.key === TARGETS.ratioScenario);
  if (ratioRun) {
    const ratio = ratioRun.app.rps / ratioRun.bare.rps;
    out.push({
      label: `throughput (${ratioRun.scenario.key}) app/bare ≥ ${TARGETS.minRatio}`,
      status: passFail(ratio >= TARGETS.minRatio),
      detail: `${fmt(ratio, 2)} (${fmt(ratioRun.app.rps)} vs ${fmt(ratioRun.bare.rps)} req/s)`,
    });
  }
  for (const m of measurements) {
    out.push({
      label: `p99 (${m.scenario.key}) < ${TARGETS.maxP99Ms} ms`,
      status: passFail(m.app.p99Ms < TARGETS.maxP99Ms),
      detail: `${m.app.p99Ms} ms`,
    });
  }
  out.push({ label: `peak RSS < ${TARGETS.maxRssMb} MB`, status: passFail(peakRssMb < TARGETS.maxRssMb), detail: `${fmt(peakRssMb)} MB` });
  for (const m of measurements) {
    const failures = appFailures(m);
    if (failures > 0) {
      const codes = Object.entries(m.app.statusCodes).filter(([code]) => !code.startsWith('2'));
      out.push({
        label: `app errors (${m.scenario.key})`,
        status: 'ERROR',
        detail:
          `${m.app.errors} connection errors/timeouts, ${m.app.non2xx} non-2xx ${codes.map(([c, n]) => `${c}×${n}`).join(' ')}`.trim(),
      });
    }
  }
  for (const m of measurements) {
    if (m.otherCpu !== null && m.otherCpu > NOISY_NEIGHBOURS) {
      out.push({
        label: `busy machine (${m.scenario.key})`,
        status: 'WARN',
        detail: `other processes used ${fmt(m.otherCpu * 100)}% of the CPU; rerun on a quiet machine before trusting these figures`,
      });
    }
  }
  return out;
}

export function formatVerdicts(list: Verdict[]): string {
  return list.map((v) => `${v.status.padEnd(5)} ${v.label}: ${v.detail}`).join('\n');
}
