/**
 * DUMP and RESTORE over the keyspace: a key of any type read into Redis 7.0's serialization
 * (src/rdb/object.ts), and a decoded payload written as a new key through the type modules, in
 * one batch with its metadata.
 *
 * Encodings follow Redis' rules both ways. DUMP writes the compact form exactly when OBJECT
 * ENCODING says so (intset, listpack), and RESTORE gives the key the encoding Redis 7.0 would
 * give it on load: a payload in a compact form keeps it while the count is within the entries
 * limit, one in the full form is made compact when it fits both limits (rdbLoadObject's
 * conversions), sets by the intset rules.
 */
import type { BinaryKey } from '../engine/types.js';
import type { Keyspace, KeyspaceBatch } from '../keyspace/keyspace.js';
import { StringEncodingHint, ValueType, binaryKey, encodeString, payload, valueType } from '../keyspace/encoding.js';
import { MemberTag, MetaFlag, STREAM_ID_ZERO, decodeMeta, encodePosition, newMeta, scoreFromSortable } from '../keyspace/collection-encoding.js';
import { listpackScoreText } from '../keyspace/strtod.js';
import { formatDouble } from '../protocol/reply.js';
import {
  ListEncoder, StreamEncoder, encodeHash, encodeHashWithExpires, encodeSet, encodeStreamTail, encodeStringObject, encodeZSet,
  type RdbConsumer, type RdbGroup, type RdbPending, type RdbStream, type RdbValue,
} from '../rdb/object.js';
import { Collection, walkMembers } from './collection.js';
import { encodeField, fieldExpireAt, fieldExpiryKey, fieldValue, isListpack } from './hash.js';
import { NO_EXPIRE } from '../keyspace/encoding.js';
import { freshFlags, integerValue, isIntset } from './set.js';
import { decodeScore, isBig, writeResult, type ZSetLimits } from './zset.js';
import { decodeEntry, encodeEntry, entryPrefix, streamState } from './stream.js';
import { estimateEntriesRead, putGroupImage, readConsumers, readGroups, walkPel } from './stream-groups.js';

/** The configuration RESTORE needs to choose encodings as Redis would. */
export interface RestoreLimits {
  hash: { maxEntries: number; maxValue: number };
  zset: ZSetLimits;
  /** set-max-intset-entries, as intsetLimit gives it. */
  maxIntset: number;
}

const EMPTY = Buffer.alloc(0);
const STREAM_ID_MAX: BinaryKey = '\xff'.repeat(16);

// ---------------------------------------------------------------- DUMP

/** The serialized object (without the footer) for the key whose value is `value`. */
export async function serializeValue(ks: Keyspace, db: number, key: BinaryKey, value: Buffer): Promise<Buffer> {
  const type = valueType(value);
  if (type === ValueType.String) return encodeStringObject(payload(value));
  const c = new Collection(ks, db, key, value, decodeMeta(value));
  switch (type) {
    case ValueType.List: {
      const out = new ListEncoder();
      await walkMembers(ks, c.prefix(MemberTag.ListElement), ({ value: element }) => out.add(element));
      return out.finish();
    }
    case ValueType.Set: {
      const members: Buffer[] = [];
      await walkMembers(ks, c.prefix(MemberTag.SetMember), ({ member }) => {
        members.push(member);
      });
      return encodeSet(members, isIntset(c.meta));
    }
    case ValueType.Hash: {
      // Field TTLs (Redis 7.4): a listpackex, or a table with a TTL somewhere, is serialized in
      // 7.4's types (RDB version 12); any other hash exactly as 7.0 does. Expired fields were
      // reclaimed by the lookup; one expiring since is left out.
      const pairs: Buffer[] = [];
      const expires: number[] = [];
      const now = Date.now();
      let anyTtl = false;
      await walkMembers(ks, c.prefix(MemberTag.HashField), ({ member, value: stored }) => {
        const expire = fieldExpireAt(stored);
        if (expire !== NO_EXPIRE && expire <= now) return;
        pairs.push(member, Buffer.from(fieldValue(stored)));
        expires.push(expire === NO_EXPIRE ? 0 : expire);
        if (expire !== NO_EXPIRE) anyTtl = true;
      });
      const listpack = isListpack(c);
      const listpackEx = listpack && (c.meta.flags & MetaFlag.ListpackEx) !== 0;
      if (listpackEx || (!listpack && anyTtl)) return encodeHashWithExpires(pairs, expires, listpack);
      return encodeHash(pairs, listpack);
    }
    case ValueType.ZSet: {
      // The `Z` records come in Redis' order (score, then member bytes), which a listpack must keep.
      const entries: Array<{ member: Buffer; score: number }> = [];
      await walkMembers(ks, c.prefix(MemberTag.ZSetByScore), ({ member: suffix, value: v }) => {
        entries.push({ member: suffix.subarray(8), score: v.length === 8 ? decodeScore(v) : scoreFromSortable(binaryKey(suffix, 0, 8)) });
      });
      return encodeZSet(entries, !isBig(c), (score) => listpackScoreText(score, formatDouble));
    }
    case ValueType.Stream:
      return serializeStream(c);
    default:
      throw new Error(`DUMP of value type ${type}`);
  }
}

