/**
 * The differential tester's long run: `npm run fuzz:diff -- --seconds 600`.
 *
 *   --seconds N     run for N seconds (default 60)
 *   --sequences N   or stop after N sequences
 *   --seed S        seed of the first sequence (default: random, printed); sequence i uses S + i
 *   --length N      steps per sequence (default 250)
 *   --protocol P    2, 3 or both (alternating, the default)
 *   --restart       kill and restart StrataKV (appendfsync always) in the middle of each sequence
 *   --events        every sequence has a watching connection (keyspace events, pub/sub); by default one in four
 *   --all           fail on known differences too (known-differences.ts)
 *   --max-failures  stop after this many failures (default 5)
 *
 * A failure prints the minimized sequence and the exact command line that replays it. The exit
 * code is 1 when anything differed, 2 when redis-server is not installed.
 */
import { parseArgs } from 'node:util';
import { runPlan, startServers, type Plan } from './runner.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    sequences: { type: 'string' },
    seed: { type: 'string' },
    length: { type: 'string', default: '250' },
    protocol: { type: 'string', default: 'both' },
    restart: { type: 'boolean', default: false },
    events: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    'max-failures': { type: 'string', default: '5' },
  },
});

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

const protocols: ReadonlyArray<2 | 3> = values.protocol === '2' ? [2] : values.protocol === '3' ? [3] : [2, 3];
const seed = positive('seed', values.seed, Math.floor(Math.random() * 2 ** 31));
const seconds = positive('seconds', values.seconds, 60);
const plan: Plan = {
  seed,
  sequences: positive('sequences', values.sequences, Number.POSITIVE_INFINITY),
  deadline: Date.now() + seconds * 1000,
  length: positive('length', values.length, 250),
  protocols,
  restart: values.restart,
  eventsEvery: values.events ? 1 : 4,
  includeKnown: values.all,
  maxFailures: positive('max-failures', values['max-failures'], 5),
  minimizeMs: 60_000,
};

console.log(`differential fuzz: seed ${seed}, up to ${seconds} s, ${plan.length} steps per sequence, RESP${protocols.join('/')}${plan.restart ? ', restart in each' : ''}`);
const servers = await startServers(plan.restart);
if (servers === null) {
  console.error('redis-server is not installed (apt-get install redis-server)');
  process.exit(2);
}
const started = Date.now();
try {
  const outcome = await runPlan(servers, plan, (line) => console.log(line));
  const known = [...outcome.known].map(([id, n]) => `${id} x${n}`).join(', ');
  console.log(`${outcome.sequences} sequences (seeds ${seed}..${seed + outcome.sequences - 1}), ${outcome.compared} replies compared in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (known) console.log(`known differences met: ${known}`);
  console.log(outcome.failures.length === 0 ? 'no differences' : `${outcome.failures.length} difference(s), printed above`);
  process.exitCode = outcome.failures.length === 0 ? 0 : 1;
} finally {
  await servers.stop();
}
