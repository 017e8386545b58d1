import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';

/**
 * An iterator over internal entries (user key ascending, sequence number descending), the shape
 * shared by memtable, table, and merging iterators. It is structurally the same interface as the
 * sstable module's `TableIterator`, declared here so that memtables and merging do not depend on
 * the sstable code.
 *
 * It walks both ways, as LevelDB's iterators do: `next` towards larger internal keys, `prev`
 * towards smaller ones (so a user key's versions come oldest first going backwards). Reverse
 * scans (sorted sets' ZREVRANGE, lists, streams) start from `seekToLast` or `seekBefore`.
 *
 * A method returns a Promise only when it has to wait for I/O; the caller must await it before
 * touching the iterator again. Accessors are only meaningful while `valid` is true, and `value`
 * is only guaranteed to stay intact until the iterator moves. `next` and `prev` may only be
 * called while `valid`.
 */
export interface InternalIterator {
  readonly valid: boolean;
  readonly key: BinaryKey;
  readonly seq: SequenceNumber;
  readonly kind: EntryKind;
  readonly value: Buffer;
  seekToFirst(): void | Promise<void>;
  /**
   * Positions at the first entry >= (key, seq) in internal order. Without `seq`, that is the first
   * entry whose user key is >= `key` (its newest version); with it, versions of `key` newer than
   * `seq` are passed over (the merging iterator needs this to change direction).
   */
  seek(key: BinaryKey, seq?: SequenceNumber): void | Promise<void>;
  next(): void | Promise<void>;
  /** Positions at the last entry (the oldest version of the largest user key). */
  seekToLast(): void | Promise<void>;
  /**
   * Positions at the last entry whose user key is < `key` (that user key's oldest version), or
   * invalid if there is none: where a reverse scan with the exclusive upper bound `key` starts.
   */
  seekBefore(key: BinaryKey): void | Promise<void>;
  prev(): void | Promise<void>;
}
