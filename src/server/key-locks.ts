/**
 * Key locks for commands that go asynchronous.
 *
 * JavaScript runs one handler at a time, so a handler's synchronous part is atomic by itself. Only
 * when a handler returns a Promise (it has to wait for a disk read) could another command slip in
 * between its read and its write. So the dispatcher locks a command's keys exactly then, until the
 * promise settles; any command touching a locked key waits. Commands that see or change the whole
 * keyspace (FLUSHALL, SWAPDB, MOVE...) take the exclusive lock: they wait for every holder, and
 * everything waits for them.
 *
 * With nothing in flight (`idle`), the dispatcher skips all of this: no key strings are built.
 */

/** Locks held by one in-flight command. */
export interface LockHold {
  readonly keys: readonly string[];
  readonly exclusive: boolean;
}

/** A waiter is woken on every release and re-checks (contention is rare: only async commands hold locks). */
export type LockWaiter = () => void;

export class KeyLocks {
  private readonly held = new Map<string, number>();
  private holders = 0;
  private exclusiveHolders = 0;
  private waiters: LockWaiter[] = [];

  /** True when no command holds any lock: the fast path. */
  get idle(): boolean {
    return this.holders === 0;
  }

  /** The lock name of a key in a database. */
  static lockName(db: number, key: Buffer): string {
    return `${db}:${key.toString('latin1')}`;
  }

  /** Whether a command with these lock names (or exclusive) must wait. */
  conflicts(names: readonly string[], exclusive: boolean): boolean {
    if (this.holders === 0) return false;
    if (exclusive || this.exclusiveHolders > 0) return true;
    for (const n of names) if (this.held.has(n)) return true;
    return false;
  }

  acquire(names: readonly string[], exclusive: boolean): LockHold {
    this.holders++;
    if (exclusive) this.exclusiveHolders++;
    for (const n of names) this.held.set(n, (this.held.get(n) ?? 0) + 1);
    return { keys: names, exclusive };
  }

  release(hold: LockHold): void {
    this.holders--;
    if (hold.exclusive) this.exclusiveHolders--;
    for (const n of hold.keys) {
      const c = (this.held.get(n) ?? 1) - 1;
      if (c > 0) this.held.set(n, c);
      else this.held.delete(n);
    }
    this.wakeWaiters();
  }

  /**
   * Lets every waiting request check again now, without a release: a script that turned busy
   * while they waited for its lock must answer them -BUSY (or let SCRIPT KILL through).
   */
  wakeWaiters(): void {
    if (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves at the next release; the caller re-checks `conflicts`. */
  nextRelease(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
