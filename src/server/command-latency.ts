/**
 * Per-command latency histograms: what INFO `latencystats` and LATENCY HISTOGRAM report, and what
 * the dashboard reads through percentiles().
 *
 * Shaped as Redis 7 keeps them: one HDR histogram per command (subcommands count apart, named
 * `config|get`), recording nanoseconds from 1 ns to 1 s with 2 significant digits, so a percentile
 * is exact to within 1% whatever its magnitude; longer calls count as 1 s. Counts are 64-bit.
 * A histogram is created at a command's first call (a few KiB for each command actually used).
 *
 * record() runs after every command, so the histograms are hdr-histogram-js' WebAssembly build:
 * recording costs ~13 ns there against ~100 ns in its pure-JS classes (measured in Node 20), which
 * on pipelined GETs was the difference between a 15% and a ~1% throughput cost. The rare readers
 * (LATENCY HISTOGRAM) decode a copy into a JS histogram to walk its buckets.
 *
 * Every call is also recorded, for all commands together, into an interval histogram (hdr's
 * Recorder over two WebAssembly histograms) that an unref'd timer closes once a second into one
 * small summary (p50, p99, p99.9, max): the last LATENCY_SECONDS_KEPT of them are what the
 * dashboard charts. Cumulative percentiles flatten as calls pile up, so a slow stretch an hour in
 * barely moves them; a second's own percentiles show it.
 */
import hdr from 'hdr-histogram-js';
import { everyWholeSecond } from '../util/whole-seconds.js';

type Histogram = InstanceType<typeof hdr.WasmHistogram>;

/** Redis' LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE / PRECISION (nanoseconds, significant digits). */
const LOWEST_NS = 1;
const HIGHEST_NS = 1_000_000_000;
const SIGNIFICANT_DIGITS = 2;
/** LATENCY HISTOGRAM buckets: upper bounds 1024 ns, 2048 ns, ... as Redis' hdr_iter_log_init(1024, 2). */
const FIRST_BUCKET_NS = 1024;

const HISTOGRAM_SHAPE: hdr.BuildRequest = {
  useWebAssembly: true,
  bitBucketSize: 64,
  autoResize: false,
  lowestDiscernibleValue: LOWEST_NS,
  highestTrackableValue: HIGHEST_NS,
  numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
};

function newHistogram(): Histogram {
  return hdr.WasmHistogram.build(HISTOGRAM_SHAPE);
}

/** Per-second summaries kept: five minutes. */
export const LATENCY_SECONDS_KEPT = 300;

/** The latency of every command together over one interval of about a second, in microseconds. */
export interface LatencySecond {
  /** When the interval closed, ms since the epoch. */
  readonly time: number;
  /** Calls that completed in the interval; the percentiles are 0 when there were none. */
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** One LATENCY HISTOGRAM entry: calls, and cumulative counts at power-of-two bounds in microseconds. */
export interface CumulativeHistogram {
  readonly calls: number;
  /** [upper bound in µs, calls at or below it], ascending; bounds where nothing was added are left out. */
  readonly buckets: ReadonlyArray<readonly [number, number]>;
}

export class CommandLatency {
  private readonly histograms = new Map<string, Histogram>();
  /** Reused by percentiles(null, ...) to merge every command's histogram. */
  private merged: Histogram | null = null;
  /** Every call of the current second; swapped for `closedSecond` (then reset) by closeSecond(). */
  private readonly thisSecond: InstanceType<typeof hdr.Recorder>;
  private closedSecond: hdr.Histogram | undefined;
  /** Oldest first, at most LATENCY_SECONDS_KEPT. */
  private readonly seconds: LatencySecond[] = [];

  /** `clock` (ms since the epoch) stamps the per-second summaries; tests pass their own. */
  constructor(clock: () => number = Date.now) {
    // Compiles the module once per process (~15 ms); later calls return at once.
    hdr.initWebAssemblySync();
    this.thisSecond = new hdr.Recorder(HISTOGRAM_SHAPE, clock);
    // Closed on whole seconds, as the dashboard's history samples, so the two line up.
    everyWholeSecond(() => this.closeSecond());
  }

