/**
 * The user-facing iterator: turns the merged stream of internal entries (every version of every
 * key, newest first per key) into the view at one snapshot: for each key its newest version with
 * seq <= snapshot, tombstones skipped. Plus LevelIterator, which walks the disjoint, sorted tables
 * of one level as if they were one table, opening each only when reached.
 */
import { EntryKind, type BinaryKey, type SequenceNumber } from './types.js';
import type { FileMeta } from './manifest/version-edit.js';
import type { TableReader } from './sstable/table-reader.js';
import type { TableIterator } from './sstable/table-iterator.js';

export interface IteratorOptions {
  /** Inclusive lower bound. */
  readonly start?: BinaryKey;
  /** Exclusive upper bound. */
  readonly end?: BinaryKey;
  readonly snapshot?: { readonly seq: SequenceNumber };
}

export interface DbEntry {
  readonly key: BinaryKey;
  readonly value: Buffer;
}

export interface DbIterator {
  /** The next live key in ascending order, or undefined at the end. */
  next(): Promise<DbEntry | undefined>;
  /** Releases the snapshot and the tables this iterator pinned. Idempotent; called at the end too. */
  close(): void;
}

export class DbIteratorImpl implements DbIterator {
  private started = false;
  private done = false;

  constructor(
    private readonly input: TableIterator,
    private readonly seq: SequenceNumber,
    private readonly start: BinaryKey | undefined,
    private readonly end: BinaryKey | undefined,
    private readonly release: () => void,
  ) {}

  async next(): Promise<DbEntry | undefined> {
    if (this.done) return undefined;
    const it = this.input;
    if (!this.started) {
      this.started = true;
      const r = this.start === undefined ? it.seekToFirst() : it.seek(this.start);
      if (r !== undefined) await r;
    }
    try {
      while (it.valid) {
        const key = it.key;
        if (this.end !== undefined && key >= this.end) break;
        if (it.seq > this.seq) {
          const r = it.next();
          if (r !== undefined) await r;
          continue;
        }
        // The newest visible version of `key`; step past the older ones before answering.
        const kind = it.kind;
        const value = it.value;
        do {
          const r = it.next();
          if (r !== undefined) await r;
        } while (it.valid && it.key === key);
        if (kind === EntryKind.Put) return { key, value };
      }
    } catch (err) {
      this.close();
      throw err;
    }
    this.close();
    return undefined;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.release();
  }
}

/** Concatenation of one level's tables (disjoint, sorted by key). */
export class LevelIterator implements TableIterator {
  private index = -1;
  private current: TableIterator | null = null;

  constructor(
    private readonly files: readonly FileMeta[],
    private readonly open: (file: FileMeta) => TableReader,
  ) {}

  get valid(): boolean {
    return this.current !== null && this.current.valid;
  }
  get key(): BinaryKey {
    return (this.current as TableIterator).key;
  }
  get seq(): SequenceNumber {
    return (this.current as TableIterator).seq;
  }
  get kind(): EntryKind {
    return (this.current as TableIterator).kind;
  }
  get value(): Buffer {
    return (this.current as TableIterator).value;
  }

  seekToFirst(): void | Promise<void> {
    return this.enter(0, undefined);
  }

  seek(key: BinaryKey): void | Promise<void> {
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.files[mid].largest < key) lo = mid + 1;
      else hi = mid;
    }
    return this.enter(lo, key);
  }

  next(): void | Promise<void> {
    const r = (this.current as TableIterator).next();
    if (r !== undefined) return r.then(() => this.skipExhausted());
    return this.skipExhausted();
  }

  /** Positions at file `index` (at `key` or its first entry), moving on past empty tails. */
  private enter(index: number, key: BinaryKey | undefined): void | Promise<void> {
    this.index = index;
    if (index >= this.files.length) {
      this.current = null;
      return;
    }
    this.current = this.open(this.files[index]).iterator();
    const r = key === undefined ? this.current.seekToFirst() : this.current.seek(key);
    if (r !== undefined) return r.then(() => this.skipExhausted());
    return this.skipExhausted();
  }

  private skipExhausted(): void | Promise<void> {
    if (this.current !== null && !this.current.valid) return this.enter(this.index + 1, undefined);
  }
}
