/**
 * RESP servers under redis-benchmark: start StrataKV, the Node ceiling and redis-server on free
 * loopback ports, run redis-benchmark against them and parse its CSV, and make sure every process
 * started here is stopped again, whether the run ends normally, throws, or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo root: dist/bench/lib/ is three levels below it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CEILING_SCRIPT = '/work/shared/tools/node-ceiling.mjs';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface TargetSpec {
  /** Name shown in results, e.g. "stratakv" or "redis-aof". */
  readonly name: string;
  /** Tests (redis-benchmark -t names) this target can answer; undefined = all. */
  readonly supportedTests?: ReadonlySet<string>;
  /** Builds the command line for a given port and data directory. */
  readonly command: (port: number, dir: string) => { file: string; args: string[]; cwd: string };
}

export interface RunningTarget {
  readonly spec: TargetSpec;
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** The last lines the process wrote, kept to explain a failure to start. */
  readonly log: string[];
}

/** `directives`: more `--name value` pairs after the ones given here, e.g. ['--block-cache-size', '64mb']. */
export function stratakvSpec(name: string, appendfsync: 'always' | 'everysec' | 'no', directives: readonly string[] = []): TargetSpec {
  return {
    name,
    command: (port, dir) => ({
      // Run as users do, through the launcher's shebang (which sets MALLOC_MMAP_THRESHOLD_).
      file: path.join(REPO_ROOT, 'bin', 'stratakv'),
      args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendfsync', appendfsync, ...directives],
      cwd: REPO_ROOT,
    }),
  };
}

/** The ceiling answers SET, GET, PING (RESP only) and CONFIG; cwd = repo so it finds redis-parser. */
export function ceilingSpec(): TargetSpec {
  return {
    name: 'node-ceiling',
    supportedTests: new Set(['set', 'get']),
    command: (port) => ({ file: process.execPath, args: [CEILING_SCRIPT, String(port)], cwd: REPO_ROOT }),
  };
}

export function redisSpec(name: string, persistence: 'aof-everysec' | 'none'): TargetSpec {
  const durability = persistence === 'none' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  return {
    name,
    command: (port, dir) => ({
      file: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', ...durability],
      cwd: dir,
    }),
  };
}

/** Why redis targets cannot run here, or undefined when redis-server is installed. */
export function redisServerMissing(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.error ? `redis-server not runnable (${probe.error.message})` : undefined;
}

