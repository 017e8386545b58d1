/**
 * Redis 7.0's serialization of one value (rdbSaveObject / rdbLoadObject), as DUMP and RESTORE
 * carry it: the type byte, then the value in that type's layout. Reading takes everything RDB
 * version 10 loads for strings, lists, sets, sorted sets, hashes and streams (7.0's own encodings
 * and the ziplist/zipmap-era ones), checks it completely and returns it as plain data
 * (RdbValue), or throws RdbError: nothing is written before a payload is known good. Writing is
 * done by the encoders below, fed one element at a time by the keyspace side (src/types/dump.ts).
 */
import { RdbError } from './reader-error.js';
import { RdbReader } from './reader.js';
import { RdbWriter } from './writer.js';
import { ListpackWriter, decodeListpack, elementBytes, elementInteger, type LpElement } from './listpack.js';
import { decodeIntset, decodeZiplist, decodeZipmap, encodeIntset } from './legacy.js';
import { canonicalInteger } from './integers.js';
import { strtod } from '../keyspace/strtod.js';

export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  ZSet2 = 5,
  Module = 6,
  Module2 = 7,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZSetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  StreamListpacks = 15,
  HashListpack = 16,
  ZSetListpack = 17,
  ListQuicklist2 = 18,
  StreamListpacks2 = 19,
  /** Redis 7.4 (RDB version 12): a hash with field TTLs, as a table (HASH_METADATA) or a listpack of field, value, TTL (HASH_LISTPACK_EX). */
  HashMetadata = 24,
  HashListpackEx = 25,
}

/** Quicklist node containers (QUICKLIST_2). */
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;

/** A stream ID as its 16 bytes: ms u64 BE, seq u64 BE (Redis' rax keys; StrataKV's entry keys). */
export type RdbStreamId = Buffer;

export interface RdbStreamEntry {
  id: RdbStreamId;
  /** field, value, field, value... */
  pairs: Buffer[];
}

export interface RdbStreamNode {
  entries: RdbStreamEntry[];
  /** Entries deleted from the node but still in its listpack (they count for trimming). */
  deleted: number;
}

export interface RdbConsumer {
  name: Buffer;
  seenTime: number;
  /** IDs of the group's PEL this consumer owns. */
  pel: RdbStreamId[];
}

export interface RdbPending {
  id: RdbStreamId;
  deliveryTime: number;
  deliveryCount: bigint;
}

export interface RdbGroup {
  name: Buffer;
  lastId: RdbStreamId;
  /** -1: not known (SCG_INVALID_ENTRIES_READ); null: not in the payload (STREAM_LISTPACKS v1), to be estimated as Redis does on load. */
  entriesRead: bigint | null;
  pel: RdbPending[];
  consumers: RdbConsumer[];
}

export interface RdbStream {
  nodes: RdbStreamNode[];
  length: number;
  lastId: RdbStreamId;
  firstId: RdbStreamId;
  maxDeletedId: RdbStreamId;
  entriesAdded: bigint;
  groups: RdbGroup[];
}

/**
 * A value as read. `compact` says the payload held it in the small encoding (intset, listpack,
 * ziplist, zipmap), which decides, with the thresholds, the encoding Redis gives it on load.
 */
export type RdbValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; elements: Buffer[] }
  | { type: 'set'; members: Buffer[]; compact: boolean }
  | { type: 'zset'; entries: Array<{ member: Buffer; score: number }>; compact: boolean }
  | { type: 'hash'; pairs: Buffer[]; compact: boolean; expires?: number[]; listpackEx?: boolean }
  | { type: 'stream'; stream: RdbStream };

// ---------------------------------------------------------------- reading

/**
 * The value in a payload (checked by verifyPayload). Reads may run into the footer, as Redis'
 * rio reads over the whole buffer; bytes left over are ignored, as Redis ignores them. Throws
 * RdbError when anything is wrong.
 */
