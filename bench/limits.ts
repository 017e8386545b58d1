/**
 * Resource limits, long version (the short one is test/crash/limits.test.ts). Each scenario runs
 * against a fresh server so that its peak RSS (VmHWM) is its own:
 *   bulk512      a 512 MB argument streamed in and stored (SET, STRLEN), then a 513 MB one refused
 *   nonreader    clients that pipeline 1 GB of replies and never read
 *   slowloris    clients trickling one byte a second while idle ones are closed by `timeout`
 *   idle         thousands of idle connections (as many as the file-descriptor limit allows)
 *   keys         KEYS * and a giant MGET on a large dataset
 *   mgetcold     a giant MGET whose keys' blocks do not all fit in the block cache (1 MB here)
 * A bystander PINGs throughout; its slowest answer is reported with each scenario.
 *
 *   npm run bench:limits -- [--scenarios bulk512,nonreader,...] [--keys N] [--idle N] [--slowloris-seconds S]
 */
import net from 'node:net';
import { Command } from 'commander';
import { RawClient, encodeCommand, sleep, startServer, type TestServer } from '../test/e2e/helpers.js';
import { processMemory } from '../test/crash/fuzz-frames.js';
import { bigArrayCommand } from '../test/crash/big-replies.js';

const MIB = 1024 * 1024;
const SCENARIOS = ['bulk512', 'nonreader', 'slowloris', 'idle', 'keys', 'mgetcold'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Options {
  scenarios: Scenario[];
  keys: number;
  idle: number;
  slowlorisSeconds: number;
}

const mib = (bytes: number): string => `${(bytes / MIB).toFixed(0)} MiB`;

class Bystander {
  rounds = 0;
  maxMs = 0;
  failure = '';
  private done = false;
  private readonly running: Promise<void>;

  constructor(port: number) {
    this.running = this.run(port).catch((err: unknown) => { this.failure = (err as Error).message; });
  }

  private async run(port: number): Promise<void> {
    const c = await RawClient.connect(port);
    try {
      while (!this.done) {
        const started = performance.now();
        const reply = (await c.command('PING')).toString();
        if (reply !== '+PONG\r\n') throw new Error(`PING answered ${JSON.stringify(reply)}`);
        this.maxMs = Math.max(this.maxMs, performance.now() - started);
        this.rounds++;
        await sleep(10);
      }
    } finally {
      c.close();
    }
  }

  async stop(): Promise<string> {
    this.done = true;
    await this.running;
    if (this.failure !== '') throw new Error(`bystander failed: ${this.failure}`);
    return `bystander ${this.rounds} PINGs, slowest ${this.maxMs.toFixed(1)} ms`;
  }
}

/** Writes `total` bytes of `fill` in 1 MiB pieces, waiting for the socket to drain between them. */
async function stream(socket: net.Socket, total: number, fill: number): Promise<void> {
  const piece = Buffer.alloc(MIB, fill);
  for (let sent = 0; sent < total; sent += piece.length) {
    const part = total - sent < piece.length ? piece.subarray(0, total - sent) : piece;
    if (!socket.write(part)) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

async function bulk512(srv: TestServer): Promise<string> {
  const c = await RawClient.connect(srv.port);
  const size = 512 * MIB;
  const started = performance.now();
  c.write(`*3\r\n$3\r\nSET\r\n$9\r\nbulk:512m\r\n$${size}\r\n`);
  await stream(c.socket, size, 0x61);
  c.write('\r\n');
  const set = (await c.readReply(120_000)).toString();
  if (set !== '+OK\r\n') throw new Error(`SET of 512 MB answered ${set}`);
  const seconds = (performance.now() - started) / 1000;
  const strlen = (await c.command('STRLEN', 'bulk:512m')).toString();
  if (strlen !== `:${size}\r\n`) throw new Error(`STRLEN answered ${strlen}`);
  const refused = await RawClient.connect(srv.port);
  refused.write(`*3\r\n$3\r\nSET\r\n$9\r\nbulk:513m\r\n$${513 * MIB}\r\n`);
  refused.write(Buffer.alloc(MIB, 0x62)); // the payload begins; the header alone must be refused
  const reply = (await refused.readUntilClose(10_000)).toString();
  if (reply !== '-ERR Protocol error: invalid bulk length\r\n') throw new Error(`513 MB header answered ${JSON.stringify(reply)}`);
  c.close();
  return `512 MB SET stored in ${seconds.toFixed(1)} s (STRLEN ok); 513 MB refused from its header`;
}

async function nonReader(srv: TestServer): Promise<string> {
  const admin = await RawClient.connect(srv.port);
  await admin.command('SET', 'big', Buffer.alloc(MIB, 'b'));
  const sockets: net.Socket[] = [];
  for (let i = 0; i < 10; i++) {
    const s = net.connect(srv.port, '127.0.0.1');
    s.pause();
    s.on('error', () => { /* closed by the server */ });
    await new Promise((resolve) => s.once('connect', resolve));
    const requests: Buffer[] = [encodeCommand(['CLIENT', 'SETNAME', `nonreader${i}`])];
    for (let k = 0; k < 100; k++) requests.push(encodeCommand(['GET', 'big']));
    s.write(Buffer.concat(requests));
    sockets.push(s);
  }
  await sleep(3000);
  const paused = await processMemory(srv.process.pid ?? 0);
  const listed = (await admin.command('CLIENT', 'LIST')).toString().match(/name=nonreader/g)?.length ?? 0;
  await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 1mb 2');
  await sleep(4000);
  const left = (await admin.command('CLIENT', 'LIST')).toString().match(/name=nonreader/g)?.length ?? 0;
  for (const s of sockets) s.destroy();
  admin.close();
  return `10 clients x 100 MB of unread replies: ${listed} kept open under the default limits (RSS ${mib(paused.rss)}); soft limit 1mb/2s left ${left} connected`;
}

async function slowloris(srv: TestServer, seconds: number): Promise<string> {
  const admin = await RawClient.connect(srv.port);
  await admin.command('CONFIG', 'SET', 'timeout', '2');
  admin.close();
  const idle = await Promise.all(Array.from({ length: 200 }, () => RawClient.connect(srv.port)));
  const request = Buffer.concat([Buffer.alloc(seconds - 12, 0x20), Buffer.from('PING slow\r\n')]); // leading spaces: an inline request
  const replies = await Promise.all(Array.from({ length: 200 }, async () => {
    const c = await RawClient.connect(srv.port);
    try {
      for (const byte of request) {
        c.write(Buffer.from([byte]));
        await sleep(1000);
      }
      return (await c.readReply(5000)).toString();
    } finally {
      c.close();
    }
  }));
  const served = replies.filter((r) => r === '$4\r\nslow\r\n').length;
  const idleClosed = idle.filter((c) => c.isClosed).length;
  for (const c of idle) c.close();
  return `200 clients at 1 byte/s for ${request.length} s: ${served} served; 200 idle clients: ${idleClosed} closed by timeout 2`;
}

async function idleConnections(srv: TestServer, count: number): Promise<string> {
  const sockets: net.Socket[] = [];
  let refused = 0;
  for (let batch = 0; batch < count; batch += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - batch) }, () => new Promise<void>((resolve) => {
      const s = net.connect(srv.port, '127.0.0.1');
      s.once('connect', () => resolve());
      s.once('error', () => {
        refused++;
        resolve();
      });
      sockets.push(s);
    })));
  }
  await sleep(500);
  const admin = await RawClient.connect(srv.port);
  const info = (await admin.command('INFO', 'clients')).toString();
  admin.close();
  const mem = await processMemory(srv.process.pid ?? 0);
  for (const s of sockets) s.destroy();
  return `${count} idle connections (${refused} failed to connect): ${info.match(/connected_clients:\d+/)?.[0]}, RSS ${mib(mem.rss)}`;
}

