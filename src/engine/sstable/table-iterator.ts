/**
 * Ordered cursor over a table's internal entries: the index picks a data block, a BlockCursor
 * walks it, and running off its end moves to the next block (off its start, with prev, to the
 * previous one).
 *
 * Methods are synchronous while the blocks they need are in memory (cache hit, or a reader opened
 * with syncReads) and return a Promise only when a block must be read from disk. The caller must
 * await such a Promise before using the iterator again.
 */
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import type { InternalIterator } from '../iterator/internal-iterator.js';
import { BlockCursor, DataBlock } from './block.js';
import { MAX_SEQUENCE } from './format.js';

/** A table's cursor is an InternalIterator; its `value` is a view into a (possibly cached) block: never mutate it. */
export type TableIterator = InternalIterator;

/**
 * An iterator's read-ahead state, kept by the iterator and driven by the reader: a scan that keeps
 * missing the cache reads several consecutive blocks per I/O, growing the read each time.
 */
export interface ScanState {
  /** Blocks fetched by the last read-ahead; `run[i]` is data block `runFirst + i`. */
  runFirst: number;
  run: DataBlock[];
  /** Bytes the next miss reads; 0 until the scan has missed once (a seek resets it). */
  readaheadBytes: number;
  /** The scan walks backwards: read-ahead fetches the blocks before the missing one. */
  backward: boolean;
}

/** What the iterator needs from its table (implemented by TableReader). */
export interface BlockSource {
  readonly dataBlockCount: number;
  /** Index of the first data block that may hold an entry >= (key, seq); dataBlockCount if none. */
  findBlock(key: BinaryKey, seq: SequenceNumber): number;
  /**
   * The block, from cache or disk: synchronous unless it has to be read asynchronously. With a
   * scan state, a miss may read ahead and leave the following blocks (the preceding ones when
   * `scan.backward`) in `scan.run`.
   */
  dataBlock(index: number, fillCache: boolean, scan?: ScanState | null): DataBlock | Promise<DataBlock>;
}

export class TwoLevelIterator implements TableIterator {
  private readonly cursor = new BlockCursor();
  private readonly scan: ScanState = { runFirst: 0, run: [], readaheadBytes: 0, backward: false };
  private blockIndex = 0;
  private positioned = false;
  /** The sequence number of the last seek's target (blocks entered later are searched for it). */
  private seekSeq = MAX_SEQUENCE;

  constructor(
    private readonly source: BlockSource,
    /** False for one-pass scans (compaction) so they do not push hot blocks out of the cache. */
    private readonly fillCache: boolean,
  ) {}

  get valid(): boolean {
    return this.positioned && this.cursor.valid;
  }

  get key(): BinaryKey {
    return this.cursor.key;
  }

  get seq(): SequenceNumber {
    return this.cursor.seq;
  }

  get kind(): EntryKind {
    return this.cursor.kind;
  }

  get value(): Buffer {
    return this.cursor.value;
  }

  seekToFirst(): void | Promise<void> {
    this.scan.readaheadBytes = 0;
    return this.enter(0, null);
  }

  seek(key: BinaryKey, seq: SequenceNumber = MAX_SEQUENCE): void | Promise<void> {
    this.scan.readaheadBytes = 0;
    this.seekSeq = seq;
    return this.enter(this.source.findBlock(key, seq), key);
  }

  next(): void | Promise<void> {
    if (!this.valid) return;
    this.cursor.next();
    if (!this.cursor.valid) return this.enter(this.blockIndex + 1, null);
  }

  seekToLast(): void | Promise<void> {
    this.scan.readaheadBytes = 0;
    return this.enterBackward(this.source.dataBlockCount - 1, null);
  }

  seekBefore(key: BinaryKey): void | Promise<void> {
    this.scan.readaheadBytes = 0;
    // The first block that may hold an entry with user key >= key; the entry before it is in
    // that block or, if the block starts at or after key, in the one before.
    const index = Math.min(this.source.findBlock(key, MAX_SEQUENCE), this.source.dataBlockCount - 1);
    return this.enterBackward(index, key);
  }

  prev(): void | Promise<void> {
    if (!this.valid) return;
    this.cursor.prev();
    if (!this.cursor.valid) return this.enterBackward(this.blockIndex - 1, null);
  }

  /**
   * Positions at block `index` — at the first entry >= seekKey, or its first entry when seekKey is
   * null — moving on to later blocks while the position falls off a block's end.
   */
  private enter(index: number, seekKey: BinaryKey | null): void | Promise<void> {
    this.positioned = false;
    const count = this.source.dataBlockCount;
    const scan = this.scan;
    if (scan.backward) {
      scan.backward = false;
      scan.readaheadBytes = 0;
    }
    for (; index < count; index++) {
      const inRun = index - scan.runFirst;
      const block =
        inRun >= 0 && inRun < scan.run.length ? scan.run[inRun] : this.source.dataBlock(index, this.fillCache, scan);
      if (!(block instanceof DataBlock)) return this.enterAsync(index, seekKey, block);
      if (this.position(index, block, seekKey)) return;
      seekKey = null;
    }
    this.blockIndex = count;
  }

  private async enterAsync(index: number, seekKey: BinaryKey | null, pending: Promise<DataBlock>): Promise<void> {
    if (this.position(index, await pending, seekKey)) return;
    const rest = this.enter(index + 1, null);
    if (rest !== undefined) await rest;
  }

  private position(index: number, block: DataBlock, seekKey: BinaryKey | null): boolean {
    this.blockIndex = index;
    this.cursor.reset(block);
    if (seekKey === null) this.cursor.seekToFirst();
    else this.cursor.seek(seekKey, this.seekSeq);
    this.positioned = this.cursor.valid;
    return this.positioned;
  }

  /**
   * The mirror of enter: positions at block `index` — at the last entry with user key < seekKey,
   * or its last entry when seekKey is null — moving back to earlier blocks while the position
   * falls off a block's start.
   */
  private enterBackward(index: number, seekKey: BinaryKey | null): void | Promise<void> {
    this.positioned = false;
    const scan = this.scan;
    if (!scan.backward) {
      scan.backward = true;
      scan.readaheadBytes = 0;
    }
    for (; index >= 0; index--) {
      const inRun = index - scan.runFirst;
      const block =
        inRun >= 0 && inRun < scan.run.length ? scan.run[inRun] : this.source.dataBlock(index, this.fillCache, scan);
      if (!(block instanceof DataBlock)) return this.enterBackwardAsync(index, seekKey, block);
      if (this.positionBackward(index, block, seekKey)) return;
      seekKey = null;
    }
    this.blockIndex = -1;
  }

  private async enterBackwardAsync(index: number, seekKey: BinaryKey | null, pending: Promise<DataBlock>): Promise<void> {
    if (this.positionBackward(index, await pending, seekKey)) return;
    const rest = this.enterBackward(index - 1, null);
    if (rest !== undefined) await rest;
  }

  private positionBackward(index: number, block: DataBlock, seekKey: BinaryKey | null): boolean {
    this.blockIndex = index;
    this.cursor.reset(block);
    if (seekKey === null) this.cursor.seekToLast();
    else this.cursor.seekBefore(seekKey);
    this.positioned = this.cursor.valid;
    return this.positioned;
  }
}
