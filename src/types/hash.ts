/**
 * Hashes over the engine: one engine key per field (docs/format.md, "Collections": tag 'h', value
 * `flags u8 [expireAt i64 BE] value`), the field count in the metadata. Commands (commands/hashes.ts)
 * open the hash with openCollection/openOrCreate and use the operations here; each touches only
 * the fields it names, except the walks (HGETALL and friends, HSCAN), which read the fields in
 * order. Random fields (HRANDFIELD) are picked without reading the hash (./member-random.ts),
 * which hears of every field added or removed here.
 *
 * Field expire times (Redis 7.4's HEXPIRE family, docs/format.md "Hash field expiration"): a
 * field with a TTL carries it in its value and has an entry in the `e` index, and the metadata
 * keeps a lower bound of the earliest TTL. The keyspace reclaims due fields before any command
 * sees their hash (./hash-field-expiry.ts); the reads here also skip a field whose time has come
 * since (the same millisecond), so no expired field is ever returned.
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { NO_EXPIRE, binaryKey, encodeTime } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag } from '../keyspace/collection-encoding.js';
import { scanFilter, scanMemberPage, walkMembers, type Collection, type ScanPageEnd } from './collection.js';
import { noteAdded, noteRemoved, randomMembers } from './member-random.js';
import { globMatch } from '../util/glob.js';

/** Field value flag: an expire time follows. */
const FIELD_EXPIRES = 1;

const TWO_32 = 0x1_0000_0000;

/** A field's engine value for `value`, with the expire time `expire` (ms) or none (NO_EXPIRE). */
export function encodeField(value: Uint8Array, expire: number = NO_EXPIRE): Buffer {
  if (expire === NO_EXPIRE) {
    const out = Buffer.allocUnsafe(1 + value.length);
    out[0] = 0;
    out.set(value, 1);
    return out;
  }
  const out = Buffer.allocUnsafe(9 + value.length);
  out[0] = FIELD_EXPIRES;
  out.writeInt32BE(Math.floor(expire / TWO_32), 1);
  out.writeUInt32BE(expire % TWO_32, 5);
  out.set(value, 9);
  return out;
}

/** The value bytes of a field's engine value (a view, no copy). */
export function fieldValue(stored: Buffer): Buffer {
  return stored.subarray((stored[0] & FIELD_EXPIRES) === 0 ? 1 : 9);
}

/** A field's expire time in ms, or NO_EXPIRE. */
export function fieldExpireAt(stored: Buffer): number {
  if ((stored[0] & FIELD_EXPIRES) === 0) return NO_EXPIRE;
  return stored.readInt32BE(1) * TWO_32 + stored.readUInt32BE(5);
}

/** Whether a field's time has come (`expireAt <= now`, as for keys). */
export function fieldExpired(stored: Buffer, now: number): boolean {
  return (stored[0] & FIELD_EXPIRES) !== 0 && fieldExpireAt(stored) <= now;
}

/** The `e` index entry of a field with expire time `expire`. */
export function fieldExpiryKey(hash: Collection, expire: number, field: BinaryKey): BinaryKey {
  return hash.prefix(MemberTag.HashFieldExpiry) + encodeTime(expire) + field;
}

/** The engine key of a field. */
export function fieldKey(hash: Collection, field: Buffer): BinaryKey {
  return hash.prefix(MemberTag.HashField) + binaryKey(field);
}

/**
 * The stored values of `fields` (null: no such field), or a Promise when any must come from the
 * disk (await it and run the command again). A hash that does not exist has no fields.
 */
export function readFields(hash: Collection, fields: readonly Buffer[]): (Buffer | null)[] | Promise<unknown> {
  if (!hash.exists) return fields.map(() => null);
  const found = hash.ks.readMembers(fields.map((f) => fieldKey(hash, f)));
  if (found instanceof Promise || (hash.meta.flags & MetaFlag.FieldExpires) === 0) return found;
  const now = Date.now();
  for (let i = 0; i < found.length; i++) {
    const stored = found[i];
    if (stored !== null && fieldExpired(stored, now)) found[i] = null;
  }
  return found;
}

/**
 * readFields for a command that writes the hash in `batch`: a field whose time came since the
 * lookup reclaimed the hash's due fields (the clock moved on by a millisecond in between) is
 * deleted in the batch, with its `e` entry and the count, and reads as absent, as Redis' lazy
 * field expiry does. So the command's changes and the count agree whatever it does to the field
 * (a batch the command does not commit leaves the field to the next reclamation).
 */
