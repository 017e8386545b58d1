/**
 * Lists end to end against a real server process: replies compared byte for byte with a
 * transcript recorded from redis-server 7.0.15 (every command's errors and nil forms in RESP2 and
 * RESP3, WRONGTYPE both ways, OBJECT ENCODING, RENAME/COPY/MOVE, SCAN TYPE, expiry), WATCH
 * touched by every change, every acknowledged push and pop surviving a SIGKILL under appendfsync
 * always, and a list of 200 000 elements on which LINDEX/LSET in the middle, LRANGE windows, pops
 * at both ends (of more than one batch's deletions too), LINSERT/LREM near either end and LTRIM
 * trimming an end or keeping a few stay exact against a model
 * (their times are printed, not asserted: benchmarks live in bench/).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, TestClients, type TestServer } from './helpers.js';
import { UNORDERED, replayTranscript, type Transcript } from './transcript.js';
import { mulberry32 } from '../support/prng.js';
import { waitFor } from '../support/wait.js';

let srv: TestServer;
const clients = new TestClients();

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

// Recorded from redis-server 7.0.15 with scripts/record-transcript.mjs. Not compared (null):
// FLUSHALL, HELLO (client ids).
const LISTS: Transcript = [
  [["FLUSHALL"], null],
  [["RPUSH","l","a","b","c"], ":3\r\n"],
  [["LPUSH","l","z","y"], ":5\r\n"],
  [["RPUSH","l"], "-ERR wrong number of arguments for 'rpush' command\r\n"],
  [["LRANGE","l","0","-1"], "*5\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["LLEN","l"], ":5\r\n"],
  [["LLEN","nokey"], ":0\r\n"],
  [["TYPE","l"], "+list\r\n"],
  [["OBJECT","ENCODING","l"], "$9\r\nquicklist\r\n"],
  [["LPUSHX","nokey","a"], ":0\r\n"],
  [["RPUSHX","nokey","a"], ":0\r\n"],
  [["EXISTS","nokey"], ":0\r\n"],
  [["LPUSHX","l","x1","x2"], ":7\r\n"],
  [["RPUSHX","l","x3"], ":8\r\n"],
  [["LRANGE","l","0","-1"], "*8\r\n$2\r\nx2\r\n$2\r\nx1\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$2\r\nx3\r\n"],
  // Indexes: negative, past either end, beyond 64 bits, not integers.
  [["LINDEX","l","0"], "$2\r\nx2\r\n"],
  [["LINDEX","l","-1"], "$2\r\nx3\r\n"],
  [["LINDEX","l","-8"], "$2\r\nx2\r\n"],
  [["LINDEX","l","8"], "$-1\r\n"],
  [["LINDEX","l","-9"], "$-1\r\n"],
  [["LINDEX","l","abc"], "-ERR value is not an integer or out of range\r\n"],
  [["LINDEX","nokey","abc"], "$-1\r\n"],
  [["LINDEX","l","9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
  [["LSET","l","1","B"], "+OK\r\n"],
  [["LSET","l","-1","Z"], "+OK\r\n"],
  [["LSET","l","8","q"], "-ERR index out of range\r\n"],
  [["LSET","l","x","q"], "-ERR value is not an integer or out of range\r\n"],
  [["LSET","nokey","0","q"], "-ERR no such key\r\n"],
  [["LRANGE","l","0","-1"], "*8\r\n$2\r\nx2\r\n$1\r\nB\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nZ\r\n"],
  [["LRANGE","l","-100","100"], "*8\r\n$2\r\nx2\r\n$1\r\nB\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nZ\r\n"],
  [["LRANGE","l","2","1"], "*0\r\n"],
  [["LRANGE","l","7","7"], "*1\r\n$1\r\nZ\r\n"],
  [["LRANGE","l","8","10"], "*0\r\n"],
  [["LRANGE","l","-3","-2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["LRANGE","l","-9223372036854775808","9223372036854775807"], "*8\r\n$2\r\nx2\r\n$1\r\nB\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nZ\r\n"],
  [["LRANGE","l","a","1"], "-ERR value is not an integer or out of range\r\n"],
  [["LRANGE","nokey","0","-1"], "*0\r\n"],
  // Pops: with and without a count, the count's errors, nil forms.
  [["LPOP","l"], "$2\r\nx2\r\n"],
  [["RPOP","l"], "$1\r\nZ\r\n"],
  [["LPOP","l","2"], "*2\r\n$1\r\nB\r\n$1\r\ny\r\n"],
  [["RPOP","l","2"], "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"],
  [["LPOP","l","0"], "*0\r\n"],
  [["LPOP","l","-1"], "-ERR value is out of range, must be positive\r\n"],
  [["LPOP","l","abc"], "-ERR value is out of range, must be positive\r\n"],
  [["LPOP","l","1","2"], "-ERR wrong number of arguments for 'lpop' command\r\n"],
  [["LPOP","nokey"], "$-1\r\n"],
  [["LPOP","nokey","2"], "*-1\r\n"],
  [["LPOP","nokey","0"], "*-1\r\n"],
  [["LRANGE","l","0","-1"], "*2\r\n$1\r\nz\r\n$1\r\na\r\n"],
  [["RPOP","l","100"], "*2\r\n$1\r\na\r\n$1\r\nz\r\n"],
  [["EXISTS","l"], ":0\r\n"],
  // LINSERT, LREM, LPOS.
  [["RPUSH","m","a","b","a","c","a","b"], ":6\r\n"],
  [["LINSERT","m","BEFORE","c","X"], ":7\r\n"],
  [["LINSERT","m","after","b","Y"], ":8\r\n"],
  [["LINSERT","m","AFTER","nope","Y"], ":-1\r\n"],
  [["LINSERT","m","MIDDLE","a","Y"], "-ERR syntax error\r\n"],
  [["LINSERT","nokey","BEFORE","a","Y"], ":0\r\n"],
  [["LRANGE","m","0","-1"], "*8\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nY\r\n$1\r\na\r\n$1\r\nX\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["LPOS","m","a"], ":0\r\n"],
  [["LPOS","m","a","RANK","2"], ":3\r\n"],
  [["LPOS","m","a","RANK","-1"], ":6\r\n"],
  [["LPOS","m","a","COUNT","0"], "*3\r\n:0\r\n:3\r\n:6\r\n"],
  [["LPOS","m","a","COUNT","2","RANK","-1"], "*2\r\n:6\r\n:3\r\n"],
  [["LPOS","m","a","MAXLEN","1","COUNT","0"], "*1\r\n:0\r\n"],
  [["LPOS","m","zz"], "$-1\r\n"],
  [["LPOS","m","zz","COUNT","1"], "*0\r\n"],
  [["LPOS","nokey","a"], "$-1\r\n"],
  [["LPOS","nokey","a","COUNT","1"], "*0\r\n"],
  [["LPOS","m","a","RANK","0"], "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"],
  [["LPOS","m","a","RANK","-9223372036854775808","COUNT","1"], "*3\r\n:6\r\n:3\r\n:0\r\n"],
  [["LPOS","m","a","COUNT","-1"], "-ERR COUNT can't be negative\r\n"],
  [["LPOS","m","a","COUNT","x"], "-ERR COUNT can't be negative\r\n"],
  [["LPOS","m","a","MAXLEN","-1"], "-ERR MAXLEN can't be negative\r\n"],
  [["LPOS","m","a","FOO","1"], "-ERR syntax error\r\n"],
  [["LPOS","m","a","COUNT"], "-ERR syntax error\r\n"],
  [["LREM","m","1","a"], ":1\r\n"],
  [["LREM","m","-1","a"], ":1\r\n"],
  [["LRANGE","m","0","-1"], "*6\r\n$1\r\nb\r\n$1\r\nY\r\n$1\r\na\r\n$1\r\nX\r\n$1\r\nc\r\n$1\r\nb\r\n"],
  [["LREM","m","0","b"], ":2\r\n"],
  [["LREM","m","0","nope"], ":0\r\n"],
  [["LREM","m","x","a"], "-ERR value is not an integer or out of range\r\n"],
  [["LREM","nokey","0","a"], ":0\r\n"],
  [["LRANGE","m","0","-1"], "*4\r\n$1\r\nY\r\n$1\r\na\r\n$1\r\nX\r\n$1\r\nc\r\n"],
  // LTRIM.
  [["RPUSH","t","0","1","2","3","4","5","6","7","8","9"], ":10\r\n"],
  [["LTRIM","t","1","-2"], "+OK\r\n"],
  [["LRANGE","t","0","-1"], "*8\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"],
  [["LTRIM","t","-3","100"], "+OK\r\n"],
  [["LRANGE","t","0","-1"], "*3\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"],
  [["LTRIM","t","a","1"], "-ERR value is not an integer or out of range\r\n"],
  [["LTRIM","nokey","0","1"], "+OK\r\n"],
  [["LTRIM","t","2","1"], "+OK\r\n"],
  [["EXISTS","t"], ":0\r\n"],
  // LMOVE, RPOPLPUSH, LMPOP.
  [["RPUSH","src","1","2","3"], ":3\r\n"],
  [["LMOVE","src","dst","LEFT","RIGHT"], "$1\r\n1\r\n"],
  [["LMOVE","src","dst","right","left"], "$1\r\n3\r\n"],
  [["RPOPLPUSH","src","dst"], "$1\r\n2\r\n"],
  [["EXISTS","src"], ":0\r\n"],
  [["LRANGE","dst","0","-1"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"],
  [["LMOVE","dst","dst","LEFT","RIGHT"], "$1\r\n2\r\n"],
  [["LRANGE","dst","0","-1"], "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n"],
  [["LMOVE","dst","dst","UP","RIGHT"], "-ERR syntax error\r\n"],
  [["LMOVE","nokey","dst","LEFT","RIGHT"], "$-1\r\n"],
  [["RPOPLPUSH","nokey","dst"], "$-1\r\n"],
  [["LMPOP","2","nokey","dst","LEFT"], "*2\r\n$3\r\ndst\r\n*1\r\n$1\r\n3\r\n"],
  [["LMPOP","2","nokey","dst","RIGHT","COUNT","10"], "*2\r\n$3\r\ndst\r\n*2\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["LMPOP","1","dst","LEFT"], "*-1\r\n"],
  [["LMPOP","0","dst","LEFT"], "-ERR numkeys should be greater than 0\r\n"],
  [["LMPOP","x","dst","LEFT"], "-ERR numkeys should be greater than 0\r\n"],
  [["LMPOP","3","dst","LEFT"], "-ERR syntax error\r\n"],
  [["LMPOP","1","dst","UP"], "-ERR syntax error\r\n"],
  [["LMPOP","1","dst","LEFT","COUNT","0"], "-ERR count should be greater than 0\r\n"],
  [["LMPOP","1","dst","LEFT","COUNT","1","COUNT","1"], "-ERR syntax error\r\n"],
  // WRONGTYPE both ways.
  [["SET","s","v"], "+OK\r\n"],
  [["LPUSH","s","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LPUSHX","s","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LLEN","s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LRANGE","s","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LINDEX","s","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LPOP","s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LMPOP","2","nokey","s","LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["RPUSH","l2","a"], ":1\r\n"],
  [["LMOVE","l2","s","LEFT","LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LMOVE","s","l2","LEFT","LEFT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LMOVE","nokey","s","LEFT","LEFT"], "$-1\r\n"],
  [["GET","l2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SADD","l2","x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSET","l2","f","v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LRANGE","l2","0","-1"], "*1\r\n$1\r\na\r\n"],
  // Keyspace: RENAME, COPY, MOVE, SCAN TYPE, EXPIRE, DEL.
  [["RPUSH","r","a","b","c"], ":3\r\n"],
  [["RENAME","r","r2"], "+OK\r\n"],
  [["LRANGE","r2","0","-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["COPY","r2","r3"], ":1\r\n"],
  [["LPUSH","r3","new"], ":4\r\n"],
  [["LRANGE","r2","0","-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["LRANGE","r3","0","-1"], "*4\r\n$3\r\nnew\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["COPY","r2","r3"], ":0\r\n"],
  [["COPY","r2","r3","REPLACE"], ":1\r\n"],
  [["LRANGE","r3","0","-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["MOVE","r3","1"], ":1\r\n"],
  [["EXISTS","r3"], ":0\r\n"],
  [["SELECT","1"], "+OK\r\n"],
  [["LRANGE","r3","0","-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["TYPE","r3"], "+list\r\n"],
  [["FLUSHDB"], "+OK\r\n"],
  [["SELECT","0"], "+OK\r\n"],
  [["SCAN","0","TYPE","list","COUNT","1000"], "*2\r\n$1\r\n0\r\n*3\r\n$2\r\nl2\r\n$1\r\nm\r\n$2\r\nr2\r\n", UNORDERED],
  [["EXPIRE","r2","100"], ":1\r\n"],
  [["RPUSH","r2","d"], ":4\r\n"],
  [["TTL","r2"], ":100\r\n"],
  [["PEXPIREAT","r2","1"], ":1\r\n"],
  [["LLEN","r2"], ":0\r\n"],
  [["EXISTS","r2"], ":0\r\n"],
  [["DEL","l2","m"], ":2\r\n"],
  [["LRANGE","m","0","-1"], "*0\r\n"],
  // RESP3: nil forms and arrays.
  [["HELLO","3"], null],
  [["LPOP","nokey"], "_\r\n"],
  [["LPOP","nokey","1"], "_\r\n"],
  [["LINDEX","nokey","0"], "_\r\n"],
  [["LPOS","nokey","a"], "_\r\n"],
  [["LMPOP","1","nokey","LEFT"], "_\r\n"],
  [["LMOVE","nokey","x","LEFT","LEFT"], "_\r\n"],
  [["RPUSH","p","a","b"], ":2\r\n"],
  [["LPOP","p","5"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["HELLO","2"], null],
];

test('list commands answer as redis-server 7.0.15 does, byte for byte', async () => {
  await replayTranscript(srv.port, LISTS);
});

test('WATCH: every change to a list fails EXEC, reads do not', async () => {
  const r = clients.connect({ port: srv.port });
  const other = clients.connect({ port: srv.port });
  await r.del('w', 'w2');
  await r.rpush('w', 'a', 'b', 'c');
  const changes: Array<() => Promise<unknown>> = [
    () => other.rpush('w', 'd'),
    () => other.lpop('w'),
    () => other.lset('w', 0, 'A'),
    () => other.ltrim('w', 0, -1), // trims nothing: Redis still counts the key as modified
    () => other.linsert('w', 'BEFORE', 'c', 'x'),
    () => other.lrem('w', 1, 'x'),
    () => other.lmove('w', 'w2', 'LEFT', 'RIGHT'),
    () => other.lmove('w2', 'w', 'LEFT', 'RIGHT'),
  ];
  for (const change of changes) {
    await r.watch('w');
    await change();
    assert.is(await r.multi().llen('w').exec(), null, String(change));
  }
  const reads: Array<() => Promise<unknown>> = [
    () => other.lrange('w', 0, -1),
    () => other.lindex('w', 1),
    () => other.lpos('w', 'c'),
    () => other.llen('w'),
    () => other.lrem('w', 0, 'nothing-like-this'),
    () => other.linsert('w', 'AFTER', 'no-pivot', 'x'),
  ];
  for (const read of reads) {
    await r.watch('w');
    await read();
    const result = await r.multi().llen('w').exec();
    assert.ok(result !== null, String(read));
  }
});

test('after SIGKILL with appendfsync always, every acknowledged push, pop and edit is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-list-kill-'));
  let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const r = clients.connect({ port: server.port });
    const next = mulberry32(12);
    const model = new Map<string, string[]>([['q1', []], ['q2', []]]);
    const list = (key: string): string[] => model.get(key) as string[];
    for (let i = 0; i < 500; i++) {
      const key = next() < 0.5 ? 'q1' : 'q2';
      const other = key === 'q1' ? 'q2' : 'q1';
      const items = list(key);
      const value = `v${Math.floor(next() * 40)}`;
      const roll = next();
      if (roll < 0.3) {
        await r.rpush(key, value, `${value}'`);
        items.push(value, `${value}'`);
      } else if (roll < 0.45) {
        await r.lpush(key, value);
        items.unshift(value);
      } else if (roll < 0.55) {
        assert.is(await r.lpop(key), items.shift() ?? null);
      } else if (roll < 0.65) {
        assert.equal(await r.rpop(key, 2), items.length === 0 ? null : items.splice(-2).reverse());
      } else if (roll < 0.72) {
        const moved = await r.lmove(key, other, 'RIGHT', 'LEFT');
        assert.is(moved, items.pop() ?? null);
        if (moved !== null) list(other).unshift(moved);
      } else if (roll < 0.8 && items.length > 0) {
        const at = Math.floor(next() * items.length);
        await r.lset(key, at, value);
        items[at] = value;
      } else if (roll < 0.88) {
        const pivot = items.indexOf(value);
        assert.is(await r.linsert(key, 'AFTER', value, 'ins'), pivot < 0 ? (items.length === 0 ? 0 : -1) : items.length + 1);
        if (pivot >= 0) items.splice(pivot + 1, 0, 'ins');
      } else if (roll < 0.96) {
        let removed = 0;
        for (let j = items.length - 1; j >= 0 && removed < 2; j--) {
          if (items[j] === value) {
            items.splice(j, 1);
            removed++;
          }
        }
        assert.is(await r.lrem(key, -2, value), removed);
      } else {
        await r.ltrim(key, 1, -2);
        items.splice(0, 1);
        items.splice(-1, 1);
      }
    }
    // A trim that keeps few of many copies them under a new version in several batches.
    const wide = Array.from({ length: 3500 }, (_, i) => `w${i}`);
    for (let i = 0; i < wide.length; i += 500) await r.rpush('wide', ...wide.slice(i, i + 500));
    await r.ltrim('wide', 1000, 1999);
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    for (const [key, items] of model) {
      assert.equal(await again.lrange(key, 0, -1), items, key);
      assert.is(await again.llen(key), items.length);
    }
    assert.equal(await again.lrange('wide', 0, -1), wide.slice(1000, 2000));
    assert.is(await again.lindex('wide', -1), 'w1999');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `f` and prints how long it took (information only). */
