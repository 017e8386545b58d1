/**
 * Listpacks, Redis 7.0's compact sequence (listpack.c): a header of total bytes (u32 LE) and
 * element count (u16 LE, 65535 when unknown), the elements, then 0xFF. Each element is its
 * encoding (a small integer, a 13/16/24/32/64-bit integer or a string with a 6/12/32-bit length),
 * then "backlen", the size of encoding and data in 1 to 5 bytes readable from the right.
 *
 * Reading checks everything Redis' deep integrity check does (sanitize-dump-payload yes), so a
 * malformed listpack is refused whatever the configuration, never half-read.
 */
import { RdbError } from './reader-error.js';
import { canonicalInteger, decimal } from './integers.js';

/** An element: a string, or an integer (what a string that is a canonical integer is stored as). */
export type LpElement = Buffer | bigint;

const HEADER = 6;
const EOF_BYTE = 0xff;
const UNKNOWN_COUNT = 65535;

/** The element as Redis gives it back to commands: an integer as its decimal text. */
export function elementBytes(e: LpElement): Buffer {
  return typeof e === 'bigint' ? decimal(e) : e;
}

/** The element as an integer (stream fields are), or RdbError when it is a string that is not one. */
export function elementInteger(e: LpElement): bigint {
  if (typeof e === 'bigint') return e;
  const v = canonicalInteger(e);
  if (v === undefined) throw new RdbError('listpack element is not an integer');
  return v;
}

function backlenSize(len: number): number {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

/** Reads every element of `lp`; throws RdbError on anything malformed. */
export function decodeListpack(lp: Buffer): LpElement[] {
  if (lp.length < HEADER + 1) throw new RdbError('listpack too short');
  if (lp.readUInt32LE(0) !== lp.length) throw new RdbError('listpack size mismatch');
  const declared = lp.readUInt16LE(4);
  const out: LpElement[] = [];
  let p = HEADER;
  const end = lp.length - 1;
  if (lp[end] !== EOF_BYTE) throw new RdbError('listpack without terminator');
  while (p < end) {
    const start = p;
    const b = lp[p];
    let element: LpElement;
    const need = (n: number): void => {
      if (p + n > end) throw new RdbError('listpack element past the end');
    };
    if ((b & 0x80) === 0) {
      element = BigInt(b & 0x7f);
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      need(1 + len);
      element = lp.subarray(p + 1, p + 1 + len);
      p += 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      let v = ((b & 0x1f) << 8) | lp[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      element = BigInt(v);
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      need(2 + len);
      element = lp.subarray(p + 2, p + 2 + len);
      p += 2 + len;
    } else {
      switch (b) {
        case 0xf0: {
          need(5);
          const len = lp.readUInt32LE(p + 1);
          need(5 + len);
          element = lp.subarray(p + 5, p + 5 + len);
          p += 5 + len;
          break;
        }
        case 0xf1: need(3); element = BigInt(lp.readInt16LE(p + 1)); p += 3; break;
        case 0xf2: need(4); element = BigInt(lp.readIntLE(p + 1, 3)); p += 4; break;
        case 0xf3: need(5); element = BigInt(lp.readInt32LE(p + 1)); p += 5; break;
        case 0xf4: need(9); element = lp.readBigInt64LE(p + 1); p += 9; break;
        default: throw new RdbError('listpack element of unknown encoding');
      }
    }
    const entryLen = p - start;
    const size = backlenSize(entryLen);
    if (p + size > end) throw new RdbError('listpack backlen past the end');
    if (readBacklen(lp, p + size - 1) !== entryLen) throw new RdbError('listpack backlen mismatch');
    p += size;
    out.push(element);
  }
  if (declared !== UNKNOWN_COUNT && declared !== out.length) throw new RdbError('listpack count mismatch');
  return out;
}

/** The backlen whose last byte is at `at`, read right to left. */
function readBacklen(lp: Buffer, at: number): number {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    const b = lp[at - i];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
    shift += 7;
  }
  return -1;
}

/** Builds a listpack element by element (lpAppend / lpAppendInteger). */
export class ListpackWriter {
  private readonly parts: Buffer[] = [];
  private bytes = HEADER + 1;
  count = 0;

  get size(): number {
    return this.bytes;
  }

  /** A string: stored as an integer when it is a canonical one, as Redis does. */
  append(value: Uint8Array): this {
    const n = value.length <= 20 ? canonicalInteger(value) : undefined;
    if (n !== undefined) return this.appendInteger(n);
    const len = value.length;
    let head: Buffer;
    if (len < 64) head = Buffer.from([0x80 | len]);
    else if (len < 4096) head = Buffer.from([0xe0 | (len >> 8), len & 0xff]);
    else {
      head = Buffer.allocUnsafe(5);
      head[0] = 0xf0;
      head.writeUInt32LE(len, 1);
    }
    return this.push(Buffer.concat([head, value]));
  }

  appendInteger(value: bigint | number): this {
    const v = BigInt(value);
    let enc: Buffer;
    if (v >= 0n && v <= 127n) enc = Buffer.from([Number(v)]);
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? v + 8192n : v);
      enc = Buffer.from([0xc0 | (u >> 8), u & 0xff]);
    } else if (v >= -32768n && v <= 32767n) {
      enc = Buffer.allocUnsafe(3);
      enc[0] = 0xf1;
      enc.writeInt16LE(Number(v), 1);
    } else if (v >= -8388608n && v <= 8388607n) {
      enc = Buffer.allocUnsafe(4);
      enc[0] = 0xf2;
      enc.writeIntLE(Number(v), 1, 3);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      enc = Buffer.allocUnsafe(5);
      enc[0] = 0xf3;
      enc.writeInt32LE(Number(v), 1);
    } else {
      enc = Buffer.allocUnsafe(9);
      enc[0] = 0xf4;
      enc.writeBigInt64LE(v, 1);
    }
    return this.push(enc);
  }

  private push(entry: Buffer): this {
    const len = entry.length;
    const size = backlenSize(len);
    const back = Buffer.allocUnsafe(size);
    // Left to right: the highest 7 bits first; every byte but the leftmost has the high bit set.
    for (let i = 0; i < size; i++) {
      const shift = 7 * (size - 1 - i);
      const bits = Math.floor(len / 2 ** shift) & 0x7f;
      back[i] = i === 0 ? bits : bits | 0x80;
    }
    this.parts.push(entry, back);
    this.bytes += len + size;
    this.count++;
    return this;
  }

  finish(): Buffer {
    const head = Buffer.allocUnsafe(HEADER);
    head.writeUInt32LE(this.bytes, 0);
    head.writeUInt16LE(this.count < UNKNOWN_COUNT ? this.count : UNKNOWN_COUNT, 4);
    return Buffer.concat([head, ...this.parts, Buffer.from([EOF_BYTE])], this.bytes);
  }
}
