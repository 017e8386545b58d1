/**
 * Byte layouts of the keyspace: value headers, expire times, OBJECT ENCODING, key ranges, meta
 * records, cursor parsing and the compaction filter's decisions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  NO_EXPIRE,
  StringEncodingHint,
  ValueType,
  decodeTime,
  encodeString,
  encodeStringFromLatin1,
  encodeTime,
  expireAt,
  expireAtExact,
  expiryIndexKey,
  isCanonicalInt64,
  namespacePrefix,
  payload,
  prefixEnd,
  readNamespace,
  valueType,
  withExpire,
} from '../../src/keyspace/encoding.js';
import { decodeCounts, decodeLayout, encodeCounts, encodeLayout } from '../../src/keyspace/meta.js';
import { parseCursor } from '../../src/keyspace/scan-cursors.js';
import { objectEncoding } from '../../src/keyspace/collection-encoding.js';
import { createCompactionFilter } from '../../src/keyspace/compaction-filter.js';
import { CorruptionError } from '../../src/engine/errors.js';

test('string value without expire: one header byte, then the bytes', () => {
  const v = encodeString(Buffer.from('hello'), NO_EXPIRE, StringEncodingHint.ByContent);
  assert.is(v.length, 6);
  assert.is(v[0], 0);
  assert.is(valueType(v), ValueType.String);
  assert.is(expireAt(v), NO_EXPIRE);
  assert.is(payload(v).toString(), 'hello');
});

test('string value with expire: flag bit and 8-byte big-endian time', () => {
  const t = 1_763_000_000_123;
  const v = encodeStringFromLatin1('\x00\xff', t, StringEncodingHint.Raw);
  assert.is(v.length, 11);
  assert.is(v[0], 0x80 | (StringEncodingHint.Raw << 4));
  assert.is(v.readBigInt64BE(1), BigInt(t));
  assert.is(expireAt(v), t);
  assert.equal([...payload(v)], [0, 255]);
  const persisted = withExpire(v, NO_EXPIRE);
  assert.is(expireAt(persisted), NO_EXPIRE);
  assert.equal([...payload(persisted)], [0, 255]);
  assert.is(objectEncoding(persisted), 'raw');
});

test('expire times beyond 2^53 are stored as the nearest int64, capped at INT64_MAX', () => {
  const v = encodeString(Buffer.from('x'), 2 ** 63, StringEncodingHint.ByContent);
  assert.is(expireAtExact(v), 0x7fff_ffff_ffff_ffffn);
  assert.is(expireAt(v), 2 ** 63);
  const w = encodeString(Buffer.from('x'), 9223372036854770000, StringEncodingHint.ByContent);
  assert.is(typeof expireAtExact(w), 'bigint');
  assert.is(encodeTime(2 ** 63), '\x7f\xff\xff\xff\xff\xff\xff\xff');
});

test('index keys sort by time, then key', () => {
  const ns = namespacePrefix(7);
  assert.is(readNamespace(ns + 'x'), 7);
  const a = expiryIndexKey(ns, 1000, 'zzz');
  const b = expiryIndexKey(ns, 1001, 'aaa');
  const c = expiryIndexKey(ns, 256 * 1000, 'a');
  assert.ok(a < b && b < c);
  assert.is(decodeTime(a, 5), 1000);
  assert.is(decodeTime(c, 5), 256000);
  assert.is(decodeTime(encodeTime(2 ** 40 + 5), 0), 2 ** 40 + 5);
});

test('OBJECT ENCODING follows Redis: int, embstr up to 44 bytes, raw; hints override', () => {
  const enc = (s: string, hint = StringEncodingHint.ByContent) => objectEncoding(encodeStringFromLatin1(s, NO_EXPIRE, hint));
  assert.is(enc('123'), 'int');
  assert.is(enc('-9223372036854775808'), 'int');
  assert.is(enc('9223372036854775807'), 'int');
  assert.is(enc('9223372036854775808'), 'embstr');
  assert.is(enc('-0'), 'embstr');
  assert.is(enc('01'), 'embstr');
  assert.is(enc('+1'), 'embstr');
  assert.is(enc(''), 'embstr');
  assert.is(enc('x'.repeat(44)), 'embstr');
  assert.is(enc('x'.repeat(45)), 'raw');
  assert.is(enc('3', StringEncodingHint.NotInt), 'embstr');
  assert.is(enc('3', StringEncodingHint.Raw), 'raw');
});

test('isCanonicalInt64 is string2ll', () => {
  const ok = (s: string) => isCanonicalInt64(Buffer.from(s), 0);
  assert.ok(ok('0'));
  assert.ok(ok('-1'));
  assert.ok(!ok('-'));
  assert.ok(!ok(''));
  assert.ok(!ok(' 1'));
  assert.ok(!ok('1 '));
  assert.ok(!ok('00'));
  assert.ok(!ok('-9223372036854775809'));
  assert.ok(ok('-9223372036854775808'));
  assert.ok(!ok('12345678901234567890'));
});

test('prefixEnd is the first key after every key with the prefix', () => {
  assert.is(prefixEnd('ab'), 'ac');
  assert.is(prefixEnd('a\xff'), 'b');
  assert.is(prefixEnd('\xff\xff'), undefined);
});

test('layout and counts records round-trip; damage is reported', () => {
  const layout = { nextNs: 20, namespaces: [1, 2, 19], dead: [3, 4] };
  assert.equal(decodeLayout(encodeLayout(layout)), layout);
  const counts = { keys: 123456789, expires: 3, expireSum: 5.25e12 };
  assert.equal(decodeCounts(encodeCounts(counts), 1), counts);
  const bad = encodeLayout(layout).subarray(0, 12);
  assert.throws(() => decodeLayout(bad), (e: unknown) => e instanceof CorruptionError);
  assert.throws(() => decodeCounts(Buffer.from([0x80]), 1), (e: unknown) => e instanceof CorruptionError);
});

test('cursor arguments parse as strtoul does', () => {
  const p = (s: string) => parseCursor(Buffer.from(s));
  assert.is(p('0'), '0');
  assert.is(p(''), '0');
  assert.is(p('+0'), '0');
  assert.is(p('007'), '7');
  assert.is(p('1700000000000000123'), '1700000000000000123');
  assert.is(p('-1'), '18446744073709551615');
  assert.is(p('18446744073709551615'), '18446744073709551615');
  assert.is(p('18446744073709551616'), undefined);
  assert.is(p('+'), undefined);
  assert.is(p('abc'), undefined);
  assert.is(p(' 1'), undefined);
  assert.is(p('1x'), undefined);
});

test('compaction filter drops only expired values of data keys', () => {
  const drop = createCompactionFilter({ now: 10_000 }, { get: () => undefined });
  const ns = namespacePrefix(1);
  const past = encodeString(Buffer.from('v'), 9_999, StringEncodingHint.ByContent);
  const now = encodeString(Buffer.from('v'), 10_000, StringEncodingHint.ByContent);
  const future = encodeString(Buffer.from('v'), 10_001, StringEncodingHint.ByContent);
  const forever = encodeString(Buffer.from('v'), NO_EXPIRE, StringEncodingHint.ByContent);
  assert.is(drop(ns + 'kkey', past), true);
  assert.is(drop(ns + 'kkey', now), true);
  assert.is(drop(ns + 'kkey', future), false);
  assert.is(drop(ns + 'kkey', forever), false);
  assert.is(drop(expiryIndexKey(ns, 5, 'key'), Buffer.alloc(0)), false);
  assert.is(drop('\0\0\0\0kmeta', past), false);
  assert.is(drop('\0\0\0', past), false);
});

test.run();
