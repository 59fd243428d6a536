/**
 * Watching processes and the machine from outside during the benchmark: the app's resident memory,
 * and how much CPU *other* processes took meanwhile (a shared machine's neighbours skew every figure,
 * so the report says when they were busy). Linux reads /proc; elsewhere RSS comes from `ps` and the
 * neighbour figure is unavailable.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Resident set size of a process in KiB: /proc on Linux, `ps` elsewhere; null once it is gone. */
async function readRssKb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]);
  } catch {
    // No /proc (macOS) or the process is gone: ask ps.
  }
  try {
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
    const kb = Number(stdout.trim());
    return Number.isFinite(kb) && kb > 0 ? kb : null;
  } catch {
    return null;
  }
}

/** The ids of a process's child processes (Linux; none elsewhere). */
async function childPids(pid: number): Promise<number[]> {
  try {
    return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * RSS in KiB of a process and its child processes together (the server and its render helper while one runs);
 * null once the process is gone.
 */
export async function readTreeRssKb(pid: number): Promise<number | null> {
  const own = await readRssKb(pid);
  if (own === null) return null;
  const children = await Promise.all((await childPids(pid)).map(readRssKb));
  return own + children.reduce<number>((sum, kb) => sum + (kb ?? 0), 0);
}

/**
 * Samples the RSS of a process and its children (`readTreeRssKb`) every `intervalMs` and keeps the peak, overall
 * and since the last `resetPhase()`.
 */
export class RssSampler {
  peakKb = 0;
  phasePeakKb = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    const sample = async () => {
      const kb = await readTreeRssKb(this.pid);
      if (kb === null) return;
      this.peakKb = Math.max(this.peakKb, kb);
      this.phasePeakKb = Math.max(this.phasePeakKb, kb);
    };
    void sample();
    this.timer = setInterval(() => void sample(), this.intervalMs);
  }

  /** Starts a new phase; returns the peak of the one that ended. */
  resetPhase(): number {
    const peak = this.phasePeakKb;
    this.phasePeakKb = 0;
    return peak;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Machine-wide CPU ticks from the first line of /proc/stat: all, and busy (user, nice, system, steal). */
async function machineTicks(): Promise<{ total: number; busy: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const fields = [user, nice, system, idle, iowait, irq, softirq, steal].map((n) => n ?? 0);
    return { total: fields.reduce((a, b) => a + b, 0), busy: fields[0]! + fields[1]! + fields[2]! + fields[7]! };
  } catch {
    return null;
  }
}

/** CPU ticks (user + system, all threads) a process has used; 0 when it cannot be read. */
async function processTicks(pid: number): Promise<number> {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Share of the machine's CPU that processes other than `pids` (and steal by the hypervisor) used
 * between `start()` and `stop()`, 0–1; null where /proc is unavailable. Processes are passed at stop
 * time too, since the bare server starts and ends within the window.
 */
export class NeighbourLoad {
  private machine: { total: number; busy: number } | null = null;
  private ours = 0;

  async start(pids: number[]): Promise<void> {
    this.machine = await machineTicks();
    this.ours = (await Promise.all(pids.map(processTicks))).reduce((a, b) => a + b, 0);
  }

  async stop(pids: number[]): Promise<number | null> {
    const end = await machineTicks();
    if (!this.machine || !end || end.total === this.machine.total) return null;
    const ours = (await Promise.all(pids.map(processTicks))).reduce((a, b) => a + b, 0) - this.ours;
    const others = end.busy - this.machine.busy - ours;
    return Math.max(0, others / (end.total - this.machine.total));
  }
}
