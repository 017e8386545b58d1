/**
 * Engine benchmark: StrataKV's engine against classic-level (LevelDB) in one Node process, on the
 * same data, with db_bench's workloads and names. Each engine uses its fastest honest API in
 * "batch" mode and one awaited operation at a time in "single" mode (see bench/lib/*-target.ts).
 *
 *   npm run bench:engine -- [--num N] [--benchmarks fillseq,readrandom,...] [--impl both]
 *                           [--modes single,batch] [--dir ROOT] [--beyond-ram]
 *
 * Output: '#' header lines, one JSON object per measurement, then a table of ratios; progress on
 * stderr. The engines run one after the other, each with the other closed, so neither one's
 * background threads steal time from the other's measurements.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { PreformattedKeys, Workload, formatKey, formatMissingKey } from './lib/workload.js';
import { IMPLS, READ_BATCH, WRITE_BATCH, type EngineConfig, type ImplName, type Mode, type TargetFactory } from './lib/target.js';
import { StrataKvTarget } from './lib/stratakv-target.js';
import { ClassicLevelTarget } from './lib/classic-level-target.js';
import { BENCHES, Orders, runSuite, type BenchName } from './lib/suite.js';
import { runBeyondRam } from './lib/beyond-ram.js';
import { medians, printResult, printTable, progress, type Result } from './lib/report.js';
import { MIB } from './lib/measure.js';
import { positiveInt } from './lib/cli.js';

const FACTORIES: Record<ImplName, TargetFactory> = {
  stratakv: (workload, config) => new StrataKvTarget(workload, config),
  'classic-level': (workload, config) => new ClassicLevelTarget(workload, config),
};


function listOf<T extends string>(allowed: readonly T[]): (text: string) => T[] {
  return (text) => {
    const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new InvalidArgumentError(`unknown '${item}'; expected some of ${allowed.join(',')}`);
    return items as T[];
  };
}

function implList(text: string): ImplName[] {
  if (text === 'both') return [...IMPLS];
  return listOf(IMPLS)(text);
}

interface CliOptions {
  num?: number;
  reads?: number;
  seeks?: number;
  benchmarks: BenchName[];
  modes: Mode[];
  impl: ImplName[];
  dir?: string;
  seed: number;
  memtableMib: number;
  cacheMib?: number;
  settleMax?: number;
  rounds: number;
  verbose: boolean;
  beyondRam: boolean;
}

const program = new Command()
  .name('bench/engine')
  .description('db_bench-style workloads: StrataKV engine vs classic-level (LevelDB)')
  .option('--num <n>', 'keys (default 1,000,000; 20,000,000 with --beyond-ram)', positiveInt)
  .option('--reads <n>', 'lookups per read bench (default: --num; 1,000,000 with --beyond-ram)', positiveInt)
  .option('--seeks <n>', 'seeks for seekrandom (default: --reads)', positiveInt)
  .option('--benchmarks <list>', `comma-separated, from ${BENCHES.join(',')}`, listOf(BENCHES), [...BENCHES])
  .option('--modes <list>', 'single,batch', listOf(['single', 'batch'] as const), ['single', 'batch'])
  .option('--impl <which>', 'stratakv | classic-level | both', implList, [...IMPLS])
  .option('--dir <root>', 'where the databases go (a temp directory inside it, removed after); default: the OS temp dir')
  .option('--seed <n>', 'PRNG seed for keys, orders and values', positiveInt, 301)
  .option('--memtable-mib <n>', 'memtable / write buffer size for both engines', positiveInt, 64)
  .option('--cache-mib <n>', 'block cache size for both engines (default 256; 64 with --beyond-ram)', positiveInt)
  .option('--settle-max <seconds>', 'longest wait for background work to go quiet before reads (default 120; 1800 with --beyond-ram)', positiveInt)
  .option('--rounds <n>', 'repeat the suite, alternating which engine goes first, and report medians', positiveInt, 1)
  .option('--verbose', "print StrataKV's flush and compaction log lines on stderr", false)
  .option('--beyond-ram', 'load --num keys with a small cache; report RSS, read rate, disk bytes, reopen time', false);

function printHeader(lines: readonly string[]): void {
  for (const line of lines) process.stdout.write(`# ${line}\n`);
}

function machine(): string {
  const cpus = os.cpus();
  return `${os.availableParallelism()} cpus (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Other processes competing for the CPUs make every number noisier; say how busy the machine was. */
