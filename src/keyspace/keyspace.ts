/**
 * Redis semantics on engine keys: logical databases, typed values with expire times, exact key
 * counts, lazy and active expiry, WATCH hooks, SCAN cursors. Byte layouts: encoding.ts and
 * meta.ts (and docs/format.md, "Keyspace encoding").
 *
 * How commands use it. Every command is a synchronous read-decide-write: it looks its keys up
 * with lookupRead/lookupWrite, decides, stages the change with store/remove (or a batch), writes
 * its reply and returns the write's durability promise. A lookup that misses the block cache
 * returns a Promise instead of a value; the command then returns `promise.then(() => <run the
 * command again>)` having written nothing. The second run finds the block cached and completes
 * in one synchronous step. That keeps each command atomic by construction: no other code runs
 * between its read and its write, so counts and the expiry index always match the data (the
 * dispatcher's key locks are a second line of defence, not the first).
 *
 * Why every write reads first. DBSIZE must be exact and the expiry index must not keep stale
 * entries, so a write needs the previous value anyway: whether the key existed (count) and which
 * expire time it had (index entry to delete). Counts live in memory and are rewritten as meta
 * records in the same batch as the change, so after a crash they agree with the data.
 *
 * Order of a write: `db.write(ops)` first, then the in-memory effects (counts, WATCH flags), then
 * the caller writes its reply and returns the promise. The engine applies the batch to the memtable
 * synchronously, so memory, engine and reply all change in the same synchronous step; the
 * dispatcher holds the reply back until the promise says the batch is durable.
 */
import { EntryKind, type BatchOp, type BinaryKey, type EngineLogger, type SequenceNumber } from '../engine/types.js';
import type { Db, DbOptions, KeyRange } from '../engine/db.js';
import {
  META_LAYOUT_KEY,
  META_RESERVED_PREFIX,
  prefixEnd,
  NO_EXPIRE,
  TAG_DATA,
  TAG_EXPIRY,
  TAG_FIELD_EXPIRY,
  encodeTime,
  expireAt,
  namespacePrefix,
} from './encoding.js';
import {
  countsKey,
  decodeCounts,
  decodeLayout,
  encodeCounts,
  encodeLayout,
  type Layout,
  type NamespaceCounts,
} from './meta.js';
import { WatchRegistry, type WatchingClient } from './watch.js';
import { ScanCursorStore } from './scan-cursors.js';
import { BackgroundCycle } from './active-expiry.js';
import { VersionSource, fieldExpiryOf } from './collection-encoding.js';
import { DeadVersionSweeper, pushGarbageRecords, reservationsToGarbage } from './dead-versions.js';
import { KeyspaceEvents, NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_NEW } from '../pubsub/keyspace-events.js';

export type { WatchingClient } from './watch.js';

/** Who wants to know of writes (Keyspace.readyListener). */
/** Told of every modified key, whatever its database, and of every flush (CLIENT TRACKING). */
export interface KeyModificationListener {
  keyModified(key: BinaryKey): void;
  flushed(): void;
}

export interface KeyWriteListener {
  keyWritten(db: number, key: BinaryKey): void;
  /** SWAPDB exchanged a database's contents: any key waited on there may be ready. */
  databaseReplaced(db: number): void;
}

export interface KeyspaceOptions {
  /** Number of logical databases (SELECT 0..databases-1). */
  databases: number;
  logger?: EngineLogger;
}

/** Counters for INFO stats (names follow Redis' fields). */
export interface KeyspaceStats {
  /** expired_keys: keys deleted because their time passed (lazily, actively or found dropped by compaction). */
  expiredKeys: number;
  /** expired_stale_perc: share of keys with a TTL left expired-but-present when the last cycle stopped. */
  expiredStalePerc: number;
  /** expired_time_cap_reached_count: cycles that stopped at their time budget. */
  expiredTimeCapReachedCount: number;
  /** expire_cycle_cpu_milliseconds */
  expireCycleCpuMilliseconds: number;
  /** keyspace_hits / keyspace_misses: lookups of read commands. */
  keyspaceHits: number;
  keyspaceMisses: number;
  /** expired_subkeys (Redis 7.4): hash fields deleted because their TTL passed. */
  expiredSubkeys: number;
  /** expire_cycle_hashes_read: hashes the active cycle read to reclaim expired fields (only hashes with field TTLs). */
  expireCycleHashesRead: number;
}

/**
 * Reclaims the expired fields of hashes (src/types/hash-field-expiry.ts, which the server installs
 * as Keyspace.fieldExpiry): the keyspace knows when a hash has fields due (its metadata's
 * minFieldExpire) but not how its fields are kept.
 */
export interface FieldReclaimer {
  /**
   * Deletes the due fields of (db, key), at most `maxFields` of them (Infinity: all); resolves to
   * true when none is left due. `indexKey`: the `f` entry the active cycle found, deleted if the
   * hash no longer has it.
   */
  reclaim(db: number, key: BinaryKey, now: number, maxFields: number, indexKey?: BinaryKey): Promise<boolean>;
}

/** What a lookup returns: the live value, null (absent or expired), or a Promise to await before running the command again. */
export type Lookup = Buffer | null | Promise<unknown>;

/** The compaction filter that drops expired values; spread into Db.open's options. */
export function keyspaceDbOptions(): Pick<DbOptions, 'compactionFilter'> {
  return {
    compactionFilter: {
      module: new URL('./compaction-filter.js', import.meta.url).href,
      options: () => ({ now: Date.now() }),
    },
  };
}

