/**
 * Hashes over the engine: one engine key per field (docs/format.md, "Collections": tag 'h', value
 * `flags u8 [expireAt i64 BE] value`), the field count in the metadata. Commands (commands/hashes.ts)
 * open the hash with openCollection/openOrCreate and use the operations here; each touches only
 * the fields it names, except the walks (HGETALL and friends, HSCAN), which read the fields in
 * order. Random fields (HRANDFIELD) are picked without reading the hash (./member-random.ts),
 * which hears of every field added or removed here.
 *
 * Field expire times (Redis 7.4's HEXPIRE family) have their place in the value from the start;
 * nothing sets them yet, so every field written here has none.
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { binaryKey } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag } from '../keyspace/collection-encoding.js';
import { scanFilter, scanMemberPage, walkMembers, type Collection, type ScanPageEnd } from './collection.js';
import { noteAdded, noteRemoved, randomMembers } from './member-random.js';
import { globMatch } from '../util/glob.js';

/** Field value flag: an expire time follows. */
const FIELD_EXPIRES = 1;

/** A field's engine value for `value`, with no expire time. */
export function encodeField(value: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + value.length);
  out[0] = 0;
  out.set(value, 1);
  return out;
}

/** The value bytes of a field's engine value (a view, no copy). */
export function fieldValue(stored: Buffer): Buffer {
  return stored.subarray((stored[0] & FIELD_EXPIRES) === 0 ? 1 : 9);
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
  return hash.ks.readMembers(fields.map((f) => fieldKey(hash, f)));
}

/** The thresholds of Redis' listpack encoding (CONFIG hash-max-listpack-*). */
export interface HashEncodingLimits {
  maxEntries: number;
  maxValue: number;
}

/**
 * Sets `field` to `value` in the batch; `existing` is what readFields found for it. Keeps the
 * count and the encoding flag (OBJECT ENCODING turns hashtable once a field or value is longer than
 * the limit or the hash has more fields than the limit, and never back, as in Redis).
 */
export function setField(hash: Collection, batch: KeyspaceBatch, field: Buffer, value: Buffer, existing: Buffer | null, limits: HashEncodingLimits): void {
  const prefix = hash.prefix(MemberTag.HashField);
  const key = prefix + binaryKey(field);
  batch.putMember(key, encodeField(value));
  const meta = hash.meta;
  if (existing === null) {
    meta.count++;
    noteAdded(hash.ks, prefix, key);
  }
  if (field.length > limits.maxValue || value.length > limits.maxValue || meta.count > limits.maxEntries) meta.flags |= MetaFlag.BigEncoding;
}

/** Deletes `field` (which readFields found) in the batch. */
export function deleteField(hash: Collection, batch: KeyspaceBatch, field: Buffer): void {
  const prefix = hash.prefix(MemberTag.HashField);
  const key = prefix + binaryKey(field);
  batch.deleteMember(key);
  noteRemoved(hash.ks, prefix, key);
  hash.meta.count--;
}

/** Whether OBJECT ENCODING says listpack: Redis answers HSCAN of such a hash whole. */
export function isListpack(hash: Collection): boolean {
  return (hash.meta.flags & MetaFlag.BigEncoding) === 0;
}

/** Every field with its value, in field byte order, read at a snapshot without blocking. */
export async function allFields(hash: Collection): Promise<Array<[Buffer, Buffer]>> {
  const out: Array<[Buffer, Buffer]> = [];
  if (!hash.exists) return out;
  await walkMembers(hash.ks, hash.prefix(MemberTag.HashField), ({ member, value }) => {
    out.push([member, fieldValue(value)]);
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
  for (let i = 0; i < distinct.length; i++) {
    const stored = found[i];
    if (stored !== null) values.set(distinct[i], fieldValue(stored));
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
  const end = await scanMemberPage(hash.ks, hash.prefix(MemberTag.HashField), cursor, count, filter, (field, stored) => {
    out.push([field, fieldValue(stored)]);
  });
  return { ...end, fields: out };
}
