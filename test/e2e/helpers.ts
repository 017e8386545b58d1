/**
 * Shared end-to-end helpers: start the real server (bin/stratakv) on a free port with a temp dir,
 * start a real redis-server to compare against, and talk raw RESP over a socket to check exact
 * reply bytes.
 *
 * Typical use:
 *   const srv = await startServer();            // or startServer({ args: ['--appendfsync', 'always'] })
 *   const raw = await RawClient.connect(srv.port);
 *   assert.is((await raw.command('SET', 'k', 'v')).toString(), '+OK\r\n');
 *   raw.close();
 *   await srv.stop();                            // SIGTERM, waits for exit, removes the temp dir
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import type { Callback, Test } from 'uvu';

/** Repository root: this file runs from dist/test/e2e/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = path.join(REPO_ROOT, 'bin', 'stratakv');

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Extra command-line directives, e.g. ['--appendfsync', 'always']. */
  args?: string[];
  /** Extra environment variables for the server process (e.g. STRATAKV_BLOCK_READS=async). */
  env?: Record<string, string>;
  /** Use this data dir (kept on stop) instead of a fresh temp dir (removed on stop). */
  dir?: string;
  /** Use this port instead of a free one (for restarts on the same port). */
  port?: number;
  /** A config file passed as the first argument. */
  configFile?: string;
  /** Milliseconds to wait until the server answers PING (default 60 000). */
  readyTimeoutMs?: number;
}

export interface TestServer {
  readonly port: number;
  readonly host: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Exit code once exited, else null. */
  exitCode(): number | null;
  /** SIGTERM (or the given signal), wait for exit; removes the dir unless it was given or keepDir. */
  stop(options?: { signal?: NodeJS.Signals; keepDir?: boolean }): Promise<number | null>;
  /** SIGKILL and wait; keeps the dir (for restart/crash tests). */
  kill(): Promise<void>;
  /** Resolves with the exit code when the process exits by itself (e.g. after SHUTDOWN). */
  exited(): Promise<number | null>;
}

/** Starts `node bin/stratakv --port P --dir D ...` and waits until it answers PING. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'stratakv-e2e-'));
  const argv = [BIN];
  if (options.configFile) argv.push(options.configFile);
  argv.push('--port', String(port), '--dir', dir, '--bind', '127.0.0.1', ...(options.args ?? []));
  const env = options.env === undefined ? process.env : { ...process.env, ...options.env };
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  let code: number | null = null;
  const exitPromise = new Promise<number | null>((resolve) => {
    child.on('exit', (c, signal) => {
      code = c ?? (signal ? 128 : null);
      resolve(code);
    });
  });
  const server: TestServer = {
    port,
    host: '127.0.0.1',
    dir,
    process: child,
    output: () => out,
    exitCode: () => code,
    async stop(stopOptions = {}) {
      if (code === null && child.exitCode === null) child.kill(stopOptions.signal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exitPromise;
      clearTimeout(timer);
      if (ownDir && !stopOptions.keepDir) rmSync(dir, { recursive: true, force: true });
      return result;
    },
    async kill() {
      if (code === null && child.exitCode === null) child.kill('SIGKILL');
      await exitPromise;
    },
    exited: () => exitPromise,
  };
  // Generous: a loaded CI machine has been seen to take over 15 s to start a server. A server
  // that never answers still fails, with what it printed.
  const startedAt = Date.now();
  const deadline = startedAt + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (code !== null) {
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      throw new Error(`stratakv exited with code ${code} before answering PING:\n${out}`);
    }
    if (await pingOnce(port)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`stratakv (pid ${child.pid}) did not answer PING on port ${port} in ${Date.now() - startedAt} ms:\n${out}`);
    }
    await sleep(30);
  }
}

/** Under CI=true, comparisons with redis-server must run: a missing one fails them instead. */
export const IN_CI = process.env.CI === 'true';

/** The installed redis-server binary to compare against, or null. */
export function redisServerBinary(): string | null {
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? null;
}

/**
 * Registers a test that compares with a real redis-server. Without one it must not pass having
 * compared nothing: outside CI it is skipped visibly (a printed line, counted as skipped by uvu);
 * under CI=true it is registered as a failing test saying why.
 */
export function redisTest(test: Test, name: string, body: Callback): void {
  if (redisServerBinary() !== null) {
    test(name, body);
  } else if (IN_CI) {
    test(name, () => {
      throw new Error('redis-server is not installed, and under CI=true every comparison with it must run');
    });
  } else {
    console.log(`  skipped, redis-server is not installed: ${name}`);
    test.skip(name, body);
  }
}

/**
 * A real redis-server (for side-by-side comparisons), no persistence, on a free port; null when it
 * is not installed (register such tests with redisTest) or does not start.
 */