const noopLogger: EngineLogger = () => {};
const EMPTY = Buffer.alloc(0);
/** After a failed reclamation (a full disk, say), the background cycle tries again this much later. */
const RECLAIM_RETRY_MS = 5000;

/** Every engine key of a namespace. Ids stay far below 2^32 - 1, so ns + 1 is its end. */
function namespaceRange(ns: number): KeyRange {
  return { start: namespacePrefix(ns), end: namespacePrefix(ns + 1) };
}

/** Every key starting with `prefix` (a small range: only for records that are few). */
async function keysWithPrefix(db: Db, prefix: BinaryKey): Promise<BinaryKey[]> {
  const keys: BinaryKey[] = [];
  const it = db.iterator({ start: prefix, end: prefixEnd(prefix) });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) keys.push(entry.key);
  } finally {
    it.close();
  }
  return keys;
}

function logBackgroundFailure(log: EngineLogger): (err: unknown) => void {
  return (err) => log('warning', `keyspace background write failed: ${(err as Error).message}`);
}

export class Keyspace {
  readonly databases: number;
  readonly stats: KeyspaceStats = {
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMilliseconds: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredSubkeys: 0,
    expireCycleHashesRead: 0,
  };
  /** Reclaims expired hash fields before a lookup returns their hash (set by the server; null: no field ever expires). */
  fieldExpiry: FieldReclaimer | null = null;
  readonly cursors: ScanCursorStore;
  readonly log: EngineLogger;

  // Per logical database (index = SELECT number); all rebuilt by applyLayout().
  private namespaces: number[] = [];
  private nsPrefixes: BinaryKey[] = [];
  private dataPrefixes: BinaryKey[] = [];
  private countKeys: BinaryKey[] = [];
  private counts: NamespaceCounts[] = [];
  private dead: number[] = [];
  private nextNs = 1;

  private readonly watches = new WatchRegistry();
  /**
   * Told of every key written (blocking pops wait for this: src/blocking/registry.ts); set only
   * while a client is blocked, so that otherwise a write pays one property read.
   */
  readyListener: KeyWriteListener | null = null;
  /** Told of every key deleted because its time passed (replication sends replicas a DEL, as Redis does). */
  expiryListener: ((db: number, key: BinaryKey) => void) | null = null;
  /** Told of hash fields deleted because their time passed (replication sends replicas an HDEL, as Redis 7.4 does). */
  fieldExpiryListener: ((db: number, key: BinaryKey, fields: readonly BinaryKey[]) => void) | null = null;
  /**
   * Keyspace notifications. Commands send their own events through it; the keyspace sends the
   * ones Redis' db.c and expire.c send: 'expired' (lazy and active expiry), 'keymiss' (a read
   * lookup that finds nothing) and 'new' (a key created).
   */
  readonly events = new KeyspaceEvents();
  /** CLIENT TRACKING, told of every modified key and flush (set by the server). */
  tracking: KeyModificationListener | null = null;
  /** Values kept by stageLookup() for a command's run again, and the sequence number they are current at. */
  private lookupStage: Map<BinaryKey, Buffer | null> | null = null;
  private lookupStageSeq = -1;
  private lookupStageClearing = false;
  private readonly clearLookupStageBound = (): void => {
    this.lookupStage = null;
    this.lookupStageClearing = false;
  };
  private readonly cycle: BackgroundCycle;
  /** Versions for new collections (collection-encoding.ts): the next batch's sequence number plus an ordinal. */
  readonly versions: VersionSource;
  /** Deletes the members of dead collection versions in the background (dead-versions.ts). */
  readonly sweeper: DeadVersionSweeper;
  private readonly onBackgroundFailure: (err: unknown) => void;
  /** The reclamation of flushed namespaces under way, if any (reclaimDeadNamespaces). */
  private reclaiming: Promise<void> | null = null;
  private reclaimRetryAt = 0;
  private closed = false;

  private constructor(
    readonly db: Db,
    databases: number,
    layout: Layout,
    counts: Map<number, NamespaceCounts>,
    cursors: ScanCursorStore,
    logger: EngineLogger,
  ) {
    this.databases = databases;
    this.cursors = cursors;
    this.log = logger;
    this.onBackgroundFailure = logBackgroundFailure(logger);
    this.applyLayout(layout, counts);
    this.cycle = new BackgroundCycle(this);
    this.versions = new VersionSource(() => db.lastSequence + 1);
    this.sweeper = new DeadVersionSweeper(db, (ns) => this.namespaces.includes(ns));
  }

  /**
   * Loads the layout, the counts of each database and the SCAN cursors: a few point reads and one
   * bounded range read, never a scan of the data.
   */
  static async open(db: Db, options: KeyspaceOptions): Promise<Keyspace> {
    const logger = options.logger ?? noopLogger;
    const databases = options.databases;
    if (!Number.isInteger(databases) || databases < 1 || databases > 0xffff) {
      throw new RangeError(`databases must be an integer from 1 to 65535, got ${databases}`);
    }
    const stored = await db.get(META_LAYOUT_KEY);
    let layout: Layout;
    let changed = false;
    if (stored === undefined) {
      layout = { nextNs: 1, namespaces: [], dead: [] };
      changed = true;
    } else {
      layout = decodeLayout(stored);
    }
    // More databases than last time get fresh namespaces; fewer keep the extra ones mapped (and
    // unreachable) so that raising the setting again brings their data back.
    while (layout.namespaces.length < databases) {
      layout.namespaces.push(layout.nextNs++);
      changed = true;
    }
    if (changed) await db.write([{ kind: EntryKind.Put, key: META_LAYOUT_KEY, value: encodeLayout(layout) }]);
    const counts = new Map<number, NamespaceCounts>();
    for (const ns of layout.namespaces) {
      const value = await db.get(countsKey(ns));
      counts.set(ns, value === undefined ? { keys: 0, expires: 0, expireSum: 0 } : decodeCounts(value, ns));
    }
    const cursors = await ScanCursorStore.load(db);
    // Collection copies a crash cut short: their members go to the sweep.
    const reserved = await keysWithPrefix(db, META_RESERVED_PREFIX);
    if (reserved.length > 0) await db.write(reservationsToGarbage(reserved.map((key) => key.slice(META_RESERVED_PREFIX.length))));
    return new Keyspace(db, databases, layout, counts, cursors, logger);
  }

