/**
 * HyperLogLog in Redis 7.0's own representation, byte for byte (docs/format.md, "HyperLogLog
 * strings"): a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached cardinality), then
 * either 16384 dense 6-bit registers or the sparse run-length opcodes ZERO / XZERO / VAL.
 *
 * Why byte for byte, and why the algorithms below follow Redis' step for step: the value is an
 * ordinary string, so users move it between servers with GET/SET or DUMP/RESTORE and expect it to
 * count the same, and PFADD/PFMERGE results to be the same bytes. The sparse form is not canonical
 * (the same registers have several encodings), so only the same sequence of edits (Redis'
 * hllSparseSet: split one opcode, then merge equal VALs around it) gives the same bytes; and the
 * estimate is Ertl's improved estimator computed in the same order of double operations, so it
 * rounds to the same integer.
 *
 * Corrupt values are answered as Redis answers them, where Redis' behaviour is defined: a sparse
 * value whose opcodes do not cover exactly 16384 registers is invalid. Where Redis would read or
 * write outside its buffers (a sparse value whose run lengths overflow a C int: more than 131 072
 * XZERO opcodes), this code calls the value invalid instead.
 *
 * Commands (src/commands/hyperloglog.ts) work on an Hll: a private, growable copy of a value's
 * payload, edited in place as Redis edits its sds string, then stored as a whole.
 */
import type { Int64 } from '../keyspace/numbers.js';

export const HLL_P = 14;
/** Bits of the hash left once the register index is taken, the longest run counted is Q+1. */
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
/** Header + 16384 six-bit registers: a dense value is exactly this long. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);

export const enum HllEncoding {
  Dense = 0,
  Sparse = 1,
}

const SPARSE_XZERO_BIT = 0x40;
const SPARSE_VAL_BIT = 0x80;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
/** 0.5 / ln(2), the estimator's alpha for an infinite number of registers. */
const HLL_ALPHA_INF = 0.7213475204444817; // the double nearest Redis' 0.721347520444481703680

export const ERR_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';
export const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';

// ---------------------------------------------------------------- MurmurHash64A

/** Redis' seed for element hashes. */
const HASH_SEED = 0xadc83b19;
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

// 64-bit values are two unsigned 32-bit halves. Results go through typed arrays: module-level
// numbers above 2^30 would each be a heap allocation (measured 2-3x slower, GC included).
/** mul64's product: [low, high]. */
const PROD = new Uint32Array(2);
/** The last murmurHash64A result: [low, high]. */
export const HASH = new Uint32Array(2);

/** (ah:al) * (bh:bl) mod 2^64 into PROD. The low halves' product is built from 16-bit pieces so every step is exact in a double. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  PROD[0] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  // The typed array keeps the sum mod 2^32.
  PROD[1] = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl);
}

/**
 * MurmurHash64A as Redis has it (endian-neutral: 8-byte blocks read little-endian) over
 * data[start, end), result in HASH.
 */
