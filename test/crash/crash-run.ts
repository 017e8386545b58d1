/**
 * The crash loop, shared by the short test (test/crash/server-crash.test.ts) and the long bench
 * (bench/crash-loop.ts). One data directory lives across all cycles; each cycle:
 *
 *   1. many clients write (SET, MSET, INCR, MULTI/EXEC) to the real server, and a few more write
 *      hashes, sets and sorted sets (crash-collections.ts);
 *   2. at a random moment the server is SIGKILLed (a small memtable makes that moment likely to
 *      fall inside a flush or a compaction; INFO storage read just before the kill says which);
 *   3. the directory is inspected as the crash left it (temp files, unreferenced tables);
 *   4. the server is restarted and timed from spawn to its first PONG;
 *   5. once it is idle, the directory must hold no temp file and no table its manifest does not
 *      reference (open removes orphans), and every table the manifest references must exist;
 *   6. the data is checked against the ledger (see crash-verify.ts), the collections against
 *      their model (crash-collections.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';
import { describeDirState, inspectDataDir, type DirState } from './crash-files.js';
import { CycleLedger } from './crash-ledger.js';
import { WriteLoad } from './crash-load.js';
import { RespRequester } from './crash-resp.js';
import { CrashServer, sleep } from './crash-server.js';
import { KnownState, checkEarlierCycles, checkKeyCount, checkKilledCycle, emptyCheck, type CycleCheck } from './crash-verify.js';
import { CollectionModel, checkCollections, type CollectionCheck } from './crash-collections.js';

export interface CrashLoopOptions {
  readonly cycles: number;
  readonly fsync: 'always' | 'everysec';
  readonly clients: number;
  /** Commands each client keeps in flight. */
  readonly depth: number;
  readonly counters: number;
  /** Connections writing hashes, sets and sorted sets, one op in flight each (0: none). */
  readonly collectionClients?: number;
  /** As given to `--memtable-size` (e.g. '1mb'). */
  readonly memtableSize: string;
  readonly seed: number;
  /** Each cycle writes for a random time in [minRunMs, maxRunMs] before the kill. */
  readonly minRunMs: number;
  readonly maxRunMs: number;
  /** `everysec`: acknowledged writes older than this at the kill must survive. */
  readonly lossWindowMs: number;
  /** Ops of earlier cycles re-read after each restart (all of them when there are fewer). */
  readonly earlierSampleOps: number;
  /** Data directory to use and keep; a temp dir (removed at the end) otherwise. */
  readonly dir?: string;
  readonly onCycle?: (result: CycleResult) => void;
}

export interface CycleResult {
  readonly cycle: number;
  readonly runMs: number;
  readonly restartMs: number;
  /** The part of the restart the server spent opening the data (its own log line). */
  readonly dataLoadMs: number;
  /** What INFO storage said just before the kill. */
  readonly killDuringFlush: boolean;
  readonly killDuringCompaction: boolean;
  /** What the kill left in the directory (to be cleaned by the next open). */
  readonly leftTempFiles: number;
  readonly leftOrphanTables: number;
  readonly check: CycleCheck;
}

export interface CrashLoopReport {
  readonly fsync: 'always' | 'everysec';
  readonly seed: number;
  readonly cycles: number;
  readonly ackedChecked: number;
  readonly collectionOpsChecked: number;
  readonly collectionKeysChecked: number;
  readonly olderKeysChecked: number;
  readonly lost: number;
  readonly lostBeyondWindow: number;
  readonly inFlightApplied: number;
  readonly inFlightDropped: number;
  readonly restartWorstMs: number;
  readonly restartMedianMs: number;
  readonly dataLoadWorstMs: number;
  readonly dataLoadMedianMs: number;
  readonly killsDuringFlush: number;
  readonly killsDuringCompaction: number;
  readonly killsLeavingTempFiles: number;
  readonly killsLeavingOrphanTables: number;
  readonly failures: string[];
}

