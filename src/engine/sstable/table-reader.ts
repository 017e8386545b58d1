/**
 * Reads one SSTable (docs/format.md, "SSTable").
 *
 * Opening reads the footer and the meta blocks (filter, properties, index) synchronously: the
 * filter as its bytes, the index packed (table-index.ts) so that finding a block is a binary
 * search with no decoding. Where the filter and index then live depends on `cacheMeta`:
 * - off (or no cache, as in the compaction worker): the reader keeps them, outside any budget;
 * - on (`cache-index-and-filter-blocks yes`): lookups go through ~4 KiB partitions of them in
 *   the block cache (table-meta.ts), charged and evicted like data blocks; a partition missing
 *   from the cache is read from the file synchronously (one page the page cache usually holds,
 *   and the lookup cannot go on without it). A pinned reader (the Db pins L0 tables, which every
 *   lookup consults) keeps them whole and charges them to the cache as a reservation.
 * Data blocks come from the shared block cache or, on a
 * miss, from an asynchronous pread (a synchronous one with `syncReads`, for the compaction worker).
 * A lookup whose block is cached never leaves the current tick.
 *
 * Lifetime: plain close(). The owner (the version set) closes a reader once no version references
 * it; reads still in flight at that moment finish first, then the descriptor is closed.
 */
import { join } from 'node:path';
import type { BlockCache } from '../cache/block-cache.js';
import type { Env, RandomAccessFile } from '../env/env.js';
import { CorruptionError } from '../errors.js';
import type { BinaryKey, FoundEntry, SequenceNumber } from '../types.js';
import { readVarint, type VarintCursor } from '../../util/varint.js';
import { BlockCursor, DataBlock } from './block.js';
import { BloomFilter } from './bloom.js';
import { TableIndex } from './table-index.js';
import { type BlockIndex, type FilterProbe, type MetaSource, PartitionedFilter, PartitionedIndex } from './table-meta.js';
import type { AdaptiveReadPolicy } from './read-policy.js';
import {
  BLOCK_TRAILER_BYTES,
  type BlockHandle,
  decodeFooter,
  FOOTER_BYTES,
  FORMAT_VERSION,
  latin1Slice,
  type TableProperties,
  tableFileName,
  verifyBlock,
} from './format.js';
import { type BlockSource, type ScanState, type TableIterator, TwoLevelIterator } from './table-iterator.js';

/** Counters a reader adds to; one object may be shared by all readers of a database. */
export interface TableReadStats {
  /** Lookups that consulted the bloom filter. */
  bloomChecks: number;
  /** Lookups the filter answered "absent", saving a block read. */
  bloomUseful: number;
  /** Lookups the filter let through that found no version of the key visible at the snapshot. */
  bloomFalsePositives: number;
  /** Data blocks read from the file (cache misses). */
  blockReads: number;
  bytesRead: number;
  /** Filters and indexes read again from the file because the block cache had evicted them. */
  metaReads: number;
}

/** A scan's first read-ahead after a second miss; it doubles on every further miss... */
const READAHEAD_INITIAL_BYTES = 16 * 1024;
/** ...up to this: large enough to make a compaction's reads sequential, small enough to hold per iterator. */
const READAHEAD_MAX_BYTES = 256 * 1024;

export function newTableReadStats(): TableReadStats {
  return { bloomChecks: 0, bloomUseful: 0, bloomFalsePositives: 0, blockReads: 0, bytesRead: 0, metaReads: 0 };
}

export interface TableReaderOptions {
  /** Read missing blocks with readSync: get() and iterators never return a Promise. */
  syncReads?: boolean;
  /** Otherwise, read single missing blocks synchronously when this policy says the page cache serves them. */
  readPolicy?: AdaptiveReadPolicy;
  stats?: TableReadStats;
  /** Charge the filter and index to the block cache instead of keeping them (needs a cache). */
  cacheMeta?: boolean;
  /** With cacheMeta: start pinned (see setPinned). */
  pinMeta?: boolean;
}

export interface TableIteratorOptions {
  /** Put blocks read by this iterator into the block cache (default true; compaction passes false). */
  fillCache?: boolean;
}

export class TableReader implements BlockSource {
  readonly path: string;
  readonly properties: TableProperties;
  readonly dataBlockCount: number;
  /** Bytes the filter and the index take in memory, wherever they are kept. */
  readonly metaBytes: number;

