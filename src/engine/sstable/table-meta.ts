/**
 * A table's filter and index in partitions of ~4 KiB, for tables whose filter and index are
 * charged to the block cache (`cache-index-and-filter-blocks yes`, RocksDB's partitioned index
 * and filters, without changing the bytes on disk).
 *
 * Why partitions: a 16 MiB table's filter and index take ~0.5-1 MiB. Cached whole, a database
 * whose filters and indexes outgrow the cache (100 M engine keys: ~180 MiB against a 64 MiB
 * cache) would read a whole filter and index back for most lookups, megabytes per GET. A lookup
 * only needs one 64-byte line of the filter (the filter is cache-local, bloom.ts) and one run of
 * index entries, so each is read and cached in pieces of one page, like a data block.
 *
 * - Filter partition p: bytes [p * 4096, (p + 1) * 4096) of the filter's lines, cached under the
 *   file offset where it starts. A key's line lies in exactly one partition.
 * - Index partition q: index entries [q * 64, (q + 1) * 64) (the index block has a restart point
 *   per entry, docs/format.md, so each partition is a contiguous byte run of the block), decoded
 *   into a TableIndex of its own and cached under its file offset. The top level, kept resident,
 *   holds each partition's last separator and byte range: a lookup binary-searches it, then the
 *   partition.
 *
 * Checksums: the format has one checksum per block, which a partition cannot check. The reader
 * verifies the whole block when it opens the table and keeps a checksum per partition (4 bytes
 * per 4 KiB) that every partition read later is checked against, so a partition damaged on disk
 * after the open is a CorruptionError, never a wrong answer.
 *
 * Resident per table: the top level (1/64 of the index) and the partition checksums.
 */
import type { BlockCache } from '../cache/block-cache.js';
import { CorruptionError } from '../errors.js';
import type { BinaryKey, SequenceNumber } from '../types.js';
import { checksum } from '../../util/checksum.js';
import { DataBlock } from './block.js';
import { bloomHash, type BloomFilter, lineOffset, probeLine } from './bloom.js';
import { FilterPartition } from './filter-partition.js';
import { TableIndex } from './table-index.js';

/** Bytes of filter per partition: one page, like a data block. */
export const FILTER_PARTITION_BYTES = 4096;
/** Index entries per partition: ~4 KiB at the ~50-byte entries of 100-byte values. */
export const INDEX_PARTITION_ENTRIES = 64;

/** A table's filter as a lookup needs it: whole (bloom.ts) or in partitions. */
export interface FilterProbe {
  mayContain(key: BinaryKey): boolean;
}

/** A table's index as lookups and iterators need it: whole (TableIndex) or in partitions. */
export interface BlockIndex {
  readonly count: number;
  /** The first data block that may hold an entry >= (key, seq); `count` if none. */
  find(key: BinaryKey, seq: SequenceNumber): number;
  blockOffset(i: number): number;
  blockSize(i: number): number;
}

/** Where partitions come from: the table's file (a read that counts in the reader's stats) and the cache. */
export interface MetaSource {
  readonly fileNumber: number;
  readonly path: string;
  readonly cache: BlockCache;
  /** Reads bytes of the table file; throws once the table is closed. */
  read(offset: number, length: number): Buffer;
}

function partitionChecksums(bytes: Uint8Array, count: number, at: (q: number) => number, end: (q: number) => number): Uint32Array {
  const sums = new Uint32Array(count);
  for (let q = 0; q < count; q++) sums[q] = checksum(bytes.subarray(at(q), end(q)));
  return sums;
}

export class PartitionedFilter implements FilterProbe {
  private readonly lines: number;
  private readonly probes: number;
  private readonly lineBytes: number;
  private readonly checksums: Uint32Array;

  /** `filter` is the whole filter, just verified; `blockOffset` is where its block starts in the file. */
  constructor(
    filter: BloomFilter,
    private readonly blockOffset: number,
    private readonly source: MetaSource,
  ) {
    this.lines = filter.lines;
    this.probes = filter.probes;
    const bytes = filter.lineBytes;
    this.lineBytes = bytes.length;
    const count = Math.ceil(bytes.length / FILTER_PARTITION_BYTES);
    this.checksums = partitionChecksums(bytes, count, (q) => q * FILTER_PARTITION_BYTES, (q) => Math.min(bytes.length, (q + 1) * FILTER_PARTITION_BYTES));
  }

  /** Bytes this object keeps outside the cache. */
  get residentBytes(): number {
    return this.checksums.byteLength;
  }

  mayContain(key: BinaryKey): boolean {
    const hash = bloomHash(key);
    const at = lineOffset(hash, this.lines);
    const p = Math.floor(at / FILTER_PARTITION_BYTES);
    const offset = this.blockOffset + p * FILTER_PARTITION_BYTES;
    const source = this.source;
    const partition = source.cache.getFilterPartition(source.fileNumber, offset) ?? this.load(p, offset);
    return probeLine(partition.data, at - p * FILTER_PARTITION_BYTES, hash, this.probes);
  }

