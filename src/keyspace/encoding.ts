/**
 * How Redis keys and values are laid out as engine keys and values. docs/format.md
 * ("Keyspace encoding") describes the same bytes; change both together.
 *
 * Engine keys
 * -----------
 * Every engine key starts with a 4-byte big-endian *namespace* id. Namespace 0 holds global
 * metadata; every other namespace holds the contents of one logical database. Logical databases
 * (SELECT 0..databases-1) are mapped to namespaces by the layout record, which is what makes
 * FLUSHDB, FLUSHALL and SWAPDB a single small write instead of rewriting every key: a flushed
 * database gets a fresh namespace, and the old one is deleted in the background.
 *
 *   ns(4) 'k' userKey                  the value of a top-level key
 *   ns(4) 'x' expireAt(8, BE) userKey  expiry index entry (empty value), ordered by time so the
 *                                      active expiry cycle finds due keys without a scan
 *   ns(4) 'f' minFieldExpire(8) userKey  hash-field expiry index entry (empty value): hashes
 *                                      with field TTLs, by their earliest one (docs/format.md)
 *   ns(4) 'h' 's' 'z' 'Z' 'l' 'e' ...  members of collection keys (collection-encoding.ts)
 *   0(4)  'L'                          layout record (logical db -> namespace map, dead namespaces)
 *   0(4)  'N' ns(4)                    key counts of a namespace
 *   0(4)  'C' cursorId(8, BE)          a SCAN cursor's resume key
 *   0(4)  'G' memberPrefix             a dead collection version whose members are still on disk
 *   0(4)  'R' memberPrefix             a collection version being built, not yet named by metadata
 *
 * Values of top-level keys
 * ------------------------
 *   header(1)      bits 0-3 type (0 = string; 1-5 reserved for list, set, zset, hash, stream),
 *                  bits 4-5 string encoding hint (see StringEncodingHint), bit 6 reserved,
 *                  bit 7 set when an expire time follows
 *   expireAt(8)    only when bit 7 is set: unix time in ms, signed 64-bit big-endian
 *   payload        the string bytes (for later types: their own encoding)
 *
 * The expire time sits at a fixed offset so that reads and the compaction filter can check it
 * without parsing anything else.
 */
import type { BinaryKey } from '../engine/types.js';

/** Node's native latin1 decoder (Buffer#latin1Slice), missing from @types/node. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/** The bytes as a binary string (one char per byte), without the generic toString dispatch. */
export function binaryKey(buf: Buffer, start = 0, end: number = buf.length): BinaryKey {
  return (buf as Buffer & Latin1Slicer).latin1Slice(start, end);
}

export const META_NAMESPACE = 0;
export const NAMESPACE_BYTES = 4;

export const TAG_DATA = 'k';
export const TAG_EXPIRY = 'x';
/** Hash-field expiry index: `ns 'f' minFieldExpire(8) userKey`, one entry per hash with field TTLs. */
export const TAG_FIELD_EXPIRY = 'f';
export const META_LAYOUT_KEY: BinaryKey = '\0\0\0\0L';
export const META_COUNTS_PREFIX: BinaryKey = '\0\0\0\0N';
export const META_CURSOR_PREFIX: BinaryKey = '\0\0\0\0C';
/** Garbage records: dead collection versions whose members are still on disk (dead-versions.ts). */
export const META_GARBAGE_PREFIX: BinaryKey = '\0\0\0\0G';
/** Reservations: collection versions being built (a RENAME's copy) that no metadata names yet. */
export const META_RESERVED_PREFIX: BinaryKey = '\0\0\0\0R';

export const enum ValueType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  Stream = 5,
}

/** Names as TYPE and SCAN TYPE spell them, indexed by ValueType. */
export const TYPE_NAMES: readonly string[] = ['string', 'list', 'set', 'zset', 'hash', 'stream'];

/**
 * Which OBJECT ENCODING a string reports. Redis decides it when the value is created, so the
 * same bytes can be "int" after SET but "raw" after APPEND; the hint records that decision.
 */
export const enum StringEncodingHint {
  /** Decided by content, as tryObjectEncoding does: int, else embstr up to 44 bytes, else raw. */
  ByContent = 0,
  /** Always raw (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP results). */
  Raw = 1,
  /** Never int; embstr up to 44 bytes, else raw (INCRBYFLOAT results). */
  NotInt = 2,
}

