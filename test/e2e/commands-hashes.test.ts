/**
 * Hashes end to end against a real server process: replies compared byte for byte with a
 * transcript recorded from redis-server 7.0.15 (errors, WRONGTYPE from every string command,
 * OBJECT ENCODING conversions, RENAME/COPY/MOVE, RESP3 shapes, HRANDFIELD's and HSCAN's checks),
 * random fields checked by their rules on small and big hashes, HSCAN cursors over a changing big
 * hash, a real client's round trip, a big hash deleted and created again under the same name, and
 * every acknowledged field surviving a SIGKILL under appendfsync always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RawClient, startServer, TestClients, type TestServer } from './helpers.js';
import { replayTranscript, type Transcript } from './transcript.js';
import { parseReply, type RespNode } from '../diff/resp.js';


let srv: TestServer;
const clients = new TestClients();

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

// Recorded with redis-server 7.0.15 (no config file: hash-max-listpack-entries 512). Not compared:
// FLUSHALL's reply, SCAN (Redis lists in hash order, we in key order), HELLO (client ids).
const HASHES: Transcript = [
  [["FLUSHALL"], null],
  [["HSET","h","a","1","b","2","a","3"], ":2\r\n"],
  [["HSET","h","c"], "-ERR wrong number of arguments for 'hset' command\r\n"],
  [["HSET","h"], "-ERR wrong number of arguments for 'hset' command\r\n"],
  [["HGET","h","a"], "$1\r\n3\r\n"],
  [["HGET","h","zz"], "$-1\r\n"],
  [["HGET","nokey","a"], "$-1\r\n"],
  [["HMGET","h","a","zz","b"], "*3\r\n$1\r\n3\r\n$-1\r\n$1\r\n2\r\n"],
  [["HMGET","nokey","a"], "*1\r\n$-1\r\n"],
  [["HLEN","h"], ":2\r\n"],
  [["HLEN","nokey"], ":0\r\n"],
  [["HSTRLEN","h","a"], ":1\r\n"],
  [["HSTRLEN","h","zz"], ":0\r\n"],
  [["HEXISTS","h","b"], ":1\r\n"],
  [["HEXISTS","h","zz"], ":0\r\n"],
  [["HSETNX","h","a","9"], ":0\r\n"],
  [["HSETNX","h","d","4"], ":1\r\n"],
  [["HMSET","h","e","5"], "+OK\r\n"],
  [["HMSET","h","e"], "-ERR wrong number of arguments for 'hmset' command\r\n"],
  [["HKEYS","h"], "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["HVALS","h"], "*4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["HGETALL","h"], "*8\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"],
  [["HGETALL","nokey"], "*0\r\n"],
  [["HKEYS","nokey"], "*0\r\n"],
  [["HINCRBY","h","a","10"], ":13\r\n"],
  [["HINCRBY","h","new","-5"], ":-5\r\n"],
  [["HINCRBY","h","a","x"], "-ERR value is not an integer or out of range\r\n"],
  [["HINCRBY","h","a","9223372036854775807"], "-ERR increment or decrement would overflow\r\n"],
  [["HSET","h","f","1.5"], ":1\r\n"],
  [["HINCRBY","h","f","1"], "-ERR hash value is not an integer\r\n"],
  [["HINCRBYFLOAT","h","f","0.25"], "$4\r\n1.75\r\n"],
  [["HINCRBYFLOAT","h","g","3"], "$1\r\n3\r\n"],
  [["HINCRBYFLOAT","h","f","abc"], "-ERR value is not a valid float\r\n"],
  [["HINCRBYFLOAT","h","f","inf"], "-ERR value is NaN or Infinity\r\n"],
  [["HINCRBYFLOAT","h","a","1.0e1"], "$2\r\n23\r\n"],
  [["HSET","h","s","hello"], ":1\r\n"],
  [["HINCRBYFLOAT","h","s","1"], "-ERR hash value is not a float\r\n"],
  [["HINCRBY","h","s","1"], "-ERR hash value is not an integer\r\n"],
  [["HINCRBYFLOAT","h","g","5.0e3"], "$4\r\n5003\r\n"],
  [["HINCRBYFLOAT","h","g","-5003"], "$1\r\n0\r\n"],
  [["HGET","h","g"], "$1\r\n0\r\n"],
  [["HDEL","h","a","a","zz","b"], ":2\r\n"],
  [["HDEL","nokey","a"], ":0\r\n"],
  [["HLEN","h"], ":6\r\n"],
  [["TYPE","h"], "+hash\r\n"],
  [["OBJECT","ENCODING","h"], "$8\r\nlistpack\r\n"],
  [["SET","str","x"], "+OK\r\n"],
  [["HSET","str","a","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HGET","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HMGET","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HLEN","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HGETALL","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HDEL","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HINCRBY","str","a","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HEXISTS","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSTRLEN","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSETNX","str","a","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GET","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["APPEND","h","x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["INCR","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["STRLEN","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SETRANGE","h","0","x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETRANGE","h","0","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SETBIT","h","1","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETBIT","h","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["BITCOUNT","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["MGET","h","str"], "*2\r\n$-1\r\n$1\r\nx\r\n"],
  [["SET","h","x","GET"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETDEL","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETEX","h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETSET","h","v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LCS","h","str"], "-ERR The specified keys must contain string values\r\n"],
  [["HSET","big","f","aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], ":1\r\n"],
  [["OBJECT","ENCODING","big"], "$9\r\nhashtable\r\n"],
  [["HDEL","big","f"], ":1\r\n"],
  [["EXISTS","big"], ":0\r\n"],
  [["HSET","k2","aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","v"], ":1\r\n"],
  [["OBJECT","ENCODING","k2"], "$9\r\nhashtable\r\n"],
  [["CONFIG","SET","hash-max-listpack-entries","2"], "+OK\r\n"],
  [["HSET","k3","a","1","b","2"], ":2\r\n"],
  [["OBJECT","ENCODING","k3"], "$8\r\nlistpack\r\n"],
  [["HSET","k3","c","3"], ":1\r\n"],
  [["OBJECT","ENCODING","k3"], "$9\r\nhashtable\r\n"],
  [["HDEL","k3","c","b"], ":2\r\n"],
  [["OBJECT","ENCODING","k3"], "$9\r\nhashtable\r\n"],
  [["CONFIG","SET","hash-max-listpack-entries","512"], "+OK\r\n"],
  [["HSET","e","",""], ":1\r\n"],
  [["HGET","e",""], "$0\r\n\r\n"],
  [["HSTRLEN","e",""], ":0\r\n"],
  [["HGETALL","e"], "*2\r\n$0\r\n\r\n$0\r\n\r\n"],
  [["DEL","h"], ":1\r\n"],
  [["EXISTS","h"], ":0\r\n"],
  [["HLEN","h"], ":0\r\n"],
  [["HSET","h","x","1"], ":1\r\n"],
  [["HGETALL","h"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["EXPIRE","h","100"], ":1\r\n"],
  [["RENAME","h","h2"], "+OK\r\n"],
  [["TYPE","h2"], "+hash\r\n"],
  [["HGETALL","h2"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["RENAME","h2","h2"], "+OK\r\n"],
  [["RENAMENX","h2","e"], ":0\r\n"],
  [["COPY","h2","e","REPLACE"], ":1\r\n"],
  [["HGETALL","e"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["MOVE","e","1"], ":1\r\n"],
  [["EXISTS","e"], ":0\r\n"],
  [["SELECT","1"], "+OK\r\n"],
  [["HGETALL","e"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["SELECT","0"], "+OK\r\n"],
  [["PERSIST","h2"], ":1\r\n"],
  [["TTL","h2"], ":-1\r\n"],
  [["SCAN","0","TYPE","hash","COUNT","100"], null],
  [["DBSIZE"], ":4\r\n"],
  // HRANDFIELD and HSCAN (fields added in byte order: Redis' listpack order is insertion order, ours byte order)
  [["HSET","r","a","1","b","2","c","3"], ":3\r\n"],
  [["HRANDFIELD","r","-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"],
  [["HRANDFIELD","r","-9223372036854775807","WITHVALUES"], "-ERR value is out of range\r\n"],
  [["HRANDFIELD","r","-4611686018427387904","WITHVALUES"], "-ERR value is out of range\r\n"],
  [["HRANDFIELD","r","4611686018427387904","WITHVALUES"], "-ERR value is out of range\r\n"],
  [["HRANDFIELD","r","-9223372036854775809"], "-ERR value is not an integer or out of range\r\n"],
  [["HRANDFIELD","r","4611686018427387903","WITHVALUES"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HRANDFIELD","r","3"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["HRANDFIELD","r","9223372036854775807"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["HRANDFIELD","r","1","WITHVALUES","x"], "-ERR syntax error\r\n"],
  [["HRANDFIELD","r","1","WITHSCORES"], "-ERR syntax error\r\n"],
  [["HRANDFIELD","r","x"], "-ERR value is not an integer or out of range\r\n"],
  [["HRANDFIELD","r","1.5"], "-ERR value is not an integer or out of range\r\n"],
  [["HRANDFIELD","r","0"], "*0\r\n"],
  [["HRANDFIELD","r","0","WITHVALUES"], "*0\r\n"],
  [["HRANDFIELD","nokey"], "$-1\r\n"],
  [["HRANDFIELD","nokey","1","WITHVALUES"], "*0\r\n"],
  [["HRANDFIELD","nokey","-5"], "*0\r\n"],
  [["HRANDFIELD","nokey","x"], "-ERR value is not an integer or out of range\r\n"],
  [["HRANDFIELD","nokey","1","bad"], "-ERR syntax error\r\n"],
  [["HRANDFIELD","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HRANDFIELD","str","1","WITHVALUES"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HRANDFIELD","str","x"], "-ERR value is not an integer or out of range\r\n"],
  [["HRANDFIELD","str","1","bad"], "-ERR syntax error\r\n"],
  [["HRANDFIELD"], "-ERR wrong number of arguments for 'hrandfield' command\r\n"],
  [["HSET","one","f","v"], ":1\r\n"],
  [["HRANDFIELD","one"], "$1\r\nf\r\n"],
  [["HRANDFIELD","one","1"], "*1\r\n$1\r\nf\r\n"],
  [["HRANDFIELD","one","-3"], "*3\r\n$1\r\nf\r\n$1\r\nf\r\n$1\r\nf\r\n"],
  [["HRANDFIELD","one","-3","withvalues"], "*6\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\nv\r\n"],
  [["HSCAN","r","0"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HSCAN","r","12345","COUNT","1"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HSCAN","r","0","MATCH","[ab]"], "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["HSCAN","r","0","MATCH","*","COUNT","1"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HSCAN","r","-1"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HSCAN","r","x"], "-ERR invalid cursor\r\n"],
  [["HSCAN","r","18446744073709551616"], "-ERR invalid cursor\r\n"],
  [["HSCAN","nokey","x"], "-ERR invalid cursor\r\n"],
  [["HSCAN","nokey","0","COUNT","0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["HSCAN","r","0","COUNT","0"], "-ERR syntax error\r\n"],
  [["HSCAN","r","0","COUNT","-1"], "-ERR syntax error\r\n"],
  [["HSCAN","r","0","COUNT","x"], "-ERR value is not an integer or out of range\r\n"],
  [["HSCAN","r","0","MATCH"], "-ERR syntax error\r\n"],
  [["HSCAN","r","0","NOVALUES"], "-ERR syntax error\r\n"],
  [["HSCAN","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSCAN","str","0","COUNT","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSCAN","str","x"], "-ERR invalid cursor\r\n"],
  [["HSCAN","r"], "-ERR wrong number of arguments for 'hscan' command\r\n"],
  [["MULTI"], "+OK\r\n"],
  [["HRANDFIELD","r","5","WITHVALUES"], "+QUEUED\r\n"],
  [["HSCAN","r","0","MATCH","c"], "+QUEUED\r\n"],
  [["HRANDFIELD","one","-2"], "+QUEUED\r\n"],
  [["EXEC"], "*3\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nf\r\n$1\r\nf\r\n"],
  [["HELLO","3"], null],
  [["HGETALL","h2"], "%1\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["HGETALL","nokey"], "%0\r\n"],
  [["HMGET","h2","x","y"], "*2\r\n$1\r\n1\r\n_\r\n"],
  [["HINCRBYFLOAT","h2","x","1.5"], "$3\r\n2.5\r\n"],
  [["HKEYS","h2"], "*1\r\n$1\r\nx\r\n"],
  [["HRANDFIELD","r","3","WITHVALUES"], "*3\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HRANDFIELD","one","-2","WITHVALUES"], "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"],
  [["HRANDFIELD","one","1","WITHVALUES"], "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"],
  [["HRANDFIELD","one","2"], "*1\r\n$1\r\nf\r\n"],
  [["HRANDFIELD","one"], "$1\r\nf\r\n"],
  [["HRANDFIELD","nokey"], "_\r\n"],
  [["HRANDFIELD","nokey","1","WITHVALUES"], "*0\r\n"],
  [["HRANDFIELD","r","0"], "*0\r\n"],
  [["HSCAN","r","0"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["HSCAN","nokey","0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
];

test('hash commands answer as redis-server 7.0 does, byte for byte', () => replayTranscript(srv.port, HASHES));

/** Fields as a sorted list, for comparisons where the order does not matter. */
const sorted = (items: readonly string[]): string[] => [...items].sort();

