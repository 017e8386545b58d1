/**
 * The bytes of collection keys: the metadata record every hash, set, sorted set and list has at
 * its key's ordinary place (with a stream's own fields), the engine keys of its members, and sorted-set scores as bytes that
 * sort like numbers. docs/format.md ("Collections") describes the same bytes; change both
 * together.
 *
 * Kept beside encoding.ts (not in src/types/) because the compaction filter needs it too, and
 * the filter is keyspace code loaded by the engine's worker.
 */
import type { BinaryKey } from '../engine/types.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../util/varint.js';
import { CorruptionError } from '../engine/errors.js';
import { NO_EXPIRE, StringEncodingHint, ValueType, binaryKey, decodeTime, encodeTime, expireAt, headerLength, payloadOffset, stringEncoding, valueType, writeHeader } from './encoding.js';

/** Member tags (the byte after the namespace), one per kind of member record. */
export const enum MemberTag {
  HashField = 0x68, // 'h'
  HashFieldExpiry = 0x65, // 'e'
  SetMember = 0x73, // 's'
  ZSetByMember = 0x7a, // 'z'
  ZSetByScore = 0x5a, // 'Z'
  ZSetRank = 0x72, // 'r': the rank index's bucket counts (zset-rank.ts)
  ListElement = 0x6c, // 'l'
  StreamEntry = 0x74, // 't'
  StreamGroup = 0x67, // 'g': a consumer group (stream-groups.ts)
  StreamConsumer = 0x63, // 'c': a consumer of a group
  StreamPending = 0x70, // 'p': a group's pending entry, by ID
  StreamConsumerPending = 0x71, // 'q': a consumer's pending entry, by consumer then ID
}

/**
 * One incarnation of a key: 6 bytes of the creating batch's sequence number and a 2-byte ordinal
 * within that batch, as an 8-char binary string. Opaque: compared for equality only.
 */
export type CollectionVersion = BinaryKey;

export const VERSION_BYTES = 8;
const MAX_ORDINAL = 0xffff;
const TWO_32 = 0x1_0000_0000;

/** The version made of a batch sequence number and a creation ordinal within the batch. */
export function makeVersion(batchSeq: number, ordinal: number): CollectionVersion {
  if (ordinal < 0 || ordinal > MAX_ORDINAL) throw new RangeError(`collection ordinal ${ordinal} out of range`);
  const high = Math.floor(batchSeq / TWO_32); // top 16 bits of the 48-bit sequence
  const low = batchSeq >>> 0;
  return String.fromCharCode(
    (high >>> 8) & 0xff,
    high & 0xff,
    (low >>> 24) & 0xff,
    (low >>> 16) & 0xff,
    (low >>> 8) & 0xff,
    low & 0xff,
    (ordinal >>> 8) & 0xff,
    ordinal & 0xff,
  );
}

/**
 * Hands out versions: the sequence number the next write batch will get, and an ordinal for each
 * collection created before that batch is written. `nextSequence` is read at each call, so once a
 * batch has been written the ordinals start again from 0 under the new number.
 */
export class VersionSource {
  private seq = -1;
  private ordinal = 0;

  constructor(private readonly nextSequence: () => number) {}

  next(): CollectionVersion {
    const seq = this.nextSequence();
    if (seq !== this.seq) {
      this.seq = seq;
      this.ordinal = 0;
    }
    return makeVersion(seq, this.ordinal++);
  }
}

// ---------------------------------------------------------------- metadata record

/** Metadata flag bits. */
export const enum MetaFlag {
  /** Passed a listpack/intset threshold once: OBJECT ENCODING says hashtable/skiplist/quicklist from then on. */
  BigEncoding = 1,
  /** A set member that is not an integer was added: never an intset again. */
  NotIntset = 2,
  /** Hash only: some field has an expire time, and minFieldExpire follows the count. */
  FieldExpires = 4,
  /** Sorted set only: the set has a rank index (`r` records, src/types/zset-rank.ts). */
  RankIndex = 8,
  /** Hash only: a field TTL was set while the hash was small: OBJECT ENCODING says listpackex (Redis 7.4). */
  ListpackEx = 16,
}

export interface CollectionMeta {
  type: ValueType;
  /** Key expire time in ms, or NO_EXPIRE. */
  expire: number;
  version: CollectionVersion;
  flags: number;
  /** Exact number of members. */
  count: number;
  /** Hashes with MetaFlag.FieldExpires: no field expires before this (ms); NO_EXPIRE otherwise. */
  minFieldExpire: number;
  /** Lists: position of the first element and one past the last (signed, see encodePosition); 0 for other types. */
  head: number;
  tail: number;
  /** Streams: what a stream keeps beside its entries (null for other types). */
  stream: StreamState | null;
}