  private applyLayout(layout: Layout, counts: Map<number, NamespaceCounts>): void {
    this.namespaces = layout.namespaces.slice();
    this.dead = layout.dead.slice();
    this.nextNs = layout.nextNs;
    this.nsPrefixes = this.namespaces.map(namespacePrefix);
    this.dataPrefixes = this.nsPrefixes.map((p) => p + TAG_DATA);
    this.countKeys = this.namespaces.map(countsKey);
    this.counts = this.namespaces.map((ns) => counts.get(ns) ?? { keys: 0, expires: 0, expireSum: 0 });
  }

  private currentLayout(): Layout {
    return { nextNs: this.nextNs, namespaces: this.namespaces.slice(), dead: this.dead.slice() };
  }

  private countsByNamespace(): Map<number, NamespaceCounts> {
    const map = new Map<number, NamespaceCounts>();
    this.namespaces.forEach((ns, i) => map.set(ns, this.counts[i]));
    return map;
  }

  /** Starts the 100 ms background cycle: active expiry and deletion of flushed databases. */
  startActiveExpiry(): void {
    this.cycle.start();
  }

  /** Stops the background cycle; resolves once a cycle in progress has finished. */
  stopActiveExpiry(): Promise<void> {
    return this.cycle.stop();
  }

  /**
   * Runs one background cycle now (tests, DEBUG); `now` defaults to the clock. Also waits for the
   * reclamation of flushed databases the cycle started, which otherwise runs beside it.
   */
  async runBackgroundCycle(now?: number): Promise<void> {
    await this.cycle.runOnce(now);
    if (this.reclaiming !== null) await this.reclaiming;
  }

  /** CONFIG RESETSTAT */
  resetStats(): void {
    const s = this.stats;
    s.expiredKeys = 0;
    s.expiredStalePerc = 0;
    s.expiredTimeCapReachedCount = 0;
    s.expireCycleCpuMilliseconds = 0;
    s.keyspaceHits = 0;
    s.keyspaceMisses = 0;
    s.expiredSubkeys = 0;
    s.expireCycleHashesRead = 0;
  }

  /** Stops background work. The caller closes the Db afterwards. */
  /** Stops the background work. A reclamation under way is cut short by the engine's close (and resumes at the next open). */
  async close(): Promise<void> {
    this.closed = true;
    await this.cycle.stop();
  }

  // ------------------------------------------------------------------ keys and reads

  /** The engine key of a top-level key. */
  dataKey(db: number, key: BinaryKey): BinaryKey {
    return this.dataPrefixes[db] + key;
  }

  /** Engine key prefix of the top-level keys of a database (for range reads). */
  dataPrefix(db: number): BinaryKey {
    return this.dataPrefixes[db];
  }

  /**
   * Lookup for read commands: counts keyspace hits and misses, and a miss sends 'keymiss'
   * (unless `notifyMiss` is false: OBJECT, as Redis' LOOKUP_NONOTIFY).
   */
  lookupRead(db: number, key: BinaryKey, notifyMiss = true): Lookup {
    const value = this.db.get(this.dataPrefixes[db] + key);
    if (value === undefined) {
      this.stats.keyspaceMisses++;
      if (notifyMiss) this.events.notify(NOTIFY_KEY_MISS, 'keymiss', key, db);
      return null;
    }
    if (value instanceof Promise) return value;
    if ((value[0] & 0x80) !== 0 && expireAt(value) <= Date.now()) {
      this.expireNow(db, key, value);
      this.stats.keyspaceMisses++;
      if (notifyMiss) this.events.notify(NOTIFY_KEY_MISS, 'keymiss', key, db);
      return null;
    }
    const reclaim = this.reclaimDueFields(db, key, value);
    if (reclaim !== null) return reclaim;
    this.stats.keyspaceHits++;
    return value;
  }

  /**
   * A hash with fields whose TTL has passed is never handed to a command: their reclamation
   * (which may delete the hash) comes first, and the command runs again after it, so every read
   * sees exact counts and no expired field. Null for every other value (a type check).
   */
  private reclaimDueFields(db: number, key: BinaryKey, value: Buffer): Promise<unknown> | null {
    if (this.fieldExpiry === null) return null;
    const due = fieldExpiryOf(value);
    if (due === NO_EXPIRE) return null;
    const now = Date.now();
    if (due > now) return null;
    return this.fieldExpiry.reclaim(db, key, now, Infinity);
  }

  /** Lookup for write commands (no hit/miss statistics). */
  lookupWrite(db: number, key: BinaryKey): Lookup {
    const value = this.db.get(this.dataPrefixes[db] + key);
    if (value === undefined) return null;
    if (value instanceof Promise) return value;
    if ((value[0] & 0x80) !== 0 && expireAt(value) <= Date.now()) {
      this.expireNow(db, key, value);
      return null;
    }
    return this.reclaimDueFields(db, key, value) ?? value;
  }