async function keysAndMget(srv: TestServer, keys: number): Promise<string> {
  const c = await RawClient.connect(srv.port);
  for (let base = 0; base < keys; base += 20_000) {
    const parts: Buffer[] = [];
    for (let b = base; b < Math.min(keys, base + 20_000); b += 1000) {
      const args: string[] = ['MSET'];
      for (let i = b; i < Math.min(keys, b + 1000); i++) args.push(`k:${i}`, `value-${i}`);
      parts.push(encodeCommand(args));
    }
    c.write(Buffer.concat(parts));
    for (let i = 0; i < parts.length; i++) await c.readReply(60_000);
  }
  const loaded = await processMemory(srv.process.pid ?? 0);
  c.close();
  const keysReply = await bigArrayCommand(srv.port, encodeCommand(['KEYS', '*']));
  if (keysReply.count !== keys) throw new Error(`KEYS * returned ${keysReply.count} keys`);
  const mgetKeys = Math.min(keys, 1_000_000);
  const args: string[] = ['MGET'];
  for (let i = 0; i < mgetKeys; i++) args.push(`k:${i}`);
  const mget = await bigArrayCommand(srv.port, encodeCommand(args));
  if (mget.count !== mgetKeys || mget.first !== 'value-0') throw new Error(`MGET returned ${mget.count} values, first ${mget.first}`);
  const keysMs = keysReply.ms;
  const mgetMs = mget.ms;
  return `${keys} keys loaded (RSS ${mib(loaded.rss)}); KEYS * ${keysMs.toFixed(0)} ms (${mib(keysReply.bytes)} reply); MGET of ${mgetKeys} keys ${mgetMs.toFixed(0)} ms (${mib(mget.bytes)} reply)`;
}

