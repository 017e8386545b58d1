/**
 * Key locks for commands that go asynchronous.
 *
 * JavaScript runs one handler at a time, so a handler's synchronous part is atomic by itself. Only
 * when a handler returns a Promise (it has to wait for a disk read) could another command slip in
 * between its read and its write. So the dispatcher locks a command's keys exactly then, until the
 * promise settles; a command that conflicts with a held lock waits. With nothing in flight
 * (`idle`), the dispatcher skips all of this: no key strings are built.
 *
 * Three modes:
 * - shared: a command that does not write (flag `write` absent). Readers of one key run side by
 *   side: each reads at its own snapshot and changes nothing another reader relies on, so fifty
 *   clients reading one big sorted set do not queue behind each other's disk reads.
 * - write: a command that may write its keys. It excludes every other holder of those keys.
 * - exclusive: a command that sees or changes the whole keyspace (FLUSHALL, SWAPDB, a script, a
 *   writing transaction...). It waits for every holder, and everything waits for it.
 *
 * Waiters queue first come, first served. A newcomer that conflicts with a waiter waits behind
 * it, so a writer is not starved by a stream of readers. A release grants the lock to each waiter
 * that conflicts neither with what is held nor with a waiter ahead of it: the waiter holds it
 * before it runs again (no herd re-checking, no losing its turn). If the command then finishes
 * without going asynchronous, the dispatcher gives the granted hold back.
 */

/** How a command holds its keys. */
export const enum LockMode {
  Shared = 0,
  Write = 1,
}

/** Locks held by one in-flight command. */
export interface LockHold {
  readonly keys: readonly string[];
  readonly mode: LockMode;
  readonly exclusive: boolean;
}

/** Holders (or waiters) of one lock name. */
interface NameCount {
  shared: number;
  write: number;
}

interface Waiter {
  readonly keys: readonly string[];
  readonly mode: LockMode;
  readonly exclusive: boolean;
  /** Called with the hold granted to it, or null: run again and check for yourself (wakeWaiters). */
  readonly grant: (hold: LockHold | null) => void;
}

export class KeyLocks {
  private readonly held = new Map<string, NameCount>();
  private holders = 0;
  private exclusiveHolders = 0;
  /** First come, first served. */
  private waiters: Waiter[] = [];
  /** What the queued waiters claim, so that a newcomer does not overtake one it conflicts with. */
  private readonly waiting = new Map<string, NameCount>();
  private exclusiveWaiters = 0;

  /** True when no command holds any lock: the fast path. (Nobody waits unless someone holds.) */
  get idle(): boolean {
    return this.holders === 0;
  }

  /** Commands waiting for a lock. */
  get waiterCount(): number {
    return this.waiters.length;
  }

  /** The lock name of a key in a database. */
  static lockName(db: number, key: Buffer): string {
    return `${db}:${key.toString('latin1')}`;
  }

  /** Whether a new command with these lock names must wait: for a holder, or behind a waiter. */
  conflicts(names: readonly string[], mode: LockMode, exclusive: boolean): boolean {
    if (this.holders === 0) return false;
    if (this.exclusiveHolders > 0 || this.exclusiveWaiters > 0) return true;
    if (exclusive) return true;
    return clashes(this.held, names, mode) || (this.waiters.length > 0 && clashes(this.waiting, names, mode));
  }

  acquire(names: readonly string[], mode: LockMode, exclusive: boolean): LockHold {
    this.holders++;
    if (exclusive) this.exclusiveHolders++;
    for (const n of names) count(this.held, n, mode, 1);
    return { keys: names, mode, exclusive };
  }

  release(hold: LockHold): void {
    this.holders--;
    if (hold.exclusive) this.exclusiveHolders--;
    for (const n of hold.keys) count(this.held, n, hold.mode, -1);
    if (this.waiters.length > 0) this.grantWaiters();
  }

  /**
   * Queues a command that conflicts; resolves with the hold granted to it in its turn, or with
   * null when wakeWaiters asks everyone to check again.
   */
  wait(names: readonly string[], mode: LockMode, exclusive: boolean): Promise<LockHold | null> {
    return new Promise((grant) => {
      this.waiters.push({ keys: names, mode, exclusive, grant });
      if (exclusive) this.exclusiveWaiters++;
      for (const n of names) count(this.waiting, n, mode, 1);
    });
  }

  /**
   * Lets every waiting request check again now, without a grant: a script that turned busy
   * while they waited for its lock must answer them -BUSY (or let SCRIPT KILL through).
   */
  wakeWaiters(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    this.waiting.clear();
    this.exclusiveWaiters = 0;
    for (const w of waiters) w.grant(null);
  }

  /** In queue order: grants each waiter that conflicts neither with a holder nor with a waiter still ahead of it. */
  private grantWaiters(): void {
    const ahead = new Map<string, NameCount>();
    let exclusiveAhead = false;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      const free = !exclusiveAhead && this.exclusiveHolders === 0 &&
        (w.exclusive ? this.holders === 0 && still.length === 0 : !clashes(this.held, w.keys, w.mode) && !clashes(ahead, w.keys, w.mode));
      if (free) {
        if (w.exclusive) this.exclusiveWaiters--;
        for (const n of w.keys) count(this.waiting, n, w.mode, -1);
        w.grant(this.acquire(w.keys, w.mode, w.exclusive));
        continue;
      }
      still.push(w);
      if (w.exclusive) exclusiveAhead = true;
      for (const n of w.keys) count(ahead, n, w.mode, 1);
    }
    this.waiters = still;
  }
}

/** Whether a command of `mode` on `names` conflicts with the counts in `map`. */
function clashes(map: Map<string, NameCount>, names: readonly string[], mode: LockMode): boolean {
  if (map.size === 0) return false;
  for (const n of names) {
    const c = map.get(n);
    if (c !== undefined && (c.write > 0 || (mode === LockMode.Write && c.shared > 0))) return true;
  }
  return false;
}

function count(map: Map<string, NameCount>, name: string, mode: LockMode, by: number): void {
  let c = map.get(name);
  if (c === undefined) {
    c = { shared: 0, write: 0 };
    map.set(name, c);
  }
  if (mode === LockMode.Write) c.write += by;
  else c.shared += by;
  if (c.shared === 0 && c.write === 0) map.delete(name);
}
