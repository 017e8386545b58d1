/**
 * Collection types over RESP: hashes, sets, sorted sets and lists, StrataKV (appendfsync everysec) next
 * to redis-server (appendonly yes, appendfsync everysec), in three parts.
 *
 * 1. Throughput (on unless --no-throughput): redis-benchmark's custom-command form, 50 clients,
 *    -P1 and -P16, one command per run, round by round, each test on each server in turn:
 *      hset       HSET bench:hset field:__rand_int__ value:__rand_int__   (a growing hash)
 *      hget       HGET bench:hash field:__rand_int__                      (preloaded, --members fields)
 *      hexpire    HEXPIRE bench:hash 100000 FIELDS 1 field:__rand_int__   (Redis 7.4: StrataKV only)
 *      httl       HTTL bench:hash FIELDS 1 field:__rand_int__             (Redis 7.4: StrataKV only)
 *      sadd       SADD bench:sadd member:__rand_int__                     (a growing set)
 *      sismember  SISMEMBER bench:set member:__rand_int__                 (preloaded, --members members)
 *      zadd       ZADD bench:zadd __rand_int__ member:__rand_int__        (a growing sorted set)
 *      zscore     ZSCORE bench:zset member:__rand_int__                   (preloaded, --members members)
 *      zrange     ZRANGE bench:zset 0 9
 *      zrank      ZRANK bench:zset <the middle member>                    (StrataKV: --rank-requests requests)
 *      hgetall    HGETALL bench:hash100                                   (a 100-field hash)
 *      lpush      LPUSH bench:list member:__rand_int__                    (the preloaded list, --members elements)
 *      rpop       RPOP bench:list                                         (the same list: after lpush it is back to its size)
 *      lrange     LRANGE bench:list 0 99
 *      pfadd      PFADD bench:hll member:__rand_int__                     (a growing HyperLogLog, dense soon)
 *      pfcount    PFCOUNT bench:hll                                       (the cached cardinality, after pfadd)
 *    `__rand_int__` is a 12-digit number below --members, so every read hits. The preloaded
 *    collections are filled with multi-member commands (1,000 members each) before anything is
 *    timed, on both servers alike. Medians over --rounds, and the ratio StrataKV / redis.
 * 2. --big: a hash of --big-fields fields (10 M) loaded into a fresh StrataKV, then DEL timed as a
 *    client sees it (next to a PING just before), then the data directory polled until its tables
 *    shrank to a tenth (or --reclaim-seconds passed): how long the disk takes to come back.
 * 3. --zset-rss N: a sorted set of N members loaded into a fresh StrataKV with a small block cache
 *    (--block-cache-size, 64 MiB), then random ZSCORE / ZRANGE BYSCORE / ZRANK; the server's peak
 *    RSS (VmRSS sampled, VmHWM) against the beyond-RAM budget, and the load rate.
 *
 *   npm run bench:types -- [--rounds 3] [-n 200000] [--tests hset,hget,...] [--pipelines 1,16]
 *                          [--members 1000000] [--big [--big-fields 10000000]] [--zset-rss 50000000]
 *
 * JSON lines (one per result) and markdown tables go to stdout; progress to stderr. Every server
 * started here listens on 127.0.0.1 only and is stopped at the end, on an error, on SIGINT/SIGTERM
 * and when --timeout-minutes runs out.
 */
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import { positiveInt, intList, nameList } from './lib/cli.js';
import { benchProgress } from './lib/progress.js';
import { FIELD_PREFIX, MEMBER_PREFIX, fillCommands, memberName, sendPipelined, type CollectionFill } from './lib/collection-load.js';
import { LOAD_ORDER_FRACTION, MAX_KEYS, ScatterPermutation } from './lib/key-space.js';
import { directoryBytes } from './lib/measure.js';
import { MemorySampler, readCpuSeconds, type MemoryPeaks } from './lib/proc-stats.js';
import {
  ProcessGroup, runBench, machineDescription, markdownTable, median, redisBenchmarkMissing, redisServerMissing, redisSpec,
  runRedisBenchmarkCommand, stratakvSpec, type BenchmarkRow, type LoadShape, type RunningTarget, type TargetSpec,
} from './lib/resp-targets.js';
import { connectClient, describeLevels, info, numberField, rssBudget, settle, tableBytes, type RssBudget } from './lib/server-info.js';

