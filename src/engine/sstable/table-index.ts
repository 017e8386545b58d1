/**
 * A table's index (docs/format.md, "Index block"), decoded once into one byte array: what a reader
 * keeps in memory per table to find the data block that may hold a key.
 *
 * Why packed: the index has one entry per ~4 KiB data block, so a database of 20 M keys holds
 * ~560 000 of them. Kept as one JS string per separator plus arrays of numbers they cost ~76 bytes
 * each on the V8 heap and in typed arrays (measured), and every string is an object the garbage
 * collector traces. Here the separators' user-key bytes sit back to back in one buffer and the
 * numbers in typed-array views over the same allocation: user key length + 24 bytes per entry,
 * one allocation per table, nothing for the collector to walk. A lookup is a binary search
 * comparing bytes in place. The object is immutable, so the block cache can hold and evict it
 * like a data block (sstable/table-reader.ts).
 *
 * Layout of the one ArrayBuffer (n entries, K key bytes):
 * ```
 * seqs     f64 × n   separator's sequence number
 * offsets  f64 × n   data block offset in the file
 * keyEnds  u32 × n   end of separator i's user key in `keys` (its start is keyEnds[i - 1], or 0)
 * sizes    u32 × n   data block size without its trailer
 * keys     K bytes   the separators' user keys, back to back
 * ```
 */
import { CorruptionError } from '../errors.js';
import type { BinaryKey, SequenceNumber } from '../types.js';
import { readVarint, type VarintCursor } from '../../util/varint.js';
import { BlockCursor, compareUserKey, DataBlock } from './block.js';
import { BLOCK_TRAILER_BYTES } from './format.js';

/** The largest block size a u32 holds; an index entry naming a bigger block is corruption. */
const MAX_BLOCK_SIZE = 0xffffffff;

export class TableIndex {
  /** Number of entries = number of data blocks. */
  readonly count: number;
  private readonly seqs: Float64Array;
  private readonly offsets: Float64Array;
  private readonly keyEnds: Uint32Array;
  private readonly sizes: Uint32Array;
  private readonly keys: Uint8Array;

  private constructor(count: number, keyBytes: number) {
    this.count = count;
    const numbers = count * 8 * 2;
    const ints = count * 4 * 2;
    const buffer = new ArrayBuffer(numbers + ints + keyBytes);
    this.seqs = new Float64Array(buffer, 0, count);
    this.offsets = new Float64Array(buffer, count * 8, count);
    this.keyEnds = new Uint32Array(buffer, numbers, count);
    this.sizes = new Uint32Array(buffer, numbers + count * 4, count);
    this.keys = new Uint8Array(buffer, numbers + ints, keyBytes);
  }

  /**
   * Builds an index from entries given one by one: `keys(i)` is separator i's user key bytes.
   * (The partitioned index's top level: one entry per partition, table-meta.ts.)
   */
  static build(count: number, keys: (i: number) => Uint8Array, seq: (i: number) => SequenceNumber, offset: (i: number) => number, size: (i: number) => number): TableIndex {
    let keyBytes = 0;
    for (let i = 0; i < count; i++) keyBytes += keys(i).length;
    const index = new TableIndex(count, keyBytes);
    let keyEnd = 0;
    for (let i = 0; i < count; i++) {
      const key = keys(i);
      index.keys.set(key, keyEnd);
      keyEnd += key.length;
      index.keyEnds[i] = keyEnd;
      index.seqs[i] = seq(i);
      index.offsets[i] = offset(i);
      index.sizes[i] = size(i);
    }
    return index;
  }

  /**
   * Decodes an index block (checksum already verified, trailer removed). Every handle must lie in
   * `[0, dataEnd)` after the previous one; `path` and `blockOffset` name the block in errors.
   */
  static decode(data: Buffer, path: string, blockOffset: number, dataEnd: number): TableIndex {
    const cursor = new BlockCursor();
    cursor.reset(new DataBlock(data, path, blockOffset));
    // Pass 1 sizes the allocation; pass 2 fills it. Decoding is cheap next to the read that fetched the block.
    let count = 0;
    let keyBytes = 0;
    for (cursor.seekToFirst(); cursor.valid; cursor.next()) {
      count++;
      keyBytes += cursor.userKeyLength;
    }
    const index = new TableIndex(count, keyBytes);
    const varint: VarintCursor = { value: 0, offset: 0 };
    let i = 0;
    let keyEnd = 0;
    let previousEnd = 0;
    for (cursor.seekToFirst(); cursor.valid; cursor.next(), i++) {
      const value = cursor.value;
      let offset: number;
      let size: number;
      try {
        varint.offset = 0;
        readVarint(value, varint);
        offset = varint.value;
        readVarint(value, varint);
        size = varint.value;
      } catch {
        throw new CorruptionError(path, blockOffset, `index entry ${i} has a bad block handle`);
      }
      if (offset < previousEnd || size > MAX_BLOCK_SIZE || offset + size + BLOCK_TRAILER_BYTES > dataEnd) {
        throw new CorruptionError(path, blockOffset, `index entry ${i} points outside the data area`);
      }
      previousEnd = offset + size + BLOCK_TRAILER_BYTES;
      cursor.copyUserKey(index.keys, keyEnd);
      keyEnd += cursor.userKeyLength;
      index.keyEnds[i] = keyEnd;
      index.seqs[i] = cursor.seq;
      index.offsets[i] = offset;
      index.sizes[i] = size;
    }
    return index;
  }

  /** Bytes this index holds (its charge in the block cache). */
  get byteSize(): number {
    return this.keys.byteOffset + this.keys.byteLength;
  }

  /**
   * Index of the first entry whose separator is not below (key, seq) in internal order (user key
   * ascending, then seq descending): the first data block that may hold an entry >= (key, seq).
   * `count` when every separator is below it.
   */
  find(key: BinaryKey, seq: SequenceNumber): number {
    const keys = this.keys;
    const keyEnds = this.keyEnds;
    const seqs = this.seqs;
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const start = mid === 0 ? 0 : keyEnds[mid - 1];
      const c = compareUserKey(keys, start, keyEnds[mid] - start, key);
      if (c < 0 || (c === 0 && seqs[mid] > seq)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** File offset of data block `i`. */
  blockOffset(i: number): number {
    return this.offsets[i];
  }

  /** Size of data block `i` without its trailer. */
  blockSize(i: number): number {
    return this.sizes[i];
  }

  /** Separator `i`'s user key bytes: a view, not a copy. */
  separatorBytes(i: number): Uint8Array {
    const start = i === 0 ? 0 : this.keyEnds[i - 1];
    return this.keys.subarray(start, this.keyEnds[i]);
  }

  /** Separator `i`'s user key (for tests and tools; lookups never build it). */
  separator(i: number): BinaryKey {
    const start = i === 0 ? 0 : this.keyEnds[i - 1];
    return Buffer.from(this.keys.buffer, this.keys.byteOffset + start, this.keyEnds[i] - start).toString('latin1');
  }

  /** Separator `i`'s sequence number. */
  separatorSeq(i: number): SequenceNumber {
    return this.seqs[i];
  }
}
