/**
 * The model-based tester, bounded for `npm test`: for every family in families.ts, a fixed set of
 * seeded sequences runs on a real StrataKV and on the family's model of the documented semantics
 * (types.ts); a difference fails with the minimized sequence, both replies and the command that
 * replays it (runner.ts). MODEL_SEED=n changes the seeds (the default is fixed, so every run of
 * `npm test` replays the same sequences). Long runs: test/diff/model/fuzz.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, type TestServer } from '../../e2e/helpers.js';
import { MODEL_FAMILIES } from './families.js';
import { runModelPlan, type ModelPlan } from './runner.js';

const SEED = Number(process.env.MODEL_SEED ?? 20_261_207);

const BOUNDED: ModelPlan = {
  seed: SEED,
  sequences: 60,
  deadline: Number.POSITIVE_INFINITY,
  length: 300,
  maxFailures: 2,
  minimizeMs: 10_000,
};

let server: TestServer;

test.before(async () => {
  server = await startServer();
});

test.after(async () => {
  await server.stop();
});

test('every model family is registered once, with commands to draw', () => {
  const names = MODEL_FAMILIES.map((f) => f.name);
  assert.ok(names.length > 0);
  assert.equal(new Set(names).size, names.length, `duplicate family names: ${names.join(', ')}`);
  for (const family of MODEL_FAMILIES) assert.ok(family.commands.length > 0, `${family.name} draws nothing`);
});

for (const family of MODEL_FAMILIES) {
  test(`${family.name}: seeded sequences answer as the model of the documented semantics`, async () => {
    const outcome = await runModelPlan(family, server.port, BOUNDED, (line) => console.log(line));
    console.log(`  ${family.name}: ${outcome.sequences} sequences, ${outcome.compared} replies compared`);
    assert.is(outcome.failures.length, 0, `\n${outcome.failures.join('\n\n')}\n`);
    assert.is(outcome.sequences, BOUNDED.sequences);
  });
}

test.run();
