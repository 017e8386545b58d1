/**
 * The keyspace's background cycle, every 100 ms (Redis' hz 10):
 *
 * 1. Active expiry. Each database's expiry index is ordered by expire time, so the due keys are
 *    exactly the index entries up to now: the cycle walks them from a per-namespace watermark
 *    (the time up to which everything was handled; it keeps the walk from re-reading the
 *    tombstones it left behind) and deletes each key through the keyspace. Unlike Redis'
 *    sampling, nothing due is left behind unless the cycle hits its time budget, and then the
 *    next cycle continues where it stopped.
 * 1b. Active hash-field expiry. The `f` index lists the hashes with field TTLs by their earliest
 *    one (docs/format.md, "Hash field expiration"), so the due hashes are its entries up to now,
 *    walked from their own watermark like the expiry index; each is handed to the keyspace's
 *    field reclaimer (at most FIELDS_PER_HASH fields per hash per step: a hash capped there keeps
 *    its watermark, and the next tick continues it). Hashes without field TTLs have no entry and
 *    are never read.
 * 2. Sweeping dead collection versions (dead-versions.ts) with what is left of the budget.
 * 3. Reclaiming flushed databases. FLUSHDB/FLUSHALL only remap a database to a fresh namespace;
 *    the cycle hands the old namespaces to the keyspace's reclamation (Keyspace.reclaimInBackground:
 *    the engine drops their keys wholesale), which runs beside the cycle, not inside it.
 *
 * Budget: at most TIME_BUDGET_MS of each tick, as Redis' slow cycle limits itself to 25% CPU.
 */
import type { BinaryKey } from '../engine/types.js';
import type { Db } from '../engine/db.js';
import { TAG_EXPIRY, TAG_FIELD_EXPIRY, decodeTime, encodeTime, namespacePrefix } from './encoding.js';

/**
 * What the cycle needs of the keyspace (Keyspace has it all). Declared here rather than importing
 * Keyspace, which owns the cycle: the two files would import each other.
 */
export interface ExpiryHost {
  readonly db: Db;
  readonly databases: number;
  readonly stats: {
    expiredKeys: number;
    expiredStalePerc: number;
    expiredTimeCapReachedCount: number;
    expireCycleCpuMilliseconds: number;
  };
  /** Deletes members of dead collection versions until `deadline` (performance.now()). */
  readonly sweeper: { sweep(deadline: number): Promise<unknown> };
  /** Keys with an expire time in a database. */
  expiresCount(db: number): number;
  namespaceOf(db: number): number;
  /** The database a namespace serves, -1 once flushed. */
  databaseOf(ns: number): number;
  /** Deletes a key its expiry index entry says is due (if it still is); a promise when it must read first. */
  expireIndexed(ns: number, indexKey: BinaryKey, key: BinaryKey, expire: number, now: number): void | Promise<void>;
  /** Reclaims the due fields of the hash an `f` entry names; resolves to false when it stopped at `maxFields`. */
  reclaimFieldsIndexed(ns: number, indexKey: BinaryKey, key: BinaryKey, now: number, maxFields: number): Promise<boolean>;
  /** Starts deleting flushed databases' namespaces, beside the cycle. */
  reclaimInBackground(): void;
  /** Logs a cycle that failed; the next tick tries again. */
  backgroundFailure(err: unknown): void;
}

const TICK_MS = 100;
const TIME_BUDGET_MS = 25;
/** Watermarks assume the clock never goes back; forgetting them now and then bounds the damage if it does. */
const WATERMARK_RESET_TICKS = 600;
const TIME_KEY_BYTES = 8;
/** Fields one hash may have reclaimed per step of the cycle. */
const FIELDS_PER_HASH = 1000;

export class BackgroundCycle {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** The database to start with, so a capped cycle resumes where it stopped. */
  private nextDb = 0;
  private ticks = 0;
  /**
   * ns -> the index key the next walk starts at: every entry before it has been handled. A key,
   * not a time: when thousands of keys share one expire time (EXPIREAT of a batch), a time would
   * make every tick walk again past the deletions of all the entries handled before at that time,
   * which an LSM iterator steps over one by one (quadratic: 100 000 hashes due at once took
   * minutes, each step slower than the last).
   */
  private readonly watermarks = new Map<number, BinaryKey>();
  /** ns -> the same for the `f` index of hashes with field TTLs. */
  private readonly fieldWatermarks = new Map<number, BinaryKey>();