/** Flat field/value pairs (RESP2 WITHVALUES) as [field, value] tuples. */
function pairsOf(flat: readonly string[]): Array<[string, string]> {
  assert.is(flat.length % 2, 0, 'fields and values come in pairs');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** RESP3 HRANDFIELD ... WITHVALUES: an array of [field, value] arrays. */
function nestedPairs(node: RespNode): Array<[string, string]> {
  assert.is(node.type, '*');
  return node.items.map((pair) => {
    assert.is(pair.type, '*', 'each pair is an array in RESP3');
    assert.is(pair.items.length, 2);
    return [String(pair.items[0].data), String(pair.items[1].data)];
  });
}

test('HRANDFIELD on a small hash: counts by the rules, fields of the hash with their own values, RESP2 and RESP3', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  const fields = Array.from({ length: 20 }, (_, i) => `f${i}`);
  const valueOf = (f: string): string => `v${f.slice(1)}`;
  await r.del('rh');
  await r.hset('rh', Object.fromEntries(fields.map((f) => [f, valueOf(f)])));
  const inHash = (f: string): boolean => fields.includes(f);
  const paired = ([f, v]: [string, string]): void => {
    assert.ok(inHash(f), f);
    assert.is(v, valueOf(f), `the value of ${f}`);
  };
  assert.ok(inHash((await r.hrandfield('rh')) as string));
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const five = (await r.hrandfield('rh', 5)) as string[];
    assert.is(five.length, 5);
    assert.is(new Set(five).size, 5, 'a positive count gives distinct fields');
    for (const f of five) {
      assert.ok(inHash(f), f);
      seen.add(f);
    }
  }
  assert.ok(seen.size >= 18, `30 draws of 5 out of 20 reach nearly every field (${seen.size})`);
  const withValues = pairsOf((await r.hrandfield('rh', 7, 'WITHVALUES')) as string[]);
  assert.is(withValues.length, 7);
  assert.is(new Set(withValues.map(([f]) => f)).size, 7);
  withValues.forEach(paired);
  const repeats = (await r.hrandfield('rh', -50)) as string[];
  assert.is(repeats.length, 50, 'a negative count gives exactly that many');
  assert.ok(repeats.every(inHash));
  assert.ok(new Set(repeats).size < 50, '50 draws out of 20 repeat');
  const repeatedPairs = pairsOf((await r.hrandfield('rh', -30, 'WITHVALUES')) as string[]);
  assert.is(repeatedPairs.length, 30);
  repeatedPairs.forEach(paired);
  assert.equal(sorted((await r.hrandfield('rh', 20)) as string[]), sorted(fields), 'a count reaching the size: the whole hash');
  const whole = pairsOf((await r.hrandfield('rh', 1000, 'WITHVALUES')) as string[]);
  assert.equal(sorted(whole.map(([f]) => f)), sorted(fields));
  whole.forEach(paired);
  // RESP3: [field, value] arrays.
  const raw = await RawClient.connect(srv.port);
  try {
    await raw.command('HELLO', '3');
    const five = nestedPairs(parseReply(await raw.command('HRANDFIELD', 'rh', '5', 'WITHVALUES')));
    assert.is(five.length, 5);
    assert.is(new Set(five.map(([f]) => f)).size, 5);
    five.forEach(paired);
    const negative = nestedPairs(parseReply(await raw.command('HRANDFIELD', 'rh', '-40', 'WITHVALUES')));
    assert.is(negative.length, 40);
    negative.forEach(paired);
    const all = nestedPairs(parseReply(await raw.command('HRANDFIELD', 'rh', '20', 'WITHVALUES')));
    assert.equal(sorted(all.map(([f]) => f)), sorted(fields));
    all.forEach(paired);
    const bare = parseReply(await raw.command('HRANDFIELD', 'rh', '-3'));
    assert.is(bare.items.length, 3);
    assert.ok(bare.items.every((item) => item.type === '$' && inHash(String(item.data))), 'without values: bulk strings');
  } finally {
    raw.close();
  }
});

