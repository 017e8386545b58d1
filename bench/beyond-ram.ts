/**
 * Beyond RAM over RESP (issue 5, benchmark 3): a real StrataKV server with a 64 MiB block cache is
 * loaded with N keys (`key:%012d`, 100-byte values, each written exactly once, in a scattered
 * order) through pipelined SETs, then read back at random, then restarted. It reports:
 *   - the load rate, and the server's peak RSS (VmRSS / RssAnon sampled every 200 ms, and VmHWM)
 *     during the load and during the reads;
 *   - bytes on disk after the load and once compactions have settled, and write amplification
 *     (the engine's own, and bytes the process sent to the disk / user bytes, from /proc/PID/io);
 *   - GET rates over many pipelined connections: uniform over all N keys, Zipfian (theta 0.99,
 *     hot ranks scattered over the key space), and a small key set that fits the block cache,
 *     each with the block cache hit ratio from INFO storage;
 *   - the time from spawn to the first served GET after a SIGKILL and after a SIGTERM.
 * and checks the targets: RSS < block cache + memtable + 150 MiB, restart to first
 * command < 1 s, uniform GET >= 0.3 x in-cache GET. Every value read back is checked.
 *
 *   npm run bench:beyond-ram -- [--keys 20000000] [--dir DIR] [--read-seconds 20] [--server-env MALLOC_ARENA_MAX=2]
 *
 * JSON lines (one per phase) go to stdout with the final table; progress goes to stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Redis } from 'ioredis';
import { positiveInt } from './lib/cli.js';
import { benchProgress } from './lib/progress.js';
import {
  HOT_SET_FRACTION, LOAD_ORDER_FRACTION, MAX_KEYS, MIN_VALUE_SIZE, ScatterPermutation, ZIPF_SCRAMBLE_FRACTION, keyOf, valueOf, valueTemplate,
} from './lib/key-space.js';
import { directoryBytes } from './lib/measure.js';
import { GetDriver, loadKeys, type PipelineShape } from './lib/pipelined-resp.js';
import { MemorySampler, ioSince, readIo, readMemory, type MemoryPeaks, type ProcIo } from './lib/proc-stats.js';
import { formatTable, freePort, machineDescription } from './lib/resp-targets.js';
import { Rng, deriveSeed } from './lib/rng.js';
import { ServerProcess, type ServerLaunch } from './lib/server-process.js';
import { connectClient, info, numberField, rssBudget, settle } from './lib/server-info.js';
import { DEFAULT_THETA, ZipfianGenerator } from './lib/zipf.js';

const MIB = 1024 * 1024;
/** The targets of issue 5 (the RSS one: lib/server-info.ts rssBudget). */
const RESTART_TARGET_MS = 1000;
const UNIFORM_TO_CACHED_TARGET = 0.3;
/** Keys whose values are read back and compared byte for byte after the load and each restart. */
const VERIFY_SAMPLE = 2000;
const READY_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 30_000;

function keyValuePair(text: string, previous: Record<string, string>): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected NAME=VALUE');
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

function collect(text: string, previous: string[]): string[] {
  return [...previous, text];
}

function theta(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError('expected a number between 0 and 1 (exclusive)');
  return value;
}

