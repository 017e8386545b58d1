/**
 * INFO's instantaneous_ops_per_sec / instantaneous_input_kbps / instantaneous_output_kbps, computed
 * as Redis computes them (server.c trackInstantaneousMetric): every 100 ms, the rate since the
 * previous sample goes into a ring of 16; the value shown is the ring's average, so it covers the
 * last ~1.6 s and falls back to 0 within that time once traffic stops.
 */

/** Redis' STATS_METRIC_SAMPLES and the period of its run_with_period(100). */
const SAMPLES = 16;
const SAMPLE_PERIOD_MS = 100;

/** One rate: per-second readings of a growing counter, averaged over the ring. */
class InstantaneousMetric {
  private readonly samples = new Float64Array(SAMPLES);
  private next = 0;
  private lastTime = 0;
  private lastReading = 0;

  track(reading: number, nowMs: number): void {
    const elapsed = nowMs - this.lastTime;
    this.samples[this.next] = elapsed > 0 ? Math.floor(((reading - this.lastReading) * 1000) / elapsed) : 0;
    this.next = (this.next + 1) % SAMPLES;
    this.lastTime = nowMs;
    this.lastReading = reading;
  }

  /** Per second, averaged over the ring (integer, as Redis' long long division). */
  value(): number {
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) sum += this.samples[i];
    return Math.floor(sum / SAMPLES);
  }

  /** Forgets the samples; the next one is a rate from `reading` at `nowMs`. */
  reset(reading: number, nowMs: number): void {
    this.samples.fill(0);
    this.next = 0;
    this.lastTime = nowMs;
    this.lastReading = reading;
  }
}

/** The counters the rates are taken from (ServerStats' names). */
export interface CounterReadings {
  readonly totalCommandsProcessed: number;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
}

export class InstantaneousMetrics {
  private readonly ops = new InstantaneousMetric();
  private readonly input = new InstantaneousMetric();
  private readonly output = new InstantaneousMetric();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly counters: CounterReadings) {
    this.reset();
  }

  /** Starts sampling; the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.sample(), SAMPLE_PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  get opsPerSec(): number {
    return this.ops.value();
  }

  /** KiB per second read from clients. */
  get inputKbps(): number {
    return this.input.value() / 1024;
  }

  /** KiB per second written to clients. */
  get outputKbps(): number {
    return this.output.value() / 1024;
  }

  /** CONFIG RESETSTAT (the counters are reset at the same time). */
  reset(): void {
    const now = Date.now();
    this.ops.reset(this.counters.totalCommandsProcessed, now);
    this.input.reset(this.counters.netInputBytes, now);
    this.output.reset(this.counters.netOutputBytes, now);
  }

  private sample(): void {
    const now = Date.now();
    this.ops.track(this.counters.totalCommandsProcessed, now);
    this.input.track(this.counters.netInputBytes, now);
    this.output.track(this.counters.netOutputBytes, now);
  }
}
