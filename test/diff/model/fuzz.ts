/**
 * The model-based tester's long run: `npm run build && node dist/test/diff/model/fuzz.js --seconds 600`.
 *
 *   --seconds N       run for N seconds (default 60), shared out among the families
 *   --sequences N     or stop after N sequences per family
 *   --seed S          seed of the first sequence (default: random, printed); sequence i uses S + i
 *   --length N        commands per sequence (default 300)
 *   --family NAME     only this family (repeatable; default: every family in families.ts)
 *   --max-failures N  stop a family after this many failures (default 3)
 *
 * It starts its own StrataKV (free port, temp dir). A failure prints the minimized sequence, the
 * model's reply and StrataKV's, and the command line that replays it. Exit code 1 when anything
 * differed.
 */
import { parseArgs } from 'node:util';
import { startServer } from '../../e2e/helpers.js';
import { MODEL_FAMILIES } from './families.js';
import { runModelPlan, type ModelPlan } from './runner.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    sequences: { type: 'string' },
    seed: { type: 'string' },
    length: { type: 'string', default: '300' },
    family: { type: 'string', multiple: true },
    'max-failures': { type: 'string', default: '3' },
  },
});

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

const wanted = values.family ?? [];
const families = wanted.length === 0 ? MODEL_FAMILIES : MODEL_FAMILIES.filter((f) => wanted.includes(f.name));
const unknown = wanted.filter((name) => !MODEL_FAMILIES.some((f) => f.name === name));
if (unknown.length > 0) {
  console.error(`no such model family: ${unknown.join(', ')} (have: ${MODEL_FAMILIES.map((f) => f.name).join(', ')})`);
  process.exit(2);
}
const seed = positive('seed', values.seed, Math.floor(Math.random() * 2 ** 31));
const seconds = positive('seconds', values.seconds, 60);
const length = positive('length', values.length, 300);
console.log(`model fuzz: seed ${seed}, up to ${seconds} s, ${length} commands per sequence, families ${families.map((f) => f.name).join(', ')}`);

const server = await startServer();
let failed = 0;
try {
  const started = Date.now();
  for (const [i, family] of families.entries()) {
    const share = (seconds * 1000 - (Date.now() - started)) / (families.length - i);
    const plan: ModelPlan = {
      seed,
      sequences: positive('sequences', values.sequences, Number.POSITIVE_INFINITY),
      deadline: Date.now() + share,
      length,
      maxFailures: positive('max-failures', values['max-failures'], 3),
      minimizeMs: 60_000,
    };
    const t0 = Date.now();
    const outcome = await runModelPlan(family, server.port, plan, (line) => console.log(line));
    failed += outcome.failures.length;
    console.log(`${family.name}: ${outcome.sequences} sequences (seeds ${seed}..${seed + outcome.sequences - 1}), ${outcome.compared} replies compared in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${outcome.failures.length} difference(s)`);
  }
  console.log(failed === 0 ? 'no differences' : `${failed} difference(s), printed above`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await server.stop();
}