  /** Counts one call of the command `fullName` (e.g. 'get', 'config|get') that took `elapsedMs`. */
  record(fullName: string, elapsedMs: number): void {
    let histogram = this.histograms.get(fullName);
    if (histogram === undefined) {
      histogram = newHistogram();
      this.histograms.set(fullName, histogram);
    }
    const ns = Math.round(elapsedMs * 1e6);
    const clamped = ns < LOWEST_NS ? LOWEST_NS : ns > HIGHEST_NS ? HIGHEST_NS : ns;
    histogram.recordValue(clamped);
    this.thisSecond.recordValue(clamped);
  }

  /**
   * Ends the current interval: summarizes it into the per-second series (dropping the oldest beyond
   * LATENCY_SECONDS_KEPT) and starts the next. The timer calls it every second.
   */
  closeSecond(): void {
    const closed = this.thisSecond.getIntervalHistogram(this.closedSecond);
    this.closedSecond = closed;
    const calls = closed.totalCount;
    const max = closed.maxValue;
    // A percentile is the top of its bucket (up to 1% high): never above the exact maximum.
    const micros = (p: number): number => (calls === 0 ? 0 : Math.min(closed.getValueAtPercentile(p), max) / 1000);
    this.seconds.push({ time: closed.endTimeStampMsec, calls, p50: micros(50), p99: micros(99), p999: micros(99.9), max: max / 1000 });
    if (this.seconds.length > LATENCY_SECONDS_KEPT) this.seconds.shift();
  }

  /** The per-second summaries of every command together, oldest first (the current second is not closed yet). */
  recentSeconds(): readonly LatencySecond[] {
    return this.seconds;
  }

  /**
   * The latency in microseconds at each percentile of `ps` (0..100) for one command (`'get'`,
   * `'config|get'`), or for all commands together when `fullName` is null. A command never called
   * since the last reset gives zeros.
   */
  percentiles(fullName: string | null, ps: readonly number[]): number[] {
    const histogram = fullName === null ? this.mergeAll() : this.histograms.get(fullName);
    if (histogram === undefined || histogram.totalCount === 0) return ps.map(() => 0);
    return ps.map((p) => histogram.getValueAtPercentile(p) / 1000);
  }

  /** Names of the commands with a histogram, in the order of their first call. */
  commands(): IterableIterator<string> {
    return this.histograms.keys();
  }

  /** The LATENCY HISTOGRAM view of one command, or undefined if it has no histogram. */
  cumulative(fullName: string): CumulativeHistogram | undefined {
    const recorded = this.histograms.get(fullName);
    if (recorded === undefined) return undefined;
    const histogram = hdr.decodeFromCompressedBase64(hdr.encodeIntoCompressedBase64(recorded), 64, false);
    if (!(histogram instanceof hdr.JsHistogram)) throw new Error('hdr-histogram-js decoded into WebAssembly');
    const total = histogram.totalCount;
    const buckets: Array<[number, number]> = [];
    let index = 0;
    let cumulative = 0;
    for (let bound = FIRST_BUCKET_NS; cumulative < total && index < histogram.countsArrayLength; bound *= 2) {
      const previous = cumulative;
      // Every index whose values start at or below the bound counts in it, as hdr's log iterator does.
      const lastValue = histogram.lowestEquivalentValue(bound);
      while (index < histogram.countsArrayLength && histogram.valueFromIndex(index) <= lastValue) {
        cumulative += histogram.getCountAtIndex(index);
        index++;
      }
      if (cumulative > previous) buckets.push([Math.floor(histogram.highestEquivalentValue(bound) / 1000), cumulative]);
    }
    return { calls: total, buckets };
  }

  /** CONFIG RESETSTAT: forget every command's latencies. */
  reset(): void {
    // WebAssembly memory is not garbage collected: each histogram is freed explicitly.
    for (const histogram of this.histograms.values()) histogram.destroy();
    this.histograms.clear();
    this.thisSecond.reset();
    this.seconds.length = 0;
  }

  private mergeAll(): Histogram {
    const merged = this.merged ?? (this.merged = newHistogram());
    merged.reset();
    for (const histogram of this.histograms.values()) merged.add(histogram);
    return merged;
  }
}
