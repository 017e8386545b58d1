/**
 * A parsed data (or index) block and a cursor over it (docs/format.md, "Data and index blocks").
 *
 * A DataBlock is immutable and shared through the block cache; all position state lives in a
 * BlockCursor, which readers and iterators keep and re-point at other blocks, so walking a table
 * allocates nothing per entry beyond the key string and value view a caller actually asks for.
 */
import { CorruptionError } from '../errors.js';
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import { readVarint, type VarintCursor } from '../../util/varint.js';
import { KEY_TRAILER_BYTES, latin1Slice, MAX_SEQUENCE, readTrailerKind, readTrailerSeq } from './format.js';

export class DataBlock {
  /** The block without its trailer; replaced only by ownData, by the same bytes. */
  data: Buffer;
  /** Offset of the restart array = end of the entries. */
  readonly restartsOffset: number;
  readonly numRestarts: number;

  /**
   * `data` is the block without its trailer (already checksummed). `file` and `fileOffset` only
   * name the block in errors. Throws CorruptionError if the restart array is malformed.
   */
  constructor(
    data: Buffer,
    readonly file: string,
    readonly fileOffset: number,
    /**
     * True when `data` is a view into a buffer shared with other blocks (a flush writes blocks
     * into 1 MiB slabs and caches them from there). Such a block pins its whole slab; see ownData.
     */
    private sharesBuffer = false,
  ) {
    this.data = data;
    if (data.length < 4) throw new CorruptionError(file, fileOffset, `block too short (${data.length} bytes)`);
    const numRestarts = data.readUInt32LE(data.length - 4);
    const maxRestarts = (data.length - 4) >>> 2;
    if (numRestarts < 1 || numRestarts > maxRestarts) {
      throw new CorruptionError(file, fileOffset, `block has a bad restart count ${numRestarts}`);
    }
    this.numRestarts = numRestarts;
    this.restartsOffset = data.length - 4 - numRestarts * 4;
    let previous = -1;
    for (let i = 0; i < numRestarts; i++) {
      const restart = data.readUInt32LE(this.restartsOffset + i * 4);
      if (restart <= previous || (restart >= this.restartsOffset && !(i === 0 && restart === 0))) {
        throw new CorruptionError(file, fileOffset, `block restart point ${i} out of order or range (${restart})`);
      }
      previous = restart;
    }
  }

  /**
   * Gives a block that shares a slab its own copy of its bytes, so that the slab can be freed once
   * its other blocks leave the cache. The cache calls it when such a block is hit: blocks a flush
   * cached together leave the LRU together unless some are read, and the ones that are read would
   * otherwise keep a whole slab alive each (a 64 MiB cache was measured holding 105 MiB).
   * Cursors already on the block keep reading the old bytes, which stay valid.
   */
  ownData(): void {
    if (!this.sharesBuffer) return;
    const copy = Buffer.allocUnsafeSlow(this.data.length);
    this.data.copy(copy);
    this.data = copy;
    this.sharesBuffer = false;
  }

  /** True while this block's bytes are a view into a slab shared with other blocks. */
  get sharesSlab(): boolean {
    return this.sharesBuffer;
  }

  /** Bytes this block holds in memory (its charge in the block cache). */
  get byteSize(): number {
    return this.data.length;
  }

  restartPoint(index: number): number {
    return this.data.readUInt32LE(this.restartsOffset + index * 4);
  }
}

const EMPTY_BLOCK = new DataBlock(Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]), '(empty)', 0);

// Fields of one decoded entry in BlockCursor.interval (see prev).
const IV_OFFSET = 0;
const IV_SHARED = 1;
const IV_KEY_LENGTH = 2;
const IV_VALUE_OFFSET = 3;
const IV_VALUE_LENGTH = 4;
/** Where the entry's whole internal key starts in `intervalKeys`. */
const IV_KEY_START = 5;
const IV_FIELDS = 6;

/**
 * Position within one block. `key`, `seq`, `kind` and `value` describe the current entry while
 * `valid`; `key` and `value` are built on first access. Methods throw CorruptionError on entries
 * that do not decode (a checksum-valid block can still be malformed if written by a buggy build).
 *
 * Going backwards: keys are prefix-compressed against the entry before, so an entry can only be
 * decoded by walking forward from a restart point. `prev` therefore decodes the whole restart
 * interval holding the previous entry once, keeping each entry's fields and whole key (as
 * RocksDB's block iterator does), and then steps back through that copy: a reverse scan decodes
 * every entry once, like a forward one, instead of re-walking the interval on every step.
 */
