/**
 * Active hash-field expiry at scale (issue #20): N hashes of a few fields each, a share of them
 * given field TTLs that all come due at one moment, then how long the active cycle takes to
 * reclaim every expired field, what that costs another client's GET latency meanwhile, whether the
 * cycle read any hash without field TTLs (INFO `expire_cycle_hashes_read` must grow by exactly the
 * hashes with TTLs), whether the counts are exact afterwards, and the server's RSS against the
 * beyond-RAM budget (block cache + memtable + 150 MiB).
 *
 *   npm run bench:field-expiry -- --hashes 1000000 --fields 4 --ttl-share 0.1
 *
 * StrataKV only: redis-server 7.0 has no field TTLs. Progress on stderr; the table on stdout.
 */
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import { positiveInt } from './lib/cli.js';
import { encodeCommand, sendPipelined } from './lib/collection-load.js';
import { MemorySampler } from './lib/proc-stats.js';
import { benchProgress } from './lib/progress.js';
import { ProcessGroup, machineDescription, markdownTable, runBench, stratakvSpec } from './lib/resp-targets.js';
import { connectClient, info, numberField, rssBudget } from './lib/server-info.js';

const program = new Command('field-expiry')
  .description('Active expiry of hash fields: reclaim time, other clients\' GET latency meanwhile, hashes read by the cycle, RSS')
  .option('--hashes <n>', 'hashes to write', positiveInt, 1_000_000)
  .option('--fields <n>', 'fields per hash', positiveInt, 4)
  .option('--ttl-share <x>', 'share of the hashes whose fields all get a TTL', (v) => Number(v), 0.1)
  .option('--window <n>', 'commands in flight while loading', positiveInt, 256)
  .option('--block-cache-size <size>', 'the server\'s block cache', '64mb')
  .option('--max-reclaim-seconds <n>', 'give up waiting for the reclamation after this long', positiveInt, 600);
program.parse();
const cli = program.opts<{ hashes: number; fields: number; ttlShare: number; window: number; blockCacheSize: string; maxReclaimSeconds: number }>();
if (!(cli.ttlShare > 0 && cli.ttlShare <= 1)) program.error('error: --ttl-share must be in (0, 1]');

const { line: progress, update: progressUpdate } = benchProgress('field-expiry');
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(0);
const hashKey = (i: number): string => `h:${String(i).padStart(9, '0')}`;
/** Every k-th hash gets TTLs: spread over the key space, not a block of neighbours. */
const ttlEvery = Math.max(1, Math.round(1 / cli.ttlShare));
const ttlHashes = Math.ceil(cli.hashes / ttlEvery);

interface LatencyWindow {
  readonly gets: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** GETs of one key in a loop on their own connection, each latency kept with when it ended. */
class GetProbe {
  private readonly samples: Array<{ at: number; ms: number }> = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(redis: Redis) {
    this.done = (async () => {
      while (this.running) {
        const started = performance.now();
        await redis.get('probe');
        const ended = performance.now();
        this.samples.push({ at: ended, ms: ended - started });
      }
    })();
  }

