/**
 * The collection bytes of docs/format.md ("Collections"): metadata round trips, versions that are
 * never handed out twice, member keys that cannot be confused between keys or versions, and
 * scores whose byte order is numeric order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MemberTag,
  MetaFlag,
  VersionSource,
  decodeMeta,
  decodePosition,
  encodeMeta,
  encodePosition,
  makeVersion,
  memberPrefix,
  newMeta,
  parseMemberKey,
  scoreFromSortable,
  sortableScore,
  versionOf,
} from '../../src/keyspace/collection-encoding.js';
import { NO_EXPIRE, ValueType, expireAt, namespacePrefix, valueType } from '../../src/keyspace/encoding.js';
import { createCompactionFilter } from '../../src/keyspace/compaction-filter.js';
import { mulberry32 } from '../support/prng.js';

test('metadata round-trips for every collection type, with and without an expire time', () => {
  const version = makeVersion(123_456_789, 3);
  for (const type of [ValueType.Hash, ValueType.Set, ValueType.ZSet, ValueType.List, ValueType.Stream]) {
    for (const expire of [NO_EXPIRE, 1_700_000_000_000]) {
      const meta = newMeta(type, version, expire);
      meta.count = 300_000;
      meta.flags = MetaFlag.BigEncoding;
      if (type === ValueType.Hash) {
        meta.flags |= MetaFlag.FieldExpires;
        meta.minFieldExpire = 1_800_000_000_000;
      }
      if (type === ValueType.List) {
        meta.head = -(2 ** 40) - 10;
        meta.tail = 2 ** 52 + 5;
      }
      if (meta.stream !== null) {
        meta.stream.lastId = '\xff'.repeat(16);
        meta.stream.firstId = '\0'.repeat(8) + '\0\0\0\0\0\0\0\x05';
        meta.stream.maxDeletedId = '\x01'.repeat(16);
        meta.stream.entriesAdded = 0xffff_ffff_ffff_fff0n;
        meta.stream.nodes = 3000;
        meta.stream.tailNode = 2 ** 40;
        meta.stream.tailAppended = 100;
        meta.stream.tailLive = 7;
      }
      const bytes = encodeMeta(meta);
      assert.is(valueType(bytes), type);
      assert.is(expireAt(bytes), expire, 'the expire time sits where it does for strings');
      assert.is(versionOf(bytes), version);
      assert.equal(decodeMeta(bytes), meta);
    }
  }
});

test('list positions: byte order is numeric order, 0 in the middle of the u64 space, exact to 2^53', () => {
  assert.is(encodePosition(0), '\x80\0\0\0\0\0\0\0');
  assert.is(encodePosition(-1), '\x7f\xff\xff\xff\xff\xff\xff\xff');
  const samples = [-(2 ** 53), -(2 ** 52) - 1, -(2 ** 32) - 1, -(2 ** 32), -(2 ** 32) + 1, -256, -1, 0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1];
  const random = mulberry32(5);
  for (let i = 0; i < 200; i++) samples.push(Math.floor((random() - 0.5) * 2 ** 54));
  samples.sort((a, b) => a - b);
  for (let i = 0; i < samples.length; i++) {
    const bytes = encodePosition(samples[i]);
    assert.is(bytes.length, 8);
    assert.is(decodePosition('xx' + bytes, 2), samples[i]);
    if (i > 0 && samples[i] !== samples[i - 1]) assert.ok(encodePosition(samples[i - 1]) < bytes, `${samples[i - 1]} sorts before ${samples[i]}`);
  }
});

test('decodeMeta rejects strings, short records and trailing bytes', () => {
  const good = encodeMeta(newMeta(ValueType.Set, makeVersion(1, 0)));
  assert.throws(() => decodeMeta(Buffer.from([0x00, 0x61])), /not a collection/);
  assert.throws(() => decodeMeta(good.subarray(0, 5)), /short record/);
  assert.throws(() => decodeMeta(Buffer.concat([good, Buffer.from([0])])), /past the record/);
});

test('versions: ordinals within one batch, a fresh run for the next, never the same twice', () => {
  let next = 41;
  const source = new VersionSource(() => next);
  const seen = new Set<string>();
  for (let batch = 0; batch < 5; batch++) {
    for (let i = 0; i < 4; i++) seen.add(source.next());
    next++;
  }
  assert.is(seen.size, 20);
  assert.is(makeVersion(2 ** 48 - 1, 0xffff), '\xff'.repeat(8));
  assert.throws(() => makeVersion(1, 0x10000), /out of range/);
  // Byte order follows (sequence, ordinal).
  assert.ok(makeVersion(5, 0xffff) < makeVersion(6, 0));
  assert.ok(makeVersion(2 ** 33, 0) > makeVersion(2 ** 32 + 7, 9));
});

test('member keys: the length prefix keeps keys apart, the version keeps incarnations apart', () => {
  const ns = namespacePrefix(7);
  const v1 = makeVersion(10, 0);
  const v2 = makeVersion(11, 0);
  const ab = memberPrefix(ns, MemberTag.HashField, 'ab', v1);
  const a = memberPrefix(ns, MemberTag.HashField, 'a', v1);
  // key 'a' with field 'b...' never starts with key 'ab''s prefix, and the other way round
  assert.not.ok((a + 'b' + 'field').startsWith(ab));
  assert.not.ok((ab + 'field').startsWith(a));
  assert.not.ok((memberPrefix(ns, MemberTag.HashField, 'ab', v2) + 'f').startsWith(ab));
  const parts = parseMemberKey(ab + 'field\0\xff');
  assert.ok(parts !== undefined);
  assert.is(parts.tag, MemberTag.HashField);
  assert.is(parts.metaKey, ns + 'k' + 'ab');
  assert.is(parts.version, v1);
  assert.is((ab + 'field\0\xff').slice(parts.prefixLength), 'field\0\xff');
  const binaryKey = 'k\0\r\n\xff';
  const z = parseMemberKey(memberPrefix(ns, MemberTag.ZSetByScore, binaryKey, v2) + sortableScore(1.5) + 'm');
  assert.is(z?.metaKey, ns + 'k' + binaryKey);
  assert.is(parseMemberKey(ns + 'k' + 'plain string key'), undefined, 'top-level keys are not members');
  assert.is(parseMemberKey(ns + 'h\0\0\0\x09ab'), undefined, 'a length running past the key');
});

test('sortable scores: byte order is numeric order, and they round-trip', () => {
  const fixed = [-Infinity, -1.7976931348623157e308, -1e10, -1, -Number.MIN_VALUE, 0, Number.MIN_VALUE, 1e-300, 0.5, 1, 2, 1e10, Number.MAX_VALUE, Infinity];
  const random = mulberry32(99);
  const values = [...fixed];
  for (let i = 0; i < 2000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
  const sorted = values.slice().sort((x, y) => x - y);
  const byBytes = values.map((v) => ({ v, bytes: sortableScore(v) })).sort((x, y) => (x.bytes < y.bytes ? -1 : x.bytes > y.bytes ? 1 : 0));
  assert.equal(byBytes.map((e) => e.v), sorted);
  for (const v of values) assert.is(scoreFromSortable(sortableScore(v)), v);
  assert.is(sortableScore(-0), sortableScore(0), '-0 is stored as 0');
  assert.ok(Object.is(scoreFromSortable(sortableScore(-0)), 0));
});

test('compaction filter: members of dead versions go, members of the live version stay', () => {
  const ns = namespacePrefix(3);
  const live = makeVersion(50, 0);
  const old = makeVersion(20, 0);
  const metas = new Map<string, Buffer>();
  let lookups = 0;
  const view = {
    get: (key: string) => {
      lookups++;
      return metas.get(key);
    },
  };
  const meta = (type: ValueType, version: string, expire = NO_EXPIRE): Buffer => encodeMeta(newMeta(type, version, expire));
  metas.set(ns + 'kh', meta(ValueType.Hash, live));
  metas.set(ns + 'kz', meta(ValueType.ZSet, live));
  metas.set(ns + 'kgone', meta(ValueType.Set, live, 9_000));
  metas.set(ns + 'kstr', Buffer.from([0x00, 0x61]));
  const drop = createCompactionFilter({ now: 10_000 }, view);
  const empty = Buffer.alloc(0);
  assert.is(drop(memberPrefix(ns, MemberTag.HashField, 'h', live) + 'f1', empty), false, 'live version');
  assert.is(drop(memberPrefix(ns, MemberTag.HashField, 'h', live) + 'f2', empty), false);
  assert.is(lookups, 1, 'one lookup for a run of members');
  assert.is(drop(memberPrefix(ns, MemberTag.HashField, 'h', old) + 'f1', empty), true, 'older version');
  assert.is(drop(memberPrefix(ns, MemberTag.ZSetByScore, 'z', live) + sortableScore(3) + 'm', empty), false);
  assert.is(drop(memberPrefix(ns, MemberTag.HashField, 'z', live) + 'f', empty), true, 'a tag of another type');
  assert.is(drop(memberPrefix(ns, MemberTag.SetMember, 'gone', live) + 'm', empty), true, 'owner expired');
  assert.is(drop(memberPrefix(ns, MemberTag.SetMember, 'str', live) + 'm', empty), true, 'owner is a string now');
  assert.is(drop(memberPrefix(ns, MemberTag.SetMember, 'never', live) + 'm', empty), true, 'no owner');
  // Expired collection metadata stays for the expiry cycle, which records its members for the sweep.
  assert.is(drop(ns + 'kgone', metas.get(ns + 'kgone') as Buffer), false);
});

test.run();