const MIB = 1024 * 1024;
const STRATAKV = 'stratakv';
const REDIS = 'redis-aof';
/** DEL of a collection of any size must look instant to the client. */
const DEL_TARGET_MS = 1;
/** The disk counts as given back once the tables hold at most this share of what they held before DEL. */
const RECLAIMED_SHARE = 0.1;
/** Commands of --fill-per-command members in flight while filling a collection. */
const FILL_WINDOW = 16;
const PINGS_BEFORE_DEL = 20;

interface TestDef {
  /** The command with `__rand_int__` placeholders; `middle` = the member of rank members/2. */
  readonly command: (middle: string) => string[];
  /** The preloaded collection it reads, if any. */
  readonly reads?: 'hash' | 'set' | 'zset' | 'hash100' | 'list';
  /** A command newer than Redis 7.0: redis-server 7.0 cannot run it, so StrataKV runs it alone. */
  readonly newerThan70?: true;
}

const TESTS: Record<string, TestDef> = {
  hset: { command: () => ['HSET', 'bench:hset', 'field:__rand_int__', 'value:__rand_int__'] },
  hget: { command: () => ['HGET', 'bench:hash', 'field:__rand_int__'], reads: 'hash' },
  // Field TTLs on the preloaded hash (100 000 s: nothing expires while the bench runs).
  hexpire: { command: () => ['HEXPIRE', 'bench:hash', '100000', 'FIELDS', '1', 'field:__rand_int__'], reads: 'hash', newerThan70: true },
  httl: { command: () => ['HTTL', 'bench:hash', 'FIELDS', '1', 'field:__rand_int__'], reads: 'hash', newerThan70: true },
  sadd: { command: () => ['SADD', 'bench:sadd', 'member:__rand_int__'] },
  sismember: { command: () => ['SISMEMBER', 'bench:set', 'member:__rand_int__'], reads: 'set' },
  zadd: { command: () => ['ZADD', 'bench:zadd', '__rand_int__', 'member:__rand_int__'] },
  zscore: { command: () => ['ZSCORE', 'bench:zset', 'member:__rand_int__'], reads: 'zset' },
  zrange: { command: () => ['ZRANGE', 'bench:zset', '0', '9'], reads: 'zset' },
  zrank: { command: (middle) => ['ZRANK', 'bench:zset', middle], reads: 'zset' },
  hgetall: { command: () => ['HGETALL', 'bench:hash100'], reads: 'hash100' },
  // One list for the three: each round's LPUSH run adds -n elements that its RPOP run takes back.
  lpush: { command: () => ['LPUSH', 'bench:list', 'member:__rand_int__'], reads: 'list' },
  rpop: { command: () => ['RPOP', 'bench:list'], reads: 'list' },
  lrange: { command: () => ['LRANGE', 'bench:list', '0', '99'], reads: 'list' },
  // A HyperLogLog is a string: no preload; PFCOUNT after the PFADD runs reads a written-back cache.
  pfadd: { command: () => ['PFADD', 'bench:hll', 'member:__rand_int__'] },
  pfcount: { command: () => ['PFCOUNT', 'bench:hll'] },
};
const TEST_NAMES = Object.keys(TESTS);
const HASH100_FIELDS = 100;

const program = new Command('types')
  .description('Hashes, sets, sorted sets and lists over RESP: StrataKV vs redis-server (AOF everysec) under redis-benchmark; DEL of a huge hash and the disk it gives back; RSS with a huge sorted set')
  .option('--rounds <n>', 'interleaved rounds (the median is reported)', positiveInt, 3)
  .option('-n, --requests <n>', 'requests per redis-benchmark run (-n)', positiveInt, 200_000)
  .option('--rank-requests <n>', 'requests per ZRANK run on StrataKV (each walks about half a rank index bucket); redis gets -n', positiveInt, 20_000)
  .option('--tests <list>', `tests, among ${TEST_NAMES.join(',')}`, nameList(TEST_NAMES), TEST_NAMES)
  .option('--pipelines <list>', 'pipeline depths (-P)', intList, [1, 16])
  .option('--clients <n>', 'client connections (-c)', positiveInt, 50)
  .option('--members <n>', 'members of the preloaded hash, set and sorted set, and the -r key space', positiveInt, 1_000_000)
  .option('--no-throughput', 'skip part 1 (the redis-benchmark comparison)')
  .option('--big', 'part 2: DEL of a huge hash, and how long until its disk space is back')
  .option('--big-fields <n>', 'fields of the --big hash', positiveInt, 10_000_000)
  .option('--big-memtable-size <size>', 'memtable-size of the --big server (default: the server\'s); small hashes need a small one to reach the tables at all')
  .option('--reclaim-seconds <s>', 'longest wait for the --big hash\'s space to come back', positiveInt, 600)
  .option('--zset-rss <n>', 'part 3: members of the sorted set loaded with a small block cache (e.g. 50000000)', positiveInt)
  .option('--zset-rss-reads <n>', 'requests per ZSCORE and ZRANGE run of part 3', positiveInt, 1_000_000)
  .option('--zset-rss-rank-requests <n>', 'requests of the ZRANK run of part 3 (each walks about half a rank index bucket)', positiveInt, 20_000)
  .option('--block-cache-size <size>', 'block-cache-size of the part 3 server', '64mb')
  .option('--fill-per-command <n>', 'members per HSET/SADD/ZADD command when filling', positiveInt, 1000)
  .option('--settle-seconds <s>', 'longest wait for compactions to settle after a big load', positiveInt, 600)
  .option('--timeout-minutes <n>', 'stop everything and fail after this long', positiveInt, 360)
  .parse();

