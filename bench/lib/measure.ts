/** Timing, memory and disk measurements shared by the benchmark modes. */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A full garbage collection before each timed run, so neither side pays for the garbage the other
 * (or the previous run) left behind. Enabled at runtime because the npm script starts node plainly.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  collect();
}

export interface Timing<T> {
  readonly seconds: number;
  /** CPU time of the whole process (all threads) meanwhile; far below `seconds` means waiting on I/O or on other processes. */
  readonly cpuSeconds: number;
  readonly result: T;
}

/** Runs `work` after a GC and returns its wall time in seconds together with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<Timing<T>> {
  collectGarbage();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, result };
}

/**
 * Waits until the process (all its threads: LevelDB's background thread, StrataKV's compaction
 * worker, libuv's pool) has used under 5% of one core for two consecutive half-second windows,
 * or `maxSeconds` passed. Used before read benchmarks so one engine's leftover compaction work is
 * not billed to, or hidden from, the reads. Returns the seconds waited.
 */
export async function waitForIdle(maxSeconds: number): Promise<number> {
  const windowMs = 500;
  const started = Date.now();
  let quiet = 0;
  while (quiet < 2 && Date.now() - started < maxSeconds * 1000) {
    const before = process.cpuUsage();
    await sleep(windowMs);
    const used = process.cpuUsage(before);
    const busyMs = (used.user + used.system) / 1000;
    quiet = busyMs < windowMs * 0.05 ? quiet + 1 : 0;
  }
  return (Date.now() - started) / 1000;
}

/**
 * Resident memory split the way Linux accounts it: anonymous (heap, native allocations: what the
 * engine itself holds) and file-backed (mmap'd files, e.g. LevelDB's tables; reclaimable page
 * cache). Zero for the parts this platform does not report.
 */
export interface Resident {
  readonly rss: number;
  readonly anon: number;
  readonly file: number;
}

function statusKib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

export function resident(): Resident {
  const rss = process.memoryUsage.rss();
  let status = '';
  try {
    status = fs.readFileSync('/proc/self/status', 'latin1');
  } catch {
    return { rss, anon: 0, file: 0 };
  }
  return { rss, anon: statusKib(status, 'RssAnon'), file: statusKib(status, 'RssFile') + statusKib(status, 'RssShmem') };
}

/** The largest RSS (and anonymous RSS) seen by `sample()` since construction or the last `reset()`. */
export class RssSampler {
  peak = 0;
  peakAnon = 0;
  private timer: NodeJS.Timeout | null = null;

  /** Samples every `intervalMs` on a timer too (catches growth during awaits). */
  start(intervalMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  sample(): void {
    const now = resident();
    if (now.rss > this.peak) this.peak = now.rss;
    if (now.anon > this.peakAnon) this.peakAnon = now.anon;
  }

  reset(): void {
    this.peak = 0;
    this.peakAnon = 0;
  }
}

/** Where the JavaScript side of the memory is: live V8 heap and the bytes held by Buffers. */
export function describeJsMemory(): string {
  const m = process.memoryUsage();
  return `V8 heap ${mib(m.heapUsed)} MiB used of ${mib(m.heapTotal)}, Buffers/ArrayBuffers ${mib(m.arrayBuffers)} MiB, other external ${mib(m.external - m.arrayBuffers)} MiB`;
}

/** Total size of the regular files under `dir`; a file deleted meanwhile (by a live server's compaction) counts 0. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(full);
    else if (entry.isFile()) total += fs.statSync(full, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

export const MIB = 1024 * 1024;

export function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