export async function startRedis(extraArgs: string[] = []): Promise<TestServer | null> {
  const which = redisServerBinary();
  if (which === null) return null;
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-redis-'));
  const child = spawn(which, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  let code: number | null = null;
  const exitPromise = new Promise<number | null>((resolve) => child.on('exit', (c) => { code = c ?? 128; resolve(code); }));
  const server: TestServer = {
    port, host: '127.0.0.1', dir, process: child,
    output: () => out,
    exitCode: () => code,
    async stop() {
      if (code === null) child.kill('SIGTERM');
      const result = await exitPromise;
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
    async kill() {
      if (code === null) child.kill('SIGKILL');
      await exitPromise;
    },
    exited: () => exitPromise,
  };
  const deadline = Date.now() + 10_000;
  while (!(await pingOnce(port))) {
    if (code !== null || Date.now() > deadline) {
      await server.stop();
      return null;
    }
    await sleep(20);
  }
  return server;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pingOnce(port: number): Promise<boolean> {
  try {
    const c = await RawClient.connect(port);
    try {
      const reply = await c.command('PING');
      return reply.length > 0;
    } finally {
      c.close();
    }
  } catch {
    return false;
  }
}

/** RESP encoding of a command as an array of bulk strings (strings are sent as UTF-8). */
export function encodeCommand(args: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Length in bytes of the complete RESP2/RESP3 reply starting at `offset`, or -1 when the buffer
 * does not hold all of it yet.
 */
export function replyLength(buf: Buffer, offset = 0): number {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[offset]);
  const header = buf.toString('latin1', offset + 1, lineEnd);
  const afterHeader = lineEnd + 2;
  switch (type) {
    case '$': case '=': case '!': {
      const n = Number(header);
      if (n < 0) return afterHeader - offset;
      return afterHeader + n + 2 <= buf.length ? afterHeader + n + 2 - offset : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(header);
      if (n < 0) return afterHeader - offset;
      if (type === '%' || type === '|') n *= 2;
      let pos = afterHeader;
      for (let i = 0; i < n; i++) {
        const len = replyLength(buf, pos);
        if (len < 0) return -1;
        pos += len;
      }
      // An attribute (|) precedes the reply it describes.
      if (type === '|') {
        const len = replyLength(buf, pos);
        return len < 0 ? -1 : pos + len - offset;
      }
      return pos - offset;
    }
    default:
      return afterHeader - offset; // + - : _ , # (
  }
}

/** A plain socket speaking raw RESP, for exact-byte checks and malformed input. */
export class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = this.buffered.length === 0 ? d : Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => { /* surfaced as 'close' */ });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new RawClient(s));
      });
      s.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command as a RESP array and returns the raw bytes of its one reply. */
  async command(...args: Array<string | Buffer | number>): Promise<Buffer> {
    this.write(encodeCommand(args));
    return this.readReply();
  }

  /** The raw bytes of the next complete reply. Rejects if the connection closes first or on timeout. */
  async readReply(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length > 0) {
        const n = replyLength(this.buffered);
        if (n > 0) {
          const reply = this.buffered.subarray(0, n);
          this.buffered = this.buffered.subarray(n);
          return reply;
        }
      }
      if (this.closed) throw new Error(`connection closed; pending bytes: ${JSON.stringify(this.buffered.toString('latin1'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a reply; pending bytes: ${JSON.stringify(this.buffered.toString('latin1'))}`);
      await this.waitForData(left);
    }
  }

  /** Reads `count` replies and returns them concatenated. */
  async readReplies(count: number, timeoutMs = 5000): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) parts.push(await this.readReply(timeoutMs));
    return Buffer.concat(parts);
  }

  /** Everything received until the server closes the connection (or the timeout). */
  async readUntilClose(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.waitForData(left);
    }
    const all = this.buffered;
    this.buffered = Buffer.alloc(0);
    return all;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Runs `redis-cli -p PORT args...` (optionally with stdin) and returns its stdout. */
export function redisCli(port: number, args: string[], input?: string | Buffer): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return runProcess('redis-cli', ['-p', String(port), ...args], input);
}

/** Runs a program to completion, collecting its output. */
export function runProcess(cmd: string, args: string[], input?: string | Buffer, timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ stdout, stderr, code }); });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/**
 * Mounts a tmpfs of `size` (e.g. '16m') on `dir`, to fill a disk for real. Returns null when
 * mounted, else why not (not root, or mount refused) so the caller can skip with that reason.
 */
export function mountTmpfs(dir: string, size: string): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mount failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** An ioredis client that never retries or reconnects: a test sees every failure at once. */
export function testRedis(options: RedisOptions): Redis {
  return new Redis({ maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
}

/** The ioredis clients a suite opens (testRedis), disconnected together when it ends. */
export class TestClients {
  private readonly open: Redis[] = [];

  connect(options: RedisOptions): Redis {
    const client = testRedis(options);
    this.open.push(client);
    return client;
  }

  disconnectAll(): void {
    for (const client of this.open.splice(0)) client.disconnect();
  }
}

/** INFO everything as name -> value. */
export async function info(client: Redis): Promise<Map<string, string>> {
  const text = await client.info('everything');
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A number INFO has (throws when it has no such field). */
export function infoNumber(fields: Map<string, string>, name: string): number {
  const value = fields.get(name);
  if (value === undefined) throw new Error(`INFO has no ${name}`);
  return Number(value);
}

/**
 * INFO once the engine has settled: nothing running and the same flush and compaction counts a
 * second apart (one compaction may schedule the next, with none running in between).
 */
export async function waitForQuietStorage(client: Redis): Promise<Map<string, string>> {
  const deadline = Date.now() + 60_000;
  let before = await info(client);
  for (;;) {
    await sleep(1000);
    const now = await info(client);
    const settled = ['compactions_running', 'compactions', 'flushes', 'immutable_memtables'].every((f) => now.get(f) === before.get(f));
    if (settled && infoNumber(now, 'compactions_running') === 0 && infoNumber(now, 'immutable_memtables') === 0) return now;
    if (Date.now() > deadline) throw new Error('storage never settled: compactions kept running for a minute');
    before = now;
  }
}
