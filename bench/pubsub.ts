/**
 * PUBLISH fan-out: one channel, --subscribers connections subscribed to it (10,000), one publisher
 * sending --messages PUBLISHes of --size bytes with --window of them in flight. StrataKV
 * (appendfsync everysec) next to redis-server (appendonly yes, appendfsync everysec), round by
 * round, each server in turn with the same client code.
 *
 * A round is timed from the first PUBLISH sent until every subscriber has received every message
 * (counted in bytes: every message frame has the same size), so the figure is what subscribers
 * get, not what the publisher was told: deliveries/s = messages × subscribers / elapsed. The
 * publisher's rate (PUBLISH replies/s) is reported beside it. Every PUBLISH must answer with the
 * number of subscribers, or the round fails.
 *
 * The subscribers live in this process: on a small machine the client's own reading of 10,000
 * sockets can be the bottleneck, the same for both servers. So each round also reads the server's
 * CPU time (/proc) and reports deliveries per server CPU-second: what fan-out costs the server.
 *
 *   npm run bench:pubsub -- [--subscribers 10000] [--messages 1000] [--size 64] [--window 16] [--rounds 3]
 *
 * JSON lines (one per round and target) and a markdown table go to stdout; progress to stderr.
 */
import net from 'node:net';
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { readCpuSeconds } from './lib/proc-stats.js';
import { ProcessGroup, runBench, machineDescription, markdownTable, median, redisServerMissing, redisSpec, stratakvSpec, type RunningTarget, type TargetSpec } from './lib/resp-targets.js';

const CHANNEL = 'bench:fanout';
/** Connections opened at once while subscribing (the listen backlog is 511 on both servers). */
const CONNECT_BATCH = 250;

const program = new Command('pubsub')
  .description('PUBLISH fan-out to many subscribers: StrataKV vs redis-server (AOF everysec), deliveries per second')
  .option('--subscribers <n>', 'subscriber connections', positiveInt, 10_000)
  .option('--messages <n>', 'PUBLISHes per round', positiveInt, 1000)
  .option('--size <n>', 'message bytes', positiveInt, 64)
  .option('--window <n>', 'PUBLISHes in flight', positiveInt, 16)
  .option('--rounds <n>', 'interleaved rounds (the median is reported)', positiveInt, 3)
  .option('--timeout-minutes <n>', 'stop everything and fail after this long', positiveInt, 30)
  .parse();

interface CliOptions {
  subscribers: number;
  messages: number;
  size: number;
  window: number;
  rounds: number;
  timeoutMinutes: number;
}
const cli = program.opts<CliOptions>();

function encode(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** The bytes a RESP2 subscriber receives per message on CHANNEL. */
function messageFrameBytes(size: number): number {
  return encode(['message', CHANNEL, Buffer.alloc(size)]).length;
}

/** What SUBSCRIBE answers each subscriber before any message. */
const SUBSCRIBE_REPLY_BYTES = `*3\r\n$9\r\nsubscribe\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n:1\r\n`.length;

/** Subscribers that count the bytes they receive; `waitFor` resolves once each has `bytes`. */
class Subscribers {
  readonly sockets: net.Socket[] = [];
  private readonly received: number[] = [];
  private behind = 0;
  private target = 0;
  private wake: (() => void) | null = null;

  static async open(port: number, count: number): Promise<Subscribers> {
    const subs = new Subscribers();
    for (let i = 0; i < count; i += CONNECT_BATCH) {
      const batch: Array<Promise<void>> = [];
      for (let k = i; k < Math.min(count, i + CONNECT_BATCH); k++) batch.push(subs.connect(port, k));
      await Promise.all(batch);
    }
    await subs.waitFor(SUBSCRIBE_REPLY_BYTES);
    return subs;
  }

  private connect(port: number, index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      this.received.push(0);
      socket.on('data', (chunk: Buffer) => {
        const before = this.received[index];
        const after = before + chunk.length;
        this.received[index] = after;
        if (before < this.target && after >= this.target) {
          this.behind--;
          if (this.behind === 0 && this.wake !== null) this.wake();
        }
      });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.setNoDelay(true);
        socket.write(encode(['SUBSCRIBE', CHANNEL]));
        resolve();
      });
      this.sockets.push(socket);
    });
  }

  /** Resolves once every subscriber has received `bytes` in total. */
  waitFor(bytes: number): Promise<void> {
    this.target = bytes;
    this.behind = this.received.filter((r) => r < bytes).length;
    if (this.behind === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }

  /** Closes every subscriber and waits until the sockets are gone (their fds are needed next). */
  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    })));
    // Let the server see the disconnections before the next round subscribes again.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A publisher keeping `window` PUBLISHes in flight; resolves when all are answered, with the time of the last reply. */