interface CliOptions {
  rounds: number;
  requests: number;
  rankRequests: number;
  tests: string[];
  pipelines: number[];
  clients: number;
  members: number;
  throughput: boolean;
  big?: boolean;
  bigFields: number;
  bigMemtableSize?: string;
  reclaimSeconds: number;
  zsetRss?: number;
  zsetRssReads: number;
  zsetRssRankRequests: number;
  blockCacheSize: string;
  fillPerCommand: number;
  settleSeconds: number;
  timeoutMinutes: number;
}
const cli = program.opts<CliOptions>();
if (cli.members < 2) program.error('error: --members must be at least 2');
if (cli.zsetRss !== undefined && cli.zsetRss > MAX_KEYS) program.error(`error: --zset-rss must be at most ${MAX_KEYS}`);
if (cli.bigFields > MAX_KEYS || cli.members > MAX_KEYS) program.error(`error: --big-fields and --members must be at most ${MAX_KEYS}`);
if (!cli.throughput && cli.big !== true && cli.zsetRss === undefined) program.error('error: nothing to run (--no-throughput without --big or --zset-rss)');

const { line: progress, update: progressUpdate } = benchProgress('types');
if (cli.tests.includes('rpop') && !cli.tests.includes('lpush') && cli.requests * cli.rounds * cli.pipelines.length >= cli.members) {
  progress('warning: rpop without lpush pops more than bench:list holds; later RPOP runs time replies to an empty list');
}
const emit = (record: Record<string, unknown>): void => {
  process.stdout.write(JSON.stringify({ bench: 'types', ...record }) + '\n');
};
const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(3);
const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