  /**
   * Reads several keys; returns a Promise when any of them is not cached (await it, then run the
   * command again), else the values in order (null = absent).
   */
  lookupMany(db: number, keys: readonly BinaryKey[], forRead: boolean): (Buffer | null)[] | Promise<unknown> {
    const out = this.readStaged(this.dataPrefixes[db], keys);
    if (out instanceof Promise) return out;
    const now = Date.now();
    // Hashes with fields due are reclaimed before anything else happens (see reclaimDueFields).
    for (let i = 0; i < keys.length; i++) {
      const value = out[i];
      if (value === null || ((value[0] & 0x80) !== 0 && expireAt(value) <= now)) continue;
      const reclaim = this.reclaimDueFields(db, keys[i], value);
      if (reclaim !== null) return reclaim;
    }
    for (let i = 0; i < keys.length; i++) {
      const value = out[i];
      if (value !== null && (value[0] & 0x80) !== 0 && expireAt(value) <= now) {
        // The same key may appear twice; only the first occurrence deletes it.
        if (keys.indexOf(keys[i]) === i) this.expireNow(db, keys[i], value);
        out[i] = null;
      }
      if (forRead) {
        if (out[i] === null) {
          this.stats.keyspaceMisses++;
          this.events.notify(NOTIFY_KEY_MISS, 'keymiss', keys[i], db);
        } else this.stats.keyspaceHits++;
      }
    }
    return out;
  }

  /**
   * Reads engine keys of collection members (collection-encoding.ts) as lookupMany reads keys:
   * the values in order (null = absent), or a Promise when any needed the disk (await it, then run
   * the command again; the values read are kept for that run).
   */
  readMembers(engineKeys: readonly BinaryKey[]): (Buffer | null)[] | Promise<unknown> {
    return this.readStaged('', engineKeys);
  }

  /** `prefix + key` for each key, from the values a previous run staged, the memtable or a cached block. */
  private readStaged(prefix: BinaryKey, keys: readonly BinaryKey[]): (Buffer | null)[] | Promise<unknown> {
    const out: (Buffer | null)[] = new Array<Buffer | null>(keys.length);
    const staged = this.lookupStage !== null && this.lookupStageSeq === this.db.lastSequence ? this.lookupStage : null;
    let pending: Promise<Buffer | undefined>[] | null = null;
    let pendingAt: number[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const key = prefix + keys[i];
      const known = staged === null ? undefined : staged.get(key);
      if (known !== undefined) {
        out[i] = known;
        continue;
      }
      const value = this.db.get(key);
      if (value instanceof Promise) {
        (pending ??= []).push(value);
        (pendingAt ??= []).push(i);
      } else {
        out[i] = value === undefined ? null : value;
      }
    }
    if (pending !== null) return this.stageLookup(pending, pendingAt as number[], out, keys, prefix);
    return out;
  }

  /**
   * Waits for the reads of a lookupMany that went to the disk, then keeps every value of that call
   * for the command's run again. Re-reading them all instead made a giant MGET whose blocks do not
   * fit in the block cache evict, on each pass, what the next pass needed: it never finished and
   * kept the CPU busy after its client left. The kept values are current while no write has happened
   * since: the command's keys stay locked by the dispatcher until it finishes, and any write anywhere
   * moves the sequence number and drops them.
   */
  private stageLookup(pending: Promise<Buffer | undefined>[], pendingAt: number[], out: (Buffer | null)[], keys: readonly BinaryKey[], prefix: BinaryKey): Promise<void> {
    return Promise.all(pending).then((values) => {
      for (let k = 0; k < values.length; k++) out[pendingAt[k]] = values[k] ?? null;
      const seq = this.db.lastSequence;
      if (this.lookupStage === null || this.lookupStageSeq !== seq) this.lookupStage = new Map();
      this.lookupStageSeq = seq;
      for (let i = 0; i < keys.length; i++) this.lookupStage.set(prefix + keys[i], out[i]);
      if (!this.lookupStageClearing) {
        this.lookupStageClearing = true;
        setImmediate(this.clearLookupStageBound); // after the command's run again, which follows in microtasks
      }
    });
  }

  /** Deletes a key whose time has passed (lazy expiry). The write is not awaited: no reply depends on its durability. */
  private expireNow(db: number, key: BinaryKey, value: Buffer): void {
    this.stats.expiredKeys++;
    this.remove(db, key, value).catch(this.onBackgroundFailure);
    this.events.notify(NOTIFY_EXPIRED, 'expired', key, db);
    if (this.expiryListener !== null) this.expiryListener(db, key);
  }

  // ------------------------------------------------------------------ writes