async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await f();
  console.log(`    ${label}: ${(performance.now() - start).toFixed(1)} ms`);
  return result;
}

test('a list of 200 000 elements: middle reads and edits, windows and both ends stay exact', async () => {
  const r = clients.connect({ port: srv.port });
  const n = 200_000;
  const model = Array.from({ length: n }, (_, i) => `e${i}`);
  await r.del('big');
  await timed('RPUSH 200 000 (20 commands)', async () => {
    for (let i = 0; i < n; i += 10_000) await r.rpush('big', ...model.slice(i, i + 10_000));
  });
  assert.is(await r.llen('big'), n);
  await timed('1 000 LINDEX in the middle', async () => {
    for (let i = 0; i < 1000; i++) {
      const at = 99_500 + i;
      assert.is(await r.lindex('big', at), model[at]);
    }
  });
  assert.is(await r.lindex('big', -100_000), model[100_000]);
  await timed('1 000 LSET in the middle', async () => {
    for (let i = 0; i < 1000; i++) {
      const at = 100_000 + i * 7;
      await r.lset('big', at, `set${i}`);
      model[at] = `set${i}`;
    }
  });
  await timed('LRANGE windows of 100 across the list', async () => {
    for (const start of [0, 50_000, 99_990, 100_500, 199_900]) assert.equal(await r.lrange('big', start, start + 99), model.slice(start, start + 100));
    assert.equal(await r.lrange('big', -100, -1), model.slice(-100));
  });
  await timed('LPOP/RPOP of 1, 10 and 1 000 at both ends', async () => {
    assert.is(await r.lpop('big'), model.shift() ?? null);
    assert.is(await r.rpop('big'), model.pop() ?? null);
    assert.equal(await r.lpop('big', 10), model.splice(0, 10));
    assert.equal(await r.rpop('big', 10), model.splice(-10).reverse());
    assert.equal(await r.lpop('big', 1000), model.splice(0, 1000));
    assert.equal(await r.rpop('big', 1000), model.splice(-1000).reverse());
  });
  await timed('LINSERT near the head and near the tail, LREM near the tail', async () => {
    const nearHead = model.indexOf('e2500');
    assert.is(await r.linsert('big', 'AFTER', 'e2500', 'afterHead'), model.length + 1);
    model.splice(nearHead + 1, 0, 'afterHead');
    const nearTail = model.indexOf('e195000');
    assert.is(await r.linsert('big', 'BEFORE', 'e195000', 'beforeTail'), model.length + 1);
    model.splice(nearTail, 0, 'beforeTail');
    assert.is(await r.lrem('big', -1, 'e197000'), 1);
    model.splice(model.indexOf('e197000'), 1);
    assert.is(await r.lpos('big', 'beforeTail'), nearTail);
  });
  assert.is(await r.llen('big'), model.length);
  for (const at of [0, 1, model.indexOf('afterHead'), 100_000, model.length - 2, model.length - 1]) assert.is(await r.lindex('big', at), model[at], `index ${at}`);
  assert.equal(await r.lrange('big', 2495, 2510), model.slice(2495, 2511));
  assert.equal(await r.lrange('big', -5010, -4980), model.slice(-5010, -4979));
  await timed('LPOP of 20 000 and LTRIM of 15 000 at the tail (deletions past one batch), then pushes over the freed positions', async () => {
    assert.equal(await r.lpop('big', 20_000), model.splice(0, 20_000));
    assert.is(await r.ltrim('big', 0, -15_001), 'OK');
    model.splice(-15_000);
    assert.is(await r.lindex('big', model.length), null);
    assert.equal(await r.lrange('big', -3, -1), model.slice(-3));
    assert.is(await r.rpush('big', 'p1', 'p2'), model.push('p1', 'p2'));
    assert.is(await r.lpush('big', 'q1'), model.unshift('q1'));
    assert.equal(await r.lrange('big', -4, -1), model.slice(-4));
    assert.equal(await r.lrange('big', 0, 2), model.slice(0, 3));
  });
  assert.is(await r.llen('big'), model.length);
  const freed = async (): Promise<number> => Number(/lazyfreed_objects:(\d+)/.exec(await r.info('memory'))?.[1]);
  const freedBefore = await freed();
  await timed('LTRIM keeping 100 of ~160 000 (a new version, the old one dropped whole)', async () => {
    await r.ltrim('big', 120_000, 120_099);
  });
  assert.equal(await r.lrange('big', 0, -1), model.slice(120_000, 120_100));
  assert.is(await r.llen('big'), 100);
  await waitFor('the old version of the trimmed list to be dropped (lazyfreed_objects)', async () => (await freed()) > freedBefore, { timeoutMs: 30_000, intervalMs: 50 });
  // Popping a whole list of more than one batch's deletions deletes the key; its elements go to the sweep.
  const many = Array.from({ length: 12_000 }, (_, i) => `m${i}`);
  await r.rpush('big2', ...many);
  const freedBeforePop = await freed();
  assert.equal(await r.rpop('big2', 50_000), many.slice().reverse());
  assert.is(await r.exists('big2'), 0);
  await waitFor('the popped list\'s elements to be swept (lazyfreed_objects)', async () => (await freed()) > freedBeforePop, { timeoutMs: 30_000, intervalMs: 50 });
  await r.rpush('big2', 'again');
  assert.equal(await r.lrange('big2', 0, -1), ['again']);
  await r.del('big2');
  await r.del('big');
  assert.is(await r.exists('big'), 0);
  await r.rpush('big', 'fresh');
  assert.equal(await r.lrange('big', 0, -1), ['fresh'], 'the elements of the old versions stay invisible');
  await r.del('big');
});

test.run();