  constructor(private readonly keyspace: ExpiryHost) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(TICK_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running !== null) await this.running;
  }

  /** Runs a cycle soon (a database was flushed). */
  wake(): void {
    if (this.stopped || this.running !== null || this.timer === null) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(this.onTimer, delay);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.running = this.runOnce()
      .catch((err: unknown) => this.keyspace.backgroundFailure(err))
      .finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(TICK_MS);
      });
  };

  /** One cycle (exposed for tests). */
  async runOnce(now: number = Date.now()): Promise<void> {
    const ks = this.keyspace;
    const started = performance.now();
    const deadline = started + TIME_BUDGET_MS;
    if (++this.ticks % WATERMARK_RESET_TICKS === 0) {
      this.watermarks.clear();
      this.fieldWatermarks.clear();
    }
    let capped = false;
    let volatile = 0;
    const expiredBefore = ks.stats.expiredKeys;
    for (let i = 0; i < ks.databases; i++) {
      const db = (this.nextDb + i) % ks.databases;
      if (ks.expiresCount(db) === 0) continue;
      volatile += ks.expiresCount(db);
      if (!(await this.expireDatabase(db, now, deadline))) {
        capped = true;
        this.nextDb = db;
        break;
      }
    }
    if (capped) {
      ks.stats.expiredTimeCapReachedCount++;
      const expired = ks.stats.expiredKeys - expiredBefore;
      ks.stats.expiredStalePerc = volatile === 0 ? 0 : Math.min(100, (100 * expired) / volatile);
    } else {
      this.nextDb = 0;
      ks.stats.expiredStalePerc = 0;
    }
    if (!capped) {
      for (let db = 0; db < ks.databases && performance.now() < deadline; db++) {
        if (!(await this.expireFields(db, now, deadline))) {
          capped = true;
          break;
        }
      }
    }
    ks.reclaimInBackground();
    // What is left of the budget goes to deleting members of dead collections.
    if (!capped && performance.now() < deadline) await ks.sweeper.sweep(deadline);
    ks.stats.expireCycleCpuMilliseconds += Math.round(performance.now() - started);
  }

  /**
   * Reclaims the due fields of the hashes the `f` index of one database lists as due; false when
   * the time budget ran out first.
   */
  private async expireFields(db: number, now: number, deadline: number): Promise<boolean> {
    const ks = this.keyspace;
    const ns = ks.namespaceOf(db);
    const prefix = namespacePrefix(ns) + TAG_FIELD_EXPIRY;
    const end = prefix + encodeTime(now + 1);
    const start = this.fieldWatermarks.get(ns) ?? prefix;
    if (start >= end) return true;
    const it = ks.db.iterator({ start, end });
    // A hash capped at FIELDS_PER_HASH holds the watermark where it is until it is done.
    let held = false;
    try {
      for (;;) {
        if (performance.now() > deadline) return false;
        if (ks.databaseOf(ns) < 0) return true;
        const entry = await it.next();
        if (entry === undefined) {
          if (!held) this.fieldWatermarks.set(ns, end);
          return true;
        }
        const key = entry.key.slice(prefix.length + TIME_KEY_BYTES);
        const delay = ks.db.writeDelay();
        if (delay !== undefined) await delay;
        const done = await ks.reclaimFieldsIndexed(ns, entry.key, key, now, FIELDS_PER_HASH);
        if (!done) held = true;
        // Just past this entry: the smallest key after it.
        else if (!held) this.fieldWatermarks.set(ns, entry.key + '\x00');
      }
    } finally {
      it.close();
    }
  }

  /** Handles the due index entries of one database; false when the time budget ran out first. */
  private async expireDatabase(db: number, now: number, deadline: number): Promise<boolean> {
    const ks = this.keyspace;
    const ns = ks.namespaceOf(db);
    const prefix = namespacePrefix(ns) + TAG_EXPIRY;
    const end = prefix + encodeTime(now + 1);
    const start = this.watermarks.get(ns) ?? prefix;
    if (start >= end) return true;
    const it = ks.db.iterator({ start, end });
    let examined = 0;
    try {
      for (;;) {
        if ((examined & 15) === 15 && performance.now() > deadline) return false;
        if (ks.databaseOf(ns) < 0) return true; // flushed meanwhile; the namespace is deleted wholesale
        const entry = await it.next();
        if (entry === undefined) {
          this.watermarks.set(ns, end);
          return true;
        }
        const expire = decodeTime(entry.key, prefix.length);
        const key = entry.key.slice(prefix.length + TIME_KEY_BYTES);
        const delay = ks.db.writeDelay();
        if (delay !== undefined) await delay;
        const pending = ks.expireIndexed(ns, entry.key, key, expire, now);
        if (pending !== undefined) await pending;
        this.watermarks.set(ns, entry.key + '\x00');
        examined++;
      }
    } finally {
      it.close();
    }
  }
}