  /**
   * Replaces `previous` (null: the key is new) with `value` for (db, key), with the expiry index
   * and counts, and flags watchers. `previous` must come from a lookup in the same synchronous step.
   */
  store(db: number, key: BinaryKey, value: Buffer, previous: Buffer | null): Promise<SequenceNumber> {
    const ops: BatchOp[] = [{ kind: EntryKind.Put, key: this.dataPrefixes[db] + key, value }];
    if (pushGarbageRecords(ops, this.nsPrefixes[db], key, previous, value)) this.sweeper.noteGarbage();
    this.pushFieldExpiryEntries(ops, db, key, previous, value);
    const counts = this.counts[db];
    const oldExpire = previous === null ? NO_EXPIRE : expireAt(previous);
    const newExpire = expireAt(value);
    let keys = counts.keys;
    let expires = counts.expires;
    let expireSum = counts.expireSum;
    if (previous === null) keys++;
    if (oldExpire !== newExpire) {
      const prefix = this.nsPrefixes[db] + TAG_EXPIRY;
      if (oldExpire !== NO_EXPIRE) {
        ops.push({ kind: EntryKind.Delete, key: prefix + encodeTime(oldExpire) + key });
        expires--;
        expireSum -= oldExpire;
      }
      if (newExpire !== NO_EXPIRE) {
        ops.push({ kind: EntryKind.Put, key: prefix + encodeTime(newExpire) + key, value: EMPTY });
        expires++;
        expireSum += newExpire;
      }
    }
    if (expires === 0) expireSum = 0;
    // Plain overwrites (the common SET) change nothing here and write no counts record.
    const countsChanged = keys !== counts.keys || expires !== counts.expires || expireSum !== counts.expireSum;
    if (countsChanged) {
      ops.push({ kind: EntryKind.Put, key: this.countKeys[db], value: encodeCounts({ keys, expires, expireSum }) });
    }
    const durable = this.db.write(ops);
    if (countsChanged) {
      counts.keys = keys;
      counts.expires = expires;
      counts.expireSum = expireSum;
    }
    this.signalModified(db, key);
    if (this.readyListener !== null) this.readyListener.keyWritten(db, key);
    if (previous === null) this.events.notify(NOTIFY_NEW, 'new', key, db);
    return durable;
  }

  /** Tells WATCH and CLIENT TRACKING that (db, key) changed (every write does; also a value stored already expired, which is not written). */
  signalModified(db: number, key: BinaryKey): void {
    if (this.watches.active) this.watches.touch(db, key);
    if (this.tracking !== null) this.tracking.keyModified(key);
  }

  /** Deletes (db, key) whose current value is `previous`. */
  remove(db: number, key: BinaryKey, previous: Buffer): Promise<SequenceNumber> {
    const ops: BatchOp[] = [{ kind: EntryKind.Delete, key: this.dataPrefixes[db] + key }];
    if (pushGarbageRecords(ops, this.nsPrefixes[db], key, previous, null)) this.sweeper.noteGarbage();
    this.pushFieldExpiryEntries(ops, db, key, previous, null);
    const counts = this.counts[db];
    const oldExpire = expireAt(previous);
    let expires = counts.expires;
    let expireSum = counts.expireSum;
    if (oldExpire !== NO_EXPIRE) {
      ops.push({ kind: EntryKind.Delete, key: this.nsPrefixes[db] + TAG_EXPIRY + encodeTime(oldExpire) + key });
      expires--;
      expireSum = expires === 0 ? 0 : expireSum - oldExpire;
    }
    const keys = counts.keys - 1;
    ops.push({ kind: EntryKind.Put, key: this.countKeys[db], value: encodeCounts({ keys, expires, expireSum }) });
    const durable = this.db.write(ops);
    counts.keys = keys;
    counts.expires = expires;
    counts.expireSum = expireSum;
    this.signalModified(db, key);
    // A deleted stream wakes its blocked XREADGROUPs with an error (Redis' signalDeletedKeyAsReady); other waiters look and wait on.
    if (this.readyListener !== null) this.readyListener.keyWritten(db, key);
    return durable;
  }

  /** A batch of changes to several keys (possibly in several databases), written atomically. */
  batch(): KeyspaceBatch {
    return new KeyspaceBatch(this);
  }

  /** @internal KeyspaceBatch.commit: writes staged ops plus the counts records of the touched databases. */
  commitBatch(ops: BatchOp[], deltas: Map<number, NamespaceCounts>, touched: Array<readonly [number, BinaryKey]>): Promise<SequenceNumber> {
    const next: Array<readonly [NamespaceCounts, NamespaceCounts]> = [];
    for (const [db, delta] of deltas) {
      if (delta.keys === 0 && delta.expires === 0 && delta.expireSum === 0) continue;
      const counts = this.counts[db];
      const expires = counts.expires + delta.expires;
      const updated = { keys: counts.keys + delta.keys, expires, expireSum: expires === 0 ? 0 : counts.expireSum + delta.expireSum };
      ops.push({ kind: EntryKind.Put, key: this.countKeys[db], value: encodeCounts(updated) });
      next.push([counts, updated]);
    }
    const durable = this.db.write(ops);
    for (const [counts, updated] of next) {
      counts.keys = updated.keys;
      counts.expires = updated.expires;
      counts.expireSum = updated.expireSum;
    }
    for (const [db, key] of touched) this.signalModified(db, key);
    const ready = this.readyListener;
    if (ready !== null) for (const [db, key] of touched) ready.keyWritten(db, key);
    return durable;
  }

  /** @internal KeyspaceBatch: the ops replacing `previous` by `value` (null = delete). */
  stageOps(ops: BatchOp[], db: number, key: BinaryKey, value: Buffer | null, previous: Buffer | null, delta: NamespaceCounts): void {
    const dataKey = this.dataPrefixes[db] + key;
    if (value !== null) ops.push({ kind: EntryKind.Put, key: dataKey, value });
    else if (previous !== null) ops.push({ kind: EntryKind.Delete, key: dataKey });
    else return;
    if (pushGarbageRecords(ops, this.nsPrefixes[db], key, previous, value)) this.sweeper.noteGarbage();
    this.pushFieldExpiryEntries(ops, db, key, previous, value);
    delta.keys += (value !== null ? 1 : 0) - (previous !== null ? 1 : 0);
    const oldExpire = previous === null ? NO_EXPIRE : expireAt(previous);
    const newExpire = value === null ? NO_EXPIRE : expireAt(value);
    if (oldExpire === newExpire) return;
    const prefix = this.nsPrefixes[db] + TAG_EXPIRY;
    if (oldExpire !== NO_EXPIRE) {
      ops.push({ kind: EntryKind.Delete, key: prefix + encodeTime(oldExpire) + key });
      delta.expires--;
      delta.expireSum -= oldExpire;
    }
    if (newExpire !== NO_EXPIRE) {
      ops.push({ kind: EntryKind.Put, key: prefix + encodeTime(newExpire) + key, value: EMPTY });
      delta.expires++;
      delta.expireSum += newExpire;
    }
  }

