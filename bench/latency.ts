/**
 * Latency under sustained writes (issue 5, benchmark 4): SET at a fixed rate, open loop, against
 * StrataKV with a small memtable so flushes and compactions run the whole time. Per 10 s window it
 * reports p50/p99/p99.9/max latency (from each request's scheduled send time, so stalls are not
 * hidden by coordinated omission), requests completed, and the engine's INFO storage counters.
 * Target: p99.9 < 10 ms in every window, and no window without progress.
 *
 *   npm run bench:latency -- [--duration 300] [--rate 50000] [--connections 8] [--size 100]
 *                            [--keyspace 100000000] [--memtable-size 4mb] [--window 10]
 *                            [--seed 1] [--svg bench-latency.svg]
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { positiveInt } from './lib/cli.js';
import { OpenLoopLoad, type WindowLatency } from './lib/latency-load.js';
import { StorageInfoSampler, type StorageCounters } from './lib/latency-info.js';
import { renderLatencySvg } from './lib/latency-svg.js';
import { ProcessGroup, runBench, REPO_ROOT, formatTable, machineDescription, type TargetSpec } from './lib/resp-targets.js';

const P999_LIMIT_MS = 10;
/** How long the last window waits for replies still in flight when sending stops. */
const DRAIN_TIMEOUT_MS = 30_000;
/** Keys are 12 decimal digits. */
const MAX_KEYSPACE = 1e12;

const program = new Command('latency')
  .description('SET latency per window at a fixed open-loop rate against StrataKV, next to its flush/compaction activity')
  .option('--duration <s>', 'seconds of load', positiveInt, 300)
  .option('--rate <n>', 'target SET requests per second', positiveInt, 50_000)
  .option('--connections <n>', 'client connections (requests are spread round-robin)', positiveInt, 8)
  .option('--size <n>', 'value size in bytes', positiveInt, 100)
  .option('--keyspace <n>', 'keys drawn uniformly from this many', positiveInt, 100_000_000)
  .option('--memtable-size <size>', 'StrataKV memtable-size (small keeps flushes and compactions busy)', '4mb')
  .option('--window <s>', 'seconds per reporting window', positiveInt, 10)
  .option('--seed <n>', 'key/value generator seed', positiveInt, 1)
  .option('--svg <path>', 'where to write the SVG plot', 'bench-latency.svg')
  .parse();

interface CliOptions {
  duration: number;
  rate: number;
  connections: number;
  size: number;
  keyspace: number;
  memtableSize: string;
  window: number;
  seed: number;
  svg: string;
}
const cli = program.opts<CliOptions>();
if (cli.keyspace > MAX_KEYSPACE) program.error(new InvalidArgumentError(`--keyspace must be at most ${MAX_KEYSPACE}`).message);

interface WindowReport extends WindowLatency {
  readonly window: number;
  readonly startS: number;
  readonly endS: number;
  readonly flushes: number;
  readonly compactions: number;
  readonly writeStalls: number;
  readonly writeSlowdowns: number;
  readonly level0Files: number;
  readonly flags: string[];
}

function stratakvLatencySpec(): TargetSpec {
  return {
    name: 'stratakv-latency',
    command: (port, dir) => ({
      file: process.execPath,
      args: ['bin/stratakv', '--port', String(port), '--dir', dir, '--appendfsync', 'everysec', '--memtable-size', cli.memtableSize],
      cwd: REPO_ROOT,
    }),
  };
}

function flagsOf(latency: WindowLatency): string[] {
  const flags: string[] = [];
  if (latency.completed === 0) flags.push('NO-PROGRESS');
  if (latency.p999Ms >= P999_LIMIT_MS) flags.push('P99.9>=10ms');
  if (latency.errors > 0) flags.push('ERRORS');
  return flags;
}

const sleepUntil = (deadline: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())));

async function run(group: ProcessGroup): Promise<WindowReport[]> {
  const target = await group.start(stratakvLatencySpec());
  const sampler = await StorageInfoSampler.open(target.port);
  const load = await OpenLoopLoad.open({
    port: target.port, rate: cli.rate, connections: cli.connections, valueSize: cli.size, keyspace: cli.keyspace, seed: cli.seed,
  });
  const reports: WindowReport[] = [];
  try {
    let previous: StorageCounters = await sampler.sample();
    const windowCount = Math.ceil(cli.duration / cli.window);
    const startedAt = performance.now();
    load.start();
    for (let w = 0; w < windowCount; w++) {
      const startS = w * cli.window;
      const endS = Math.min(cli.duration, startS + cli.window);
      await sleepUntil(startedAt + endS * 1000);
      if (load.failure) throw load.failure;
      if (w === windowCount - 1) {
        // The last window owns the replies to everything it sent, so the run ends with nothing unanswered.
        load.stopSending();
        if (!(await load.drain(DRAIN_TIMEOUT_MS))) process.stderr.write(`# ${load.outstanding} requests still unanswered after ${DRAIN_TIMEOUT_MS} ms\n`);
      }
      const latency = load.takeWindow();
      // INFO is answered by the same server: during a stall this wait is part of what is measured.
      const counters = await sampler.sample();
      const report: WindowReport = {
        window: w, startS, endS, ...latency,
        flushes: counters.flushes - previous.flushes,
        compactions: counters.compactions - previous.compactions,
        writeStalls: counters.writeStalls - previous.writeStalls,
        writeSlowdowns: counters.writeSlowdowns - previous.writeSlowdowns,
        level0Files: counters.level0Files,
        flags: flagsOf(latency),
      };
      previous = counters;
      reports.push(report);
      process.stdout.write(JSON.stringify({ bench: 'latency', ...report }) + '\n');
    }
  } finally {
    load.close();
    sampler.close();
  }
  return reports;
}

const ms = (value: number): string => value.toFixed(2);

process.stdout.write(`# latency: ${machineDescription()}\n`);
process.stdout.write(`# SET open loop ${cli.rate}/s over ${cli.connections} connections for ${cli.duration} s, ${cli.size} B values, keyspace ${cli.keyspace}, memtable-size ${cli.memtableSize}, appendfsync everysec\n`);

const reports: WindowReport[] = await runBench('latency', run);

const header = ['window s', 'done', 'rps', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'flushes', 'compactions', 'stalls', 'slowdowns', 'L0 files', 'flags'];
const rows = reports.map((r) => [
  `${r.startS}-${r.endS}`, String(r.completed), String(Math.round(r.completed / Math.max(1e-9, r.endS - r.startS))),
  ms(r.p50Ms), ms(r.p99Ms), ms(r.p999Ms), ms(r.maxMs),
  String(r.flushes), String(r.compactions), String(r.writeStalls), String(r.writeSlowdowns), String(r.level0Files),
  r.flags.join(' ') || 'ok',
]);
process.stdout.write('\n' + formatTable(header, rows) + '\n');

const flagged = reports.filter((r) => r.flags.length > 0).length;
const worstP999 = Math.max(0, ...reports.map((r) => r.p999Ms));
process.stdout.write(`\n# ${flagged} of ${reports.length} windows flagged; worst p99.9 ${ms(worstP999)} ms (target < ${P999_LIMIT_MS} ms in every window)\n`);

const svgPath = path.resolve(cli.svg);
const title = `StrataKV SET at ${cli.rate}/s, ${cli.connections} connections, memtable ${cli.memtableSize}, everysec`;
fs.writeFileSync(svgPath, renderLatencySvg(reports, title, P999_LIMIT_MS));
process.stdout.write(`# plot: ${svgPath}\n`);
