/**
 * The compare-and-set commands next to plain SET and GET: StrataKV (appendfsync everysec) only,
 * since redis-server 7.0 has none of them. redis-benchmark's custom-command form, 50 clients,
 * 100-byte values, one command per run, the runs of a round in turn, medians over --rounds:
 *   set          SET key:__rand_int__ <v>                 (a random key of the key space)
 *   get          GET key:__rand_int__                     (preloaded: every read hits)
 *   set-ifeq     SET key:__rand_int__ <v> IFEQ <v>        (holds: every call writes)
 *   set-ifdeq    SET key:__rand_int__ <v> IFDEQ <digest>  (holds: hashes the value, then writes)
 *   set-ifne     SET key:__rand_int__ <v> IFNE <v>        (fails: a read, no write)
 *   digest       DIGEST key:__rand_int__
 *   delifeq      DELIFEQ key:__rand_int__ <other>         (fails: a read, no write)
 *
 *   npm run build && node dist/bench/conditional-writes.js [--rounds 3] [-n 200000] [--pipelines 1,16] [--keys 100000]
 */
import { Command } from 'commander';
import { xxh3 } from '@node-rs/xxhash';
import { intList, positiveInt } from './lib/cli.js';
import { encodeCommand, sendPipelined } from './lib/collection-load.js';
import {
  ProcessGroup, machineDescription, markdownTable, median, redisBenchmarkMissing, runBench, runRedisBenchmarkCommand, stratakvSpec,
} from './lib/resp-targets.js';

const program = new Command('conditional-writes')
  .description('SET IFEQ/IFDEQ/IFNE, DIGEST and DELIFEQ next to SET and GET on StrataKV')
  .option('--rounds <n>', 'runs of each test (the median is reported)', positiveInt, 3)
  .option('-n, --requests <n>', 'requests per run', positiveInt, 200_000)
  .option('--pipelines <list>', 'pipeline depths', intList, [1, 16])
  .option('--keys <n>', 'key space (preloaded)', positiveInt, 100_000)
  .parse();
const cli = program.opts<{ rounds: number; requests: number; pipelines: number[]; keys: number }>();

const VALUE = 'v'.repeat(100);
const DIGEST = xxh3.xxh64(Buffer.from(VALUE)).toString(16).padStart(16, '0');
const KEY = 'key:__rand_int__';

const TESTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['set', ['SET', KEY, VALUE]],
  ['get', ['GET', KEY]],
  ['set-ifeq', ['SET', KEY, VALUE, 'IFEQ', VALUE]],
  ['set-ifdeq', ['SET', KEY, VALUE, 'IFDEQ', DIGEST]],
  ['set-ifne', ['SET', KEY, VALUE, 'IFNE', VALUE]],
  ['digest', ['DIGEST', KEY]],
  ['delifeq', ['DELIFEQ', KEY, 'other']],
];

async function main(group: ProcessGroup): Promise<void> {
  const missing = redisBenchmarkMissing();
  if (missing !== undefined) throw new Error(missing);
  const target = await group.start(stratakvSpec('stratakv', 'everysec'));
  // Every key of redis-benchmark's key space holds VALUE: its __rand_int__ is 12 digits, zero-padded.
  await sendPipelined({ port: target.port, count: cli.keys, window: 256, command: (i) => encodeCommand(['SET', `key:${String(i).padStart(12, '0')}`, VALUE]) });

  const rps = new Map<string, number[]>();
  for (let round = 0; round < cli.rounds; round++) {
    for (const pipeline of cli.pipelines) {
      for (const [name, command] of TESTS) {
        process.stderr.write(`# round ${round + 1}, -P${pipeline}, ${name}\n`);
        const row = await runRedisBenchmarkCommand(group, { port: target.port, clients: 50, requests: cli.requests, keyspace: cli.keys, pipeline }, command);
        const key = `${name}\0${pipeline}`;
        rps.set(key, [...(rps.get(key) ?? []), row.rps]);
        console.log(JSON.stringify({ bench: 'conditional-writes', test: name, pipeline, round, rps: row.rps, p50Ms: row.p50Ms, p99Ms: row.p99Ms }));
      }
    }
  }
  const header = ['command', ...cli.pipelines.flatMap((p) => [`-P${p} req/s`, `-P${p} vs SET`])];
  const rows = TESTS.map(([name]) => [name, ...cli.pipelines.flatMap((p) => {
    const mine = median(rps.get(`${name}\0${p}`) ?? []);
    const set = median(rps.get(`set\0${p}`) ?? []);
    return [Math.round(mine).toLocaleString('en-US'), (mine / set).toFixed(2)];
  })]);
  console.log(`\n${machineDescription()}; ${cli.rounds} rounds, medians, 50 clients, 100-byte values\n`);
  console.log(markdownTable(header, rows));
}

await runBench('conditional-writes', main);