const TYPE_MASK = 0x0f;
const HINT_SHIFT = 4;
const HINT_MASK = 0x30;
const EXPIRE_FLAG = 0x80;
const EXPIRE_BYTES = 8;
const TWO_32 = 0x1_0000_0000;

export const NO_EXPIRE = -1;

/** The 4-char big-endian namespace prefix. */
export function namespacePrefix(ns: number): BinaryKey {
  return String.fromCharCode((ns >>> 24) & 0xff, (ns >>> 16) & 0xff, (ns >>> 8) & 0xff, ns & 0xff);
}

export function readNamespace(key: BinaryKey): number {
  return (
    ((key.charCodeAt(0) << 24) | (key.charCodeAt(1) << 16) | (key.charCodeAt(2) << 8) | key.charCodeAt(3)) >>> 0
  );
}

/**
 * Expire times are JS numbers: exact up to 2^53 ms (year 287 396). Larger ones (PEXPIREAT near
 * 2^63, allowed by Redis) are stored as the int64 nearest to the double, capped at INT64_MAX.
 */
function int64Halves(ms: number): [number, number] {
  if (ms <= Number.MAX_SAFE_INTEGER) return [Math.floor(ms / TWO_32), ms >>> 0];
  const big = ms >= 2 ** 63 ? INT64_MAX : BigInt(ms);
  return [Number(big >> 32n), Number(big & 0xffff_ffffn)];
}

const INT64_MAX = 0x7fff_ffff_ffff_ffffn;

/** The 8-char big-endian encoding of a non-negative ms timestamp (as stored in the index). */
export function encodeTime(ms: number): BinaryKey {
  const [hi, lo] = int64Halves(ms);
  return String.fromCharCode(
    (hi >>> 24) & 0xff,
    (hi >>> 16) & 0xff,
    (hi >>> 8) & 0xff,
    hi & 0xff,
    (lo >>> 24) & 0xff,
    (lo >>> 16) & 0xff,
    (lo >>> 8) & 0xff,
    lo & 0xff,
  );
}

export function decodeTime(key: BinaryKey, at: number): number {
  const hi =
    ((key.charCodeAt(at) << 24) |
      (key.charCodeAt(at + 1) << 16) |
      (key.charCodeAt(at + 2) << 8) |
      key.charCodeAt(at + 3)) >>>
    0;
  const lo =
    ((key.charCodeAt(at + 4) << 24) |
      (key.charCodeAt(at + 5) << 16) |
      (key.charCodeAt(at + 6) << 8) |
      key.charCodeAt(at + 7)) >>>
    0;
  return hi * TWO_32 + lo;
}

/** Expiry index key: ns 'x' expireAt userKey. */
export function expiryIndexKey(nsPrefix: BinaryKey, expireAt: number, key: BinaryKey): BinaryKey {
  return nsPrefix + TAG_EXPIRY + encodeTime(expireAt) + key;
}

/** The smallest key greater than every key that starts with `prefix` (undefined: no bound). */
export function prefixEnd(prefix: BinaryKey): BinaryKey | undefined {
  let i = prefix.length - 1;
  while (i >= 0 && prefix.charCodeAt(i) === 0xff) i--;
  if (i < 0) return undefined;
  return prefix.slice(0, i) + String.fromCharCode(prefix.charCodeAt(i) + 1);
}

// ---- values ----

export function valueType(value: Buffer): ValueType {
  return (value[0] & TYPE_MASK) as ValueType;
}

export function encodingHint(value: Buffer): StringEncodingHint {
  return ((value[0] & HINT_MASK) >>> HINT_SHIFT) as StringEncodingHint;
}

export function hasExpire(value: Buffer): boolean {
  return (value[0] & EXPIRE_FLAG) !== 0;
}

/** The expire time in ms, or NO_EXPIRE. Exact up to 2^53 ms (year 285 000). */
export function expireAt(value: Buffer): number {
  if ((value[0] & EXPIRE_FLAG) === 0) return NO_EXPIRE;
  return value.readInt32BE(1) * TWO_32 + value.readUInt32BE(5);
}

/** The expire time exactly (a bigint beyond 2^53), or NO_EXPIRE; for replies. */
export function expireAtExact(value: Buffer): number | bigint {
  if ((value[0] & EXPIRE_FLAG) === 0) return NO_EXPIRE;
  const hi = value.readInt32BE(1);
  if (hi < 0x20_0000) return hi * TWO_32 + value.readUInt32BE(5);
  return value.readBigInt64BE(1);
}