  // ------------------------------------------------------------------ counts and INFO

  /** Exact number of keys in a database (keys past their time but not yet deleted included, as Redis). */
  dbsize(db: number): number {
    return this.counts[db].keys;
  }

  /** Number of keys with an expire time. */
  expiresCount(db: number): number {
    return this.counts[db].expires;
  }

  /** Average remaining TTL in ms of the keys with one (0 when none), as INFO's avg_ttl. */
  averageTtl(db: number, now: number = Date.now()): number {
    const c = this.counts[db];
    if (c.expires === 0) return 0;
    return Math.max(0, Math.round(c.expireSum / c.expires - now));
  }

  /** INFO keyspace body: one `dbN:keys=..,expires=..,avg_ttl=..` line (CRLF-terminated) per non-empty database. */
  keyspaceInfo(): string {
    let out = '';
    const now = Date.now();
    for (let db = 0; db < this.databases; db++) {
      const c = this.counts[db];
      if (c.keys === 0) continue;
      out += `db${db}:keys=${c.keys},expires=${c.expires},avg_ttl=${this.averageTtl(db, now)}\r\n`;
    }
    return out;
  }

  // ------------------------------------------------------------------ databases

  /** FLUSHDB: the database gets a fresh namespace in one small write; the old one is reclaimed in the background. */
  flushDb(db: number): Promise<SequenceNumber> {
    return this.flushDatabases([db]);
  }

  /** FLUSHALL */
  flushAll(): Promise<SequenceNumber> {
    const all: number[] = [];
    for (let db = 0; db < this.namespaces.length; db++) all.push(db);
    return this.flushDatabases(all);
  }

  private flushDatabases(dbs: readonly number[]): Promise<SequenceNumber> {
    // Redis tells tracking clients on every flush, even of an empty database.
    if (this.tracking !== null) this.tracking.flushed();
    const layout = this.currentLayout();
    const counts = this.countsByNamespace();
    let changed = false;
    for (const db of dbs) {
      // An empty namespace holds no data and no index entries (orphaned index entries are
      // still counted as keys until the expiry cycle reaches them), so it can stay.
      if (this.counts[db].keys === 0) continue;
      this.touchWatchedIn(db, -1);
      layout.dead.push(layout.namespaces[db]);
      const ns = layout.nextNs++;
      layout.namespaces[db] = ns;
      counts.set(ns, { keys: 0, expires: 0, expireSum: 0 });
      changed = true;
    }
    if (!changed) return Promise.resolve(this.db.lastSequence);
    const durable = this.db.write([{ kind: EntryKind.Put, key: META_LAYOUT_KEY, value: encodeLayout(layout) }]);
    this.applyLayout(layout, counts);
    this.cycle.wake();
    return durable;
  }

  /** SWAPDB: exchanges the namespaces of two databases. */
  swapDb(a: number, b: number): Promise<SequenceNumber> {
    if (a === b) return Promise.resolve(this.db.lastSequence);
    this.touchWatchedIn(a, b);
    this.touchWatchedIn(b, a);
    const layout = this.currentLayout();
    const counts = this.countsByNamespace();
    const ns = layout.namespaces[a];
    layout.namespaces[a] = layout.namespaces[b];
    layout.namespaces[b] = ns;
    const durable = this.db.write([{ kind: EntryKind.Put, key: META_LAYOUT_KEY, value: encodeLayout(layout) }]);
    this.applyLayout(layout, counts);
    if (this.readyListener !== null) {
      this.readyListener.databaseReplaced(a);
      this.readyListener.databaseReplaced(b);
    }
    return durable;
  }

  /**
   * Flags watchers of keys in `db` that exist there or in `other` (-1: none), as Redis'
   * touchAllWatchedKeysInDb does before a flush or swap. A key whose block is not cached counts
   * as existing (a spurious EXEC failure is allowed, a missed one is not).
   */
  private touchWatchedIn(db: number, other: number): void {
    if (!this.watches.active) return;
    for (const key of this.watches.watchedKeys(db)) {
      if (this.existsForWatch(db, key) || (other >= 0 && this.existsForWatch(other, key))) this.watches.touch(db, key);
    }
  }

  private existsForWatch(db: number, key: BinaryKey): boolean {
    return this.db.get(this.dataPrefixes[db] + key) !== undefined;
  }

  // ------------------------------------------------------------------ WATCH

  /**
   * WATCH. A key already past its time is deleted first (as Redis treats a key that was expired
   * at WATCH time as absent, its later deletion must not fail EXEC); a live key's expire time is
   * remembered so that touchExpiredWatches can flag it once that time passes.
   */
  watch(db: number, key: BinaryKey, client: WatchingClient & { watchedKeys?: number }): void {
    const value = this.lookupWrite(db, key);
    const expire = value instanceof Promise || value === null ? NO_EXPIRE : expireAt(value);
    const before = this.watches.countFor(client);
    this.watches.watch(db, key, client, expire);
    if (client.watchedKeys !== undefined) client.watchedKeys += this.watches.countFor(client) - before;
  }

  /**
   * Flags `client` when a key it watches has reached its expire time since WATCH, even if nothing
   * has deleted it yet (Redis' isWatchedKeyExpired). EXEC calls it before checking watchDirty.
   */
  touchExpiredWatches(client: WatchingClient): void {
    if (this.watches.active) this.watches.touchExpired(client, Date.now());
  }

