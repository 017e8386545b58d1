/**
 * src/rdb against known bytes: CRC-64/Jones' check value, listpacks
 * (every integer width, string length form and backlen size, and malformed ones refused),
 * intsets, ziplists, and whole objects encoded and decoded again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc64 } from '../../src/rdb/crc64.js';
import { ListpackWriter, decodeListpack, elementBytes } from '../../src/rdb/listpack.js';
import { decodeIntset, decodeZiplist, encodeIntset } from '../../src/rdb/legacy.js';
import { ListEncoder, StreamEncoder, decodeObject, encodeHash, encodeSet, encodeStreamTail, encodeStringObject, encodeZSet, streamIdBytes } from '../../src/rdb/object.js';
import { sealPayload, verifyPayload } from '../../src/rdb/payload.js';
import { RdbError } from '../../src/rdb/reader-error.js';

test('CRC-64/Jones: the check value, and continuing from a partial CRC', () => {
  assert.is(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  // Continuing from a partial CRC gives the CRC of the whole.
  const whole = Buffer.from('hello, world: a longer buffer for two halves');
  assert.is(crc64(whole.subarray(10), crc64(whole.subarray(0, 10))), crc64(whole));
});

test('listpack: integers of every width, strings of every length form, backlens of 1 to 3 bytes', () => {
  const values: bigint[] = [0n, 127n, 128n, -1n, -4096n, 4095n, 4096n, -32768n, 32767n, 32768n, -8388608n, 8388607n, 8388608n, 2147483647n, -2147483648n, 2147483648n, 9223372036854775807n, -9223372036854775808n];
  const strings = ['', 'a', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), 'v'.repeat(20000), '007', '-0', '+1', '12345678901234567890'];
  const w = new ListpackWriter();
  for (const v of values) w.appendInteger(v);
  for (const s of strings) w.append(Buffer.from(s));
  w.append(Buffer.from('-42'));
  const lp = w.finish();
  const back = decodeListpack(lp);
  assert.is(back.length, values.length + strings.length + 1);
  values.forEach((v, i) => assert.is(back[i], v));
  strings.forEach((s, i) => assert.is(elementBytes(back[values.length + i]).toString(), s));
  // A canonical integer string is stored as an integer.
  assert.is(back[back.length - 1], -42n);
});

test('listpack: malformed ones are refused', () => {
  const lp = new ListpackWriter().append(Buffer.from('hello')).appendInteger(300).finish();
  assert.ok(decodeListpack(lp).length === 2);
  const cases: Buffer[] = [];
  const wrongTotal = Buffer.from(lp);
  wrongTotal.writeUInt32LE(lp.length + 1, 0);
  cases.push(wrongTotal);
  const wrongCount = Buffer.from(lp);
  wrongCount.writeUInt16LE(3, 4);
  cases.push(wrongCount);
  const noEnd = Buffer.from(lp);
  noEnd[noEnd.length - 1] = 0;
  cases.push(noEnd);
  const badBacklen = Buffer.from(lp);
  badBacklen[6 + 6] = 9;
  cases.push(badBacklen);
  cases.push(lp.subarray(0, 5));
  for (const bad of cases) assert.throws(() => decodeListpack(bad), (e: unknown) => e instanceof RdbError);
});

test('intset: the narrowest width, sorted, checked', () => {
  const is = encodeIntset([-5n, 1n, 70000n]);
  assert.is(is.readUInt32LE(0), 4);
  assert.equal(decodeIntset(is), [-5n, 1n, 70000n]);
  const unsorted = Buffer.from(is);
  unsorted.writeInt32LE(100000, 8);
  assert.throws(() => decodeIntset(unsorted), (e: unknown) => e instanceof RdbError);
  assert.throws(() => decodeIntset(is.subarray(0, is.length - 1)), (e: unknown) => e instanceof RdbError);
});

test('ziplist: strings and every integer encoding', () => {
  // zlbytes, zltail, zllen; entries: "ab", int16 -2, immediate 5, int8 -100; end.
  const entries = [Buffer.from([0, 0x02, 0x61, 0x62]), Buffer.from([4, 0xc0, 0xfe, 0xff]), Buffer.from([4, 0xf6]), Buffer.from([2, 0xfe, 0x9c])];
  const tail = 10 + 4 + 4 + 2;
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(10);
  head.writeUInt32LE(10 + body.length + 1, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(4, 8);
  const zl = Buffer.concat([head, body, Buffer.from([0xff])]);
  assert.equal(decodeZiplist(zl).map((e) => elementBytes(e).toString()), ['ab', '-2', '5', '-100']);
  const badTail = Buffer.from(zl);
  badTail.writeUInt32LE(tail + 1, 4);
  assert.throws(() => decodeZiplist(badTail), (e: unknown) => e instanceof RdbError);
});

test('objects: encoded, sealed, verified and decoded again', () => {
  const roundTrip = (body: Buffer): ReturnType<typeof decodeObject> => {
    const payload = sealPayload(body);
    assert.ok(verifyPayload(payload));
    return decodeObject(payload);
  };
  assert.equal(roundTrip(encodeStringObject(Buffer.from('-123'))), { type: 'string', value: Buffer.from('-123') });
  const list = new ListEncoder();
  for (let i = 0; i < 3000; i++) list.add(Buffer.from(`element ${i}`));
  const decodedList = roundTrip(list.finish());
  assert.ok(decodedList.type === 'list' && decodedList.elements.length === 3000 && decodedList.elements[2999].toString() === 'element 2999');
  assert.equal(roundTrip(encodeSet([Buffer.from('3'), Buffer.from('-1')], true)), { type: 'set', members: [Buffer.from('-1'), Buffer.from('3')], compact: true });
  assert.equal(roundTrip(encodeHash([Buffer.from('f'), Buffer.from('v')], false)), { type: 'hash', pairs: [Buffer.from('f'), Buffer.from('v')], compact: false });
  const zset = roundTrip(encodeZSet([{ member: Buffer.from('a'), score: 1.5 }, { member: Buffer.from('b'), score: Infinity }], true, (s) => (s === Infinity ? 'inf' : String(s))));
  assert.equal(zset, { type: 'zset', entries: [{ member: Buffer.from('a'), score: 1.5 }, { member: Buffer.from('b'), score: Infinity }], compact: true });
  const stream = new StreamEncoder();
  stream.add(streamIdBytes(1n, 1n), [Buffer.from('f'), Buffer.from('1')]);
  stream.add(streamIdBytes(1n, 2n), [Buffer.from('f'), Buffer.from('2')]);
  stream.endNode();
  stream.add(streamIdBytes(5n, 0n), [Buffer.from('g'), Buffer.from('x')]);
  const tail = encodeStreamTail({
    length: 3, lastId: streamIdBytes(5n, 0n), firstId: streamIdBytes(1n, 1n), maxDeletedId: streamIdBytes(0n, 0n), entriesAdded: 3n,
    groups: [{ name: Buffer.from('g'), lastId: streamIdBytes(1n, 2n), entriesRead: -1n, pel: [{ id: streamIdBytes(1n, 1n), deliveryTime: 1000, deliveryCount: 2n }], consumers: [{ name: Buffer.from('c'), seenTime: 500, pel: [streamIdBytes(1n, 1n)] }] }],
  });
  const s = roundTrip(stream.finish(tail));
  assert.ok(s.type === 'stream');
  if (s.type !== 'stream') return;
  assert.is(s.stream.nodes.length, 2);
  assert.is(s.stream.nodes[0].entries[1].pairs[1].toString(), '2');
  assert.is(s.stream.groups[0].entriesRead, -1n);
  assert.is(s.stream.groups[0].consumers[0].pel.length, 1);
  // A consumer owning an entry that is not in the group's PEL is refused.
  const orphan = encodeStreamTail({
    length: 0, lastId: streamIdBytes(0n, 0n), firstId: streamIdBytes(0n, 0n), maxDeletedId: streamIdBytes(0n, 0n), entriesAdded: 0n,
    groups: [{ name: Buffer.from('g'), lastId: streamIdBytes(0n, 0n), entriesRead: 0n, pel: [], consumers: [{ name: Buffer.from('c'), seenTime: 0, pel: [streamIdBytes(1n, 1n)] }] }],
  });
  assert.throws(() => roundTrip(new StreamEncoder().finish(orphan)), (e: unknown) => e instanceof RdbError);
  // Empty collections and unknown types.
  assert.throws(() => roundTrip(Buffer.from([18, 0])), (e: unknown) => e instanceof RdbError);
  assert.throws(() => roundTrip(Buffer.from([7])), (e: unknown) => e instanceof RdbError);
  const wrongCrc = sealPayload(encodeStringObject(Buffer.from('x')));
  wrongCrc[wrongCrc.length - 1] ^= 1;
  assert.not.ok(verifyPayload(wrongCrc));
});

test.run();
