/**
 * DUMP / RESTORE end to end, side by side with a real redis-server 7.0: keys of every type and
 * encoding dumped by redis-server and restored into StrataKV, and the other way, compared with
 * type-specific reads and OBJECT ENCODING; payloads in the older encodings RDB 10 still loads
 * (ziplists, zipmap, text scores, plain lists and sets, quicklists of ziplists), built here and
 * restored into both; DUMP bytes equal where Redis' are deterministic and uncompressed; TTL,
 * ABSTTL, REPLACE, IDLETIME/FREQ and every error byte for byte; the keyspace events and WATCH;
 * and corrupt payloads (bytes flipped, CRC fixed) that must get an error, never a crash or a
 * key that cannot be read.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { RawClient, TestClients, redisTest, startRedis, startServer, sleep, type TestServer } from './helpers.js';
import { mulberry32 } from '../support/prng.js';
import { crc64 } from '../../src/rdb/crc64.js';
import { sealPayload } from '../../src/rdb/payload.js';
import { RdbWriter } from '../../src/rdb/writer.js';
import { StreamEncoder, encodeHash, encodeSet, encodeZSet, streamIdBytes } from '../../src/rdb/object.js';

let strata: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();
let ours: Redis;
let theirs: Redis;
let oursRaw: RawClient;
let theirsRaw: RawClient;

test.before(async () => {
  // sanitize-dump-payload yes: Redis checks a payload as deeply as StrataKV always does.
  [strata, redis] = await Promise.all([startServer(), startRedis(['--sanitize-dump-payload', 'yes'])]);
  ours = clients.connect({ port: strata.port });
  oursRaw = await RawClient.connect(strata.port);
  if (redis !== null) {
    theirs = clients.connect({ port: redis.port });
    theirsRaw = await RawClient.connect(redis.port);
  }
});

test.after(async () => {
  oursRaw?.close();
  theirsRaw?.close();
  clients.disconnectAll();
  await Promise.all([strata?.stop(), redis?.stop()]);
});

type Arg = string | Buffer | number;

/** Sends one command to both servers; their raw replies must be the same bytes. */
async function both(...args: Arg[]): Promise<string> {
  const [a, b] = await Promise.all([oursRaw.command(...args), theirsRaw.command(...args)]);
  assert.is(a.toString('latin1'), b.toString('latin1'), args.map((x) => String(x).slice(0, 40)).join(' '));
  return a.toString('latin1');
}

