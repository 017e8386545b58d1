/**
 * Writing RDB values into a growing buffer (Redis' rdbSaveLen, rdbSaveRawString with its integer
 * encoding, binary doubles, millisecond times). Strings are never LZF-compressed: that is what
 * redis-server writes with `rdbcompression no`, and what every Redis reads.
 */
import { canonicalInteger } from './integers.js';
import { RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8 } from './reader.js';

/** Strings of at most this many bytes are tried as integers (rdbTryIntegerEncoding). */
const INTEGER_STRING_MAX = 11;

export class RdbWriter {
  private buf: Buffer;
  private at = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get size(): number {
    return this.at;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.at++] = b;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }

  /** rdbSaveLen; a bigint for u64 values (stream IDs and counters). */
  length(n: number | bigint): this {
    if (typeof n === 'number' && n < 64) return this.byte(n);
    if (typeof n === 'number' && n < 16384) return this.byte(0x40 | (n >> 8)).byte(n & 0xff);
    const big = BigInt(n);
    if (big <= 0xffff_ffffn) {
      this.reserve(5);
      this.buf[this.at] = 0x80;
      this.buf.writeUInt32BE(Number(big), this.at + 1);
      this.at += 5;
      return this;
    }
    this.reserve(9);
    this.buf[this.at] = 0x81;
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, big), this.at + 1);
    this.at += 9;
    return this;
  }

  /** rdbSaveRawString without compression: short canonical integers in int8/16/32 form, else length and bytes. */
  string(bytes: Uint8Array): this {
    if (bytes.length <= INTEGER_STRING_MAX) {
      const value = canonicalInteger(bytes);
      if (value !== undefined && value >= -(2n ** 31n) && value < 2n ** 31n) return this.integerString(Number(value));
    }
    return this.length(bytes.length).raw(bytes);
  }

  private integerString(v: number): this {
    if (v >= -128 && v <= 127) {
      this.reserve(2);
      this.buf[this.at] = 0xc0 | RDB_ENC_INT8;
      this.buf.writeInt8(v, this.at + 1);
      this.at += 2;
    } else if (v >= -32768 && v <= 32767) {
      this.reserve(3);
      this.buf[this.at] = 0xc0 | RDB_ENC_INT16;
      this.buf.writeInt16LE(v, this.at + 1);
      this.at += 3;
    } else {
      this.reserve(5);
      this.buf[this.at] = 0xc0 | RDB_ENC_INT32;
      this.buf.writeInt32LE(v, this.at + 1);
      this.at += 5;
    }
    return this;
  }

  binaryDouble(v: number): this {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
    return this;
  }

  milliseconds(ms: number): this {
    this.reserve(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.at);
    this.at += 8;
    return this;
  }

  /** The bytes written (a view of the writer's buffer). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}