/** A stream ID as its 16 key bytes: ms u64 BE, seq u64 BE (byte order is ID order). */
export type StreamKeyId = BinaryKey;

/**
 * What a stream keeps beside its entries (docs/format.md, "Streams"): Redis 7.0's last-generated
 * ID, recorded first entry ID, max deleted entry ID and entries-added counter, and the model of
 * Redis' listpack nodes that XTRIM/XADD `~` and XINFO's radix-tree-keys observe.
 */
export interface StreamState {
  lastId: StreamKeyId;
  /** The first entry's ID, 0-0 when empty; entries below it are dead (a trim deletes them after its batch). */
  firstId: StreamKeyId;
  maxDeletedId: StreamKeyId;
  /** XINFO entries-added (u64; a bigint past 2^53 only through XSETID). */
  entriesAdded: bigint;
  /** Nodes holding live entries (XINFO radix-tree-keys). */
  nodes: number;
  /** Number of the newest node (entries carry theirs); -1 before the first. */
  tailNode: number;
  /** Entries ever appended to the tail node (live and deleted: Redis' count + deleted), and those still live. */
  tailAppended: number;
  tailLive: number;
  /** Consumer groups (their records are `g` members, stream-groups.ts). */
  groups: number;
}

export const STREAM_ID_ZERO: StreamKeyId = '\0'.repeat(16);

export function newStreamState(): StreamState {
  return { lastId: STREAM_ID_ZERO, firstId: STREAM_ID_ZERO, maxDeletedId: STREAM_ID_ZERO, entriesAdded: 0n, nodes: 0, tailNode: -1, tailAppended: 0, tailLive: 0, groups: 0 };
}

/**
 * Stream type data: three IDs (48 bytes), entriesAdded u64 BE, nodes u64 BE, tailNode i64 BE (as
 * a position), tailAppended u32 BE, tailLive u32 BE, groups u32 BE. Records written before
 * consumer groups end before `groups` (STREAM_BYTES_V1) and read as 0 groups.
 */
const STREAM_BYTES_V1 = 48 + 8 + 8 + 8 + 4 + 4;
const STREAM_BYTES = STREAM_BYTES_V1 + 4;

export function isCollectionType(type: ValueType): boolean {
  return type === ValueType.Hash || type === ValueType.Set || type === ValueType.ZSet || type === ValueType.List || type === ValueType.Stream;
}

/** A fresh, empty metadata record of `type` (the caller adds members and sets the count). */
export function newMeta(type: ValueType, version: CollectionVersion, expire: number = NO_EXPIRE): CollectionMeta {
  return { type, expire, version, flags: 0, count: 0, minFieldExpire: NO_EXPIRE, head: 0, tail: 0, stream: type === ValueType.Stream ? newStreamState() : null };
}

export function encodeMeta(meta: CollectionMeta): Buffer {
  const fieldExpires = meta.type === ValueType.Hash && (meta.flags & MetaFlag.FieldExpires) !== 0;
  const list = meta.type === ValueType.List;
  const stream = meta.type === ValueType.Stream ? meta.stream ?? newStreamState() : null;
  const size = headerLength(meta.expire) + VERSION_BYTES + 1 + varintLength(meta.count) + (fieldExpires ? 8 : 0) + (list ? 16 : 0) + (stream !== null ? STREAM_BYTES : 0);
  const out = Buffer.allocUnsafe(size);
  let at = writeHeader(out, meta.type, StringEncodingHint.ByContent, meta.expire);
  at += out.latin1Write(meta.version, at);
  out[at++] = meta.flags;
  at = writeVarint(out, at, meta.count);
  if (fieldExpires) at += out.latin1Write(encodeTime(meta.minFieldExpire), at);
  if (list) {
    at += out.latin1Write(encodePosition(meta.head), at);
    at += out.latin1Write(encodePosition(meta.tail), at);
  }
  if (stream !== null) {
    at += out.latin1Write(stream.lastId + stream.firstId + stream.maxDeletedId, at);
    out.writeBigUInt64BE(stream.entriesAdded, at);
    at += 8;
    at += out.latin1Write(encodePosition(stream.nodes) + encodePosition(stream.tailNode), at);
    out.writeUInt32BE(stream.tailAppended, at);
    out.writeUInt32BE(stream.tailLive, at + 4);
    out.writeUInt32BE(stream.groups, at + 8);
    at += 12;
  }
  return out;
}

const cursor: VarintCursor = { value: 0, offset: 0 };

