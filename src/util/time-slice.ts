/**
 * Long work gives the event loop a turn every SLICE_MS (or its own slice) of work: commands that
 * read a snapshot (KEYS over millions of keys), so other clients wait at most about that long
 * behind them instead of the whole command; the start's replay of the write-ahead log, so the
 * admin port's probes answer meanwhile. Only for work whose result stays right while others run
 * in between: a read at a snapshot, whose reply is still one moment's view, or work nothing else
 * touches yet.
 */

/** The longest a sliced command works without letting others run. */
export const SLICE_MS = 10;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly sliceMs: number = SLICE_MS) {}

  /** Whether this slice has used its time: the caller should `await yieldTurn()` at the next safe point. */
  get due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  /** Lets the event loop serve everything queued (I/O included), then starts a new slice. */
  async yieldTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
