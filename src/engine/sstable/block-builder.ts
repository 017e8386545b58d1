/**
 * Encodes one data or index block (docs/format.md, "Data and index blocks"): prefix-compressed
 * internal keys with a restart point every `restartInterval` entries. One builder is reused for
 * every block of a table, so its buffers are allocated once and grow to the largest block.
 */
import type { BinaryKey, EntryKind, SequenceNumber } from '../types.js';
import { writeVarint } from '../../util/varint.js';
import { KEY_TRAILER_BYTES, writeKeyTrailer } from './format.js';

/** Three varints of at most 5 bytes each for any length below 2^35. */
const ENTRY_HEADER_MAX = 15;

export class BlockBuilder {
  private buf = Buffer.allocUnsafe(8192);
  private used = 0;
  private restarts: number[] = [0];
  private sinceRestart = 0;
  private entryCount = 0;
  /** The previous and the current internal key, swapped after each add. */
  private lastKey = Buffer.allocUnsafe(256);
  private lastKeyLength = 0;
  private currentKey = Buffer.allocUnsafe(256);

  constructor(private readonly restartInterval: number) {
    if (!(restartInterval >= 1)) throw new RangeError(`restartInterval must be >= 1, got ${restartInterval}`);
  }

  get entries(): number {
    return this.entryCount;
  }

  get empty(): boolean {
    return this.entryCount === 0;
  }

  /** Size of the block if finished now (entries + restart array + count). */
  get estimatedSize(): number {
    return this.used + this.restarts.length * 4 + 4;
  }

  /** Appends an entry; the caller guarantees internal keys come in increasing order. */
  add(userKey: BinaryKey, seq: SequenceNumber, kind: EntryKind, value: Uint8Array): void {
    const keyLength = userKey.length + KEY_TRAILER_BYTES;
    if (this.currentKey.length < keyLength) this.currentKey = Buffer.allocUnsafe(keyLength * 2);
    const key = this.currentKey;
    key.latin1Write(userKey, 0);
    writeKeyTrailer(key, userKey.length, seq, kind);

    let shared = 0;
    if (this.sinceRestart < this.restartInterval) {
      const last = this.lastKey;
      const limit = Math.min(this.lastKeyLength, keyLength);
      while (shared < limit && last[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.used);
      this.sinceRestart = 0;
    }
    const nonShared = keyLength - shared;

    this.ensureRoom(ENTRY_HEADER_MAX + nonShared + value.length);
    const buf = this.buf;
    let at = writeVarint(buf, this.used, shared);
    at = writeVarint(buf, at, nonShared);
    at = writeVarint(buf, at, value.length);
    if (nonShared <= 32) {
      for (let i = shared; i < keyLength; i++) buf[at++] = key[i];
    } else {
      key.copy(buf, at, shared, keyLength);
      at += nonShared;
    }
    buf.set(value, at);
    this.used = at + value.length;

    this.currentKey = this.lastKey;
    this.lastKey = key;
    this.lastKeyLength = keyLength;
    this.sinceRestart++;
    this.entryCount++;
  }

  /**
   * Appends the restart array and returns the block's bytes. The returned buffer is a view into the
   * builder's memory, valid until the next add() or reset().
   */
  finish(): Buffer {
    const restarts = this.restarts;
    this.ensureRoom(restarts.length * 4 + 4);
    let at = this.used;
    for (let i = 0; i < restarts.length; i++, at += 4) this.buf.writeUInt32LE(restarts[i], at);
    this.buf.writeUInt32LE(restarts.length, at);
    return this.buf.subarray(0, at + 4);
  }

  reset(): void {
    this.used = 0;
    this.restarts.length = 1;
    this.restarts[0] = 0;
    this.sinceRestart = 0;
    this.entryCount = 0;
    this.lastKeyLength = 0;
  }

  private ensureRoom(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

