/**
 * SORT and SORT_RO end to end: one script of commands run on a StrataKV process and on a real
 * redis-server 7.0.15 side by side, every reply compared byte for byte, in RESP2 and RESP3 (every
 * option and error: numeric and ALPHA order, ASC/DESC, LIMIT with negative and huge values, BY
 * patterns over strings and hash fields, BY nosort over lists, sets and sorted sets, GET patterns
 * and #, STORE replacing other types and deleting on an empty result, SORT_RO refusing STORE,
 * WRONGTYPE, weights strtod refuses, binary elements); WATCH touched by STORE; a sorted set's
 * encoding after SORT; round trips through ioredis; and STORE results (replacing a set, big
 * enough to be written in several batches, or deleting) surviving a SIGKILL under appendfsync
 * always once acknowledged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient, TestClients, redisTest, startRedis, startServer, type TestServer } from './helpers.js';

let srv: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();

test.before(async () => {
  srv = await startServer();
  redis = await startRedis();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
  await redis?.stop();
});

type Script = ReadonlyArray<ReadonlyArray<string | Buffer>>;

/** Data every script sorts: lists, an intset, a set of strings, sorted sets, weights and hashes. */
const SETUP: Script = [
  ['FLUSHALL'],
  ['RPUSH', 'nums', '3', '1', '2', '10', '-5', '2.5', '1e3', '-inf', '0x10', ' 7', ''],
  ['RPUSH', 'words', 'pear', 'apple', 'Banana', 'cherry', 'apple', '_x', 'Zed', 'é', Buffer.from([0xff]), 'a\x00z', 'a\x00b'],
  ['SADD', 'ints', '30', '-2', '7', '100', '1'],
  ['SADD', 'strs', 'b', 'a', 'c', 'aa'],
  ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '2', 'bb', '-1', 'neg'],
  ['MSET', 'w_3', '30', 'w_1', '10', 'w_2', '20', 'w_10', '5', 'w_-5', 'x', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'w_neg', '9'],
  ['MSET', 'name_a', 'alpha', 'name_b', 'beta', 'name_c', 'gamma', 'name_3', 'three', 'name_1', 'one'],
  ['HSET', 'h_a', 'f', '3', 'g', 'ga'],
  ['HSET', 'h_b', 'f', '1', 'g', 'gb'],
  ['HSET', 'h_c', 'f', '2'],
  ['HSET', 'h_bb', 'f', '2'],
  ['RPUSH', 'small', '3', '1', '2'],
  ['RPUSH', 'letters', 'c', 'neg', 'a', 'bb', 'b'],
  // 100 elements with 4 weights (and some none): many ties, for the partial quicksort.
  ['RPUSH', 'ties', ...Array.from({ length: 100 }, (_, i) => `e${(i * 37) % 100}`)],
  ['MSET', ...Array.from({ length: 80 }, (_, i) => [`tw_e${i}`, `w${(i * 7) % 4}`]).flat()],
  ['SET', 'str', 'v'],
  ['HSET', 'hash', 'f', 'v'],
];