export function decodeMeta(value: Buffer): CollectionMeta {
  const type = valueType(value);
  if (!isCollectionType(type)) throw new CorruptionError('collection metadata', 0, `type ${type} is not a collection`);
  let at = payloadOffset(value);
  if (value.length < at + VERSION_BYTES + 2) throw new CorruptionError('collection metadata', 0, `short record (${value.length} bytes)`);
  const version = binaryKey(value, at, at + VERSION_BYTES);
  at += VERSION_BYTES;
  const flags = value[at++];
  cursor.offset = at;
  readVarint(value, cursor);
  at = cursor.offset;
  const meta = newMeta(type, version, expireAt(value));
  meta.flags = flags;
  meta.count = cursor.value;
  if (type === ValueType.Hash && (flags & MetaFlag.FieldExpires) !== 0) {
    meta.minFieldExpire = decodeTime(binaryKey(value, at, at + 8), 0);
    at += 8;
  }
  if (type === ValueType.List) {
    const positions = binaryKey(value, at, at + 16);
    meta.head = decodePosition(positions, 0);
    meta.tail = decodePosition(positions, 8);
    at += 16;
  }
  if (type === ValueType.Stream) {
    if (value.length < at + STREAM_BYTES_V1) throw new CorruptionError('collection metadata', 0, `short stream record (${value.length} bytes)`);
    const withGroups = value.length >= at + STREAM_BYTES;
    const ids = binaryKey(value, at, at + 48);
    const nodes = binaryKey(value, at + 56, at + 72);
    meta.stream = {
      lastId: ids.slice(0, 16),
      firstId: ids.slice(16, 32),
      maxDeletedId: ids.slice(32, 48),
      entriesAdded: value.readBigUInt64BE(at + 48),
      nodes: decodePosition(nodes, 0),
      tailNode: decodePosition(nodes, 8),
      tailAppended: value.readUInt32BE(at + 72),
      tailLive: value.readUInt32BE(at + 76),
      groups: withGroups ? value.readUInt32BE(at + 80) : 0,
    };
    at += withGroups ? STREAM_BYTES : STREAM_BYTES_V1;
  }
  if (at !== value.length) throw new CorruptionError('collection metadata', 0, `${value.length - at} bytes past the record`);
  return meta;
}

/**
 * What OBJECT ENCODING answers for any value. Collections are all stored alike; the answer is the
 * encoding Redis 7.0 would use, decided when members were written (MetaFlag.BigEncoding) as Redis
 * decides its conversions: hash listpack/hashtable, set intset/hashtable (7.0 has no listpack
 * sets), sorted set listpack/skiplist, list always quicklist.
 */
export function objectEncoding(value: Buffer): string {
  const type = valueType(value);
  if (type === ValueType.String) return stringEncoding(value);
  if (!isCollectionType(type)) return 'unknown';
  if (type === ValueType.Stream) return 'stream';
  const flags = value[payloadOffset(value) + VERSION_BYTES];
  const big = (flags & MetaFlag.BigEncoding) !== 0;
  switch (type) {
    case ValueType.Hash:
      return big ? 'hashtable' : (flags & MetaFlag.ListpackEx) !== 0 ? 'listpackex' : 'listpack';
    case ValueType.Set:
      return big || (flags & MetaFlag.NotIntset) !== 0 ? 'hashtable' : 'intset';
    case ValueType.ZSet:
      return big ? 'skiplist' : 'listpack';
    default:
      return 'quicklist';
  }
}

/**
 * A hash's minFieldExpire read in place, NO_EXPIRE for any other value and for a hash without
 * field TTLs (flag bit 2). The keyspace calls it on every write and lookup, so it decodes nothing
 * it does not need: the type nibble first, then the flags byte, then skips the count's varint.
 */
export function fieldExpiryOf(value: Buffer): number {
  if ((value[0] & 0x0f) !== ValueType.Hash) return NO_EXPIRE;
  let at = payloadOffset(value) + VERSION_BYTES;
  if ((value[at] & MetaFlag.FieldExpires) === 0) return NO_EXPIRE;
  at++;
  while ((value[at] & 0x80) !== 0) at++;
  at++;
  return value.readInt32BE(at) * TWO_32 + value.readUInt32BE(at + 4);
}

/** The version of a metadata value, read in place (the compaction filter's hot path). */
export function versionOf(value: Buffer): CollectionVersion {
  const at = payloadOffset(value);
  return binaryKey(value, at, at + VERSION_BYTES);
}

/** Whether two metadata records carry the same version: compared in place (every write of a collection asks). */
export function sameVersion(a: Buffer, b: Buffer): boolean {
  const at = payloadOffset(a);
  const bt = payloadOffset(b);
  return a.compare(b, bt, bt + VERSION_BYTES, at, at + VERSION_BYTES) === 0;
}

// ---------------------------------------------------------------- member keys

/**
 * `ns tag keyLen(u32 BE) userKey version`: every member of one (key, version) of one kind starts
 * with it, and nothing else does.
 */
export function memberPrefix(nsPrefix: BinaryKey, tag: MemberTag, userKey: BinaryKey, version: CollectionVersion): BinaryKey {
  const n = userKey.length;
  return nsPrefix + String.fromCharCode(tag, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff) + userKey + version;
}

