/**
 * Reading RDB values from a buffer (Redis' rdbLoadLen, rdbGenericLoadStringObject, binary
 * doubles, millisecond times; RDB_TYPE_ZSET's text scores are read in ./object.ts). Every read
 * past the end, and every malformed value, throws RdbError.
 */
import { RdbError } from './reader-error.js';
import { lzfDecompress } from './lzf.js';

export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

export class RdbReader {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly end: number = buf.length) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw new RdbError();
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    if (n > this.end - this.pos) throw new RdbError();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLenByRef: the length, or the encoding number of an encoded string; 64-bit lengths exactly. */
  lengthOrEncoding(): { encoded: boolean; value: bigint } {
    const first = this.byte();
    const type = first >> 6;
    if (type === 0) return { encoded: false, value: BigInt(first & 0x3f) };
    if (type === 1) return { encoded: false, value: BigInt(((first & 0x3f) << 8) | this.byte()) };
    if (type === 3) return { encoded: true, value: BigInt(first & 0x3f) };
    if (first === 0x80) return { encoded: false, value: BigInt(this.bytes(4).readUInt32BE(0)) };
    if (first === 0x81) return { encoded: false, value: this.bytes(8).readBigUInt64BE(0) };
    throw new RdbError();
  }

  /** A length as a u64 (stream IDs and counters). rdbLoadLen ignores the encoded-string mark, as here. */
  u64(): bigint {
    return this.lengthOrEncoding().value;
  }

  /** A length that counts things in this payload: beyond what a JS number holds exactly it cannot be right. */
  length(): number {
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError();
    return Number(value);
  }

  /** rdbGenericLoadStringObject */
  string(): Buffer {
    const { encoded, value } = this.lengthOrEncoding();
    if (!encoded) {
      if (value > BigInt(this.remaining)) throw new RdbError();
      return this.bytes(Number(value));
    }
    switch (Number(value)) {
      case RDB_ENC_INT8: return Buffer.from(String(this.bytes(1).readInt8(0)), 'latin1');
      case RDB_ENC_INT16: return Buffer.from(String(this.bytes(2).readInt16LE(0)), 'latin1');
      case RDB_ENC_INT32: return Buffer.from(String(this.bytes(4).readInt32LE(0)), 'latin1');
      case RDB_ENC_LZF: {
        const compressed = this.length();
        const plain = this.length();
        // Redis refuses a zero length here (its allocator would be asked for nothing).
        if (plain === 0) throw new RdbError();
        return lzfDecompress(this.bytes(compressed), plain);
      }
      default: throw new RdbError();
    }
  }

  /** rdbLoadBinaryDoubleValue: 8 bytes little-endian. */
  binaryDouble(): number {
    return this.bytes(8).readDoubleLE(0);
  }

  /** rdbLoadMillisecondTime: a signed 64-bit little-endian number. */
  milliseconds(): number {
    return Number(this.bytes(8).readBigInt64LE(0));
  }
}
