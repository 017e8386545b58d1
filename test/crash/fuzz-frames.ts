/**
 * The protocol fuzzer shared by test/crash/fuzz.test.ts (short, in npm test) and bench/fuzz.ts
 * (1 M frames): a seeded generator of client "sessions" and a runner that plays one session over
 * its own socket and checks what came back.
 *
 * A session is a few well-formed frames whose replies we know byte for byte (so binary safety and
 * ordering are checked too), mixed with fuzzed hash, set and sorted-set commands (fuzz-commands.ts)
 * whose replies may be anything well-formed (an error only as -ERR or -WRONGTYPE), then one ending:
 *  - fatal: a frame Redis refuses with a protocol error (bad or huge length prefixes, a type byte
 *    other than '$', nested arrays, over-long lines, unbalanced quotes). Expected: the replies to
 *    the frames before it, then exactly `-ERR Protocol error: ...`, then the server closes.
 *  - open: a frame the server must simply keep waiting for (a truncated frame, an enormous but legal
 *    multibulk count, a 512 MB bulk header with a few bytes of payload). Expected: the replies
 *    before it and a connection the server leaves open (we close it).
 *  - command: a random-pick count no reply could hold (SRANDMEMBER / ZRANDMEMBER near -2^63): a
 *    well-formed reply or a close, as for junk.
 *  - junk: random bytes. Anything may follow the known replies as long as it is well-formed RESP
 *    and every error is an `-ERR`; the server may close the connection or not.
 * Bytes go out in randomly split writes so that every framer state is crossed by a read boundary.
 */
import net from 'node:net';
import { encodeCommand, replyLength } from '../e2e/helpers.js';
import { fuzzedCollectionCommand, hugeCountCommand } from './fuzz-commands.js';

export type Random = () => number;

/** How a benign frame's reply is checked: exact bytes, an error line's start, or any well-formed reply (a fuzzed command's). */
interface ExpectedReply {
  readonly exact?: Buffer;
  readonly prefix?: string;
  readonly any?: true;
}

export type EndingKind = 'fatal' | 'open' | 'command' | 'junk';

export interface Session {
  readonly bytes: Buffer;
  /** Frames in it (benign ones plus the ending). */
  readonly frames: number;
  readonly expected: readonly ExpectedReply[];
  readonly ending: EndingKind;
  /** For fatal endings: the whole error line, e.g. `-ERR Protocol error: invalid bulk length\r\n`. */
  readonly fatalReply: string;
  /** A short name of what the ending was (for the bench's counts). */
  readonly endingName: string;
  /** Names of the fuzzed collection commands in it (for the bench's counts). */
  readonly commands: readonly string[];
}

export interface SessionResult {
  readonly closedByServer: boolean;
  /** Error lines received after the known replies (protocol errors, unknown commands...). */
  readonly errors: readonly string[];
  /** Set when the server did something it must not: the check's explanation. */
  readonly failure: string | null;
}

const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const DEFAULT_MAX_BULK = 512 * 1024 * 1024;

function int(rand: Random, n: number): number {
  return Math.floor(rand() * n);
}

function randomBytes(rand: Random, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = int(rand, 256);
  return b;
}

