import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestParser, type RequestSink } from '../../src/protocol/request-parser.js';
import { splitArgs } from '../../src/protocol/inline.js';

class Collector implements RequestSink {
  requests: string[][] = [];
  errors: string[] = [];
  onRequest(argv: Buffer[]): void {
    this.requests.push(argv.map((a) => a.toString('latin1')));
  }
  onProtocolError(message: string): void {
    this.errors.push(message);
  }
}

function parse(input: string | Buffer, options: { chunk?: number; maxBulk?: number; auth?: boolean } = {}): Collector {
  const sink = new Collector();
  const parser = new RequestParser(sink, { maxBulkLength: options.maxBulk ?? 512 * 1024 * 1024 });
  parser.authRequired = options.auth ?? false;
  const data = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const step = options.chunk ?? data.length;
  for (let i = 0; i < data.length; i += step) parser.feed(data.subarray(i, i + step));
  return sink;
}

function resp(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

test('multibulk requests, pipelined', () => {
  const c = parse(resp('SET', 'k', 'v') + resp('GET', 'k'));
  assert.equal(c.requests, [['SET', 'k', 'v'], ['GET', 'k']]);
  assert.equal(c.errors, []);
});

test('binary-safe bulks (CRLF and NUL inside)', () => {
  const c = parse(resp('SET', 'a\r\nb', '\x00\xff\r\n'));
  assert.equal(c.requests, [['SET', 'a\r\nb', '\x00\xff\r\n']]);
});

test('any split of the input gives the same requests', () => {
  const input = resp('SET', 'key', 'x'.repeat(100)) + 'PING\r\n' + resp('MGET', 'a', 'b', 'c') + 'ECHO "hi there"\n';
  const whole = parse(input).requests;
  for (const chunk of [1, 2, 3, 5, 7, 16, 64]) assert.equal(parse(input, { chunk }).requests, whole, `chunk ${chunk}`);
  assert.is(whole.length, 4);
});

test('a large bulk spread over many reads is joined once and exact', () => {
  const value = Buffer.alloc(300 * 1024);
  for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
  const input = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n`), value, Buffer.from('\r\n'), Buffer.from(resp('PING'))]);
  const c = parse(input, { chunk: 1000 });
  assert.is(c.requests.length, 2);
  assert.ok(Buffer.from(c.requests[0][2], 'latin1').equals(value));
  assert.equal(c.requests[1], ['PING']);
});

test('inline commands with quotes and escapes', () => {
  const c = parse('SET k "a b\\x41\\n"\r\nGET \'it\\\'s\'\nPING\r\n\r\n');
  assert.equal(c.requests, [['SET', 'k', 'a bA\n'], ['GET', "it's"], ['PING']]);
});

test('empty requests are skipped', () => {
  const c = parse('*0\r\n*-1\r\n\r\n   \r\n' + resp('PING'));
  assert.equal(c.requests, [['PING']]);
});

test('protocol errors, with Redis texts', () => {
  assert.equal(parse('*abc\r\n').errors, ['Protocol error: invalid multibulk length']);
  assert.equal(parse('*3000000000\r\n').errors, ['Protocol error: invalid multibulk length']);
  assert.equal(parse('*1\r\n:1\r\n').errors, ["Protocol error: expected '$', got ':'"]);
  assert.equal(parse('*1\r\n$-1\r\n').errors, ['Protocol error: invalid bulk length']);
  assert.equal(parse('*1\r\n$abc\r\n').errors, ['Protocol error: invalid bulk length']);
  assert.equal(parse('*1\r\n$2000000\r\n', { maxBulk: 1024 * 1024 }).errors, ['Protocol error: invalid bulk length']);
  assert.equal(parse('SET "a\r\n').errors, ['Protocol error: unbalanced quotes in request']);
  assert.equal(parse('SET "a"b\r\n').errors, ['Protocol error: unbalanced quotes in request']);
  assert.equal(parse('x'.repeat(70 * 1024)).errors, ['Protocol error: too big inline request']);
  assert.equal(parse('*' + '1'.repeat(70 * 1024)).errors, ['Protocol error: too big mbulk count string']);
  assert.equal(parse('*1\r\n$' + '1'.repeat(70 * 1024)).errors, ['Protocol error: too big bulk count string']);
  assert.equal(parse('*11\r\n', { auth: true }).errors, ['Protocol error: unauthenticated multibulk length']);
  assert.equal(parse('*1\r\n$16385\r\n', { auth: true }).errors, ['Protocol error: unauthenticated bulk length']);
});

test('requests before a protocol error are delivered, nothing after it', () => {
  const c = parse(resp('PING') + '*1\r\n:x\r\n' + resp('ECHO', 'late'));
  assert.equal(c.requests, [['PING']]);
  assert.is(c.errors.length, 1);
});

test('splitArgs follows sdssplitargs', () => {
  assert.equal(splitArgs('a  b\tc'), ['a', 'b', 'c']);
  assert.equal(splitArgs('"a\\tb" \'c d\''), ['a\tb', 'c d']);
  assert.equal(splitArgs('""'), ['']);
  assert.equal(splitArgs('"\\xzz"'), ['xzz']);
  assert.is(splitArgs('"abc'), null);
  assert.is(splitArgs("'abc"), null);
  assert.equal(splitArgs(''), []);
});

test.run();
