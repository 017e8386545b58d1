/**
 * The real server as a child process for the crash loop: started with `bin/stratakv`, timed from
 * spawn to its first PONG, and ended with SIGKILL. The e2e helper polls every 30 ms, too coarse
 * for a restart time worth reporting; this one probes every few milliseconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file runs from dist/test/crash/. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO_ROOT, 'bin', 'stratakv');
const PROBE_INTERVAL_MS = 3;
/** Keeps the output of a server that fails to start readable without holding megabytes of logs. */
const OUTPUT_TAIL_CHARS = 20_000;

export interface CrashServerOptions {
  readonly dir: string;
  readonly port: number;
  readonly fsync: 'always' | 'everysec';
  readonly memtableSize: string;
  readonly readyTimeoutMs?: number;
}

export class CrashServer {
  private outputTail = '';
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const append = (d: Buffer): void => {
      this.outputTail = (this.outputTail + d.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
    });
  }

  /** Spawns the server and resolves once it answered PING, with the milliseconds that took. */
  static async start(options: CrashServerOptions): Promise<{ server: CrashServer; readyMs: number }> {
    const args = [
      BIN,
      '--port', String(options.port),
      '--bind', '127.0.0.1',
      '--dir', options.dir,
      '--appendfsync', options.fsync,
      '--memtable-size', options.memtableSize,
      '--loglevel', 'verbose',
    ];
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new CrashServer(child);
    const deadline = started + (options.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (server.hasExited) {
        throw new Error(`the server exited (code ${server.exitCode}, signal ${server.exitSignal}) before answering PING:\n${server.output}`);
      }
      if (await pingOnce(options.port)) return { server, readyMs: performance.now() - started };
      if (performance.now() > deadline) {
        await server.kill();
        throw new Error(`the server did not answer PING within ${options.readyTimeoutMs ?? 30_000} ms:\n${server.output}`);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  get hasExited(): boolean {
    return this.exitCode !== null || this.exitSignal !== null;
  }

  /** The last part of what the server printed (stdout and stderr). */
  get output(): string {
    return this.outputTail;
  }

  /** Milliseconds the server said it spent opening the data (engine recovery + keyspace), if it said so yet. */
  get dataLoadMs(): number | null {
    const match = /Data loaded from .* in ([\d.]+) seconds/.exec(this.outputTail);
    return match === null ? null : Number(match[1]) * 1000;
  }

  /** SIGKILL, then wait until the process is gone (its files and lock are then as a crash leaves them). */
  async kill(): Promise<void> {
    if (!this.hasExited) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when a PONG came back; false while nothing listens yet (or the reply is anything else). */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
  });
}
