/**
 * FUNCTION DUMP payload pieces against known values: CRC-64/Jones' check value (Redis'
 * crc64.c self-test), LZF back references that overlap what they copy, the RDB string forms
 * (integer encodings), a payload's round trip, and the errors RESTORE reports for damaged ones.
 * Payloads from a real redis-server are exercised by test/e2e/functions.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFunctionsPayload, encodeFunctionsPayload } from '../../src/scripting/dump-payload.js';
import { crc64 } from '../../src/rdb/crc64.js';
import { lzfDecompress } from '../../src/rdb/lzf.js';

function withFooter(body: Buffer, version = 10): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

test('crc64 is CRC-64/Jones as Redis computes it', () => {
  assert.is(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.is(crc64(Buffer.alloc(0)), 0n);
});

test('lzfDecompress: literal runs and overlapping back references', () => {
  // 'abc' literal, then a reference 3 back of length 6: 'abcabc' repeated.
  assert.is(lzfDecompress(Buffer.from([2, 0x61, 0x62, 0x63, (4 << 5) | 0, 2]), 9).toString(), 'abcabcabc');
  // A long match (len field 7 + extra byte).
  assert.is(lzfDecompress(Buffer.from([0, 0x78, (7 << 5) | 0, 3, 0]), 13).toString(), 'x'.repeat(13));
  assert.throws(() => lzfDecompress(Buffer.from([(1 << 5) | 0, 5]), 3));
  assert.throws(() => lzfDecompress(Buffer.from([5, 0x61]), 6));
});

test('payloads round-trip; integer and LZF strings are read as Redis writes them', () => {
  const codes = [Buffer.from('#!lua name=a\nredis.register_function("a", function() return 1 end)'), Buffer.alloc(70, 0x2d)];
  assert.equal(decodeFunctionsPayload(encodeFunctionsPayload(codes)), { codes, error: null });
  // 0xc0: INT8 encoding of -5; 0xc1: INT16; 0xc3: LZF (compressed length, plain length, data).
  const body = Buffer.from([0xf5, 0xc0, 0xfb, 0xf5, 0xc1, 0x39, 0x30, 0xf5, 0xc3, 4, 4, 0, 0x7a, (1 << 5) | 0, 0]);
  assert.equal(decodeFunctionsPayload(withFooter(body)).codes.map(String), ['-5', '12345', 'zzzz']);
});

test('damaged payloads get Redis texts', () => {
  const wrong = 'DUMP payload version or checksum are wrong';
  assert.is(decodeFunctionsPayload(Buffer.from('short')).error, wrong);
  assert.is(decodeFunctionsPayload(withFooter(Buffer.alloc(0), 11)).error, wrong);
  const flipped = encodeFunctionsPayload([Buffer.from('#!lua name=a\n')]);
  flipped[3] ^= 1;
  assert.is(decodeFunctionsPayload(flipped).error, wrong);
  assert.is(decodeFunctionsPayload(withFooter(Buffer.from([0x00]))).error, 'given type is not a function');
  assert.is(decodeFunctionsPayload(withFooter(Buffer.from([0xf5, 0x3f]))).error, 'Failed loading library payload');
  assert.equal(decodeFunctionsPayload(withFooter(Buffer.from([0xf6, 1, 0x6e, 3, 0x6c, 0x75, 0x61, 0, 2, 0x2d, 0x2d]))), { codes: [Buffer.from('#!lua name=n\n--')], error: null });
});

test.run();
