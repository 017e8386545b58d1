/**
 * The cost of ACL checks (issue 17): redis-benchmark GET at -P16 against one StrataKV, as the
 * default user (unrestricted: the check is one property test) and as a user limited to `~app:*`
 * (+@all: a command bit test and a glob match of the key), in interleaved rounds on the same
 * server and keys.
 *
 *   npm run bench:acl -- [--rounds 5] [--requests 1000000] [--clients 50] [--pipeline 16]
 *
 * Prints one JSON line per round and user, then the medians and the limited user's ratio.
 */
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { Acl } from '../src/acl/acl.js';
import { checkCommand } from '../src/acl/check.js';
import { allCommands } from '../src/commands/index.js';
import { CommandTable } from '../src/command-table/registry.js';
import type { CommandHandler } from '../src/commands/types.js';
import { median, redisBenchmarkMissing, runBench, runRedisBenchmarkCommand, stratakvSpec, type LoadShape } from './lib/resp-targets.js';

const program = new Command('acl')
  .description('GET -P16 as the default user and as a user limited to ~app:*, interleaved rounds')
  .option('--rounds <n>', 'interleaved rounds (the median is reported)', positiveInt, 5)
  .option('--requests <n>', 'requests per redis-benchmark run (-n)', positiveInt, 1_000_000)
  .option('--clients <n>', 'client connections (-c)', positiveInt, 50)
  .option('--pipeline <n>', 'pipeline depth (-P)', positiveInt, 16)
  .option('--keyspace <n>', 'random key space (-r)', positiveInt, 100_000)
  .parse();
const cli = program.opts<{ rounds: number; requests: number; clients: number; pipeline: number; keyspace: number }>();

const missing = redisBenchmarkMissing();
if (missing !== undefined) {
  process.stderr.write(`acl: ${missing}; nothing to measure with.\n`);
  process.exit(1);
}

await runBench('acl', async (group) => {
  const target = await group.start(stratakvSpec('stratakv', 'everysec'));
  const shape: LoadShape = { port: target.port, clients: cli.clients, requests: cli.requests, keyspace: cli.keyspace, pipeline: cli.pipeline };
  await group.run('redis-cli', ['-p', String(target.port), 'ACL', 'SETUSER', 'app', 'on', '>apppw', '~app:*', '+@all']);
  await runRedisBenchmarkCommand(group, { ...shape, requests: cli.keyspace * 3 }, ['SET', 'app:__rand_int__', 'value']);
  const as = { default: [] as number[], app: [] as number[] };
  for (let round = 1; round <= cli.rounds; round++) {
    for (const user of ['default', 'app'] as const) {
      const auth = user === 'app' ? ['--user', 'app', '-a', 'apppw'] : [];
      const row = await runRedisBenchmarkCommand(group, shape, [...auth, 'GET', 'app:__rand_int__']);
      as[user].push(row.rps);
      process.stdout.write(JSON.stringify({ bench: 'acl', round, user, pipeline: cli.pipeline, rps: row.rps, p50Ms: row.p50Ms, p99Ms: row.p99Ms }) + '\n');
    }
  }
  const unrestricted = median(as.default);
  const limited = median(as.app);
  process.stdout.write(`GET -P${cli.pipeline}, median of ${cli.rounds}: default user ${Math.round(unrestricted)} rps, ~app:* user ${Math.round(limited)} rps, ratio ${(limited / unrestricted).toFixed(3)}\n`);
  // The check alone, in this process: what it adds to each GET, against the time a GET takes
  // the server (one core) at the default user's rate. Steadier than the ratio on a busy machine.
  const perCheckNs = checkCostNs();
  const perGetNs = 1e9 / unrestricted;
  process.stdout.write(`the check for GET app:<n> as the ~app:* user: ${perCheckNs.toFixed(0)} ns, ${((100 * perCheckNs) / perGetNs).toFixed(2)} % of a GET at ${Math.round(unrestricted)} rps\n`);
});

/** ns per ACL check of `GET app:<12 digits>` for a user with ~app:* +@all, as the dispatcher makes it. */
function checkCostNs(): number {
  const table = new CommandTable<CommandHandler>();
  for (const spec of allCommands) table.add(spec);
  const acl = new Acl(table);
  const set = acl.setUser('app', ['on', '>apppw', '~app:*', '+@all']);
  if ('error' in set) throw new Error(set.error);
  const command = acl.catalog.of(table.lookupString('get')!)!;
  const keys = Array.from({ length: 1024 }, (_, i) => [Buffer.from('GET'), Buffer.from(`app:${String(i * 7919).padStart(12, '0')}`)]);
  const run = (n: number): number => {
    let denied = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (checkCommand(set.user, command, keys[i & 1023]) !== null) denied++;
    const ns = Number(process.hrtime.bigint() - t0);
    if (denied !== 0) throw new Error('the check refused a key it allows');
    return ns / n;
  };
  run(200_000);
  return Math.min(run(2_000_000), run(2_000_000), run(2_000_000));
}