/** Keys of every type and encoding, written the same way on a server. */
async function populate(c: Redis): Promise<void> {
  await c.flushall();
  const p = c.pipeline();
  p.set('str', 'hello');
  p.set('int', '12345');
  p.set('neg', '-98765432109');
  p.set('long', 'x'.repeat(100));
  p.set('bin', Buffer.from([0, 1, 2, 255, 13, 10]));
  p.set('empty', '');
  p.set('float', '1.5');
  p.pfadd('hll', 'a', 'b', 'c');
  p.rpush('list', 'a', 'b', '1', '2', '-5', '300', '70000', '12345678901', 'x'.repeat(3000), '');
  p.rpush('biglist', ...Array.from({ length: 3000 }, (_, i) => `element-${i}`));
  p.sadd('intset', 1, 2, 3, -100, 70000, 2 ** 40);
  p.sadd('set', 'a', 'b', 'c', 1);
  p.sadd('bigintset', ...Array.from({ length: 600 }, (_, i) => i * 3));
  p.zadd('zset', 1.5, 'a', 0.1, 'b', 3, 'c', -0, 'd', 'inf', 'e', '-inf', 'f', 1e300, 'g', 123456789012, 'h');
  p.zadd('bigzset', ...Array.from({ length: 200 }, (_, i) => [i * 0.5, `m${i}`]).flat());
  p.zadd('longzset', 1, 'y'.repeat(100), 2, 'z');
  p.hset('hash', 'f1', 'v1', 'f2', '2', 'f3', 'x'.repeat(10), '7', '-7');
  p.hset('bighash', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  p.hset('longhash', 'f', 'v'.repeat(100));
  p.xadd('stream', '1-1', 'a', '1', 'b', '2');
  p.xadd('stream', '1-2', 'a', '3', 'b', '4');
  p.xadd('stream', '2-0', 'c', '5');
  for (let i = 0; i < 250; i++) p.xadd('stream', `${3 + i}-${i % 3}`, 'k', String(i), 'n', String(i * 7));
  p.xdel('stream', '1-2', '100-1');
  p.xgroup('CREATE', 'stream', 'g1', '0');
  p.xreadgroup('GROUP', 'g1', 'alice', 'COUNT', 3, 'STREAMS', 'stream', '>');
  p.xreadgroup('GROUP', 'g1', 'bob', 'COUNT', 2, 'STREAMS', 'stream', '>');
  p.xack('stream', 'g1', '2-0');
  p.xgroup('CREATE', 'stream', 'g2', '$');
  p.xgroup('CREATECONSUMER', 'stream', 'g2', 'carol');
  p.xgroup('CREATE', 'stream', '7', '5-2', 'ENTRIESREAD', 4);
  p.xadd('emptystream', '5-5', 'f', 'v');
  p.xdel('emptystream', '5-5');
    for (let i = 0; i < 300; i++) p.xadd('trimmed', 'MAXLEN', '~', '120', `${i + 1}-0`, 'f', String(i));
  await p.exec();
}

const KEYS = ['str', 'int', 'neg', 'long', 'bin', 'empty', 'float', 'hll', 'list', 'biglist', 'intset', 'set', 'bigintset', 'zset', 'bigzset', 'longzset', 'hash', 'bighash', 'longhash', 'stream', 'emptystream', 'trimmed'];

/** What a key holds, through the reads of its type (orders Redis leaves to its hash sorted). */
async function contents(c: Redis, key: string): Promise<unknown> {
  const type = await c.type(key);
  const sorted = (items: Buffer[]): string[] => items.map((b) => b.toString('latin1')).sort();
  switch (type) {
    case 'string': return [type, await c.getBuffer(key)];
    case 'list': return [type, await c.lrangeBuffer(key, 0, -1)];
    case 'set': return [type, sorted(await c.smembersBuffer(key))];
    case 'zset': return [type, await c.call('ZRANGE', key, 0, -1, 'WITHSCORES')];
    case 'hash': {
      const flat = (await c.call('HGETALL', key)) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      return [type, pairs.sort()];
    }
    case 'stream': {
      // radix-tree-nodes is an estimate here beyond one node (README, Streams).
      const info = ((await c.call('XINFO', 'STREAM', key)) as unknown[]).filter((_, i, all) => all[i] !== 'radix-tree-nodes' && all[i - 1] !== 'radix-tree-nodes');
      const groups = (await c.call('XINFO', 'GROUPS', key)) as unknown[][];
      const perGroup: unknown[] = [];
      for (const g of groups) {
        const name = g[1] as string;
        const consumers = ((await c.call('XINFO', 'CONSUMERS', key, name)) as unknown[][]).map((row) => [row[1], row[3]]);
        const pending = ((await c.call('XPENDING', key, name, '-', '+', 1000)) as unknown[][]).map((row) => [row[0], row[1], row[3]]);
        perGroup.push([g, consumers, pending]);
      }
      return [type, await c.call('XRANGE', key, '-', '+'), info, perGroup];
    }
    default: return [type];
  }
}

async function restoreBetween(from: Redis, to: Redis, direction: string): Promise<void> {
  for (const key of KEYS) {
    const payload = await from.dumpBuffer(key);
    assert.ok(payload !== null, `${direction}: DUMP ${key}`);
    assert.is(await to.restore(`${key}:copy`, 0, payload, 'REPLACE'), 'OK', `${direction}: RESTORE ${key}`);
    assert.equal(await contents(to, `${key}:copy`), await contents(from, key), `${direction}: ${key}`);
    // The encoding redis-server gives the same payload on RESTORE (a string is re-encoded as on load).
    assert.is(await theirs.restore(`${key}:ref`, 0, payload, 'REPLACE'), 'OK');
    assert.is(await to.object('ENCODING', `${key}:copy`), await theirs.object('ENCODING', `${key}:ref`), `${direction}: OBJECT ENCODING ${key}`);
  }
}

redisTest(test, 'every type and encoding moves from redis-server to StrataKV and back', async () => {
  await Promise.all([populate(ours), populate(theirs)]);
  // The fixtures are alike on both servers (the stream's IDs are explicit).
  for (const key of KEYS) assert.equal(await contents(ours, key), await contents(theirs, key), `fixture ${key}`);
  await restoreBetween(theirs, ours, 'redis -> strata');
  await restoreBetween(ours, theirs, 'strata -> redis');
  // And StrataKV's own payloads into StrataKV.
  for (const key of KEYS) {
    const payload = await ours.dumpBuffer(key);
    assert.is(await ours.restore(`${key}:self`, 0, payload as Buffer), 'OK');
    assert.equal(await contents(ours, `${key}:self`), await contents(ours, key), `strata -> strata: ${key}`);
  }
});

redisTest(test, 'DUMP bytes are redis-server\'s where its payload is deterministic and uncompressed', async () => {
  await Promise.all([ours.flushall(), theirs.flushall()]);
  const setup: Arg[][] = [
    ['SET', 's1', 'hi'], ['SET', 's2', '127'], ['SET', 's3', '-32768'], ['SET', 's4', '2147483647'], ['SET', 's5', '2147483648'],
    ['SET', 's6', '007'], ['SET', 's7', '-0'], ['SET', 's8', 'twenty-bytes-long!!!'], ['SET', 's9', ''],
    ['SADD', 'i1', 5, 1, 3], ['SADD', 'i2', 100000], ['RPUSH', 'l1', 'a', 'b', 7], ['HSET', 'h1', 'f', 'v'], ['ZADD', 'z1', 2, 'a'],
  ];
  for (const cmd of setup) await both(...cmd);
  for (const key of ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 'i1', 'i2', 'l1', 'h1', 'z1']) {
    const [a, b] = await Promise.all([ours.dumpBuffer(key), theirs.dumpBuffer(key)]);
    assert.equal(a, b, `DUMP ${key}`);
  }
  await both('DUMP', 'nosuchkey');
});