export function murmurHash64A(data: Uint8Array, start: number, end: number, seed: number): void {
  const len = end - start;
  mul64(0, len, M_HI, M_LO);
  let hHi = PROD[1];
  let hLo = (PROD[0] ^ seed) >>> 0;
  const blocksEnd = start + (len - (len & 7));
  let i = start;
  for (; i < blocksEnd; i += 8) {
    const kLo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    const kHi = (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    // k ^= k >> 47; k *= m; h ^= k; h *= m
    mul64(PROD[1], (PROD[0] ^ (PROD[1] >>> 15)) >>> 0, M_HI, M_LO);
    mul64((hHi ^ PROD[1]) >>> 0, (hLo ^ PROD[0]) >>> 0, M_HI, M_LO);
    hHi = PROD[1];
    hLo = PROD[0];
  }
  const rest = len & 7;
  if (rest !== 0) {
    // The C switch falls through from the highest byte down, each xor-ed into its place.
    if (rest >= 7) hHi ^= data[i + 6] << 16;
    if (rest >= 6) hHi ^= data[i + 5] << 8;
    if (rest >= 5) hHi ^= data[i + 4];
    if (rest >= 4) hLo ^= data[i + 3] << 24;
    if (rest >= 3) hLo ^= data[i + 2] << 16;
    if (rest >= 2) hLo ^= data[i + 1] << 8;
    hLo ^= data[i];
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hHi = PROD[1];
    hLo = PROD[0];
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  mul64(hHi, (hLo ^ (hHi >>> 15)) >>> 0, M_HI, M_LO);
  HASH[1] = PROD[1];
  HASH[0] = PROD[0] ^ (PROD[1] >>> 15);
}

/** The register the last patLen call's element goes to. */
let patIndex = 0;

/**
 * Redis' hllPatLen: hashes the element, leaves its register in patIndex and returns the length
 * of the "000..1" pattern of the hash bits above the index (1 to Q+1).
 */
function patLen(ele: Uint8Array, start: number, end: number): number {
  murmurHash64A(ele, start, end, HASH_SEED);
  const lo = HASH[0];
  const hi = HASH[1];
  patIndex = lo & HLL_P_MASK;
  // The 50 bits above the index: 18 from the low half, 32 from the high one, then bit 50 set.
  const low = lo >>> HLL_P;
  if (low !== 0) return trailingZeros(low) + 1;
  if (hi !== 0) return 32 - HLL_P + trailingZeros(hi) + 1;
  return HLL_Q + 1;
}

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---------------------------------------------------------------- dense registers

/** Register `index` of a dense payload (header included) at `base`. */
function denseGet(b: Uint8Array, index: number): number {
  const at = HLL_HDR_SIZE + ((index * HLL_BITS) >>> 3);
  const fb = (index * HLL_BITS) & 7;
  // The last register's byte+1 is past the registers (Redis reads the sds terminator): treat as 0.
  const next = at + 1 < b.length ? b[at + 1] : 0;
  return ((b[at] >>> fb) | (next << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRegister(b: Uint8Array, index: number, value: number): void {
  const at = HLL_HDR_SIZE + ((index * HLL_BITS) >>> 3);
  const fb = (index * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  b[at] = (b[at] & ~(HLL_REGISTER_MAX << fb)) | (value << fb);
  if (at + 1 < b.length) b[at + 1] = (b[at + 1] & ~(HLL_REGISTER_MAX >>> fb8)) | (value >>> fb8);
}

/** hllDenseSet: raises the register to `count` if it is lower; 1 when it changed. */
function denseSet(b: Uint8Array, index: number, count: number): 0 | 1 {
  if (count > denseGet(b, index)) {
    denseSetRegister(b, index, count);
    return 1;
  }
  return 0;
}

/** Histogram of the dense registers (4 registers in 3 bytes, as Redis' unrolled loop reads them). */
function denseHistogram(b: Uint8Array, histo: Int32Array): void {
  for (let r = HLL_HDR_SIZE; r < HLL_DENSE_SIZE; r += 3) {
    const b0 = b[r];
    const b1 = b[r + 1];
    const b2 = b[r + 2];
    histo[b0 & 63]++;
    histo[((b0 >>> 6) | (b1 << 2)) & 63]++;
    histo[((b1 >>> 4) | (b2 << 4)) & 63]++;
    histo[(b2 >>> 2) & 63]++;
  }
}

// ---------------------------------------------------------------- sparse opcodes

function isZero(op: number): boolean {
  return (op & 0xc0) === 0;
}
function isXzero(op: number): boolean {
  return (op & 0xc0) === SPARSE_XZERO_BIT;
}
function isVal(op: number): boolean {
  return (op & SPARSE_VAL_BIT) !== 0;
}
function zeroLen(op: number): number {
  return (op & 0x3f) + 1;
}
function xzeroLen(op: number, next: number): number {
  return (((op & 0x3f) << 8) | next) + 1;
}
function valValue(op: number): number {
  return ((op >>> 2) & 0x1f) + 1;
}
function valLen(op: number): number {
  return (op & 0x3) + 1;
}
function valOp(value: number, len: number): number {
  return (((value - 1) << 2) | (len - 1) | SPARSE_VAL_BIT) & 0xff;
}

/** The sparse payload of a new key: the header (cache 0, valid) and XZERO:16384. */
function newSparse(): Buffer {
  const out = Buffer.alloc(HLL_HDR_SIZE + 2);
  out.write('HYLL', 0, 'latin1');
  out[4] = HllEncoding.Sparse;
  const len = HLL_REGISTERS - 1;
  out[HLL_HDR_SIZE] = (len >>> 8) | SPARSE_XZERO_BIT;
  out[HLL_HDR_SIZE + 1] = len & 0xff;
  return out;
}

// ---------------------------------------------------------------- values

/**
 * isHLLObjectOrReply's checks on a string's bytes: long enough for the header, the magic, a known
 * encoding, and a dense value exactly as long as a dense value is.
 */
export function isHllPayload(payload: Uint8Array): boolean {
  if (payload.length < HLL_HDR_SIZE) return false;
  if (payload[0] !== 0x48 || payload[1] !== 0x59 || payload[2] !== 0x4c || payload[3] !== 0x4c) return false;
  const encoding = payload[4];
  if (encoding > HllEncoding.Sparse) return false;
  return encoding !== HllEncoding.Dense || payload.length === HLL_DENSE_SIZE;
}

/** Whether the cached cardinality may be used (bit 63 clear). */
export function cacheValid(payload: Uint8Array): boolean {
  return (payload[15] & 0x80) === 0;
}

/** The cached cardinality (only meaningful when cacheValid): an unsigned 64-bit little-endian integer. */
export function cachedCardinality(payload: Uint8Array): Int64 {
  const lo = (payload[8] | (payload[9] << 8) | (payload[10] << 16) | (payload[11] << 24)) >>> 0;
  const hi = (payload[12] | (payload[13] << 8) | (payload[14] << 16) | (payload[15] << 24)) >>> 0;
  if (hi < 0x20_0000) return hi * 0x1_0000_0000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * A HyperLogLog being edited: a copy of a value's payload in a buffer with room to grow, whose
 * byte at `length` is always 0 (Redis' sds terminator, which its sparse code may read).
 */
export class Hll {
  private buf: Buffer;
  private len: number;

  private constructor(buf: Buffer, len: number) {
    this.buf = buf;
    this.len = len;
  }

  /** A new, empty HyperLogLog, as PFADD and PFMERGE create one (sparse). */
  static create(): Hll {
    const bytes = newSparse();
    return Hll.from(bytes);
  }

  /** An editable copy of a payload that passed isHllPayload. */
  static from(payload: Uint8Array): Hll {
    const len = payload.length;
    const buf = Buffer.alloc(Math.max(len + 8, HLL_HDR_SIZE + 64));
    buf.set(payload, 0);
    return new Hll(buf, len);
  }

  get encoding(): HllEncoding {
    return this.buf[4] as HllEncoding;
  }

  /** The payload as it stands (a view: copy it before editing this Hll again). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  get length(): number {
    return this.len;
  }

  invalidateCache(): void {
    this.buf[15] |= 0x80;
  }

  /** Writes a cardinality into the cache (as PFCOUNT does: the 64 bits as they are, little-endian). */
  setCachedCardinality(card: Int64): void {
    const big = BigInt.asUintN(64, BigInt(card));
    this.buf.writeBigUInt64LE(big, 8);
  }

  /** hllAdd: 1 when a register changed, 0 when none did, -1 when the value is corrupt. */
  add(ele: Uint8Array, sparseMaxBytes: number): -1 | 0 | 1 {
    const count = patLen(ele, 0, ele.length);
    return this.set(patIndex, count, sparseMaxBytes);
  }

  /** Raises register `index` to `count` (hllDenseSet / hllSparseSet); same results as add. */
  set(index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
    if (this.buf[4] === HllEncoding.Dense) return denseSet(this.buf, index, count);
    return this.sparseSet(index, count, sparseMaxBytes);
  }

  /**
   * hllSparseSet, step for step (the bytes it leaves are the contract): find the opcode covering
   * `index`; a VAL already >= count changes nothing; a one-register VAL or ZERO is rewritten in
   * place; otherwise the opcode is split into up to three (XZERO-VAL-XZERO at worst), which may
   * exceed `sparseMaxBytes` and turn the value dense; finally equal adjacent VALs near the edit
   * are merged.
   */
  private sparseSet(index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
    if (count > SPARSE_VAL_MAX_VALUE) return this.promote(index, count);
    this.reserve(this.len + 3);
    const b = this.buf;
    let p = HLL_HDR_SIZE;
    let end = this.len;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p];
      let oplen = 1;
      if (isZero(op)) span = zeroLen(op);
      else if (isVal(op)) span = valLen(op);
      else {
        span = xzeroLen(op, b[p + 1]);
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;

    const op = b[p];
    let next = isXzero(op) ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const zero = isZero(op);
    const xzero = isXzero(op);
    const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1]) : valLen(op);

    let updatedInPlace = false;
    if (!zero && !xzero) {
      if (valValue(op) >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        updatedInPlace = true;
      }
    }
    if (!updatedInPlace && zero && runlen === 1) {
      b[p] = valOp(count, 1);
      updatedInPlace = true;
    }

    if (!updatedInPlace) {
      // The general case: the opcode becomes up to three, written to seq first.
      const seq = SEQ;
      let n = 0;
      const last = first + span - 1;
      if (zero || xzero) {
        if (index !== first) n = writeZeros(seq, n, index - first);
        seq[n++] = valOp(count, 1);
        if (index !== last) n = writeZeros(seq, n, last - index);
      } else {
        const curval = valValue(op);
        if (index !== first) seq[n++] = valOp(curval, index - first);
        seq[n++] = valOp(count, 1);
        if (index !== last) seq[n++] = valOp(curval, last - index);
      }
      const seqlen = n;
      const oldlen = xzero ? 2 : 1;
      const deltalen = seqlen - oldlen;
      if (deltalen > 0 && this.len + deltalen > sparseMaxBytes) return this.promote(index, count);
      if (deltalen !== 0 && next !== -1) b.copyWithin(next + deltalen, next, end);
      this.resize(this.len + deltalen);
      b.set(seq.subarray(0, seqlen), p);
      end += deltalen;
    }

    // Merge adjacent VALs of the same value, scanning up to 5 opcodes from the one before the edit.
    p = prev >= 0 ? prev : HLL_HDR_SIZE;
    let scanlen = 5;
    while (p < end && scanlen-- > 0) {
      const cur = b[p];
      if (isXzero(cur)) {
        p += 2;
        continue;
      } else if (isZero(cur)) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(b[p + 1])) {
        const v1 = valValue(cur);
        const v2 = valValue(b[p + 1]);
        if (v1 === v2) {
          const len = valLen(cur) + valLen(b[p + 1]);
          if (len <= SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, len);
            b.copyWithin(p, p + 1, end);
            this.resize(this.len - 1);
            end--;
            // Try the merged opcode against the one on its right too.
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  /** The promote: branch of hllSparseSet: to dense, then the set there (which must change a register). */
  private promote(index: number, count: number): -1 | 1 {
    if (!this.toDense()) return -1;
    denseSet(this.buf, index, count);
    return 1;
  }

  /**
   * hllSparseToDense: the header copied as it is (cached cardinality included) with the encoding
   * byte set to dense, and the registers filled in. False, and no change, when the opcodes do not
   * cover exactly 16384 registers. True at once when already dense.
   */
  toDense(): boolean {
    if (this.buf[4] === HllEncoding.Dense) return true;
    const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
    this.buf.copy(dense, 0, 0, HLL_HDR_SIZE);
    dense[4] = HllEncoding.Dense;
    const registers = dense.subarray(0, HLL_DENSE_SIZE);
    const ok = walkSparse(this.buf, HLL_HDR_SIZE, this.len, (idx, runlen, value) => {
      for (let i = 0; i < runlen; i++) denseSetRegister(registers, idx + i, value);
    });
    if (!ok) return false;
    this.buf = dense;
    this.len = HLL_DENSE_SIZE;
    return true;
  }

  /** Makes room for `bytes` bytes plus the terminator. */
  private reserve(bytes: number): void {
    if (bytes + 1 <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(bytes + 1, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  /** sdsIncrLen: the new length, with the terminator after it. */
  private resize(len: number): void {
    this.len = len;
    this.buf[len] = 0;
  }
}

/** Scratch for the split sequence (5 bytes at most). */
const SEQ = new Uint8Array(5);

/** A run of `len` zero registers as one ZERO or XZERO opcode, at seq[n]; returns the next n. */
function writeZeros(seq: Uint8Array, n: number, len: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq[n] = (l >>> 8) | SPARSE_XZERO_BIT;
    seq[n + 1] = l & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

/**
 * Walks sparse opcodes from `start` to `end` as hllSparseToDense and hllMerge do, calling `onVal`
 * for each VAL run (first register, length, value). True when the opcodes covered exactly 16384
 * registers; false at once at a VAL that would pass the last register, even right after the
 * 16384th (redis-server 7.0.15 answers -INVALIDOBJ for such a value, checked in
 * test/e2e/commands-hyperloglog.test.ts). Run lengths are added as C ints (wrapping at 2^31); a
 * VAL at a wrapped, negative position is refused where Redis would write outside its array.
 */
function walkSparse(b: Uint8Array, start: number, end: number, onVal: (idx: number, runlen: number, value: number) => void): boolean {
  let idx = 0;
  let p = start;
  while (p < end) {
    const op = b[p];
    if (isZero(op)) {
      idx = (idx + zeroLen(op)) | 0;
      p++;
    } else if (isXzero(op)) {
      idx = (idx + xzeroLen(op, p + 1 < end ? b[p + 1] : 0)) | 0;
      p += 2;
    } else {
      const runlen = valLen(op);
      if (runlen + idx > HLL_REGISTERS || idx < 0) return false;
      onVal(idx, runlen, valValue(op));
      idx += runlen;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/**
 * hllMerge: max[i] = MAX(max[i], register i) for every register of a value that passed
 * isHllPayload. False when a sparse value is corrupt (max may then hold part of it, as in Redis,
 * whose callers give up on it).
 */
export function mergeInto(max: Uint8Array, payload: Uint8Array): boolean {
  if (payload[4] === HllEncoding.Dense) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(payload, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return walkSparse(payload, HLL_HDR_SIZE, payload.length, (idx, runlen, value) => {
    for (let i = idx; i < idx + runlen; i++) if (value > max[i]) max[i] = value;
  });
}

/**
 * Whether adding elements[from..] to a dense payload would raise any register: PFADD answers 0
 * for most elements of a big HyperLogLog, and this spares it copying 12 KB to find that out.
 */
export function denseAddChanges(payload: Uint8Array, elements: readonly Uint8Array[], from: number): boolean {
  for (let j = from; j < elements.length; j++) {
    const ele = elements[j];
    const count = patLen(ele, 0, ele.length);
    if (count > denseGet(payload, patIndex)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- the estimate

/** hllSigma (Ertl, arXiv:1702.01284). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** hllTau (Ertl). pow(1 - x, 2) is a correctly rounded square, as the product is. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const TWO_63 = 2 ** 63;

/**
 * The estimate from a register histogram (hllCount after its histogram), as the signed 64-bit
 * value Redis replies with. llroundl of an infinite estimate (every register past 51) is x86's
 * "integer indefinite", INT64_MIN, which is what redis-server answers then.
 */
function estimate(histo: Int32Array): Int64 {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  const e = (HLL_ALPHA_INF * m * m) / z;
  if (!(e < TWO_63) || e < -TWO_63) return -(2n ** 63n);
  // llroundl rounds half away from zero; e is never negative, so Math.round (half up) agrees.
  const rounded = Math.round(e);
  return rounded <= Number.MAX_SAFE_INTEGER ? rounded : BigInt(rounded);
}

const HISTO = new Int32Array(64);

/**
 * hllCount of a value that passed isHllPayload: the estimate, or null when a sparse value's
 * opcodes do not cover exactly 16384 registers (Redis' invalid flag).
 */
export function countPayload(payload: Uint8Array): Int64 | null {
  const histo = HISTO;
  histo.fill(0);
  if (payload[4] === HllEncoding.Dense) {
    denseHistogram(payload, histo);
    return estimate(histo);
  }
  // hllSparseRegHisto: no early stop; int arithmetic as in C.
  let idx = 0;
  const end = payload.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = payload[p];
    if (isZero(op)) {
      const runlen = zeroLen(op);
      idx = (idx + runlen) | 0;
      histo[0] += runlen;
      p++;
    } else if (isXzero(op)) {
      const runlen = xzeroLen(op, p + 1 < end ? payload[p + 1] : 0);
      idx = (idx + runlen) | 0;
      histo[0] += runlen;
      p += 2;
    } else {
      const runlen = valLen(op);
      idx = (idx + runlen) | 0;
      histo[valValue(op)] += runlen;
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return null;
  return estimate(histo);
}

/** hllCount of merged registers, one byte each (PFCOUNT of several keys). */
export function countRegisters(registers: Uint8Array): Int64 {
  const histo = HISTO;
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[registers[i]]++;
  return estimate(histo);
}

// ---------------------------------------------------------------- PFDEBUG

/** Every register of a dense payload (PFDEBUG GETREG). */
export function denseRegisters(payload: Uint8Array): number[] {
  const out = new Array<number>(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(payload, i);
  return out;
}

/** PFDEBUG DECODE's text of a sparse payload: "z:N", "Z:N" and "v:value,len" separated by spaces. */
export function decodeSparse(payload: Uint8Array): string {
  const parts: string[] = [];
  const end = payload.length;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = payload[p];
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < end ? payload[p + 1] : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------- PFSELFTEST

const SELFTEST_CYCLES = 1000;
const SELFTEST_ELEMENTS = 10_000_000;

/**
 * PFSELFTEST: (1) dense registers keep what is written into them without touching their
 * neighbours, over many random fillings; (2) adding 10 million distinct 8-byte elements to a dense
 * and to a sparse HyperLogLog at once, at 1, 10, 100... elements the sparse one is still sparse
 * while small, both estimate the same, and the error is within 6 standard errors. Returns the
 * error text of the first check that fails, or null.
 */
export function selfTest(sparseMaxBytes: number, seed: number = Math.floor(Math.random() * 0x1_0000_0000)): string | null {
  // xorshift32 stands for Redis' rand(): 16 M draws, Math.random took twice as long.
  let state = seed >>> 0 || 1;
  const random32 = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
  const registers = dense.subarray(0, HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < SELFTEST_CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = random32() & HLL_REGISTER_MAX;
      expected[i] = r;
      denseSetRegister(registers, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(registers, i);
      if (val !== expected[i]) return `TESTFAILED Register ${i} should be ${expected[i]} but is ${val}`;
    }
  }

  registers.fill(0, HLL_HDR_SIZE);
  registers.write('HYLL', 0, 'latin1');
  const sparse = Hll.create();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = random32();
  const seedHi = random32();
  const ele = Buffer.alloc(8);
  ele.writeUInt32LE(seedHi, 4);
  for (let j = 1; j <= SELFTEST_ELEMENTS; j++) {
    ele.writeUInt32LE((j ^ seedLo) >>> 0, 0);
    const count = patLen(ele, 0, 8);
    const index = patIndex;
    denseSet(registers, index, count);
    if (sparse.set(index, count, sparseMaxBytes) < 0) return 'TESTFAILED sparse HyperLogLog corrupted';
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.encoding !== HllEncoding.Sparse) return 'TESTFAILED sparse encoding not used';
    const denseCount = countPayload(registers);
    if (denseCount !== countPayload(sparse.bytes())) return 'TESTFAILED dense/sparse disagree';
    let abserr = checkpoint - Number(denseCount);
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    // At 10 elements a collision is too likely for the bound to hold.
    if (j === 10) maxerr = 1;
    if (abserr < 0) abserr = -abserr;
    if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
    checkpoint *= 10;
  }
  return null;
}
