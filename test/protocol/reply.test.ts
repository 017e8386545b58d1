import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplyWriter, formatDouble } from '../../src/protocol/reply.js';

function bytes(w: ReplyWriter): string {
  const out = w.take();
  return out === null ? '' : out.toString('latin1');
}

test('RESP2 encodings', () => {
  const w = new ReplyWriter();
  w.ok();
  w.simple('PONG');
  w.error('ERR syntax error');
  w.integer(0);
  w.integer(-42);
  w.integer(9007199254740991);
  w.integer(-9223372036854775808n);
  w.bulk('k\x00\xff');
  w.bulk(Buffer.from([1, 2]));
  w.bulk(null);
  w.nullBulk();
  w.nullArray();
  w.bulkArray(['a', null, Buffer.from('b')]);
  w.mapHeader(2);
  w.setHeader(3);
  w.pushHeader(1);
  w.bool(true);
  w.bool(false);
  w.double(1.5);
  w.verbatim('x:1');
  assert.is(bytes(w),
    '+OK\r\n+PONG\r\n-ERR syntax error\r\n:0\r\n:-42\r\n:9007199254740991\r\n:-9223372036854775808\r\n' +
    '$3\r\nk\x00\xff\r\n$2\r\n\x01\x02\r\n$-1\r\n$-1\r\n*-1\r\n*3\r\n$1\r\na\r\n$-1\r\n$1\r\nb\r\n' +
    '*4\r\n*3\r\n*1\r\n:1\r\n:0\r\n$3\r\n1.5\r\n$3\r\nx:1\r\n');
  assert.is(w.errors, 1);
  assert.is(w.lastError, 'ERR syntax error');
});

test('RESP3 encodings', () => {
  const w = new ReplyWriter();
  w.resp = 3;
  w.bulk(null);
  w.nullArray();
  w.mapHeader(2);
  w.setHeader(3);
  w.pushHeader(1);
  w.bool(true);
  w.double(0.1);
  w.double(-Infinity);
  w.verbatim('hello');
  assert.is(bytes(w), '_\r\n_\r\n%2\r\n~3\r\n>1\r\n#t\r\n,0.10000000000000001\r\n,-inf\r\n=9\r\ntxt:hello\r\n');
});

test('error text cannot break framing', () => {
  const w = new ReplyWriter();
  w.error('ERR bad\r\nthing');
  assert.is(bytes(w), '-ERR bad  thing\r\n');
});

test('formatDouble matches C %.17g', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.10000000000000001'], [1e21, '1e+21'], [1.5, '1.5'], [100, '100'], [1e-5, '1.0000000000000001e-05'],
    [-0, '-0'], [1.2345678901234568e17, '1.2345678901234568e+17'], [3, '3'], [1e16, '10000000000000000'], [1e17, '1e+17'],
    [0.0001, '0.0001'], [12345.678, '12345.678'], [-2.5e-7, '-2.4999999999999999e-07'], [5e-324, '4.9406564584124654e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'], [NaN, 'nan'], [Infinity, 'inf'],
  ];
  for (const [d, s] of cases) assert.is(formatDouble(d), s, String(d));
});

test('take() hands out views without copying, and later writes never touch them', () => {
  const w = new ReplyWriter(64);
  w.bulk('first');
  const a = w.take();
  assert.ok(a);
  const aCopy = Buffer.from(a);
  // Force several slab switches while `a` is still referenced.
  for (let i = 0; i < 50; i++) w.bulk('x'.repeat(40));
  assert.equal(a, aCopy);
  const b = bytes(w);
  assert.is(b, ('$40\r\n' + 'x'.repeat(40) + '\r\n').repeat(50));
});

test('pending bytes survive a slab switch', () => {
  const w = new ReplyWriter(16);
  w.simple('abc');
  w.bulk(Buffer.alloc(100, 0x61));
  assert.is(bytes(w), '+abc\r\n$100\r\n' + 'a'.repeat(100) + '\r\n');
});

test('recycle() rewinds only when everything was taken', () => {
  const w = new ReplyWriter(64);
  w.ok();
  w.recycle(); // pending: no effect
  assert.is(w.pendingBytes, 5);
  w.take();
  w.recycle();
  w.integer(7);
  assert.is(bytes(w), ':7\r\n');
});

test('position and rewind drop the bytes of one reply', () => {
  const w = new ReplyWriter(32);
  w.ok();
  const p = w.position;
  w.bulk('dropped value that is long enough to switch slabs');
  w.rewind(p);
  w.integer(1);
  assert.is(bytes(w), '+OK\r\n:1\r\n');
  assert.is(w.position, 9);
});

test('completeSince tells finished replies from unfinished aggregates', () => {
  const w = new ReplyWriter(32);
  w.ok();
  let p = w.position;
  assert.not.ok(w.completeSince(p), 'nothing written');
  w.simple('OK');
  assert.ok(w.completeSince(p));
  p = w.position;
  w.arrayHeader(2);
  w.bulk('a');
  assert.not.ok(w.completeSince(p), 'array missing one element');
  w.bulk(Buffer.alloc(100, 0x62));
  assert.ok(w.completeSince(p));
  p = w.position;
  w.mapHeader(1);
  w.bulk('k');
  assert.not.ok(w.completeSince(p));
  w.arrayHeader(0);
  assert.ok(w.completeSince(p));
  p = w.position;
  w.nullArray();
  w.bulk(null);
  w.integer(5);
  assert.ok(w.completeSince(p));
  w.resp = 3;
  p = w.position;
  w.mapHeader(1);
  w.bulk('a');
  w.setHeader(1);
  assert.not.ok(w.completeSince(p));
  w.double(2);
  assert.ok(w.completeSince(p));
});

test.run();