/** A payload of an RDB type byte and body, sealed with the version and CRC. */
function payloadOf(type: number, ...parts: Buffer[]): Buffer {
  return sealPayload(Buffer.concat([Buffer.from([type]), ...parts]));
}

/** An RDB string: 6-bit or 14-bit length, then the bytes. */
function rdbString(s: string | Buffer): Buffer {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
  const len = b.length < 64 ? Buffer.from([b.length]) : Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]);
  return Buffer.concat([len, b]);
}

function rdbLen(n: number): Buffer {
  return n < 64 ? Buffer.from([n]) : Buffer.from([0x40 | (n >> 8), n & 0xff]);
}

/** A ziplist of short strings (each under 64 bytes), as Redis before 7.0 wrote them. */
function ziplist(items: string[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let offset = 10;
  for (const item of items) {
    const body = Buffer.from(item, 'latin1');
    const entry = Buffer.concat([Buffer.from([prev, body.length]), body]);
    tail = offset;
    offset += entry.length;
    prev = entry.length;
    entries.push(entry);
  }
  const head = Buffer.alloc(10);
  head.writeUInt32LE(offset + 1, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(items.length, 8);
  return Buffer.concat([head, ...entries, Buffer.from([0xff])]);
}

/** A zipmap of short strings, as Redis before 2.6 wrote hashes. */
function zipmap(pairs: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length / 2])];
  for (let i = 0; i < pairs.length; i += 2) {
    parts.push(Buffer.from([pairs[i].length]), Buffer.from(pairs[i], 'latin1'), Buffer.from([pairs[i + 1].length, 0]), Buffer.from(pairs[i + 1], 'latin1'));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** A STREAM_LISTPACKS (v1) payload: no first ID, max deleted ID, entries-added or entries-read (Redis estimates them). */
function streamV1(): Buffer {
  const nodes = new StreamEncoder();
  nodes.add(streamIdBytes(1n, 1n), [Buffer.from('f'), Buffer.from('1')]);
  nodes.add(streamIdBytes(1n, 2n), [Buffer.from('f'), Buffer.from('2')]);
  nodes.endNode();
  nodes.add(streamIdBytes(3n, 0n), [Buffer.from('g'), Buffer.from('x')]);
  const id = (w: RdbWriter, ms: number, seq: number): RdbWriter => w.length(ms).length(seq);
  const tail = new RdbWriter().length(3);
  id(tail, 3, 0).length(2);
  id(tail.string(Buffer.from('g')), 1, 2).length(1).raw(streamIdBytes(1n, 1n)).milliseconds(1000).length(2);
  tail.length(1).string(Buffer.from('c')).milliseconds(500).length(1).raw(streamIdBytes(1n, 1n));
  id(tail.string(Buffer.from('h')), 0, 0).length(0).length(0);
  const body = nodes.finish(Buffer.from(tail.bytes()));
  body[0] = 15;
  return sealPayload(body);
}

redisTest(test, 'older encodings that RDB 10 still loads, and compact forms past the thresholds, restore as in redis-server', async () => {
  await Promise.all([ours.flushall(), theirs.flushall()]);
  const bigStrings = Array.from({ length: 600 }, (_, i) => `m${i}`);
  const legacy: Array<[string, Buffer]> = [
    ['list-plain', payloadOf(1, rdbLen(3), rdbString('a'), rdbString('12'), rdbString('c'))],
    ['list-ziplist', payloadOf(10, rdbString(ziplist(['x', 'y', '42'])))],
    ['list-quicklist', payloadOf(14, rdbLen(2), rdbString(ziplist(['a', 'b'])), rdbString(ziplist(['c'])))],
    ['set-plain-ints', payloadOf(2, rdbLen(3), rdbString('3'), rdbString('1'), rdbString('2'))],
    ['set-plain', payloadOf(2, rdbLen(2), rdbString('a'), rdbString('1'))],
    ['zset-text', payloadOf(3, rdbLen(3), rdbString('a'), Buffer.from([3]), Buffer.from('1.5'), rdbString('b'), Buffer.from([254]), rdbString('c'), Buffer.from([255]))],
    ['zset-ziplist', payloadOf(12, rdbString(ziplist(['a', '1', 'b', '2.5'])))],
    ['zset2-big', payloadOf(5, rdbLen(bigStrings.length), ...bigStrings.map((m, i) => { const d = Buffer.alloc(8); d.writeDoubleLE(i / 4); return Buffer.concat([rdbString(m), d]); }))],
    ['hash-plain', payloadOf(4, rdbLen(2), rdbString('f'), rdbString('v'), rdbString('g'), rdbString('w'))],
    ['hash-ziplist', payloadOf(13, rdbString(ziplist(['f', 'v', 'n', '5'])))],
    ['hash-zipmap', payloadOf(9, rdbString(zipmap(['f', 'v', 'k', 'val'])))],
  ];
  legacy.push(['stream-v1', streamV1()]);
  // Compact forms past a threshold, and full forms within them: the encoding each gets on load.
  const b = (text: string): Buffer => Buffer.from(text);
  legacy.push(
    ['hash-listpack-long-value', sealPayload(encodeHash([b('f'), b('v'.repeat(100))], true))],
    ['hash-listpack-many', sealPayload(encodeHash(Array.from({ length: 260 }, (_, i) => b(`x${i}`)), true))],
    ['zset-listpack-long', sealPayload(encodeZSet([{ member: b('m'.repeat(100)), score: 1 }], true, String))],
    ['zset2-long', sealPayload(encodeZSet([{ member: b('m'.repeat(100)), score: 1 }], false, String))],
    ['zset2-small', sealPayload(encodeZSet([{ member: b('m'), score: 1 }], false, String))],
    ['intset-big', sealPayload(encodeSet(Array.from({ length: 600 }, (_, i) => b(String(i))), true))],
  );
  for (const [key, payload] of legacy) {
    await both('RESTORE', key, 0, payload);
    assert.equal(await contents(ours, key), await contents(theirs, key), key);
    await both('OBJECT', 'ENCODING', key);
  }
});

redisTest(test, 'TTL, ABSTTL, REPLACE, IDLETIME and FREQ, and their errors, as redis-server', async () => {
  await Promise.all([ours.flushall(), theirs.flushall()]);
  await both('SET', 'src', 'value');
  await both('RPUSH', 'lsrc', 'a', 'b');
  const payload = await theirs.dumpBuffer('src') as Buffer;
  const listPayload = await theirs.dumpBuffer('lsrc') as Buffer;
  await both('RESTORE', 'k', 0, payload);
  await both('RESTORE', 'k', 0, payload);
  await both('RESTORE', 'k', 0, payload, 'REPLACE');
  await both('RESTORE', 'k', -1, payload, 'REPLACE');
  await both('RESTORE', 'k', 'abc', payload, 'REPLACE');
  await both('RESTORE', 'new', -1, payload);
  await both('RESTORE', 'new', '1.5', payload);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'IDLETIME', -1);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'IDLETIME', 'x');
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'FREQ', 256);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'FREQ', -1);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'FREQ', 5, 'IDLETIME', 10);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'IDLETIME', 10, 'FREQ', 5);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'IDLETIME');
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'FREQ', 0);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'IDLETIME', 1000);
  await both('RESTORE', 'k', 0, payload, 'REPLACE', 'BOGUS');
  await both('RESTORE', 'k', 0, payload, 'replace', 'absttl');
  await both('RESTORE-ASKING', 'k', 0, payload, 'REPLACE');
  await both('RESTORE-ASKING', 'ask', 0, payload);
  await both('GET', 'ask');
  // Relative and absolute TTLs.
  await both('RESTORE', 'ttl', 100000, payload);
  const [a, b] = await Promise.all([ours.pttl('ttl'), theirs.pttl('ttl')]);
  assert.ok(Math.abs(a - b) < 2000 && a > 90000, `PTTL ${a} ${b}`);
  const at = Date.now() + 500000;
  await both('RESTORE', 'abs', at, listPayload, 'ABSTTL');
  await both('PEXPIRETIME', 'abs');
  await both('RESTORE', 'past', 1, payload, 'ABSTTL');
  await both('EXISTS', 'past');
  // A replaced key with a TTL already past is deleted.
  await both('RESTORE', 'k', 1, listPayload, 'REPLACE', 'ABSTTL');
  await both('EXISTS', 'k');
  await both('RESTORE', 'huge', '9223372036854775807', payload);
  await both('EXISTS', 'huge');
  await both('RESTORE', 'far', '9223372036854775807', payload, 'ABSTTL');
  await both('EXISTS', 'far');
  // Payload errors.
  await both('RESTORE', 'bad', 0, 'short');
  await both('RESTORE', 'bad', 0, '');
  const wrongCrc = Buffer.from(payload);
  wrongCrc[wrongCrc.length - 1] ^= 1;
  await both('RESTORE', 'bad', 0, wrongCrc);
  const newer = Buffer.from(payload);
  newer.writeUInt16LE(11, newer.length - 10);
  await both('RESTORE', 'bad', 0, sealPayload(newer.subarray(0, newer.length - 10)).fill(0, 0, 0));
  const v11 = Buffer.from(payload.subarray(0, payload.length - 10));
  const footer = Buffer.alloc(10);
  footer.writeUInt16LE(11, 0);
  const body = Buffer.concat([v11, footer.subarray(0, 2)]);
  footer.writeBigUInt64LE(crc64(body), 2);
  await both('RESTORE', 'bad', 0, Buffer.concat([body, footer.subarray(2)]));
  // Older versions are accepted.
  const v9 = Buffer.concat([v11, Buffer.from([9, 0])]);
  await both('RESTORE', 'v9', 0, Buffer.concat([v9, (() => { const c = Buffer.alloc(8); c.writeBigUInt64LE(crc64(v9)); return c; })()]));
  await both('RESTORE', 'bad', 0, payloadOf(0xff));
  await both('RESTORE', 'bad', 0, payloadOf(6, rdbLen(1)));
  await both('RESTORE', 'bad', 0, payloadOf(18, rdbLen(0)));
  await both('RESTORE', 'bad', 0, payloadOf(2, rdbLen(2), rdbString('a'), rdbString('a')));
  await both('RESTORE', 'bad', 0, payloadOf(4, rdbLen(2), rdbString('a'), rdbString('1'), rdbString('a'), rdbString('2')));
  await both('RESTORE', 'bad', 0, payloadOf(5, rdbLen(1), rdbString('a'), Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0x7f])));
  await both('EXISTS', 'bad');
  await both('RESTORE');
  await both('RESTORE', 'k', 0);
  await both('DUMP');
});