export function decodeObject(payload: Buffer): RdbValue {
  const r = new RdbReader(payload);
  const type = r.byte();
  switch (type) {
    case RdbType.String:
      return { type: 'string', value: Buffer.from(r.string()) };
    case RdbType.List:
      return { type: 'list', elements: nonEmpty(readStrings(r, r.length())) };
    case RdbType.ListZiplist:
      return { type: 'list', elements: nonEmpty(decodeZiplist(r.string()).map(elementBytes)) };
    case RdbType.ListQuicklist:
    case RdbType.ListQuicklist2:
      return { type: 'list', elements: nonEmpty(readQuicklist(r, type === RdbType.ListQuicklist2)) };
    case RdbType.Set:
      return { type: 'set', members: unique(nonEmpty(readStrings(r, r.length()))), compact: false };
    case RdbType.SetIntset:
      return { type: 'set', members: nonEmpty(decodeIntset(r.string()).map((v) => Buffer.from(String(v), 'latin1'))), compact: true };
    case RdbType.ZSet:
    case RdbType.ZSet2:
      return { type: 'zset', entries: readZSet(r, type === RdbType.ZSet2), compact: false };
    case RdbType.ZSetZiplist:
    case RdbType.ZSetListpack: {
      const blob = r.string();
      const elements = type === RdbType.ZSetListpack ? decodeListpack(blob) : decodeZiplist(blob);
      return { type: 'zset', entries: zsetFromPairs(elements), compact: true };
    }
    case RdbType.Hash:
      return { type: 'hash', pairs: hashPairs(readStrings(r, r.length() * 2)), compact: false };
    case RdbType.HashZipmap:
      return { type: 'hash', pairs: hashPairs(decodeZipmap(r.string()).map((b) => Buffer.from(b))), compact: true };
    case RdbType.HashZiplist:
    case RdbType.HashListpack: {
      const blob = r.string();
      const elements = type === RdbType.HashListpack ? decodeListpack(blob) : decodeZiplist(blob);
      return { type: 'hash', pairs: hashPairs(elements.map(copyElement)), compact: true };
    }
    case RdbType.StreamListpacks:
    case RdbType.StreamListpacks2:
      return { type: 'stream', stream: readStream(r, type === RdbType.StreamListpacks2) };
    case RdbType.HashMetadata:
      return readHashMetadata(r);
    case RdbType.HashListpackEx:
      return readHashListpackEx(r);
    default:
      // Modules and unknown types: nothing StrataKV (or a Redis without the module) can load.
      throw new RdbError(`RDB type ${type} not supported`);
  }
}

function copyElement(e: LpElement): Buffer {
  return typeof e === 'bigint' ? elementBytes(e) : Buffer.from(e);
}

/** Redis refuses an empty collection (RDB_LOAD_ERR_EMPTY_KEY). */
function nonEmpty<T>(items: T[]): T[] {
  if (items.length === 0) throw new RdbError('empty collection');
  return items;
}

function readStrings(r: RdbReader, n: number): Buffer[] {
  // Each string takes at least a byte: a count beyond what is left cannot be right.
  if (n > r.remaining) throw new RdbError();
  const out: Buffer[] = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) out[i] = Buffer.from(r.string());
  return out;
}

function unique(members: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  for (const m of members) {
    const k = m.toString('latin1');
    if (seen.has(k)) throw new RdbError('duplicate set member');
    seen.add(k);
  }
  return members;
}

function readQuicklist(r: RdbReader, v2: boolean): Buffer[] {
  const nodes = r.length();
  if (nodes > r.remaining) throw new RdbError();
  const out: Buffer[] = [];
  for (let i = 0; i < nodes; i++) {
    const container = v2 ? r.length() : CONTAINER_PACKED;
    if (container !== CONTAINER_PLAIN && container !== CONTAINER_PACKED) throw new RdbError('quicklist container');
    const blob = r.string();
    if (container === CONTAINER_PLAIN) {
      out.push(Buffer.from(blob));
      continue;
    }
    // Empty nodes are skipped, as Redis does; an empty list is refused afterwards.
    const elements = v2 ? decodeListpack(blob) : decodeZiplist(blob);
    for (const e of elements) out.push(copyElement(e));
  }
  return out;
}

