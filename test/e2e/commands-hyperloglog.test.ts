/**
 * HyperLogLog end to end, side by side with a real redis-server 7.0 (every expected reply is
 * redis-server's, asked now): the same PFADD sequences leave byte-identical values (sparse, the
 * conversion to dense, dense) and PFCOUNT answers the same, cache written back included; PFMERGE
 * of sparse and dense sources; values moved with GET/SET both ways count the same and go on
 * identically; corrupt and foreign values get Redis' errors and leave Redis' bytes; OBJECT
 * ENCODING, TTL, WATCH and keyspace events around PFADD/PFCOUNT/PFMERGE; hll-sparse-max-bytes;
 * RESP3; PFSELFTEST; and the values surviving a SIGKILL under appendfsync always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { RawClient, TestClients, encodeCommand, redisTest, startRedis, startServer, type TestServer } from './helpers.js';
import { mulberry32 } from '../support/prng.js';

let strata: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();
let ours: RawClient;
let theirs: RawClient;
let ourClient: Redis;
let theirClient: Redis;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
  ours = await RawClient.connect(strata.port);
  ourClient = clients.connect({ port: strata.port });
  if (redis !== null) {
    theirs = await RawClient.connect(redis.port);
    theirClient = clients.connect({ port: redis.port });
  }
});

test.after(async () => {
  ours?.close();
  theirs?.close();
  clients.disconnectAll();
  await Promise.all([strata?.stop(), redis?.stop()]);
});

type Arg = string | Buffer;

/** Sends one command to both servers; their raw replies must be the same bytes. Returns ours. */
async function both(...args: Arg[]): Promise<Buffer> {
  const [a, b] = await Promise.all([ours.command(...args), theirs.command(...args)]);
  assert.is(a.toString('latin1'), b.toString('latin1'), `${args.map((x) => x.toString('latin1').slice(0, 40)).join(' ')}`);
  return a;
}

/** The value of `key` on both servers, which must be the same bytes. */
async function sameValue(key: string, what: string): Promise<Buffer | null> {
  const [a, b] = await Promise.all([ourClient.getBuffer(key), theirClient.getBuffer(key)]);
  assert.equal(a, b, `${what}: GET ${key}`);
  return a;
}

/** Element `i` of a seeded stream: mostly text, sometimes binary. */
function elementStream(seed: number): (i: number) => Buffer {
  const random = mulberry32(seed);
  return (i) => {
    if (random() < 0.8) return Buffer.from(`user:${i}:${Math.floor(random() * 1e6)}`);
    return Buffer.from(Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256)));
  };
}

/** PFADD of `elements` in one command on both servers, replies compared. */
async function pfaddBoth(key: string, elements: Buffer[]): Promise<void> {
  await both('PFADD', key, ...elements);
}

redisTest(test, 'the same PFADD sequences leave byte-identical values, and PFCOUNT answers the same', async () => {
  await both('FLUSHALL');
  const next = elementStream(1);
  let n = 0;
  // One element at a time, then growing batches: sparse, past 3000 bytes to dense, then dense.
  for (const batch of [1, 1, 1, 3, 10, 30, 100, 300, 600, 1000, 3000, 10_000]) {
    const elements = Array.from({ length: batch }, () => next(n++));
    if (batch <= 3) for (const e of elements) await pfaddBoth('h', [e]);
    else await pfaddBoth('h', elements);
    await sameValue('h', `${n} elements`);
    await both('PFCOUNT', 'h');
    // PFCOUNT wrote the cardinality into the value; so did Redis.
    await sameValue('h', `${n} elements, after PFCOUNT`);
    await both('PFCOUNT', 'h');
    await both('PFADD', 'h', elements[0]);
    await both('PFDEBUG', 'ENCODING', 'h');
  }
  await both('PFADD', 'h');
  await both('PFADD', 'empty');
  await sameValue('empty', 'PFADD without elements');
  await both('PFCOUNT', 'empty');
  await both('PFCOUNT', 'nokey');
  await both('OBJECT', 'ENCODING', 'h');
  await both('TYPE', 'h');
  await both('STRLEN', 'h');
});

