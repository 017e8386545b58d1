import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WriteController } from '../../src/engine/write-controller.js';

const TRIGGER = 8;

/** Feeds `count` writes at `rate`/s below the trigger, starting at `start` ms; returns the end time. */
function arrive(controller: WriteController, start: number, rate: number, count: number): number {
  let now = start;
  for (let i = 0; i < count; i++) {
    assert.is(controller.delayFor(TRIGGER - 1, now), 0);
    now += 1000 / rate;
  }
  return now;
}

/** Admits `count` writes that all arrive at `now` with this many L0 tables; returns each one's wait. */
function burst(controller: WriteController, now: number, l0: number, count: number): number[] {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) waits.push(controller.delayFor(l0, now));
  return waits;
}

test('below the trigger every write goes at once', () => {
  const controller = new WriteController(TRIGGER);
  arrive(controller, 0, 50_000, 200_000);
});

test('in the slowdown band writes are admitted at half the earlier rate, halving per extra L0 table', () => {
  for (const [l0, expected] of [[8, 10_000], [9, 5_000], [10, 2_500]] as const) {
    const controller = new WriteController(TRIGGER);
    const now = arrive(controller, 0, 20_000, 60_000); // 3 s at 20k/s
    const waits = burst(controller, now, l0, expected); // one second's worth of slots
    const last = waits[waits.length - 1];
    // The last of `expected` writes gets a slot just under one second out.
    assert.ok(last > 990 && last < 1000, `l0 ${l0}: last wait ${last}`);
    assert.ok(Math.abs(controller.rateFor(l0) - expected) < expected * 0.01);
  }
});

test('short waits are not timed: the first writes of a slowdown go at once', () => {
  const controller = new WriteController(TRIGGER);
  const now = arrive(controller, 0, 20_000, 60_000);
  const waits = burst(controller, now, TRIGGER, 20);
  // 10k/s = 0.1 ms a slot: the first ten are under the 1 ms a timer can resolve.
  assert.equal(waits.slice(0, 10), new Array(10).fill(0));
  assert.ok(waits[11] >= 1 && waits[19] >= 1.8);
});

test('the rate never drops below a floor, even with no history', () => {
  const controller = new WriteController(TRIGGER);
  assert.is(controller.rateFor(11), 500);
  const waits = burst(controller, 0, 11, 501);
  assert.ok(waits[500] >= 999 && waits[500] <= 1001, `wait ${waits[500]}`);
});

test('leaving the band resets the schedule', () => {
  const controller = new WriteController(TRIGGER);
  let now = arrive(controller, 0, 20_000, 60_000);
  burst(controller, now, 10, 1000); // slots reach far ahead
  now += 1;
  assert.is(controller.delayFor(TRIGGER - 1, now), 0);
  // Back in the band: the schedule starts from now, not from the old far slot.
  assert.is(controller.delayFor(TRIGGER, now), 0);
});

test.run();
