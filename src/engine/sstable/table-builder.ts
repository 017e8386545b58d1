/**
 * Writes one SSTable (docs/format.md, "SSTable") from entries given in internal order.
 *
 * Finished blocks are copied into 256 KiB chunks that are appended to the file in the background
 * while building continues; add() hands back a Promise only when more than ~1 MiB waits to be
 * written, which is the caller's signal to await (backpressure) — otherwise it stays synchronous.
 * The table is written to `NNNNNN.sst.tmp` and renamed only once complete and fsynced, so a crash
 * never leaves a half-written file under a table's name.
 */
import { join } from 'node:path';
import type { Env, WritableFile } from '../env/env.js';
import { type BinaryKey, EntryKind, type SequenceNumber } from '../types.js';
import { varintLength, writeVarint } from '../../util/varint.js';
import { BlockBuilder } from './block-builder.js';
import { BloomFilterBuilder } from './bloom.js';
import {
  BLOCK_TRAILER_BYTES,
  type BlockHandle,
  DEFAULT_TABLE_OPTIONS,
  encodeFooter,
  FOOTER_BYTES,
  FORMAT_VERSION,
  MAX_SEQUENCE,
  shortestSeparator,
  shortSuccessor,
  type TableOptions,
  type TableProperties,
  tableFileName,
  writeBlockTrailer,
} from './format.js';

/** Unit of file appends: large enough to amortise syscalls, small enough to start writing early. */
const CHUNK_BYTES = 256 * 1024;
/** Buffered-but-unwritten bytes above which add() asks the caller to wait. */
const BACKPRESSURE_BYTES = 1024 * 1024;

const EMPTY_VALUE = Buffer.alloc(0);

type BuilderState = 'open' | 'finishing' | 'finished' | 'abandoned';

const SINK_SLAB_BYTES = 1024 * 1024;

/** Receives a finished data block's contents (a private copy) and its offset in the table. */
export type DataBlockSink = (offset: number, contents: Buffer) => void;

export class TableBuilder {
  private readonly blockSize: number;
  private readonly dataBlock: BlockBuilder;
  private readonly indexBlock = new BlockBuilder(1);
  private readonly bloom: BloomFilterBuilder;
  private readonly indexValue = Buffer.allocUnsafe(20);

  /** File offset of the next byte to be produced (written, queued or in the current chunk). */
  private offset = 0;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | null = null;
  private writeError: unknown = null;

  /** The last data block's handle and last key, waiting for the next key to pick a short separator. */
  private pendingIndex = false;
  private readonly pendingHandle: BlockHandle = { offset: 0, size: 0 };
  private pendingLastKey: BinaryKey = '';
  private pendingLastSeq: SequenceNumber = 0;

  private entryCount = 0;
  private dataBlocks = 0;
  private firstKey: BinaryKey = '';
  private lastKey: BinaryKey = '';
  private lastSeq: SequenceNumber = 0;
  private minSeq: SequenceNumber = MAX_SEQUENCE;
  private maxSeq: SequenceNumber = 0;
  private state: BuilderState = 'open';

  private constructor(
    private readonly env: Env,
    private readonly file: WritableFile,
    readonly fileNumber: number,
    /** Final path of the table; the builder writes to `${path}.tmp`. */
    readonly path: string,
    options: TableOptions,
    private readonly onDataBlock: DataBlockSink | undefined,
  ) {
    this.blockSize = options.blockSize ?? DEFAULT_TABLE_OPTIONS.blockSize;
    this.dataBlock = new BlockBuilder(options.restartInterval ?? DEFAULT_TABLE_OPTIONS.restartInterval);
    this.bloom = new BloomFilterBuilder(options.bloomBitsPerKey ?? DEFAULT_TABLE_OPTIONS.bloomBitsPerKey);
    if (!(this.blockSize >= 1)) throw new RangeError(`blockSize must be >= 1, got ${this.blockSize}`);
  }

  /**
   * @param onDataBlock receives each finished data block (its own copy, without trailer) and its
   * file offset, so a flush can put freshly written data straight into the block cache.
   */
  static async create(env: Env, dir: string, fileNumber: number, options: TableOptions = {}, onDataBlock?: DataBlockSink): Promise<TableBuilder> {
    const path = join(dir, tableFileName(fileNumber));
    const file = await env.openWritable(`${path}.tmp`, 'truncate');
    return new TableBuilder(env, file, fileNumber, path, options, onDataBlock);
  }