export class BlockCursor {
  private block: DataBlock = EMPTY_BLOCK;
  private data: Buffer = EMPTY_BLOCK.data;
  private limit = 0;
  /** The current internal key, rebuilt from prefix-compressed entries. */
  private keyBuf = Buffer.allocUnsafe(256);
  private keyLength = 0;
  /** Bytes the current key shares with the previous one (0 at a restart point). */
  private shared = 0;
  private valueOffset = 0;
  private valueLength = 0;
  /** Offset of the entry after the current one; `limit` when the current one is the last. */
  private nextOffset = 0;
  private keyString: BinaryKey | null = null;
  private readonly varint: VarintCursor = { value: 0, offset: 0 };
  /** Offset of the current entry. */
  private offset = 0;
  /** The decoded entries of one restart interval, IV_FIELDS ints each (allocated on first use). */
  private interval: Int32Array | null = null;
  private intervalKeys: Buffer | null = null;
  private intervalCount = 0;
  /** Which of them is the current entry, if it still is (checked against `offset`). */
  private intervalIndex = -1;
  valid = false;

  /** Points the cursor at `block` (invalid until a seek). */
  reset(block: DataBlock): void {
    this.block = block;
    this.data = block.data;
    this.limit = block.restartsOffset;
    this.valid = false;
    this.keyLength = 0;
    this.keyString = null;
    this.intervalCount = 0;
  }

  get key(): BinaryKey {
    let key = this.keyString;
    if (key === null) {
      key = latin1Slice(this.keyBuf, 0, this.keyLength - KEY_TRAILER_BYTES);
      this.keyString = key;
    }
    return key;
  }

  get seq(): SequenceNumber {
    return readTrailerSeq(this.keyBuf, this.keyLength - KEY_TRAILER_BYTES);
  }

  get kind(): EntryKind {
    return readTrailerKind(this.keyBuf, this.keyLength - KEY_TRAILER_BYTES);
  }

  /** A view into the block: callers must not mutate it. */
  get value(): Buffer {
    return this.data.subarray(this.valueOffset, this.valueOffset + this.valueLength);
  }

  /** Byte length of the current entry's user key. */
  get userKeyLength(): number {
    return this.keyLength - KEY_TRAILER_BYTES;
  }

  /** Copies the current entry's user key bytes into `target` at `at`, without building a string. */
  copyUserKey(target: Uint8Array, at: number): void {
    target.set(this.keyBuf.subarray(0, this.keyLength - KEY_TRAILER_BYTES), at);
  }

  /** Whether the current entry's user key equals `key`, without building a string. */
  userKeyEquals(key: BinaryKey): boolean {
    return this.keyLength - KEY_TRAILER_BYTES === key.length && compareUserKey(this.keyBuf, 0, key.length, key) === 0;
  }

  seekToFirst(): void {
    this.keyLength = 0;
    this.decodeAt(0);
  }

  next(): void {
    if (!this.valid) return;
    this.decodeAt(this.nextOffset);
  }

  /** Moves to the first entry >= (key, seq) in internal order; invalid if there is none. */
  seek(key: BinaryKey, seq: SequenceNumber): void {
    const block = this.block;
    // Binary search for the last restart point whose (full) key is < target.
    let left = 0;
    let right = block.numRestarts - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      if (this.compareRestartKey(block.restartPoint(mid), key, seq) < 0) left = mid;
      else right = mid - 1;
    }
    this.keyLength = 0;
    this.decodeAt(block.restartPoint(left));