  private load(p: number, offset: number): FilterPartition {
    const source = this.source;
    const data = source.read(offset, Math.min(FILTER_PARTITION_BYTES, this.lineBytes - p * FILTER_PARTITION_BYTES));
    if (checksum(data) !== this.checksums[p]) {
      throw new CorruptionError(source.path, offset, `filter partition ${p} changed since the table was opened`);
    }
    const partition = new FilterPartition(data);
    source.cache.set(source.fileNumber, offset, partition);
    return partition;
  }
}

/** A restart array of one entry at 0: turns a run of index entries into a block BlockCursor can walk. */
const ONE_RESTART = Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]);

export class PartitionedIndex implements BlockIndex {
  readonly count: number;
  /** Entry q: partition q's last separator, its file offset and byte length. */
  private readonly top: TableIndex;
  private readonly checksums: Uint32Array;
  private readonly perPartition: number;
  /**
   * The partition the last find or block lookup used: a lookup asks for a block's offset and size
   * right after finding it, a scan asks for consecutive blocks. Reused without asking the cache
   * again (the cache saw the first use). At most one partition per table outlives its eviction.
   */
  private lastQ = -1;
  private last: TableIndex | null = null;

  /**
   * `data` is the index block (verified, no trailer) that `whole` was decoded from, starting at
   * file offset `blockOffset`; `dataEnd` bounds the data blocks its handles may name.
   */
  constructor(
    data: Buffer,
    whole: TableIndex,
    blockOffset: number,
    private readonly dataEnd: number,
    private readonly source: MetaSource,
  ) {
    const block = new DataBlock(data, source.path, blockOffset);
    const count = whole.count;
    this.count = count;
    // One restart point per entry is what the builder writes; anything else is read as one partition.
    const perEntry = block.numRestarts === count;
    this.perPartition = perEntry ? INDEX_PARTITION_ENTRIES : Math.max(1, count);
    const per = this.perPartition;
    const partitions = count === 0 ? 0 : Math.ceil(count / per);
    const start = (q: number): number => (perEntry ? block.restartPoint(q * per) : 0);
    const end = (q: number): number => (perEntry && (q + 1) * per < count ? block.restartPoint((q + 1) * per) : block.restartsOffset);
    this.top = TableIndex.build(
      partitions,
      (q) => whole.separatorBytes(Math.min(count, (q + 1) * per) - 1),
      (q) => whole.separatorSeq(Math.min(count, (q + 1) * per) - 1),
      (q) => blockOffset + start(q),
      (q) => end(q) - start(q),
    );
    this.checksums = partitionChecksums(data, partitions, start, end);
  }

  /** Bytes this object keeps outside the cache. */
  get residentBytes(): number {
    return this.top.byteSize + this.checksums.byteLength;
  }

  find(key: BinaryKey, seq: SequenceNumber): number {
    const q = this.top.find(key, seq);
    if (q === this.top.count) return this.count;
    // The partition's last separator is not below the target, so its answer is inside it.
    return q * this.perPartition + this.partition(q).find(key, seq);
  }

  blockOffset(i: number): number {
    const per = this.perPartition;
    return this.recent(Math.floor(i / per)).blockOffset(i % per);
  }

  blockSize(i: number): number {
    const per = this.perPartition;
    return this.recent(Math.floor(i / per)).blockSize(i % per);
  }

  /** Partition q, reusing the last one used if it is q. */
  private recent(q: number): TableIndex {
    const last = this.last;
    return q === this.lastQ && last !== null ? last : this.partition(q);
  }

  private partition(q: number): TableIndex {
    const source = this.source;
    const offset = this.top.blockOffset(q);
    const partition = source.cache.getIndex(source.fileNumber, offset) ?? this.load(q, offset);
    this.lastQ = q;
    this.last = partition;
    return partition;
  }

  private load(q: number, offset: number): TableIndex {
    const source = this.source;
    const run = source.read(offset, this.top.blockSize(q));
    if (checksum(run) !== this.checksums[q]) {
      throw new CorruptionError(source.path, offset, `index partition ${q} changed since the table was opened`);
    }
    const partition = TableIndex.decode(Buffer.concat([run, ONE_RESTART]), source.path, offset, this.dataEnd);
    const expected = Math.min(this.perPartition, this.count - q * this.perPartition);
    if (partition.count !== expected) {
      throw new CorruptionError(source.path, offset, `index partition ${q} holds ${partition.count} entries, not ${expected}`);
    }
    source.cache.set(source.fileNumber, offset, partition);
    return partition;
  }
}
