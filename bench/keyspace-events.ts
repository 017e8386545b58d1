/**
 * What keyspace notifications cost a write: SET at -P16 (redis-benchmark) with
 * notify-keyspace-events off, on ('KEA') with nobody subscribed, and on with one subscriber
 * PSUBSCRIBEd to every keyspace and keyevent channel (two messages per SET), on StrataKV
 * (appendfsync everysec) and, for the same ratios, redis-server (appendonly yes, everysec). The
 * modes take turns round by round; medians are reported.
 *
 *   npm run bench:keyspace-events -- [--requests 400000] [--clients 50] [--rounds 3]
 *
 * JSON lines (one per target and mode) and a markdown table go to stdout; progress to stderr.
 */
import net from 'node:net';
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { encodeCommand } from './lib/collection-load.js';
import {
  ProcessGroup, runBench,
  machineDescription,
  markdownTable,
  median,
  redisBenchmarkMissing,
  redisServerMissing,
  redisSpec,
  runRedisBenchmark,
  stratakvSpec,
  type RunningTarget,
  type TargetSpec,
} from './lib/resp-targets.js';

const program = new Command('keyspace-events')
  .description('SET -P16 with keyspace notifications off, on without subscribers, on with one subscriber')
  .option('--requests <n>', 'SETs per run', positiveInt, 400_000)
  .option('--clients <n>', 'redis-benchmark connections', positiveInt, 50)
  .option('--rounds <n>', 'runs of each mode per target (the median is reported)', positiveInt, 3)
  .parse();
const cli = program.opts<{ requests: number; clients: number; rounds: number }>();

type Mode = 'off' | 'KEA, no subscriber' | 'KEA, one subscriber';
const MODES: readonly Mode[] = ['off', 'KEA, no subscriber', 'KEA, one subscriber'];

/** Sends one command and waits for a reply line (enough for CONFIG SET and PSUBSCRIBE's first notice). */
function oneCommand(socket: net.Socket, args: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    socket.once('data', () => resolve());
    socket.write(encodeCommand(args));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Runs one mode against one target; returns SETs per second. */
async function runMode(group: ProcessGroup, target: RunningTarget, mode: Mode): Promise<number> {
  const control = await connect(target.port);
  await oneCommand(control, ['CONFIG', 'SET', 'notify-keyspace-events', mode === 'off' ? '' : 'KEA']);
  let subscriber: net.Socket | null = null;
  let received = 0;
  if (mode === 'KEA, one subscriber') {
    subscriber = await connect(target.port);
    await oneCommand(subscriber, ['PSUBSCRIBE', '__key*@*__:*']);
    // Reads everything, as a live subscriber does (counting bytes keeps the work honest).
    subscriber.on('data', (chunk: Buffer) => (received += chunk.length));
  }
  try {
    const rows = await runRedisBenchmark(group, { port: target.port, clients: cli.clients, requests: cli.requests, keyspace: 100_000, pipeline: 16, tests: ['set'], valueSize: 3 });
    return rows[0].rps;
  } finally {
    subscriber?.destroy();
    control.destroy();
    if (subscriber !== null) process.stderr.write(`#   subscriber received ${(received / 1e6).toFixed(1)} MB\n`);
  }
}

async function main(group: ProcessGroup): Promise<void> {
  const missing = redisBenchmarkMissing();
  if (missing !== undefined) throw new Error(missing);
  const specs: TargetSpec[] = [stratakvSpec('stratakv', 'everysec')];
  if (redisServerMissing() === undefined) specs.push(redisSpec('redis-aof', 'aof-everysec'));
  const running: RunningTarget[] = [];
  for (const spec of specs) running.push(await group.start(spec));
  const results = new Map<string, number[]>();
  for (let round = 0; round < cli.rounds; round++) {
    for (const target of running) {
      for (const mode of MODES) {
        process.stderr.write(`# round ${round + 1}: ${target.spec.name}, ${mode}\n`);
        const rps = await runMode(group, target, mode);
        const key = `${target.spec.name}\0${mode}`;
        results.set(key, [...(results.get(key) ?? []), rps]);
      }
    }
  }
  const rows: string[][] = [];
  for (const target of running) {
    const off = median(results.get(`${target.spec.name}\0off`) ?? []);
    for (const mode of MODES) {
      const rps = median(results.get(`${target.spec.name}\0${mode}`) ?? []);
      process.stdout.write(JSON.stringify({ bench: 'keyspace-events', target: target.spec.name, mode, setPerSec: Math.round(rps), vsOff: rps / off }) + '\n');
      rows.push([target.spec.name, mode, String(Math.round(rps)), (rps / off).toFixed(2)]);
    }
  }
  process.stdout.write(`\n${machineDescription()}; SET -P16, ${cli.clients} clients, ${cli.requests} requests, median of ${cli.rounds}\n\n`);
  process.stdout.write(markdownTable(['server', 'notifications', 'SET/s', 'vs off'], rows) + '\n');
}

await runBench('keyspace-events', main);
