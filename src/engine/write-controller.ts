/**
 * Write admission while compaction is behind: the L0 slowdown band, from `slowdownTrigger` L0
 * tables up to the hard stop.
 *
 * Making every write sleep a fixed time does not work for a server. A connection's commands run
 * in order, so a 1 ms sleep per write caps each connection at 1,000 writes/s whatever its load,
 * and a write that checks again after sleeping sleeps again: queues grow without bound and
 * latency reaches seconds (measured with bench/latency.ts). Instead, as RocksDB's delayed write
 * rate, writes are admitted at a limited *rate*: each write takes the next slot of a token bucket
 * whose rate starts at half the rate writes arrived at before the slowdown and halves again for
 * every further L0 table. A write waits only for its own slot, and a write that has waited goes.
 */

/** Admission never drops below this many writes per second: slow, but never a stop. */
const MIN_RATE = 500;
/** Waits shorter than a timer's resolution are not worth a timer: such writes go at once. */
const MIN_WAIT_MS = 1;
/** Arrival rate is measured over windows of this length. */
const WINDOW_MS = 1000;

export class WriteController {
  private windowStart = 0;
  private windowWrites = 0;
  /** Writes per second in the last full window before the slowdown began. */
  private normalRate = 0;
  /** performance.now() time of the next free slot while slowed down. */
  private nextSlot = 0;

  constructor(private readonly slowdownTrigger: number) {}

  /**
   * Milliseconds the write about to be made should wait first (0: go now), given how many L0
   * tables there are. Call once per write; a write that has waited must not call again.
   */
  delayFor(l0Tables: number, now: number): number {
    const excess = l0Tables - this.slowdownTrigger;
    if (excess < 0) {
      this.countArrival(now);
      this.nextSlot = now;
      return 0;
    }
    const slot = Math.max(this.nextSlot, now);
    this.nextSlot = slot + 1000 / this.rateFor(l0Tables);
    const wait = slot - now;
    return wait < MIN_WAIT_MS ? 0 : wait;
  }

  /** The admission rate in writes/s for this many L0 tables (Infinity below the trigger). */
  rateFor(l0Tables: number): number {
    const excess = l0Tables - this.slowdownTrigger;
    return excess < 0 ? Infinity : Math.max(MIN_RATE, this.normalRate / 2 ** (excess + 1));
  }

  private countArrival(now: number): void {
    const elapsed = now - this.windowStart;
    if (elapsed >= WINDOW_MS) {
      // A long idle gap is not a low rate: only a window that just ended counts.
      if (elapsed < 2 * WINDOW_MS) this.normalRate = (this.windowWrites * 1000) / elapsed;
      this.windowStart = now;
      this.windowWrites = 0;
    }
    this.windowWrites++;
  }
}