const benchmarkMissing = redisBenchmarkMissing();
if (benchmarkMissing !== undefined) {
  process.stderr.write(`types: ${benchmarkMissing}; nothing to measure with.\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Filling collections

/** Fills one collection with pipelined multi-member commands; returns the seconds it took. */
async function fill(port: number, what: CollectionFill, label: string): Promise<number> {
  const { count: commands, command } = fillCommands(what);
  const started = performance.now();
  await sendPipelined({
    port, count: commands, command, window: FILL_WINDOW, progressEvery: Math.max(1, Math.floor(commands / 10)),
    onProgress: (replies) => progressUpdate(`${label}: ${count(Math.min(what.members, replies * what.perCommand))} of ${count(what.members)} members`),
  });
  return (performance.now() - started) / 1000;
}

/** The members of a big collection in a scattered order (a random fill without an N-entry array). */
function scattered(members: number): (j: number) => number {
  const permutation = new ScatterPermutation(members, LOAD_ORDER_FRACTION);
  return (j) => permutation.at(j);
}

// ---------------------------------------------------------------------------------------------
// Part 1: throughput

interface Cell {
  readonly test: string;
  readonly pipeline: number;
  readonly target: string;
  readonly rows: BenchmarkRow[];
}

async function preload(target: RunningTarget, tests: readonly string[], redis: Redis): Promise<void> {
  const needs = new Set(tests.map((t) => TESTS[t].reads).filter((r) => r !== undefined));
  const n = cli.members;
  const per = cli.fillPerCommand;
  const name = target.spec.name;
  const plans: [CollectionFill, () => Promise<void>][] = [];
  if (needs.has('hash')) {
    plans.push([{ type: 'hash', key: 'bench:hash', members: n, perCommand: per, order: scattered(n) }, async () => {
      if ((await redis.hlen('bench:hash')) !== n) throw new Error(`${name}: HLEN bench:hash is not ${n}`);
    }]);
  }
  if (needs.has('set')) {
    plans.push([{ type: 'set', key: 'bench:set', members: n, perCommand: per, order: scattered(n) }, async () => {
      if ((await redis.scard('bench:set')) !== n) throw new Error(`${name}: SCARD bench:set is not ${n}`);
    }]);
  }
  if (needs.has('zset')) {
    plans.push([{ type: 'zset', key: 'bench:zset', members: n, perCommand: per, order: scattered(n) }, async () => {
      if ((await redis.zcard('bench:zset')) !== n) throw new Error(`${name}: ZCARD bench:zset is not ${n}`);
      const middle = Math.floor(n / 2);
      const rank = await redis.zrank('bench:zset', memberName(MEMBER_PREFIX, middle));
      if (rank !== middle) throw new Error(`${name}: ZRANK of the middle member is ${rank}, expected ${middle}`);
    }]);
  }
  if (needs.has('hash100')) {
    plans.push([{ type: 'hash', key: 'bench:hash100', members: HASH100_FIELDS, perCommand: HASH100_FIELDS }, async () => {
      const all = await redis.hgetall('bench:hash100');
      if (Object.keys(all).length !== HASH100_FIELDS || all[memberName(FIELD_PREFIX, 7)] === undefined) throw new Error(`${name}: HGETALL bench:hash100 is not the 100 fields written`);
    }]);
  }
  if (needs.has('list')) {
    plans.push([{ type: 'list', key: 'bench:list', members: n, perCommand: per }, async () => {
      if ((await redis.llen('bench:list')) !== n) throw new Error(`${name}: LLEN bench:list is not ${n}`);
      const middle = Math.floor(n / 2);
      if ((await redis.lindex('bench:list', middle)) !== memberName(MEMBER_PREFIX, middle)) throw new Error(`${name}: LINDEX of the middle is not member ${middle}`);
    }]);
  }
  for (const [plan, check] of plans) {
    const seconds = await fill(target.port, plan, `${name} ${plan.key}`);
    await check();
    progress(`${name}: ${plan.key} filled with ${count(plan.members)} members in ${seconds.toFixed(1)} s (${count(plan.members / seconds)} members/s)`);
    emit({ part: 'preload', target: name, key: plan.key, members: plan.members, seconds: Number(seconds.toFixed(2)), members_per_sec: Math.round(plan.members / seconds) });
  }
}

/** ZRANK on StrataKV gets --rank-requests, every other run -n. */
function requestsFor(test: string, target: string): number {
  return test === 'zrank' && target === STRATAKV ? cli.rankRequests : cli.requests;
}

async function throughput(group: ProcessGroup): Promise<void> {
  const specs: TargetSpec[] = [stratakvSpec(STRATAKV, 'everysec')];
  const redisMissing = redisServerMissing();
  if (redisMissing === undefined) specs.push(redisSpec(REDIS, 'aof-everysec'));
  else process.stdout.write(`# skipping redis-server: ${redisMissing}\n`);
  const middle = memberName(MEMBER_PREFIX, Math.floor(cli.members / 2));
  process.stdout.write(`# part 1: ${cli.rounds} rounds, -c ${cli.clients} -n ${cli.requests} (ZRANK on StrataKV ${cli.rankRequests}), -r ${cli.members}, -P ${cli.pipelines.join(',')}, ` +
    `tests ${cli.tests.join(',')}; targets ${specs.map((s) => s.name).join(', ')}\n`);

  const cells = new Map<string, Cell>();
  const running: RunningTarget[] = [];
  try {
    for (const spec of specs) {
      const target = await group.start(spec);
      running.push(target);
      const redis = connectClient(target.port);
      try {
        await preload(target, cli.tests, redis);
      } finally {
        redis.disconnect();
      }
    }
    for (let round = 1; round <= cli.rounds; round++) {
      for (const pipeline of cli.pipelines) {
        for (const test of cli.tests) {
          const command = TESTS[test].command(middle);
          const parts: string[] = [];
          for (const target of running) {
            if (TESTS[test].newerThan70 === true && target.spec.name !== STRATAKV) continue;
            const requests = requestsFor(test, target.spec.name);
            const shape: LoadShape = { port: target.port, clients: Math.min(cli.clients, requests), requests, keyspace: cli.members, pipeline };
            const row = await runRedisBenchmarkCommand(group, shape, command);
            // redis-benchmark prints rps "inf" for a run shorter than its millisecond clock.
            if (!Number.isFinite(row.rps)) throw new Error(`${target.spec.name} ${test} -P${pipeline}: redis-benchmark could not time ${requests} requests (rps ${row.rps}); raise -n`);
            const id = JSON.stringify([test, pipeline, target.spec.name]);
            const cell = cells.get(id) ?? { test, pipeline, target: target.spec.name, rows: [] };
            cell.rows.push(row);
            cells.set(id, cell);
            parts.push(`${target.spec.name} ${count(row.rps)}/s`);
          }
          progress(`round ${round}/${cli.rounds} -P ${pipeline} ${test}: ${parts.join(', ')}`);
        }
      }
    }
  } finally {
    await Promise.all(running.map((target) => group.stop(target)));
  }

  const result = (test: string, pipeline: number, target: string): { rps: number; p50: number; p99: number } | undefined => {
    const cell = cells.get(JSON.stringify([test, pipeline, target]));
    if (cell === undefined) return undefined;
    return { rps: median(cell.rows.map((r) => r.rps)), p50: median(cell.rows.map((r) => r.p50Ms)), p99: median(cell.rows.map((r) => r.p99Ms)) };
  };
  const rows: string[][] = [];
  for (const pipeline of cli.pipelines) {
    for (const test of cli.tests) {
      const mine = result(test, pipeline, STRATAKV);
      const theirs = result(test, pipeline, REDIS);
      for (const [target, r] of [[STRATAKV, mine], [REDIS, theirs]] as const) {
        if (r !== undefined) {
          emit({ part: 'throughput', test, pipeline, target, rounds: cli.rounds, requests: requestsFor(test, target), rps: Math.round(r.rps), p50_ms: r.p50, p99_ms: r.p99 });
        }
      }
      const cellOf = (r: typeof mine): string[] => (r === undefined ? ['-', '-'] : [count(r.rps), r.p99.toFixed(2)]);
      const ratio = mine !== undefined && theirs !== undefined && theirs.rps > 0 ? (mine.rps / theirs.rps).toFixed(2) : '-';
      rows.push([`${TESTS[test].command(middle)[0]} -P${pipeline}`, ...cellOf(mine), ...cellOf(theirs), ratio]);
    }
  }
  process.stdout.write(`\nPart 1: medians of ${cli.rounds} interleaved rounds, ${cli.clients} clients, -r ${count(cli.members)}; ` +
    `StrataKV appendfsync everysec, redis-server appendonly yes appendfsync everysec\n\n`);
  process.stdout.write(markdownTable(['command', 'StrataKV rps', 'p99 ms', 'redis AOF rps', 'p99 ms', 'StrataKV / redis'], rows) + '\n\n');
  for (const test of cli.tests) {
    const counts = test === 'zrank' ? ` (${count(cli.rankRequests)} requests on StrataKV, ${count(cli.requests)} on redis)` : '';
    process.stdout.write(`- ${test}: \`${TESTS[test].command(middle).join(' ')}\`${counts}\n`);
  }
  process.stdout.write('\nredis-benchmark\'s latency histogram ends at 3 s: a p99 of 3000.3 ms means 3 s or more.\n');
}

// ---------------------------------------------------------------------------------------------
// Part 2: DEL of a huge hash, and the disk it gives back

/** One command's round trip on an idle connection, in milliseconds. */
async function roundTrip<T>(send: () => Promise<T>): Promise<{ ms: number; reply: T }> {
  const started = performance.now();
  const reply = await send();
  return { ms: performance.now() - started, reply };
}

async function bigDelete(group: ProcessGroup): Promise<void> {
  const partStarted = performance.now();
  const fields = cli.bigFields;
  process.stdout.write(`# part 2 (--big): a hash of ${count(fields)} fields, DEL, then the tables polled every second for up to ${cli.reclaimSeconds} s\n`);
  const directives = cli.bigMemtableSize === undefined ? [] : ['--memtable-size', cli.bigMemtableSize];
  const target = await group.start(stratakvSpec(`${STRATAKV}-big`, 'everysec', directives));
  const pid = target.child.pid;
  if (pid === undefined) throw new Error('the --big server has no pid');
  const redis = connectClient(target.port);
  try {
    const loadSeconds = await fill(target.port, { type: 'hash', key: 'bench:big', members: fields, perCommand: cli.fillPerCommand, order: scattered(fields) }, 'big hash');
    if ((await redis.hlen('bench:big')) !== fields) throw new Error(`HLEN bench:big is not ${fields}`);
    progress(`big hash: ${count(fields / loadSeconds)} fields/s (${loadSeconds.toFixed(1)} s); waiting for compactions to settle`);
    const settled = await settle(pid, redis, cli.settleSeconds, progressUpdate);
    const storageBefore = await info(redis, 'storage');
    const tablesBefore = tableBytes(target.dir);
    const dirBefore = directoryBytes(target.dir);
    progress(`before DEL: tables ${mib(tablesBefore)} MiB, directory ${mib(dirBefore)} MiB; ${describeLevels(storageBefore)}`);

    // On one warm, idle connection: DEL of a one-field hash (the same write path, a tiny
    // collection), PINGs right before the big DEL (the last one is `ping`; the median of all says
    // how noisy the machine is), the DEL, and a PING right after.
    for (let i = 0; i < 3; i++) await redis.ping();
    await redis.hset('bench:small', 'f', 'v');
    const smallDel = await roundTrip(() => redis.del('bench:small'));
    const pings: number[] = [];
    for (let i = 0; i < PINGS_BEFORE_DEL; i++) pings.push((await roundTrip(() => redis.ping())).ms);
    const ping = { ms: pings[pings.length - 1] };
    const pingMedian = median(pings);
    const del = await roundTrip(() => redis.del('bench:big'));
    const pingAfter = await roundTrip(() => redis.ping());
    if (del.reply !== 1 || smallDel.reply !== 1) throw new Error(`DEL answered ${del.reply} (big) and ${smallDel.reply} (one field)`);
    if ((await redis.exists('bench:big')) !== 0) throw new Error('bench:big still exists after DEL');
    progress(`DEL ${ms(del.ms)} ms (PING right before ${ms(ping.ms)} ms, median of ${PINGS_BEFORE_DEL} ${ms(pingMedian)} ms; after ${ms(pingAfter.ms)} ms; DEL of a one-field hash ${ms(smallDel.ms)} ms)`);
    if (tablesBefore === 0) progress('nothing reached the tables before DEL (the whole hash is still in memtables): raise --big-fields or lower --big-memtable-size');

    const compactionsBefore = numberField(storageBefore, 'compactions');
    const cpuBefore = readCpuSeconds(pid);
    const started = performance.now();
    let halfAt: number | null = null;
    let reclaimedAt: number | null = null;
    let lastReport = started;
    let tables = tablesBefore;
    /** Seconds after DEL, table bytes and directory bytes, once a second. */
    const timeline: [number, number, number][] = [];
    while (tablesBefore > 0 && performance.now() - started < cli.reclaimSeconds * 1000) {
      await sleep(1000);
      tables = tableBytes(target.dir);
      const elapsed = (performance.now() - started) / 1000;
      timeline.push([Number(elapsed.toFixed(1)), tables, directoryBytes(target.dir)]);
      if (halfAt === null && tables <= tablesBefore / 2) halfAt = elapsed;
      if (tables <= tablesBefore * RECLAIMED_SHARE) {
        reclaimedAt = elapsed;
        break;
      }
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        const storage = await info(redis, 'storage');
        progress(`${elapsed.toFixed(0)} s after DEL: tables ${mib(tables)} MiB; ${numberField(storage, 'compactions') - compactionsBefore} compactions since; ${describeLevels(storage)}`);
      }
    }
    const waited = (performance.now() - started) / 1000;
    const storageAfter = await info(redis, 'storage');
    const dirAfter = directoryBytes(target.dir);
    const serverCpu = readCpuSeconds(pid) - cpuBefore;
    const compactions = numberField(storageAfter, 'compactions') - compactionsBefore;
    const partSeconds = (performance.now() - partStarted) / 1000;
    emit({
      part: 'big', fields, load_seconds: Number(loadSeconds.toFixed(1)), load_fields_per_sec: Math.round(fields / loadSeconds),
      settle_seconds: Number(settled.seconds.toFixed(1)), settled: settled.settled,
      ping_ms: Number(ping.ms.toFixed(3)), ping_median_ms: Number(pingMedian.toFixed(3)), del_ms: Number(del.ms.toFixed(3)), ping_after_ms: Number(pingAfter.ms.toFixed(3)), small_del_ms: Number(smallDel.ms.toFixed(3)),
      table_bytes_before: tablesBefore, dir_bytes_before: dirBefore, table_bytes_after: tables, dir_bytes_after: dirAfter,
      seconds_to_half: halfAt === null ? null : Number(halfAt.toFixed(1)), seconds_to_reclaimed: reclaimedAt === null ? null : Number(reclaimedAt.toFixed(1)),
      waited_seconds: Number(waited.toFixed(1)), compactions_after_del: compactions, server_cpu_seconds_after_del: Number(serverCpu.toFixed(1)),
      part_seconds: Number(partSeconds.toFixed(1)), timeline_seconds_tables_dir: timeline,
    });
    const reclaimedCell = tablesBefore === 0 ? 'not measured: no tables before DEL' : reclaimedAt === null ? `not within ${cli.reclaimSeconds} s (tables at ${((tables / tablesBefore) * 100).toFixed(0)}% of before when it stopped)` : `${reclaimedAt.toFixed(1)} s`;
    const rows = [
      ['load', `${count(fields / loadSeconds)} fields/s (${loadSeconds.toFixed(1)} s, HSET of ${cli.fillPerCommand} fields per command), then ${settled.seconds.toFixed(0)} s to settle${settled.settled ? '' : ' (did not)'}`],
      ['PING round trip right before', `${ms(ping.ms)} ms (median of the last ${PINGS_BEFORE_DEL}: ${ms(pingMedian)} ms)`],
      ['DEL round trip', `${ms(del.ms)} ms (target < ${DEL_TARGET_MS} ms: ${del.ms < DEL_TARGET_MS ? 'met' : '**missed**'})`],
      ['PING round trip right after', `${ms(pingAfter.ms)} ms`],
      ['DEL of a one-field hash just before', `${ms(smallDel.ms)} ms`],
      ['tables / data directory before DEL', `${mib(tablesBefore)} / ${mib(dirBefore)} MiB`],
      ['tables down to half', halfAt === null ? 'no' : `${halfAt.toFixed(1)} s after DEL`],
      [`tables down to ${RECLAIMED_SHARE * 100}% (reclaimed)`, reclaimedCell],
      ['tables / data directory at the end', `${mib(tables)} / ${mib(dirAfter)} MiB; ${describeLevels(storageAfter)}`],
      ['server work after DEL', `${compactions} compactions, ${serverCpu.toFixed(1)} CPU seconds (the sweep deletes members on the serving thread, compactions drop them)`],
    ];
    process.stdout.write(`\nPart 2: DEL of a ${count(fields)}-field hash (took ${partSeconds.toFixed(0)} s in all). StrataKV has no manual compaction command ` +
      `(DEBUG knows only SLEEP; FLUSHDB/FLUSHALL reclaim whole databases): the space comes back by itself or not at all.\n\n`);
    process.stdout.write(markdownTable(['measure', 'value'], rows) + '\n');
  } finally {
    redis.disconnect();
    await group.stop(target);
  }
}

