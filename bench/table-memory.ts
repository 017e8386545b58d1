/**
 * What open tables cost in memory: opens every table of a data directory (a server's `dir`, or a
 * `bench:beyond-ram --dir` kept after its run) with the engine's TableReader and reports the
 * V8 heap and ArrayBuffer bytes they add, after full garbage collections.
 *
 *   node --expose-gc dist/bench/table-memory.js --dir DIR [--mode resident|charged]
 *
 * resident: filters and indexes kept by the readers (cache-index-and-filter-blocks no);
 * charged: through a block cache (yes), where the readers keep only the partitions' top levels.
 */
import { Command } from 'commander';
import fs from 'node:fs';
import { BlockCache } from '../src/engine/cache/block-cache.js';
import { NodeEnv } from '../src/engine/env/node-env.js';
import { TableReader } from '../src/engine/sstable/table-reader.js';

const cli = new Command('table-memory')
  .description('Memory that open tables hold: filters and indexes, per table, per block, per key')
  .requiredOption('--dir <dir>', 'data directory holding NNNNNN.sst files')
  .option('--mode <mode>', 'resident | charged', 'resident')
  .parse()
  .opts<{ dir: string; mode: string }>();

if (cli.mode !== 'resident' && cli.mode !== 'charged') throw new Error(`--mode must be resident or charged, got ${cli.mode}`);
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');

interface Footprint {
  heap: number;
  arrayBuffers: number;
}

function footprint(gc: () => void): Footprint {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

const env = new NodeEnv();
const cache = new BlockCache(64 * 1024 * 1024);
const numbers = fs
  .readdirSync(cli.dir)
  .filter((name) => /^\d+\.sst$/.test(name))
  .map((name) => Number(name.slice(0, -4)));
const before = footprint(collect);
const readers = numbers.map((n) =>
  TableReader.open(env, cli.dir, n, cli.mode === 'charged' ? cache : null, { syncReads: true, cacheMeta: cli.mode === 'charged' }),
);
const after = footprint(collect);
let blocks = 0;
let entries = 0;
let bytes = 0;
let metaBytes = 0;
let resident = 0;
for (const r of readers) {
  blocks += r.dataBlockCount;
  entries += r.properties.entries;
  bytes += r.properties.size;
  metaBytes += r.metaBytes;
  resident += r.residentBytes;
}
const mib = (x: number): string => (x / 1048576).toFixed(2);
const heap = after.heap - before.heap;
const buffers = after.arrayBuffers - before.arrayBuffers;
process.stdout.write(
  `${readers.length} tables, ${mib(bytes)} MiB, ${entries} entries, ${blocks} data blocks; mode ${cli.mode}\n` +
    `filters + indexes: ${mib(metaBytes)} MiB (${(metaBytes / entries).toFixed(2)} bytes per entry)\n` +
    `held by the readers: ${mib(resident)} MiB by their own count; measured: V8 heap +${mib(heap)} MiB ` +
    `(${(heap / blocks).toFixed(1)} bytes per data block), ArrayBuffers +${mib(buffers)} MiB; block cache ${mib(cache.usageBytes)} MiB\n`,
);
for (const r of readers) r.close();