redisTest(test, 'PFMERGE and PFCOUNT of several keys: sparse and dense sources, existing and missing keys', async () => {
  await both('FLUSHALL');
  const next = elementStream(2);
  let n = 0;
  const sizes: Record<string, number> = { s1: 5, s2: 40, s3: 900, d1: 4000, d2: 6000 };
  for (const [key, size] of Object.entries(sizes)) {
    await pfaddBoth(key, Array.from({ length: size }, () => next(n++)));
    // Overlaps between the sets.
    await pfaddBoth(key, [Buffer.from('shared-a'), Buffer.from('shared-b')]);
  }
  const merges: string[][] = [
    ['m1', 's1', 's2'],
    ['m2', 's1', 's2', 's3'],
    ['m3', 's3', 'd1'],
    ['m4', 'nokey'],
    ['m5'],
    ['s1', 's2'], // into an existing sparse destination
    ['s3', 'd2', 'nokey', 's3'],
    ['d1', 's1'], // into an existing dense destination
    ['m6', 'd1', 'd2', 's1', 's2'],
  ];
  for (const merge of merges) {
    await both('PFMERGE', ...merge);
    await sameValue(merge[0], `PFMERGE ${merge.join(' ')}`);
    await both('PFCOUNT', merge[0]);
    await sameValue(merge[0], `PFMERGE ${merge.join(' ')}, then PFCOUNT`);
  }
  for (const keys of [['s1', 's2'], ['s1', 'nokey'], ['d1', 'd2', 's3'], ['m6', 'm6'], ['nokey', 'nokey2'], ['s1', 's2', 's3', 'd1', 'd2', 'm1', 'm2']]) {
    await both('PFCOUNT', ...keys);
  }
  // Several keys write nothing: a stale cache stays stale.
  await both('PFADD', 's1', 'fresh');
  await both('PFCOUNT', 's1', 's2');
  await sameValue('s1', 'PFCOUNT of several keys');
  await both('SET', 'str', 'not an hll');
  await both('PFCOUNT', 's1', 'str');
  await both('PFMERGE', 's1', 'str');
  await both('PFMERGE', 'str', 's1');
  await both('LPUSH', 'list', 'x');
  await both('PFCOUNT', 's1', 'list');
  // Each key is checked and merged before the next is looked at: a corrupt one before a wrong type is INVALIDOBJ.
  await both('SET', 'corrupt', Buffer.concat([header(1, STALE), Buffer.from([0x7f, 0xfe])]));
  await both('PFCOUNT', 's1', 'corrupt', 'list');
  await both('PFCOUNT', 's1', 'list', 'corrupt');
  await both('PFMERGE', 's2', 'corrupt', 'str');
  await both('PFMERGE', 's2', 'str', 'corrupt');
  await both('PFMERGE', 'list', 's1');
  await both('PFMERGE', 's1', 'list');
  await sameValue('s1', 'after refused merges');
});

redisTest(test, 'values moved with GET/SET between the servers count the same and go on the same', async () => {
  await both('FLUSHALL');
  const next = elementStream(3);
  let n = 0;
  for (const size of [3, 200, 5000]) {
    // Redis -> StrataKV
    await theirClient.pfadd(`r${size}`, ...Array.from({ length: size }, () => next(n++)));
    const fromRedis = await theirClient.getBuffer(`r${size}`);
    assert.ok(fromRedis !== null);
    await ourClient.set(`r${size}`, fromRedis);
    await both('PFCOUNT', `r${size}`);
    await sameValue(`r${size}`, 'moved from redis, counted');
    const more = Array.from({ length: size }, () => next(n++));
    await pfaddBoth(`r${size}`, more);
    await sameValue(`r${size}`, 'moved from redis, then PFADD');
    // StrataKV -> Redis
    await ourClient.pfadd(`s${size}`, ...Array.from({ length: size }, () => next(n++)));
    const fromUs = await ourClient.getBuffer(`s${size}`);
    assert.ok(fromUs !== null);
    await theirClient.set(`s${size}`, fromUs);
    await both('PFCOUNT', `s${size}`);
    await both('PFMERGE', `m${size}`, `s${size}`, `r${size}`);
    await sameValue(`m${size}`, 'merged after moving both ways');
  }
});

/** A 16-byte header: magic, encoding, three unused bytes, cache (`cache` little-endian, stale when its top bit is set). */
function header(encoding: number, cache: bigint, magic = 'HYLL', unused = [0, 0, 0]): Buffer {
  const out = Buffer.alloc(16);
  out.write(magic, 0, 'latin1');
  out[4] = encoding;
  out.set(unused, 5);
  out.writeBigUInt64LE(cache, 8);
  return out;
}

