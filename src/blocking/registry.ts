/**
 * Clients blocked by BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP: who waits on
 * which (database, key), in the order they blocked, and what wakes them.
 *
 * A blocked client costs nothing until a key it waits on is written: the registry installs the
 * keyspace's write listener only while someone is blocked, and a write to a key nobody waits on
 * is one Map lookup. A write to a waited key marks it ready (Redis' signalKeyAsReady); once the
 * running command (or transaction) is over, the first waiter of each ready key that is not
 * already retrying is woken: its command runs again through the dispatcher (locks, durability
 * barrier and all) and either is served, and leaves the registry, or finds the key empty and
 * stays where it was in the queue. A served pop writes the key, which marks it ready again and
 * wakes the next waiter: a push of several elements serves the waiters one after another in the
 * order they blocked, while elements last; a BLMOVE's push wakes the waiters of its destination.
 *
 * A client blocked on several keys is served from the key whose write woke it, when that key has
 * something, before its other keys (two keys written in one transaction: the first written), as
 * Redis serves a waiter from the ready key it is handling.
 *
 * Inside a transaction nothing blocks (the command answers as its non-blocking form), and keys
 * written by a transaction are served only after it: the dispatcher holds a writing transaction
 * under its exclusive lock, which the woken client's retry waits for, so a key pushed and popped
 * in one transaction is found empty and wakes nobody.
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyWriteListener } from '../keyspace/keyspace.js';

/** Why a blocked command's wait ended, other than being served. */
export type BlockEnd = 'timeout' | 'error' | 'cancelled';
/** What a blocked command is told when it waits: retry, or its wait is over. */
export type BlockEvent = 'ready' | BlockEnd;

/** What the registry needs of a client: an id (CLIENT UNBLOCK) and its database when it blocked. */
export interface BlockableClient {
  readonly id: number;
  readonly db: number;
}


/** Where the registry installs its listener. */
export interface KeyWriteSource {
  readyListener: KeyWriteListener | null;
}

/** One blocked command. */
export class Block {
  /** The dispatcher's wait loop is running for it (its first run blocked). */
  looping = false;
  /** Woken and retrying: later signals do not wake it again. */
  retrying = false;
  /** The key whose write woke it last: its retry tries that key first, as Redis serves a waiter from the key that became ready. */
  readyKey: BinaryKey | null = null;
  private pending: BlockEvent | null = null;
  private waiter: ((event: BlockEvent) => void) | null = null;
  timer: NodeJS.Timeout | null = null;

  constructor(
    readonly client: BlockableClient,
    /** Lookup names (see Registry.slot) of the keys it waits on. */
    readonly slots: readonly string[],
    /** When the wait ends, ms since the epoch; 0: never. */
    readonly deadline: number,
  ) {}

  /** The next event: waits if none is pending. */
  next(): Promise<BlockEvent> {
    const event = this.pending;
    if (event !== null) {
      this.pending = null;
      return Promise.resolve(event);
    }
    this.retrying = false;
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** An end replaces a pending wake-up; a wake-up never replaces an end. */
  post(event: BlockEvent): void {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(event);
      return;
    }
    if (event === 'ready' && this.pending !== null) return;
    this.pending = event;
  }
}

export class BlockingRegistry implements KeyWriteListener {
  /** Waiters per key slot, in the order they blocked (a Set iterates in insertion order). */
  private readonly byKey = new Map<string, Set<Block>>();
  private readonly byClient = new Map<number, Block>();
  /**
   * Clients gone or going (disconnected, killed): a command of theirs still running (a retry
   * waiting for a lock, a first run waiting for the disk) must not block them again, or the block
   * would outlive them.
   */
  private readonly gone = new WeakSet<BlockableClient>();
  /** Clients running EXEC: their blocking commands answer at once. */
  private readonly inTransaction = new Set<number>();
  /** Keys written since the last wake-up round. */
  private ready = new Set<string>();
  private roundScheduled = false;
  private readonly roundBound = (): void => this.wakeRound();

  constructor(private readonly source: KeyWriteSource) {}

  /** Clients blocked now (INFO blocked_clients). */
  get size(): number {
    return this.byClient.size;
  }

  /** Blocked clients with a timeout (INFO clients_in_timeout_table). */
  get withTimeout(): number {
    let n = 0;
    for (const block of this.byClient.values()) if (block.deadline !== 0) n++;
    return n;
  }

  /** Whether the client's command is running again after it blocked (MONITOR shows it only once, as Redis). */
  isRetry(client: BlockableClient): boolean {
    return this.byClient.size !== 0 && this.byClient.get(client.id)?.looping === true;
  }

  /** The lookup name of a key in a database: the number cannot contain ':', so names never collide. */
  static slot(db: number, key: BinaryKey): string {
    return `${db}:${key}`;
  }

  blockOf(client: BlockableClient): Block | undefined {
    return this.byClient.get(client.id);
  }

  isBlocked(client: BlockableClient): boolean {
    return this.byClient.has(client.id);
  }

  /** For a blocked client's retry: the key whose write woke it (tried first), or null. */
  readyKeyOf(client: BlockableClient): BinaryKey | null {
    return this.byClient.get(client.id)?.readyKey ?? null;
  }

