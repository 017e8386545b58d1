/**
 * What a bench asks a running StrataKV server about itself over RESP (INFO sections, CONFIG GET),
 * the memory budget of the beyond-RAM target, waiting for its background work to settle, and
 * the size of its data directory's tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULTS } from '../../src/engine/options.js';
import { readCpuSeconds } from './proc-stats.js';

const MIB = 1024 * 1024;
/** The beyond-RAM target (DESIGN.md section 5): RSS < block cache + memtable + this. */
export const RSS_HEADROOM_BYTES = 150 * MIB;
/** Settled = no compaction running, no memtable waiting, and the server under 5% of a core, this many seconds in a row. */
const QUIET_SECONDS = 3;
const QUIET_CPU_SHARE = 0.05;

export function connectClient(port: number): Redis {
  // No reconnecting: a server that went away is a failed run, not something to wait out.
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
}

/** `field:value` lines of one INFO section. */
export async function info(redis: Redis, section: string): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const line of (await redis.info(section)).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export function numberField(fields: Map<string, string>, name: string): number {
  const value = Number(fields.get(name));
  if (!Number.isFinite(value)) throw new Error(`INFO has no numeric ${name}`);
  return value;
}

/** `level0 files=3,bytes=123, level1 ...` from INFO storage. */
export function describeLevels(storage: Map<string, string>): string {
  return [...storage].filter(([name]) => /^level\d+$/.test(name)).map(([name, value]) => `${name} ${value}`).join(', ');
}

export async function configBytes(redis: Redis, name: string): Promise<number> {
  const reply = (await redis.config('GET', name)) as string[];
  const value = Number(reply[1]);
  if (!Number.isFinite(value)) throw new Error(`CONFIG GET ${name} answered ${JSON.stringify(reply)}`);
  return value;
}

export interface RssBudget {
  readonly cacheBytes: number;
  readonly memtableBytes: number;
  /** block cache + memtable + 150 MiB. */
  readonly budget: number;
  /** While writes go on, up to maxImmutableMemtables full memtables may also wait for their flush. */
  readonly writingBudget: number;
}

/** The beyond-RAM budget of the server's own configuration. */
export async function rssBudget(redis: Redis): Promise<RssBudget> {
  const cacheBytes = await configBytes(redis, 'block-cache-size');
  const memtableBytes = await configBytes(redis, 'memtable-size');
  const budget = cacheBytes + memtableBytes + RSS_HEADROOM_BYTES;
  return { cacheBytes, memtableBytes, budget, writingBudget: budget + DEFAULTS.maxImmutableMemtables * memtableBytes };
}

/**
 * Waits until the engine has no background work left (no compaction running, no memtable waiting,
 * the process under 5% of a core for 3 s in a row) or `maxSeconds` passed; returns the seconds
 * waited and whether it settled.
 */
export async function settle(pid: number, redis: Redis, maxSeconds: number, progress: (line: string) => void): Promise<{ seconds: number; settled: boolean }> {
  const started = performance.now();
  let quiet = 0;
  let cpuBefore = readCpuSeconds(pid);
  let lastReport = started;
  while (quiet < QUIET_SECONDS && performance.now() - started < maxSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cpu = readCpuSeconds(pid);
    const busy = cpu - cpuBefore;
    cpuBefore = cpu;
    const storage = await info(redis, 'storage');
    const idle = numberField(storage, 'compactions_running') === 0 && numberField(storage, 'immutable_memtables') === 0 && busy < QUIET_CPU_SHARE;
    quiet = idle ? quiet + 1 : 0;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      progress(`settling: ${numberField(storage, 'compactions')} compactions so far, server CPU ${(busy * 100).toFixed(0)}%; ${describeLevels(storage)}`);
    }
  }
  const settled = quiet >= QUIET_SECONDS;
  if (!settled) progress(`still busy after ${maxSeconds} s; measuring anyway`);
  return { seconds: (performance.now() - started) / 1000, settled };
}

/** Total size of the SSTables (`*.sst`) directly in a data directory. */
export function tableBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.sst')) continue;
    try {
      total += fs.statSync(path.join(dir, name)).size;
    } catch {
      // Deleted by a compaction between the listing and the stat.
    }
  }
  return total;
}