test('HRANDFIELD on a big hash: fields from all of it, with their values, following later HSET and HDEL', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  const size = 20_000;
  const pipeline = r.pipeline();
  pipeline.del('rbig');
  for (let i = 0; i < size; i += 1000) pipeline.hset('rbig', Object.fromEntries(Array.from({ length: 1000 }, (_, j) => [`f:${i + j}`, `v:${i + j}`])));
  await pipeline.exec();
  assert.is(await r.object('ENCODING', 'rbig'), 'hashtable');
  const index = (f: string): number => {
    assert.match(f, /^f:\d+$/);
    const n = Number(f.slice(2));
    assert.ok(n >= 0 && n < size, f);
    return n;
  };
  index((await r.hrandfield('rbig')) as string);
  const ten = pairsOf((await r.hrandfield('rbig', 10, 'WITHVALUES')) as string[]);
  assert.is(new Set(ten.map(([f]) => f)).size, 10);
  for (const [f, v] of ten) assert.is(v, `v:${index(f)}`);
  // f:10000-f:19999 share one branch of the keys (f:1...) with f:1-f:1999: picks must still find
  // them about half the time.
  const picks: number[] = [];
  for (let i = 0; i < 40; i++) {
    for (const [f, v] of pairsOf((await r.hrandfield('rbig', -10, 'WITHVALUES')) as string[])) {
      const n = index(f);
      assert.is(v, `v:${n}`);
      picks.push(n);
    }
  }
  assert.is(picks.length, 400);
  const upper = picks.filter((n) => n >= 10_000).length / picks.length;
  assert.ok(upper > 0.35 && upper < 0.65, `upper half share ${upper}`);
  assert.ok(new Set(picks).size > 380, 'few repeats among 400 draws out of 20 000');
  // What picks learnt of the hash follows HSET and HDEL: fields added in a new branch come as often
  // as their number says, with their values; deleted fields never come back.
  await r.hset('rbig', Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`z:${i}`, `zv:${i}`])));
  await r.hset('rbig', 'f:1', 'changed');
  const sample = async (check: (f: string) => void): Promise<number> => {
    let added = 0;
    for (let i = 0; i < 40; i++) {
      for (const [f, v] of pairsOf((await r.hrandfield('rbig', -10, 'WITHVALUES')) as string[])) {
        check(f);
        if (f.startsWith('z:')) {
          assert.is(v, `zv:${f.slice(2)}`);
          added++;
        } else {
          assert.is(v, f === 'f:1' ? 'changed' : `v:${index(f)}`);
        }
      }
    }
    return added / 400;
  };
  const share = await sample(() => undefined);
  assert.ok(share > 0.1 && share < 0.3, `5 000 of ${size + 5000} fields, picked ${share} of the time`);
  const gone = new Set(await r.hrandfield('rbig', 300) as string[]);
  assert.is(await r.hdel('rbig', ...gone), 300);
  const after = await sample((f) => assert.not.ok(gone.has(f), `${f} was deleted`));
  assert.ok(after > 0.1 && after < 0.3, `picked ${after} of the time after HDEL`);
  assert.is(await r.hlen('rbig'), size + 5000 - 300);
});