/** How long a restarted server may take to finish the flushes and compactions its recovery started. */
const IDLE_TIMEOUT_MS = 60_000;
/** Obsolete tables are unlinked asynchronously right after a compaction installs its result. */
const CLEANUP_GRACE_MS = 3_000;
const LOAD_CLOSE_TIMEOUT_MS = 10_000;

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-crash-loop-'));
  const random = mulberry32(options.seed);
  const known = new KnownState(options.counters);
  const collections = (options.collectionClients ?? 0) > 0 ? new CollectionModel(options.collectionClients ?? 0) : undefined;
  const ledgers: CycleLedger[] = [];
  const results: CycleResult[] = [];
  const failures: string[] = [];
  const serverOptions = (port: number) => ({ dir, port, fsync: options.fsync, memtableSize: options.memtableSize });

  let port = await freePort();
  let server = (await CrashServer.start(serverOptions(port))).server;
  try {
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const ledger = new CycleLedger(cycle);
      const load = new WriteLoad(ledger, { clients: options.clients, depth: options.depth, counters: options.counters, seed: options.seed }, collections);
      const probe = await RespRequester.connect(port);
      const runMs = options.minRunMs + random() * (options.maxRunMs - options.minRunMs);
      await load.start(port);
      await sleep(runMs);
      const storage = parseInfo(await probe.command('INFO', 'storage'));
      const killAt = performance.now();
      const killWall = Date.now();
      await server.kill();
      probe.close();
      await Promise.race([load.finished, sleep(LOAD_CLOSE_TIMEOUT_MS)]);
      load.close();

      const debris = inspectDataDir(dir);
      port = await freePort();
      const restarted = await CrashServer.start(serverOptions(port));
      server = restarted.server;

      const requester = await RespRequester.connect(port);
      try {
        const dirProblem = await waitUntilCleanAndIdle(requester, dir);
        const check = await checkKilledCycle(requester, ledger, known, { fsync: options.fsync, lossWindowMs: options.lossWindowMs, killAt });
        if (dirProblem !== null) check.failures.unshift(`cycle ${cycle}: after the restart ${dirProblem}`);
        if (collections !== undefined) {
          const mustSurviveBefore = options.fsync === 'always' ? Infinity : killAt - options.lossWindowMs;
          addCollectionCheck(check, await checkCollections(requester, collections, load.collectionClients, `cycle ${cycle}`, killWall, mustSurviveBefore));
          known.presentCollections = collections.presentKeys;
        }
        await checkEarlierCycles(requester, ledgers, options.earlierSampleOps, random, check);
        ledgers.push(ledger);
        await checkKeyCount(requester, known, check, cycle);
        const result: CycleResult = {
          cycle,
          runMs,
          restartMs: restarted.readyMs,
          dataLoadMs: server.dataLoadMs ?? NaN,
          killDuringFlush: (storage.get('immutable_memtables') ?? 0) > 0,
          killDuringCompaction: (storage.get('compactions_running') ?? 0) > 0,
          leftTempFiles: debris.tempFiles.length,
          leftOrphanTables: debris.orphanTables.length,
          check,
        };
        results.push(result);
        failures.push(...check.failures);
        options.onCycle?.(result);
      } finally {
        requester.close();
      }
    }

    // The per-cycle re-check of earlier cycles may have been a sample: read everything once at the end.
    const requester = await RespRequester.connect(port);
    try {
      const final = emptyCheck();
      await checkEarlierCycles(requester, ledgers, Infinity, random, final);
      if (collections !== undefined) {
        addCollectionCheck(final, await checkCollections(requester, collections, [], 'final', 0, Infinity));
        known.presentCollections = collections.presentKeys;
      }
      await checkKeyCount(requester, known, final, options.cycles);
      failures.push(...final.failures.map((f) => `final check: ${f}`));
    } finally {
      requester.close();
    }
  } catch (err) {
    failures.push(`the loop stopped: ${(err as Error).message}`);
  } finally {
    await server.kill();
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
  }
  return summarize(options, results, failures);
}

function addCollectionCheck(check: CycleCheck, c: CollectionCheck): void {
  check.ackedChecked += c.ackedOps;
  check.collectionOpsChecked += c.ackedOps;
  check.collectionKeysChecked += c.keysChecked;
  check.lost += c.lost;
  check.inFlightApplied += c.inFlightApplied;
  check.inFlightDropped += c.inFlightDropped;
  check.failures.push(...c.failures);
}

/**
 * Waits until the restarted server has no flush or compaction running, then checks the
 * directory: a problem description, or null when it is clean.
 */
