import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AdaptiveReadPolicy } from '../../src/engine/sstable/read-policy.js';

const PAGE_CACHE_MS = 0.003;
const DEVICE_MS = 0.2;

test('reads stay synchronous while the page cache answers them', () => {
  const policy = new AdaptiveReadPolicy();
  for (let i = 0; i < 1000; i++) {
    assert.ok(policy.preferSync(i));
    policy.recordSync(PAGE_CACHE_MS);
  }
  assert.is(policy.syncReads, 1000);
  assert.is(policy.asyncReads, 0);
});

test('bursts of slow reads (GC in the timed allocation, a preempted thread) do not switch modes; mostly slow reads do', () => {
  const policy = new AdaptiveReadPolicy();
  for (let i = 0; i < 100; i++) policy.recordSync(i % 4 === 0 ? 2 : PAGE_CACHE_MS);
  assert.is(policy.recentSlowReads, 4);
  assert.ok(policy.preferSync(0), 'a quarter of reads slow, even very slow');
  for (let i = 0; i < 10; i++) policy.recordSync(0.4);
  assert.is(policy.recentSlowReads, 11);
  assert.ok(policy.preferSync(1), 'a burst of ten slow reads among fast ones');
  for (let i = 0; i < 16; i++) policy.recordSync(i % 4 === 0 ? PAGE_CACHE_MS : DEVICE_MS);
  assert.is(policy.recentSlowReads, 12);
  assert.ok(policy.preferSync(1000), 'the first call after a switch is a probe');
  assert.not.ok(policy.preferSync(1001), 'then the thread pool');
  assert.not.ok(policy.preferSync(1004));
  assert.ok(policy.preferSync(1005), 'the next probe');
  assert.is(policy.asyncReads, 2);
});

test('slow mode probes every 5 ms and returns to synchronous reads once probes are fast', () => {
  const policy = new AdaptiveReadPolicy();
  for (let i = 0; i < 30; i++) policy.recordSync(DEVICE_MS);
  let probes = 0;
  let now = 0;
  for (; now < 10_000; now += 1) {
    if (!policy.preferSync(now)) continue;
    if (policy.recentSlowReads < 12) break; // synchronous again
    probes++;
    policy.recordSync(PAGE_CACHE_MS); // the probe found the data hot again
  }
  assert.is(probes, 5, 'five fast probes bring the slow reads among the last 16 below 12');
  assert.ok(now >= (probes - 1) * 5 && now < 50, `recovered at ${now} ms`);
});

test.run();