function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** The same invocation once per engine, each in its own process so RSS figures are its own. */
function spawnPerEngine(impls: readonly ImplName[]): number {
  const args: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--impl') i++;
    else if (!argv[i].startsWith('--impl=')) args.push(argv[i]);
  }
  let status = 0;
  for (const impl of impls) {
    const child = spawnSync(process.execPath, [process.argv[1], ...args, '--impl', impl], { stdio: 'inherit' });
    if (child.status !== 0) status = child.status ?? 1;
  }
  return status;
}

async function main(): Promise<number> {
  const opts = program.parse().opts<CliOptions>();
  const beyondRam = opts.beyondRam;
  if (beyondRam && opts.impl.length > 1) return spawnPerEngine(opts.impl);

  const n = opts.num ?? (beyondRam ? 20_000_000 : 1_000_000);
  const reads = opts.reads ?? (beyondRam ? 1_000_000 : n);
  const config: EngineConfig = { memtableBytes: opts.memtableMib * MIB, cacheBytes: (opts.cacheMib ?? (beyondRam ? 64 : 256)) * MIB, verbose: opts.verbose };
  const settleMaxSeconds = opts.settleMax ?? (beyondRam ? 1800 : 120);
  const root = opts.dir ?? os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(root, 'stratakv-bench-'));
  const cleanUp = (): void => fs.rmSync(runDir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });

  try {
    if (beyondRam) {
      printHeader([`machine: ${machine()}; load average ${loadAverage()}`, `data in ${runDir}`]);
      await runBeyondRam(FACTORIES[opts.impl[0]], { n, reads, seed: opts.seed, config, settleMaxSeconds, runDir });
      return 0;
    }

    progress(`generating ${n.toLocaleString('en-US')} keys and orders (untimed)`);
    const workload = new Workload(n, opts.seed, new PreformattedKeys(n, formatKey), new PreformattedKeys(n, formatMissingKey));
    const orders = new Orders(workload);
    const plan = { benches: new Set(opts.benchmarks), modes: opts.modes, reads, seeks: opts.seeks ?? reads, settleMaxSeconds, runDir };
    const targets = opts.impl.map((impl) => FACTORIES[impl](workload, config));
    printHeader([
      `engine benchmark: ${n.toLocaleString('en-US')} keys, 16-byte keys, 100-byte incompressible values, seed ${opts.seed}, ${reads.toLocaleString('en-US')} reads, ${plan.seeks.toLocaleString('en-US')} seeks`,
      `machine: ${machine()}; load average ${loadAverage()}`,
      `data in ${runDir}`,
      ...targets.map((t) => `${t.impl}: ${t.description}`),
      `durability: neither engine fsyncs per write; both append every write to a log (StrataKV fsyncs it once a second, LevelDB leaves it to the OS)`,
      `single = one awaited operation at a time; batch = writes in batches of ${WRITE_BATCH}, random reads ${READ_BATCH} at a time (classic-level getMany), scans by iterator (classic-level nextv), seeks ${READ_BATCH} at a time`,
      `fills run on fresh databases; overwrite and reads on the one fillrandom left; reads start once background work is quiet`,
    ]);

    // JIT warm-up: both engines' code paths (and the bench's) get compiled before anything is timed.
    const warmN = Math.min(n, 20_000);
    const warmWorkload = new Workload(warmN, opts.seed + 1, new PreformattedKeys(warmN, formatKey), new PreformattedKeys(warmN, formatMissingKey));
    const warmPlan = { ...plan, reads: warmN, seeks: warmN, settleMaxSeconds: 5, silent: true };
    for (const impl of opts.impl) await runSuite(FACTORIES[impl](warmWorkload, config), warmWorkload, new Orders(warmWorkload), warmPlan);

    const rounds: Result[][] = [];
    const notes: string[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      if (opts.rounds > 1) progress(`round ${round + 1} of ${opts.rounds}`);
      const results: Result[] = [];
      // Alternating who goes first cancels out drift (page cache, machine load) across rounds.
      const ordered = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of ordered) {
        const outcome = await runSuite(target, workload, orders, { ...plan, onResult: opts.rounds === 1 ? printResult : undefined });
        results.push(...outcome.results);
        if (round === opts.rounds - 1) {
          notes.push(...outcome.references);
          if (outcome.finalState !== '') notes.push(`${target.impl} after the read benches: ${outcome.finalState}`);
        }
      }
      rounds.push(results);
    }
    const reported = opts.rounds === 1 ? rounds[0] : medians(rounds);
    if (opts.rounds > 1) for (const r of reported) printResult(r);
    printTable(reported, BENCHES);
    notes.push(`load average at the end: ${loadAverage()}${opts.rounds > 1 ? `; figures are medians of ${opts.rounds} rounds` : ''}`);
    process.stdout.write('\n' + notes.map((note) => `- ${note}`).join('\n') + '\n');
    return 0;
  } finally {
    cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench/engine failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