export function readFieldsForWrite(hash: Collection, batch: KeyspaceBatch, fields: readonly Buffer[]): (Buffer | null)[] | Promise<unknown> {
  if (!hash.exists) return fields.map(() => null);
  const found = hash.ks.readMembers(fields.map((f) => fieldKey(hash, f)));
  if (found instanceof Promise || (hash.meta.flags & MetaFlag.FieldExpires) === 0) return found;
  const now = Date.now();
  const dropped = new Set<BinaryKey>();
  for (let i = 0; i < found.length; i++) {
    const stored = found[i];
    if (stored === null || !fieldExpired(stored, now)) continue;
    found[i] = null;
    const name = binaryKey(fields[i]);
    if (dropped.has(name)) continue;
    dropped.add(name);
    deleteField(hash, batch, fields[i], stored);
    hash.ks.stats.expiredSubkeys++;
  }
  return found;
}

/** The thresholds of Redis' listpack encoding (CONFIG hash-max-listpack-*). */
export interface HashEncodingLimits {
  maxEntries: number;
  maxValue: number;
}

/**
 * Sets `field` to `value` in the batch; `existing` is what readFields found for it. Keeps the
 * count and the encoding flag (OBJECT ENCODING turns hashtable once a field or value is longer than
 * the limit or the hash has more fields than the limit, and never back, as in Redis). The field
 * loses its TTL (HSET), unless `keepTtl` (HINCRBY, HINCRBYFLOAT, HSETEX KEEPTTL: Redis'
 * HASH_SET_KEEP_TTL).
 */
export function setField(hash: Collection, batch: KeyspaceBatch, field: Buffer, value: Buffer, existing: Buffer | null, limits: HashEncodingLimits, keepTtl = false): void {
  const expire = keepTtl && existing !== null ? fieldExpireAt(existing) : NO_EXPIRE;
  writeField(hash, batch, field, value, existing, expire, limits);
}

/**
 * setField with the field's expire time given (NO_EXPIRE: none; a time to come, as HSETEX EX
 * gives): the field record, its `e` entry, the count, the encoding flags and minFieldExpire.
 * Returns the record written.
 */
export function writeField(hash: Collection, batch: KeyspaceBatch, field: Buffer, value: Buffer, existing: Buffer | null, expire: number, limits: HashEncodingLimits): Buffer {
  const prefix = hash.prefix(MemberTag.HashField);
  const name = binaryKey(field);
  const key = prefix + name;
  const oldExpire = existing === null ? NO_EXPIRE : fieldExpireAt(existing);
  const record = encodeField(value, expire);
  batch.putMember(key, record);
  if (oldExpire !== expire) {
    if (oldExpire !== NO_EXPIRE) batch.deleteMember(fieldExpiryKey(hash, oldExpire, name));
    if (expire !== NO_EXPIRE) noteFieldExpire(hash, batch, name, expire);
  }
  const meta = hash.meta;
  if (existing === null) {
    meta.count++;
    noteAdded(hash.ks, prefix, key);
  }
  if (field.length > limits.maxValue || value.length > limits.maxValue || meta.count > limits.maxEntries) meta.flags |= MetaFlag.BigEncoding;
  return record;
}

/** Deletes `field` (which readFields found as `existing`) in the batch, with its `e` entry. */
export function deleteField(hash: Collection, batch: KeyspaceBatch, field: Buffer, existing: Buffer): void {
  const prefix = hash.prefix(MemberTag.HashField);
  const name = binaryKey(field);
  const key = prefix + name;
  batch.deleteMember(key);
  const expire = fieldExpireAt(existing);
  if (expire !== NO_EXPIRE) batch.deleteMember(fieldExpiryKey(hash, expire, name));
  noteRemoved(hash.ks, prefix, key);
  hash.meta.count--;
}

/**
 * Gives `field` (which readFields found as `existing`: present, not expired) the expire time
 * `expire`, or none (NO_EXPIRE), keeping its value: the field record and its `e` entry change in
 * the batch, and the metadata's minFieldExpire stays a lower bound of every field's TTL.
 */
export function setFieldExpire(hash: Collection, batch: KeyspaceBatch, field: Buffer, existing: Buffer, expire: number): Buffer {
  const name = binaryKey(field);
  const oldExpire = fieldExpireAt(existing);
  const record = encodeField(fieldValue(existing), expire);
  batch.putMember(fieldKey(hash, field), record);
  if (oldExpire !== NO_EXPIRE) batch.deleteMember(fieldExpiryKey(hash, oldExpire, name));
  if (expire !== NO_EXPIRE) noteFieldExpire(hash, batch, name, expire);
  return record;
}