/** What a member key says about its owner; undefined for keys that are not member keys. */
export interface MemberKeyParts {
  tag: MemberTag;
  /** The owner's metadata key: ns 'k' userKey. */
  metaKey: BinaryKey;
  version: CollectionVersion;
  /** Length of the member prefix (where the member's own bytes begin). */
  prefixLength: number;
}

const NS = 4;
const TAG_DATA_CODE = 0x6b; // 'k'

export function parseMemberKey(key: BinaryKey): MemberKeyParts | undefined {
  if (key.length < NS + 5 + VERSION_BYTES) return undefined;
  const tag = key.charCodeAt(NS);
  if (!isMemberTag(tag)) return undefined;
  const n = ((key.charCodeAt(NS + 1) << 24) | (key.charCodeAt(NS + 2) << 16) | (key.charCodeAt(NS + 3) << 8) | key.charCodeAt(NS + 4)) >>> 0;
  const keyStart = NS + 5;
  const prefixLength = keyStart + n + VERSION_BYTES;
  if (prefixLength > key.length) return undefined;
  return {
    tag,
    metaKey: key.slice(0, NS) + String.fromCharCode(TAG_DATA_CODE) + key.slice(keyStart, keyStart + n),
    version: key.slice(keyStart + n, prefixLength),
    prefixLength,
  };
}

function isMemberTag(tag: number): tag is MemberTag {
  return (
    tag === MemberTag.HashField ||
    tag === MemberTag.HashFieldExpiry ||
    tag === MemberTag.SetMember ||
    tag === MemberTag.ZSetByMember ||
    tag === MemberTag.ZSetByScore ||
    tag === MemberTag.ZSetRank ||
    tag === MemberTag.ListElement ||
    tag === MemberTag.StreamEntry ||
    tag === MemberTag.StreamGroup ||
    tag === MemberTag.StreamConsumer ||
    tag === MemberTag.StreamPending ||
    tag === MemberTag.StreamConsumerPending
  );
}

// ---------------------------------------------------------------- list positions

const SIGN_FLIP = 0x8000_0000;

/**
 * A list position (a signed integer, exact in a double) as 8 chars whose byte order is numeric
 * order: the u64 `p + 2^63` big-endian, i.e. the two's complement with the sign bit flipped. A
 * new list starts at 0, the middle of the u64 space, so both ends have room.
 */
export function encodePosition(p: number): BinaryKey {
  const hi = Math.floor(p / TWO_32);
  const lo = p - hi * TWO_32;
  const top = (hi + SIGN_FLIP) >>> 0;
  return String.fromCharCode(
    top >>> 24,
    (top >>> 16) & 0xff,
    (top >>> 8) & 0xff,
    top & 0xff,
    lo >>> 24,
    (lo >>> 16) & 0xff,
    (lo >>> 8) & 0xff,
    lo & 0xff,
  );
}

export function decodePosition(bytes: BinaryKey, at: number): number {
  const top = ((bytes.charCodeAt(at) << 24) | (bytes.charCodeAt(at + 1) << 16) | (bytes.charCodeAt(at + 2) << 8) | bytes.charCodeAt(at + 3)) >>> 0;
  const lo = ((bytes.charCodeAt(at + 4) << 24) | (bytes.charCodeAt(at + 5) << 16) | (bytes.charCodeAt(at + 6) << 8) | bytes.charCodeAt(at + 7)) >>> 0;
  return (top - SIGN_FLIP) * TWO_32 + lo;
}

// ---------------------------------------------------------------- scores

const scoreBuffer = Buffer.alloc(8);

/**
 * A score as 8 chars whose byte order is numeric order: positive numbers (and zero) get the sign
 * bit set, negative ones have every bit inverted. -0 is stored as +0, as Redis treats them alike.
 * NaN must not reach here.
 */
export function sortableScore(score: number): BinaryKey {
  scoreBuffer.writeDoubleBE(score === 0 ? 0 : score, 0);
  if ((scoreBuffer[0] & 0x80) === 0) scoreBuffer[0] |= 0x80;
  else for (let i = 0; i < 8; i++) scoreBuffer[i] = ~scoreBuffer[i] & 0xff;
  return binaryKey(scoreBuffer, 0, 8);
}

export function scoreFromSortable(bytes: BinaryKey, at = 0): number {
  for (let i = 0; i < 8; i++) scoreBuffer[i] = bytes.charCodeAt(at + i);
  if ((scoreBuffer[0] & 0x80) !== 0) scoreBuffer[0] &= 0x7f;
  else for (let i = 0; i < 8; i++) scoreBuffer[i] = ~scoreBuffer[i] & 0xff;
  return scoreBuffer.readDoubleBE(0);
}