const SCRIPT: Script = [
  // Numeric by default; strtod weights ("", " 7", 0x10, -inf); errors for what it refuses.
  ['SORT', 'nums'],
  ['SORT', 'nums', 'DESC'],
  ['SORT', 'words'],
  ['SORT', 'nokey'],
  ['SORT', 'nokey', 'ALPHA', 'DESC', 'LIMIT', '0', '1'],
  ['RPUSH', 'bad3', 'nan'],
  ['SORT', 'bad3'],
  ['RPUSH', 'bad4', '5 '],
  ['SORT', 'bad4'],
  ['RPUSH', 'ok5', '5\x00junk', '4'],
  ['SORT', 'ok5'],
  // ALPHA: byte order (C locale), up to a NUL; DESC; ASC after DESC.
  ['SORT', 'words', 'ALPHA'],
  ['SORT', 'words', 'alpha', 'desc'],
  ['SORT', 'words', 'ALPHA', 'DESC', 'ASC'],
  ['SORT', 'ints'],
  ['SORT', 'ints', 'DESC'],
  ['SORT', 'strs', 'ALPHA'],
  ['SORT', 'z'],
  ['SORT', 'z', 'ALPHA', 'DESC'],
  // LIMIT: windows, negative offsets and counts, past the end, huge, not integers, too few args.
  ['SORT', 'nums', 'LIMIT', '0', '3'],
  ['SORT', 'nums', 'LIMIT', '2', '3'],
  ['SORT', 'nums', 'LIMIT', '-5', '2'],
  ['SORT', 'nums', 'LIMIT', '1', '-1'],
  ['SORT', 'nums', 'LIMIT', '1', '0'],
  ['SORT', 'nums', 'LIMIT', '50', '1'],
  ['SORT', 'nums', 'LIMIT', '2', '9223372036854775807'],
  ['SORT', 'nums', 'LIMIT', '9223372036854775807', '9223372036854775807'],
  ['SORT', 'nums', 'LIMIT', '-9223372036854775808', '2'],
  ['SORT', 'nums', 'LIMIT', '9223372036854775808', '2'],
  ['SORT', 'nums', 'LIMIT', 'a', '2'],
  ['SORT', 'nums', 'LIMIT', '1', '2.5'],
  ['SORT', 'nums', 'LIMIT', '1'],
  ['SORT', 'nums', 'LIMIT', '0', '2', 'LIMIT', '1', '2'],
  // BY: string weights, hash fields, missing weights (0 / first), nosort, sticky nosort.
  ['SORT', 'z', 'BY', 'w_*'],
  ['SORT', 'z', 'BY', 'w_*', 'DESC'],
  ['SORT', 'z', 'BY', 'h_*->f'],
  // (Elements with equal ALPHA weights keep the source's order: a list's, not a set's.)
  ['SORT', 'letters', 'BY', 'h_*->g', 'ALPHA'],
  ['SORT', 'letters', 'BY', 'h_*->g', 'ALPHA', 'DESC'],
  ['SORT', 'letters', 'BY', 'name_*', 'ALPHA'],
  // With BY and LIMIT Redis uses its partial quicksort: ties end where it puts them.
  ['SORT', 'ties', 'BY', 'tw_*', 'ALPHA', 'LIMIT', '0', '10'],
  ['SORT', 'ties', 'BY', 'tw_*', 'ALPHA', 'LIMIT', '17', '9'],
  ['SORT', 'ties', 'BY', 'tw_*', 'ALPHA', 'DESC', 'LIMIT', '40', '30'],
  ['SORT', 'ties', 'BY', 'tw_*', 'ALPHA', 'LIMIT', '5', '5', 'STORE', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'ties', 'BY', 'tw_*', 'ALPHA'],
  ['SORT', 'letters', 'BY', 'h_*->g', 'ALPHA', 'LIMIT', '1', '3'],
  ['SORT', 'small', 'BY', 'w_*'],
  ['SORT', 'small', 'BY', 'name_*', 'ALPHA'],
  ['SORT', 'nums', 'BY', 'w_*'],
  ['SORT', 'small', 'BY', 'h_*->'],
  ['SORT', 'small', 'BY', 'str*'],
  ['SORT', 'z', 'BY', 'hash*->f'],
  ['SORT', 'z', 'BY', 'nosort'],
  ['SORT', 'z', 'BY', 'nosort', 'DESC'],
  ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'],
  ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
  ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '10', '2'],
  ['SORT', 'nums', 'BY', 'nosort'],
  ['SORT', 'nums', 'BY', 'nosort', 'DESC', 'LIMIT', '2', '3'],
  ['SORT', 'nums', 'BY', 'nosort', 'LIMIT', '-3', '3'],
  ['SORT', 'ints', 'BY', 'nosort'],
  ['SORT', 'ints', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
  ['SORT', 'z', 'BY', 'nosort', 'BY', 'w_*'],
  ['SORT', 'z', 'BY', 'w_*', 'BY', 'nosort'],
  ['SORT', 'z', 'BY', 'w_*', 'LIMIT', '1', '2'],
  ['SORT', 'z', 'BY', 'w_*', 'BY', 'h_*->f', 'DESC'],
  // GET: patterns, #, several, hash fields, missing keys and fields (nil), no '*'.
  ['SORT', 'z', 'GET', 'name_*'],
  ['SORT', 'z', 'GET', '#', 'GET', 'name_*', 'GET', 'h_*->g'],
  ['SORT', 'z', 'BY', 'w_*', 'GET', 'w_*', 'GET', '#'],
  ['SORT', 'z', 'BY', 'nosort', 'GET', 'h_*->f', 'LIMIT', '0', '2'],
  ['SORT', 'small', 'GET', 'nostar'],
  ['SORT', 'small', 'GET', 'w_*', 'LIMIT', '0', '0'],
  ['SORT', 'small', 'GET', '#x'],
  ['SORT', 'small', 'GET', 'hash*->f'],
  ['SORT', 'small', 'GET', 'str*'],
  ['SORT', 'small', 'GET', 'w_*->'],
  ['SORT', 'small', 'GET', 'w_*->x->y'],
  ['HSET', 'h_1', 'x->y', 'deep'],
  ['SORT', 'small', 'GET', 'h_*->x->y'],
  // STORE: a list over another type, TTL dropped, GET nil stored as "", empty result deletes.
  ['SET', 'dst', 'old', 'EX', '100'],
  ['SORT', 'nums', 'STORE', 'dst'],
  ['TYPE', 'dst'],
  ['TTL', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'z', 'GET', 'name_*', 'GET', '#', 'STORE', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'nokey', 'STORE', 'dst'],
  ['EXISTS', 'dst'],
  ['SORT', 'nokey', 'STORE', 'dst'],
  ['SADD', 'dst', 'm'],
  ['SORT', 'small', 'LIMIT', '5', '5', 'STORE', 'dst'],
  ['EXISTS', 'dst'],
  ['SORT', 'strs', 'BY', 'nosort', 'DESC', 'STORE', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'ints', 'BY', 'nosort', 'STORE', 'dst', 'LIMIT', '1', '2'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'words', 'ALPHA', 'STORE', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'letters', 'BY', 'h_*->g', 'ALPHA', 'STORE', 'dst'],
  ['LRANGE', 'dst', '0', '-1'],
  ['SORT', 'small', 'STORE', 'small'],
  ['LRANGE', 'small', '0', '-1'],
  ['SORT', 'small', 'STORE', 'a', 'STORE', 'b'],
  ['EXISTS', 'a', 'b'],
  ['SORT', 'small', 'STORE'],
  // SORT_RO: everything but STORE.
  ['SORT_RO', 'z', 'BY', 'w_*', 'GET', '#', 'GET', 'name_*', 'LIMIT', '0', '3', 'DESC'],
  ['SORT_RO', 'small', 'STORE', 'dst'],
  ['SORT_RO', 'nums', 'ALPHA', 'LIMIT', '1', '2'],
  // Errors in Redis' order: options first, then the key's type.
  ['SORT', 'str'],
  ['SORT', 'hash', 'ALPHA'],
  ['SORT', 'str', 'FOO'],
  ['SORT', 'str', 'LIMIT', 'x', '1'],
  ['SORT', 'small', 'BY'],
  ['SORT', 'small', 'GET'],
  ['SORT', 'small', 'ASCENDING'],
  ['SORT'],
  ['SORT_RO'],
  ['COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE', 'b', 'BY', 'x', 'LIMIT', '0', '1', 'GET', 'y', 'STORE', 'c'],
  ['COMMAND', 'GETKEYS', 'SORT', 'a', 'LIMIT', 'STORE', 'b'],
  ['COMMAND', 'GETKEYS', 'SORT_RO', 'a', 'BY', 'x'],
  // A listpack sorted set is a skiplist once sorted (even by SORT_RO), as in Redis.
  ['ZADD', 'z2', '1', 'x'],
  ['OBJECT', 'ENCODING', 'z2'],
  ['SORT_RO', 'z2', 'ALPHA'],
  ['OBJECT', 'ENCODING', 'z2'],
  // Last: Redis never clears errno before its strtod, so after an ERANGE every numeric SORT on
  // this connection fails until a system call sets errno again (see known-differences.ts).
  ['RPUSH', 'bad', '1', '1e-310'],
  ['SORT', 'bad', 'STORE', 'dst2'],
  ['EXISTS', 'dst2'],
  ['RPUSH', 'bad2', '1e400'],
  ['SORT', 'bad2'],
];

