/**
 * Blocking pops: what idle blocked clients cost, and how fast a push reaches a blocked BRPOP.
 * StrataKV (appendfsync everysec) next to redis-server (appendonly yes, appendfsync everysec),
 * each in turn with the same client code.
 *
 * 1. Wake-up latency: one client loops on BRPOP, another LPUSHes one element 1 ms after each
 *    delivery (so the consumer is blocked again); the time from sending the LPUSH to receiving
 *    the BRPOP reply, p50 / p99 / max over --samples.
 * 2. Idle cost: the server's CPU time (/proc) over --idle-seconds with one connection, then with
 *    --clients idle connections, then with each of them blocked in BLPOP on a key of its own (INFO
 *    blocked_clients checked): a blocked client must cost nothing more than an idle connection
 *    until one of its keys is written.
 * 3. The wake-up latency again, with those clients still blocked.
 *
 *   npm run bench:blocking -- [--clients 10000] [--idle-seconds 5] [--samples 2000]
 *
 * JSON lines and a markdown table go to stdout; progress to stderr.
 */
import net from 'node:net';
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { readCpuSeconds } from './lib/proc-stats.js';
import { ProcessGroup, runBench, machineDescription, markdownTable, redisServerMissing, redisSpec, stratakvSpec, type RunningTarget, type TargetSpec } from './lib/resp-targets.js';

/** Connections opened at once (the listen backlog is 511 on both servers). */
const CONNECT_BATCH = 250;

const program = new Command('blocking')
  .description('Blocked clients: idle CPU of many blocked BLPOPs, and BRPOP wake-up latency, StrataKV vs redis-server (AOF everysec)')
  .option('--clients <n>', 'idle blocked connections', positiveInt, 10_000)
  .option('--idle-seconds <n>', 'seconds the server CPU is measured with them blocked', positiveInt, 5)
  .option('--samples <n>', 'push → delivery samples per latency run', positiveInt, 2000)
  .option('--timeout-minutes <n>', 'stop everything and fail after this long', positiveInt, 20)
  .parse();

interface CliOptions {
  clients: number;
  idleSeconds: number;
  samples: number;
  timeoutMinutes: number;
}
const cli = program.opts<CliOptions>();

function encode(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Sends one command and resolves with the reply text once `complete` accepts what arrived. */
function request(socket: net.Socket, args: readonly string[], complete: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      if (!complete(text)) return;
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData);
    socket.write(encode(args));
  });
}

