/**
 * StrataKV's engine driven through its public API, the way the server drives it:
 * writes are `db.write(batch)` after honouring `writeDelay()` backpressure; reads take the
 * synchronous fast path and await only the lookups that return a promise (a block-cache miss).
 */
import { Db } from '../../src/engine/db.js';
import { EntryKind, type BatchOp } from '../../src/engine/types.js';
import { READ_BATCH, WRITE_BATCH, type EngineConfig, type Mode, type Target } from './target.js';
import type { KeySet, Workload } from './workload.js';
import { progress } from './report.js';

const MIB = 1024 * 1024;

/** A failing background compaction would silently skew every number after it: always show warnings. */
function logWarnings(level: string, message: string): void {
  if (level === 'warning') progress(`stratakv ${level}: ${message}`);
}

function logAll(level: string, message: string): void {
  progress(`stratakv ${level}: ${message}`);
}

export class StrataKvTarget implements Target {
  readonly impl = 'stratakv';
  readonly description: string;
  private db: Db | null = null;

  constructor(
    private readonly workload: Workload,
    private readonly config: EngineConfig,
  ) {
    this.description = `fsync everysec, memtableSize ${config.memtableBytes / MIB} MiB, blockCacheSize ${config.cacheBytes / MIB} MiB`;
  }

  private live(): Db {
    if (this.db === null) throw new Error('stratakv: database not open');
    return this.db;
  }

  async open(dir: string): Promise<void> {
    this.db = await Db.open({
      dir,
      fsync: 'everysec',
      memtableSize: this.config.memtableBytes,
      blockCacheSize: this.config.cacheBytes,
      logger: this.config.verbose === true ? logAll : logWarnings,
    });
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db !== null) await db.close();
  }

  async write(order: Int32Array, generation: number, mode: Mode): Promise<void> {
    const db = this.live();
    const { present, values } = this.workload;
    const perCall = mode === 'single' ? 1 : WRITE_BATCH;
    for (let start = 0; start < order.length; start += perCall) {
      const end = Math.min(start + perCall, order.length);
      const ops: BatchOp[] = new Array<BatchOp>(end - start);
      for (let j = start; j < end; j++) {
        const index = order[j];
        ops[j - start] = { kind: EntryKind.Put, key: present.key(index), value: values.valueFor(index, generation) };
      }
      const delay = db.writeDelay();
      if (delay !== undefined) await delay;
      await db.write(ops);
    }
  }

  async read(keys: KeySet, order: Int32Array, mode: Mode): Promise<number> {
    const db = this.live();
    let found = 0;
    if (mode === 'single') {
      for (let j = 0; j < order.length; j++) {
        let value = db.get(keys.key(order[j]));
        if (value instanceof Promise) value = await value;
        if (value !== undefined) found++;
      }
      return found;
    }
    const pending: Promise<Buffer | undefined>[] = [];
    for (let start = 0; start < order.length; start += READ_BATCH) {
      const end = Math.min(start + READ_BATCH, order.length);
      for (let j = start; j < end; j++) {
        const value = db.get(keys.key(order[j]));
        if (value instanceof Promise) pending.push(value);
        else if (value !== undefined) found++;
      }
      if (pending.length > 0) {
        const late = await Promise.all(pending);
        for (let i = 0; i < late.length; i++) if (late[i] !== undefined) found++;
        pending.length = 0;
      }
    }
    return found;
  }

  /** The engine has one scan API (an awaited next() per entry), so both modes run the same loop. */
  async scan(): Promise<number> {
    const it = this.live().iterator({});
    let count = 0;
    try {
      while ((await it.next()) !== undefined) count++;
    } finally {
      it.close();
    }
    return count;
  }

  async seek(keys: KeySet, order: Int32Array, mode: Mode): Promise<number> {
    const db = this.live();
    let exact = 0;
    if (mode === 'single') {
      for (let j = 0; j < order.length; j++) {
        const key = keys.key(order[j]);
        const it = db.iterator({ start: key });
        const entry = await it.next();
        it.close();
        if (entry !== undefined && entry.key === key) exact++;
      }
      return exact;
    }
    for (let start = 0; start < order.length; start += READ_BATCH) {
      const end = Math.min(start + READ_BATCH, order.length);
      const seeks: Promise<boolean>[] = new Array<Promise<boolean>>(end - start);
      for (let j = start; j < end; j++) seeks[j - start] = seekOnce(db, keys.key(order[j]));
      const landed = await Promise.all(seeks);
      for (let i = 0; i < landed.length; i++) if (landed[i]) exact++;
    }
    return exact;
  }

  async get(key: string): Promise<Buffer | undefined> {
    return await this.live().get(key);
  }

  describeState(): string {
    const s = this.live().stats();
    const levels = s.levels
      .filter((l) => l.files > 0)
      .map((l) => `L${l.level}: ${l.files} files ${(l.bytes / MIB).toFixed(1)} MiB`)
      .join(', ');
    const cacheLookups = s.blockCacheHits + s.blockCacheMisses;
    return (
      `levels [${levels}], memtable ${(s.memtableBytes / MIB).toFixed(1)} MiB + ${s.immutableMemtables} immutable, ` +
      `write amplification ${s.writeAmplification.toFixed(2)}, flushes ${s.flushes}, compactions ${s.compactions} (+${s.trivialMoves} trivial moves), ` +
      `stalls ${s.stalls}, slowdowns ${s.slowdowns}, block cache hit rate ${cacheLookups > 0 ? ((100 * s.blockCacheHits) / cacheLookups).toFixed(1) : '-'}% ` +
      `(${s.blockCacheHits} hits / ${s.blockCacheMisses} misses), bloom useful ${s.bloomUseful}, false positives ${s.bloomFalsePositives}`
    );
  }
}

async function seekOnce(db: Db, key: string): Promise<boolean> {
  const it = db.iterator({ start: key });
  try {
    const entry = await it.next();
    return entry !== undefined && entry.key === key;
  } finally {
    it.close();
  }
}
