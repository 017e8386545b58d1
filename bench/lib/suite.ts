/**
 * The db_bench-style suite for one engine, in db_bench's order:
 *
 *   fillseq, fillrandom      each mode on a fresh database (random = every key once, shuffled)
 *   overwrite                each mode on the database the last fillrandom left (n uniform keys)
 *   readrandom, readmissing  `reads` uniform present / absent keys
 *   readseq                  a full scan
 *   seekrandom               `seeks` seeks to uniform present keys, reading the entry found
 *
 * Reads start only once background work (flushes, compactions) has gone quiet, so neither engine's
 * leftover write debt is billed to its reads. Every measurement is checked: hit and miss counts,
 * scan length, seek landings, and a sample of values compared byte for byte with what was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { permutation, sequentialOrder, uniformOrder, type Workload } from './workload.js';
import type { Mode, Target } from './target.js';
import { directoryBytes, timed, waitForIdle, type Timing } from './measure.js';
import { progress, type Result } from './report.js';

export const BENCHES = ['fillseq', 'fillrandom', 'overwrite', 'readrandom', 'readmissing', 'readseq', 'seekrandom'] as const;
export type BenchName = (typeof BENCHES)[number];
const READ_BENCHES: readonly BenchName[] = ['readrandom', 'readmissing', 'readseq', 'seekrandom'];

export interface SuitePlan {
  readonly benches: ReadonlySet<BenchName>;
  readonly modes: readonly Mode[];
  readonly reads: number;
  readonly seeks: number;
  readonly settleMaxSeconds: number;
  /** Databases are created under here, one directory per engine and bench, and removed after use. */
  readonly runDir: string;
  /** A warm-up run: measured and checked like any other, but nothing is reported. */
  readonly silent?: boolean;
  /** Called with each measurement as it is made. */
  readonly onResult?: (result: Result) => void;
}

export interface SuiteOutcome {
  readonly results: Result[];
  /** Printed for reference only (see Target.readSync). */
  readonly references: string[];
  /** Facts about the database the read benches ran on. */
  readonly finalState: string;
}

/** Index orders, built once and shared by both engines so they see the same sequence. */
export class Orders {
  private readonly cache = new Map<string, Int32Array>();

  constructor(private readonly workload: Workload) {}

  private memo(purpose: string, build: () => Int32Array): Int32Array {
    let order = this.cache.get(purpose);
    if (order === undefined) {
      order = build();
      this.cache.set(purpose, order);
    }
    return order;
  }

  sequential(): Int32Array {
    return this.memo('sequential', () => sequentialOrder(this.workload.n));
  }

  shuffled(): Int32Array {
    return this.memo('shuffled', () => permutation(this.workload.n, this.workload.rng('shuffled')));
  }

  uniform(purpose: string, count: number): Int32Array {
    return this.memo(purpose, () => uniformOrder(this.workload.n, count, this.workload.rng(purpose)));
  }
}

/** Compares a sample of stored values with what was written last; throws on any difference. */
async function verify(target: Target, workload: Workload, generation: Uint8Array, purpose: string, samples: number): Promise<void> {
  const rng = workload.rng(`verify-${purpose}`);
  for (let s = 0; s < samples; s++) {
    const index = rng.below(workload.n);
    const key = workload.present.key(index);
    const expected = workload.values.valueFor(index, generation[index]);
    const got = await target.get(key);
    if (got === undefined || !got.equals(expected)) {
      throw new Error(`${target.impl} ${purpose}: key ${key} returned ${got === undefined ? 'nothing' : got.toString('hex', 0, 8) + '...'}, expected ${expected.toString('hex', 0, 8)}... (generation ${generation[index]})`);
    }
    const absent = workload.missing.key(index);
    if ((await target.get(absent)) !== undefined) throw new Error(`${target.impl} ${purpose}: absent key ${absent} returned a value`);
  }
}

function expect(impl: string, what: string, got: number, wanted: number): void {
  if (got !== wanted) throw new Error(`${impl} ${what}: got ${got}, expected ${wanted}`);
}