/** A score kept as text in a listpack: strtod's value, 0 when it reads no number (zzlStrtod). */
function listpackScore(text: string): number {
  return strtod(text).value;
}

/** A score of RDB_TYPE_ZSET: sscanf("%lg"), which must read a number. */
function textScore(text: string): number {
  const r = strtod(text);
  if (r.end === 0) throw new RdbError('score is not a number');
  return r.value;
}

function readZSet(r: RdbReader, binary: boolean): Array<{ member: Buffer; score: number }> {
  const n = r.length();
  if (n > r.remaining) throw new RdbError();
  const out: Array<{ member: Buffer; score: number }> = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const member = Buffer.from(r.string());
    let score: number;
    if (binary) score = r.binaryDouble();
    else {
      const len = r.byte();
      if (len === 253) score = NaN;
      else if (len === 254) score = Infinity;
      else if (len === 255) score = -Infinity;
      else score = textScore(r.bytes(len).toString('latin1'));
    }
    if (Number.isNaN(score)) throw new RdbError('zset with NaN score');
    const k = member.toString('latin1');
    if (seen.has(k)) throw new RdbError('duplicate zset member');
    seen.add(k);
    out.push({ member, score });
  }
  return nonEmpty(out);
}

function zsetFromPairs(elements: LpElement[]): Array<{ member: Buffer; score: number }> {
  if (elements.length % 2 !== 0) throw new RdbError('odd zset listpack');
  const out: Array<{ member: Buffer; score: number }> = [];
  const seen = new Set<string>();
  for (let i = 0; i < elements.length; i += 2) {
    const member = copyElement(elements[i]);
    const s = elements[i + 1];
    const score = typeof s === 'bigint' ? Number(s) : listpackScore(s.toString('latin1'));
    if (Number.isNaN(score)) throw new RdbError('zset with NaN score');
    const k = member.toString('latin1');
    if (seen.has(k)) throw new RdbError('duplicate zset member');
    seen.add(k);
    out.push({ member, score });
  }
  return nonEmpty(out);
}

function hashPairs(items: Buffer[]): Buffer[] {
  if (items.length % 2 !== 0) throw new RdbError('odd hash');
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += 2) {
    const k = items[i].toString('latin1');
    if (seen.has(k)) throw new RdbError('duplicate hash field');
    seen.add(k);
  }
  return nonEmpty(items);
}

/**
 * RDB_TYPE_HASH_METADATA (Redis 7.4 rdbLoadObject): minExpire (ms, i64 LE), the field count,
 * then per field its TTL as a length (0: none, else expireAt - minExpire + 1), field, value.
 * Fields already expired are dropped, as Redis drops them on load; none left is an empty key.
 */
function readHashMetadata(r: RdbReader): RdbValue {
  const minExpire = r.milliseconds();
  const n = r.length();
  if (n > r.remaining) throw new RdbError();
  const items: Buffer[] = [];
  const expires: number[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const ttl = r.length();
    const field = Buffer.from(r.string());
    const value = Buffer.from(r.string());
    const expire = ttl === 0 ? 0 : minExpire + ttl - 1;
    if (ttl !== 0 && (expire < minExpire || expire > MAX_FIELD_EXPIRE)) throw new RdbError('field TTL out of range');
    if (expire !== 0 && expire <= now) continue;
    items.push(field, value);
    expires.push(expire);
  }
  return { type: 'hash', pairs: hashPairs(items), compact: false, expires };
}

/**
 * RDB_TYPE_HASH_LISTPACK_EX: minExpire (ms, i64 LE), then a listpack of field, value, expireAt
 * (an integer; 0: none) triples. Expired fields are dropped as above.
 */
