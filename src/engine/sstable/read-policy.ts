/**
 * Whether the serving thread reads a block that is not in the block cache synchronously.
 *
 * A 4 KiB pread that the kernel answers from its page cache takes ~2.4 us on the development
 * machine; the same read through libuv's thread pool costs a hand-off to a pool thread and back,
 * a promise, and a later event-loop turn for the command that waited: 5.6-11 us for the read
 * alone, and the command's reply is deferred with it (a uniform random GET over 20 M keys ran at
 * 0.19 x the rate of cached GETs that way). A dataset larger than the block cache but not larger
 * than the machine's RAM is served from the page cache nearly always, so there a synchronous read
 * is several times cheaper. A read that reaches the device, though, would stall every connection
 * for the device's latency. So this policy watches the last 16 synchronous reads and sends reads to
 * the thread pool while at least 12 of them were slow (device-like), probing with one synchronous
 * read every few milliseconds to notice when the data is hot again. Only the read itself is
 * timed (TableReader allocates the buffer first): an allocation may run a step of incremental
 * garbage collection, and timing those made page-cache reads look device-slow in bursts of tens
 * (33 us-1 ms each while marking ran) and sent 34-72% of them to the thread pool. Not an average
 * and not a bare majority either, since a thread can still be preempted mid-read on a busy machine.
 */

/** A synchronous read slower than this looks like the device (page cache ~2-5 us; an NVMe read ~50-100 us). */
const SLOW_READ_MS = 0.03;
/** How many of the last 16 synchronous reads must be slow to switch to the thread pool. */
const SLOW_READS_TO_SWITCH = 12;
const RECENT_MASK = 0xffff;
/** While reads are slow, one synchronous probe this often: a wrong switch costs at most ~25 ms. */
const PROBE_INTERVAL_MS = 5;

export class AdaptiveReadPolicy {
  /** One bit per recent synchronous read, newest in bit 0: 1 = slow. */
  private recentSlow = 0;
  private slowCount = 0;
  private nextProbeAt = 0;
  /** Reads done synchronously / left to the thread pool (INFO storage). */
  syncReads = 0;
  asyncReads = 0;

  /** True if the next block read should be synchronous; then report its duration with recordSync. */
  preferSync(now: number): boolean {
    if (this.slowCount < SLOW_READS_TO_SWITCH) return true;
    if (now >= this.nextProbeAt) {
      this.nextProbeAt = now + PROBE_INTERVAL_MS;
      return true;
    }
    this.asyncReads++;
    return false;
  }

  recordSync(durationMs: number): void {
    this.syncReads++;
    const slow = durationMs > SLOW_READ_MS ? 1 : 0;
    if ((this.recentSlow & 0x8000) !== 0) this.slowCount--;
    this.recentSlow = ((this.recentSlow << 1) | slow) & RECENT_MASK;
    this.slowCount += slow;
  }

  /** How many of the last 16 synchronous reads were slow (tests, INFO). */
  get recentSlowReads(): number {
    return this.slowCount;
  }
}