  between(from: number, to: number): LatencyWindow {
    const ms = this.samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms).sort((a, b) => a - b);
    if (ms.length === 0) return { gets: 0, p99Ms: NaN, maxMs: NaN };
    return { gets: ms.length, p99Ms: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))], maxMs: ms[ms.length - 1] };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function run(group: ProcessGroup): Promise<void> {
  const target = await group.start(stratakvSpec('stratakv-field-expiry', 'everysec', ['--block-cache-size', cli.blockCacheSize]));
  const pid = target.child.pid;
  if (pid === undefined) throw new Error('the server has no pid');
  const sampler = new MemorySampler(pid, 200);
  const redis = connectClient(target.port);
  const probeClient = connectClient(target.port);
  try {
    const budget = await rssBudget(redis);
    await redis.set('probe', 'x'.repeat(100));

    // 1. The hashes, no TTLs yet.
    const fieldArgs: string[] = [];
    for (let f = 0; f < cli.fields; f++) fieldArgs.push(`f${f}`, `value-${f}-`.padEnd(32, 'v'));
    const loadStarted = performance.now();
    await sendPipelined({
      port: target.port, count: cli.hashes, window: cli.window, progressEvery: Math.max(1, Math.floor(cli.hashes / 20)),
      command: (i) => encodeCommand(['HSET', hashKey(i), ...fieldArgs]),
      onProgress: (replies) => progressUpdate(`HSET ${count(replies)} of ${count(cli.hashes)} hashes`),
    });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const loadPeaks = sampler.takePhase();
    progress(`loaded ${count(cli.hashes)} hashes of ${cli.fields} fields in ${loadSeconds.toFixed(1)} s (${count(cli.hashes / loadSeconds)} HSET/s); peak RSS ${mib(loadPeaks.rss)} MiB`);

    // 2. Field TTLs on every ttlEvery-th hash, all due at one moment well after the last is sent.
    const fieldNames = Array.from({ length: cli.fields }, (_, f) => `f${f}`);
    const estimate = (ttlHashes / (cli.hashes / loadSeconds)) * 6 * 1000;
    const dueAt = Date.now() + Math.max(20_000, estimate);
    const before = await info(redis, 'stats');
    await sendPipelined({
      port: target.port, count: ttlHashes, window: cli.window, progressEvery: Math.max(1, Math.floor(ttlHashes / 10)),
      command: (j) => encodeCommand(['HPEXPIREAT', hashKey(j * ttlEvery), String(dueAt), 'FIELDS', String(cli.fields), ...fieldNames]),
      onProgress: (replies) => progressUpdate(`HPEXPIREAT ${count(replies)} of ${count(ttlHashes)} hashes`),
      // Each reply is an array of one code per field.
      linesPerReply: cli.fields + 1,
    });
    if (Date.now() >= dueAt) throw new Error('the TTLs came due before every HPEXPIREAT was sent: run with fewer hashes');
    progress(`${count(ttlHashes)} hashes (${count(ttlHashes * cli.fields)} fields) expire at ${new Date(dueAt).toISOString()}`);

    // 3. Baseline GET latency, then the reclamation.
    const probe = new GetProbe(probeClient);
    const dueAtPerf = performance.now() + (dueAt - Date.now());
    const baselineFrom = performance.now();
    while (Date.now() < dueAt) await new Promise((resolve) => setTimeout(resolve, 50));
    sampler.takePhase();
    const expectedFields = ttlHashes * cli.fields;
    const expiredBefore = numberField(before, 'expired_subkeys');
    let reclaimed = 0;
    const deadline = performance.now() + cli.maxReclaimSeconds * 1000;
    let stats = before;
    for (;;) {
      stats = await info(redis, 'stats');
      reclaimed = numberField(stats, 'expired_subkeys') - expiredBefore;
      progressUpdate(`reclaimed ${count(reclaimed)} of ${count(expectedFields)} fields`);
      if (reclaimed >= expectedFields || performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const reclaimSeconds = (performance.now() - dueAtPerf) / 1000;
    const reclaimPeaks = sampler.takePhase();
    await probe.stop();
    const baseline = probe.between(baselineFrom, dueAtPerf);
    const during = probe.between(dueAtPerf, dueAtPerf + reclaimSeconds * 1000);
    const hashesRead = numberField(stats, 'expire_cycle_hashes_read') - numberField(before, 'expire_cycle_hashes_read');

    // 4. Exact counts afterwards: the expired hashes are gone as keys, the others whole.
    const dbsize = await redis.dbsize();
    let wrongLengths = 0;
    for (let i = 0; i < cli.hashes; i += Math.max(1, Math.floor(cli.hashes / 2000))) {
      const expected = i % ttlEvery === 0 ? 0 : cli.fields;
      if ((await redis.hlen(hashKey(i))) !== expected) wrongLengths++;
    }

    const rows = [
      ['hashes / fields each / with field TTLs', `${count(cli.hashes)} / ${cli.fields} / ${count(ttlHashes)} (${count(expectedFields)} fields)`],
      ['load', `${loadSeconds.toFixed(1)} s, ${count(cli.hashes / loadSeconds)} HSET/s`],
      ['fields reclaimed by the active cycle', `${count(reclaimed)} of ${count(expectedFields)} in ${reclaimSeconds.toFixed(1)} s (${count(reclaimed / reclaimSeconds)} fields/s)`],
      ['hashes the cycle read', `${count(hashesRead)} (the hashes with field TTLs: ${count(ttlHashes)}) ${hashesRead === ttlHashes ? 'exactly those' : 'DIFFERENT'}`],
      ['other client\'s GET before / during reclamation', `p99 ${baseline.p99Ms.toFixed(2)} / ${during.p99Ms.toFixed(2)} ms, max ${baseline.maxMs.toFixed(1)} / ${during.maxMs.toFixed(1)} ms (${count(baseline.gets)} / ${count(during.gets)} GETs)`],
      ['DBSIZE after (expected)', `${count(dbsize)} (${count(cli.hashes - ttlHashes + 1)})`],
      ['sampled HLEN wrong', String(wrongLengths)],
      ['peak RSS load / reclamation (budget)', `${mib(loadPeaks.rss)} / ${mib(reclaimPeaks.rss)} MiB (${mib(budget.budget)} MiB; ${mib(budget.writingBudget)} while writing)`],
    ];
    process.stdout.write(`\nActive hash-field expiry: ${machineDescription()}\n\n${markdownTable(['measure', 'value'], rows)}\n`);
    process.stdout.write(JSON.stringify({ bench: 'field-expiry', hashes: cli.hashes, fields: cli.fields, ttlHashes, loadSeconds, reclaimed, reclaimSeconds, hashesRead, baseline, during, dbsize, wrongLengths, loadPeakRss: loadPeaks.rss, reclaimPeakRss: reclaimPeaks.rss, budget: budget.budget }) + '\n');
  } finally {
    sampler.stop();
    redis.disconnect();
    probeClient.disconnect();
    await group.stop(target);
  }
}

await runBench('field-expiry', run);
