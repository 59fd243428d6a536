import { describe, expect, it } from 'vitest';
import { holdHeapGrowth } from './server-memory.js';

function flagsSet(execArgv: string[], nodeOptions: string): string[] {
  const set: string[] = [];
  holdHeapGrowth(execArgv, nodeOptions, (flags) => set.push(flags));
  return set;
}

describe('holdHeapGrowth', () => {
  it('lets the heap grow to twice what the last full collection kept when the operator chose nothing', () => {
    expect(flagsSet([], '')).toEqual(['--heap-growing-percent=100']);
    expect(flagsSet(['--enable-source-maps'], '--trace-warnings')).toEqual(['--heap-growing-percent=100']);
  });

  it('keeps out of a heap the operator sized, on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(flagsSet(['--max-old-space-size=384'], '')).toEqual([]);
    expect(flagsSet([], '--enable-source-maps --max_old_space_size=1024')).toEqual([]);
    expect(flagsSet(['--max-heap-size=600'], '')).toEqual([]);
    expect(flagsSet(['--heap-growing-percent=50'], '')).toEqual([]);
  });
});
