/**
 * Beyond RAM: load far more data than the caches hold, then read it back at random, and reopen.
 * Reports the load rate, RSS (peak and after load), random-read throughput with a small block
 * cache, bytes on disk, and how long close and open take.
 *
 * Nothing here holds per-key state in memory (keys are formatted on demand, orders are built a
 * chunk at a time), so the RSS measured is the engine's, not the benchmark's. One engine per
 * process for the same reason; engine.ts starts one child per engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MissingKeysOnDemand, PresentKeysOnDemand, Workload, uniformOrder } from './workload.js';
import { READ_BATCH, type EngineConfig, type Target, type TargetFactory } from './target.js';
import { MIB, RssSampler, collectGarbage, describeJsMemory, directoryBytes, mib, resident, timed, waitForIdle, type Resident } from './measure.js';
import { printResult, progress, progressUpdate } from './report.js';

export interface BeyondRamPlan {
  readonly n: number;
  readonly reads: number;
  readonly seed: number;
  readonly config: EngineConfig;
  readonly settleMaxSeconds: number;
  readonly runDir: string;
}

/** Load chunk: 1 M indices (4 MB) at a time. */
const CHUNK = 1 << 20;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The load order: index j -> (j * stride + offset) mod n, a bijection when gcd(stride, n) = 1.
 * Consecutive writes land far apart across the key space, as in a random fill, without a 4n-byte
 * permutation in memory.
 */
function scatter(n: number): (j: number) => number {
  let stride = 2654435761 % n;
  while (gcd(stride, n) !== 1) stride++;
  const offset = Math.floor(n / 3);
  return (j) => (j * stride + offset) % n;
}

interface Phase {
  readonly opsPerSec: number;
  readonly peakRss: number;
  readonly peakAnon: number;
}

async function readPhase(target: Target, workload: Workload, label: string, reads: number, rss: RssSampler): Promise<Phase> {
  const order = uniformOrder(workload.n, reads, workload.rng(label));
  rss.reset();
  const { seconds, result: found } = await timed(() => target.read(workload.present, order, 'batch'));
  rss.sample();
  if (found !== reads) throw new Error(`${target.impl} ${label}: found ${found} of ${reads} present keys`);
  const opsPerSec = reads / seconds;
  printResult({ bench: label, impl: target.impl, mode: 'batch', n: reads, opsPerSec });
  progress(`${target.impl} ${label}: ${Math.round(opsPerSec).toLocaleString('en-US')} ops/s, peak RSS ${mib(rss.peak)} MiB (anonymous ${mib(rss.peakAnon)} MiB)`);
  return { opsPerSec, peakRss: rss.peak, peakAnon: rss.peakAnon };
}

function describeResident(r: Resident): string {
  return `${mib(r.rss)} MiB (anonymous ${mib(r.anon)}, file-backed ${mib(r.file)})`;
}

async function verifySample(target: Target, workload: Workload, samples: number): Promise<void> {
  const rng = workload.rng('beyond-ram-verify');
  for (let s = 0; s < samples; s++) {
    const index = rng.below(workload.n);
    const got = await target.get(workload.present.key(index));
    if (got === undefined || !got.equals(workload.values.valueFor(index, 0))) throw new Error(`${target.impl} beyond-ram: wrong value for key index ${index}`);
  }
}

