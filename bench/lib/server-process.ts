/**
 * One StrataKV server process for a benchmark that must keep its data directory across restarts
 * and time them: spawned as `node [node args] bin/stratakv --directive value ...`, timed from the
 * spawn call to its first answered command (probing every few milliseconds), and stopped with the
 * signal the benchmark chooses. Every process started here is SIGKILLed if the benchmark exits
 * without stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './resp-targets.js';

/** What bin/stratakv's shebang sets when users run it directly; spawning `node bin/stratakv` skips the shebang. */
const LAUNCHER_MMAP_THRESHOLD = '131072';
const BIN = path.join(REPO_ROOT, 'bin', 'stratakv');
/** Fine enough for a restart time of tens of milliseconds; each probe is one loopback connect. */
const PROBE_INTERVAL_MS = 2;
const OUTPUT_TAIL_CHARS = 20_000;

export interface ServerLaunch {
  readonly port: number;
  readonly dir: string;
  /** Directives after --port/--dir, e.g. ['--block-cache-size', '64mb']. */
  readonly directives: readonly string[];
  /** Flags for node itself, before the script (e.g. --heapsnapshot-signal=SIGUSR2). */
  readonly nodeArgs: readonly string[];
  /** Added to the benchmark's environment (e.g. MALLOC_ARENA_MAX=2). */
  readonly env: Readonly<Record<string, string>>;
  readonly readyTimeoutMs: number;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ServerProcess {
  private outputTail = '';
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly launch: ServerLaunch) {
    const keep = (chunk: Buffer): void => {
      this.outputTail = (this.outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        live.delete(child);
        resolve();
      });
    });
  }

  /**
   * Spawns the server, then sends `probe` (one RESP command) on a fresh connection every few
   * milliseconds until one is answered with anything but an error. `readyMs` runs from just
   * before spawn() to that answer: node's start, the engine's recovery and the listener.
   */
  static async start(launch: ServerLaunch, probe: Buffer): Promise<{ server: ServerProcess; readyMs: number; reply: Buffer }> {
    const args = [...launch.nodeArgs, BIN, '--port', String(launch.port), '--bind', '127.0.0.1', '--dir', launch.dir, ...launch.directives];
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { MALLOC_MMAP_THRESHOLD_: LAUNCHER_MMAP_THRESHOLD, ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const server = new ServerProcess(child, launch);
    const deadline = started + launch.readyTimeoutMs;
    for (;;) {
      if (server.exitStatus !== null) throw new Error(`stratakv exited (${server.describeExit()}) before answering:\n${server.output}`);
      const reply = await askOnce(launch.port, probe);
      if (reply !== null && reply[0] !== 0x2d) return { server, readyMs: performance.now() - started, reply };
      if (performance.now() > deadline) {
        await server.kill();
        throw new Error(`stratakv did not answer within ${launch.readyTimeoutMs} ms:\n${server.output}`);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the server process has no pid (spawn failed)');
    return this.child.pid;
  }

  get port(): number {
    return this.launch.port;
  }

  get hasExited(): boolean {
    return this.exitStatus !== null;
  }

  /** The last part of what the server printed. */
  get output(): string {
    return this.outputTail;
  }

  /** Seconds the server said it spent opening its data (its "Data loaded from ... in N seconds" line). */
  get dataLoadSeconds(): number | null {
    const match = /Data loaded from .* in ([\d.]+) seconds/.exec(this.outputTail);
    return match === null ? null : Number(match[1]);
  }

  describeExit(): string {
    if (this.exitStatus === null) return 'running';
    return this.exitStatus.signal !== null ? `signal ${this.exitStatus.signal}` : `code ${this.exitStatus.code}`;
  }

  /** Sends `signal` and resolves with the milliseconds until the process was gone. */
  async stop(signal: NodeJS.Signals): Promise<number> {
    const started = performance.now();
    if (this.exitStatus === null) this.child.kill(signal);
    await this.exited;
    return performance.now() - started;
  }

  kill(): Promise<number> {
    return this.stop('SIGKILL');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Connects, sends `command`, resolves with the first reply's first line (CRLF included) or null
 * when nothing listens yet, the connection fails or nothing comes back within a second.
 */
function askOnce(port: number, command: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = (reply: Buffer | null): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1000, () => done(null));
    socket.once('error', () => done(null));
    socket.once('connect', () => socket.write(command));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const lineEnd = received.indexOf('\r\n');
      if (lineEnd >= 0) done(received.subarray(0, lineEnd + 2));
    });
  });
}