test('HRANDFIELD with a count no reply could hold drops the client, as Redis does once over its output limit; the server goes on', async () => {
  for (const args of [['-9223372036854775807'], ['-4611686018427387903', 'WITHVALUES']]) {
    const raw = await RawClient.connect(srv.port);
    await raw.command('HSET', 'hhuge', 'a', '1');
    raw.write(Buffer.concat([Buffer.from(`*${2 + args.length}\r\n$10\r\nHRANDFIELD\r\n$5\r\nhhuge\r\n`), ...args.map((a) => Buffer.from(`$${a.length}\r\n${a}\r\n`))]));
    assert.is((await raw.readUntilClose()).length, 0);
    assert.ok(raw.isClosed);
  }
  const again = await RawClient.connect(srv.port);
  assert.is((await again.command('HLEN', 'hhuge')).toString(), ':1\r\n');
  again.close();
});

test('HSCAN over a big hash: every field present throughout comes once with its value, while fields come and go', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  const fields = Array.from({ length: 3000 }, (_, i) => `s${i}`);
  await r.del('hscanned');
  for (let i = 0; i < fields.length; i += 500) await r.hset('hscanned', Object.fromEntries(fields.slice(i, i + 500).map((f) => [f, `v-${f}`])));
  assert.is(await r.object('ENCODING', 'hscanned'), 'hashtable');
  const removed = new Set(fields.filter((_, i) => i % 97 === 0));
  const seen: string[] = [];
  let cursor = '0';
  let pages = 0;
  do {
    const [nextCursor, page] = await r.hscan('hscanned', cursor, 'COUNT', 150);
    assert.match(nextCursor, /^\d+$/, 'a cursor is a decimal number');
    for (const [f, v] of pairsOf(page)) {
      assert.is(v, f.startsWith('late') || f.startsWith('zzz') ? 'late' : `v-${f}`, f);
      seen.push(f);
    }
    cursor = nextCursor;
    if (++pages === 5) {
      await r.hdel('hscanned', ...removed);
      await r.hset('hscanned', 'late1', 'late', 'zzz-late2', 'late');
    }
  } while (cursor !== '0');
  assert.ok(pages >= 20, `COUNT 150 over 3000 fields: ${pages} pages`);
  assert.is(new Set(seen).size, seen.length, 'no field twice');
  for (const f of fields) if (!removed.has(f)) assert.ok(seen.includes(f), f);
  // MATCH looks at fields only and narrows; a pattern with a literal start reads only that range.
  const matched: string[] = [];
  cursor = '0';
  do {
    const [nextCursor, page] = await r.hscan('hscanned', cursor, 'MATCH', 's12*', 'COUNT', 5);
    matched.push(...pairsOf(page).map(([f]) => f));
    cursor = nextCursor;
  } while (cursor !== '0');
  assert.equal(sorted(matched), sorted(fields.filter((f) => f.startsWith('s12') && !removed.has(f))));
  const [, none] = await r.hscan('hscanned', '0', 'MATCH', 'v-*', 'COUNT', 10000);
  assert.equal(none, [], 'values are not matched');
  // ioredis' stream of HSCAN pages sees the same hash.
  const streamed: string[] = [];
  for await (const page of r.hscanStream('hscanned', { count: 400 })) streamed.push(...(page as string[]));
  assert.equal(Object.fromEntries(pairsOf(streamed)), await r.hgetall('hscanned'));
});

