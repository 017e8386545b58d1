/**
 * The differential tester, bounded for `npm test`: seeded random sequences of string, bit, key,
 * database, transaction and connection commands run on redis-server 7 and StrataKV side by side,
 * raw reply bytes compared (RESP2 and RESP3 alternately), and the same with StrataKV killed and
 * restarted under `appendfsync always` in the middle of each sequence. One sequence in four also
 * has a watching connection per server (keyspace notifications, SUBSCRIBE/PSUBSCRIBE streams),
 * whose received bytes are compared after each command (session.ts). A mismatch fails with the
 * minimized sequence, both replies and the command that replays it; see runner.ts and
 * `npm run fuzz:diff` for long runs. Known, not yet fixed differences: known-differences.ts.
 *
 * DIFF_SEED=n changes the seeds (the default is fixed, so `npm test` runs the same sequences
 * every time). Without redis-server the tests are skipped visibly; under CI=true they fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redisTest } from '../e2e/helpers.js';
import { runPlan, startServers, type Outcome, type Plan } from './runner.js';

const SEED = Number(process.env.DIFF_SEED ?? 20_251_101);

const BOUNDED: Plan = {
  seed: SEED,
  sequences: 200,
  deadline: Number.POSITIVE_INFINITY,
  length: 250,
  protocols: [2, 3],
  restart: false,
  // One sequence in four also compares keyspace notifications and pub/sub streams (session.ts).
  eventsEvery: 4,
  includeKnown: false,
  maxFailures: 3,
  minimizeMs: 8_000,
};

function check(outcome: Outcome, what: string): void {
  const known = [...outcome.known].map(([id, n]) => `${id} x${n}`).join(', ');
  console.log(`  ${what}: ${outcome.sequences} sequences, ${outcome.compared} replies compared${known ? `; known differences met: ${known}` : ''}`);
  assert.is(outcome.failures.length, 0, `\n${outcome.failures.join('\n\n')}\n`);
}

redisTest(test, 'seeded sequences: every reply of StrataKV is redis-server\'s, in RESP2 and RESP3', async () => {
  const servers = await startServers(false);
  assert.ok(servers !== null, 'redis-server started');
  try {
    check(await runPlan(servers, BOUNDED, (line) => console.log(line)), 'RESP2/RESP3');
  } finally {
    await servers.stop();
  }
});

redisTest(test, 'with StrataKV killed (SIGKILL) and restarted mid-sequence under appendfsync always, the replies after it are redis-server\'s', async () => {
  const servers = await startServers(true);
  assert.ok(servers !== null, 'redis-server started');
  try {
    const plan: Plan = { ...BOUNDED, seed: SEED + 1_000_000, sequences: 6, length: 200, restart: true, maxFailures: 1 };
    check(await runPlan(servers, plan, (line) => console.log(line)), 'restart');
  } finally {
    await servers.stop();
  }
});

test.run();