redisTest(test, 'RESTORE sends the events and WATCH signals redis-server does', async () => {
  await Promise.all([ours.flushall(), theirs.flushall()]);
  const events = async (c: Redis, port: number): Promise<string[]> => {
    await c.config('SET', 'notify-keyspace-events', 'KEA');
    const sub = clients.connect({ port });
    const got: string[] = [];
    await sub.psubscribe('__key*__:*');
    sub.on('pmessage', (_p: string, channel: string, message: string) => got.push(`${channel} ${message}`));
    await c.set('src', 'v');
    const payload = await c.dumpBuffer('src') as Buffer;
    await c.restore('k', 0, payload);
    await c.restore('k', 0, payload, 'REPLACE');
    await c.restore('k', 1, payload, 'REPLACE', 'ABSTTL');
    await c.restore('gone', 1, payload, 'ABSTTL');
    await sleep(100);
    sub.disconnect();
    await c.config('SET', 'notify-keyspace-events', '');
    return got;
  };
  assert.equal(await events(ours, strata.port), await events(theirs, (redis as TestServer).port));
  // WATCH sees a RESTORE of the key.
  for (const c of [ours, theirs]) {
    const payload = await c.dumpBuffer('src') as Buffer;
    const watcher = clients.connect({ port: c === ours ? strata.port : (redis as TestServer).port });
    await watcher.watch('w');
    await c.restore('w', 0, payload);
    assert.is(await watcher.multi().get('w').exec(), null);
    watcher.disconnect();
  }
});