function readHashListpackEx(r: RdbReader): RdbValue {
  r.milliseconds();
  const elements = decodeListpack(r.string());
  if (elements.length % 3 !== 0) throw new RdbError('listpackex of pairs');
  const items: Buffer[] = [];
  const expires: number[] = [];
  const now = Date.now();
  for (let i = 0; i < elements.length; i += 3) {
    const t = elements[i + 2];
    if (typeof t !== 'bigint' || t < 0n || t > BigInt(MAX_FIELD_EXPIRE)) throw new RdbError('listpackex TTL');
    const expire = Number(t);
    if (expire !== 0 && expire <= now) continue;
    items.push(copyElement(elements[i]), copyElement(elements[i + 1]));
    expires.push(expire);
  }
  return { type: 'hash', pairs: hashPairs(items), compact: true, expires, listpackEx: true };
}

/** Redis' EB_EXPIRE_TIME_MAX: field expire times are 48-bit. */
const MAX_FIELD_EXPIRE = 2 ** 48 - 1;

// ---------------------------------------------------------------- streams

const STREAM_ITEM_FLAG_DELETED = 1n;
const STREAM_ITEM_FLAG_SAMEFIELDS = 2n;
const U64 = 2n ** 64n;

export function streamIdBytes(ms: bigint, seq: bigint): RdbStreamId {
  const out = Buffer.allocUnsafe(16);
  out.writeBigUInt64BE(ms, 0);
  out.writeBigUInt64BE(seq, 8);
  return out;
}

function readId(r: RdbReader): RdbStreamId {
  return streamIdBytes(r.u64(), r.u64());
}