  /** Bytes of the table so far (finished blocks + the block being filled), for splitting outputs. */
  get estimatedSize(): number {
    return this.offset + this.dataBlock.estimatedSize;
  }

  get entries(): number {
    return this.entryCount;
  }

  /**
   * Adds an entry; entries must come in strictly increasing internal order (user key ascending,
   * seq descending). `value` is copied. Returns a Promise only when the caller should wait for
   * buffered blocks to reach the file; it rejects if a write failed.
   */
  add(key: BinaryKey, seq: SequenceNumber, kind: EntryKind, value: Buffer): void | Promise<void> {
    if (this.state !== 'open') throw new Error(`table ${this.path}: add after finish/abandon`);
    if (this.writeError !== null) throw this.writeError;
    if (!Number.isInteger(seq) || seq < 0 || seq > MAX_SEQUENCE) throw new RangeError(`bad sequence number ${seq}`);
    if (kind !== EntryKind.Put && kind !== EntryKind.Delete) throw new RangeError(`bad entry kind ${String(kind)}`);
    const newUserKey = this.entryCount === 0 || key !== this.lastKey;
    if (this.entryCount > 0 && (key < this.lastKey || (!newUserKey && seq >= this.lastSeq))) {
      throw new Error(
        `table ${this.path}: entries out of order: (${JSON.stringify(key)}, ${seq}) after (${JSON.stringify(this.lastKey)}, ${this.lastSeq})`,
      );
    }
    if (this.pendingIndex) this.addIndexEntry(shortestSeparator(this.pendingLastKey, key));
    if (newUserKey) this.bloom.addKey(key);
    if (this.entryCount === 0) this.firstKey = key;
    this.dataBlock.add(key, seq, kind, kind === EntryKind.Put ? value : EMPTY_VALUE);
    this.entryCount++;
    this.lastKey = key;
    this.lastSeq = seq;
    if (seq < this.minSeq) this.minSeq = seq;
    if (seq > this.maxSeq) this.maxSeq = seq;
    if (this.dataBlock.estimatedSize >= this.blockSize) {
      this.finishDataBlock();
      if (this.queuedBytes + this.chunkUsed > BACKPRESSURE_BYTES) return this.drain();
    }
  }

  /**
   * Writes the filter, properties, index and footer, fsyncs, closes and renames the file to its
   * final name. The caller fsyncs the directory. On failure the caller should abandon().
   */
  async finish(): Promise<TableProperties> {
    if (this.state !== 'open') throw new Error(`table ${this.path}: finish after finish/abandon`);
    if (this.writeError !== null) throw this.writeError;
    this.state = 'finishing';
    if (!this.dataBlock.empty) this.finishDataBlock();
    if (this.pendingIndex) this.addIndexEntry(shortSuccessor(this.pendingLastKey));

    const filter = this.emitBlock(this.bloom.finish());
    const properties = this.emitBlock(this.encodeProperties());
    const index = this.emitBlock(this.indexBlock.finish());
    this.reserve(FOOTER_BYTES);
    encodeFooter({ filter, properties, index }, this.chunk, this.chunkUsed);
    this.chunkUsed += FOOTER_BYTES;
    this.offset += FOOTER_BYTES;
    this.retireChunk();

    await this.drain();
    await this.file.sync();
    await this.file.close();
    await this.env.rename(`${this.path}.tmp`, this.path);
    this.state = 'finished';
    return {
      fileNumber: this.fileNumber,
      size: this.offset,
      entries: this.entryCount,
      smallest: this.firstKey,
      largest: this.lastKey,
      smallestSeq: this.entryCount === 0 ? 0 : this.minSeq,
      largestSeq: this.maxSeq,
    };
  }

  /** Stops building: closes and deletes the temporary file. Safe after a failed finish(). */
  async abandon(): Promise<void> {
    if (this.state === 'finished' || this.state === 'abandoned') return;
    this.state = 'abandoned';
    this.queue.length = 0;
    this.queuedBytes = 0;
    while (this.writing !== null) await this.writing;
    try {
      await this.file.close();
    } catch {
      // The write error that led here has already been reported; the file goes away next.
    }
    await this.env.unlink(`${this.path}.tmp`);
  }

  private finishDataBlock(): void {
    const contents = this.dataBlock.finish();
    const handle = this.emitBlock(contents);
    if (this.onDataBlock !== undefined) this.onDataBlock(handle.offset, this.copyForSink(contents));
    this.dataBlock.reset();
    this.dataBlocks++;
    this.pendingHandle.offset = handle.offset;
    this.pendingHandle.size = handle.size;
    this.pendingLastKey = this.lastKey;
    this.pendingLastSeq = this.lastSeq;
    this.pendingIndex = true;
  }