redisTest(test, 'corrupt payloads (bytes flipped, CRC fixed) get an error or a key that reads whole, never a crash', async () => {
  await Promise.all([populate(ours), populate(theirs)]);
  const random = mulberry32(Number(process.env.TEST_SEED ?? 1414));
  let accepted = 0;
  let refused = 0;
  let disagreed = 0;
  for (const key of KEYS) {
    for (const source of [ours, theirs]) {
      const payload = await source.dumpBuffer(key) as Buffer;
      const body = payload.subarray(0, payload.length - 10);
      for (let round = 0; round < 40; round++) {
        const bad = Buffer.from(body);
        const flips = 1 + Math.floor(random() * 3);
        for (let i = 0; i < flips; i++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? bad.subarray(0, Math.floor(random() * bad.length)) : bad;
        const sealed = sealPayload(cut);
        const [a, b] = await Promise.all([oursRaw.command('RESTORE', 'fuzz', 0, sealed, 'REPLACE'), theirsRaw.command('RESTORE', 'fuzz', 0, sealed, 'REPLACE')]);
        const mine = a.toString('latin1');
        assert.ok(mine === '+OK\r\n' || mine === '-ERR Bad data format\r\n', `RESTORE of a corrupt ${key}: ${mine}`);
        if (mine !== b.toString('latin1')) {
          disagreed++;
          if (process.env.DUMP_FUZZ_VERBOSE !== undefined) console.log(key, mine.trim(), b.toString('latin1').trim(), cut.toString('hex').slice(0, 200));
        }
        if (mine === '+OK\r\n') {
          accepted++;
          // Whatever was accepted reads whole, and can be dumped and restored again.
          await contents(ours, 'fuzz');
          const again = await ours.dumpBuffer('fuzz') as Buffer;
          assert.is(await ours.restore('fuzz2', 0, again, 'REPLACE'), 'OK');
          assert.equal(await contents(ours, 'fuzz2'), await contents(ours, 'fuzz'), `re-dump of a corrupt ${key}`);
        } else refused++;
      }
    }
  }
  assert.is(await ours.ping(), 'PONG');
  console.log(`  corrupt payloads: ${accepted} accepted, ${refused} refused, ${disagreed} answered otherwise by redis-server (sanitize-dump-payload yes)`);
});

redisTest(test, 'a big collection restores in one batch and dumps back the same', async () => {
  await ours.del('bigh');
  const fields: string[] = [];
  for (let i = 0; i < 20000; i++) fields.push(`field:${i}`, `value:${i}`);
  await theirs.del('bigh');
  await theirs.hset('bigh', ...fields);
  const payload = await theirs.dumpBuffer('bigh') as Buffer;
  assert.is(await ours.restore('bigh', 0, payload), 'OK');
  assert.is(await ours.hlen('bigh'), 20000);
  assert.is(await ours.hget('bigh', 'field:12345'), 'value:12345');
  const back = await ours.dumpBuffer('bigh') as Buffer;
  assert.is(await theirs.restore('bigh2', 0, back), 'OK');
  assert.is(await theirs.hlen('bigh2'), 20000);
});

redisTest(test, 'MIGRATE moves keys between StrataKV and redis-server with redis-server\'s replies', async () => {
  const theirPort = (redis as TestServer).port;
  // The same scenario run twice: StrataKV migrating to redis-server, redis-server to StrataKV.
  const scenario = async (source: Redis, sourceRaw: RawClient, target: Redis, targetPort: number): Promise<string[]> => {
    await Promise.all([source.flushall(), target.flushall()]);
    await source.set('a', '1');
    await source.rpush('l', 'x', 'y', 'z');
    await source.set('t', 'v', 'PX', 100000);
    await source.hset('h', 'f', 'v');
    const replies: string[] = [];
    const run = async (...args: Arg[]): Promise<void> => {
      replies.push((await sourceRaw.command('MIGRATE', ...args)).toString('latin1'));
    };
    await run('127.0.0.1', targetPort, 'a', 0, 1000);
    replies.push(String(await source.exists('a')), String(await target.get('a')));
    await run('127.0.0.1', targetPort, '', 3, 1000, 'KEYS', 'l', 't', 'missing');
    replies.push(JSON.stringify(await target.select(3).then(() => target.lrange('l', 0, -1))));
    const pttl = await target.pttl('t');
    replies.push(String(pttl > 90000 && pttl <= 100000));
    await target.select(0);
    await source.set('a', '2');
    await target.set('a', 'busy');
    await run('127.0.0.1', targetPort, 'a', 0, 1000);
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'COPY', 'REPLACE');
    replies.push(String(await source.exists('a')), String(await target.get('a')));
    await run('127.0.0.1', targetPort, 'h', 0, 0, 'REPLACE');
    replies.push(JSON.stringify(await target.hgetall('h')), String(await source.exists('h')));
    await run('127.0.0.1', targetPort, 'missing', 0, 1000);
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'KEYS', 'b');
    await run('127.0.0.1', targetPort, 'a', 'x', 1000);
    await run('127.0.0.1', targetPort, 'a', 0, 'y');
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'AUTH');
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'AUTH2', 'u');
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'AUTH', 'pw');
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'BOGUS');
    await run('127.0.0.1', targetPort, 'a', 0, 1000, 'REPLACE', 'AUTH2', 'default', 'pw');
    return replies;
  };
  const fromOurs = await scenario(ours, oursRaw, theirs, theirPort);
  const fromTheirs = await scenario(theirs, theirsRaw, ours, strata.port);
  assert.equal(fromOurs, fromTheirs);
  // A port nobody listens on: the write fails (Redis' blocking connect does not see the refusal).
  await ours.set('a', '1');
  await theirs.set('a', '1');
  const closed = await (async () => {
    const probe = await startRedis();
    const port = (probe as TestServer).port;
    await probe?.stop();
    return port;
  })();
  await both('MIGRATE', '127.0.0.1', closed, 'a', 0, 500);
  await both('EXISTS', 'a');
});

test.run();