const program = new Command('beyond-ram')
  .description('Load N keys into a StrataKV server through RESP with a small block cache, read them back at random, restart it; RSS, disk, write amplification, GET rates, restart times')
  .option('--keys <n>', `keys to load (at most ${MAX_KEYS})`, positiveInt, 20_000_000)
  .option('--value-size <n>', `value bytes (at least ${MIN_VALUE_SIZE})`, positiveInt, 100)
  .option('--dir <dir>', 'data directory to use and keep; must be empty or missing (default: a temp dir, removed)')
  .option('--block-cache-size <size>', 'the server\'s block-cache-size', '64mb')
  .option('--memtable-size <size>', 'the server\'s memtable-size (default: the server\'s default)')
  .option('--cache-index-and-filter-blocks <yes|no>', 'the server\'s cache-index-and-filter-blocks (default: the server\'s default)')
  .option('--load-connections <n>', 'pipelined connections for the load', positiveInt, 16)
  .option('--load-window <n>', 'SETs in flight per load connection', positiveInt, 1024)
  .option('--load-batch <n>', 'SETs per socket write', positiveInt, 128)
  .option('--read-connections <n>', 'pipelined connections for the GET phases', positiveInt, 32)
  .option('--read-window <n>', 'GETs in flight per connection', positiveInt, 64)
  .option('--read-batch <n>', 'GETs per socket write', positiveInt, 16)
  .option('--read-seconds <s>', 'measured seconds per GET phase', positiveInt, 20)
  .option('--warmup-seconds <s>', 'unmeasured seconds before each GET phase', positiveInt, 3)
  .option('--hot-keys <n>', 'size of the in-cache key set (its blocks must fit the block cache)', positiveInt, 5000)
  .option('--theta <x>', 'Zipfian skew', theta, DEFAULT_THETA)
  .option('--settle-seconds <s>', 'longest wait for compactions to settle after the load', positiveInt, 1800)
  .option('--sample-ms <ms>', 'RSS sampling interval', positiveInt, 200)
  .option('--seed <n>', 'seed of the random key choices', positiveInt, 1)
  .option('--server-env <NAME=VALUE>', 'environment variable for the server (repeatable), e.g. MALLOC_ARENA_MAX=2', keyValuePair, {})
  .option('--server-node-arg <flag>', 'flag for the server\'s node (repeatable), e.g. --max-semi-space-size=4', collect, [])
  .parse();

interface CliOptions {
  keys: number;
  valueSize: number;
  dir?: string;
  blockCacheSize: string;
  memtableSize?: string;
  cacheIndexAndFilterBlocks?: string;
  loadConnections: number;
  loadWindow: number;
  loadBatch: number;
  readConnections: number;
  readWindow: number;
  readBatch: number;
  readSeconds: number;
  warmupSeconds: number;
  hotKeys: number;
  theta: number;
  settleSeconds: number;
  sampleMs: number;
  seed: number;
  serverEnv: Record<string, string>;
  serverNodeArg: string[];
}
const cli = program.opts<CliOptions>();
if (cli.keys > MAX_KEYS) program.error(`error: --keys must be at most ${MAX_KEYS}`);
if (cli.keys < 2) program.error('error: --keys must be at least 2 (the Zipfian phase needs two keys)');
if (cli.valueSize < MIN_VALUE_SIZE) program.error(`error: --value-size must be at least ${MIN_VALUE_SIZE}`);
if (cli.loadBatch > cli.loadWindow || cli.readBatch > cli.readWindow) program.error('error: a batch must not be larger than its window');
if (cli.dir !== undefined && fs.existsSync(cli.dir) && fs.readdirSync(cli.dir).length > 0) {
  program.error(`error: --dir ${cli.dir} is not empty (the bench writes every key exactly once into a fresh directory)`);
}

