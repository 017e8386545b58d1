/**
 * Key, expiry and database commands end to end: replies compared byte for byte with a transcript
 * recorded from redis-server 7.0.15, SCAN through real clients (ioredis scanStream, redis-cli
 * --scan), active expiry without reads, and WATCH against every kind of modification.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { sleep, startServer, TestClients, type TestServer } from './helpers.js';
import { replayTranscript, type Transcript } from './transcript.js';


let srv: TestServer;
const clients = new TestClients();

function client(db = 0): Redis {
  return clients.connect({ port: srv.port, db });
}

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

// Recorded with redis-server 7.0.15. Not compared: TTL/PTTL (clock), OBJECT IDLETIME (not
// tracked here), KEYS (Redis lists in hash order, we list in key order; compared as sets below).
const KEYS: Transcript = [
  [["SET", "a", "1"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "a"], "$3\r\nint\r\n"],
  [["TYPE", "a"], "+string\r\n"],
  [["TYPE", "nokey"], "+none\r\n"],
  [["RENAME", "nokey", "b"], "-ERR no such key\r\n"],
  [["RENAME", "a", "a"], "+OK\r\n"],
  [["RENAMENX", "a", "a"], ":0\r\n"],
  [["RENAMENX", "nokey", "a"], "-ERR no such key\r\n"],
  [["SET", "big", "10000"], "+OK\r\n"],
  [["OBJECT", "REFCOUNT", "big"], ":1\r\n"],
  [["SET", "s", "abc"], "+OK\r\n"],
  [["OBJECT", "REFCOUNT", "s"], ":1\r\n"],
  [["OBJECT", "REFCOUNT", "a"], ":2147483647\r\n"],
  [["SET", "neg", "-1"], "+OK\r\n"],
  [["OBJECT", "REFCOUNT", "neg"], ":1\r\n"],
  [["OBJECT", "IDLETIME", "nokey"], null],
  [["OBJECT", "IDLETIME", "a"], null],
  [["OBJECT", "FREQ", "nokey"], "$-1\r\n"],
  [["OBJECT", "FREQ", "a"], "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"],
  [["OBJECT", "REFCOUNT", "nokey"], "$-1\r\n"],
  [["OBJECT", "ENCODING", "nokey"], "$-1\r\n"],
  [["OBJECT", "HELP"], "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n"],
  [["OBJECT", "foo"], "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"],
  [["OBJECT"], "-ERR wrong number of arguments for 'object' command\r\n"],
  [["OBJECT", "encoding"], "-ERR wrong number of arguments for 'object|encoding' command\r\n"],
  [["OBJECT", "help", "x"], "-ERR wrong number of arguments for 'object|help' command\r\n"],
  // Errors quote arguments as Redis' %s does: raw bytes, cut at a NUL, trailing CR LF trimmed.
  [["EXPIRE", "a", "100", "\xff\xff\x00"], "-ERR Unsupported option \xff\xff\r\n"],
  [["PEXPIREAT", "a", "6262157538836", "\r\n"], "-ERR Unsupported option \r\n"],
  [["NOSUCHCOMMAND", "k\x00\r\n\xff", "\r\n\xe9"], "-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'k' '  \xe9' \r\n"],
  [["HELLO", "2", "\x80\xa3\xff\x00x"], "-ERR Syntax error in HELLO option '\x80\xa3\xff'\r\n"],
  [["DEL", "a", "a"], ":1\r\n"],
  [["DEL", "nokey"], ":0\r\n"],
  [["EXISTS", "s", "s", "nokey"], ":2\r\n"],
  [["TOUCH", "s", "s", "nokey"], ":2\r\n"],
  [["EXPIRE", "s", "100"], ":1\r\n"],
  [["TTL", "s"], null],
  [["PTTL", "nokey"], null],
  [["TTL", "big"], null],
  [["EXPIRETIME", "big"], ":-1\r\n"],
  [["PERSIST", "s"], ":1\r\n"],
  [["PERSIST", "s"], ":0\r\n"],
  [["PERSIST", "nokey"], ":0\r\n"],
  [["EXPIRE", "s", "-1"], ":1\r\n"],
  [["EXISTS", "s"], ":0\r\n"],
  [["EXPIRE", "nokey", "10", "foo"], "-ERR Unsupported option foo\r\n"],
  [["EXPIRE", "nokey", "10"], ":0\r\n"],
  [["EXPIRE", "big", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["EXPIRE", "big", "10", "gt"], ":0\r\n"],
  [["EXPIRE", "big", "10", "lt"], ":1\r\n"],
  [["TTL", "big"], null],
  [["EXPIRE", "big", "20", "nx"], ":0\r\n"],
  [["EXPIRE", "big", "5", "xx"], ":1\r\n"],
  [["TTL", "big"], null],
  [["EXPIRE", "big", "6", "gt"], ":1\r\n"],
  [["EXPIRE", "big", "50", "gt"], ":1\r\n"],
  [["TTL", "big"], null],
  [["EXPIRE", "big", "10", "nx", "xx"], "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"],
  [["EXPIRE", "big", "10", "GT", "LT"], "-ERR GT and LT options at the same time are not compatible\r\n"],
  [["EXPIRE", "big", "10", "nx", "lt"], "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"],
  [["PEXPIRE", "big", "9223372036854775807"], "-ERR invalid expire time in 'pexpire' command\r\n"],
  [["EXPIREAT", "big", "9223372036854775807"], "-ERR invalid expire time in 'expireat' command\r\n"],
  [["PEXPIREAT", "big", "9223372036854775807"], ":1\r\n"],
  [["PEXPIRETIME", "big"], ":9223372036854775807\r\n"],
  [["EXPIRETIME", "big"], ":9223372036854776\r\n"],
  [["EXPIRE", "big", "-9223372036854775808"], "-ERR invalid expire time in 'expire' command\r\n"],
  [["EXPIRE", "big", "9223370399119966"], "-ERR invalid expire time in 'expire' command\r\n"],
  [["PEXPIREAT", "big", "-9223372036854770000"], ":1\r\n"],
  [["TTL", "big"], null],
  [["SET", "e1", "v"], "+OK\r\n"],
  [["EXPIREAT", "e1", "99999999999"], ":1\r\n"],
  [["EXPIRETIME", "e1"], ":99999999999\r\n"],
  [["PEXPIRETIME", "e1"], ":99999999999000\r\n"],
  [["PEXPIREAT", "e1", "99999999999123"], ":1\r\n"],
  [["PEXPIRETIME", "e1"], ":99999999999123\r\n"],
  [["EXPIRETIME", "e1"], ":99999999999\r\n"],
  [["PEXPIRE", "e1", "100000"], ":1\r\n"],
  [["PTTL", "e1"], null],
  [["EXPIREAT", "e1", "1"], ":1\r\n"],
  [["EXISTS", "e1"], ":0\r\n"],
  [["SET", "r1", "v1", "EX", "100"], "+OK\r\n"],
  [["SET", "r2", "v2"], "+OK\r\n"],
  [["RENAME", "r1", "r2"], "+OK\r\n"],
  [["TTL", "r2"], null],
  [["GET", "r2"], "$2\r\nv1\r\n"],
  [["EXISTS", "r1"], ":0\r\n"],
  [["RENAMENX", "r2", "s2"], ":1\r\n"],
  [["SET", "r3", "x"], "+OK\r\n"],
  [["RENAMENX", "s2", "r3"], ":0\r\n"],
  [["COPY", "s2", "c1"], ":1\r\n"],
  [["TTL", "c1"], null],
  [["GET", "c1"], "$2\r\nv1\r\n"],
  [["COPY", "s2", "c1"], ":0\r\n"],
  [["COPY", "s2", "c1", "REPLACE"], ":1\r\n"],
  [["COPY", "s2", "c1", "DB", "1"], ":1\r\n"],
  [["SELECT", "1"], "+OK\r\n"],
  [["GET", "c1"], "$2\r\nv1\r\n"],
  [["TTL", "c1"], null],
  [["SELECT", "0"], "+OK\r\n"],
  [["COPY", "s2", "s2"], "-ERR source and destination objects are the same\r\n"],
  [["COPY", "s2", "s2", "DB", "1"], ":1\r\n"],
  [["COPY", "nokey", "c9"], ":0\r\n"],
  [["COPY", "s2", "c1", "foo"], "-ERR syntax error\r\n"],
  [["COPY", "s2", "c1", "DB"], "-ERR syntax error\r\n"],
  [["COPY", "s2", "c1", "DB", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["COPY", "s2", "c1", "DB", "99"], "-ERR DB index is out of range\r\n"],
  [["COPY", "s2", "c1", "DB", "-1"], "-ERR DB index is out of range\r\n"],
  [["MOVE", "s2", "0"], "-ERR source and destination objects are the same\r\n"],
  [["MOVE", "s2", "1"], ":0\r\n"],
  [["MOVE", "s2", "1"], ":0\r\n"],
  [["SET", "s2", "again"], "+OK\r\n"],
  [["MOVE", "s2", "1"], ":0\r\n"],
  [["MOVE", "nokey", "1"], ":0\r\n"],
  [["MOVE", "s2", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["MOVE", "s2", "99"], "-ERR DB index is out of range\r\n"],
  [["MOVE", "s2", "99999999999"], "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"],
  [["SELECT", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["SELECT", "99999999999"], "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"],
  [["SELECT", "16"], "-ERR DB index is out of range\r\n"],
  [["SELECT", "-1"], "-ERR DB index is out of range\r\n"],
  [["SWAPDB", "a", "b"], "-ERR invalid first DB index\r\n"],
  [["SWAPDB", "0", "b"], "-ERR invalid second DB index\r\n"],
  [["SWAPDB", "0", "99"], "-ERR DB index is out of range\r\n"],
  [["SWAPDB", "0", "0"], "+OK\r\n"],
  [["DBSIZE"], ":4\r\n"],
  [["SELECT", "1"], "+OK\r\n"],
  [["DBSIZE"], ":2\r\n"],
  [["SWAPDB", "0", "1"], "+OK\r\n"],
  [["DBSIZE"], ":4\r\n"],
  [["SELECT", "0"], "+OK\r\n"],
  [["DBSIZE"], ":2\r\n"],
  [["KEYS", "*"], null],
  [["KEYS", "c*"], null],
  [["KEYS", "*1"], null],
  [["KEYS", "[cs]*"], null],
  [["KEYS", "nomatch*"], null],
  [["FLUSHDB", "foo"], "-ERR syntax error\r\n"],
  [["FLUSHALL", "ASYNC", "x"], "-ERR syntax error\r\n"],
  [["FLUSHDB", "ASYNC"], "+OK\r\n"],
  [["DBSIZE"], ":0\r\n"],
  [["KEYS", "*"], null],
  [["SELECT", "1"], "+OK\r\n"],
  [["DBSIZE"], ":4\r\n"],
  [["FLUSHALL", "SYNC"], "+OK\r\n"],
  [["DBSIZE"], ":0\r\n"],
  [["SELECT", "0"], "+OK\r\n"],
  [["RANDOMKEY"], "$-1\r\n"],
  [["SET", "only", "one"], "+OK\r\n"],
  [["RANDOMKEY"], "$4\r\nonly\r\n"],
  [["SCAN", "0"], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n"],
  [["SCAN", "0", "MATCH"], "-ERR syntax error\r\n"],
  [["SCAN", "0", "TYPE"], "-ERR syntax error\r\n"],
  [["SCAN", "abc"], "-ERR invalid cursor\r\n"],
  [["SCAN", "0", "COUNT", "0"], "-ERR syntax error\r\n"],
  [["SCAN", "0", "COUNT", "-1"], "-ERR syntax error\r\n"],
  [["SCAN", "0", "COUNT", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["SCAN", "0", "MATCH", "*", "COUNT", "1", "TYPE", "string"], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n"],
  [["SCAN", "0", "TYPE", "hash"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["SCAN", "0", "TYPE", "STRING"], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n"],
  [["SCAN", "0", "TYPE", "foo"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["SCAN", "", "COUNT", "100"], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nonly\r\n"],
  [["SCAN", "0", "foo", "bar"], "-ERR syntax error\r\n"],
  [["SET", "bin", "a\u0000b"], "+OK\r\n"],
  [["KEYS", "a\u0000*"], null],
  [["TYPE", "bin"], "+string\r\n"],
  [["UNLINK", "bin", "only"], ":2\r\n"],
  [["DBSIZE"], ":0\r\n"],
];

test('key, expiry and database commands: replies identical to redis-server', () => replayTranscript(srv.port, [[['FLUSHALL'], null], ...KEYS]));

test('KEYS lists the same keys as Redis, in key order', async () => {
  const r = client();
  await r.flushall();
  await r.mset('c1', '1', 's2', '2', 'c10', '3', 'other', '4');
  assert.equal(await r.keys('*'), ['c1', 'c10', 'other', 's2']);
  assert.equal(await r.keys('[cs]*'), ['c1', 'c10', 's2']);
  assert.equal(await r.keys('c?'), ['c1']);
  assert.equal(await r.keys('*1*'), ['c1', 'c10']);
});

test('SCAN through ioredis scanStream and redis-cli --scan returns every key once per pass', async () => {
  const r = client(2);
  await r.flushdb();
  const pipeline = r.pipeline();
  for (let i = 0; i < 1000; i++) pipeline.set(`user:${i}`, 'v');
  for (let i = 0; i < 300; i++) pipeline.set(`item:${i}`, 'v');
  await pipeline.exec();
  const collect = (options: { match?: string; count?: number; type?: string }) =>
    new Promise<string[]>((resolve, reject) => {
      const seen: string[] = [];
      const stream = r.scanStream(options);
      stream.on('data', (keys: string[]) => seen.push(...keys));
      stream.on('end', () => resolve(seen));
      stream.on('error', reject);
    });
  const all = await collect({ count: 37 });
  assert.is(all.length, 1300);
  assert.is(new Set(all).size, 1300);
  const users = await collect({ match: 'user:*', count: 100 });
  assert.is(users.length, 1000);
  assert.is((await collect({ match: '*:1?', count: 50 })).length, 20);
  assert.is((await collect({ type: 'string', count: 500 })).length, 1300);
  assert.is((await collect({ type: 'list', count: 500 })).length, 0);
  if (existsSync('/usr/bin/redis-cli')) {
    const out = execFileSync('redis-cli', ['-p', String(srv.port), '-n', '2', '--scan', '--pattern', 'item:*']).toString();
    const lines = out.split('\n').filter((l) => l.length > 0);
    assert.is(lines.length, 300);
    assert.is(new Set(lines).size, 300);
  }
});

test('keys with a TTL are deleted by the active cycle without being read', async () => {
  const r = client(3);
  await r.flushdb();
  // Counted before the keys exist, and with a TTL long enough that a busy machine cannot expire
  // any of them before DBSIZE below sees all 201.
  const before = Number(/expired_keys:(\d+)/.exec(await r.info('stats'))?.[1]);
  const pipeline = r.pipeline();
  for (let i = 0; i < 200; i++) pipeline.set(`e:${i}`, 'v', 'PX', 1500);
  pipeline.set('stays', 'v', 'EX', 1000);
  await pipeline.exec();
  assert.is(await r.dbsize(), 201);
  const deadline = Date.now() + 10_000;
  while ((await r.dbsize()) > 1 && Date.now() < deadline) await sleep(50);
  assert.is(await r.dbsize(), 1);
  const after = Number(/expired_keys:(\d+)/.exec(await r.info('stats'))?.[1]);
  assert.ok(after - before >= 200, `expired_keys ${before} -> ${after}`);
  assert.match(await r.info('keyspace'), /db3:keys=1,expires=1,avg_ttl=\d+/);
});

test('WATCH: RENAME, MOVE, SWAPDB, FLUSHALL, EXPIRE and expiry abort EXEC; unrelated writes do not', async () => {
  const a = client();
  const b = client();
  const attempt = async (setup: () => Promise<unknown>, key = 'w') => {
    await a.watch(key);
    await setup();
    return a.multi().set('w:done', '1').exec();
  };
  await a.flushall();
  await a.set('w', '1');
  assert.ok((await attempt(() => b.set('unrelated', '1'))) !== null, 'unrelated write');
  assert.is(await attempt(() => b.rename('w', 'w2')), null, 'rename away');
  assert.is(await attempt(() => b.rename('w2', 'w')), null, 'rename onto');
  assert.is(await attempt(() => b.move('w', 1)), null, 'move');
  assert.is(await attempt(() => b.swapdb(0, 1)), null, 'swapdb');
  assert.is(await attempt(() => b.expire('w', 100)), null, 'expire');
  assert.is(await attempt(() => b.flushall()), null, 'flushall');
  // Long enough that WATCH surely comes first on a loaded machine (a key already gone when
  // WATCHed is just absent, and EXEC would run); then wait out the TTL.
  await b.set('w', '1', 'PX', 1000);
  assert.is(await attempt(() => sleep(1200)), null, 'expired while watched');
  assert.ok((await attempt(() => b.set('w', '2'), 'absent')) !== null, 'watching another key');
});

test('COPY, MOVE and SWAPDB carry values and TTLs between databases', async () => {
  const r0 = client(0);
  const r5 = client(5);
  await r0.flushall();
  await r0.set('src', 'v', 'EX', 500);
  assert.is(await r0.copy('src', 'dst', 'DB', 5), 1);
  assert.is(await r5.get('dst'), 'v');
  const ttl = await r5.ttl('dst');
  assert.ok(ttl > 490 && ttl <= 500);
  assert.is(await r0.move('src', 5), 1);
  assert.is(await r0.exists('src'), 0);
  assert.ok((await r5.ttl('src')) > 490);
  await r0.swapdb(0, 5);
  assert.equal((await r0.keys('*')).sort(), ['dst', 'src']);
  assert.is(await r5.dbsize(), 0);
});

test.run();
