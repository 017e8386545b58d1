/**
 * The latency monitor behind LATENCY LATEST / HISTORY / RESET, kept as Redis' latency.c keeps it:
 * per event, the last 160 samples of at most one per second (a second with several spikes keeps
 * its worst), plus the all-time maximum. Only events lasting at least `latency-monitor-threshold`
 * milliseconds are sampled, and nothing is while it is 0.
 *
 * Events: `command` and `fast-command` (the dispatcher, by the command's `fast` flag, as Redis),
 * and the engine's `fsync`, `flush`, `compaction`, `write-stall` (and `checkpoint` where the engine
 * reports one), all in milliseconds.
 */

/** Redis' LATENCY_TS_LEN: samples kept per event (a bit under 3 minutes at one per second). */
export const LATENCY_HISTORY_LENGTH = 160;

export interface LatencySample {
  /** Unix time, seconds. */
  readonly time: number;
  /** Milliseconds. */
  readonly latency: number;
}

export interface LatestSample {
  readonly event: string;
  readonly time: number;
  readonly latency: number;
  /** The largest latency ever sampled for this event (since its last reset). */
  readonly max: number;
}

/** One event's ring of samples: `next` is where the next one goes, overwriting the oldest. */
class EventHistory {
  private readonly ring: Array<LatencySample | undefined> = new Array<LatencySample | undefined>(LATENCY_HISTORY_LENGTH);
  private next = 0;
  max = 0;

  add(time: number, latency: number): void {
    if (latency > this.max) this.max = latency;
    const previous = (this.next + LATENCY_HISTORY_LENGTH - 1) % LATENCY_HISTORY_LENGTH;
    const last = this.ring[previous];
    if (last !== undefined && last.time === time) {
      if (latency > last.latency) this.ring[previous] = { time, latency };
      return;
    }
    this.ring[this.next] = { time, latency };
    this.next = (this.next + 1) % LATENCY_HISTORY_LENGTH;
  }

  latest(): LatencySample | undefined {
    return this.ring[(this.next + LATENCY_HISTORY_LENGTH - 1) % LATENCY_HISTORY_LENGTH];
  }

  /** Oldest first. */
  inOrder(): LatencySample[] {
    const out: LatencySample[] = [];
    for (let i = 0; i < LATENCY_HISTORY_LENGTH; i++) {
      const sample = this.ring[(this.next + i) % LATENCY_HISTORY_LENGTH];
      if (sample !== undefined) out.push(sample);
    }
    return out;
  }
}

export class LatencyMonitor {
  private readonly events = new Map<string, EventHistory>();

  /**
   * @param threshold the live `latency-monitor-threshold` in milliseconds (0 = off).
   * @param now the clock, ms since the epoch (tests pass their own).
   */
  constructor(
    private readonly threshold: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Samples the event if it lasted at least the threshold (whole milliseconds, as Redis counts them). */
  addIfNeeded(event: string, durationMs: number): void {
    const threshold = this.threshold();
    if (threshold <= 0) return;
    const latency = Math.floor(durationMs);
    if (latency >= threshold) this.add(event, latency);
  }

  /** Records a sample now, whatever the threshold. */
  add(event: string, latencyMs: number): void {
    let history = this.events.get(event);
    if (history === undefined) {
      history = new EventHistory();
      this.events.set(event, history);
    }
    history.add(Math.floor(this.now() / 1000), latencyMs);
  }

  /** LATENCY LATEST: each event's newest sample and all-time max, in the order events first happened. */
  latest(): LatestSample[] {
    const out: LatestSample[] = [];
    for (const [event, history] of this.events) {
      const last = history.latest();
      if (last !== undefined) out.push({ event, time: last.time, latency: last.latency, max: history.max });
    }
    return out;
  }

  /** LATENCY HISTORY: the event's samples, oldest first (empty for an unknown event). */
  history(event: string): LatencySample[] {
    return this.events.get(event)?.inOrder() ?? [];
  }

  /** LATENCY RESET: forgets the named events (all of them when none are named); returns how many existed. */
  reset(events: readonly string[] = []): number {
    if (events.length === 0) {
      const count = this.events.size;
      this.events.clear();
      return count;
    }
    let count = 0;
    for (const event of events) if (this.events.delete(event)) count++;
    return count;
  }
}
