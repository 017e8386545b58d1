/**
 * Durable writes (issue 5, benchmark 2): SET from 50 clients against StrataKV with appendfsync
 * always, everysec and no, in interleaved rounds. The figure that matters is always / everysec:
 * group commit should let an fsync per acknowledged batch cost at most half the throughput
 * (target >= 0.5).
 *
 *   npm run bench:durability -- [--rounds 3] [--requests 200000] [--pipelines 1,16] [--size 100]
 *                               [--clients 50]
 */
import { Command } from 'commander';
import { positiveInt, intList } from './lib/cli.js';
import {
  ProcessGroup, formatTable, machineDescription, redisBenchmarkMissing, resultJson, runInterleaved,
  stratakvSpec, type ThroughputResult,
} from './lib/resp-targets.js';

const TARGET_RATIO = 0.5;
const POLICIES = ['always', 'everysec', 'no'] as const;
const nameOf = (policy: string): string => `stratakv-${policy}`;



const program = new Command('durability')
  .description('SET throughput of StrataKV with appendfsync always vs everysec vs no, interleaved rounds')
  .option('--rounds <n>', 'interleaved rounds (the median is reported)', positiveInt, 3)
  .option('--requests <n>', 'SET requests per run (-n)', positiveInt, 200_000)
  .option('--pipelines <list>', 'pipeline depths (-P)', intList, [1, 16])
  .option('--size <n>', 'value size in bytes (-d)', positiveInt, 100)
  .option('--clients <n>', 'client connections (-c)', positiveInt, 50)
  .option('--keyspace <n>', 'random key space (-r)', positiveInt, 1_000_000)
  .parse();

interface CliOptions {
  rounds: number;
  requests: number;
  pipelines: number[];
  size: number;
  clients: number;
  keyspace: number;
}
const cli = program.opts<CliOptions>();

const benchmarkMissing = redisBenchmarkMissing();
if (benchmarkMissing !== undefined) {
  process.stderr.write(`durability: ${benchmarkMissing}; nothing to measure with.\n`);
  process.exit(1);
}

process.stdout.write(`# durability: ${machineDescription()}\n`);
process.stdout.write(`# ${cli.rounds} rounds, SET -c ${cli.clients} -n ${cli.requests} -r ${cli.keyspace} -d ${cli.size}, -P ${cli.pipelines.join(',')}\n`);

const group = new ProcessGroup();
group.install();
let results: ThroughputResult[];
try {
  results = await runInterleaved(group, {
    specs: POLICIES.map((policy) => stratakvSpec(nameOf(policy), policy)),
    tests: ['set'],
    pipelines: cli.pipelines,
    sizes: [cli.size],
    rounds: cli.rounds,
    clients: cli.clients,
    requests: cli.requests,
    keyspaceFor: () => cli.keyspace,
    onProgress: (line) => process.stderr.write(`# ${line}\n`),
  });
} catch (error) {
  if (!group.interrupted) process.stderr.write(`durability: ${(error as Error).stack ?? String(error)}\n`);
  await group.stopAll();
  process.exit(group.failureExitCode);
}
await group.stopAll();

for (const result of results) process.stdout.write(resultJson('durability', result) + '\n');

const cell = (pipeline: number, policy: string): ThroughputResult | undefined =>
  results.find((r) => r.pipeline === pipeline && r.target === nameOf(policy));
const header = ['-P'];
for (const policy of POLICIES) header.push(`${policy} rps`, 'p50 ms', 'p99 ms');
header.push('always/everysec', `>= ${TARGET_RATIO}`);
const rows: string[][] = [];
for (const pipeline of cli.pipelines) {
  const row = [String(pipeline)];
  for (const policy of POLICIES) {
    const result = cell(pipeline, policy);
    row.push(result === undefined ? '-' : Math.round(result.rps).toLocaleString('en-US'), result?.p50Ms.toFixed(2) ?? '-', result?.p99Ms.toFixed(2) ?? '-');
  }
  const always = cell(pipeline, 'always');
  const everysec = cell(pipeline, 'everysec');
  const value = always !== undefined && everysec !== undefined && everysec.rps > 0 ? always.rps / everysec.rps : undefined;
  row.push(value === undefined ? '-' : value.toFixed(2), value === undefined ? '-' : value >= TARGET_RATIO ? 'yes' : 'NO');
  if (value !== undefined) process.stdout.write(JSON.stringify({ bench: 'durability', metric: 'always/everysec', pipeline, size: cli.size, ratio: Number(value.toFixed(3)), target: TARGET_RATIO }) + '\n');
  rows.push(row);
}
process.stdout.write(`\ndurable SET, medians of ${cli.rounds} interleaved rounds, ${cli.clients} clients, ${cli.size} B values\n`);
process.stdout.write(formatTable(header, rows) + '\n');