/** A stream: its entries node by node (as the entries record their nodes), then its state and groups. */
async function serializeStream(c: Collection): Promise<Buffer> {
  const s = streamState(c);
  const out = new StreamEncoder();
  let node = -1;
  if (c.meta.count > 0) {
    await walkMembers(c.ks, entryPrefix(c), ({ member: id, value }) => {
      const entry = decodeEntry(binaryKey(id), value);
      if (entry.node !== node) out.endNode();
      node = entry.node;
      out.add(id, entry.pairs);
    }, s.firstId);
  }
  const groups: RdbGroup[] = [];
  for (const g of await readGroups(c)) {
    const pel: RdbPending[] = [];
    const owned = new Map<BinaryKey, Buffer[]>();
    await walkPel(c, g, null, STREAM_ID_ZERO, STREAM_ID_MAX, ({ id, entry }) => {
      const idBytes = Buffer.from(id, 'latin1');
      pel.push({ id: idBytes, deliveryTime: entry.deliveryTime, deliveryCount: entry.deliveryCount });
      let ids = owned.get(entry.consumer);
      if (ids === undefined) owned.set(entry.consumer, (ids = []));
      ids.push(idBytes);
    });
    const consumers: RdbConsumer[] = (await readConsumers(c, g)).map((consumer) => ({
      name: Buffer.from(consumer.name, 'latin1'),
      seenTime: consumer.seenTime,
      pel: owned.get(consumer.name) ?? [],
    }));
    groups.push({ name: Buffer.from(g.name, 'latin1'), lastId: Buffer.from(g.lastId, 'latin1'), entriesRead: g.entriesRead, pel, consumers });
  }
  const id = (k: BinaryKey): Buffer => Buffer.from(k, 'latin1');
  return out.finish(encodeStreamTail({ length: c.meta.count, lastId: id(s.lastId), firstId: id(s.firstId), maxDeletedId: id(s.maxDeletedId), entriesAdded: s.entriesAdded, groups }));
}

// ---------------------------------------------------------------- RESTORE

/**
 * Stages `value` as the new value of (db, key), replacing `previous` (null: absent), with the
 * expire time `expire` (ms, or NO_EXPIRE), into `batch` with its WATCH touch. A collection gets a
 * fresh version: its members are written under it in the same batch, the old version's go to the
 * sweep.
 */
