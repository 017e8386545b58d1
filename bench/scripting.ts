/**
 * Lua scripting throughput: EVAL of a 3-command script and EVALSHA of the same script, at --clients
 * connections (redis-benchmark, no pipelining), StrataKV (appendfsync everysec) next to
 * redis-server (appendonly yes, appendfsync everysec) in the same run, rounds interleaved; plus the
 * script's three commands sent one by one (SET) as a reference for what a plain command costs.
 * Reported: median requests/s and the StrataKV / redis-server ratio.
 *
 * The script: `local n = redis.call('incr', KEYS[1]) redis.call('set', KEYS[1] .. ':v', ARGV[1])
 * return redis.call('get', KEYS[1] .. ':v')` over --keyspace keys.
 *
 *   npm run bench:scripting -- [--clients 50] [--requests 200000] [--rounds 3] [--keyspace 100000]
 *
 * JSON lines and a markdown table go to stdout; progress to stderr.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { encodeCommand } from './lib/collection-load.js';
import {
  ProcessGroup, runBench, machineDescription, markdownTable, median, redisBenchmarkMissing, redisServerMissing, redisSpec,
  runRedisBenchmarkCommand, stratakvSpec, type RunningTarget, type TargetSpec,
} from './lib/resp-targets.js';

const program = new Command('scripting')
  .description('EVAL and EVALSHA of a 3-command script at 50 clients: StrataKV vs redis-server (AOF everysec)')
  .option('--clients <n>', 'connections', positiveInt, 50)
  .option('--requests <n>', 'requests per run', positiveInt, 200_000)
  .option('--rounds <n>', 'runs of each form per target (the median is reported)', positiveInt, 3)
  .option('--keyspace <n>', 'keys the script touches', positiveInt, 100_000)
  .parse();
const cli = program.opts<{ clients: number; requests: number; rounds: number; keyspace: number }>();

const SCRIPT = "local n = redis.call('incr', KEYS[1]) redis.call('set', KEYS[1] .. ':v', ARGV[1]) return redis.call('get', KEYS[1] .. ':v')";
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

const FORMS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['EVAL (3 commands)', ['EVAL', SCRIPT, '1', 'key:__rand_int__', 'value']],
  ['EVALSHA (3 commands)', ['EVALSHA', SHA, '1', 'key:__rand_int__', 'value']],
  ['SET (reference)', ['SET', 'key:__rand_int__:v', 'value']],
];

/** SCRIPT LOAD on a target, so EVALSHA finds the script. */
function loadScript(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(encodeCommand(['SCRIPT', 'LOAD', SCRIPT])));
    let reply = '';
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      if (!reply.endsWith('\r\n')) return;
      socket.destroy();
      if (reply.includes(SHA)) resolve();
      else reject(new Error(`SCRIPT LOAD answered ${JSON.stringify(reply)}`));
    });
    socket.once('error', reject);
  });
}

async function main(group: ProcessGroup): Promise<void> {
  const benchMissing = redisBenchmarkMissing();
  if (benchMissing !== undefined) throw new Error(benchMissing);
  const specs: TargetSpec[] = [stratakvSpec('stratakv', 'everysec')];
  const missing = redisServerMissing();
  if (missing === undefined) specs.push(redisSpec('redis-aof', 'aof-everysec'));
  else process.stderr.write(`# ${missing}: StrataKV alone\n`);
  const running: RunningTarget[] = [];
  for (const spec of specs) running.push(await group.start(spec));
  for (const target of running) await loadScript(target.port);
  const rps = new Map<string, number[]>();
  for (let round = 1; round <= cli.rounds; round++) {
    for (const [form, command] of FORMS) {
      for (const target of running) {
        const row = await runRedisBenchmarkCommand(group, { port: target.port, clients: cli.clients, requests: cli.requests, keyspace: cli.keyspace, pipeline: 1 }, command);
        const key = `${form}\0${target.spec.name}`;
        rps.set(key, [...(rps.get(key) ?? []), row.rps]);
        process.stderr.write(`# round ${round}/${cli.rounds} ${form} ${target.spec.name}: ${Math.round(row.rps)} req/s\n`);
      }
    }
  }
  const rows: string[][] = [];
  for (const [form] of FORMS) {
    const values = running.map((t) => median(rps.get(`${form}\0${t.spec.name}`) ?? []));
    running.forEach((t, i) => process.stdout.write(JSON.stringify({ bench: 'scripting', form, target: t.spec.name, clients: cli.clients, rps: Math.round(values[i]) }) + '\n'));
    const ratio = values.length === 2 ? (values[0] / values[1]).toFixed(2) : '-';
    rows.push([form, ...values.map((v) => String(Math.round(v))), ratio]);
  }
  process.stdout.write(`\n${machineDescription()}; ${cli.clients} clients, ${cli.requests} requests per run, median of ${cli.rounds}\n\n`);
  process.stdout.write(markdownTable(['form', ...running.map((t) => `${t.spec.name} req/s`), 'ratio'], rows) + '\n');
}

await runBench('scripting', main);
