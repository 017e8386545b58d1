/**
 * The hash-field-expiry model family (model/hash-field-expiry.ts) on the model-based tester's
 * runner (model/runner.ts): seeded sequences of HEXPIRE/HTTL/HPERSIST/HGETEX/HSETEX/HGETDEL with
 * HSET/HGET/HLEN/HGETALL/DEL run on a real StrataKV and on the model of the documented semantics,
 * replies compared byte for byte. Standalone until the family is listed in model/families.ts
 * (then model/model.test.ts runs it and this file can go). MODEL_SEED=n changes the seeds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, type TestServer } from '../e2e/helpers.js';
import { hashFieldExpiry } from './model/hash-field-expiry.js';
import { runModelPlan } from './model/runner.js';

const SEED = Number(process.env.MODEL_SEED ?? 20_261_207);
const SEQUENCES = Number(process.env.MODEL_SEQUENCES ?? 60);

let server: TestServer;

test.before(async () => {
  server = await startServer();
});

test.after(async () => {
  await server.stop();
});

test('hash-field-expiry: seeded sequences answer as the model of the documented semantics', async () => {
  const plan = { seed: SEED, sequences: SEQUENCES, deadline: Number.POSITIVE_INFINITY, length: 300, maxFailures: 2, minimizeMs: 10_000 };
  const outcome = await runModelPlan(hashFieldExpiry, server.port, plan, (line) => console.log(line));
  console.log(`  ${hashFieldExpiry.name}: ${outcome.sequences} sequences, ${outcome.compared} replies compared`);
  assert.is(outcome.failures.length, 0, `\n${outcome.failures.join('\n\n')}\n`);
  assert.is(outcome.sequences, SEQUENCES);
});

test.run();
