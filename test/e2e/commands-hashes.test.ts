/**
 * Hashes end to end against a real server process: replies compared byte for byte with a
 * transcript recorded from redis-server 7.0.15 (errors, WRONGTYPE from every string command,
 * OBJECT ENCODING conversions, RENAME/COPY/MOVE, RESP3 shapes), a real client's round trip, a big
 * hash deleted and created again under the same name, and every acknowledged field surviving a
 * SIGKILL under appendfsync always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer, TestClients, type TestServer } from './helpers.js';
import { replayTranscript, type Transcript } from './transcript.js';


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
  [["HELLO","3"], null],
  [["HGETALL","h2"], "%1\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["HGETALL","nokey"], "%0\r\n"],
  [["HMGET","h2","x","y"], "*2\r\n$1\r\n1\r\n_\r\n"],
  [["HINCRBYFLOAT","h2","x","1.5"], "$3\r\n2.5\r\n"],
  [["HKEYS","h2"], "*1\r\n$1\r\nx\r\n"],
];

test('hash commands answer as redis-server 7.0 does, byte for byte', () => replayTranscript(srv.port, HASHES));

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
