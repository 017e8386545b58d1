/** Output: one JSON object per measurement on stdout as it is made, then a human table of ratios. */
import type { ImplName, Mode } from './target.js';
import { benchProgress } from './progress.js';

export interface Result {
  readonly bench: string;
  readonly impl: ImplName;
  readonly mode: Mode;
  readonly n: number;
  readonly opsPerSec: number;
}

export function printResult(r: Result): void {
  process.stdout.write(JSON.stringify({ bench: r.bench, impl: r.impl, mode: r.mode, n: r.n, ops_per_sec: Math.round(r.opsPerSec) }) + '\n');
}

const benchLines = benchProgress('bench');
/** Progress and diagnostics go to stderr so stdout stays the results. */
export const progress = benchLines.line;
/** A long step's state: one line updated in place on a terminal (see lib/progress.ts). */
export const progressUpdate = benchLines.update;

function formatRate(opsPerSec: number | undefined): string {
  if (opsPerSec === undefined) return '-';
  return Math.round(opsPerSec).toLocaleString('en-US');
}

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** Rows in the order measured; columns per engine and the ratio stratakv / classic-level. */
export function printTable(results: readonly Result[], benchOrder: readonly string[]): void {
  const rows: string[][] = [['bench', 'mode', 'stratakv ops/s', 'classic-level ops/s', 'stratakv/classic']];
  for (const bench of benchOrder) {
    for (const mode of ['single', 'batch'] as const) {
      const mine = results.find((r) => r.bench === bench && r.mode === mode && r.impl === 'stratakv');
      const theirs = results.find((r) => r.bench === bench && r.mode === mode && r.impl === 'classic-level');
      if (mine === undefined && theirs === undefined) continue;
      const ratio = mine !== undefined && theirs !== undefined ? (mine.opsPerSec / theirs.opsPerSec).toFixed(2) : '-';
      rows.push([bench, mode, formatRate(mine?.opsPerSec), formatRate(theirs?.opsPerSec), ratio]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => pad(cell, widths[c], c >= 2)).join('  ');
  process.stdout.write('\n' + line(rows[0]) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const row of rows.slice(1)) process.stdout.write(line(row) + '\n');
}

/** The median of each (bench, impl, mode) over several rounds, in first-measured order. */
export function medians(rounds: readonly (readonly Result[])[]): Result[] {
  const groups = new Map<string, Result[]>();
  for (const round of rounds) {
    for (const r of round) {
      const id = `${r.bench}/${r.impl}/${r.mode}`;
      let group = groups.get(id);
      if (group === undefined) groups.set(id, (group = []));
      group.push(r);
    }
  }
  return [...groups.values()].map((group) => {
    const rates = group.map((r) => r.opsPerSec).sort((a, b) => a - b);
    const mid = rates.length >> 1;
    const median = rates.length % 2 === 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    return { ...group[0], opsPerSec: median };
  });
}