    // Linear scan. `same` counts leading user-key bytes known equal to the target's; `below` says the
    // current user key is below the target at byte `same`. An entry sharing more than `same` bytes
    // with a key that was below there is below too, so most entries are passed without a comparison.
    const targetLength = key.length;
    let same = 0;
    let below = false;
    while (this.valid) {
      const keyBuf = this.keyBuf; // decodeAt may have grown it
      const userLength = this.keyLength - KEY_TRAILER_BYTES;
      if (below && this.shared > same && userLength > same) {
        this.decodeAt(this.nextOffset);
        continue;
      }
      let i = this.shared < same ? this.shared : same;
      const limit = userLength < targetLength ? userLength : targetLength;
      while (i < limit && keyBuf[i] === key.charCodeAt(i)) i++;
      same = i;
      if (i < limit) {
        below = keyBuf[i] < key.charCodeAt(i);
        if (!below) return;
      } else if (userLength !== targetLength) {
        below = userLength < targetLength;
        if (!below) return;
        below = false; // a prefix of the target: the next key may extend it either way
      } else {
        below = false;
        if (readTrailerSeq(keyBuf, userLength) <= seq) return;
      }
      this.decodeAt(this.nextOffset);
    }
  }

  /** Moves to the last entry; invalid if the block is empty. */
  seekToLast(): void {
    const block = this.block;
    const lastRestart = block.restartPoint(block.numRestarts - 1);
    if (lastRestart >= this.limit) {
      this.valid = false; // an empty block (its one restart point is the end)
      return;
    }
    this.loadInterval(lastRestart, this.limit);
    this.restoreInterval(this.intervalCount - 1);
  }

  /** Moves to the last entry whose user key is < `key`; invalid if there is none. */
  seekBefore(key: BinaryKey): void {
    this.seek(key, MAX_SEQUENCE);
    if (this.valid) this.prev();
    else this.seekToLast();
  }

  /** Moves to the entry before the current one; invalid before the first. */
  prev(): void {
    if (!this.valid) return;
    const index = this.intervalIndex;
    if (index > 0 && index < this.intervalCount && (this.interval as Int32Array)[index * IV_FIELDS + IV_OFFSET] === this.offset) {
      this.restoreInterval(index - 1);
      return;
    }
    // The previous entry lies in the interval of the last restart point before this entry.
    const block = this.block;
    const current = this.offset;
    if (block.restartPoint(0) >= current) {
      this.valid = false; // the first entry
      return;
    }
    let left = 0;
    let right = block.numRestarts - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      if (block.restartPoint(mid) < current) left = mid;
      else right = mid - 1;
    }
    this.loadInterval(block.restartPoint(left), current);
    this.restoreInterval(this.intervalCount - 1);
  }

  /**
   * Decodes the entries in [from, until) (from a restart point), keeping each one's fields and
   * whole key in `interval` / `intervalKeys`. Leaves the cursor on the last of them.
   */
  private loadInterval(from: number, until: number): void {
    let interval = this.interval ?? new Int32Array(16 * IV_FIELDS);
    let keys = this.intervalKeys ?? Buffer.allocUnsafe(1024);
    let count = 0;
    let keysUsed = 0;
    this.keyLength = 0;
    let offset = from;
    while (offset < until) {
      this.decodeAt(offset);
      if ((count + 1) * IV_FIELDS > interval.length) {
        const grown = new Int32Array(interval.length * 2);
        grown.set(interval);
        interval = grown;
      }
      const keyLength = this.keyLength;
      if (keysUsed + keyLength > keys.length) {
        const grown = Buffer.allocUnsafe((keysUsed + keyLength) * 2);
        keys.copy(grown, 0, 0, keysUsed);
        keys = grown;
      }
      const keyBuf = this.keyBuf;
      if (keyLength <= 32) {
        for (let i = 0; i < keyLength; i++) keys[keysUsed + i] = keyBuf[i];
      } else {
        keyBuf.copy(keys, keysUsed, 0, keyLength);
      }
      const at = count * IV_FIELDS;
      interval[at + IV_OFFSET] = offset;
      interval[at + IV_SHARED] = this.shared;
      interval[at + IV_KEY_LENGTH] = keyLength;
      interval[at + IV_VALUE_OFFSET] = this.valueOffset;
      interval[at + IV_VALUE_LENGTH] = this.valueLength;
      interval[at + IV_KEY_START] = keysUsed;
      keysUsed += keyLength;
      count++;
      offset = this.nextOffset;
    }
    this.interval = interval;
    this.intervalKeys = keys;
    this.intervalCount = count;
    if (offset !== until || count === 0) {
      this.valid = false;
      this.intervalCount = 0;
      throw this.corrupt(from, `entries from this restart point do not end at offset ${until}`);
    }
  }

  /** Makes entry `index` of the decoded interval the current one. */
  private restoreInterval(index: number): void {
    const interval = this.interval as Int32Array;
    const at = index * IV_FIELDS;
    const keyLength = interval[at + IV_KEY_LENGTH];
    if (this.keyBuf.length < keyLength) this.keyBuf = Buffer.allocUnsafe(keyLength * 2);
    const keyBuf = this.keyBuf;
    const keys = this.intervalKeys as Buffer;
    const keyStart = interval[at + IV_KEY_START];
    // Short keys by hand: a native copy call costs more than the bytes (as in decodeAt).
    if (keyLength <= 32) {
      for (let i = 0; i < keyLength; i++) keyBuf[i] = keys[keyStart + i];
    } else {
      keys.copy(keyBuf, 0, keyStart, keyStart + keyLength);
    }
    this.keyString = null;
    this.offset = interval[at + IV_OFFSET];
    this.shared = interval[at + IV_SHARED];
    this.keyLength = keyLength;
    this.valueOffset = interval[at + IV_VALUE_OFFSET];
    this.valueLength = interval[at + IV_VALUE_LENGTH];
    this.nextOffset = this.valueOffset + this.valueLength;
    this.intervalIndex = index;
    this.valid = true;
  }

  /** Compares the full key stored at a restart point (shared = 0) with (key, seq), in place. */
  private compareRestartKey(offset: number, key: BinaryKey, seq: SequenceNumber): number {
    const data = this.data;
    let keyStart: number;
    let shared = data[offset];
    let nonShared = data[offset + 1];
    if ((shared | nonShared | data[offset + 2]) < 0x80 && offset + 3 <= this.limit) {
      keyStart = offset + 3;
    } else {
      shared = this.varintAt(offset);
      nonShared = this.varintAt(this.varint.offset);
      this.varintAt(this.varint.offset);
      keyStart = this.varint.offset;
    }
    if (shared !== 0 || nonShared < KEY_TRAILER_BYTES || keyStart + nonShared > this.limit) {
      throw this.corrupt(offset, 'bad restart entry');
    }
    const userLength = nonShared - KEY_TRAILER_BYTES;
    const c = compareUserKey(data, keyStart, userLength, key);
    if (c !== 0) return c;
    return seq - readTrailerSeq(data, keyStart + userLength);
  }

  /** Decodes the entry at `offset` on top of the current key; invalid at the end of the entries. */
  private decodeAt(offset: number): void {
    this.keyString = null;
    const limit = this.limit;
    if (offset >= limit) {
      this.valid = false;
      return;
    }
    const data = this.data;
    // Header varints: almost always one byte each, decoded inline.
    let p = offset;
    let shared = data[p];
    if (shared < 0x80 && p + 3 <= limit) p++;
    else {
      shared = this.varintAt(p);
      p = this.varint.offset;
    }
    let nonShared = data[p];
    if (nonShared < 0x80 && p + 2 <= limit) p++;
    else {
      nonShared = this.varintAt(p);
      p = this.varint.offset;
    }
    let valueLength = data[p];
    if (valueLength < 0x80 && p + 1 <= limit) p++;
    else {
      valueLength = this.varintAt(p);
      p = this.varint.offset;
    }
    const keyLength = shared + nonShared;
    const valueStart = p + nonShared;
    if (shared > this.keyLength || keyLength < KEY_TRAILER_BYTES || valueStart + valueLength > limit) {
      this.valid = false;
      throw this.corrupt(offset, 'entry out of bounds');
    }
    if (this.keyBuf.length < keyLength) {
      const grown = Buffer.allocUnsafe(keyLength * 2);
      this.keyBuf.copy(grown, 0, 0, shared);
      this.keyBuf = grown;
    }
    const keyBuf = this.keyBuf;
    if (nonShared <= 32) {
      for (let i = 0; i < nonShared; i++) keyBuf[shared + i] = data[p + i];
    } else {
      data.copy(keyBuf, shared, p, valueStart);
    }
    this.offset = offset;
    this.shared = shared;
    this.keyLength = keyLength;
    this.valueOffset = valueStart;
    this.valueLength = valueLength;
    this.nextOffset = valueStart + valueLength;
    this.valid = true;
  }

  /** Reads the varint at `offset` (value returned, end in `this.varint.offset`); corruption if malformed. */
  private varintAt(offset: number): number {
    const v = this.varint;
    v.offset = offset;
    try {
      readVarint(this.data, v, this.limit);
    } catch (error) {
      this.valid = false;
      throw this.corrupt(offset, error instanceof Error ? error.message : String(error));
    }
    return v.value;
  }

  private corrupt(entryOffset: number, detail: string): CorruptionError {
    return new CorruptionError(
      this.block.file,
      this.block.fileOffset,
      `${detail} (entry at block offset ${entryOffset})`,
    );
  }
}

/** Bytewise comparison of `buf[start, start + length)` with a binary key: sign of buf - key. */
export function compareUserKey(buf: Uint8Array, start: number, length: number, key: BinaryKey): number {
  const n = length < key.length ? length : key.length;
  for (let i = 0; i < n; i++) {
    const d = buf[start + i] - key.charCodeAt(i);
    if (d !== 0) return d;
  }
  return length - key.length;
}
