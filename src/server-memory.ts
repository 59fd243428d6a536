import { setFlagsFromString } from 'node:v8';

/**
 * How far a server's heap may grow past what V8's last full collection kept, in percent. V8's own choice on a machine
 * with plenty of memory lets garbage pile up toward a ceiling of gigabytes before it collects: under the benchmark's
 * load the server's RSS reached 540–600 MB with a live heap of ~55 MB (docs/benchmarks.md).
 */
export const HEAP_GROWTH_PERCENT = 100;

/** Node or V8 options that size the heap: an operator who names one has chosen, and the server keeps out of it. */
const HEAP_OPTION = /--(max[-_]old[-_]space[-_]size|max[-_]heap[-_]size|heap[-_]growing[-_]percent)\b/;

/**
 * For a server process, before it starts: the heap grows to twice what the last full collection kept, then collects
 * again, unless Node's command line or NODE_OPTIONS names a heap option. V8 reads this setting at every full
 * collection, so it takes effect after start, where a heap ceiling (`--max-old-space-size`) could not.
 */
export function holdHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if ([...execArgv, nodeOptions].some((option) => HEAP_OPTION.test(option))) return;
  setFlags(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
}