function readStream(r: RdbReader, v2: boolean): RdbStream {
  const nodeCount = r.length();
  if (nodeCount > r.remaining) throw new RdbError();
  const nodes: RdbStreamNode[] = [];
  let previous: RdbStreamId | null = null;
  let live = 0;
  for (let i = 0; i < nodeCount; i++) {
    const key = r.string();
    if (key.length !== 16) throw new RdbError('stream node key is not an ID');
    const lp = r.string();
    const node = readStreamNode(Buffer.from(key), lp);
    if (node.entries.length === 0 && node.deleted === 0) throw new RdbError('empty listpack inside stream');
    for (const e of node.entries) {
      if (previous !== null && Buffer.compare(e.id, previous) <= 0) throw new RdbError('stream entries out of order');
      previous = e.id;
    }
    live += node.entries.length;
    nodes.push(node);
  }
  const length = r.length();
  const lastId = readId(r);
  let firstId: RdbStreamId;
  let maxDeletedId: RdbStreamId;
  let entriesAdded: bigint;
  if (v2) {
    firstId = readId(r);
    maxDeletedId = readId(r);
    entriesAdded = r.u64();
  } else {
    firstId = nodes.find((n) => n.entries.length > 0)?.entries[0].id ?? streamIdBytes(0n, 0n);
    maxDeletedId = streamIdBytes(0n, 0n);
    entriesAdded = BigInt(length);
  }
  if (length !== live) throw new RdbError('stream length inconsistent with listpacks');
  if (previous !== null && Buffer.compare(previous, lastId) > 0) throw new RdbError('stream entry past the last ID');
  const groupCount = r.length();
  if (groupCount > r.remaining) throw new RdbError();
  const groups: RdbGroup[] = [];
  const groupNames = new Set<string>();
  for (let i = 0; i < groupCount; i++) {
    const name = Buffer.from(r.string());
    if (groupNames.has(name.toString('latin1'))) throw new RdbError('duplicate consumer group');
    groupNames.add(name.toString('latin1'));
    const groupLast = readId(r);
    const entriesRead = v2 ? BigInt.asIntN(64, r.u64()) : null;
    groups.push(readGroupBody(r, name, groupLast, entriesRead));
  }
  return { nodes, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
}

function readGroupBody(r: RdbReader, name: Buffer, lastId: RdbStreamId, entriesRead: bigint | null): RdbGroup {
  const pelCount = r.length();
  if (pelCount > r.remaining) throw new RdbError();
  const pel: RdbPending[] = [];
  const owners = new Map<string, boolean>();
  for (let i = 0; i < pelCount; i++) {
    const id = Buffer.from(r.bytes(16));
    const deliveryTime = r.milliseconds();
    const deliveryCount = r.u64();
    const k = id.toString('latin1');
    if (owners.has(k)) throw new RdbError('duplicated global PEL entry');
    owners.set(k, false);
    pel.push({ id, deliveryTime, deliveryCount });
  }
  const consumerCount = r.length();
  if (consumerCount > r.remaining) throw new RdbError();
  const consumers: RdbConsumer[] = [];
  const consumerNames = new Set<string>();
  for (let i = 0; i < consumerCount; i++) {
    const cname = Buffer.from(r.string());
    if (consumerNames.has(cname.toString('latin1'))) throw new RdbError('duplicate stream consumer');
    consumerNames.add(cname.toString('latin1'));
    const seenTime = r.milliseconds();
    const n = r.length();
    if (n > r.remaining) throw new RdbError();
    const ids: RdbStreamId[] = [];
    for (let j = 0; j < n; j++) {
      const id = Buffer.from(r.bytes(16));
      const k = id.toString('latin1');
      const owned = owners.get(k);
      if (owned === undefined) throw new RdbError('consumer entry not found in group PEL');
      if (owned) throw new RdbError('duplicated consumer PEL entry');
      owners.set(k, true);
      ids.push(id);
    }
    consumers.push({ name: cname, seenTime, pel: ids });
  }
  // Redis checks this only with sanitize-dump-payload: an entry nobody owns breaks XCLAIM and XACK later.
  for (const owned of owners.values()) if (!owned) throw new RdbError('group PEL entry without consumer');
  return { name, lastId, entriesRead, pel, consumers };
}

/** One stream listpack node (t_stream.c's layout: master entry, then entries relative to it). */
function readStreamNode(master: RdbStreamId, lp: Buffer): RdbStreamNode {
  const e = decodeListpack(lp);
  let i = 0;
  const next = (): LpElement => {
    if (i >= e.length) throw new RdbError('stream listpack ends early');
    return e[i++];
  };
  const int = (): bigint => elementInteger(next());
  const count = int();
  const deleted = int();
  const fieldCount = int();
  if (count < 0n || deleted < 0n || fieldCount < 0n || fieldCount > BigInt(e.length)) throw new RdbError('stream master entry');
  const masterFields: Buffer[] = [];
  for (let f = 0n; f < fieldCount; f++) masterFields.push(copyElement(next()));
  if (int() !== 0n) throw new RdbError('stream master entry terminator');
  const masterMs = master.readBigUInt64BE(0);
  const masterSeq = master.readBigUInt64BE(8);
  const entries: RdbStreamEntry[] = [];
  let deletedSeen = 0n;
  while (i < e.length) {
    const start = i;
    const flags = int();
    const ms = (masterMs + int() + U64) % U64;
    const seq = (masterSeq + int() + U64) % U64;
    let pairs: Buffer[];
    if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0n) {
      pairs = [];
      for (const f of masterFields) pairs.push(f, copyElement(next()));
    } else {
      const n = int();
      if (n < 0n || n > BigInt(e.length)) throw new RdbError('stream entry field count');
      pairs = [];
      for (let f = 0n; f < n * 2n; f++) pairs.push(copyElement(next()));
    }
    const lpCount = int();
    if (lpCount !== BigInt(i - start - 1)) throw new RdbError('stream entry lp-count');
    if ((flags & STREAM_ITEM_FLAG_DELETED) !== 0n) deletedSeen++;
    else entries.push({ id: streamIdBytes(ms, seq), pairs });
  }
  if (BigInt(entries.length) !== count || deletedSeen !== deleted) throw new RdbError('stream node counts');
  return { entries, deleted: Number(deleted) };
}

// ---------------------------------------------------------------- writing

/** list-max-listpack-size -2: quicklist nodes of up to 8 KB. */
const QUICKLIST_NODE_BYTES = 8192;

/** QUICKLIST_2: listpack nodes, cut as Redis' default node size would. */
export class ListEncoder {
  private readonly nodes: Buffer[] = [];
  private current = new ListpackWriter();

  add(element: Uint8Array): void {
    if (this.current.count > 0 && this.current.size + element.length + 11 > QUICKLIST_NODE_BYTES) {
      this.nodes.push(this.current.finish());
      this.current = new ListpackWriter();
    }
    this.current.append(element);
  }