  /** Indexes the pending block under `separator` (seq MAX) or, when null, under its last key. */
  private addIndexEntry(separator: BinaryKey | null): void {
    const value = this.indexValue;
    const end = writeVarint(value, writeVarint(value, 0, this.pendingHandle.offset), this.pendingHandle.size);
    if (separator === null) this.indexBlock.add(this.pendingLastKey, this.pendingLastSeq, EntryKind.Put, value.subarray(0, end));
    else this.indexBlock.add(separator, MAX_SEQUENCE, EntryKind.Put, value.subarray(0, end));
    this.pendingIndex = false;
  }

  private encodeProperties(): Buffer {
    const smallest = this.firstKey;
    const largest = this.lastKey;
    const minSeq = this.entryCount === 0 ? 0 : this.minSeq;
    const size =
      varintLength(FORMAT_VERSION) +
      varintLength(this.entryCount) +
      varintLength(this.dataBlocks) +
      varintLength(smallest.length) +
      smallest.length +
      varintLength(largest.length) +
      largest.length +
      varintLength(minSeq) +
      varintLength(this.maxSeq);
    const out = Buffer.allocUnsafe(size);
    let at = writeVarint(out, 0, FORMAT_VERSION);
    at = writeVarint(out, at, this.entryCount);
    at = writeVarint(out, at, this.dataBlocks);
    at = writeVarint(out, at, smallest.length);
    at += out.latin1Write(smallest, at);
    at = writeVarint(out, at, largest.length);
    at += out.latin1Write(largest, at);
    at = writeVarint(out, at, minSeq);
    writeVarint(out, at, this.maxSeq);
    return out;
  }

  /**
   * Copies a block for the sink out of 1 MiB slabs: one allocation per ~250 blocks instead of one
   * each (a Buffer per block cost more than building it). A slab lives while any of its blocks is
   * cached; blocks of one table tend to leave the LRU together.
   */
  private copyForSink(contents: Buffer): Buffer {
    const length = contents.length;
    if (this.sinkSlabUsed + length > this.sinkSlab.length) {
      this.sinkSlab = Buffer.allocUnsafeSlow(Math.max(SINK_SLAB_BYTES, length));
      this.sinkSlabUsed = 0;
    }
    const copy = this.sinkSlab.subarray(this.sinkSlabUsed, this.sinkSlabUsed + length);
    copy.set(contents);
    this.sinkSlabUsed += length;
    return copy;
  }
  private sinkSlab: Buffer = Buffer.alloc(0);
  private sinkSlabUsed = 0;

  /** Copies a block plus its trailer into the output; returns its handle. */
  private emitBlock(contents: Buffer): BlockHandle {
    const size = contents.length;
    this.reserve(size + BLOCK_TRAILER_BYTES);
    const start = this.chunkUsed;
    contents.copy(this.chunk, start);
    this.chunkUsed = writeBlockTrailer(this.chunk, start, start + size);
    const handle = { offset: this.offset, size };
    this.offset += size + BLOCK_TRAILER_BYTES;
    return handle;
  }

  /** Makes room for `bytes` contiguous bytes in the current chunk, retiring it if needed. */
  private reserve(bytes: number): void {
    if (this.chunkUsed + bytes <= this.chunk.length) return;
    this.retireChunk();
    if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes);
  }

  /** Queues the current chunk for writing and starts a fresh one. */
  private retireChunk(): void {
    if (this.chunkUsed === 0) return;
    this.queue.push(this.chunk.subarray(0, this.chunkUsed));
    this.queuedBytes += this.chunkUsed;
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.chunkUsed = 0;
    if (this.writing === null) this.writing = this.writeQueue();
  }

  /**
   * Appends queued chunks one at a time. Never rejects: a failure is kept in writeError and
   * reported by the next add/finish/drain. Only started with a non-empty queue, so it always
   * reaches an await before its finally clears `writing`.
   */
  private async writeQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const chunk = this.queue[0];
        await this.file.append(chunk);
        this.queue.shift();
        this.queuedBytes -= chunk.length;
      }
    } catch (error) {
      this.writeError = error;
      this.queue.length = 0;
      this.queuedBytes = 0;
    } finally {
      this.writing = null;
    }
  }

  /** Resolves once everything queued is written; rejects with the write error if one happened. */
  private async drain(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.writeError !== null) throw this.writeError;
  }
}