export function stageRestore(ks: Keyspace, batch: KeyspaceBatch, db: number, key: BinaryKey, previous: Buffer | null, value: RdbValue, expire: number, limits: RestoreLimits): void {
  if (value.type === 'string') {
    batch.put(db, key, encodeString(value.value, expire, StringEncodingHint.ByContent), previous);
    return;
  }
  const type = { list: ValueType.List, set: ValueType.Set, zset: ValueType.ZSet, hash: ValueType.Hash, stream: ValueType.Stream }[value.type];
  const c = new Collection(ks, db, key, previous, newMeta(type, ks.versions.next(), expire));
  const meta = c.meta;
  switch (value.type) {
    case 'list': {
      const prefix = c.prefix(MemberTag.ListElement);
      value.elements.forEach((element, i) => batch.putMember(prefix + encodePosition(i), element));
      meta.count = value.elements.length;
      meta.head = 0;
      meta.tail = meta.count;
      break;
    }
    case 'set': {
      const prefix = c.prefix(MemberTag.SetMember);
      let integers = true;
      for (const m of value.members) {
        const member = binaryKey(m);
        if (integers && integerValue(member) === undefined) integers = false;
        batch.putMember(prefix + member, EMPTY);
      }
      meta.count = value.members.length;
      meta.flags = freshFlags(integers, meta.count, limits.maxIntset);
      break;
    }
    case 'hash': {
      const prefix = c.prefix(MemberTag.HashField);
      let longest = 0;
      for (let i = 0; i < value.pairs.length; i += 2) {
        const stored = value.expires?.[i / 2] ?? 0;
        const expire = stored === 0 ? NO_EXPIRE : stored;
        const field = binaryKey(value.pairs[i]);
        batch.putMember(prefix + field, encodeField(value.pairs[i + 1], expire));
        if (expire !== NO_EXPIRE) {
          batch.putMember(fieldExpiryKey(c, expire, field), EMPTY);
          if ((meta.flags & MetaFlag.FieldExpires) === 0 || expire < meta.minFieldExpire) meta.minFieldExpire = expire;
          meta.flags |= MetaFlag.FieldExpires;
        }
        longest = Math.max(longest, value.pairs[i].length, value.pairs[i + 1].length);
      }
      meta.count = value.pairs.length / 2;
      const fits = meta.count <= limits.hash.maxEntries && (value.compact || longest <= limits.hash.maxValue);
      if (!fits) meta.flags |= MetaFlag.BigEncoding;
      // A hash that comes with field TTLs stays a listpackex while small, as Redis loads it.
      else if (value.expires !== undefined) meta.flags |= MetaFlag.ListpackEx;
      break;
    }
    case 'zset': {
      const entries = value.entries.map(({ member, score }) => ({ member: binaryKey(member), score }));
      writeResult(c, batch, entries, limits.zset, false);
      // A listpack payload stays a listpack within the entries limit, whatever its members' lengths.
      if (value.compact && meta.count <= limits.zset.maxEntries) meta.flags &= ~MetaFlag.BigEncoding;
      break;
    }
    case 'stream':
      stageStream(c, batch, value.stream);
      break;
  }
  c.stage(batch);
}

function stageStream(c: Collection, batch: KeyspaceBatch, image: RdbStream): void {
  const s = streamState(c);
  const prefix = entryPrefix(c);
  let node = -1;
  let first: BinaryKey | null = null;
  for (const n of image.nodes) {
    if (n.entries.length === 0) continue;
    node++;
    for (const e of n.entries) {
      const id = binaryKey(e.id);
      first ??= id;
      batch.putMember(prefix + id, encodeEntry(node, e.pairs));
    }
    s.tailAppended = n.entries.length + n.deleted;
    s.tailLive = n.entries.length;
  }
  c.meta.count = image.length;
  s.nodes = node + 1;
  s.tailNode = node;
  s.lastId = binaryKey(image.lastId);
  // Entries below firstId are dead here: it must be the first entry's (Redis keeps it so).
  s.firstId = first ?? binaryKey(image.firstId);
  s.maxDeletedId = binaryKey(image.maxDeletedId);
  s.entriesAdded = image.entriesAdded;
  s.groups = image.groups.length;
  for (const g of image.groups) {
    const owner = new Map<BinaryKey, BinaryKey>();
    for (const consumer of g.consumers) for (const id of consumer.pel) owner.set(binaryKey(id), binaryKey(consumer.name));
    putGroupImage(c, batch, {
      name: binaryKey(g.name),
      lastId: binaryKey(g.lastId),
      // A v1 payload has none: estimated from the stream, as Redis 7.0 does when it loads one.
      entriesRead: g.entriesRead ?? estimateEntriesRead(c, binaryKey(g.lastId)),
      consumers: g.consumers.map((consumer) => ({ name: binaryKey(consumer.name), seenTime: consumer.seenTime, activeTime: consumer.seenTime, pending: consumer.pel.length })),
      pel: g.pel.map((p) => {
        const id = binaryKey(p.id);
        return { id, entry: { deliveryTime: p.deliveryTime, deliveryCount: p.deliveryCount, consumer: owner.get(id) ?? '' } };
      }),
    });
  }
}
