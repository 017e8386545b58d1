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

test('protocol errors are the same however the input is split', () => {
  const cases = ['*abc\r\n', '*1\r\n:1\r\n', '*1\r\n$-1\r\n', '*2\r\n$3\r\nGET\r\n$abc\r\n', 'SET "a"b\r\n', '*11\r\n$1\r\n'];
  for (const input of cases) {
    const whole = parse(input, { auth: true });
    assert.is(whole.errors.length, 1, JSON.stringify(input));
    for (const chunk of [1, 2, 3, 4, 5]) assert.equal(parse(input, { chunk, auth: true }).errors, whole.errors, `${JSON.stringify(input)} chunk ${chunk}`);
  }
  // A count line whose CR ends one read still waits for the byte after it before it is judged.
  assert.equal(parse('*1\r\n$3000000000\r\n', { chunk: 17 }).errors, ['Protocol error: invalid bulk length']);
});

test('random binary requests over random reads (seeded)', () => {
  const seed = Number(process.env.SEED ?? 20240611);
  let state = seed;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const expected: string[][] = [];
  const parts: string[] = [];
  for (let r = 0; r < 300; r++) {
    if (rand(5) === 0) {
      const words = Array.from({ length: 1 + rand(3) }, () => 'w' + rand(1000));
      expected.push(words);
      parts.push(words.join(' ') + (rand(2) ? '\r\n' : '\n'));
    } else {
      const args = Array.from({ length: 1 + rand(4) }, () => {
        const bytes = Array.from({ length: rand(4) === 0 ? rand(70000) : rand(40) }, () => rand(256));
        return Buffer.from(bytes).toString('latin1');
      });
      expected.push(args);
      parts.push(resp(...args));
    }
  }
  const data = Buffer.from(parts.join(''), 'latin1');
  const sink = new Collector();
  const parser = new RequestParser(sink, { maxBulkLength: 1 << 20 });
  for (let i = 0; i < data.length;) {
    const n = 1 + rand(rand(2) ? 50 : 20000);
    parser.feed(data.subarray(i, i + n));
    i += n;
  }
  assert.equal(sink.errors, [], `seed ${seed}`);
  assert.ok(sink.requests.length === expected.length && sink.requests.every((r, i) => r.join('\0') === expected[i].join('\0')), `seed ${seed}`);
});

test('halt from inside onRequest stops delivery within the same read', () => {
  const requests: string[] = [];
  const errors: string[] = [];
  const sink: RequestSink = {
    onRequest(argv) {
      requests.push(argv[0].toString());
      if (argv[0].toString() === 'QUIT') parser.halt();
    },
    onProtocolError(message) {
      errors.push(message);
    },
  };
  const parser = new RequestParser(sink, { maxBulkLength: 1024 });
  parser.feed(Buffer.from(resp('PING') + resp('QUIT') + resp('PING') + '*1\r\n:bad\r\n'));
  parser.feed(Buffer.from(resp('PING')));
  assert.equal(requests, ['PING', 'QUIT']);
  assert.equal(errors, []);
  assert.ok(parser.isHalted);
});

test('a sink that throws does not corrupt the requests that follow', () => {
  const seen: string[] = [];
  let throwOnce = true;
  const sink: RequestSink = {
    onRequest(argv) {
      seen.push(argv[1].toString());
      if (throwOnce) {
        throwOnce = false;
        throw new Error('boom');
      }
    },
    onProtocolError() {},
  };
  const parser = new RequestParser(sink, { maxBulkLength: 1024 });
  assert.throws(() => parser.feed(Buffer.from(resp('ECHO', 'a') + resp('ECHO', 'b'))), /boom/);
  parser.feed(Buffer.from(resp('ECHO', 'c')));
  assert.equal(seen, ['a', 'c']);
});

test('bufferedBytes counts the unfinished element only', () => {
  const sink = new Collector();
  const parser = new RequestParser(sink, { maxBulkLength: 1 << 20 });
  parser.feed(Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n'));
  assert.is(parser.bufferedBytes, 0);
  parser.feed(Buffer.alloc(60, 0x61));
  assert.is(parser.bufferedBytes, 60);
  parser.feed(Buffer.alloc(30, 0x61));
  assert.is(parser.bufferedBytes, 90);
  parser.feed(Buffer.from('a'.repeat(10) + '\r\nPIN'));
  assert.is(parser.bufferedBytes, 3);
  assert.is(sink.requests.length, 1);
  assert.is(sink.requests[0][2].length, 100);
  parser.feed(Buffer.from('G\r\n'));
  assert.is(parser.bufferedBytes, 0);
  assert.equal(sink.requests[1], ['PING']);
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
