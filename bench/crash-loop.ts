/**
 * The long crash loop: hundreds of SIGKILLs of the real server under concurrent write load, each
 * followed by a timed restart and a check of every acknowledged write (see test/crash/crash-run.ts;
 * `npm test` runs a few cycles of the same loop).
 *
 *   npm run bench:crash-loop -- [--cycles 100] [--fsync always|everysec] [--clients 32]
 *                               [--collection-clients 8] [--memtable-size 1mb] [--seed N] [--dir DIR]
 *
 * Prints one line per cycle on stderr and the totals on stdout; exits 1 on any failure.
 */
import { Command, Option } from 'commander';
import { formatReport, runCrashLoop, type CycleResult } from '../test/crash/crash-run.js';
import { positiveInt } from './lib/cli.js';


const program = new Command('crash-loop')
  .description('SIGKILL the server at random moments under write load; check every acknowledged write after each restart')
  .option('--cycles <n>', 'kill/restart cycles', positiveInt, 100)
  .addOption(new Option('--fsync <policy>', 'appendfsync of the server').choices(['always', 'everysec']).default('always'))
  .option('--clients <n>', 'concurrent client connections', positiveInt, 32)
  .option('--depth <n>', 'commands each client keeps in flight', positiveInt, 4)
  .option('--collection-clients <n>', 'more connections writing hashes, sets and sorted sets (one op in flight each; 0: none)', (v) => Number(v), 8)
  .option('--memtable-size <size>', 'memtable size given to the server (small = frequent flushes and compactions)', '1mb')
  .option('--min-run-ms <ms>', 'shortest write phase before a kill', positiveInt)
  .option('--max-run-ms <ms>', 'longest write phase before a kill', positiveInt)
  .option('--loss-window-ms <ms>', 'everysec: writes acknowledged longer ago than this at the kill must survive', positiveInt, 2000)
  .option('--earlier-sample <ops>', 'ops of earlier cycles re-read after each restart (all at the end)', positiveInt, 20_000)
  .option('--seed <n>', 'seed for the op mix, run times and samples', positiveInt)
  .option('--dir <dir>', 'data directory to use and keep (default: a temp dir, removed)')
  .parse();

interface CliOptions {
  cycles: number;
  fsync: 'always' | 'everysec';
  clients: number;
  depth: number;
  collectionClients: number;
  memtableSize: string;
  minRunMs?: number;
  maxRunMs?: number;
  lossWindowMs: number;
  earlierSample: number;
  seed?: number;
  dir?: string;
}
const cli = program.opts<CliOptions>();
// everysec's promise is about writes older than the window, so its cycles must outlast it.
const minRunMs = cli.minRunMs ?? (cli.fsync === 'always' ? 200 : cli.lossWindowMs + 300);
const maxRunMs = Math.max(minRunMs, cli.maxRunMs ?? (cli.fsync === 'always' ? 2000 : cli.lossWindowMs + 2500));
const seed = cli.seed ?? Math.floor(Math.random() * 2 ** 31);

const report = await runCrashLoop({
  cycles: cli.cycles,
  fsync: cli.fsync,
  clients: cli.clients,
  depth: cli.depth,
  counters: 16,
  collectionClients: cli.collectionClients,
  memtableSize: cli.memtableSize,
  seed,
  minRunMs,
  maxRunMs,
  lossWindowMs: cli.lossWindowMs,
  earlierSampleOps: cli.earlierSample,
  dir: cli.dir,
  onCycle: (r: CycleResult) => {
    const c = r.check;
    const during = [r.killDuringFlush ? 'flush' : '', r.killDuringCompaction ? 'compaction' : ''].filter((s) => s !== '').join('+') || '-';
    process.stderr.write(
      `cycle ${r.cycle}: ran ${r.runMs.toFixed(0)} ms, killed during ${during}, left ${r.leftTempFiles} tmp / ${r.leftOrphanTables} orphan tables; ` +
        `restart ${r.restartMs.toFixed(0)} ms (data ${r.dataLoadMs.toFixed(0)} ms); ${c.ackedChecked} acked checked (${c.collectionOpsChecked} on collections), ${c.lost} lost, ` +
        `in flight ${c.inFlightApplied} applied / ${c.inFlightDropped} not; ${c.olderKeysChecked} earlier keys re-read` +
        (c.failures.length > 0 ? `; ${c.failures.length} FAILURES` : '') + '\n',
    );
    for (const failure of c.failures) process.stderr.write(`    ${failure}\n`);
  },
});
console.log(`# crash loop: ${cli.clients} clients x ${cli.depth} in flight + ${cli.collectionClients} collection clients x 1, memtable ${cli.memtableSize}, runs ${minRunMs}-${maxRunMs} ms`);
console.log(formatReport(report));
process.exitCode = report.failures.length > 0 ? 1 : 0;