/** Mostly short payloads, now and then a few kilobytes. */
function payloadLength(rand: Random): number {
  const r = rand();
  if (r < 0.7) return int(rand, 32);
  if (r < 0.95) return int(rand, 512);
  return int(rand, 16384);
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function word(rand: Random, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[int(rand, ALNUM.length)];
  return s;
}

function bulkReply(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
}

const PONG: ExpectedReply = { exact: Buffer.from('+PONG\r\n') };
const OK: ExpectedReply = { exact: Buffer.from('+OK\r\n') };

const ANY: ExpectedReply = { any: true };

function commandName(args: ReadonlyArray<string | Buffer>): string {
  return String(args[0]).toUpperCase();
}

/** Appends one well-formed frame (or two: SET then GET) and the replies it must get; fuzzed commands' names go to `commands`. */
function benignFrame(rand: Random, keyPrefix: string, n: number, out: Buffer[], expected: ExpectedReply[], commands: string[]): number {
  switch (int(rand, 12)) {
    case 0:
      out.push(encodeCommand(['PING']));
      expected.push(PONG);
      return 1;
    case 1:
      out.push(Buffer.from(rand() < 0.5 ? 'PING\r\n' : 'ping\n'));
      expected.push(PONG);
      return 1;
    case 2: {
      const payload = randomBytes(rand, payloadLength(rand));
      out.push(encodeCommand(['ECHO', payload]));
      expected.push({ exact: bulkReply(payload) });
      return 1;
    }
    case 3: {
      // A binary key and value written then read back in the same pipeline.
      const key = Buffer.concat([Buffer.from(`${keyPrefix}:${n}:`), randomBytes(rand, int(rand, 16))]);
      const value = randomBytes(rand, payloadLength(rand));
      out.push(encodeCommand(['SET', key, value]), encodeCommand(['GET', key]));
      expected.push(OK, { exact: bulkReply(value) });
      return 2;
    }
    case 4: {
      // Empty requests: skipped without a reply, as Redis does.
      const empties = ['*0\r\n', '*-1\r\n', '*-5\r\n', '\r\n', '\n', '   \r\n'];
      out.push(Buffer.from(empties[int(rand, empties.length)]));
      return 1;
    }
    case 5: {
      const w = word(rand, 1 + int(rand, 20));
      out.push(Buffer.from(`ECHO "${w}\\x41\\n" \r\n`));
      expected.push({ exact: bulkReply(Buffer.from(`${w}A\n`)) });
      return 1;
    }
    case 6:
      out.push(Buffer.from(`NOSUCH${word(rand, 4)} ${word(rand, 3)}\r\n`));
      expected.push({ prefix: "-ERR unknown command '" });
      return 1;
    case 7:
      out.push(rand() < 0.5 ? encodeCommand(['GET']) : Buffer.from('get\r\n'));
      expected.push({ exact: Buffer.from("-ERR wrong number of arguments for 'get' command\r\n") });
      return 1;
    case 9:
    case 10:
    case 11: {
      const args = fuzzedCollectionCommand(rand);
      out.push(encodeCommand(args));
      expected.push(ANY);
      commands.push(commandName(args));
      return 1;
    }
    default: {
      const w = word(rand, int(rand, 10));
      out.push(encodeCommand(['PING', w]));
      expected.push({ exact: bulkReply(Buffer.from(w)) });
      return 1;
    }
  }
}

function protocolError(message: string): string {
  return `-ERR Protocol error: ${message}\r\n`;
}

/** A frame Redis refuses: its bytes, the exact error line, and a name for the counts. */
function fatalFrame(rand: Random): { bytes: Buffer; reply: string; name: string } {
  const digits = (n: number): string => {
    let s = String(1 + int(rand, 9));
    while (s.length < n) s += String(int(rand, 10));
    return s;
  };
  switch (int(rand, 12)) {
    case 0:
      return { bytes: Buffer.from('*2147483648\r\n'), reply: protocolError('invalid multibulk length'), name: 'multibulk > INT_MAX' };
    case 1: {
      const bad = ['*abc\r\n', '*1x\r\n', '*--1\r\n', '*+1\r\n', '*01\r\n', `*${digits(20 + int(rand, 10))}\r\n`, '* 1\r\n', '*\r\n'];
      return { bytes: Buffer.from(bad[int(rand, bad.length)]), reply: protocolError('invalid multibulk length'), name: 'multibulk not a number' };
    }
    case 2:
      return { bytes: Buffer.from(`*2\r\n$3\r\nGET\r\n$-${1 + int(rand, 1000)}\r\n`), reply: protocolError('invalid bulk length'), name: 'negative bulk length' };
    case 3: {
      const huge = ['99999999999', String(DEFAULT_MAX_BULK + 1 + int(rand, 1 << 20)), digits(25), '9223372036854775808'];
      return { bytes: Buffer.from(`*1\r\n$${huge[int(rand, huge.length)]}\r\n`), reply: protocolError('invalid bulk length'), name: 'huge bulk length' };
    }
    case 4: {
      const bad = ['$abc', '$', '$1.5', '$ 3', '$+3'];
      return { bytes: Buffer.from(`*1\r\n${bad[int(rand, bad.length)]}\r\n`), reply: protocolError('invalid bulk length'), name: 'bulk length not a number' };
    }
    case 5: {
      const types = ':+-#,%~!=>_(|abcXYZ0123 ';
      const type = types[int(rand, types.length)];
      return { bytes: Buffer.from(`*2\r\n$4\r\nECHO\r\n${type}5\r\n`), reply: protocolError(`expected '$', got '${type}'`), name: 'wrong argument type' };
    }
    case 6: {
      const depth = 2 + int(rand, 2000);
      return { bytes: Buffer.from('*1\r\n'.repeat(depth)), reply: protocolError("expected '$', got '*'"), name: 'nested arrays' };
    }
    case 7: {
      const line = Buffer.alloc(PROTO_INLINE_MAX_SIZE + 1 + int(rand, 40000), 'a');
      return { bytes: line, reply: protocolError('too big inline request'), name: 'inline line too long' };
    }
    case 8: {
      const line = Buffer.alloc(PROTO_INLINE_MAX_SIZE + 1 + int(rand, 40000), '7');
      line[0] = 0x2a;
      return { bytes: line, reply: protocolError('too big mbulk count string'), name: 'count line too long' };
    }
    case 9: {
      const line = Buffer.alloc(PROTO_INLINE_MAX_SIZE + 1 + int(rand, 40000), '7');
      line[0] = 0x24;
      return { bytes: Buffer.concat([Buffer.from('*1\r\n'), line]), reply: protocolError('too big bulk count string'), name: 'bulk line too long' };
    }
    case 10: {
      const bad = [`SET "${word(rand, 5)}\r\n`, 'ECHO "a"b\r\n', `ECHO '${word(rand, 3)}\n`, "ECHO 'a'b c\r\n"];
      return { bytes: Buffer.from(bad[int(rand, bad.length)]), reply: protocolError('unbalanced quotes in request'), name: 'unbalanced quotes' };
    }
    default: {
      // A multibulk whose declared count is larger than what follows, then a non-'$' line.
      const count = 2 + int(rand, 100000);
      return { bytes: Buffer.from(`*${count}\r\n$4\r\nPING\r\n*${count}\r\n`), reply: protocolError("expected '$', got '*'"), name: 'array inside array' };
    }
  }
}

/** A frame the server must wait on without closing or allocating what it announces. */
function openFrame(rand: Random): { bytes: Buffer; name: string } {
  switch (int(rand, 4)) {
    case 0: {
      const whole = encodeCommand(['SET', word(rand, 8), randomBytes(rand, payloadLength(rand))]);
      return { bytes: whole.subarray(0, 1 + int(rand, whole.length - 1)), name: 'truncated multibulk' };
    }
    case 1: {
      const whole = Buffer.from(`ECHO "${word(rand, 10)}"\r\n`);
      return { bytes: whole.subarray(0, 1 + int(rand, whole.length - 2)), name: 'truncated inline' };
    }
    case 2: {
      const counts = [2147483647, 1048576, 100000000];
      return { bytes: Buffer.from(`*${counts[int(rand, counts.length)]}\r\n$4\r\nPING\r\n`), name: 'enormous multibulk count' };
    }
    default:
      return { bytes: Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${DEFAULT_MAX_BULK}\r\n`), randomBytes(rand, int(rand, 4096))]), name: '512 MB bulk announced' };
  }
}

/** One session: up to `maxBenign` known frames and an ending. */
export function generateSession(rand: Random, keyPrefix: string, maxBenign: number): Session {
  const parts: Buffer[] = [];
  const expected: ExpectedReply[] = [];
  const commands: string[] = [];
  let frames = 0;
  const benign = int(rand, maxBenign + 1);
  for (let i = 0; i < benign; i++) frames += benignFrame(rand, keyPrefix, i, parts, expected, commands);
  const r = rand();
  let ending: EndingKind;
  let fatalReply = '';
  let endingName: string;
  if (r < 0.55) {
    const f = fatalFrame(rand);
    parts.push(f.bytes);
    ending = 'fatal';
    fatalReply = f.reply;
    endingName = f.name;
  } else if (r < 0.73) {
    const o = openFrame(rand);
    parts.push(o.bytes);
    ending = 'open';
    endingName = o.name;
  } else if (r < 0.83) {
    const args = hugeCountCommand(rand);
    parts.push(encodeCommand(args));
    commands.push(commandName(args));
    ending = 'command';
    endingName = `${commandName(args)} with a huge count`;
  } else {
    const junk = randomBytes(rand, 1 + int(rand, 2000));
    const lead = rand();
    if (lead < 0.3) junk[0] = 0x2a;
    else if (lead < 0.4) junk[0] = 0x24;
    parts.push(junk);
    ending = 'junk';
    endingName = 'random bytes';
  }
  return { bytes: Buffer.concat(parts), frames: frames + 1, expected, ending, fatalReply, endingName, commands };
}

/** Cuts `bytes` into 1..8 pieces at random points (read boundaries inside every kind of element). */
function splitPoints(rand: Random, length: number): number[] {
  const cuts = [0];
  const pieces = 1 + int(rand, 8);
  for (let i = 1; i < pieces; i++) cuts.push(int(rand, length));
  cuts.push(length);
  return cuts.sort((a, b) => a - b);
}

/** How long an open connection must stay open after its replies, to count as "left open". */
const OPEN_GRACE_MS = 30;
/** After a junk ending: how long without new bytes before we stop waiting for more. */
const JUNK_IDLE_MS = 40;
const SESSION_TIMEOUT_MS = 10_000;

/** Plays one session on a new connection and checks the server's behaviour. */
export function runSession(port: number, session: Session, rand: Random): Promise<SessionResult> {
  const cuts = splitPoints(rand, session.bytes.length);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let closedByServer = false;
    let settled = false;
    let idleTimer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      if (idleTimer) clearTimeout(idleTimer);
      socket.destroy();
      resolve(check(session, Buffer.concat(received, receivedBytes), closedByServer));
    };
    const overall = setTimeout(finish, SESSION_TIMEOUT_MS);
    /** For open and junk endings: settle once the known replies are in and things go quiet. */
    const armIdle = (): void => {
      if (session.ending === 'fatal') return;
      if (idleTimer) clearTimeout(idleTimer);
      if (countReplies(Buffer.concat(received, receivedBytes)) >= session.expected.length) {
        idleTimer = setTimeout(finish, session.ending === 'open' ? OPEN_GRACE_MS : JUNK_IDLE_MS);
      }
    };
    socket.on('connect', () => {
      for (let i = 1; i < cuts.length; i++) if (cuts[i] > cuts[i - 1]) socket.write(session.bytes.subarray(cuts[i - 1], cuts[i]));
      armIdle();
    });
    socket.on('data', (d: Buffer) => {
      received.push(d);
      receivedBytes += d.length;
      armIdle();
    });
    socket.on('end', () => {
      closedByServer = true;
    });
    socket.on('close', () => {
      closedByServer ||= !settled;
      finish();
    });
    socket.on('error', () => { /* 'close' follows; a reset after our writes counts as a close */ });
  });
}

function countReplies(buf: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos < buf.length) {
    const len = replyLength(buf, pos);
    if (len < 0) break;
    pos += len;
    n++;
  }
  return n;
}

function show(buf: Buffer): string {
  const s = JSON.stringify(buf.subarray(0, 120).toString('latin1'));
  return buf.length > 120 ? `${s}... (${buf.length} bytes)` : s;
}

function check(session: Session, data: Buffer, closedByServer: boolean): SessionResult {
  const errors: string[] = [];
  const fail = (why: string): SessionResult => ({ closedByServer, errors, failure: `${session.endingName} (${session.ending}): ${why}; server closed: ${closedByServer}; sent ${show(session.bytes)}` });
  let pos = 0;
  for (let i = 0; i < session.expected.length; i++) {
    const want = session.expected[i];
    const len = replyLength(data, pos);
    if (len < 0) return fail(`reply ${i} of ${session.expected.length} missing; got ${show(data.subarray(pos))}`);
    const got = data.subarray(pos, pos + len);
    if (want.exact !== undefined && !got.equals(want.exact)) return fail(`reply ${i}: expected ${show(want.exact)}, got ${show(got)}`);
    if (want.prefix !== undefined && !got.toString('latin1').startsWith(want.prefix)) return fail(`reply ${i}: expected ${want.prefix}..., got ${show(got)}`);
    if (want.any) {
      const problem = anyReplyProblem(got, errors);
      if (problem !== null) return fail(`reply ${i} (a fuzzed command's): ${problem}`);
    }
    pos += len;
  }
  const rest = data.subarray(pos);
  switch (session.ending) {
    case 'fatal':
      if (rest.toString('latin1') !== session.fatalReply) return fail(`expected ${JSON.stringify(session.fatalReply)}, got ${show(rest)}`);
      if (!closedByServer) return fail('the server did not close the connection after the protocol error');
      errors.push(session.fatalReply.slice(1, -2));
      return { closedByServer, errors, failure: null };
    case 'open':
      if (rest.length > 0) return fail(`unexpected bytes after the known replies: ${show(rest)}`);
      if (closedByServer) return fail('the server closed a connection that only sent an incomplete frame');
      return { closedByServer, errors, failure: null };
    case 'command':
    case 'junk': {
      let at = 0;
      while (at < rest.length) {
        const len = replyLength(rest, at);
        if (len < 0) return fail(`malformed reply bytes: ${show(rest.subarray(at))}`);
        if (session.ending === 'command') {
          const problem = anyReplyProblem(rest.subarray(at, at + len), errors);
          if (problem !== null) return fail(problem);
        } else if (rest[at] === 0x2d) {
          const line = rest.toString('latin1', at + 1, at + len - 2);
          if (!line.startsWith('ERR ')) return fail(`error reply that is not -ERR: ${line}`);
          errors.push(line);
        }
        at += len;
      }
      return { closedByServer, errors, failure: null };
    }
  }
}

/** RESP2 type bytes a reply may start with: + - : $ *. */
const RESP2_TYPES = new Set([0x2b, 0x2d, 0x3a, 0x24, 0x2a]);

/** Why one whole reply to a fuzzed command is not acceptable (null when it is); its error line goes to `errors`. */
function anyReplyProblem(reply: Buffer, errors: string[]): string | null {
  if (!RESP2_TYPES.has(reply[0])) return `not a RESP2 reply: ${show(reply)}`;
  if (reply[0] !== 0x2d) return null;
  const line = reply.toString('latin1', 1, reply.length - 2);
  // NOGROUP and BUSYGROUP: the consumer group commands' own errors.
  if (!['ERR ', 'WRONGTYPE ', 'NOGROUP ', 'BUSYGROUP '].some((kind) => line.startsWith(kind))) return `error reply that is neither -ERR, -WRONGTYPE, -NOGROUP nor -BUSYGROUP: ${line}`;
  errors.push(line);
  return null;
}

/** The error kind a reply line belongs to, for the bench's tally (arguments cut off). */
export function errorKind(line: string): string {
  if (line.startsWith('ERR unknown command')) return 'ERR unknown command';
  if (line.startsWith('ERR wrong number of arguments')) return 'ERR wrong number of arguments';
  if (line.startsWith('ERR unknown subcommand')) return 'ERR unknown subcommand';
  if (line.startsWith('WRONGTYPE ')) return 'WRONGTYPE';
  if (line.startsWith("ERR Protocol error: expected '$', got '*'")) return line;
  if (line.startsWith("ERR Protocol error: expected '$', got")) return "ERR Protocol error: expected '$', got (another byte)";
  return line.length > 70 ? line.slice(0, 70) + '...' : line;
}

/**
 * The commands that threw inside the server (the dispatcher answers them with `-ERR <message>` and
 * logs `command 'x' failed: <stack>`): a fuzzed command must fail by its own checks, never so.
 */
export function handlerFailures(serverOutput: string): string[] {
  return serverOutput.split('\n').filter((line) => /command '[^']+' failed: /.test(line)).map((line) => line.slice(line.indexOf('command ')));
}

/** Current and peak resident memory of a process, in bytes (Linux /proc). */
export async function processMemory(pid: number): Promise<{ rss: number; hwm: number }> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number((status.match(new RegExp(`${name}:\\s+(\\d+) kB`)) ?? [])[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

export interface FuzzReport {
  frames: number;
  sessions: number;
  closedByServer: number;
  errorsByKind: Map<string, number>;
  endings: Map<string, number>;
  /** Fuzzed collection commands sent, by name. */
  commands: Map<string, number>;
  bystanderRounds: number;
  /** Slowest bystander round trip (SET + GET + PING) seen during the run, in milliseconds. */
  bystanderMaxMs: number;
  failures: string[];
  elapsedMs: number;
}

export interface FuzzOptions {
  port: number;
  seed: number;
  frames: number;
  /** Sessions in flight at once. */
  concurrency: number;
  /** Most benign frames before a session's ending. */
  maxBenign: number;
  /** Stop at the first this many failures. */
  maxFailures?: number;
  /** Progress callback, called about once a second. */
  progress?: (report: FuzzReport) => void;
}

/**
 * A well-behaved client that keeps writing and reading its own keys while the fuzzer runs: any
 * wrong or missing reply on it means the hostile connections leaked into others.
 */
async function bystander(port: number, stop: { done: boolean }, report: FuzzReport): Promise<void> {
  const { RawClient } = await import('../e2e/helpers.js');
  const c = await RawClient.connect(port);
  try {
    for (let i = 0; !stop.done; i++) {
      const started = performance.now();
      const value = `value-${i}-${'x'.repeat(i % 200)}`;
      const set = (await c.command('SET', `bystander:${i % 1000}`, value)).toString('latin1');
      const get = (await c.command('GET', `bystander:${i % 1000}`)).toString('latin1');
      const ping = (await c.command('PING')).toString('latin1');
      const ms = performance.now() - started;
      if (ms > report.bystanderMaxMs) report.bystanderMaxMs = ms;
      report.bystanderRounds++;
      if (set !== '+OK\r\n' || get !== `$${value.length}\r\n${value}\r\n` || ping !== '+PONG\r\n') {
        report.failures.push(`bystander round ${i}: got ${JSON.stringify(set + get + ping)}`);
        return;
      }
    }
  } catch (err) {
    report.failures.push(`bystander: ${(err as Error).message}`);
  } finally {
    c.close();
  }
}

/** Runs sessions from the seeded generator until `frames` frames were sent; checks each. */
export async function fuzzServer(options: FuzzOptions, rand: Random): Promise<FuzzReport> {
  const report: FuzzReport = {
    frames: 0, sessions: 0, closedByServer: 0, errorsByKind: new Map(), endings: new Map(), commands: new Map(),
    bystanderRounds: 0, bystanderMaxMs: 0, failures: [], elapsedMs: 0,
  };
  const maxFailures = options.maxFailures ?? 5;
  const stop = { done: false };
  const watcher = bystander(options.port, stop, report);
  const started = performance.now();
  let lastProgress = started;
  let sessionNumber = 0;
  const worker = async (): Promise<void> => {
    while (report.frames < options.frames && report.failures.length < maxFailures) {
      // Generated in one place so the whole run replays from the seed.
      const session = generateSession(rand, `fz${options.seed}:${sessionNumber++}`, options.maxBenign);
      report.frames += session.frames;
      report.sessions++;
      report.endings.set(session.endingName, (report.endings.get(session.endingName) ?? 0) + 1);
      for (const name of session.commands) report.commands.set(name, (report.commands.get(name) ?? 0) + 1);
      const result = await runSession(options.port, session, rand);
      if (result.closedByServer) report.closedByServer++;
      for (const e of result.errors) {
        const kind = errorKind(e);
        report.errorsByKind.set(kind, (report.errorsByKind.get(kind) ?? 0) + 1);
      }
      if (result.failure !== null) report.failures.push(`session ${report.sessions}: ${result.failure}`);
      const now = performance.now();
      if (options.progress && now - lastProgress > 1000) {
        lastProgress = now;
        report.elapsedMs = now - started;
        options.progress(report);
      }
    }
  };
  const workers: Array<Promise<void>> = [];
  for (let i = 0; i < options.concurrency; i++) workers.push(worker());
  await Promise.all(workers);
  stop.done = true;
  await watcher;
  report.elapsedMs = performance.now() - started;
  return report;
}