/** A field gets the expire time `expire`: its `e` entry, and the metadata's bound. */
function noteFieldExpire(hash: Collection, batch: KeyspaceBatch, name: BinaryKey, expire: number): void {
  batch.putMember(fieldExpiryKey(hash, expire, name), EMPTY);
  const meta = hash.meta;
  if ((meta.flags & MetaFlag.FieldExpires) === 0 || meta.minFieldExpire > expire) meta.minFieldExpire = expire;
  meta.flags |= MetaFlag.FieldExpires;
}

/**
 * What Redis' hashTypeSetExInit does to a small hash before any field gets a TTL: it becomes a
 * listpackex (OBJECT ENCODING), for good.
 */
export function markFieldTtls(hash: Collection): void {
  if ((hash.meta.flags & MetaFlag.BigEncoding) === 0) hash.meta.flags |= MetaFlag.ListpackEx;
}

const EMPTY = Buffer.alloc(0);

/** Whether OBJECT ENCODING says listpack: Redis answers HSCAN of such a hash whole. */
export function isListpack(hash: Collection): boolean {
  return (hash.meta.flags & MetaFlag.BigEncoding) === 0;
}

/** Every field with its value, in field byte order, read at a snapshot without blocking. */
export async function allFields(hash: Collection): Promise<Array<[Buffer, Buffer]>> {
  const out: Array<[Buffer, Buffer]> = [];
  if (!hash.exists) return out;
  const now = Date.now();
  await walkMembers(hash.ks, hash.prefix(MemberTag.HashField), ({ member, value }) => {
    if (!fieldExpired(value, now)) out.push([member, fieldValue(value)]);
  });
  return out;
}

/** A field (as a binary string) and its value (null: not asked for). */
export type FieldEntry = readonly [field: BinaryKey | Buffer, value: Buffer | null];

/**
 * HRANDFIELD: `count` random fields, distinct (fewer than the hash's size) or with repeats, in
 * random order, with their values when `withValues`. Picked without reading the hash
 * (member-random.ts); synchronously when its pick tree and the values are in memory, else a
 * Promise (the key must stay held until it settles).
 */
export function randomFields(hash: Collection, count: number, distinct: boolean, withValues: boolean): FieldEntry[] | Promise<FieldEntry[]> {
  const picked = randomMembers(hash, MemberTag.HashField, count, distinct);
  if (!withValues) {
    const bare = (fields: BinaryKey[]): FieldEntry[] => fields.map((f) => [f, null]);
    return picked instanceof Promise ? picked.then(bare) : bare(picked);
  }
  return picked instanceof Promise ? picked.then((fields) => valuesOf(hash, fields)) : valuesOf(hash, picked);
}

/**
 * `fields` (just picked: present, and the dispatcher holds the key) with their values, each
 * distinct field read once; synchronously when all are in memory, else once read.
 */
function valuesOf(hash: Collection, picked: readonly BinaryKey[]): FieldEntry[] | Promise<FieldEntry[]> {
  const prefix = hash.prefix(MemberTag.HashField);
  const distinct = [...new Set(picked)];
  const found = hash.ks.readMembers(distinct.map((f) => prefix + f));
  if (found instanceof Promise) return found.then(() => valuesOf(hash, picked));
  const values = new Map<BinaryKey, Buffer>();
  const now = Date.now();
  for (let i = 0; i < distinct.length; i++) {
    const stored = found[i];
    if (stored !== null && !fieldExpired(stored, now)) values.set(distinct[i], fieldValue(stored));
  }
  const out: FieldEntry[] = [];
  for (const f of picked) {
    const value = values.get(f);
    if (value !== undefined) out.push([f, value]);
  }
  return out;
}

export interface FieldScanPage extends ScanPageEnd {
  fields: Array<readonly [BinaryKey | Buffer, Buffer]>;
}

/**
 * One HSCAN page. A listpack-encoded hash comes whole with cursor 0, whatever the cursor, as
 * Redis answers for it (in field byte order; Redis' is insertion order, which we do not keep). A
 * bigger hash comes `count` fields at a time in byte order (scanMemberPage). MATCH looks at the
 * field only.
 */
export async function scanFields(hash: Collection, cursor: string, count: number, pattern: BinaryKey | null): Promise<FieldScanPage> {
  const filter = scanFilter(pattern);
  if (isListpack(hash)) {
    const all = await allFields(hash);
    return { cursor: '0', fields: filter === null ? all : all.filter(([field]) => globMatch(filter, field)) };
  }
  const out: Array<readonly [BinaryKey, Buffer]> = [];
  const now = Date.now();
  const end = await scanMemberPage(hash.ks, hash.prefix(MemberTag.HashField), cursor, count, filter, (field, stored) => {
    if (!fieldExpired(stored, now)) out.push([field, fieldValue(stored)]);
  });
  return { ...end, fields: out };
}