const STALE = 1n << 63n;

redisTest(test, 'corrupt and foreign values: Redis\' errors, Redis\' bytes left behind', async () => {
  const sparseOf = (...ops: number[]): Buffer => Buffer.concat([header(1, STALE), Buffer.from(ops)]);
  const dense = Buffer.concat([header(0, STALE), Buffer.alloc(12288)]);
  const denseHigh = Buffer.concat([header(0, STALE), Buffer.alloc(12288, 0xff)]);
  const cases: Array<[string, Buffer]> = [
    ['too short', Buffer.from('HYLL\x01', 'latin1')],
    ['wrong magic', Buffer.concat([header(1, 0n, 'HYLX'), Buffer.from([0x7f, 0xff])])],
    ['encoding 2', Buffer.concat([header(2, 0n), Buffer.from([0x7f, 0xff])])],
    ['encoding 255', Buffer.concat([header(255, 0n), Buffer.from([0x7f, 0xff])])],
    ['dense one byte short', dense.subarray(0, dense.length - 1)],
    ['dense one byte long', Buffer.concat([dense, Buffer.from([0])])],
    ['header only, sparse', header(1, STALE)],
    ['header only, sparse, valid cache', header(1, 42n)],
    ['sparse covering 16383 registers', sparseOf(0x7f, 0xfe)],
    ['sparse covering 16385 registers', sparseOf(0x7f, 0xff, 0x00)],
    ['sparse, truncated XZERO', sparseOf(0x7f)],
    ['sparse, VAL past the end', sparseOf(0x7f, 0xfe, 0x83)],
    ['sparse, a VAL after the 16384th register', sparseOf(0x7f, 0xff, 0x80)],
    ['sparse, a ZERO after the 16384th register', sparseOf(0x7f, 0xff, 0x00)],
    ['sparse, last VAL exactly at the end', sparseOf(0x7f, 0xfe, 0x80)],
    ['sparse, stale cache pointing at garbage', sparseOf(0x7f, 0xfd, 0x83, 0x83)],
    ['sparse, valid cache of a corrupt body', Buffer.concat([header(1, 12345n), Buffer.from([0x7f, 0xfe])])],
    ['sparse, valid cache near 2^63', Buffer.concat([header(1, (1n << 63n) - 1n), Buffer.from([0x7f, 0xff])])],
    ['sparse, XZERO:1 runs', sparseOf(...Array.from({ length: 100 }, () => 0x40), 0x00, 0x7f, 0x9a)],
    ['sparse, ZERO runs then VALs', sparseOf(...Array.from({ length: 255 }, () => 0x3f), 0x3f, 0x3f, 0x3f, 0xfb, 0xfb, 0xfb)],
    ['sparse, unused bytes set', Buffer.concat([header(1, STALE, 'HYLL', [1, 2, 3]), Buffer.from([0x7f, 0xff])])],
    ['dense, every register 63', denseHigh],
    ['dense, valid cache 0', Buffer.concat([header(0, 0n), Buffer.alloc(12288, 0x41)])],
    ['empty string', Buffer.alloc(0)],
    ['integer', Buffer.from('12345')],
  ];
  const steps: Arg[][] = [
    ['PFCOUNT', 'c'],
    ['GET', 'c'],
    ['PFCOUNT', 'c', 'ok'],
    ['PFMERGE', 'dest', 'c'],
    ['PFMERGE', 'c', 'ok'],
    ['GET', 'c'],
    ['PFADD', 'c', 'a', 'b', 'c', 'd', 'e'],
    ['GET', 'c'],
    ['PFCOUNT', 'c'],
    ['PFDEBUG', 'DECODE', 'c'],
    ['PFDEBUG', 'ENCODING', 'c'],
    ['PFDEBUG', 'TODENSE', 'c'],
    ['GET', 'c'],
    ['PFDEBUG', 'GETREG', 'c'],
    ['PFCOUNT', 'c'],
    ['GET', 'c'],
    ['OBJECT', 'ENCODING', 'c'],
  ];
  for (const [name, value] of cases) {
    await both('FLUSHALL');
    await both('PFADD', 'ok', 'x', 'y');
    await both('SET', 'c', value);
    for (const step of steps) {
      try {
        await both(...step);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
  }
  // A PFADD stopped by corruption keeps what the elements before it changed (Redis edits in place).
  await both('FLUSHALL');
  await both('SET', 'c', Buffer.concat([header(1, STALE), Buffer.from([0x00, 0x7f, 0xfe])]));
  await both('PFADD', 'c', ...Array.from({ length: 40 }, (_, i) => `e${i}`));
  await both('GET', 'c');
});

redisTest(test, 'PFDEBUG and PFSELFTEST: subcommands, errors, conversions', async () => {
  await both('FLUSHALL');
  await both('PFADD', 'h', 'a', 'b', 'c');
  for (const sub of ['DECODE', 'decode', 'ENCODING', 'GETREG', 'TODENSE', 'TODENSE', 'ENCODING', 'DECODE', 'GETREG', 'FOO', 'foo\x00bar', '']) {
    await both('PFDEBUG', sub, 'h');
  }
  await sameValue('h', 'after TODENSE');
  await both('PFDEBUG', 'GETREG', 'nokey');
  await both('PFDEBUG', 'FOO', 'nokey');
  await both('SET', 's', 'plain');
  await both('PFDEBUG', 'GETREG', 's');
  await both('PFDEBUG', 'GETREG');
  await both('PFDEBUG', 'GETREG', 'h', 'extra');
  await both('PFSELFTEST', 'extra');
  await both('PFADD');
  await both('PFCOUNT');
  await both('PFMERGE');
  // Ten million elements: seconds on a busy machine.
  ours.write(encodeCommand(['PFSELFTEST']));
  assert.is((await ours.readReply(120_000)).toString(), '+OK\r\n');
});

redisTest(test, 'OBJECT ENCODING, TTL, WATCH and keyspace events around PFADD, PFCOUNT and PFMERGE', async () => {
  await both('FLUSHALL');
  // A small HyperLogLog SET as a string is embstr until a PF command reads it: then raw, as in Redis.
  await theirClient.pfadd('small', 'a');
  const small = await theirClient.getBuffer('small');
  assert.ok(small !== null && small.length <= 44);
  for (const command of [['PFCOUNT', 'small'], ['PFCOUNT', 'small'], ['PFADD', 'small', 'a'], ['PFDEBUG', 'ENCODING', 'small'], ['PFCOUNT', 'small', 'other'], ['PFMERGE', 'other', 'small']]) {
    await both('SET', 'small', small);
    await both('OBJECT', 'ENCODING', 'small');
    await both(...command);
    await both('OBJECT', 'ENCODING', 'small');
  }
  // The expire time stays with the value.
  await both('PFADD', 'ttl', 'a');
  await both('EXPIRE', 'ttl', '1000');
  await both('PFADD', 'ttl', 'b', 'c');
  await both('PFCOUNT', 'ttl');
  await both('PFMERGE', 'ttl', 'small');
  await both('PFDEBUG', 'TODENSE', 'ttl');
  assert.ok((await ourClient.ttl('ttl')) > 990);
  // WATCH: a PFCOUNT that rewrites the cache touches the key, one that reads it does not.
  for (const pfaddFirst of [true, false]) {
    const replies: string[] = [];
    for (const [client, raw] of [[ourClient, ours], [theirClient, theirs]] as const) {
      if (pfaddFirst) await client.pfadd('w', `new-${replies.length}`);
      else await client.pfcount('w');
      await raw.command('WATCH', 'w');
      await client.pfcount('w');
      await raw.command('MULTI');
      await raw.command('PING');
      replies.push((await raw.command('EXEC')).toString('latin1'));
    }
    assert.is(replies[0], replies[1], pfaddFirst ? 'stale cache rewritten' : 'valid cache read');
  }
  // Keyspace events: 'pfadd' for PFADD that changed something and for PFMERGE; none for PFCOUNT.
  const received: string[][] = [];
  for (const client of [ourClient, theirClient]) {
    const port = client === ourClient ? strata.port : (redis as TestServer).port;
    const sub = clients.connect({ port });
    const lines: string[] = [];
    sub.on('pmessage', (_p: string, channel: string, message: string) => lines.push(`${channel} ${message}`));
    await sub.psubscribe('__key*@*__:*');
    await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAnm');
    await client.pfadd('ev', 'a');
    await client.pfadd('ev', 'a');
    await client.pfcount('ev');
    await client.pfcount('ev');
    await client.pfcount('ev', 'nokey');
    await client.pfmerge('ev2', 'ev', 'nokey');
    await client.pfadd('ev3');
    await client.call('PFDEBUG', 'TODENSE', 'ev');
    await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    await sub.ping();
    received.push(lines);
    sub.disconnect();
  }
  assert.equal(received[0], received[1]);
  assert.ok(received[0].includes('__keyevent@0__:pfadd ev2'));
});

redisTest(test, 'hll-sparse-max-bytes: CONFIG GET/SET as Redis, and the values follow it', async () => {
  await both('FLUSHALL');
  await both('CONFIG', 'GET', 'hll-sparse-max-bytes');
  const next = elementStream(4);
  let n = 0;
  try {
    // (Values from 2^53 to 2^63-1 are refused here: the configuration keeps numbers as doubles.)
    for (const value of ['-1', '-0', 'abc', '1k', '1KB', '1.5k', '100', '0', '007', '9223372036854775808', '99999999999999999999']) {
      await both('CONFIG', 'SET', 'hll-sparse-max-bytes', value);
      await both('CONFIG', 'GET', 'hll-sparse-max-bytes');
    }
    for (const limit of ['0', '64', '200', '100000']) {
      await both('CONFIG', 'SET', 'hll-sparse-max-bytes', limit);
      for (const size of [1, 10, 60, 200]) {
        await pfaddBoth(`l${limit}`, Array.from({ length: size }, () => next(n++)));
        await sameValue(`l${limit}`, `limit ${limit}`);
      }
      await both('PFDEBUG', 'ENCODING', `l${limit}`);
    }
  } finally {
    await both('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  }
});

redisTest(test, 'in scripts: PF commands run, and PFCOUNT (may write its cache) is refused to read-only scripts as PUBLISH is', async () => {
  await both('FLUSHALL');
  await both('PFADD', 'h', 'a', 'b');
  await both('EVAL', "return redis.call('pfadd', KEYS[1], 'c')", '1', 'h');
  await both('EVAL', "return redis.call('pfcount', KEYS[1])", '1', 'h');
  await both('EVAL', "return redis.call('pfcount', KEYS[1], 'x')", '1', 'h');
  await both('EVAL', "return redis.call('pfmerge', 'm', KEYS[1])", '1', 'h');
  await both('EVAL_RO', "return redis.call('pfcount', KEYS[1])", '1', 'h');
  await both('EVAL_RO', "return redis.pcall('publish', 'c', 'm')", '0');
  await both('EVAL', "#!lua flags=no-writes\nreturn redis.pcall('pfcount', KEYS[1])", '1', 'h');
  await sameValue('h', 'after the scripts');
  await sameValue('m', 'merged in a script');
});

redisTest(test, 'RESP3: the same replies', async () => {
  const [a, b] = await Promise.all([RawClient.connect(strata.port), RawClient.connect((redis as TestServer).port)]);
  try {
    await Promise.all([a.command('HELLO', '3'), b.command('HELLO', '3')]);
    for (const args of [['FLUSHALL'], ['PFADD', 'h', 'a', 'b'], ['PFCOUNT', 'h'], ['PFCOUNT', 'h', 'x'], ['PFMERGE', 'x', 'h'], ['PFDEBUG', 'GETREG', 'h'], ['PFDEBUG', 'ENCODING', 'h'], ['PFDEBUG', 'DECODE', 'x'], ['PFCOUNT', 'nokey']]) {
      const [x, y] = await Promise.all([a.command(...args), b.command(...args)]);
      assert.is(x.toString('latin1'), y.toString('latin1'), args.join(' '));
    }
  } finally {
    a.close();
    b.close();
  }
});

test('after SIGKILL with appendfsync always, every acknowledged PFADD and PFMERGE is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-hll-kill-'));
  let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const r = clients.connect({ port: server.port });
    const next = elementStream(5);
    for (let i = 0; i < 60; i++) await r.pfadd(`k${i % 3}`, ...Array.from({ length: 1 + i * 10 }, (_, j) => next(i * 1000 + j)));
    await r.pfmerge('all', 'k0', 'k1', 'k2');
    await r.pfcount('k0');
    const before = await Promise.all(['k0', 'k1', 'k2', 'all'].map((k) => r.getBuffer(k)));
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    const after = await Promise.all(['k0', 'k1', 'k2', 'all'].map((k) => again.getBuffer(k)));
    assert.equal(after, before);
    assert.is(await again.pfcount('all'), await again.pfcount('k0', 'k1', 'k2'));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
