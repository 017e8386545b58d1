/**
 * Progress of long work (the write-ahead log replayed at start, a checkpoint restored, a full
 * compaction an operator asked for): how far it is, how fast it goes, when it should end. The
 * work reports absolute amounts as it goes; the log gets a line at most once a LOG_EVERY_MS (so a
 * person watching the log sees it move, and a fast start prints nothing but its final line), and
 * readers (the admin port's /readyz and /api/stats, the dashboard) take snapshots whenever they
 * like.
 */

/** How often a running operation writes a progress line to the log, at most. */
const LOG_EVERY_MS = 1000;

/** One operation as readers see it at one moment. */
export interface ProgressSnapshot {
  /** What runs: 'startup' or 'compaction'. */
  readonly operation: string;
  /** The step it is in, for people: 'replaying the write-ahead log'. */
  readonly phase: string;
  /** Bytes of this phase done and in all; percent of them, with one decimal. */
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly percent: number;
  /** Items the phase counts as it goes (log records' keys, tables) and their rate since it began. */
  readonly items: number;
  readonly itemName: string;
  readonly itemsPerSecond: number;
  /** Seconds to the phase's end at its rate so far; null before there is a rate. */
  readonly etaSeconds: number | null;
  /** When the operation and its phase began (ms since the epoch). */
  readonly startedAt: number;
  readonly phaseStartedAt: number;
}

export type ProgressLog = (message: string) => void;

/** A long operation reporting progress, phase by phase. */
export class LongOperation {
  private phaseName = 'starting';
  private itemName = 'items';
  private doneBytes = 0;
  private totalBytes = 0;
  private items = 0;
  private readonly startedAt = Date.now();
  private phaseStartedAt = this.startedAt;
  private lastLogAt = 0;
  private finished = false;

  constructor(
    readonly operation: string,
    private readonly log: ProgressLog,
    private readonly onEnd: (op: LongOperation) => void = () => {},
  ) {}

  /** Begins a phase of `totalBytes` (0 when unknown or nothing to do), counting `itemName`. */
  phase(name: string, totalBytes: number, itemName = 'items'): void {
    this.phaseName = name;
    this.itemName = itemName;
    this.totalBytes = totalBytes;
    this.doneBytes = 0;
    this.items = 0;
    this.phaseStartedAt = Date.now();
    this.lastLogAt = this.phaseStartedAt;
  }

  /**
   * How far the phase is now: bytes done and items done so far (absolute, not increments), and
   * its size once the work knows it.
   */
  advance(doneBytes: number, items = this.items, totalBytes = this.totalBytes): void {
    this.doneBytes = doneBytes;
    this.items = items;
    this.totalBytes = totalBytes;
    const now = Date.now();
    if (now - this.lastLogAt >= LOG_EVERY_MS) {
      this.lastLogAt = now;
      this.log(describeProgress(this.snapshot(now)));
    }
  }

  /** The operation is over (done or failed): readers stop seeing it. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onEnd(this);
  }

  snapshot(now = Date.now()): ProgressSnapshot {
    const seconds = (now - this.phaseStartedAt) / 1000;
    const bytesPerSecond = seconds > 0 ? this.doneBytes / seconds : 0;
    const left = this.totalBytes - this.doneBytes;
    return {
      operation: this.operation,
      phase: this.phaseName,
      doneBytes: this.doneBytes,
      totalBytes: this.totalBytes,
      percent: this.totalBytes > 0 ? Math.floor((1000 * this.doneBytes) / this.totalBytes) / 10 : 0,
      items: this.items,
      itemName: this.itemName,
      itemsPerSecond: seconds > 0 ? Math.round(this.items / seconds) : 0,
      etaSeconds: bytesPerSecond > 0 && left > 0 ? Math.ceil(left / bytesPerSecond) : null,
      startedAt: this.startedAt,
      phaseStartedAt: this.phaseStartedAt,
    };
  }
}

/** The long operations running now, for readers that show them all. */
export class LongOperations {
  private readonly running = new Set<LongOperation>();

  constructor(private readonly log: ProgressLog) {}

  start(operation: string): LongOperation {
    const op = new LongOperation(operation, this.log, (done) => this.running.delete(done));
    this.running.add(op);
    return op;
  }

  /** The one running operation of that name, if any. */
  find(operation: string): LongOperation | undefined {
    for (const op of this.running) if (op.operation === operation) return op;
    return undefined;
  }

  snapshots(now = Date.now()): ProgressSnapshot[] {
    return [...this.running].map((op) => op.snapshot(now));
  }
}

/** "Replaying the write-ahead log: 37.2% (24.0 of 64.5 MiB), 412,000 keys/s, about 3 s left" */
export function describeProgress(p: ProgressSnapshot): string {
  const phase = p.phase.charAt(0).toUpperCase() + p.phase.slice(1);
  const amount = p.totalBytes > 0 ? `${p.percent.toFixed(1)}% (${mib(p.doneBytes)} of ${mib(p.totalBytes)} MiB)` : `${mib(p.doneBytes)} MiB`;
  const rate = p.items > 0 ? `, ${p.itemsPerSecond.toLocaleString('en-US')} ${p.itemName}/s` : '';
  const eta = p.etaSeconds !== null ? `, about ${p.etaSeconds} s left` : '';
  return `${phase}: ${amount}${rate}${eta}`;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