export async function runBeyondRam(factory: TargetFactory, plan: BeyondRamPlan): Promise<void> {
  const workload = new Workload(plan.n, plan.seed, new PresentKeysOnDemand(), new MissingKeysOnDemand());
  const target = factory(workload, plan.config);
  const dir = path.join(plan.runDir, `${target.impl}-beyond-ram`);
  const rss = new RssSampler();
  rss.start(100);
  process.stdout.write(`# beyond-ram ${target.impl}: ${plan.n.toLocaleString('en-US')} keys, ${target.description}\n`);

  await target.open(dir);
  const indexAt = scatter(plan.n);
  const chunk = new Int32Array(Math.min(CHUNK, plan.n));
  const load = await timed(async () => {
    for (let start = 0; start < plan.n; start += chunk.length) {
      const order = start + chunk.length <= plan.n ? chunk : chunk.subarray(0, plan.n - start);
      for (let j = 0; j < order.length; j++) order[j] = indexAt(start + j);
      await target.write(order, 0, 'batch');
      rss.sample();
      progressUpdate(`${target.impl} loaded ${(start + order.length).toLocaleString('en-US')} keys, RSS ${describeResident(resident())}`);
    }
  });
  const loadRate = plan.n / load.seconds;
  const loadPeak = { rss: rss.peak, anon: rss.peakAnon };
  printResult({ bench: 'beyond-ram-load', impl: target.impl, mode: 'batch', n: plan.n, opsPerSec: loadRate });

  const settled = await waitForIdle(plan.settleMaxSeconds);
  const settledResident = resident();
  collectGarbage();
  const collectedResident = resident();
  const settledJs = describeJsMemory();
  const disk = directoryBytes(dir);
  progress(`${target.impl} settled ${settled.toFixed(1)} s after load; ${target.describeState()}`);

  const reads = await readPhase(target, workload, 'beyond-ram-readrandom', plan.reads, rss);
  await verifySample(target, workload, 1000);
  const state = target.describeState();
  collectGarbage();
  const readJs = describeJsMemory();

  const closing = await timed(() => target.close());
  const opening = await timed(() => target.open(dir));
  const firstGet = await timed(() => target.get(workload.present.key(indexAt(0))));
  const reopened = await readPhase(target, workload, 'beyond-ram-readrandom-reopened', plan.reads, rss);
  await target.close();
  rss.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  const summary = {
    bench: 'beyond-ram',
    impl: target.impl,
    n: plan.n,
    block_cache_bytes: plan.config.cacheBytes,
    memtable_bytes: plan.config.memtableBytes,
    load_ops_per_sec: Math.round(loadRate),
    load_seconds: Number(load.seconds.toFixed(1)),
    settle_seconds: Number(settled.toFixed(1)),
    peak_rss_load_bytes: loadPeak.rss,
    peak_anon_rss_load_bytes: loadPeak.anon,
    rss_after_settle_bytes: settledResident.rss,
    anon_rss_after_settle_bytes: settledResident.anon,
    anon_rss_after_settle_and_gc_bytes: collectedResident.anon,
    readrandom_ops_per_sec: Math.round(reads.opsPerSec),
    peak_rss_readrandom_bytes: reads.peakRss,
    peak_anon_rss_readrandom_bytes: reads.peakAnon,
    disk_bytes: disk,
    close_ms: Math.round(closing.seconds * 1000),
    open_ms: Math.round(opening.seconds * 1000),
    first_get_ms: Number((firstGet.seconds * 1000).toFixed(2)),
    readrandom_after_reopen_ops_per_sec: Math.round(reopened.opsPerSec),
    process_peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  const budget = plan.config.cacheBytes + plan.config.memtableBytes + 150 * MIB;
  process.stdout.write(
    [
      ``,
      `beyond-ram, ${target.impl}: ${plan.n.toLocaleString('en-US')} keys x (16 + 100) bytes, block cache ${mib(plan.config.cacheBytes)} MiB, memtable ${mib(plan.config.memtableBytes)} MiB`,
      `  load             ${Math.round(loadRate).toLocaleString('en-US')} keys/s (${load.seconds.toFixed(1)} s), then ${settled.toFixed(1)} s until background work went quiet`,
      `  RSS              peak during load ${mib(loadPeak.rss)} MiB (anonymous ${mib(loadPeak.anon)}); after settling ${describeResident(settledResident)}`,
      `                   peak during reads ${mib(reads.peakRss)} MiB (anonymous ${mib(reads.peakAnon)}); process peak ${mib(summary.process_peak_rss_bytes)} MiB`,
      `                   after settling and a full GC ${describeResident(collectedResident)}`,
      `                   budget cache + memtable + 150 MiB = ${mib(budget)} MiB`,
      `  JS memory        after settling: ${settledJs}`,
      `                   after reads: ${readJs}`,
      `  readrandom       ${Math.round(reads.opsPerSec).toLocaleString('en-US')} ops/s (${READ_BATCH} at a time); ${Math.round(reopened.opsPerSec).toLocaleString('en-US')} ops/s right after reopening (OS page cache still warm)`,
      `  disk             ${mib(disk)} MiB (raw keys + values ${mib(plan.n * 116)} MiB)`,
      `  close / open     ${summary.close_ms} ms / ${summary.open_ms} ms; first get after open ${summary.first_get_ms} ms`,
      `  state            ${state}`,
      ``,
    ].join('\n'),
  );
}
