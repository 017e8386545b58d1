/**
 * CommandLatency's per-second view on its own: each closed second summarizes exactly the calls
 * recorded during it (every command together), the ring keeps the last LATENCY_SECONDS_KEPT, and
 * CONFIG RESETSTAT's reset() forgets them. The clock is the test's; closeSecond() is called by hand
 * (the instance's own timer only fires between tests, on instances no longer looked at).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandLatency, LATENCY_SECONDS_KEPT } from '../../src/server/command-latency.js';

/** Within the histogram's 2 significant digits (1%), plus rounding to whole nanoseconds. */
function near(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= expected * 0.01 + 0.002;
}

test('a closed second holds its own calls of every command, stamped with the time it closed', () => {
  let now = 1_000_000;
  const latency = new CommandLatency(() => now);
  // 1..100 µs across two commands.
  for (let us = 1; us <= 100; us++) latency.record(us % 2 === 0 ? 'get' : 'set', us / 1000);
  now += 1000;
  latency.closeSecond();
  const [first] = latency.recentSeconds();
  assert.is(first.time, 1_001_000);
  assert.is(first.calls, 100);
  assert.ok(near(first.p50, 50), `p50 ${first.p50}`);
  assert.ok(near(first.p99, 99), `p99 ${first.p99}`);
  assert.ok(near(first.p999, 100), `p99.9 ${first.p999}`);
  assert.ok(near(first.max, 100), `max ${first.max}`);
  assert.ok(first.p50 <= first.p99 && first.p99 <= first.p999 && first.p999 <= first.max);
});

test('a slow second shows in full in its own summary and not in the next, unlike the cumulative percentiles', () => {
  let now = 0;
  const latency = new CommandLatency(() => now);
  for (let i = 0; i < 1000; i++) latency.record('get', 0.01); // 10 µs
  now = 1000;
  latency.closeSecond();
  for (let i = 0; i < 100; i++) latency.record('get', 20); // 20 ms: a slow second
  now = 2000;
  latency.closeSecond();
  for (let i = 0; i < 1000; i++) latency.record('get', 0.01);
  now = 3000;
  latency.closeSecond();
  now = 4000;
  latency.closeSecond(); // nothing ran

  const [quiet, slow, after, idle] = latency.recentSeconds();
  assert.ok(near(quiet.p99, 10) && near(quiet.max, 10), JSON.stringify(quiet));
  assert.ok(near(slow.p50, 20_000) && near(slow.max, 20_000), JSON.stringify(slow));
  assert.is(slow.calls, 100);
  assert.ok(near(after.p999, 10) && near(after.max, 10), JSON.stringify(after));
  assert.equal(idle, { time: 4000, calls: 0, p50: 0, p99: 0, p999: 0, max: 0 });
  // The cumulative p50 never noticed: 100 slow calls among 2100.
  assert.ok(near(latency.percentiles(null, [50])[0], 10));
});

test('calls clamp to 1 ns..1 s as in the cumulative histograms', () => {
  let now = 0;
  const latency = new CommandLatency(() => now);
  latency.record('debug', 5000);
  latency.record('ping', 0);
  now = 1000;
  latency.closeSecond();
  const [second] = latency.recentSeconds();
  assert.is(second.calls, 2);
  assert.ok(near(second.max, 1_000_000), `max ${second.max}`);
  assert.ok(second.p50 <= 0.001, `p50 ${second.p50}`);
});

test(`the last ${LATENCY_SECONDS_KEPT} seconds are kept, oldest first`, () => {
  let now = 0;
  const latency = new CommandLatency(() => now);
  for (let s = 1; s <= LATENCY_SECONDS_KEPT + 20; s++) {
    latency.record('set', s / 1000);
    now = s * 1000;
    latency.closeSecond();
  }
  const seconds = latency.recentSeconds();
  assert.is(seconds.length, LATENCY_SECONDS_KEPT);
  assert.is(seconds[0].time, 21_000);
  assert.is(seconds[seconds.length - 1].time, (LATENCY_SECONDS_KEPT + 20) * 1000);
  assert.ok(near(seconds[0].max, 21), `oldest kept max ${seconds[0].max}`);
  assert.ok(seconds.every((s) => s.calls === 1));
});

test('reset forgets the closed seconds and the calls of the current one', () => {
  let now = 0;
  const latency = new CommandLatency(() => now);
  latency.record('get', 1);
  now = 1000;
  latency.closeSecond();
  latency.record('get', 1);
  latency.reset();
  assert.equal(latency.recentSeconds(), []);
  latency.record('get', 0.05);
  now = 2000;
  latency.closeSecond();
  const seconds = latency.recentSeconds();
  assert.is(seconds.length, 1);
  assert.is(seconds[0].calls, 1);
  assert.ok(near(seconds[0].max, 50), `max ${seconds[0].max}`);
});

test.run();
