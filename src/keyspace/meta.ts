/**
 * The metadata records of the keyspace (namespace 0, see encoding.ts) and their byte layouts.
 *
 * Layout record (key META_LAYOUT_KEY):
 *   version     u8 = 1
 *   nextNs      u32 BE   the next namespace id to hand out (ids are never reused)
 *   dbCount     u32 BE   number of logical databases mapped
 *   ns          u32 BE × dbCount   namespace of logical database i
 *   deadCount   u32 BE
 *   dead        u32 BE × deadCount  flushed namespaces whose keys are still being deleted
 *
 * Counts record (key META_COUNTS_PREFIX + ns(4)), rewritten in the same batch as every change that
 * alters it, so DBSIZE is exact after any crash without scanning:
 *   keys        varint   number of keys in the namespace
 *   expires     varint   how many of them have an expire time
 *   expireSum   f64 LE   sum of their expire times in ms (for INFO's avg_ttl; may drift by rounding)
 */
import { CorruptionError } from '../engine/errors.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from '../util/varint.js';
import type { BinaryKey } from '../engine/types.js';
import { META_COUNTS_PREFIX, namespacePrefix } from './encoding.js';

const LAYOUT_VERSION = 1;

export interface Layout {
  nextNs: number;
  /** Namespace of each logical database. */
  namespaces: number[];
  /** Flushed namespaces not yet fully deleted. */
  dead: number[];
}

export function encodeLayout(layout: Layout): Buffer {
  const out = Buffer.allocUnsafe(1 + 4 + 4 + 4 * layout.namespaces.length + 4 + 4 * layout.dead.length);
  let at = out.writeUInt8(LAYOUT_VERSION, 0);
  at = out.writeUInt32BE(layout.nextNs, at);
  at = out.writeUInt32BE(layout.namespaces.length, at);
  for (const ns of layout.namespaces) at = out.writeUInt32BE(ns, at);
  at = out.writeUInt32BE(layout.dead.length, at);
  for (const ns of layout.dead) at = out.writeUInt32BE(ns, at);
  return out;
}

export function decodeLayout(value: Buffer): Layout {
  const fail = (detail: string): never => {
    throw new CorruptionError('keyspace layout record', 0, detail);
  };
  if (value.length < 13 || value[0] !== LAYOUT_VERSION) fail(`unknown version or short record (${value.length} bytes)`);
  let at = 1;
  const nextNs = value.readUInt32BE(at);
  at += 4;
  const dbCount = value.readUInt32BE(at);
  at += 4;
  if (at + 4 * dbCount + 4 > value.length) fail('database map runs past the record');
  const namespaces: number[] = [];
  for (let i = 0; i < dbCount; i++, at += 4) namespaces.push(value.readUInt32BE(at));
  const deadCount = value.readUInt32BE(at);
  at += 4;
  if (at + 4 * deadCount !== value.length) fail('dead namespace list does not match the record length');
  const dead: number[] = [];
  for (let i = 0; i < deadCount; i++, at += 4) dead.push(value.readUInt32BE(at));
  return { nextNs, namespaces, dead };
}

export interface NamespaceCounts {
  keys: number;
  expires: number;
  expireSum: number;
}

export function countsKey(ns: number): BinaryKey {
  return META_COUNTS_PREFIX + namespacePrefix(ns);
}

export function encodeCounts(counts: NamespaceCounts): Buffer {
  const out = Buffer.allocUnsafe(varintLength(counts.keys) + varintLength(counts.expires) + 8);
  let at = writeVarint(out, 0, counts.keys);
  at = writeVarint(out, at, counts.expires);
  out.writeDoubleLE(counts.expireSum, at);
  return out;
}

export function decodeCounts(value: Buffer, ns: number): NamespaceCounts {
  const cursor: VarintCursor = { value: 0, offset: 0 };
  try {
    readVarint(value, cursor);
    const keys = cursor.value;
    readVarint(value, cursor);
    const expires = cursor.value;
    if (cursor.offset + 8 !== value.length) throw new RangeError('bad length');
    return { keys, expires, expireSum: value.readDoubleLE(cursor.offset) };
  } catch (err) {
    throw new CorruptionError(`keyspace counts record of namespace ${ns}`, cursor.offset, String(err));
  }
}
