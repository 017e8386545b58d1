/**
 * The latency trackers on their own: CommandLatency's HDR histograms (percentiles per command and
 * for all commands, Redis' clamping to 1 s, LATENCY HISTOGRAM's power-of-two buckets) and the
 * LatencyMonitor's rules (threshold, one sample per second keeping the worst, 160 kept, all-time max).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandLatency } from '../../src/server/command-latency.js';
import { LATENCY_HISTORY_LENGTH, LatencyMonitor } from '../../src/server/latency-monitor.js';

/** Within the histogram's 2 significant digits (1%), plus rounding to whole nanoseconds. */
function near(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= expected * 0.01 + 0.002;
}

test('percentiles per command and for all commands together, in microseconds', () => {
  const latency = new CommandLatency();
  // get: 1..100 µs; set: 1000 µs, 100 times.
  for (let us = 1; us <= 100; us++) latency.record('get', us / 1000);
  for (let i = 0; i < 100; i++) latency.record('set', 1);
  const [p50, p99, p100] = latency.percentiles('get', [50, 99, 100]);
  assert.ok(near(p50, 50), `p50 ${p50}`);
  assert.ok(near(p99, 99), `p99 ${p99}`);
  assert.ok(near(p100, 100), `p100 ${p100}`);
  assert.ok(near(latency.percentiles('set', [50])[0], 1000));
  // Together: 200 calls, half of them 1000 µs.
  const [all50, all75] = latency.percentiles(null, [50, 75]);
  assert.ok(near(all50, 100), `all p50 ${all50}`);
  assert.ok(near(all75, 1000), `all p75 ${all75}`);
  assert.equal(latency.percentiles('never-called', [50, 99]), [0, 0]);
  assert.equal([...latency.commands()], ['get', 'set']);
});

test('calls beyond 1 s count as 1 s and the shortest as 1 ns, as Redis clamps them', () => {
  const latency = new CommandLatency();
  latency.record('debug', 5000);
  latency.record('ping', 0);
  assert.ok(near(latency.percentiles('debug', [100])[0], 1_000_000));
  assert.ok(latency.percentiles('ping', [100])[0] <= 0.001);
});

test('cumulative buckets at power-of-two bounds from 1024 ns, as LATENCY HISTOGRAM replies them', () => {
  const latency = new CommandLatency();
  latency.record('set', 0.010); // 10 µs: the 16 µs bucket (16384 ns)
  latency.record('set', 0.010);
  latency.record('set', 50); // 50 ms: the 67633 µs bucket (2^26 ns, upper end of its sub-bucket)
  const h = latency.cumulative('set');
  assert.ok(h);
  assert.is(h.calls, 3);
  assert.equal(h.buckets, [[16, 2], [67633, 3]]);
  assert.is(latency.cumulative('get'), undefined);
});

test('reset forgets every histogram (CONFIG RESETSTAT)', () => {
  const latency = new CommandLatency();
  latency.record('get', 0.01);
  latency.reset();
  assert.equal([...latency.commands()], []);
  assert.equal(latency.percentiles(null, [50]), [0]);
  latency.record('get', 0.02);
  assert.ok(near(latency.percentiles('get', [50])[0], 20));
});

test('the monitor samples only events at or over the threshold, and nothing at 0', () => {
  let threshold = 0;
  const monitor = new LatencyMonitor(() => threshold, () => 1_000_000);
  monitor.addIfNeeded('command', 500);
  assert.equal(monitor.latest(), []);
  threshold = 10;
  monitor.addIfNeeded('command', 9.9);
  assert.equal(monitor.latest(), []);
  monitor.addIfNeeded('command', 10.7);
  assert.equal(monitor.latest(), [{ event: 'command', time: 1000, latency: 10, max: 10 }]);
});

test('one sample per second per event, the worst of that second; 160 kept; max is all-time', () => {
  let nowMs = 5_000_000;
  const monitor = new LatencyMonitor(() => 1, () => nowMs);
  monitor.add('fsync', 20);
  monitor.add('fsync', 50);
  monitor.add('fsync', 30);
  assert.equal(monitor.history('fsync'), [{ time: 5000, latency: 50 }]);
  for (let i = 1; i <= LATENCY_HISTORY_LENGTH + 5; i++) {
    nowMs += 1000;
    monitor.add('fsync', i);
  }
  const history = monitor.history('fsync');
  assert.is(history.length, LATENCY_HISTORY_LENGTH);
  assert.equal(history[0], { time: 5006, latency: 6 }, 'the oldest samples were overwritten');
  assert.equal(history[history.length - 1], { time: 5000 + LATENCY_HISTORY_LENGTH + 5, latency: LATENCY_HISTORY_LENGTH + 5 });
  assert.equal(monitor.latest(), [{ event: 'fsync', time: 5000 + LATENCY_HISTORY_LENGTH + 5, latency: LATENCY_HISTORY_LENGTH + 5, max: LATENCY_HISTORY_LENGTH + 5 }]);
  monitor.add('flush', 3);
  assert.equal(monitor.latest().map((e) => e.event), ['fsync', 'flush']);
  assert.is(monitor.latest()[0].max, LATENCY_HISTORY_LENGTH + 5);
});

test('reset of named events counts those that existed; reset of all counts all', () => {
  const monitor = new LatencyMonitor(() => 1, () => 0);
  monitor.add('command', 5);
  monitor.add('flush', 5);
  monitor.add('compaction', 5);
  assert.is(monitor.reset(['flush', 'flush', 'nope']), 1);
  assert.equal(monitor.history('flush'), []);
  assert.is(monitor.reset(), 2);
  assert.equal(monitor.latest(), []);
});

test.run();
