/**
 * The dashboard's memory of the last minutes: every series a chart plots, sampled once a second
 * on the whole second, kept in fixed-size rings (HISTORY_SECONDS), so that a page opened after an
 * incident draws what happened before it was opened, and every browser polls without the server
 * keeping state per viewer.
 *
 * Counters (commands processed, bytes compacted...) are kept as per-second rates computed here,
 * from the difference of two samples over the time between them; a counter that went down
 * (CONFIG RESETSTAT) gives no rate for that second (NaN, sent as null: a gap in the chart).
 * Gauges (RSS, block cache...) are kept as read. Commands are counted per command as INFO
 * commandstats flattens them (per subcommand), for those called at least once in the window.
 */
import { everyWholeSecond } from '../util/whole-seconds.js';

/** Fifteen minutes at one sample a second: the longest window the page offers. */
export const HISTORY_SECONDS = 900;

/** What one sample reads: counters only grow (until a reset), gauges are "now". */
export interface StatsReading {
  readonly time: number;
  readonly counters: Readonly<Record<CounterName, number>>;
  readonly gauges: Readonly<Record<GaugeName, number>>;
  /** Calls so far per command ('get', 'config|get'), commands never called left out. */
  readonly commandCalls: ReadonlyMap<string, number>;
}

export const COUNTER_NAMES = ['ops', 'netIn', 'netOut', 'flushWritten', 'compactionRead', 'compactionWritten', 'stalls'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export const GAUGE_NAMES = ['rss', 'heapUsed', 'blockCache', 'memtables', 'l0Files', 'clients'] as const;
export type GaugeName = (typeof GAUGE_NAMES)[number];
export type SeriesName = CounterName | GaugeName;

/** The seconds after `since`, oldest first: times in ms, one column per series (null: no value). */
export interface HistoryColumns {
  readonly intervalMs: number;
  readonly time: number[];
  /**
   * The milliseconds each sample's rates span (null for the first): about 1000, more when a busy
   * event loop fired the timer late and a second went without its own sample. Rate times span is
   * the exact count.
   */
  readonly spanMs: Array<number | null>;
  readonly series: Record<SeriesName, Array<number | null>>;
  /** Calls per second of each command with calls in these seconds. */
  readonly perCommand: Record<string, Array<number | null>>;
}

/** A ring of HISTORY_SECONDS numbers, NaN where a second has no value. */
class Ring {
  readonly values = new Float64Array(HISTORY_SECONDS).fill(NaN);
}

export class StatsHistory {
  private readonly times = new Float64Array(HISTORY_SECONDS);
  private readonly spans = new Float64Array(HISTORY_SECONDS).fill(NaN);
  private readonly series = new Map<SeriesName, Ring>();
  private readonly commands = new Map<string, Ring>();
  /** Where the next sample goes, and how many the rings hold. */
  private next = 0;
  private count = 0;
  private previous: StatsReading | null = null;

  constructor() {
    for (const name of [...COUNTER_NAMES, ...GAUGE_NAMES]) this.series.set(name, new Ring());
  }

  /**
   * Takes a reading: rates against the previous one (none for the first), gauges as they are. A
   * reading is shown on its whole second (the timer fires a few ms after it, rarely a little
   * before: 50 ms of slack); one on the same second as the last is left out, so each second has
   * one sample and the next rate spans both intervals.
   */
  add(reading: StatsReading): void {
    const second = Math.floor((reading.time + 50) / 1000) * 1000;
    if (this.count > 0 && second <= this.times[(this.next - 1 + HISTORY_SECONDS) % HISTORY_SECONDS]) return;
    const at = this.next;
    const previous = this.previous;
    const seconds = previous === null ? 0 : (reading.time - previous.time) / 1000;
    const rate = (now: number, before: number | undefined): number =>
      before === undefined || seconds <= 0 || now < before ? NaN : (now - before) / seconds;
    this.times[at] = second;
    this.spans[at] = previous === null ? NaN : reading.time - previous.time;
    for (const name of COUNTER_NAMES) this.ring(name).values[at] = rate(reading.counters[name], previous?.counters[name]);
    for (const name of GAUGE_NAMES) this.ring(name).values[at] = reading.gauges[name];
    for (const ring of this.commands.values()) ring.values[at] = NaN;
    if (previous !== null) {
      for (const [name, calls] of reading.commandCalls) {
        const perSecond = rate(calls, previous.commandCalls.get(name) ?? 0);
        if (perSecond === 0) continue;
        let ring = this.commands.get(name);
        if (ring === undefined) this.commands.set(name, (ring = new Ring()));
        ring.values[at] = perSecond;
      }
    }
    this.previous = reading;
    this.next = (at + 1) % HISTORY_SECONDS;
    this.count = Math.min(this.count + 1, HISTORY_SECONDS);
  }

  /** The samples taken after `sinceMs` (all of them for 0), oldest first. */
  columns(sinceMs = 0): HistoryColumns {
    const slots: number[] = [];
    for (let i = this.count; i > 0; i--) {
      const slot = (this.next - i + HISTORY_SECONDS) % HISTORY_SECONDS;
      if (this.times[slot] > sinceMs) slots.push(slot);
    }
    const column = (ring: Ring): Array<number | null> => slots.map((s) => (Number.isNaN(ring.values[s]) ? null : ring.values[s]));
    const series = {} as Record<SeriesName, Array<number | null>>;
    for (const [name, ring] of this.series) series[name] = column(ring);
    const perCommand: Record<string, Array<number | null>> = {};
    for (const [name, ring] of this.commands) {
      const values = column(ring);
      if (values.some((v) => v !== null)) perCommand[name] = values;
    }
    const spanMs = slots.map((s) => (Number.isNaN(this.spans[s]) ? null : this.spans[s]));
    return { intervalMs: 1000, time: slots.map((s) => this.times[s]), spanMs, series, perCommand };
  }

  /** The last second's rate of a counter (or a command's calls), 0 before there is one. */
  lastRate(name: CounterName): number {
    if (this.count < 1) return 0;
    const v = this.ring(name).values[(this.next - 1 + HISTORY_SECONDS) % HISTORY_SECONDS];
    return Number.isNaN(v) ? 0 : v;
  }

  private ring(name: SeriesName): Ring {
    return this.series.get(name) as Ring;
  }
}

/** Samples `read()` into `history` now and on every whole second until stopped. */
export function sampleEverySecond(history: StatsHistory, read: () => StatsReading): () => void {
  history.add(read());
  return everyWholeSecond(() => history.add(read()));
}
