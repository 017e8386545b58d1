/**
 * Long commands that read a snapshot (KEYS over millions of keys, say) give the event loop a turn
 * every SLICE_MS of work, so the other clients wait at most about that long behind them instead of
 * the whole command. Only for work whose result stays right while others run in between: a read
 * at a snapshot, whose reply is still one moment's view.
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