  unwatchAll(client: WatchingClient & { watchedKeys?: number }): void {
    this.watches.unwatchAll(client);
    if (client.watchedKeys !== undefined) client.watchedKeys = 0;
  }

  // ------------------------------------------------------------------ background cycle hooks

  /** @internal Logical database currently mapped to `ns`, or -1 (flushed). */
  databaseOf(ns: number): number {
    return this.namespaces.indexOf(ns);
  }

  /**
   * The hash-field expiry index (`ns 'f' minFieldExpire userKey`, docs/format.md "Hash field
   * expiration") follows the metadata: when a write changes a hash's minFieldExpire (or creates or
   * deletes a hash with field TTLs) it moves the entry in the same batch.
   */
  private pushFieldExpiryEntries(ops: BatchOp[], db: number, key: BinaryKey, previous: Buffer | null, value: Buffer | null): void {
    const before = previous === null ? NO_EXPIRE : fieldExpiryOf(previous);
    const after = value === null ? NO_EXPIRE : fieldExpiryOf(value);
    if (before === after) return;
    const prefix = this.nsPrefixes[db] + TAG_FIELD_EXPIRY;
    if (before !== NO_EXPIRE) ops.push({ kind: EntryKind.Delete, key: prefix + encodeTime(before) + key });
    if (after !== NO_EXPIRE) ops.push({ kind: EntryKind.Put, key: prefix + encodeTime(after) + key, value: EMPTY });
  }

  /** The `f` entry of a hash whose minFieldExpire is `min` (FieldReclaimer). */
  fieldExpiryIndexKey(db: number, min: number, key: BinaryKey): BinaryKey {
    return this.nsPrefixes[db] + TAG_FIELD_EXPIRY + encodeTime(min) + key;
  }

  /** Deletes an `f` entry that names no hash with that minFieldExpire (FieldReclaimer). */
  deleteFieldExpiryEntry(indexKey: BinaryKey): Promise<SequenceNumber> {
    return this.db.write([{ kind: EntryKind.Delete, key: indexKey }]);
  }

  /** @internal The active cycle: reclaims the due fields of the hash an `f` entry names (see FieldReclaimer). */
  reclaimFieldsIndexed(ns: number, indexKey: BinaryKey, key: BinaryKey, now: number, maxFields: number): Promise<boolean> {
    const db = this.namespaces.indexOf(ns);
    if (db < 0 || this.fieldExpiry === null) return Promise.resolve(true);
    this.stats.expireCycleHashesRead++;
    return this.fieldExpiry.reclaim(db, key, now, maxFields, indexKey);
  }

  /** @internal */
  namespaceOf(db: number): number {
    return this.namespaces[db];
  }

  /** @internal Namespaces of flushed databases still to delete. */
  deadNamespaces(): readonly number[] {
    return this.dead;
  }

  /**
   * @internal Handles expiry index entry (ns, expire, key) that is due. Synchronous decide-and-write
   * unless the value must be read from disk first (then it resolves after doing it).
   * Three cases, given that every write replaces index entries in the same batch as the value:
   * - the value has this expire time: it expired; delete key and index entry;
   * - the value is gone: compaction's filter dropped it (the only deletion that bypasses the
   *   keyspace); the key is still counted, so uncount it;
   * - the value has another expire time or none: compaction dropped the value with this time and
   *   the key was created again since (counted a second time then); uncount once.
   */
  expireIndexed(ns: number, indexKey: BinaryKey, key: BinaryKey, expire: number, now: number): void | Promise<void> {
    const db = this.namespaces.indexOf(ns);
    if (db < 0) return;
    // The caller's iterator reads a snapshot: a command may have removed the entry since.
    const entry = this.db.get(indexKey);
    if (entry instanceof Promise) return entry.then(() => this.expireIndexed(ns, indexKey, key, expire, now));
    if (entry === undefined) return;
    const value = this.db.get(this.dataPrefixes[db] + key);
    if (value instanceof Promise) {
      return value.then(() => this.expireIndexed(ns, indexKey, key, expire, now));
    }
    if (value !== undefined && expireAt(value) === expire) {
      if (expire > now) return;
      this.stats.expiredKeys++;
      this.remove(db, key, value).catch(this.onBackgroundFailure);
      this.events.notify(NOTIFY_EXPIRED, 'expired', key, db);
      if (this.expiryListener !== null) this.expiryListener(db, key);
      return;
    }
    this.signalModified(db, key);
    const counts = this.counts[db];
    const keys = counts.keys - 1;
    const expires = counts.expires - 1;
    const expireSum = expires === 0 ? 0 : counts.expireSum - expire;
    if (value === undefined) this.stats.expiredKeys++;
    this.db
      .write([
        { kind: EntryKind.Delete, key: indexKey },
        { kind: EntryKind.Put, key: this.countKeys[db], value: encodeCounts({ keys, expires, expireSum }) },
      ])
      .catch(this.onBackgroundFailure);
    counts.keys = keys;
    counts.expires = expires;
    counts.expireSum = expireSum;
    // Compaction dropped the value at its time: to a subscriber it expired, as it would have in Redis.
    if (value === undefined) {
      this.events.notify(NOTIFY_EXPIRED, 'expired', key, db);
      if (this.expiryListener !== null) this.expiryListener(db, key);
    }
  }

  // ------------------------------------------------------------------ reclaiming flushed databases