  finish(): Buffer {
    if (this.current.count > 0) this.nodes.push(this.current.finish());
    const w = new RdbWriter().byte(RdbType.ListQuicklist2).length(this.nodes.length);
    for (const node of this.nodes) w.length(CONTAINER_PACKED).string(node);
    return Buffer.from(w.bytes());
  }
}

export function encodeStringObject(value: Uint8Array): Buffer {
  return Buffer.from(new RdbWriter(value.length + 16).byte(RdbType.String).string(value).bytes());
}

/** A set as an intset (every member a canonical integer) or RDB_TYPE_SET. */
export function encodeSet(members: readonly Uint8Array[], intset: boolean): Buffer {
  if (intset) {
    const values = members.map((m) => {
      const v = canonicalInteger(m);
      if (v === undefined) throw new Error('intset member is not an integer');
      return v;
    });
    values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Buffer.from(new RdbWriter().byte(RdbType.SetIntset).string(encodeIntset(values)).bytes());
  }
  const w = new RdbWriter().byte(RdbType.Set).length(members.length);
  for (const m of members) w.string(m);
  return Buffer.from(w.bytes());
}

/** A hash as a listpack of field, value pairs or RDB_TYPE_HASH. */
export function encodeHash(pairs: readonly Uint8Array[], listpack: boolean): Buffer {
  if (listpack) {
    const lp = new ListpackWriter();
    for (const p of pairs) lp.append(p);
    return Buffer.from(new RdbWriter().byte(RdbType.HashListpack).string(lp.finish()).bytes());
  }
  const w = new RdbWriter().byte(RdbType.Hash).length(pairs.length / 2);
  for (const p of pairs) w.string(p);
  return Buffer.from(w.bytes());
}

/**
 * A hash with field TTLs as Redis 7.4 serializes it: `expires[i]` is the expire time of field i
 * (pairs[2i]), 0 for none. A listpackex: minExpire (0: none), then a listpack of field, value,
 * expireAt triples, the fields with a TTL first by time, then those without (the order Redis'
 * listpackEx keeps). Else HASH_METADATA: minExpire, count, then TTL (0 or relative + 1), field,
 * value per field.
 */
export function encodeHashWithExpires(pairs: readonly Uint8Array[], expires: readonly number[], listpack: boolean): Buffer {
  let minExpire = 0;
  for (const e of expires) if (e !== 0 && (minExpire === 0 || e < minExpire)) minExpire = e;
  if (listpack) {
    const order = expires.map((_, i) => i);
    order.sort((a, b) => {
      const ea = expires[a] === 0 ? Infinity : expires[a];
      const eb = expires[b] === 0 ? Infinity : expires[b];
      return ea === eb ? a - b : ea - eb;
    });
    const lp = new ListpackWriter();
    for (const i of order) lp.append(pairs[2 * i]).append(pairs[2 * i + 1]).appendInteger(expires[i]);
    return Buffer.from(new RdbWriter().byte(RdbType.HashListpackEx).milliseconds(minExpire).string(lp.finish()).bytes());
  }
  const w = new RdbWriter().byte(RdbType.HashMetadata).milliseconds(minExpire).length(expires.length);
  for (let i = 0; i < expires.length; i++) {
    w.length(expires[i] === 0 ? 0 : expires[i] - minExpire + 1);
    w.string(pairs[2 * i]).string(pairs[2 * i + 1]);
  }
  return Buffer.from(w.bytes());
}

/**
 * A sorted set as a listpack of member, score pairs in score order (`scoreText`: the score as
 * the listpack holds it, Redis' d2string) or ZSET_2 with binary scores.
 */
