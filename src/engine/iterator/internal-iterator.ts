import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';

/**
 * An iterator over internal entries (user key ascending, sequence number descending), the shape
 * shared by memtable, table, and merging iterators. It is structurally the same interface as the
 * sstable module's `TableIterator`, declared here so that memtables and merging do not depend on
 * the sstable code.
 *
 * A method returns a Promise only when it has to wait for I/O; the caller must await it before
 * touching the iterator again. Accessors are only meaningful while `valid` is true, and `value`
 * is only guaranteed to stay intact until the iterator moves.
 */
export interface InternalIterator {
  readonly valid: boolean;
  readonly key: BinaryKey;
  readonly seq: SequenceNumber;
  readonly kind: EntryKind;
  readonly value: Buffer;
  seekToFirst(): void | Promise<void>;
  /** Positions at the first entry whose user key is >= `key` (its newest version). */
  seek(key: BinaryKey): void | Promise<void>;
  next(): void | Promise<void>;
}