  /**
   * Hands the flushed (dead) namespaces to the engine, which drops their keys wholesale
   * (Db.dropRanges: tables wholly inside go in one edit, the memtable and the tables around them
   * are rewritten without them), then forgets them in the layout record. Until then they stay
   * listed there, so a reclamation cut short by a crash or a close starts again at the next open.
   * Resolves once no dead namespace is left; one reclamation runs at a time, and a flush during
   * it is reclaimed by the same one.
   */
  reclaimDeadNamespaces(): Promise<void> {
    if (this.reclaiming === null) {
      this.reclaiming = this.reclaimAll().finally(() => {
        this.reclaiming = null;
      });
    }
    return this.reclaiming;
  }

  private async reclaimAll(): Promise<void> {
    while (this.dead.length > 0 && !this.closed) {
      const namespaces = this.dead.slice();
      await this.db.dropRanges(namespaces.map(namespaceRange));
      await this.forgetDeadNamespaces(namespaces);
    }
  }

  /** The background cycle's way in: starts a reclamation when one is due; failures are logged and retried later. */
  reclaimInBackground(): void {
    if (this.dead.length === 0 || this.reclaiming !== null || this.closed || Date.now() < this.reclaimRetryAt) return;
    this.reclaimDeadNamespaces().catch((err: unknown) => {
      if (this.closed) return;
      this.reclaimRetryAt = Date.now() + RECLAIM_RETRY_MS;
      this.onBackgroundFailure(err);
    });
  }

  /** The engine holds nothing of these namespaces any more: drop them from the layout, and their counts. */
  private forgetDeadNamespaces(namespaces: readonly number[]): Promise<SequenceNumber> {
    const gone = new Set(namespaces);
    const layout = this.currentLayout();
    layout.dead = layout.dead.filter((ns) => !gone.has(ns));
    const ops: BatchOp[] = [{ kind: EntryKind.Put, key: META_LAYOUT_KEY, value: encodeLayout(layout) }];
    for (const ns of namespaces) ops.push({ kind: EntryKind.Delete, key: countsKey(ns) });
    const durable = this.db.write(ops);
    this.dead = layout.dead;
    return durable;
  }

  /** A collection copy will not be used (copyCollection): its members become garbage for the sweep. */
  releaseReservations(prefixes: readonly BinaryKey[]): Promise<SequenceNumber> {
    this.sweeper.noteGarbage();
    return this.db.write(reservationsToGarbage(prefixes));
  }

  /** @internal */
  backgroundFailure(err: unknown): void {
    this.onBackgroundFailure(err);
  }
}

/**
 * Changes to several keys written as one atomic batch (MSET, RENAME, MOVE, DEL of many keys...).
 * Stage with put/delete, then commit() in the same synchronous step as the lookups. A key staged
 * twice (MSET k 1 k 2) is handled: the second change replaces the first, not the looked-up value.
 */
export class KeyspaceBatch {
  private readonly ops: BatchOp[] = [];
  private readonly deltas = new Map<number, NamespaceCounts>();
  private readonly touched: Array<readonly [number, BinaryKey]> = [];
  /** Engine key -> value staged so far (null: deleted), for keys changed more than once. */
  private readonly staged = new Map<BinaryKey, Buffer | null>();

  constructor(private readonly keyspace: Keyspace) {}

  /** Sets (db, key) to `value`; `previous` is its current value (null when absent). */
  put(db: number, key: BinaryKey, value: Buffer, previous: Buffer | null): this {
    return this.stage(db, key, value, previous);
  }

  /** Deletes (db, key) whose current value is `previous`. */
  delete(db: number, key: BinaryKey, previous: Buffer | null): this {
    return this.stage(db, key, null, previous);
  }

  /**
   * put() without flagging WATCHers: a change in how a value is kept that Redis makes without
   * signalling the key (SORT converting a sorted set to a skiplist).
   */
  putUnwatched(db: number, key: BinaryKey, value: Buffer, previous: Buffer | null): this {
    return this.stage(db, key, value, previous, false);
  }

  /**
   * Writes an engine key of a collection's members (collection-encoding.ts) in this batch. The
   * caller stages the owner's metadata in the same batch whenever it creates the version (the
   * compaction filter relies on a member never reaching a table without it) and calls touch().
   */
  putMember(engineKey: BinaryKey, value: Buffer): this {
    this.ops.push({ kind: EntryKind.Put, key: engineKey, value });
    return this;
  }

  deleteMember(engineKey: BinaryKey): this {
    this.ops.push({ kind: EntryKind.Delete, key: engineKey });
    return this;
  }

  /** Flags WATCHers of (db, key) at commit: a member changed while the metadata may not have. */
  touch(db: number, key: BinaryKey): this {
    this.touched.push([db, key]);
    return this;
  }

  get empty(): boolean {
    return this.ops.length === 0;
  }

  commit(): Promise<SequenceNumber> {
    return this.keyspace.commitBatch(this.ops, this.deltas, this.touched);
  }

  private stage(db: number, key: BinaryKey, value: Buffer | null, previous: Buffer | null, watched = true): this {
    const id = this.keyspace.dataKey(db, key);
    const earlier = this.staged.get(id);
    const before = earlier !== undefined || this.staged.has(id) ? (earlier as Buffer | null) : previous;
    this.staged.set(id, value);
    let delta = this.deltas.get(db);
    if (delta === undefined) {
      delta = { keys: 0, expires: 0, expireSum: 0 };
      this.deltas.set(db, delta);
    }
    this.keyspace.stageOps(this.ops, db, key, value, before, delta);
    if (watched) this.touched.push([db, key]);
    if (value !== null && before === null) this.keyspace.events.notify(NOTIFY_NEW, 'new', key, db);
    return this;
  }
}