async function waitUntilCleanAndIdle(requester: RespRequester, dir: string): Promise<string | null> {
  const idleDeadline = performance.now() + IDLE_TIMEOUT_MS;
  let idleSince = -1;
  let state: DirState | null = null;
  for (;;) {
    const storage = parseInfo(await requester.command('INFO', 'storage'));
    const idle = storage.get('immutable_memtables') === 0 && storage.get('compactions_running') === 0;
    if (idle) {
      if (idleSince < 0) idleSince = performance.now();
      state = inspectDataDir(dir);
      const clean = state.tempFiles.length === 0 && state.orphanTables.length === 0 && state.missingTables.length === 0;
      if (clean) return null;
      if (performance.now() - idleSince > CLEANUP_GRACE_MS) return `the idle server's directory is not clean: ${describeDirState(state)}`;
    } else {
      idleSince = -1;
      if (performance.now() > idleDeadline) return `the server was still flushing or compacting ${IDLE_TIMEOUT_MS} ms after its restart`;
    }
    await sleep(20);
  }
}

/** `name:value` lines of an INFO reply, numeric values only. */
function parseInfo(reply: unknown): Map<string, number> {
  const fields = new Map<string, number>();
  if (typeof reply !== 'string') throw new Error(`INFO answered ${JSON.stringify(reply)}`);
  for (const line of reply.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), Number(line.slice(colon + 1)));
  }
  return fields;
}

function summarize(options: CrashLoopOptions, results: readonly CycleResult[], failures: string[]): CrashLoopReport {
  const restarts = results.map((r) => r.restartMs).sort((a, b) => a - b);
  const loads = results.map((r) => r.dataLoadMs).filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);
  const sum = (pick: (r: CycleResult) => number): number => results.reduce((total, r) => total + pick(r), 0);
  return {
    fsync: options.fsync,
    seed: options.seed,
    cycles: results.length,
    ackedChecked: sum((r) => r.check.ackedChecked),
    collectionOpsChecked: sum((r) => r.check.collectionOpsChecked),
    collectionKeysChecked: sum((r) => r.check.collectionKeysChecked),
    olderKeysChecked: sum((r) => r.check.olderKeysChecked),
    lost: sum((r) => r.check.lost),
    lostBeyondWindow: sum((r) => r.check.lostBeyondWindow),
    inFlightApplied: sum((r) => r.check.inFlightApplied),
    inFlightDropped: sum((r) => r.check.inFlightDropped),
    restartWorstMs: restarts.length > 0 ? restarts[restarts.length - 1] : 0,
    restartMedianMs: median(restarts),
    dataLoadWorstMs: loads.length > 0 ? loads[loads.length - 1] : 0,
    dataLoadMedianMs: median(loads),
    killsDuringFlush: sum((r) => (r.killDuringFlush ? 1 : 0)),
    killsDuringCompaction: sum((r) => (r.killDuringCompaction ? 1 : 0)),
    killsLeavingTempFiles: sum((r) => (r.leftTempFiles > 0 ? 1 : 0)),
    killsLeavingOrphanTables: sum((r) => (r.leftOrphanTables > 0 ? 1 : 0)),
    failures,
  };
}

function median(sorted: readonly number[]): number {
  return sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)] : 0;
}

export function formatReport(report: CrashLoopReport): string {
  const lines = [
    `appendfsync ${report.fsync} (seed ${report.seed}): ${report.cycles} kill cycles`,
    `  acknowledged writes checked: ${report.ackedChecked}; lost: ${report.lost}` +
      (report.fsync === 'everysec' ? ` (${report.lostBeyondWindow} acknowledged before the loss window)` : ''),
    `  of those, hash/set/sorted-set/list ops: ${report.collectionOpsChecked}; collection keys read whole and compared with the model: ${report.collectionKeysChecked}`,
    `  in flight at the kill: ${report.inFlightApplied} applied, ${report.inFlightDropped} not applied; earlier keys re-read: ${report.olderKeysChecked}`,
    `  restart to first PONG: median ${report.restartMedianMs.toFixed(0)} ms, worst ${report.restartWorstMs.toFixed(0)} ms ` +
      `(of which opening the data: median ${report.dataLoadMedianMs.toFixed(0)} ms, worst ${report.dataLoadWorstMs.toFixed(0)} ms)`,
    `  kills during a flush: ${report.killsDuringFlush}, during a compaction: ${report.killsDuringCompaction}; ` +
      `kills that left temp files: ${report.killsLeavingTempFiles}, unreferenced tables: ${report.killsLeavingOrphanTables}`,
    `  failures: ${report.failures.length}`,
  ];
  for (const failure of report.failures.slice(0, 40)) lines.push(`    ${failure}`);
  return lines.join('\n');
}