  private readonly filterHandle: BlockHandle;
  private readonly indexHandle: BlockHandle;
  /** End of the data blocks (handles in the index must lie before it). */
  private readonly dataEnd: number;
  /** The cache the filter and index are charged to; null when the reader keeps them uncharged. */
  private readonly metaCache: BlockCache | null;
  /** Held by the reader (always when metaCache is null; when pinned otherwise); else in the cache. */
  private ownFilter: BloomFilter | null;
  /** Entry i: separator (user key, seq) >= every key of data block i, and its handle. */
  private ownIndex: TableIndex | null;
  /** With metaCache: the filter and index through partitions in the cache (used while not pinned). */
  private readonly partFilter: PartitionedFilter | null;
  private readonly partIndex: PartitionedIndex | null;
  private pinned = false;
  /** Cursor for get(): safe to share because a lookup uses it only within one synchronous run. */
  private readonly getCursor = new BlockCursor();
  /** Reads in flight by block offset, so concurrent misses on one block share a single pread. */
  private readonly pendingReads = new Map<number, Promise<DataBlock>>();
  private readonly syncReads: boolean;
  private readonly readPolicy: AdaptiveReadPolicy | null;
  private readonly stats: TableReadStats | null;
  private inflightReads = 0;
  private closed = false;

  private constructor(
    private readonly file: RandomAccessFile,
    readonly fileNumber: number,
    private readonly cache: BlockCache | null,
    options: TableReaderOptions,
  ) {
    this.path = file.path;
    this.syncReads = options.syncReads ?? false;
    this.readPolicy = options.readPolicy ?? null;
    this.stats = options.stats ?? null;

    const size = file.size;
    if (size < FOOTER_BYTES) throw new CorruptionError(this.path, 0, `file too short for a table (${size} bytes)`);
    const footer = decodeFooter(file.readSync(size - FOOTER_BYTES, FOOTER_BYTES), this.path, size);

    // The three meta blocks sit together before the footer: fetch them with one read.
    const metaStart = Math.min(footer.filter.offset, footer.properties.offset, footer.index.offset);
    const meta = file.readSync(metaStart, size - FOOTER_BYTES - metaStart);
    const metaBlock = (handle: BlockHandle): Buffer =>
      verifyBlock(meta.subarray(handle.offset - metaStart, handle.offset - metaStart + handle.size + BLOCK_TRAILER_BYTES), handle, this.path);

    const filterBlock = metaBlock(footer.filter);
    const indexBlock = metaBlock(footer.index);
    const filter = new BloomFilter(filterBlock, this.path, footer.filter.offset);
    this.properties = this.decodeProperties(metaBlock(footer.properties), footer.properties.offset, size);
    const index = TableIndex.decode(indexBlock, this.path, footer.index.offset, metaStart);
    this.filterHandle = footer.filter;
    this.indexHandle = footer.index;
    this.dataEnd = metaStart;
    this.dataBlockCount = index.count;
    this.metaBytes = filter.byteSize + index.byteSize;

    this.metaCache = options.cacheMeta === true ? cache : null;
    const metaCache = this.metaCache;
    if (metaCache === null) {
      // Copy the filter out so the resident part does not pin the whole meta read.
      this.ownFilter = new BloomFilter(Buffer.from(filterBlock), this.path, footer.filter.offset);
      this.ownIndex = index;
      this.partFilter = null;
      this.partIndex = null;
    } else {
      const source = this.metaSource(metaCache);
      this.partFilter = new PartitionedFilter(filter, footer.filter.offset, source);
      this.partIndex = new PartitionedIndex(indexBlock, index, footer.index.offset, metaStart, source);
      if (options.pinMeta === true) {
        this.ownFilter = new BloomFilter(Buffer.from(filterBlock), this.path, footer.filter.offset);
        this.ownIndex = index;
        this.pinned = true;
        metaCache.reserve(this.metaBytes);
      } else {
        this.ownFilter = null;
        this.ownIndex = null;
      }
    }
  }

  /**
   * How partitions reach the file. Built outside the constructor on purpose: a closure there
   * would share the constructor's context, which holds the whole meta-block read, and keep it
   * alive as long as the reader (measured: every table's filter and index stayed resident).
   */
  private metaSource(cache: BlockCache): MetaSource {
    return { fileNumber: this.fileNumber, path: this.path, cache, read: (offset, length) => this.readMeta(offset, length) };
  }

  /** Bytes of filter and index this reader holds itself (the rest, if any, is in the block cache). */
  get residentBytes(): number {
    return (this.ownFilter === null ? 0 : this.metaBytes) + (this.partFilter?.residentBytes ?? 0) + (this.partIndex?.residentBytes ?? 0);
  }

