/**
 * Protocol fuzzing, long version (the short one is test/crash/fuzz.test.ts): by default 1 M
 * seeded frames in sessions that end in malformed, truncated or random input, against a real
 * server, with a bystander client checking its own replies throughout. About a quarter of the
 * well-formed frames are fuzzed hash, set and sorted-set commands (fuzz-commands.ts).
 *
 *   npm run bench:fuzz -- [--frames N] [--seed S] [--concurrency C] [--max-benign B]
 *
 * Reports frames/s, sessions, connections the server closed, fuzzed commands by name, errors by
 * kind, how each session ended, the bystander's slowest round trip, and the server's RSS before and after (and its peak).
 * Exits non-zero on the first failures, printing the seed to replay them.
 */
import { Command } from 'commander';
import { startServer } from '../test/e2e/helpers.js';
import { mulberry32 } from '../test/support/prng.js';
import { fuzzServer, handlerFailures, processMemory } from '../test/crash/fuzz-frames.js';

const MIB = 1024 * 1024;

function sorted(counts: Map<string, number>): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--frames <n>', 'frames to send', (v) => Number(v.replace(/_/g, '')), 1_000_000)
    .option('--seed <n>', 'PRNG seed', (v) => Number(v), Date.now() % 1_000_000)
    .option('--concurrency <n>', 'sessions in flight at once', (v) => Number(v), 32)
    .option('--max-benign <n>', 'most well-formed frames before a session\'s ending', (v) => Number(v), 60)
    .parse()
    .opts<{ frames: number; seed: number; concurrency: number; maxBenign: number }>();
  console.log(`# fuzz: ${opts.frames} frames, seed ${opts.seed}, ${opts.concurrency} sessions at once`);
  const srv = await startServer();
  let failed = false;
  try {
    const pid = srv.process.pid ?? 0;
    const before = await processMemory(pid);
    const report = await fuzzServer(
      { port: srv.port, seed: opts.seed, frames: opts.frames, concurrency: opts.concurrency, maxBenign: opts.maxBenign, maxFailures: 10,
        progress: (r) => process.stderr.write(`\r${r.frames} frames, ${r.sessions} sessions, ${Math.round(r.frames / (r.elapsedMs / 1000))} frames/s   `) },
      mulberry32(opts.seed),
    );
    process.stderr.write('\n');
    const after = await processMemory(pid);
    const seconds = report.elapsedMs / 1000;
    console.log(`frames: ${report.frames} in ${seconds.toFixed(1)} s (${Math.round(report.frames / seconds)} frames/s)`);
    console.log(`sessions (connections): ${report.sessions}; closed by the server: ${report.closedByServer}`);
    console.log(`bystander: ${report.bystanderRounds} rounds of SET+GET+PING, slowest ${report.bystanderMaxMs.toFixed(1)} ms`);
    console.log(`server RSS: before ${(before.rss / MIB).toFixed(1)} MiB, after ${(after.rss / MIB).toFixed(1)} MiB, peak ${(after.hwm / MIB).toFixed(1)} MiB`);
    console.log('session endings:');
    for (const [name, n] of sorted(report.endings)) console.log(`  ${String(n).padStart(8)}  ${name}`);
    const commands = sorted(report.commands);
    console.log(`fuzzed hash/set/sorted-set/list commands: ${commands.reduce((n, [, c]) => n + c, 0)} (${commands.length} names)`);
    for (let i = 0; i < commands.length; i += 6) console.log('  ' + commands.slice(i, i + 6).map(([name, n]) => `${name} ${n}`).join(', '));
    const kinds = sorted(report.errorsByKind);
    console.log(`error replies by kind (${kinds.length} kinds${kinds.length > 40 ? ', the 40 most common' : ''}):`);
    for (const [kind, n] of kinds.slice(0, 40)) console.log(`  ${String(n).padStart(8)}  ${kind}`);
    if (srv.exitCode() !== null) {
      console.log(`FAIL: the server exited with code ${srv.exitCode()}`);
      failed = true;
    }
    const thrown = handlerFailures(srv.output());
    if (thrown.length > 0) {
      failed = true;
      console.log(`FAIL: ${thrown.length} commands threw inside the server (replay with --seed ${opts.seed}), first ones:`);
      for (const line of thrown.slice(0, 10)) console.log(`  ${line.slice(0, 300)}`);
    }
    if (report.failures.length > 0) {
      failed = true;
      console.log(`FAIL (replay with --seed ${opts.seed}):`);
      for (const f of report.failures) console.log(`  ${f}`);
    }
  } finally {
    await srv.stop();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