const { line: progress, update: progressUpdate } = benchProgress('beyond-ram');
const emit = (record: Record<string, unknown>): void => {
  process.stdout.write(JSON.stringify({ bench: 'beyond-ram', ...record }) + '\n');
};
const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
const percent = (share: number | null): string => (share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`);
const ratio = (share: number | null): number | null => (share === null ? null : Number(share.toFixed(4)));
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The server and what we ask it

const ownDir = cli.dir === undefined;
const dataDir = cli.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-beyond-ram-'));
fs.mkdirSync(dataDir, { recursive: true });
if (ownDir) process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The exit hooks (server-process.ts, the temp dir above) do the cleaning up.
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}

const loadOrder = new ScatterPermutation(cli.keys, LOAD_ORDER_FRACTION);
const template = valueTemplate(cli.valueSize);
/** The last key written: after a crash it is the one most likely still only in the WAL. */
const lastLoadedIndex = loadOrder.at(cli.keys - 1);
const probeGet = Buffer.from(`*2\r\n$3\r\nGET\r\n$${keyOf(lastLoadedIndex).length}\r\n${keyOf(lastLoadedIndex)}\r\n`, 'latin1');

async function launch(port: number): Promise<{ server: ServerProcess; readyMs: number }> {
  const directives = ['--appendfsync', 'everysec', '--block-cache-size', cli.blockCacheSize];
  if (cli.memtableSize !== undefined) directives.push('--memtable-size', cli.memtableSize);
  if (cli.cacheIndexAndFilterBlocks !== undefined) directives.push('--cache-index-and-filter-blocks', cli.cacheIndexAndFilterBlocks);
  const spec: ServerLaunch = { port, dir: dataDir, directives, nodeArgs: cli.serverNodeArg, env: cli.serverEnv, readyTimeoutMs: READY_TIMEOUT_MS };
  const { server, readyMs, reply } = await ServerProcess.start(spec, probeGet);
  const expected = `$${cli.valueSize}\r\n`;
  // The first start answers nil (nothing loaded yet); after a restart the last key must be there.
  if (reply.toString('latin1') !== expected && reply.toString('latin1') !== '$-1\r\n') {
    throw new Error(`the first GET was answered ${JSON.stringify(reply.toString('latin1'))}`);
  }
  return { server, readyMs };
}

/** The main isolate's memory as the server sees it (INFO memory), next to the kernel's view. */
interface MemorySplit {
  readonly rss: number;
  readonly anon: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
}

async function memorySplit(redis: Redis, pid: number): Promise<MemorySplit> {
  const fields = await info(redis, 'memory');
  const kernel = readMemory(pid);
  return {
    rss: kernel.rss,
    anon: kernel.anon,
    heapTotal: numberField(fields, 'used_memory_heap_total'),
    heapUsed: numberField(fields, 'used_memory_heap'),
    external: numberField(fields, 'used_memory_external'),
  };
}

function describeSplit(split: MemorySplit): string {
  const rest = split.anon - split.heapTotal - split.external;
  return `RSS ${mib(split.rss)} MiB, anonymous ${mib(split.anon)} = main V8 heap ${mib(split.heapTotal)} (${mib(split.heapUsed)} used) + ` +
    `external/Buffers ${mib(split.external)} + the rest ${mib(rest)} (compaction worker isolate, malloc, code)`;
}

/** Checks DBSIZE and a sample of values byte for byte. */
async function verify(redis: Redis, label: string): Promise<void> {
  const size = await redis.dbsize();
  if (size !== cli.keys) throw new Error(`${label}: DBSIZE is ${size}, expected ${cli.keys}`);
  const rng = new Rng(deriveSeed(cli.seed, `verify ${label}`));
  const indexes = Array.from({ length: Math.min(VERIFY_SAMPLE, cli.keys) }, () => rng.below(cli.keys));
  indexes.push(lastLoadedIndex);
  const values = await Promise.all(indexes.map((index) => redis.getBuffer(keyOf(index))));
  values.forEach((value, i) => {
    const expected = valueOf(indexes[i], template);
    if (value === null || !value.equals(expected)) throw new Error(`${label}: GET ${keyOf(indexes[i])} returned ${value === null ? 'nil' : JSON.stringify(value.toString('latin1'))}`);
  });
  progress(`${label}: DBSIZE ${count(size)} and ${count(indexes.length)} sampled values are right`);
}

// ---------------------------------------------------------------------------------------------
// Phases

interface LoadResult {
  readonly seconds: number;
  readonly keysPerSec: number;
  readonly peaks: MemoryPeaks;
  readonly io: ProcIo;
}

async function load(server: ServerProcess, sampler: MemorySampler): Promise<LoadResult> {
  const ioBefore = readIo(server.pid);
  sampler.takePhase();
  const started = performance.now();
  let lastAt = started;
  let lastCount = 0;
  await loadKeys({
    port: server.port, connections: cli.loadConnections, window: cli.loadWindow, batch: cli.loadBatch,
    n: cli.keys, order: (j) => loadOrder.at(j), value: template, progressEvery: Math.max(100_000, Math.floor(cli.keys / 20)),
    onProgress: (acknowledged) => {
      const now = performance.now();
      const memory = readMemory(server.pid);
      progressUpdate(`loaded ${count(acknowledged)} of ${count(cli.keys)} keys, ${count((acknowledged - lastCount) / ((now - lastAt) / 1000))} keys/s lately; ` +
        `server RSS ${mib(memory.rss)} MiB (anonymous ${mib(memory.anon)})`);
      lastAt = now;
      lastCount = acknowledged;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, keysPerSec: cli.keys / seconds, peaks: sampler.takePhase(), io: ioSince(readIo(server.pid), ioBefore) };
}

interface ReadResult {
  readonly name: string;
  readonly getsPerSec: number;
  readonly gets: number;
  /** null when no GET reached a table (every key still in a memtable). */
  readonly cacheHitRatio: number | null;
  readonly blockReadsPerGet: number;
  /** Share of those block reads done synchronously (the engine's read policy saw the page cache answer). */
  readonly syncReadShare: number | null;
  readonly peaks: MemoryPeaks;
  readonly io: ProcIo;
}

async function readPhase(server: ServerProcess, redis: Redis, sampler: MemorySampler, name: string, nextIndex: () => number): Promise<ReadResult> {
  const shape: PipelineShape = { port: server.port, connections: cli.readConnections, window: cli.readWindow, batch: cli.readBatch };
  const driver = await GetDriver.open({ ...shape, nextIndex, valueSize: cli.valueSize });
  sampler.takePhase();
  driver.start();
  await sleep(cli.warmupSeconds * 1000);
  const before = await info(redis, 'storage');
  const ioBefore = readIo(server.pid);
  driver.beginCounting();
  await sleep(cli.readSeconds * 1000);
  const window = driver.endCounting();
  const after = await info(redis, 'storage');
  const io = ioSince(readIo(server.pid), ioBefore);
  const totals = await driver.stop(DRAIN_TIMEOUT_MS);
  const peaks = sampler.takePhase();
  if (totals.nils > 0 || totals.errors > 0 || totals.wrongSizes > 0) {
    throw new Error(`${name}: ${totals.nils} nil replies, ${totals.errors} errors (first: ${totals.firstError}), ${totals.wrongSizes} values of the wrong size`);
  }
  const hits = numberField(after, 'block_cache_hits') - numberField(before, 'block_cache_hits');
  const misses = numberField(after, 'block_cache_misses') - numberField(before, 'block_cache_misses');
  const syncReads = numberField(after, 'block_reads_sync') - numberField(before, 'block_reads_sync');
  const asyncReads = numberField(after, 'block_reads_async') - numberField(before, 'block_reads_async');
  // Filters and indexes read again after the block cache evicted them (cache-index-and-filter-blocks yes).
  const metaReads = numberField(after, 'table_meta_reads') - numberField(before, 'table_meta_reads');
  const result: ReadResult = {
    name,
    getsPerSec: window.replies / window.seconds,
    gets: window.replies,
    cacheHitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
    blockReadsPerGet: window.replies > 0 ? misses / window.replies : 0,
    syncReadShare: syncReads + asyncReads > 0 ? syncReads / (syncReads + asyncReads) : null,
    peaks,
    io,
  };
  progress(`${name}: ${count(result.getsPerSec)} GET/s, block cache hit ratio ${percent(result.cacheHitRatio)}, ` +
    `${result.blockReadsPerGet.toFixed(2)} block reads per GET (${percent(result.syncReadShare)} synchronous), ${count(metaReads)} filter/index reloads (table meta ${mib(numberField(after, 'table_meta_bytes'))} MiB, ${mib(numberField(after, 'block_cache_pinned_bytes'))} pinned), ${mib(io.readBytes)} MiB read from the device; peak RSS ${mib(peaks.rss)} MiB (anonymous ${mib(peaks.anon)})`);
  emit({
    phase: `get-${name}`, gets: result.gets, seconds: Number(window.seconds.toFixed(2)), gets_per_sec: Math.round(result.getsPerSec),
    cache_hit_ratio: ratio(result.cacheHitRatio), block_reads_per_get: Number(result.blockReadsPerGet.toFixed(3)),
    sync_read_share: ratio(result.syncReadShare), table_meta_reads: metaReads, table_meta_bytes: numberField(after, 'table_meta_bytes'),
    device_read_bytes: io.readBytes, pread_bytes: io.rchar, peak_rss_bytes: peaks.rss, peak_anon_bytes: peaks.anon,
    connections: cli.readConnections, window: cli.readWindow,
  });
  return result;
}

interface RestartResult {
  readonly signal: NodeJS.Signals;
  readonly stopMs: number;
  readonly firstGetMs: number;
  readonly dataLoadMs: number | null;
  readonly rssAfter: number;
}

/** Stops the server with `signal`, starts it again on the same directory, times spawn -> first GET, checks the data. */
async function restart(server: ServerProcess, signal: NodeJS.Signals): Promise<{ server: ServerProcess; result: RestartResult }> {
  const stopMs = await server.stop(signal);
  const { server: next, readyMs } = await launch(server.port);
  const redis = connectClient(next.port);
  try {
    await verify(redis, `after ${signal}`);
  } finally {
    redis.disconnect();
  }
  const dataLoadSeconds = next.dataLoadSeconds;
  const result: RestartResult = {
    signal, stopMs, firstGetMs: readyMs, dataLoadMs: dataLoadSeconds === null ? null : dataLoadSeconds * 1000, rssAfter: readMemory(next.pid).rss,
  };
  progress(`${signal}: stopped in ${stopMs.toFixed(0)} ms; restarted and served its first GET ${readyMs.toFixed(0)} ms after spawn ` +
    `(the server reports ${result.dataLoadMs?.toFixed(0) ?? '?'} ms opening its data)`);
  emit({
    phase: `restart-${signal.toLowerCase()}`, stop_ms: Math.round(stopMs), first_get_ms: Math.round(readyMs),
    data_load_ms: result.dataLoadMs, rss_after_bytes: result.rssAfter,
  });
  return { server: next, result };
}

// ---------------------------------------------------------------------------------------------
// The run

process.stdout.write(`# beyond-ram: ${machineDescription()}\n`);
process.stdout.write(`# ${count(cli.keys)} keys x ${cli.valueSize} B through RESP, block-cache-size ${cli.blockCacheSize}, ` +
  `memtable-size ${cli.memtableSize ?? 'default'}, cache-index-and-filter-blocks ${cli.cacheIndexAndFilterBlocks ?? 'default'}, appendfsync everysec, data in ${dataDir}` +
  (Object.keys(cli.serverEnv).length > 0 ? `, server env ${JSON.stringify(cli.serverEnv)}` : '') +
  (cli.serverNodeArg.length > 0 ? `, server node flags ${cli.serverNodeArg.join(' ')}` : '') + '\n');

let { server } = await launch(await freePort());
const sampler = new MemorySampler(server.pid, cli.sampleMs);
const redis = connectClient(server.port);
const { cacheBytes, memtableBytes, budget, writingBudget } = await rssBudget(redis);
const userBytes = cli.keys * (keyOf(0).length + cli.valueSize);

const loaded = await load(server, sampler);
const afterLoadSplit = await memorySplit(redis, server.pid);
const diskAfterLoad = directoryBytes(dataDir);
progress(`load: ${count(loaded.keysPerSec)} keys/s (${loaded.seconds.toFixed(1)} s); peak RSS ${mib(loaded.peaks.rss)} MiB (anonymous ${mib(loaded.peaks.anon)}), VmHWM ${mib(loaded.peaks.hwm)} MiB; disk ${mib(diskAfterLoad)} MiB`);
progress(`after load: ${describeSplit(afterLoadSplit)}`);
emit({
  phase: 'load', keys: cli.keys, value_size: cli.valueSize, seconds: Number(loaded.seconds.toFixed(1)), keys_per_sec: Math.round(loaded.keysPerSec),
  peak_rss_bytes: loaded.peaks.rss, peak_anon_bytes: loaded.peaks.anon, hwm_bytes: loaded.peaks.hwm, disk_bytes: diskAfterLoad,
  device_write_bytes: loaded.io.writeBytes - loaded.io.cancelledWriteBytes, write_syscall_bytes: loaded.io.wchar,
  heap_total_bytes: afterLoadSplit.heapTotal, external_bytes: afterLoadSplit.external,
});

const ioAtStart = readIo(server.pid);
const { seconds: settleSeconds } = await settle(server.pid, redis, cli.settleSeconds, progressUpdate);
const ioSettled = readIo(server.pid);
const storageSettled = await info(redis, 'storage');
const settledSplit = await memorySplit(redis, server.pid);
const diskSettled = directoryBytes(dataDir);
// Everything the server process sent to the device since it started: WAL, flushes, compactions, manifest.
const deviceWrites = ioSettled.writeBytes - ioSettled.cancelledWriteBytes;
const engineWriteAmp = numberField(storageSettled, 'write_amplification');
const ioWriteAmp = deviceWrites / userBytes;
const settleIo = ioSince(ioSettled, ioAtStart);
progress(`settled after ${settleSeconds.toFixed(0)} s: disk ${mib(diskSettled)} MiB (user data ${mib(userBytes)} MiB); write amplification ${engineWriteAmp.toFixed(2)} (engine: ` +
  `table bytes written / flushed) and ${ioWriteAmp.toFixed(2)} (device bytes written by the process / user bytes)`);
progress(`settled: ${describeSplit(settledSplit)}`);
emit({
  phase: 'settle', seconds: Number(settleSeconds.toFixed(1)), disk_bytes: diskSettled, user_bytes: userBytes,
  write_amplification_engine: engineWriteAmp, write_amplification_io: Number(ioWriteAmp.toFixed(3)),
  device_write_bytes: deviceWrites, device_write_bytes_while_settling: settleIo.writeBytes - settleIo.cancelledWriteBytes,
  flush_bytes_written: numberField(storageSettled, 'flush_bytes_written'), compaction_bytes_written: numberField(storageSettled, 'compaction_bytes_written'),
  wal_bytes: numberField(await info(redis, 'persistence'), 'wal_bytes'),
  levels: Object.fromEntries([...storageSettled].filter(([name]) => /^level\d+$/.test(name))),
  rss_bytes: settledSplit.rss, anon_bytes: settledSplit.anon, heap_total_bytes: settledSplit.heapTotal, external_bytes: settledSplit.external,
});
await verify(redis, 'after the load');

const uniformRng = new Rng(deriveSeed(cli.seed, 'uniform'));
const zipf = new ZipfianGenerator(cli.keys, cli.theta, new Rng(deriveSeed(cli.seed, 'zipfian')));
const zipfScramble = new ScatterPermutation(cli.keys, ZIPF_SCRAMBLE_FRACTION);
const hotKeys = Math.min(cli.hotKeys, cli.keys);
const hotSet = new ScatterPermutation(cli.keys, HOT_SET_FRACTION);
const hotRng = new Rng(deriveSeed(cli.seed, 'in-cache'));
progress(`Zipfian theta ${cli.theta}: the top 1% of keys take ${(zipf.shareOfTop(Math.ceil(cli.keys / 100)) * 100).toFixed(0)}% of the GETs, ` +
  `the top ${count(hotKeys)} ${(zipf.shareOfTop(hotKeys) * 100).toFixed(0)}%`);

const uniform = await readPhase(server, redis, sampler, 'uniform', () => uniformRng.below(cli.keys));
const zipfian = await readPhase(server, redis, sampler, 'zipfian', () => zipfScramble.at(zipf.next()));
const inCache = await readPhase(server, redis, sampler, 'in-cache', () => hotSet.at(hotRng.below(hotKeys)));
const readPeaks: MemoryPeaks = {
  rss: Math.max(uniform.peaks.rss, zipfian.peaks.rss, inCache.peaks.rss),
  anon: Math.max(uniform.peaks.anon, zipfian.peaks.anon, inCache.peaks.anon),
  hwm: inCache.peaks.hwm,
  samples: uniform.peaks.samples + zipfian.peaks.samples + inCache.peaks.samples,
};
const afterReadsSplit = await memorySplit(redis, server.pid);
progress(`after reads: ${describeSplit(afterReadsSplit)}`);
if (inCache.cacheHitRatio !== null && inCache.cacheHitRatio < 0.99) progress(`the in-cache set missed the cache ${((1 - inCache.cacheHitRatio) * 100).toFixed(1)}% of the time: lower --hot-keys`);
redis.disconnect();
sampler.stop();

// A crash first (the WAL still holds the memtable written during the load), then a clean stop.
const killed = await restart(server, 'SIGKILL');
server = killed.server;
const terminated = await restart(server, 'SIGTERM');
server = terminated.server;
await server.stop('SIGTERM');

// ---------------------------------------------------------------------------------------------
// The report

const uniformRatio = uniform.getsPerSec / inCache.getsPerSec;
const worstRestartMs = Math.max(killed.result.firstGetMs, terminated.result.firstGetMs);
const met = (ok: boolean): string => (ok ? 'yes' : 'NO');
const rssCell = (peaks: MemoryPeaks): string => `${mib(peaks.rss)} MiB (anon ${mib(peaks.anon)}, VmHWM ${mib(peaks.hwm)})`;
const getCell = (r: ReadResult): string => `${count(r.getsPerSec)} GET/s, hit ratio ${percent(r.cacheHitRatio)}`;
const restartCell = (r: RestartResult): string => `${r.firstGetMs.toFixed(0)} ms (data open ${r.dataLoadMs?.toFixed(0) ?? '?'} ms; stop ${r.stopMs.toFixed(0)} ms)`;

const rows: string[][] = [
  ['load', `${count(loaded.keysPerSec)} keys/s (${loaded.seconds.toFixed(0)} s)`, '', ''],
  ['peak RSS during load', rssCell(loaded.peaks), `< ${mib(budget)} MiB (${mib(writingBudget)} with 2 immutable memtables)`, met(loaded.peaks.rss < budget)],
  ['peak RSS during reads', rssCell(readPeaks), `< ${mib(budget)} MiB`, met(readPeaks.rss < budget)],
  ['disk after load / settled', `${mib(diskAfterLoad)} / ${mib(diskSettled)} MiB (user data ${mib(userBytes)})`, '', ''],
  ['compactions settled after', `${settleSeconds.toFixed(0)} s`, '', ''],
  ['write amplification', `${engineWriteAmp.toFixed(2)} engine, ${ioWriteAmp.toFixed(2)} device bytes / user bytes`, '', ''],
  ['GET uniform', getCell(uniform), '', ''],
  ['GET Zipfian', getCell(zipfian), '', ''],
  [`GET in-cache (${count(hotKeys)} keys)`, getCell(inCache), '', ''],
  ['uniform / in-cache', uniformRatio.toFixed(2), `>= ${UNIFORM_TO_CACHED_TARGET}`, met(uniformRatio >= UNIFORM_TO_CACHED_TARGET)],
  ['restart after SIGKILL, spawn to first GET', restartCell(killed.result), `< ${RESTART_TARGET_MS} ms`, met(killed.result.firstGetMs < RESTART_TARGET_MS)],
  ['restart after SIGTERM, spawn to first GET', restartCell(terminated.result), `< ${RESTART_TARGET_MS} ms`, met(terminated.result.firstGetMs < RESTART_TARGET_MS)],
];
process.stdout.write('\n' + formatTable(['measure', 'value', 'target', 'met'], rows) + '\n');
process.stdout.write(`\n# budget = block cache ${mib(cacheBytes)} + memtable ${mib(memtableBytes)} + 150 MiB; memory after load: ${describeSplit(afterLoadSplit)}\n`);
process.stdout.write(`# after reads: ${describeSplit(afterReadsSplit)}\n`);

emit({
  phase: 'summary', keys: cli.keys, value_size: cli.valueSize, block_cache_bytes: cacheBytes, memtable_bytes: memtableBytes,
  load_keys_per_sec: Math.round(loaded.keysPerSec), peak_rss_load_bytes: loaded.peaks.rss, peak_anon_load_bytes: loaded.peaks.anon,
  peak_rss_reads_bytes: readPeaks.rss, peak_anon_reads_bytes: readPeaks.anon, hwm_bytes: readPeaks.hwm, rss_budget_bytes: budget,
  disk_after_load_bytes: diskAfterLoad, disk_settled_bytes: diskSettled, write_amplification_engine: engineWriteAmp,
  write_amplification_io: Number(ioWriteAmp.toFixed(3)),
  get_uniform_per_sec: Math.round(uniform.getsPerSec), get_zipfian_per_sec: Math.round(zipfian.getsPerSec), get_in_cache_per_sec: Math.round(inCache.getsPerSec),
  hit_ratio_uniform: ratio(uniform.cacheHitRatio), hit_ratio_zipfian: ratio(zipfian.cacheHitRatio), hit_ratio_in_cache: ratio(inCache.cacheHitRatio),
  uniform_to_in_cache: Number(uniformRatio.toFixed(3)),
  restart_sigkill_first_get_ms: Math.round(killed.result.firstGetMs), restart_sigterm_first_get_ms: Math.round(terminated.result.firstGetMs),
  targets: {
    rss_load: loaded.peaks.rss < budget, rss_reads: readPeaks.rss < budget,
    restart: worstRestartMs < RESTART_TARGET_MS, uniform_get: uniformRatio >= UNIFORM_TO_CACHED_TARGET,
  },
});