export function encodeZSet(entries: ReadonlyArray<{ member: Uint8Array; score: number }>, listpack: boolean, scoreText: (score: number) => string): Buffer {
  if (listpack) {
    const lp = new ListpackWriter();
    for (const { member, score } of entries) lp.append(member).append(Buffer.from(scoreText(score), 'latin1'));
    return Buffer.from(new RdbWriter().byte(RdbType.ZSetListpack).string(lp.finish()).bytes());
  }
  const w = new RdbWriter().byte(RdbType.ZSet2).length(entries.length);
  for (const { member, score } of entries) w.string(member).binaryDouble(score);
  return Buffer.from(w.bytes());
}

/**
 * STREAM_LISTPACKS_2, written as entries arrive: startNode() for each listpack node, add() for
 * its entries in ID order, then the stream's state and groups.
 */
export class StreamEncoder {
  private readonly nodesOut = new RdbWriter(1024);
  private nodeCount = 0;
  private node: { master: RdbStreamId; fields: Buffer[]; entries: Buffer[][] } | null = null;

  /** Ends the node being written (if any): the next entry begins a new one. */
  endNode(): void {
    const node = this.node;
    if (node === null) return;
    this.node = null;
    const lp = new ListpackWriter();
    lp.appendInteger(node.entries.length).appendInteger(0).appendInteger(node.fields.length);
    for (const f of node.fields) lp.append(f);
    lp.appendInteger(0);
    const masterMs = node.master.readBigUInt64BE(0);
    const masterSeq = node.master.readBigUInt64BE(8);
    for (const entry of node.entries) {
      const id = entry[0];
      const pairs = entry.slice(1);
      const same = pairs.length === node.fields.length * 2 && node.fields.every((f, k) => f.equals(pairs[k * 2]));
      lp.appendInteger(same ? STREAM_ITEM_FLAG_SAMEFIELDS : 0n);
      lp.appendInteger(BigInt.asIntN(64, id.readBigUInt64BE(0) - masterMs));
      lp.appendInteger(BigInt.asIntN(64, id.readBigUInt64BE(8) - masterSeq));
      if (same) for (let k = 1; k < pairs.length; k += 2) lp.append(pairs[k]);
      else {
        lp.appendInteger(pairs.length / 2);
        for (const p of pairs) lp.append(p);
      }
      lp.appendInteger(same ? pairs.length / 2 + 3 : pairs.length + 4);
    }
    this.nodesOut.string(node.master).string(lp.finish());
    this.nodeCount++;
  }

  add(id: RdbStreamId, pairs: readonly Buffer[]): void {
    if (this.node === null) {
      const fields: Buffer[] = [];
      for (let k = 0; k < pairs.length; k += 2) fields.push(Buffer.from(pairs[k]));
      this.node = { master: Buffer.from(id), fields, entries: [] };
    }
    this.node.entries.push([Buffer.from(id), ...pairs.map((p) => Buffer.from(p))]);
  }

  /** The payload body: nodes, then `tail` (the state and groups, from encodeStreamTail). */
  finish(tail: Buffer): Buffer {
    this.endNode();
    const head = new RdbWriter(16).byte(RdbType.StreamListpacks2).length(this.nodeCount);
    return Buffer.concat([head.bytes(), this.nodesOut.bytes(), tail]);
  }
}

function writeId(w: RdbWriter, id: RdbStreamId): void {
  w.length(id.readBigUInt64BE(0)).length(id.readBigUInt64BE(8));
}

/** What follows a stream's nodes: length, IDs, entries-added, then each group with its PEL and consumers. */
export function encodeStreamTail(s: Omit<RdbStream, 'nodes'>): Buffer {
  const w = new RdbWriter(64);
  w.length(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  w.length(s.entriesAdded);
  w.length(s.groups.length);
  for (const g of s.groups) {
    w.string(g.name);
    writeId(w, g.lastId);
    w.length(BigInt.asUintN(64, g.entriesRead ?? -1n));
    w.length(g.pel.length);
    for (const p of g.pel) w.raw(p.id).milliseconds(p.deliveryTime).length(p.deliveryCount);
    w.length(g.consumers.length);
    for (const c of g.consumers) {
      w.string(c.name).milliseconds(c.seenTime).length(c.pel.length);
      for (const id of c.pel) w.raw(id);
    }
  }
  return Buffer.from(w.bytes());
}
