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
 */
import hdr from 'hdr-histogram-js';

type Histogram = InstanceType<typeof hdr.WasmHistogram>;

/** Redis' LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE / PRECISION (nanoseconds, significant digits). */
const LOWEST_NS = 1;
const HIGHEST_NS = 1_000_000_000;
const SIGNIFICANT_DIGITS = 2;
/** LATENCY HISTOGRAM buckets: upper bounds 1024 ns, 2048 ns, ... as Redis' hdr_iter_log_init(1024, 2). */
const FIRST_BUCKET_NS = 1024;

function newHistogram(): Histogram {
  return hdr.WasmHistogram.build({
    useWebAssembly: true,
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_NS,
    highestTrackableValue: HIGHEST_NS,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
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

  constructor() {
    // Compiles the module once per process (~15 ms); later calls return at once.
    hdr.initWebAssemblySync();
  }

  /** Counts one call of the command `fullName` (e.g. 'get', 'config|get') that took `elapsedMs`. */
  record(fullName: string, elapsedMs: number): void {
    let histogram = this.histograms.get(fullName);
    if (histogram === undefined) {
      histogram = newHistogram();
      this.histograms.set(fullName, histogram);
    }
    const ns = Math.round(elapsedMs * 1e6);
    histogram.recordValue(ns < LOWEST_NS ? LOWEST_NS : ns > HIGHEST_NS ? HIGHEST_NS : ns);
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
  }

  private mergeAll(): Histogram {
    const merged = this.merged ?? (this.merged = newHistogram());
    merged.reset();
    for (const histogram of this.histograms.values()) merged.add(histogram);
    return merged;
  }
}
