/**
 * SORT over one list of --size random integers, StrataKV (appendfsync everysec) next to
 * redis-server (appendonly yes, appendfsync everysec), each form run --rounds times per server in
 * turn; the median milliseconds per SORT are reported:
 *
 * - numeric, LIMIT 0 10 (every element read and weighed; ten answered)
 * - ALPHA, LIMIT 0 10
 * - BY w_* (a string key per element), LIMIT 0 10: the partial quicksort
 * - BY nosort LIMIT 0 10: only the window read
 * - numeric, STORE (the whole sorted list written back)
 *
 *   npm run bench:sort -- [--size 100000] [--rounds 5]
 *
 * JSON lines (one per form and target) and a markdown table go to stdout; progress to stderr.
 */
import net from 'node:net';
import { Command } from 'commander';
import { positiveInt } from './lib/cli.js';
import { encodeCommand } from './lib/collection-load.js';
import { ProcessGroup, runBench, machineDescription, markdownTable, median, redisServerMissing, redisSpec, stratakvSpec, type RunningTarget, type TargetSpec } from './lib/resp-targets.js';

const program = new Command('sort')
  .description('SORT over one big list: StrataKV vs redis-server (AOF everysec), milliseconds per command')
  .option('--size <n>', 'list elements', positiveInt, 100_000)
  .option('--rounds <n>', 'runs of each form per target (the median is reported)', positiveInt, 5)
  .parse();
const cli = program.opts<{ size: number; rounds: number }>();

const FORMS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['numeric LIMIT 0 10', ['SORT', 'big', 'LIMIT', '0', '10']],
  ['ALPHA LIMIT 0 10', ['SORT', 'big', 'ALPHA', 'LIMIT', '0', '10']],
  ['BY w_* LIMIT 0 10', ['SORT', 'big', 'BY', 'w_*', 'LIMIT', '0', '10']],
  ['BY nosort LIMIT 0 10', ['SORT', 'big', 'BY', 'nosort', 'LIMIT', '0', '10']],
  ['numeric STORE', ['SORT', 'big', 'STORE', 'sorted']],
];

/** One connection sending a command at a time and reading its whole reply (counted by RESP framing). */
class Connection {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends `commands` pipelined and resolves once every reply is in; an error reply fails. */
  async send(commands: ReadonlyArray<readonly string[]>): Promise<void> {
    this.socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    let replies = 0;
    while (replies < commands.length) {
      const end = replyEnd(this.buffered, 0);
      if (end < 0) {
        await new Promise<void>((resolve) => (this.waiting = resolve));
        continue;
      }
      if (this.buffered[0] === 0x2d) throw new Error(`error reply: ${this.buffered.subarray(0, end).toString()}`);
      this.buffered = this.buffered.subarray(end);
      replies++;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Where the RESP reply at `at` ends, or -1 when it is not all there yet. */
function replyEnd(buf: Buffer, at: number): number {
  const line = buf.indexOf('\r\n', at);
  if (line < 0) return -1;
  const type = buf[at];
  const n = Number(buf.subarray(at + 1, line).toString());
  if (type === 0x24) return n < 0 ? line + 2 : line + 2 + n + 2 <= buf.length ? line + 2 + n + 2 : -1;
  if (type === 0x2a) {
    let next = line + 2;
    for (let i = 0; i < n; i++) {
      next = replyEnd(buf, next);
      if (next < 0) return -1;
    }
    return next;
  }
  return line + 2;
}

async function load(c: Connection): Promise<void> {
  let seed = 1;
  const random = (): number => (seed = (seed * 48271) % 2147483647);
  const batch = 1000;
  for (let i = 0; i < cli.size; i += batch) {
    const values = Array.from({ length: Math.min(batch, cli.size - i) }, () => String(random() % 1_000_000_000));
    await c.send([['RPUSH', 'big', ...values], ['MSET', ...values.flatMap((v) => [`w_${v}`, String(random() % 1000)])]]);
  }
}

async function main(group: ProcessGroup): Promise<void> {
  const specs: TargetSpec[] = [stratakvSpec('stratakv', 'everysec')];
  const missing = redisServerMissing();
  if (missing === undefined) specs.push(redisSpec('redis-aof', 'aof-everysec'));
  else process.stderr.write(`# ${missing}: StrataKV alone\n`);
  const running: RunningTarget[] = [];
  for (const spec of specs) running.push(await group.start(spec));
  const connections = await Promise.all(running.map((t) => Connection.open(t.port)));
  for (let t = 0; t < running.length; t++) {
    process.stderr.write(`# ${running[t].spec.name}: loading ${cli.size} elements and weights\n`);
    await load(connections[t]);
  }
  const times = new Map<string, number[]>();
  for (let r = 0; r < cli.rounds; r++) {
    for (const [form, command] of FORMS) {
      for (let t = 0; t < running.length; t++) {
        const started = process.hrtime.bigint();
        await connections[t].send([command]);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const key = `${form}\0${running[t].spec.name}`;
        times.set(key, [...(times.get(key) ?? []), ms]);
      }
    }
  }
  for (const c of connections) c.close();
  const rows: string[][] = [];
  for (const [form] of FORMS) {
    const row = [form];
    for (const target of running) {
      const ms = median(times.get(`${form}\0${target.spec.name}`) ?? []);
      process.stdout.write(JSON.stringify({ bench: 'sort', form, target: target.spec.name, size: cli.size, medianMs: ms }) + '\n');
      row.push(ms.toFixed(1));
    }
    rows.push(row);
  }
  process.stdout.write(`\n${machineDescription()}; ${cli.size} elements, median of ${cli.rounds}\n\n`);
  process.stdout.write(markdownTable(['SORT big ...', ...running.map((t) => `${t.spec.name} ms`)], rows) + '\n');
}

await runBench('sort', main);
