/**
 * The compact encodings of older RDB files that RDB version 10 still loads: ziplists (lists,
 * hashes and sorted sets before 7.0), zipmaps (hashes before 2.6), and intsets (sets of integers,
 * still written by 7.0). Read only, checked as strictly as listpacks (./listpack.ts).
 */
import { RdbError } from './reader-error.js';
import type { LpElement } from './listpack.js';

const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 0xfe;

/** ziplist.c: header zlbytes u32, zltail u32, zllen u16 (LE), entries (prevlen, encoding, data), 0xFF. */
export function decodeZiplist(zl: Buffer): LpElement[] {
  if (zl.length < 11) throw new RdbError('ziplist too short');
  if (zl.readUInt32LE(0) !== zl.length) throw new RdbError('ziplist size mismatch');
  const tail = zl.readUInt32LE(4);
  const declared = zl.readUInt16LE(8);
  const end = zl.length - 1;
  if (zl[end] !== ZIP_END) throw new RdbError('ziplist without terminator');
  const out: LpElement[] = [];
  let p = 10;
  let prevLen = 0;
  let lastStart = 10;
  while (p < end) {
    const start = p;
    lastStart = start;
    let prev: number;
    if (zl[p] < ZIP_BIG_PREVLEN) {
      prev = zl[p];
      p += 1;
    } else {
      if (zl[p] !== ZIP_BIG_PREVLEN || p + 5 > end) throw new RdbError('ziplist prevlen');
      prev = zl.readUInt32LE(p + 1);
      p += 5;
    }
    if (prev !== prevLen) throw new RdbError('ziplist prevlen mismatch');
    if (p >= end) throw new RdbError('ziplist entry past the end');
    const b = zl[p];
    const need = (n: number): void => {
      if (p + n > end) throw new RdbError('ziplist entry past the end');
    };
    let element: LpElement;
    switch (b >> 6) {
      case 0: {
        const len = b & 0x3f;
        need(1 + len);
        element = zl.subarray(p + 1, p + 1 + len);
        p += 1 + len;
        break;
      }
      case 1: {
        need(2);
        const len = ((b & 0x3f) << 8) | zl[p + 1];
        need(2 + len);
        element = zl.subarray(p + 2, p + 2 + len);
        p += 2 + len;
        break;
      }
      case 2: {
        if (b !== 0x80) throw new RdbError('ziplist encoding');
        need(5);
        const len = zl.readUInt32BE(p + 1);
        need(5 + len);
        element = zl.subarray(p + 5, p + 5 + len);
        p += 5 + len;
        break;
      }
      default:
        switch (b) {
          case 0xc0: need(3); element = BigInt(zl.readInt16LE(p + 1)); p += 3; break;
          case 0xd0: need(5); element = BigInt(zl.readInt32LE(p + 1)); p += 5; break;
          case 0xe0: need(9); element = zl.readBigInt64LE(p + 1); p += 9; break;
          case 0xf0: need(4); element = BigInt(zl.readIntLE(p + 1, 3)); p += 4; break;
          case 0xfe: need(2); element = BigInt(zl.readInt8(p + 1)); p += 2; break;
          default:
            if (b >= 0xf1 && b <= 0xfd) {
              element = BigInt((b & 0x0f) - 1);
              p += 1;
            } else throw new RdbError('ziplist encoding');
        }
    }
    prevLen = p - start;
    out.push(element);
  }
  if (tail !== (out.length === 0 ? 10 : lastStart)) throw new RdbError('ziplist tail offset');
  if (declared !== 0xffff && declared !== out.length) throw new RdbError('ziplist count mismatch');
  return out;
}

/** zipmap.c: zmlen (1 byte), then key and value (lengths of 1 or 5 bytes, the value with a free count), 0xFF. */
export function decodeZipmap(zm: Buffer): Buffer[] {
  if (zm.length < 2) throw new RdbError('zipmap too short');
  const out: Buffer[] = [];
  let p = 1;
  const length = (): number => {
    if (p >= zm.length) throw new RdbError('zipmap past the end');
    const b = zm[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b !== 254 || p + 5 > zm.length) throw new RdbError('zipmap length');
    const len = zm.readUInt32LE(p + 1);
    p += 5;
    return len;
  };
  for (;;) {
    if (p >= zm.length) throw new RdbError('zipmap without terminator');
    if (zm[p] === ZIP_END) break;
    const klen = length();
    if (p + klen > zm.length) throw new RdbError('zipmap key past the end');
    out.push(zm.subarray(p, p + klen));
    p += klen;
    const vlen = length();
    if (p >= zm.length) throw new RdbError('zipmap past the end');
    const free = zm[p++];
    if (p + vlen + free > zm.length) throw new RdbError('zipmap value past the end');
    out.push(zm.subarray(p, p + vlen));
    p += vlen + free;
  }
  if (p !== zm.length - 1) throw new RdbError('zipmap bytes past the end');
  if (zm[0] < 254 && zm[0] !== out.length / 2) throw new RdbError('zipmap count mismatch');
  return out;
}

/** intset.c: encoding (2, 4 or 8 bytes per value) and length as u32 LE, then the values ascending, LE. */
export function decodeIntset(is: Buffer): bigint[] {
  if (is.length < 8) throw new RdbError('intset too short');
  const width = is.readUInt32LE(0);
  const count = is.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError('intset encoding');
  if (is.length !== 8 + count * width) throw new RdbError('intset size mismatch');
  const out: bigint[] = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const v = width === 2 ? BigInt(is.readInt16LE(at)) : width === 4 ? BigInt(is.readInt32LE(at)) : is.readBigInt64LE(at);
    if (i > 0 && v <= out[i - 1]) throw new RdbError('intset out of order');
    out[i] = v;
  }
  return out;
}

/** An intset of `values` (ascending, distinct), in the narrowest encoding that holds them all. */
export function encodeIntset(values: readonly bigint[]): Buffer {
  let width = 2;
  for (const v of values) {
    if (v < -(2n ** 31n) || v >= 2n ** 31n) {
      width = 8;
      break;
    }
    if (v < -32768n || v > 32767n) width = 4;
  }
  const out = Buffer.allocUnsafe(8 + values.length * width);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) out.writeInt16LE(Number(v), at);
    else if (width === 4) out.writeInt32LE(Number(v), at);
    else out.writeBigInt64LE(v, at);
  });
  return out;
}