async function blockedClients(ctl: net.Socket): Promise<number> {
  const text = await request(ctl, ['INFO', 'clients'], (t) => t.includes('tracking_clients'));
  return Number(/blocked_clients:(\d+)/.exec(text)?.[1] ?? -1);
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** BRPOP wake-up: push → delivery, in ms. Every reply must carry the element pushed. */
async function wakeLatency(port: number, key: string): Promise<Latency> {
  const consumer = await connect(port);
  const producer = await connect(port);
  const samples: number[] = [];
  try {
    for (let i = 0; i < cli.samples; i++) {
      const value = `v${i}`;
      const expected = `*2\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
      const delivered = request(consumer, ['BRPOP', key, '0'], (t) => t.length >= expected.length);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const t0 = performance.now();
      const pushed = request(producer, ['LPUSH', key, value], (t) => t.endsWith('\r\n'));
      const reply = await delivered;
      samples.push(performance.now() - t0);
      await pushed;
      if (reply !== expected) throw new Error(`BRPOP answered ${JSON.stringify(reply)}, expected ${JSON.stringify(expected)}`);
    }
  } finally {
    consumer.destroy();
    producer.destroy();
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
}

/** `count` idle connections. */
async function connectMany(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch: Array<Promise<net.Socket>> = [];
    for (let k = i; k < Math.min(count, i + CONNECT_BATCH); k++) batch.push(connect(port));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Blocks each connection in BLPOP on a key of its own; resolves once the server counts them all. */
async function blockAll(sockets: readonly net.Socket[], ctl: net.Socket): Promise<void> {
  for (const [i, socket] of sockets.entries()) socket.write(encode(['BLPOP', `bench:idle:${i}`, '0']));
  const deadline = Date.now() + 120_000;
  while ((await blockedClients(ctl)) !== sockets.length) {
    if (Date.now() > deadline) throw new Error(`blocked_clients never reached ${sockets.length}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function closeAll(sockets: readonly net.Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => {
    s.once('close', () => resolve());
    s.destroy();
  })));
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/** The server's CPU use, in percent of one core, over --idle-seconds of this process doing nothing. */
async function idleCpu(pid: number): Promise<number> {
  const cpu0 = readCpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, cli.idleSeconds * 1000));
  return ((readCpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
}

interface Result {
  readonly target: string;
  readonly latencyIdle: Latency;
  /** CPU % with one idle connection (the baseline the blocked clients are compared to). */
  readonly baselineCpuPercent: number;
  /** CPU % with --clients idle connections, none blocked (what the connections alone cost). */
  readonly connectedCpuPercent: number;
  readonly idleCpuPercent: number;
  readonly latencyWithBlocked: Latency;
}

async function measure(target: RunningTarget): Promise<Result> {
  const pid = target.child.pid ?? 0;
  process.stderr.write(`# ${target.spec.name}: wake-up latency, ${cli.samples} samples\n`);
  const latencyIdle = await wakeLatency(target.port, 'bench:lat');
  const ctl = await connect(target.port);
  const baselineCpuPercent = await idleCpu(pid);
  process.stderr.write(`# ${target.spec.name}: ${cli.clients} connections\n`);
  const sockets = await connectMany(target.port, cli.clients);
  try {
    // Let the connection storm's after-effects (GC, buffers) settle before measuring idle.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const connectedCpuPercent = await idleCpu(pid);
    process.stderr.write(`# ${target.spec.name}: blocking them\n`);
    await blockAll(sockets, ctl);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleCpuPercent = await idleCpu(pid);
    process.stderr.write(`# ${target.spec.name}: ${cli.clients} blocked clients, server CPU ${idleCpuPercent.toFixed(2)} % while idle\n`);
    const latencyWithBlocked = await wakeLatency(target.port, 'bench:lat2');
    if ((await blockedClients(ctl)) !== cli.clients) throw new Error('a blocked client was lost');
    return { target: target.spec.name, latencyIdle, baselineCpuPercent, connectedCpuPercent, idleCpuPercent, latencyWithBlocked };
  } finally {
    ctl.destroy();
    await closeAll(sockets);
  }
}

async function main(group: ProcessGroup): Promise<void> {
  const maxclients = ['--maxclients', String(cli.clients + 100)];
  const specs: TargetSpec[] = [stratakvSpec('stratakv', 'everysec', maxclients)];
  const missing = redisServerMissing();
  if (missing === undefined) {
    const redis = redisSpec('redis-aof', 'aof-everysec');
    specs.push({ ...redis, command: (port, dir) => {
      const c = redis.command(port, dir);
      return { ...c, args: [...c.args, ...maxclients] };
    } });
  } else {
    process.stderr.write(`# ${missing}: StrataKV alone\n`);
  }
  const results: Result[] = [];
  for (const spec of specs) {
    const target = await group.start(spec);
    try {
      const result = await measure(target);
      results.push(result);
      process.stdout.write(JSON.stringify({ bench: 'blocking', clients: cli.clients, samples: cli.samples, idleSeconds: cli.idleSeconds, ...result }) + '\n');
    } finally {
      await group.stop(target);
    }
  }
  const ms = (v: number): string => v.toFixed(3);
  const rows = results.map((r) => [
    r.target,
    r.baselineCpuPercent.toFixed(2),
    r.connectedCpuPercent.toFixed(2),
    r.idleCpuPercent.toFixed(2),
    ms(r.latencyIdle.p50), ms(r.latencyIdle.p99), ms(r.latencyIdle.max),
    ms(r.latencyWithBlocked.p50), ms(r.latencyWithBlocked.p99),
  ]);
  process.stdout.write(`\nBlocking pops: ${cli.clients} idle blocked clients for ${cli.idleSeconds} s; BRPOP wake-up over ${cli.samples} samples (ms, push sent → reply received)\n\n`);
  process.stdout.write(markdownTable(['server', 'CPU % idle', `CPU % with ${cli.clients} connections`, `CPU % with them blocked`, 'wake p50', 'wake p99', 'wake max', `p50 with ${cli.clients} blocked`, `p99 with ${cli.clients} blocked`], rows) + '\n');
}

process.stdout.write(`# blocking: ${machineDescription()}\n`);
await runBench('blocking', main, cli.timeoutMinutes);
