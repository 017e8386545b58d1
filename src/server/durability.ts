/**
 * The reply barrier for durable writes.
 *
 * A write handler applies its batch to the memtable synchronously, writes its reply, and returns
 * the engine's durability promise. Its reply must not leave the server before that promise
 * resolves (with appendfsync always, that is after the fsync). Like Redis, which sends every reply
 * of an event-loop iteration only after that iteration's AOF fsync, the barrier is global: a reply
 * of any connection waits for every write issued before it, because that reply may have observed
 * one of them. With no write outstanding (pure reads) nothing waits.
 *
 * Write promises settle in issue order (the WAL resolves groups in order, and every batch of a
 * group on one shared promise), so counting issued and settled promises is enough to know that
 * "everything up to N is durable"; no per-write closure is needed.
 */

/** A connection waiting to send its replies. */
export interface BarrierWaiter {
  /** Called once everything issued before the wait is durable; `failed` if any of it failed. */
  onDurable(failed: boolean): void;
}

export class DurabilityBarrier {
  private issued = 0;
  private settled = 0;
  /** Number of failed writes so far. */
  private failures = 0;
  /** Waiters, their targets (non-decreasing) and the failure count when they started waiting. */
  private waiters: BarrierWaiter[] = [];
  private targets: number[] = [];
  private failuresAtWait: number[] = [];
  private head = 0;
  private readonly onSettle = (): void => this.settle();
  private readonly onFail = (err: unknown): void => {
    this.failures++;
    this.failureHandler(err);
    this.settle();
  };

  /** Called with every write failure (the server logs it). */
  failureHandler: (err: unknown) => void = () => {};

  /** True when some write issued so far is not yet durable. */
  get pending(): boolean {
    return this.settled < this.issued;
  }

  /** Registers a write's durability promise. */
  track(durable: Promise<unknown>): void {
    this.issued++;
    durable.then(this.onSettle, this.onFail);
  }

  /** Calls `waiter.onDurable` once every write issued so far has settled. */
  wait(waiter: BarrierWaiter): void {
    this.waiters.push(waiter);
    this.targets.push(this.issued);
    this.failuresAtWait.push(this.failures);
  }

  private settle(): void {
    this.settled++;
    while (this.head < this.waiters.length && this.targets[this.head] <= this.settled) {
      const i = this.head++;
      // The engine's write errors are sticky (every later write fails too), so a failure while a
      // waiter waited means some reply it holds may acknowledge a write that is not durable.
      this.waiters[i].onDurable(this.failures > this.failuresAtWait[i]);
    }
    if (this.head === this.waiters.length) {
      this.waiters.length = 0;
      this.targets.length = 0;
      this.failuresAtWait.length = 0;
      this.head = 0;
    }
  }
}