function publishAll(socket: net.Socket, count: number, window: number, size: number, expected: number): Promise<number> {
  const request = encode(['PUBLISH', CHANNEL, Buffer.alloc(size, 0x6d)]);
  const reply = `:${expected}\r\n`;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    let pending = '';
    const send = (): void => {
      const n = Math.min(window - (sent - answered), count - sent);
      if (n <= 0) return;
      socket.write(n === 1 ? request : Buffer.concat(Array.from({ length: n }, () => request)));
      sent += n;
    };
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('latin1');
      let at = 0;
      for (;;) {
        const end = pending.indexOf('\r\n', at);
        if (end < 0) break;
        const line = pending.slice(at, end + 2);
        if (line !== reply) {
          socket.off('data', onData);
          reject(new Error(`PUBLISH answered ${JSON.stringify(line)}, expected ${JSON.stringify(reply)}`));
          return;
        }
        answered++;
        at = end + 2;
      }
      pending = pending.slice(at);
      if (answered === count) {
        socket.off('data', onData);
        resolve(performance.now());
        return;
      }
      send();
    };
    socket.on('data', onData);
    send();
  });
}

interface RoundResult {
  readonly target: string;
  readonly round: number;
  readonly deliveriesPerSec: number;
  readonly publishesPerSec: number;
  readonly seconds: number;
  /** CPU seconds the server used during the round (user + system, from /proc). */
  readonly serverCpuSeconds: number;
  /** Deliveries per CPU second of the server: its own cost, whoever the bottleneck is. */
  readonly deliveriesPerCpuSec: number;
}

async function connectPublisher(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

async function round(target: RunningTarget, index: number, subs: Subscribers, frameBytes: number): Promise<RoundResult> {
  const publisher = await connectPublisher(target.port);
  try {
    const pid = target.child.pid ?? 0;
    const cpu0 = readCpuSeconds(pid);
    const t0 = performance.now();
    const delivered = subs.waitFor(SUBSCRIBE_REPLY_BYTES + cli.messages * frameBytes);
    const lastReply = await publishAll(publisher, cli.messages, cli.window, cli.size, cli.subscribers);
    await delivered;
    const seconds = (performance.now() - t0) / 1000;
    const serverCpuSeconds = readCpuSeconds(pid) - cpu0;
    return {
      target: target.spec.name,
      round: index,
      deliveriesPerSec: (cli.messages * cli.subscribers) / seconds,
      publishesPerSec: cli.messages / ((lastReply - t0) / 1000),
      seconds,
      serverCpuSeconds,
      deliveriesPerCpuSec: (cli.messages * cli.subscribers) / serverCpuSeconds,
    };
  } finally {
    publisher.destroy();
  }
}

async function main(group: ProcessGroup): Promise<void> {
  const maxclients = ['--maxclients', String(cli.subscribers + 100)];
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
  const frameBytes = messageFrameBytes(cli.size);
  const running: RunningTarget[] = [];
  const results: RoundResult[] = [];
  try {
    for (const spec of specs) running.push(await group.start(spec));
    for (let r = 1; r <= cli.rounds; r++) {
      for (const target of running) {
        // One target's subscribers at a time: two sets of 10,000 sockets would pass the fd limit.
        process.stderr.write(`# round ${r} ${target.spec.name}: subscribing ${cli.subscribers} connections\n`);
        const subs = await Subscribers.open(target.port, cli.subscribers);
        try {
          const result = await round(target, r, subs, frameBytes);
          results.push(result);
          process.stdout.write(JSON.stringify({ bench: 'pubsub-fanout', subscribers: cli.subscribers, messages: cli.messages, size: cli.size, window: cli.window, ...result }) + '\n');
          process.stderr.write(`# round ${r} ${result.target}: ${Math.round(result.deliveriesPerSec).toLocaleString('en')} deliveries/s, ${Math.round(result.publishesPerSec).toLocaleString('en')} PUBLISH/s, ${result.seconds.toFixed(2)} s, server CPU ${result.serverCpuSeconds.toFixed(2)} s\n`);
        } finally {
          await subs.close();
        }
      }
    }
  } finally {
    for (const target of running) await group.stop(target);
  }
  const byTarget = (name: string, f: (r: RoundResult) => number): number => median(results.filter((r) => r.target === name).map(f));
  const strataDeliveries = byTarget('stratakv', (r) => r.deliveriesPerSec);
  const strataPerCpu = byTarget('stratakv', (r) => r.deliveriesPerCpuSec);
  const rows = specs.map((spec) => {
    const deliveries = byTarget(spec.name, (r) => r.deliveriesPerSec);
    const perCpu = byTarget(spec.name, (r) => r.deliveriesPerCpuSec);
    return [
      spec.name,
      Math.round(deliveries).toLocaleString('en'),
      Math.round(byTarget(spec.name, (r) => r.publishesPerSec)).toLocaleString('en'),
      spec.name === 'stratakv' ? '1.00' : (strataDeliveries / deliveries).toFixed(2),
      Math.round(perCpu).toLocaleString('en'),
      spec.name === 'stratakv' ? '1.00' : (strataPerCpu / perCpu).toFixed(2),
    ];
  });
  process.stdout.write(`\nPUBLISH fan-out: ${cli.subscribers} subscribers, ${cli.messages} messages of ${cli.size} bytes, ${cli.window} in flight, median of ${cli.rounds} rounds\n\n`);
  process.stdout.write(markdownTable(['server', 'deliveries/s', 'PUBLISH/s', 'stratakv / this', 'deliveries per server CPU-s', 'stratakv / this (CPU)'], rows) + '\n');
}

process.stdout.write(`# pubsub: ${machineDescription()}\n`);
await runBench('pubsub', main, cli.timeoutMinutes);