export function redisBenchmarkMissing(): string | undefined {
  const probe = spawnSync('redis-benchmark', ['--version'], { encoding: 'utf8' });
  return probe.error ? `redis-benchmark not runnable (${probe.error.message})` : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const PING = Buffer.from('*1\r\n$4\r\nPING\r\n');

/** One PING round trip; resolves false on refusal or a reply other than +PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write(PING));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Owns every child process of a benchmark run. stopAll() is idempotent; install() hooks SIGINT,
 * SIGTERM and process exit so an interrupted run leaves no server behind.
 */
export class ProcessGroup {
  private readonly targets = new Set<RunningTarget>();
  private readonly helpers = new Set<ChildProcess>();
  private stopping: Promise<void> | null = null;
  private signal: NodeJS.Signals | null = null;

  /** Set once SIGINT/SIGTERM arrived: failures after that are the interruption, not worth a report. */
  get interrupted(): boolean {
    return this.signal !== null;
  }

  /** The exit code a run that failed should end with: the signal's, or 1. */
  get failureExitCode(): number {
    return this.signal === 'SIGINT' ? 130 : this.signal === 'SIGTERM' ? 143 : 1;
  }

  install(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.signal = signal;
      process.stderr.write(`\n# ${signal}: stopping every process this benchmark started\n`);
      void this.stopAll().finally(() => process.exit(this.failureExitCode));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Last resort when the event loop is already gone: no waiting possible, so SIGKILL.
    process.once('exit', () => {
      for (const target of this.targets) if (target.child.exitCode === null) target.child.kill('SIGKILL');
      for (const helper of this.helpers) if (helper.exitCode === null) helper.kill('SIGKILL');
    });
  }

  async start(spec: TargetSpec): Promise<RunningTarget> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${spec.name}-`));
    const { file, args, cwd } = spec.command(port, dir);
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const target: RunningTarget = { spec, port, dir, child, log: [] };
    this.targets.add(target);
    const keep = (chunk: Buffer): void => {
      target.log.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      if (target.log.length > 40) target.log.splice(0, target.log.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const spawnFailure = new Promise<Error>((resolve) => child.once('error', resolve));
    let failed: Error | undefined;
    void spawnFailure.then((error) => (failed = error));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await pingOnce(port))) {
      if (failed !== undefined || child.exitCode !== null || Date.now() > deadline) {
        await this.stop(target);
        const why = failed?.message ?? (child.exitCode !== null ? `exited with ${child.exitCode}` : 'no PONG in time');
        throw new Error(`${spec.name} did not start on port ${port}: ${why}\n  ${target.log.slice(-10).join('\n  ')}`);
      }
      await sleep(50);
    }
    return target;
  }

  async stop(target: RunningTarget): Promise<void> {
    const child = target.child;
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    this.targets.delete(target);
    fs.rmSync(target.dir, { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const helper of this.helpers) if (helper.exitCode === null) helper.kill('SIGKILL');
      await Promise.all([...this.targets].map((target) => this.stop(target)));
    })();
    await this.stopping;
    this.stopping = null;
  }

  /** Runs a short-lived helper (redis-benchmark) and returns its stdout; rejects on failure. */
  run(file: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.helpers.add(child);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', (error) => {
        this.helpers.delete(child);
        reject(error);
      });
      child.once('close', (code, signal) => {
        this.helpers.delete(child);
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new Error(`${file} ${args.join(' ')} failed (${signal ?? code}): ${Buffer.concat(err).toString('utf8').trim()}`));
      });
    });
  }
}

/**
 * A benchmark's main part, run the way every bench/ program runs it: a ProcessGroup that stops
 * every child on SIGINT/SIGTERM, an optional watchdog that stops everything and exits 1 after
 * `timeoutMinutes`, and on failure the error (unless the run was interrupted or timed out, when
 * the failure is only the stopped processes), every child stopped and the group's exit code.
 */
export async function runBench<T>(name: string, body: (group: ProcessGroup) => Promise<T>, timeoutMinutes?: number): Promise<T> {
  const group = new ProcessGroup();
  group.install();
  let timedOut = false;
  const watchdog =
    timeoutMinutes === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          process.stderr.write(`${name}: still running after ${timeoutMinutes} minutes; stopping every process it started\n`);
          void group.stopAll().finally(() => process.exit(1));
        }, timeoutMinutes * 60_000);
  watchdog?.unref();
  let result: T;
  try {
    result = await body(group);
  } catch (error) {
    if (!group.interrupted && !timedOut) process.stderr.write(`${name}: ${(error as Error).stack ?? String(error)}\n`);
    await group.stopAll();
    process.exit(group.failureExitCode);
  }
  clearTimeout(watchdog);
  await group.stopAll();
  return result;
}

/** One line of redis-benchmark --csv: test names are upper case ("SET", "MSET (10 keys)"). */
export interface BenchmarkRow {
  readonly test: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Splits one CSV line; fields may be double-quoted (with "" as an escaped quote) or bare. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let field = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (i < line.length && line[i] !== ',') i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      field = line.slice(i, end);
      i = end;
    }
    fields.push(field);
    i++; // past the comma (or past the end, which ends the loop)
  }
  return fields;
}

/** Parses redis-benchmark --csv output by its header, so column order changes do not matter. */
export function parseBenchmarkCsv(text: string): BenchmarkRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  const header = splitCsvLine(lines[0]);
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index === -1) throw new Error(`redis-benchmark CSV has no "${name}" column: ${lines[0]}`);
    return index;
  };
  const testCol = column('test');
  const rpsCol = column('rps');
  const p50Col = column('p50_latency_ms');
  const p99Col = column('p99_latency_ms');
  return lines.slice(1).map((line) => {
    const fields = splitCsvLine(line);
    return { test: fields[testCol], rps: Number(fields[rpsCol]), p50Ms: Number(fields[p50Col]), p99Ms: Number(fields[p99Col]) };
  });
}

export interface BenchmarkRun extends LoadShape {
  readonly tests: readonly string[];
  readonly valueSize: number;
}

/** What every redis-benchmark run is given: where, how many clients and requests, key space, pipeline. */
export interface LoadShape {
  readonly port: number;
  readonly clients: number;
  readonly requests: number;
  readonly keyspace: number;
  readonly pipeline: number;
}

function shapeArgs(run: LoadShape): string[] {
  return ['-h', '127.0.0.1', '-p', String(run.port), '-c', String(run.clients), '-n', String(run.requests), '-r', String(run.keyspace), '-P', String(run.pipeline), '--csv'];
}

export async function runRedisBenchmark(group: ProcessGroup, run: BenchmarkRun): Promise<BenchmarkRow[]> {
  const args = [...shapeArgs(run), '-t', run.tests.join(','), '-d', String(run.valueSize)];
  return parseBenchmarkCsv(await group.run('redis-benchmark', args));
}

/**
 * redis-benchmark's custom-command form: `command` is sent as is, each `__rand_int__` in it
 * replaced per request by a random 12-digit zero-padded number below the key space (-r). One row.
 */
export async function runRedisBenchmarkCommand(group: ProcessGroup, run: LoadShape, command: readonly string[]): Promise<BenchmarkRow> {
  const rows = parseBenchmarkCsv(await group.run('redis-benchmark', [...shapeArgs(run), ...command]));
  if (rows.length !== 1) throw new Error(`redis-benchmark ${command.join(' ')}: expected one CSV row, got ${rows.length}`);
  return rows[0];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Comma-separated positive integers, e.g. "100,1024,16384". */
export function parseIntList(text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v) || v <= 0)) throw new Error(`expected positive integers separated by commas, got "${text}"`);
  return values;
}

/** Right-aligned fixed-width table; the first column is left-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A GitHub-flavoured markdown table, to paste into the README. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return `${os.availableParallelism()} CPUs (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** The median of one (test, pipeline, size, target) cell over the rounds. */
export interface ThroughputResult {
  readonly test: string;
  readonly pipeline: number;
  readonly size: number;
  readonly target: string;
  readonly rounds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface InterleavedPlan {
  readonly specs: readonly TargetSpec[];
  readonly tests: readonly string[];
  readonly pipelines: readonly number[];
  readonly sizes: readonly number[];
  readonly rounds: number;
  readonly clients: number;
  readonly requests: number;
  /** Key space (-r) for a value size; large values get a smaller one so memory stays bounded. */
  readonly keyspaceFor: (size: number) => number;
  readonly onProgress: (line: string) => void;
}

/**
 * Fresh servers per value size; within a size, round by round, each pipeline depth, each target in
 * turn, so drift of the machine (thermal, other load) hits every target alike.
 */
export async function runInterleaved(group: ProcessGroup, plan: InterleavedPlan): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  for (const size of plan.sizes) {
    const samples = new Map<string, BenchmarkRow[]>();
    const running: RunningTarget[] = [];
    try {
      for (const spec of plan.specs) running.push(await group.start(spec));
      for (let round = 1; round <= plan.rounds; round++) {
        for (const pipeline of plan.pipelines) {
          for (const target of running) {
            const supported = target.spec.supportedTests;
            const tests = supported === undefined ? plan.tests : plan.tests.filter((test) => supported.has(test));
            if (tests.length === 0) continue;
            const rows = await runRedisBenchmark(group, {
              port: target.port, tests, clients: plan.clients, requests: plan.requests,
              keyspace: plan.keyspaceFor(size), valueSize: size, pipeline,
            });
            for (const row of rows) {
              const key = JSON.stringify([row.test, pipeline, target.spec.name]);
              const list = samples.get(key) ?? [];
              list.push(row);
              samples.set(key, list);
            }
            plan.onProgress(`size ${size} round ${round}/${plan.rounds} -P ${pipeline} ${target.spec.name}: ` +
              rows.map((row) => `${row.test} ${Math.round(row.rps)}`).join(', '));
          }
        }
      }
    } finally {
      await Promise.all(running.map((target) => group.stop(target)));
    }
    for (const [key, rows] of samples) {
      const [test, pipeline, target] = JSON.parse(key) as [string, number, string];
      results.push({
        test, pipeline, size, target, rounds: rows.length,
        rps: median(rows.map((row) => row.rps)),
        p50Ms: median(rows.map((row) => row.p50Ms)),
        p99Ms: median(rows.map((row) => row.p99Ms)),
      });
    }
  }
  return results;
}

export function resultJson(bench: string, result: ThroughputResult): string {
  return JSON.stringify({
    bench, test: result.test, pipeline: result.pipeline, size: result.size, target: result.target,
    rounds: result.rounds, rps: Math.round(result.rps), p50_ms: result.p50Ms, p99_ms: result.p99Ms,
  });
}