test('ioredis: objects in and out, binary fields and values', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  await r.del('user:1');
  await r.hset('user:1', { name: 'Ada', lang: 'en', visits: '0' });
  await r.hincrby('user:1', 'visits', 3);
  assert.equal(await r.hgetall('user:1'), { lang: 'en', name: 'Ada', visits: '3' });
  const field = Buffer.from([0, 13, 10, 0xff]);
  const value = Buffer.from([0xfe, 0, 0x0a]);
  await r.hset('bin', field, value);
  assert.equal([...((await r.hgetBuffer('bin', field)) as Buffer)], [...value]);
  assert.is(await r.type('bin'), 'hash');
});

test('a big hash: DEL answers at once, and the name is free for a new hash with none of the old fields', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  const pipeline = r.pipeline();
  for (let i = 0; i < 20_000; i += 500) {
    const fields: Record<string, string> = {};
    for (let j = i; j < i + 500; j++) fields[`f${j}`] = `v${j}`;
    pipeline.hset('big', fields);
  }
  await pipeline.exec();
  assert.is(await r.hlen('big'), 20_000);
  assert.is(await r.object('ENCODING', 'big'), 'hashtable');
  assert.is(await r.del('big'), 1);
  assert.is(await r.exists('big'), 0);
  await r.hset('big', 'f1', 'new');
  assert.is(await r.hlen('big'), 1);
  assert.equal(await r.hgetall('big'), { f1: 'new' });
  assert.is(await r.hget('big', 'f2'), null, 'fields of the deleted hash stay invisible');
});

test('after SIGKILL with appendfsync always, every acknowledged field is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-hash-kill-'));
  let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const r = clients.connect({ port: server.port });
    const acked = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      await r.hset('durable', `f${i}`, `v${i}`);
      acked.set(`f${i}`, `v${i}`);
      if (i % 3 === 0) {
        await r.hdel('durable', `f${i}`);
        acked.delete(`f${i}`);
      }
    }
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    assert.equal(new Map(Object.entries(await again.hgetall('durable'))), acked);
    assert.is(await again.hlen('durable'), acked.size);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