  /** Whether the filter and index are pinned (kept by the reader, charged to the cache as a reservation). */
  get isPinned(): boolean {
    return this.pinned;
  }

  /**
   * Pins or unpins the filter and index (only when they are charged to the cache). Pinned, the
   * reader reads them whole and keeps them, and the cache counts them as reserved bytes;
   * unpinned, lookups go through partitions in the LRU, evicted like any block.
   */
  setPinned(pin: boolean): void {
    const cache = this.metaCache;
    if (cache === null || this.closed || pin === this.pinned) return;
    if (pin) {
      const filterHandle = this.filterHandle;
      const indexHandle = this.indexHandle;
      const filter = new BloomFilter(this.readMetaBlock(filterHandle), this.path, filterHandle.offset);
      const index = TableIndex.decode(this.readMetaBlock(indexHandle), this.path, indexHandle.offset, this.dataEnd);
      this.ownFilter = filter;
      this.ownIndex = index;
      cache.reserve(this.metaBytes);
    } else {
      this.ownFilter = null;
      this.ownIndex = null;
      cache.release(this.metaBytes);
    }
    this.pinned = pin;
  }

  /**
   * Opens `dir/NNNNNN.sst`. Throws CorruptionError(path, offset, ...) on a bad magic, footer,
   * meta-block checksum or index; the usual fs error if the file is missing.
   */
  static open(
    env: Env,
    dir: string,
    fileNumber: number,
    cache: BlockCache | null,
    options: TableReaderOptions = {},
  ): TableReader {
    const file = env.openRandomAccess(join(dir, tableFileName(fileNumber)));
    try {
      return new TableReader(file, fileNumber, cache, options);
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /**
   * Newest entry for `key` with seq <= snapshot, or undefined if none is in this table.
   * Synchronous when the key is out of range, the filter rules it out, or its block is cached (or
   * with syncReads); otherwise a Promise of the same. A damaged block throws/rejects CorruptionError.
   */
  get(key: BinaryKey, snapshot: SequenceNumber): FoundEntry | undefined | Promise<FoundEntry | undefined> {
    if (this.closed) throw new Error(`table ${this.path} is closed`);
    const props = this.properties;
    if (key < props.smallest || key > props.largest || snapshot < props.smallestSeq) return undefined;
    const stats = this.stats;
    if (stats !== null) stats.bloomChecks++;
    if (!this.tableFilter().mayContain(key)) {
      if (stats !== null) stats.bloomUseful++;
      return undefined;
    }
    const idx = this.tableIndex();
    const index = idx.find(key, snapshot);
    if (index === idx.count) {
      if (stats !== null) stats.bloomFalsePositives++;
      return undefined;
    }
    const block = this.blockAt(idx, index, true, null);
    if (block instanceof DataBlock) return this.lookup(block, key, snapshot);
    return this.lookupAsync(block, key, snapshot);
  }

  iterator(options?: TableIteratorOptions): TableIterator {
    if (this.closed) throw new Error(`table ${this.path} is closed`);
    return new TwoLevelIterator(this, options?.fillCache ?? true);
  }

  /** Closes the file once reads in flight have finished. Further get()/iterator() calls throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.metaCache !== null) {
      // Charged filters and indexes go with the table (the Db also evicts its cached blocks).
      if (this.pinned) this.metaCache.release(this.metaBytes);
      this.pinned = false;
      this.ownFilter = null;
      this.ownIndex = null;
    }
    if (this.inflightReads === 0) this.file.close();
  }

  findBlock(key: BinaryKey, seq: SequenceNumber): number {
    return this.tableIndex().find(key, seq);
  }

  /** The table's filter: kept whole, or in partitions through the cache. */
  private tableFilter(): FilterProbe {
    const own = this.ownFilter;
    if (own !== null) return own;
    const partitioned = this.partFilter;
    if (partitioned === null) throw new Error(`table ${this.path} is closed`);
    return partitioned;
  }

  /** The table's index: kept whole, or in partitions through the cache. */
  private tableIndex(): BlockIndex {
    const own = this.ownIndex;
    if (own !== null) return own;
    const partitioned = this.partIndex;
    if (partitioned === null) throw new Error(`table ${this.path} is closed`);
    return partitioned;
  }

  /** Reads and checks a whole filter or index block (to pin it). */
  private readMetaBlock(handle: BlockHandle): Buffer {
    return verifyBlock(this.readMeta(handle.offset, handle.size + BLOCK_TRAILER_BYTES), handle, this.path);
  }

  /** Reads filter or index bytes the cache does not hold (synchronously: see the top of this file). */
  private readMeta(offset: number, length: number): Buffer {
    if (this.closed) throw new Error(`table ${this.path} is closed`);
    if (this.stats !== null) this.stats.metaReads++;
    return this.file.readSync(offset, length);
  }

  dataBlock(index: number, fillCache: boolean, scan: ScanState | null = null): DataBlock | Promise<DataBlock> {
    return this.blockAt(this.tableIndex(), index, fillCache, scan);
  }

  private blockAt(idx: BlockIndex, index: number, fillCache: boolean, scan: ScanState | null): DataBlock | Promise<DataBlock> {
    const offset = idx.blockOffset(index);
    const cache = this.cache;
    if (cache !== null) {
      const cached = cache.get(this.fileNumber, offset);
      if (cached !== undefined) return cached;
    }
    if (this.closed) throw new Error(`table ${this.path} is closed`);
    if (scan !== null) {
      const readahead = scan.readaheadBytes;
      scan.readaheadBytes = readahead === 0 ? READAHEAD_INITIAL_BYTES : Math.min(READAHEAD_MAX_BYTES, readahead * 2);
      if (readahead > 0) {
        // A reverse scan reads the blocks that end at the missing one, so its next misses are hits too.
        const count = scan.backward ? this.blocksWithinBefore(idx, index, readahead) : this.blocksWithin(idx, index, readahead);
        const first = scan.backward ? index - count + 1 : index;
        if (count > 1) return this.readRun(idx, first, count, index, fillCache, scan);
      }
    }
    if (this.syncReads) {
      const block = this.parseDataBlock(idx, this.file.readSync(offset, idx.blockSize(index) + BLOCK_TRAILER_BYTES), index);
      if (fillCache && cache !== null) cache.set(this.fileNumber, offset, block);
      return block;
    }
    const policy = this.readPolicy;
    if (policy !== null && !this.pendingReads.has(offset) && policy.preferSync(performance.now())) {
      const block = this.parseDataBlock(idx, this.timedReadSync(policy, offset, idx.blockSize(index) + BLOCK_TRAILER_BYTES), index);
      if (fillCache && cache !== null) cache.set(this.fileNumber, offset, block);
      return block;
    }
    let pending = this.pendingReads.get(offset);
    if (pending === undefined) {
      pending = this.readDataBlock(idx, index, fillCache);
      this.pendingReads.set(offset, pending);
    }
    return pending;
  }

  /**
   * A synchronous read whose duration (the read alone: the buffer is allocated before the clock
   * starts, since an allocation may run a garbage-collection step) goes to the read policy.
   */
  private timedReadSync(policy: AdaptiveReadPolicy, offset: number, length: number): Buffer {
    const file = this.file;
    if (file.readSyncInto === undefined) {
      const started = performance.now();
      const raw = file.readSync(offset, length);
      policy.recordSync(performance.now() - started);
      return raw;
    }
    const raw = Buffer.allocUnsafe(length);
    const started = performance.now();
    const bytesRead = file.readSyncInto(raw, offset);
    policy.recordSync(performance.now() - started);
    return bytesRead === length ? raw : raw.subarray(0, bytesRead);
  }

  private async readDataBlock(idx: BlockIndex, index: number, fillCache: boolean): Promise<DataBlock> {
    const offset = idx.blockOffset(index);
    this.inflightReads++;
    try {
      const raw = await this.file.read(offset, idx.blockSize(index) + BLOCK_TRAILER_BYTES);
      const block = this.parseDataBlock(idx, raw, index);
      if (fillCache && this.cache !== null) this.cache.set(this.fileNumber, offset, block);
      return block;
    } finally {
      this.pendingReads.delete(offset);
      this.inflightReads--;
      if (this.closed && this.inflightReads === 0) this.file.close();
    }
  }

  /** How many blocks from `first` on fit in `bytes` (at least one). */
  private blocksWithin(idx: BlockIndex, first: number, bytes: number): number {
    const start = idx.blockOffset(first);
    let end = first + 1;
    while (end < this.dataBlockCount && idx.blockOffset(end) + idx.blockSize(end) + BLOCK_TRAILER_BYTES - start <= bytes) end++;
    return end - first;
  }

  /** How many blocks ending at `last` fit in `bytes` (at least one). */
  private blocksWithinBefore(idx: BlockIndex, last: number, bytes: number): number {
    const end = idx.blockOffset(last) + idx.blockSize(last) + BLOCK_TRAILER_BYTES;
    let first = last;
    while (first > 0 && end - idx.blockOffset(first - 1) <= bytes) first--;
    return last - first + 1;
  }

  /** Reads blocks [first, first + count) with one read into `scan.run`; returns block `wanted` of them. */
  private readRun(idx: BlockIndex, first: number, count: number, wanted: number, fillCache: boolean, scan: ScanState): DataBlock | Promise<DataBlock> {
    const start = idx.blockOffset(first);
    const last = first + count - 1;
    const length = idx.blockOffset(last) + idx.blockSize(last) + BLOCK_TRAILER_BYTES - start;
    if (this.syncReads) return this.installRun(idx, this.file.readSync(start, length), first, count, fillCache, scan)[wanted - first];
    return this.readRunAsync(idx, start, length, first, count, wanted, fillCache, scan);
  }

  private async readRunAsync(
    idx: BlockIndex,
    start: number,
    length: number,
    first: number,
    count: number,
    wanted: number,
    fillCache: boolean,
    scan: ScanState,
  ): Promise<DataBlock> {
    this.inflightReads++;
    try {
      return this.installRun(idx, await this.file.read(start, length), first, count, fillCache, scan)[wanted - first];
    } finally {
      this.inflightReads--;
      if (this.closed && this.inflightReads === 0) this.file.close();
    }
  }

  /**
   * Splits a read-ahead buffer into checked blocks. Blocks that go into the cache are copied out, so a
   * cached 4 KiB block never pins a whole read-ahead buffer that the cache does not charge for.
   */
  private installRun(idx: BlockIndex, raw: Buffer, first: number, count: number, fillCache: boolean, scan: ScanState): DataBlock[] {
    const start = idx.blockOffset(first);
    const cache = fillCache ? this.cache : null;
    const blocks: DataBlock[] = new Array<DataBlock>(count);
    for (let i = 0; i < count; i++) {
      const offset = idx.blockOffset(first + i);
      const at = offset - start;
      const piece = raw.subarray(at, at + idx.blockSize(first + i) + BLOCK_TRAILER_BYTES);
      const block = this.parseDataBlock(idx, cache === null ? piece : Buffer.from(piece), first + i);
      if (cache !== null) cache.set(this.fileNumber, offset, block);
      blocks[i] = block;
    }
    scan.runFirst = first;
    scan.run = blocks;
    return blocks;
  }

  private parseDataBlock(idx: BlockIndex, raw: Buffer, index: number): DataBlock {
    const handle: BlockHandle = { offset: idx.blockOffset(index), size: idx.blockSize(index) };
    const stats = this.stats;
    if (stats !== null) {
      stats.blockReads++;
      stats.bytesRead += raw.length;
    }
    return new DataBlock(verifyBlock(raw, handle, this.path), this.path, handle.offset);
  }

  private lookup(block: DataBlock, key: BinaryKey, snapshot: SequenceNumber): FoundEntry | undefined {
    const cursor = this.getCursor;
    cursor.reset(block);
    cursor.seek(key, snapshot);
    if (cursor.valid && cursor.userKeyEquals(key)) {
      return { kind: cursor.kind, seq: cursor.seq, value: cursor.value };
    }
    if (this.stats !== null) this.stats.bloomFalsePositives++;
    return undefined;
  }

  private async lookupAsync(pending: Promise<DataBlock>, key: BinaryKey, snapshot: SequenceNumber): Promise<FoundEntry | undefined> {
    return this.lookup(await pending, key, snapshot);
  }

  private decodeProperties(data: Buffer, blockOffset: number, fileSize: number): TableProperties {
    const cursor: VarintCursor = { value: 0, offset: 0 };
    const next = (): number => {
      readVarint(data, cursor);
      return cursor.value;
    };
    const bytes = (): BinaryKey => {
      const length = next();
      if (cursor.offset + length > data.length) throw new RangeError('key past the end of the block');
      const key = latin1Slice(data, cursor.offset, cursor.offset + length);
      cursor.offset += length;
      return key;
    };
    try {
      const version = next();
      if (version !== FORMAT_VERSION) throw new RangeError(`unsupported properties version ${version}`);
      const entries = next();
      next(); // data block count: the index is authoritative
      const smallest = bytes();
      const largest = bytes();
      const smallestSeq = next();
      const largestSeq = next();
      return { fileNumber: this.fileNumber, size: fileSize, entries, smallest, largest, smallestSeq, largestSeq };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new CorruptionError(this.path, blockOffset, `bad properties block: ${detail}`);
    }
  }
}