export async function runSuite(target: Target, workload: Workload, orders: Orders, plan: SuitePlan): Promise<SuiteOutcome> {
  const { impl } = target;
  const n = workload.n;
  const results: Result[] = [];
  const references: string[] = [];
  const record = (bench: BenchName, mode: Mode, ops: number, { seconds, cpuSeconds }: Timing<unknown>): void => {
    const r: Result = { bench, impl, mode, n: ops, opsPerSec: ops / seconds };
    results.push(r);
    if (plan.silent === true) return;
    plan.onResult?.(r);
    progress(`${impl} ${bench} ${mode}: ${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s (${seconds.toFixed(2)} s, process CPU ${cpuSeconds.toFixed(2)} s)`);
  };
  const dbDir = (name: string): string => path.join(plan.runDir, `${impl}-${plan.silent === true ? 'warmup-' : ''}${name}`);
  const needsLoadedDb = plan.benches.has('overwrite') || READ_BENCHES.some((b) => plan.benches.has(b));
  const lastMode = plan.modes[plan.modes.length - 1];
  /** Which write pass last wrote each key, to know what a read must return. */
  const generation = new Uint8Array(n);
  let liveDir: string | null = null;

  for (const bench of ['fillseq', 'fillrandom'] as const) {
    if (!plan.benches.has(bench)) continue;
    for (const mode of plan.modes) {
      const dir = dbDir(`${bench}-${mode}`);
      await target.open(dir);
      const order = bench === 'fillseq' ? orders.sequential() : orders.shuffled();
      record(bench, mode, n, await timed(() => target.write(order, 0, mode)));
      await verify(target, workload, generation, `${bench}-${mode}`, 200);
      if (needsLoadedDb && bench === 'fillrandom' && mode === lastMode) {
        liveDir = dir;
      } else {
        await target.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  if (!needsLoadedDb) return { results, references, finalState: '' };

  if (liveDir === null) {
    liveDir = dbDir('load');
    await target.open(liveDir);
    if (plan.silent !== true) progress(`${impl}: loading ${n} keys (untimed) for the benches that need a full database`);
    await target.write(orders.shuffled(), 0, 'batch');
  }

  let pass = 0;
  if (plan.benches.has('overwrite')) {
    for (const mode of plan.modes) {
      pass++;
      const order = orders.uniform(`overwrite-${mode}`, n);
      record('overwrite', mode, n, await timed(() => target.write(order, pass, mode)));
      for (let j = 0; j < order.length; j++) generation[order[j]] = pass;
      await verify(target, workload, generation, `overwrite-${mode}`, 200);
    }
  }

  if (READ_BENCHES.some((b) => plan.benches.has(b))) {
    const waited = await waitForIdle(plan.settleMaxSeconds);
    if (plan.silent !== true) progress(`${impl}: background work settled after ${waited.toFixed(1)} s; ${target.describeState()}`);
  }
  for (const [bench, keys, wantFound] of [
    ['readrandom', workload.present, true],
    ['readmissing', workload.missing, false],
  ] as const) {
    if (!plan.benches.has(bench)) continue;
    for (const mode of plan.modes) {
      const order = orders.uniform(`${bench}-${mode}`, plan.reads);
      const timing = await timed(() => target.read(keys, order, mode));
      expect(impl, `${bench} ${mode} found`, timing.result, wantFound ? plan.reads : 0);
      record(bench, mode, plan.reads, timing);
    }
    if (target.readSync !== undefined) {
      const order = orders.uniform(`${bench}-sync`, plan.reads);
      const sync = target.readSync.bind(target);
      const { seconds, result: found } = await timed(async () => sync(keys, order));
      expect(impl, `${bench} sync found`, found, wantFound ? plan.reads : 0);
      const line = `${impl} ${bench} via getSync (blocks the event loop on disk reads; not compared): ${Math.round(plan.reads / seconds).toLocaleString('en-US')} ops/s`;
      if (plan.silent !== true) {
        references.push(line);
        progress(line);
      }
    }
  }
  if (plan.benches.has('readseq')) {
    for (const mode of plan.modes) {
      const timing = await timed(() => target.scan(mode));
      expect(impl, `readseq ${mode} entries`, timing.result, n);
      record('readseq', mode, n, timing);
    }
  }
  if (plan.benches.has('seekrandom')) {
    for (const mode of plan.modes) {
      const order = orders.uniform(`seekrandom-${mode}`, plan.seeks);
      const timing = await timed(() => target.seek(workload.present, order, mode));
      expect(impl, `seekrandom ${mode} exact landings`, timing.result, plan.seeks);
      record('seekrandom', mode, plan.seeks, timing);
    }
  }

  await verify(target, workload, generation, 'final', 2000);
  const finalState = `${target.describeState()}; ${(directoryBytes(liveDir) / 1024 / 1024).toFixed(1)} MiB on disk`;
  await target.close();
  fs.rmSync(liveDir, { recursive: true, force: true });
  return { results, references, finalState };
}