/**
 * MGET reads every key and, when some reads wait for the disk, runs again once they are in. Before
 * the keyspace kept those values for the run again, each pass evicted from a small cache what the
 * next one needed and the MGET never finished; a failure here is reported, not thrown.
 */
async function mgetCold(srv: TestServer, keys: number): Promise<string> {
  const c = await RawClient.connect(srv.port);
  for (let base = 0; base < keys; base += 20_000) {
    const parts: Buffer[] = [];
    for (let b = base; b < Math.min(keys, base + 20_000); b += 1000) {
      const args: string[] = ['MSET'];
      for (let i = b; i < Math.min(keys, b + 1000); i++) args.push(`k:${i}`, `value-${i}`);
      parts.push(encodeCommand(args));
    }
    c.write(Buffer.concat(parts));
    for (let i = 0; i < parts.length; i++) await c.readReply(60_000);
  }
  c.close();
  const args: string[] = ['MGET'];
  for (let i = 0; i < keys; i++) args.push(`k:${i}`);
  try {
    const reply = await bigArrayCommand(srv.port, encodeCommand(args), 30_000);
    return `MGET of ${keys} keys with a 1 MB block cache: ${reply.count} values in ${reply.ms.toFixed(0)} ms`;
  } catch (err) {
    return `MGET of ${keys} keys with a 1 MB block cache: NO REPLY (${(err as Error).message})`;
  }
}

async function runScenario(name: Scenario, options: Options): Promise<void> {
  const srv = await startServer(name === 'mgetcold' ? { args: ['--block-cache-size', '1mb', '--memtable-size', '1mb'] } : {});
  try {
    const pid = srv.process.pid ?? 0;
    const before = await processMemory(pid);
    const bystander = new Bystander(srv.port);
    let detail: string;
    switch (name) {
      case 'bulk512': detail = await bulk512(srv); break;
      case 'nonreader': detail = await nonReader(srv); break;
      case 'slowloris': detail = await slowloris(srv, options.slowlorisSeconds); break;
      case 'idle': detail = await idleConnections(srv, options.idle); break;
      case 'keys': detail = await keysAndMget(srv, options.keys); break;
      case 'mgetcold': detail = await mgetCold(srv, Math.min(options.keys, 200_000)); break;
    }
    const others = await bystander.stop();
    const after = await processMemory(pid);
    if (srv.exitCode() !== null) throw new Error(`the server exited with ${srv.exitCode()}`);
    console.log(`${name}: ${detail}`);
    console.log(`  server RSS ${mib(before.rss)} -> ${mib(after.rss)}, peak ${mib(after.hwm)}; ${others}`);
  } finally {
    await srv.stop();
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--scenarios <list>', `comma-separated: ${SCENARIOS.join(',')}`, (v) => v.split(',') as Scenario[], [...SCENARIOS])
    .option('--keys <n>', 'keys for KEYS * / MGET', (v) => Number(v.replace(/_/g, '')), 2_000_000)
    .option('--idle <n>', 'idle connections', (v) => Number(v.replace(/_/g, '')), 8000)
    .option('--slowloris-seconds <n>', 'how long each slowloris client trickles (>= 20)', (v) => Number(v), 30)
    .parse()
    .opts<Options>();
  for (const s of opts.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}`);
  console.log(`# limits: ${opts.scenarios.join(', ')}`);
  for (const s of opts.scenarios) await runScenario(s, opts);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
