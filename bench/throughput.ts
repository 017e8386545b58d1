/**
 * Throughput over RESP (issue 5, benchmark 1): redis-benchmark against StrataKV (appendfsync
 * everysec), the Node runtime ceiling (a Map behind redis-parser), redis-server with AOF everysec
 * and redis-server without persistence, side by side in interleaved rounds on the same machine.
 *
 *   npm run bench:throughput -- [--rounds 3] [--requests 200000] [--sizes 100,1024,16384]
 *                               [--pipelines 1,16] [--tests set,get,incr,mset] [--clients 50]
 *
 * Prints one JSON line per (test, pipeline, size, target) with the medians over the rounds, then a
 * table with each target's ratio to redis without persistence and StrataKV's ratio to the ceiling.
 */
import { Command } from 'commander';
import { positiveInt, intList, nameList } from './lib/cli.js';
import {
  ProcessGroup, ceilingSpec, formatTable, machineDescription, redisBenchmarkMissing,
  redisServerMissing, redisSpec, resultJson, runInterleaved, stratakvSpec, type TargetSpec, type ThroughputResult,
} from './lib/resp-targets.js';

const KNOWN_TESTS = ['set', 'get', 'incr', 'mset'];
const REDIS_PLAIN = 'redis';
const CEILING = 'node-ceiling';
const STRATAKV = 'stratakv';

const program = new Command('throughput')
  .description('redis-benchmark: StrataKV vs node-ceiling vs redis-server (AOF everysec, and no persistence), interleaved rounds')
  .option('--rounds <n>', 'interleaved rounds (the median is reported)', positiveInt, 3)
  .option('--requests <n>', 'requests per redis-benchmark test (-n)', positiveInt, 200_000)
  .option('--sizes <list>', 'value sizes in bytes (-d)', intList, [100])
  .option('--pipelines <list>', 'pipeline depths (-P)', intList, [1, 16])
  .option('--tests <list>', 'redis-benchmark tests', nameList(KNOWN_TESTS), KNOWN_TESTS)
  .option('--clients <n>', 'client connections (-c)', positiveInt, 50)
  .option('--keyspace <n>', 'random key space (-r)', positiveInt, 1_000_000)
  .option('--max-data-mb <n>', 'caps the key space so keyspace x size stays under this per server (16 KiB values x 1 M keys would be 16 GiB)', positiveInt, 1024)
  .parse();

interface CliOptions {
  rounds: number;
  requests: number;
  sizes: number[];
  pipelines: number[];
  tests: string[];
  clients: number;
  keyspace: number;
  maxDataMb: number;
}
const cli = program.opts<CliOptions>();

const benchmarkMissing = redisBenchmarkMissing();
if (benchmarkMissing !== undefined) {
  process.stderr.write(`throughput: ${benchmarkMissing}; nothing to measure with.\n`);
  process.exit(1);
}

const specs: TargetSpec[] = [stratakvSpec(STRATAKV, 'everysec'), ceilingSpec()];
const redisMissing = redisServerMissing();
if (redisMissing === undefined) specs.push(redisSpec('redis-aof', 'aof-everysec'), redisSpec(REDIS_PLAIN, 'none'));
else process.stdout.write(`# skipping redis-aof and redis targets: ${redisMissing}\n`);

const keyspaceFor = (size: number): number => Math.max(1, Math.min(cli.keyspace, Math.floor((cli.maxDataMb * 2 ** 20) / size)));

process.stdout.write(`# throughput: ${machineDescription()}\n`);
process.stdout.write(
  `# ${cli.rounds} rounds, -c ${cli.clients} -n ${cli.requests}, tests ${cli.tests.join(',')}, -P ${cli.pipelines.join(',')}, ` +
    `sizes ${cli.sizes.map((s) => `${s} B (-r ${keyspaceFor(s)})`).join(', ')}; targets ${specs.map((s) => s.name).join(', ')}\n`,
);

const group = new ProcessGroup();
group.install();
let results: ThroughputResult[];
try {
  results = await runInterleaved(group, {
    specs,
    tests: cli.tests,
    pipelines: cli.pipelines,
    sizes: cli.sizes,
    rounds: cli.rounds,
    clients: cli.clients,
    requests: cli.requests,
    keyspaceFor,
    onProgress: (line) => process.stderr.write(`# ${line}\n`),
  });
} catch (error) {
  if (!group.interrupted) process.stderr.write(`throughput: ${(error as Error).stack ?? String(error)}\n`);
  await group.stopAll();
  process.exit(group.failureExitCode);
}
await group.stopAll();

for (const result of results) process.stdout.write(resultJson('throughput', result) + '\n');

/** "MSET (10 keys)" -> "mset": the order of --tests decides the order of the table. */
const testRank = (test: string): number => cli.tests.indexOf(test.split(' ')[0].toLowerCase());
const cell = (test: string, pipeline: number, size: number, target: string): ThroughputResult | undefined =>
  results.find((r) => r.test === test && r.pipeline === pipeline && r.size === size && r.target === target);
const ratio = (a: ThroughputResult | undefined, b: ThroughputResult | undefined): string =>
  a !== undefined && b !== undefined && b.rps > 0 ? (a.rps / b.rps).toFixed(2) : '-';

const testNames = [...new Set(results.map((r) => r.test))].sort((a, b) => testRank(a) - testRank(b));
const names = specs.map((s) => s.name);
const header = ['test', 'size', '-P'];
for (const name of names) header.push(`${name} rps`, 'p99 ms', `/${REDIS_PLAIN}`);
header.push(`${STRATAKV}/ceiling`);
const rows: string[][] = [];
for (const size of cli.sizes) {
  for (const pipeline of cli.pipelines) {
    for (const test of testNames) {
      const baseline = cell(test, pipeline, size, REDIS_PLAIN);
      const row = [test, String(size), String(pipeline)];
      for (const name of names) {
        const result = cell(test, pipeline, size, name);
        row.push(result === undefined ? '-' : Math.round(result.rps).toLocaleString('en-US'), result === undefined ? '-' : result.p99Ms.toFixed(2), ratio(result, baseline));
      }
      row.push(ratio(cell(test, pipeline, size, STRATAKV), cell(test, pipeline, size, CEILING)));
      rows.push(row);
    }
  }
}
process.stdout.write(`\nthroughput, medians of ${cli.rounds} interleaved rounds; /${REDIS_PLAIN} = ratio to redis-server without persistence\n`);
process.stdout.write(formatTable(header, rows) + '\n');