// ---------------------------------------------------------------------------------------------
// Part 3: a huge sorted set with a small block cache: RSS and load rate

async function zsetRss(group: ProcessGroup, members: number): Promise<void> {
  const partStarted = performance.now();
  process.stdout.write(`# part 3 (--zset-rss): a sorted set of ${count(members)} members, block-cache-size ${cli.blockCacheSize}, appendfsync everysec\n`);
  const target = await group.start(stratakvSpec(`${STRATAKV}-zset-rss`, 'everysec', ['--block-cache-size', cli.blockCacheSize]));
  const pid = target.child.pid;
  if (pid === undefined) throw new Error('the --zset-rss server has no pid');
  const sampler = new MemorySampler(pid, 200);
  const redis = connectClient(target.port);
  try {
    const budget: RssBudget = await rssBudget(redis);
    sampler.takePhase();
    const loadSeconds = await fill(target.port, { type: 'zset', key: 'bench:zset', members, perCommand: cli.fillPerCommand, order: scattered(members) }, 'zset-rss');
    const loadPeaks = sampler.takePhase();
    if ((await redis.zcard('bench:zset')) !== members) throw new Error(`ZCARD bench:zset is not ${members}`);
    const loadRate = members / loadSeconds;
    progress(`zset-rss load: ${count(loadRate)} members/s (${loadSeconds.toFixed(1)} s); peak RSS ${mib(loadPeaks.rss)} MiB; waiting for compactions to settle`);
    const settled = await settle(pid, redis, cli.settleSeconds, progressUpdate);
    const settlePeaks = sampler.takePhase();
    const disk = directoryBytes(target.dir);

    const reads: [string, string[], number][] = [
      ['ZSCORE', ['ZSCORE', 'bench:zset', 'member:__rand_int__'], cli.zsetRssReads],
      ['ZRANGE BYSCORE LIMIT 10', ['ZRANGE', 'bench:zset', '__rand_int__', '+inf', 'BYSCORE', 'LIMIT', '0', '10'], cli.zsetRssReads],
      ['ZRANK', ['ZRANK', 'bench:zset', 'member:__rand_int__'], cli.zsetRssRankRequests],
    ];
    const readResults: { name: string; row: BenchmarkRow; peaks: MemoryPeaks; hitRatio: number | null }[] = [];
    for (const [name, command, requests] of reads) {
      const before = await info(redis, 'storage');
      sampler.takePhase();
      const shape: LoadShape = { port: target.port, clients: Math.min(cli.clients, requests), requests, keyspace: members, pipeline: 16 };
      const row = await runRedisBenchmarkCommand(group, shape, command);
      const peaks = sampler.takePhase();
      const after = await info(redis, 'storage');
      const hits = numberField(after, 'block_cache_hits') - numberField(before, 'block_cache_hits');
      const misses = numberField(after, 'block_cache_misses') - numberField(before, 'block_cache_misses');
      const hitRatio = hits + misses > 0 ? hits / (hits + misses) : null;
      progress(`zset-rss ${name}: ${count(row.rps)}/s, peak RSS ${mib(peaks.rss)} MiB, block cache hit ratio ${hitRatio === null ? 'n/a' : hitRatio.toFixed(3)}`);
      readResults.push({ name, row, peaks, hitRatio });
    }
    const hwm = sampler.takePhase().hwm;
    const readPeak = Math.max(...readResults.map((r) => r.peaks.rss));
    const partSeconds = (performance.now() - partStarted) / 1000;
    emit({
      part: 'zset-rss', members, block_cache_bytes: budget.cacheBytes, memtable_bytes: budget.memtableBytes, rss_budget_bytes: budget.budget,
      load_seconds: Number(loadSeconds.toFixed(1)), load_members_per_sec: Math.round(loadRate), peak_rss_load_bytes: loadPeaks.rss, peak_anon_load_bytes: loadPeaks.anon,
      settle_seconds: Number(settled.seconds.toFixed(1)), settled: settled.settled, peak_rss_settle_bytes: settlePeaks.rss, disk_bytes: disk,
      reads: readResults.map((r) => ({ command: r.name, rps: Math.round(r.row.rps), p99_ms: r.row.p99Ms, peak_rss_bytes: r.peaks.rss, cache_hit_ratio: r.hitRatio })),
      hwm_bytes: hwm, part_seconds: Number(partSeconds.toFixed(1)),
    });
    const met = (peak: number, bound: number): string => (peak < bound ? 'met' : '**missed**');
    const rows = [
      ['load', `${count(loadRate)} members/s (${loadSeconds.toFixed(1)} s; ZADD of ${cli.fillPerCommand} members per command, ${FILL_WINDOW} in flight, scattered order)`, ''],
      ['peak RSS during load', `${mib(loadPeaks.rss)} MiB (anonymous ${mib(loadPeaks.anon)})`,
        `< ${mib(budget.budget)} MiB: ${met(loadPeaks.rss, budget.budget)} (< ${mib(budget.writingBudget)} with full immutable memtables: ${met(loadPeaks.rss, budget.writingBudget)})`],
      ['settling after load', `${settled.seconds.toFixed(0)} s${settled.settled ? '' : ' (did not settle)'}, peak RSS ${mib(settlePeaks.rss)} MiB`, ''],
      ...readResults.map((r) => [
        `${r.name}, random, -P16 (${count(r.row.rps)}/s, p99 ${r.row.p99Ms.toFixed(2)} ms, cache hit ratio ${r.hitRatio === null ? 'n/a' : r.hitRatio.toFixed(3)})`,
        `peak RSS ${mib(r.peaks.rss)} MiB (anonymous ${mib(r.peaks.anon)})`, `< ${mib(budget.budget)} MiB: ${met(r.peaks.rss, budget.budget)}`,
      ]),
      ['VmHWM (the kernel\'s peak, whole run)', `${mib(hwm)} MiB`, ''],
      ['data directory', `${mib(disk)} MiB`, ''],
    ];
    process.stdout.write(`\nPart 3: a ${count(members)}-member sorted set, block cache ${mib(budget.cacheBytes)} MiB, memtable ${mib(budget.memtableBytes)} MiB; ` +
      `budget = cache + memtable + 150 MiB = ${mib(budget.budget)} MiB; peak during reads ${mib(readPeak)} MiB (took ${partSeconds.toFixed(0)} s in all)\n\n`);
    process.stdout.write(markdownTable(['measure', 'value', 'budget'], rows) + '\n');
  } finally {
    sampler.stop();
    redis.disconnect();
    await group.stop(target);
  }
}

// ---------------------------------------------------------------------------------------------
// The run

process.stdout.write(`# types: ${machineDescription()}\n`);
await runBench(
  'types',
  async (group) => {
    if (cli.throughput) await throughput(group);
    if (cli.big === true) await bigDelete(group);
    if (cli.zsetRss !== undefined) await zsetRss(group, cli.zsetRss);
  },
  cli.timeoutMinutes,
);
