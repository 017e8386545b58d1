/**
 * Shared vocabulary of the engine. Every part (memtable, wal, sstable, manifest, compaction, db)
 * speaks in these types, so they live in one leaf module that imports nothing.
 */

/**
 * A user key as a "binary string": a latin1 string holding exactly one byte per char (0..255).
 * Chosen over Buffer because it hashes well in a Map, compares in byte order with `<`, and costs
 * no allocation to compare. Convert with `buf.latin1Slice()` / `Buffer.from(key, 'latin1')`.
 */
export type BinaryKey = string;

/** A write batch's sequence number. Monotonic, starts at 1; a snapshot is one. Safe up to 2^53. */
export type SequenceNumber = number;

/** What an entry in the memtable / a table records for a key at a sequence number. */
export const enum EntryKind {
  Delete = 0,
  Put = 1,
}

/** One operation of a write batch. */
export type BatchOp =
  | { readonly kind: EntryKind.Put; readonly key: BinaryKey; readonly value: Buffer }
  | { readonly kind: EntryKind.Delete; readonly key: BinaryKey };

/** The newest version of a key visible at some sequence number, as found by a lookup. */
export interface FoundEntry {
  readonly kind: EntryKind;
  readonly seq: SequenceNumber;
  /** The value for Put; an empty buffer for Delete. */
  readonly value: Buffer;
}

/** Byte-order comparison of binary keys (latin1 strings compare by code unit = by byte). */
export function compareKeys(a: BinaryKey, b: BinaryKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Internal ordering: user key ascending, then sequence number descending (newest first). */
export function compareInternal(aKey: BinaryKey, aSeq: SequenceNumber, bKey: BinaryKey, bSeq: SequenceNumber): number {
  if (aKey < bKey) return -1;
  if (aKey > bKey) return 1;
  return bSeq - aSeq;
}

/** fsync policy, named as Redis' `appendfsync`. */
export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** Where log lines go; the server supplies its logger, tests may collect lines. */
export type EngineLogger = (level: 'debug' | 'verbose' | 'notice' | 'warning', message: string) => void;
