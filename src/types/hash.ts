/**
 * Hashes over the engine: one engine key per field (docs/format.md, "Collections": tag 'h', value
 * `flags u8 [expireAt i64 BE] value`), the field count in the metadata. Commands (commands/hashes.ts)
 * open the hash with openCollection/openOrCreate and use the operations here; each touches only
 * the fields it names, except the walks (HGETALL and friends), which read the fields in order.
 *
 * Field expire times (Redis 7.4's HEXPIRE family) have their place in the value from the start;
 * nothing sets them yet, so every field written here has none.
 */
import type { BinaryKey } from '../engine/types.js';
import type { KeyspaceBatch } from '../keyspace/keyspace.js';
import { binaryKey } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag } from '../keyspace/collection-encoding.js';
import { walkMembers, type Collection } from './collection.js';

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
  batch.putMember(fieldKey(hash, field), encodeField(value));
  const meta = hash.meta;
  if (existing === null) meta.count++;
  if (field.length > limits.maxValue || value.length > limits.maxValue || meta.count > limits.maxEntries) meta.flags |= MetaFlag.BigEncoding;
}

/** Deletes `field` (which readFields found) in the batch. */
export function deleteField(hash: Collection, batch: KeyspaceBatch, field: Buffer): void {
  batch.deleteMember(fieldKey(hash, field));
  hash.meta.count--;
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
