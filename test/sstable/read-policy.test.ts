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

test('occasional slow reads (a preempted thread) do not switch modes; mostly slow reads do', () => {
  const policy = new AdaptiveReadPolicy();
  for (let i = 0; i < 100; i++) policy.recordSync(i % 4 === 0 ? 2 : PAGE_CACHE_MS);
  assert.is(policy.recentSlowReads, 4);
  assert.ok(policy.preferSync(0), 'a quarter of reads slow, even very slow');
  for (let i = 0; i < 20; i++) policy.recordSync(i % 4 === 0 ? PAGE_CACHE_MS : DEVICE_MS);
  assert.is(policy.recentSlowReads, 12);
  assert.ok(policy.preferSync(1000), 'the first call after a switch is a probe');
  assert.not.ok(policy.preferSync(1001), 'then the thread pool');
  assert.not.ok(policy.preferSync(1040));
  assert.is(policy.asyncReads, 2);
});

test('slow mode probes every 50 ms and returns to synchronous reads once probes are fast', () => {
  const policy = new AdaptiveReadPolicy();
  for (let i = 0; i < 30; i++) policy.recordSync(DEVICE_MS);
  let probes = 0;
  let now = 0;
  for (; now < 10_000; now += 5) {
    if (!policy.preferSync(now)) continue;
    if (policy.recentSlowReads < 8) break; // synchronous again
    probes++;
    policy.recordSync(PAGE_CACHE_MS); // the probe found the data hot again
  }
  assert.ok(now < 10_000, 'recovers');
  assert.is(probes, 9, 'nine fast probes bring the slow reads among the last 16 below half');
  assert.ok(now >= (probes - 1) * 50, 'probes are at least 50 ms apart');
});

test.run();