export function payloadOffset(value: Buffer): number {
  return (value[0] & EXPIRE_FLAG) === 0 ? 1 : 1 + EXPIRE_BYTES;
}

/** The payload as a view (no copy). Never write into it: engine values are shared. */
export function payload(value: Buffer): Buffer {
  return value.subarray((value[0] & EXPIRE_FLAG) === 0 ? 1 : 1 + EXPIRE_BYTES);
}

export function payloadLength(value: Buffer): number {
  return value.length - payloadOffset(value);
}

/** Allocates a value with room for `payloadBytes` bytes; the caller fills them from the returned offset. */
export function allocateValue(
  type: ValueType,
  hint: StringEncodingHint,
  expire: number,
  payloadBytes: number,
): { value: Buffer; offset: number } {
  const value = Buffer.allocUnsafe(headerLength(expire) + payloadBytes);
  const offset = writeHeader(value, type, hint, expire);
  return { value, offset };
}

export function headerLength(expire: number): number {
  return expire === NO_EXPIRE ? 1 : 1 + EXPIRE_BYTES;
}

/** Writes the header at offset 0; returns where the payload starts. */
export function writeHeader(target: Buffer, type: ValueType, hint: StringEncodingHint, expire: number): number {
  if (expire === NO_EXPIRE) {
    target[0] = type | (hint << HINT_SHIFT);
    return 1;
  }
  target[0] = type | (hint << HINT_SHIFT) | EXPIRE_FLAG;
  const [hi, lo] = int64Halves(expire);
  target.writeInt32BE(hi | 0, 1);
  target.writeUInt32BE(lo, 5);
  return 1 + EXPIRE_BYTES;
}

/** A string value holding `bytes` (copied), with the given expire time. */
export function encodeString(bytes: Uint8Array, expire: number, hint: StringEncodingHint): Buffer {
  const value = Buffer.allocUnsafe(headerLength(expire) + bytes.length);
  const offset = writeHeader(value, ValueType.String, hint, expire);
  value.set(bytes, offset);
  return value;
}

/** A string value holding the latin1 chars of `text`. */
export function encodeStringFromLatin1(text: string, expire: number, hint: StringEncodingHint): Buffer {
  const value = Buffer.allocUnsafe(headerLength(expire) + text.length);
  const offset = writeHeader(value, ValueType.String, hint, expire);
  value.latin1Write(text, offset);
  return value;
}

/** The same value with a different expire time (payload and type copied). */
export function withExpire(value: Buffer, expire: number): Buffer {
  const start = payloadOffset(value);
  const out = Buffer.allocUnsafe(headerLength(expire) + value.length - start);
  const offset = writeHeader(out, valueType(value), encodingHint(value), expire);
  value.copy(out, offset, start);
  return out;
}

/** Largest payload that Redis stores as embstr. */
const EMBSTR_LIMIT = 44;
/** Longest decimal text of a 64-bit signed integer ("-9223372036854775808"). */
const MAX_INT_TEXT = 20;

/** What OBJECT ENCODING answers for a string value (collections: collection-encoding.ts, objectEncoding). */
export function stringEncoding(value: Buffer): string {
  const hint = encodingHint(value);
  const length = payloadLength(value);
  if (hint === StringEncodingHint.Raw) return 'raw';
  if (hint === StringEncodingHint.ByContent && length <= MAX_INT_TEXT && isCanonicalInt64(value, payloadOffset(value))) {
    return 'int';
  }
  return length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}

const INT64_MAX_TEXT = '9223372036854775807';
const INT64_MIN_TEXT = '9223372036854775808';

/** True when bytes[start..] is the canonical decimal text of a signed 64-bit integer (Redis string2ll). */
export function isCanonicalInt64(bytes: Uint8Array, start: number, end: number = bytes.length): boolean {
  let i = start;
  if (i >= end) return false;
  const negative = bytes[i] === 0x2d;
  if (negative) i++;
  if (i >= end) return false;
  if (bytes[i] === 0x30) return end - start === 1;
  const digits = end - i;
  if (digits > 19) return false;
  for (let j = i; j < end; j++) {
    const c = bytes[j];
    if (c < 0x30 || c > 0x39) return false;
  }
  if (digits < 19) return true;
  const limit = negative ? INT64_MIN_TEXT : INT64_MAX_TEXT;
  for (let j = 0; j < 19; j++) {
    const c = bytes[i + j];
    const l = limit.charCodeAt(j);
    if (c !== l) return c < l;
  }
  return true;
}