  /** Whether a command of this client may block now (not while it runs a transaction). */
  mayBlock(client: BlockableClient): boolean {
    return !this.inTransaction.has(client.id) && !this.gone.has(client);
  }

  /** Whether the client is gone or going (see `gone`): a pop for it would hand an element to nobody. */
  isGone(client: BlockableClient): boolean {
    return this.gone.has(client);
  }

  enterTransaction(client: BlockableClient): void {
    this.inTransaction.add(client.id);
  }

  leaveTransaction(client: BlockableClient): void {
    this.inTransaction.delete(client.id);
  }

  /**
   * Blocks `client` on `keys` of its database until served or `deadline` (ms since the epoch, 0:
   * never). A client already blocked (its command is retrying) keeps its place and deadline.
   */
  block(client: BlockableClient, keys: readonly BinaryKey[], deadline: number): void {
    if (this.byClient.has(client.id)) return;
    const slots: string[] = [];
    for (const key of keys) {
      const slot = BlockingRegistry.slot(client.db, key);
      if (slots.includes(slot)) continue;
      slots.push(slot);
    }
    const block = new Block(client, slots, deadline);
    for (const slot of slots) {
      let waiters = this.byKey.get(slot);
      if (waiters === undefined) {
        waiters = new Set();
        this.byKey.set(slot, waiters);
      }
      waiters.add(block);
    }
    this.byClient.set(client.id, block);
    if (deadline > 0) {
      const delay = Math.max(0, deadline - Date.now());
      // Beyond setTimeout's range (about 24.8 days) the wait is, in practice, forever.
      if (delay <= 0x7fff_ffff) block.timer = setTimeout(() => block.post('timeout'), delay);
    }
    this.source.readyListener = this;
  }

  /** Removes the client's block (served, timed out, unblocked, gone); a no-op when it has none. */
  release(client: BlockableClient): void {
    const block = this.byClient.get(client.id);
    if (block === undefined) return;
    this.byClient.delete(client.id);
    if (block.timer !== null) clearTimeout(block.timer);
    for (const slot of block.slots) {
      const waiters = this.byKey.get(slot);
      if (waiters === undefined) continue;
      waiters.delete(block);
      if (waiters.size === 0) this.byKey.delete(slot);
    }
    if (this.byClient.size === 0) this.source.readyListener = null;
  }

  /** CLIENT UNBLOCK: ends the wait as a timeout or an error; false if the client is not blocked. */
  unblock(clientId: number, how: 'timeout' | 'error'): boolean {
    const block = this.byClient.get(clientId);
    if (block === undefined) return false;
    block.post(how);
    return true;
  }

  /** The client is going away (disconnect, CLIENT KILL): its wait ends with no reply, and it never blocks again. */
  cancel(client: BlockableClient): void {
    this.gone.add(client);
    const block = this.byClient.get(client.id);
    if (block === undefined) return;
    this.release(client);
    block.post('cancelled');
  }

  /**
   * A woken stream reader (XREAD, XREADGROUP) that found nothing for itself passes the wake-up to
   * the next waiter of the key behind it in the queue: readers of one stream wait for different
   * things (other IDs, other groups), and Redis looks at every reader blocked on a written stream.
   * Forward only, so the chain ends at the end of the queue.
   */
  passOn(client: BlockableClient, key: BinaryKey): void {
    const slot = BlockingRegistry.slot(client.db, key);
    const waiters = this.byKey.get(slot);
    const own = this.byClient.get(client.id);
    if (waiters === undefined || own === undefined) return;
    let behind = false;
    for (const block of waiters) {
      if (block === own) {
        behind = true;
        continue;
      }
      if (!behind || block.retrying) continue;
      block.retrying = true;
      block.readyKey = key;
      block.post('ready');
      return;
    }
  }

  // ---- KeyWriteListener (installed only while someone is blocked)

  keyWritten(db: number, key: BinaryKey): void {
    const slot = BlockingRegistry.slot(db, key);
    if (!this.byKey.has(slot)) return;
    this.ready.add(slot);
    this.scheduleRound();
  }

  databaseReplaced(db: number): void {
    const prefix = `${db}:`;
    for (const slot of this.byKey.keys()) if (slot.startsWith(prefix)) this.ready.add(slot);
    if (this.ready.size !== 0) this.scheduleRound();
  }

  /** After the running command: microtasks run before any other client's request is read. */
  private scheduleRound(): void {
    if (this.roundScheduled) return;
    this.roundScheduled = true;
    queueMicrotask(this.roundBound);
  }

  /** Wakes the first waiter of each ready key that is not already retrying. */
  private wakeRound(): void {
    this.roundScheduled = false;
    const ready = this.ready;
    this.ready = new Set();
    for (const slot of ready) {
      const waiters = this.byKey.get(slot);
      if (waiters === undefined) continue;
      for (const block of waiters) {
        if (block.retrying) continue;
        block.retrying = true;
        block.readyKey = slot.slice(slot.indexOf(':') + 1);
        block.post('ready');
        break;
      }
    }
  }
}