async function run(port: number, script: Script): Promise<Buffer[]> {
  const c = await RawClient.connect(port);
  try {
    const out: Buffer[] = [];
    for (const cmd of script) out.push(await c.command(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** The message of the error `reply` fails with ('' when it does not fail). */
async function errorOf(reply: Promise<unknown>): Promise<string> {
  try {
    await reply;
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

function show(cmd: ReadonlyArray<string | Buffer>): string {
  return JSON.stringify(cmd.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))));
}

for (const protocol of ['2', '3']) {
  redisTest(test, `SORT and SORT_RO reply byte for byte as redis-server (RESP${protocol})`, async () => {
    assert.ok(redis, 'redis-server started');
    const script: Script = [['HELLO', protocol], ...SETUP, ...SCRIPT];
    const [ours, theirs] = await Promise.all([run(srv.port, script), run(redis.port, script)]);
    // HELLO's reply names each server: not compared.
    for (let i = 1; i < script.length; i++) {
      assert.is(ours[i].toString('latin1'), theirs[i].toString('latin1'), `reply to ${show(script[i])}`);
    }
  });
}

test('SORT STORE touches a watched destination; SORT without STORE touches nothing', async () => {
  const a = clients.connect({ port: srv.port });
  const b = clients.connect({ port: srv.port });
  await a.del('src', 'dst');
  await a.rpush('src', '2', '1');
  await a.watch('dst', 'src');
  await b.sort('src');
  assert.equal(await a.multi().get('x').exec(), [[null, null]]);
  // A sorted set converted to a skiplist by SORT is not modified for WATCH (as in Redis).
  await a.zadd('zs', '1', 'm');
  await a.watch('zs');
  await b.sort_ro('zs', 'ALPHA');
  assert.is(await a.object('ENCODING', 'zs'), 'skiplist');
  assert.equal(await a.multi().get('x').exec(), [[null, null]]);
  await a.watch('dst');
  await b.sort('src', 'STORE', 'dst');
  assert.is(await a.multi().get('x').exec(), null);
});

test('ioredis round trips: sort with every option, sort_ro, and a stored list', async () => {
  const c = clients.connect({ port: srv.port });
  await c.flushall();
  await c.rpush('ids', '3', '1', '2');
  await c.mset('score_1', '30', 'score_2', '10', 'score_3', '20');
  await c.hset('user_1', 'name', 'ann');
  await c.hset('user_2', 'name', 'bob');
  await c.hset('user_3', 'name', 'cid');
  assert.equal(await c.sort('ids'), ['1', '2', '3']);
  assert.equal(await c.sort('ids', 'BY', 'score_*', 'GET', '#', 'GET', 'user_*->name'), ['2', 'bob', '3', 'cid', '1', 'ann']);
  assert.equal(await c.sort('ids', 'BY', 'user_*->name', 'ALPHA', 'DESC', 'LIMIT', 0, 2), ['3', '2']);
  assert.equal(await c.sort_ro('ids', 'BY', 'nosort', 'DESC'), ['2', '1', '3']);
  assert.is(await c.sort('ids', 'BY', 'score_*', 'GET', 'user_*->name', 'STORE', 'names'), 3);
  assert.equal(await c.lrange('names', 0, -1), ['bob', 'cid', 'ann']);
  assert.match(await errorOf(c.sort('ids', 'ALPHA', 'FOO')), /syntax error/);
  await c.rpush('mixed', 'x', '1');
  assert.match(await errorOf(c.sort('mixed')), /One or more scores can't be converted into double/);
});

test('SORT of a long list is exact against a model, and STORE writes it in several batches', async () => {
  const c = clients.connect({ port: srv.port });
  await c.del('long', 'longsorted');
  const values: number[] = [];
  for (let i = 0; i < 5000; i++) values.push((i * 7919) % 5003);
  for (let i = 0; i < values.length; i += 1000) await c.rpush('long', ...values.slice(i, i + 1000).map(String));
  const expected = [...values].sort((x, y) => x - y).map(String);
  assert.equal(await c.sort('long'), expected);
  assert.is(await c.sort('long', 'STORE', 'longsorted'), 5000);
  assert.equal(await c.lrange('longsorted', 0, -1), expected);
  assert.equal(await c.sort('long', 'BY', 'nosort', 'LIMIT', 4990, 100), values.slice(4990).map(String));
});

test('SORT STORE results are there after a SIGKILL (appendfsync always), the replaced values gone', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-sort-'));
  try {
    let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
    let c = clients.connect({ port: server.port });
    const values = Array.from({ length: 3000 }, (_, i) => String((i * 7919) % 3001));
    for (let i = 0; i < values.length; i += 1000) await c.rpush('src', ...values.slice(i, i + 1000));
    await c.sadd('big', 'old1', 'old2');
    await c.set('gone', 'x');
    assert.is(await c.sort('src', 'STORE', 'big'), 3000);
    assert.is(await c.sort('src', 'DESC', 'LIMIT', 0, 3, 'STORE', 'small'), 3);
    assert.is(await c.sort('nosuchkey', 'STORE', 'gone'), 0);
    await server.kill();
    server = await startServer({ dir, args: ['--appendfsync', 'always'] });
    c = clients.connect({ port: server.port });
    assert.equal(await c.lrange('big', 0, -1), [...values].sort((x, y) => Number(x) - Number(y)));
    assert.equal(await c.lrange('small', 0, -1), ['3000', '2999', '2998']);
    assert.is(await c.exists('gone'), 0);
    assert.is(await c.type('big'), 'list');
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
