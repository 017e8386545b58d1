/**
 * Hash-field expiration (Redis 7.4's HEXPIRE family, Redis 8.0's HGETEX/HSETEX/HGETDEL) against a
 * real server process over ioredis `call`. Redis 7.0 (the differential oracle) has none of these
 * commands, so the expectations are written from redis.io and Redis 8's t_hash.c: per-field
 * reply codes, error texts and their order, conditions against fields with and without TTLs,
 * past times, expired fields invisible to every read (and HLEN exact), the hash gone with its
 * last field, the active cycle, TTLs through RENAME/COPY/MOVE, WATCH, and field TTLs across a
 * SIGKILL under appendfsync always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { sleep, startServer, TestClients, type TestServer } from './helpers.js';
import { crc64 } from '../../src/rdb/crc64.js';

let srv: TestServer;
const clients = new TestClients();
let r: Redis;

test.before(async () => {
  srv = await startServer();
  r = clients.connect({ port: srv.port });
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

test.before.each(async () => {
  await r.flushall();
});

/** The error text a command gets, or fails when it succeeds. */
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error reply');
}

test('command table: arity, flags, key specs, ACL categories and COMMAND DOCS since of the twelve commands', async () => {
  const expected: Array<[string, number, string[], string]> = [
    ['hexpire', -6, ['write', 'denyoom', 'fast'], '7.4.0'],
    ['hpexpire', -6, ['write', 'denyoom', 'fast'], '7.4.0'],
    ['hexpireat', -6, ['write', 'denyoom', 'fast'], '7.4.0'],
    ['hpexpireat', -6, ['write', 'denyoom', 'fast'], '7.4.0'],
    ['httl', -5, ['readonly', 'fast'], '7.4.0'],
    ['hpttl', -5, ['readonly', 'fast'], '7.4.0'],
    ['hexpiretime', -5, ['readonly', 'fast'], '7.4.0'],
    ['hpexpiretime', -5, ['readonly', 'fast'], '7.4.0'],
    ['hpersist', -5, ['write', 'fast'], '7.4.0'],
    ['hgetex', -5, ['write', 'fast'], '8.0.0'],
    ['hsetex', -6, ['write', 'denyoom', 'fast'], '8.0.0'],
    ['hgetdel', -5, ['write', 'fast'], '8.0.0'],
  ];
  const hashCategory = (await r.call('ACL', 'CAT', 'hash')) as string[];
  for (const [name, arity, flags, since] of expected) {
    const [info] = (await r.call('COMMAND', 'INFO', name)) as unknown[][];
    assert.is(info[0], name);
    assert.is(info[1], arity, name);
    assert.equal(info[2], flags, name);
    assert.equal(info.slice(3, 6), [1, 1, 1], name);
    assert.ok(hashCategory.includes(name), `${name} in @hash`);
    const docs = (await r.call('COMMAND', 'DOCS', name)) as unknown[];
    const fields = docs[1] as unknown[];
    assert.is(fields[fields.indexOf('since') + 1], since, name);
    assert.is(fields[fields.indexOf('group') + 1], 'hash', name);
  }
  assert.equal(await r.call('COMMAND', 'GETKEYS', 'HSETEX', 'k', 'FNX', 'FIELDS', '1', 'f', 'v'), ['k']);
});

test('HEXPIRE family: per-field codes -2, 0, 1, 2 and the conditions', async () => {
  await r.hset('h', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await r.call('HEXPIRE', 'h', '100', 'FIELDS', '2', 'a', 'nofield'), [1, -2]);
  assert.equal(await r.call('HEXPIRE', 'nokey', '100', 'FIELDS', '2', 'a', 'b'), [-2, -2]);
  // NX: only fields without a TTL.
  assert.equal(await r.call('HEXPIRE', 'h', '200', 'NX', 'FIELDS', '2', 'a', 'b'), [0, 1]);
  // XX: only fields with a TTL.
  assert.equal(await r.call('HEXPIRE', 'h', '300', 'XX', 'FIELDS', '2', 'a', 'c'), [1, 0]);
  // GT: a field without a TTL counts as infinite (never met); LT: always met for it.
  assert.equal(await r.call('HEXPIRE', 'h', '400', 'GT', 'FIELDS', '2', 'a', 'c'), [1, 0]);
  assert.equal(await r.call('HEXPIRE', 'h', '350', 'GT', 'FIELDS', '1', 'a'), [0]);
  assert.equal(await r.call('HEXPIRE', 'h', '500', 'LT', 'FIELDS', '2', 'a', 'c'), [0, 1]);
  assert.equal(await r.call('HEXPIRE', 'h', '450', 'lt', 'FIELDS', '1', 'c'), [1]);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'nofield'), [400, 200, 450, -2]);
  // A time in the past (or now) deletes the field: 2.
  assert.equal(await r.call('HPEXPIREAT', 'h', '1', 'FIELDS', '1', 'b'), [2]);
  assert.equal(await r.call('HEXPIRE', 'h', '0', 'FIELDS', '1', 'c'), [2]);
  assert.equal(await r.hgetall('h'), { a: '1' });
  assert.is(await r.hlen('h'), 1);
  // The last field deleted by a past time deletes the key.
  assert.equal(await r.call('HEXPIREAT', 'h', '1', 'FIELDS', '1', 'a'), [2]);
  assert.is(await r.exists('h'), 0);
});

test('HEXPIRE argument errors, in Redis 8 order and wording', async () => {
  await r.hset('h', 'a', '1');
  await r.set('s', 'x');
  assert.is(await errorOf(r.call('HEXPIRE', 's', '10', 'FIELDS', '1', 'a')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', 'x', 'FIELDS', '1', 'a')), 'ERR value is not an integer or out of range');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '-1', 'FIELDS', '1', 'a')), 'ERR invalid expire time, must be >= 0');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '70368744177664', 'FIELDS', '1', 'a')), "ERR invalid expire time in 'hexpire' command");
  assert.is(await errorOf(r.call('HPEXPIREAT', 'h', '70368744177664', 'FIELDS', '1', 'a')), "ERR invalid expire time in 'hpexpireat' command");
  assert.equal(await r.call('HPEXPIREAT', 'h', '70368744177663', 'FIELDS', '1', 'a'), [1]);
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELDS', '0', 'a')), 'ERR Parameter `numFields` should be greater than 0');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELDS', 'x', 'a')), 'ERR Parameter `numFields` should be greater than 0');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELDS', '2', 'a')), 'ERR The `numfields` parameter must match the number of arguments');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELDS', '1', 'a', 'b')), 'ERR The `numfields` parameter must match the number of arguments');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'NX', 'XX', 'FIELDS', '1', 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELD', '1', 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
  assert.is(await errorOf(r.call('HEXPIRE', 'h', '10', 'FIELDS', '1')), "ERR wrong number of arguments for 'hexpire' command");
  // HTTL and HPERSIST word their numfields error differently.
  assert.is(await errorOf(r.call('HTTL', 'h', 'FIELDS', '0', 'a')), 'ERR Number of fields must be a positive integer');
  assert.is(await errorOf(r.call('HPERSIST', 'h', 'FIELDS', '-1', 'a')), 'ERR Number of fields must be a positive integer');
  assert.is(await errorOf(r.call('HTTL', 'h', 'FIELDS', '3', 'a')), 'ERR The `numfields` parameter must match the number of arguments');
  assert.is(await errorOf(r.call('HPTTL', 'h', 'NOFIELDS', '1', 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
});

test('HTTL HPTTL HEXPIRETIME HPEXPIRETIME and HPERSIST', async () => {
  await r.hset('h', 'a', '1', 'b', '2');
  const at = Date.now() + 100_000;
  assert.equal(await r.call('HPEXPIREAT', 'h', String(at), 'FIELDS', '1', 'a'), [1]);
  assert.equal(await r.call('HPEXPIRETIME', 'h', 'FIELDS', '3', 'a', 'b', 'c'), [at, -1, -2]);
  assert.equal(await r.call('HEXPIRETIME', 'h', 'FIELDS', '1', 'a'), [Math.floor((at + 999) / 1000)]);
  const [pttl] = (await r.call('HPTTL', 'h', 'FIELDS', '1', 'a')) as number[];
  assert.ok(pttl > 99_000 && pttl <= 100_000, String(pttl));
  const [ttl] = (await r.call('HTTL', 'h', 'FIELDS', '1', 'a')) as number[];
  assert.ok(ttl === 100 || ttl === 99, String(ttl));
  assert.equal(await r.call('HTTL', 'nokey', 'FIELDS', '2', 'a', 'b'), [-2, -2]);
  assert.equal(await r.call('HPERSIST', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'a'), [1, -1, -2, -1]);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'a'), [-1]);
  assert.equal(await r.call('HPERSIST', 'nokey', 'FIELDS', '1', 'a'), [-2]);
  assert.equal(await r.hgetall('h'), { a: '1', b: '2' });
});

test('OBJECT ENCODING: listpackex once a small hash gets a field TTL, hashtable past the thresholds', async () => {
  await r.hset('h', 'a', '1');
  assert.is(await r.object('ENCODING', 'h'), 'listpack');
  assert.equal(await r.call('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a'), [1]);
  assert.is(await r.object('ENCODING', 'h'), 'listpackex');
  assert.equal(await r.call('HPERSIST', 'h', 'FIELDS', '1', 'a'), [1]);
  assert.is(await r.object('ENCODING', 'h'), 'listpackex', 'Redis does not convert back');
  await r.hset('h', 'big', 'x'.repeat(100));
  assert.is(await r.object('ENCODING', 'h'), 'hashtable');
  await r.hset('plain', 'a', '1');
  await r.call('HSETEX', 'plain', 'FIELDS', '1', 'b', '2');
  assert.is(await r.object('ENCODING', 'plain'), 'listpack', 'HSETEX without a TTL keeps a listpack');
});

test('expired fields are invisible to every read at once, and HLEN is exact', async () => {
  const fields: string[] = [];
  for (let i = 0; i < 10; i++) fields.push(`f${i}`, `v${i}`);
  await r.hset('h', ...fields);
  await r.rpush('list', '0', '1');
  await r.hset('w_0', 'f', 'x', 'g', '1');
  await r.hset('w_1', 'f', 'y');
  assert.equal(await r.call('HPEXPIRE', 'w_0', '80', 'FIELDS', '1', 'f'), [1]);
  assert.equal(await r.call('HPEXPIRE', 'h', '80', 'FIELDS', '2', 'f0', 'f1'), [1, 1]);
  const dumpBefore = await r.dumpBuffer('h');
  await sleep(120);
  assert.is(await r.hget('h', 'f0'), null);
  assert.equal(await r.hmget('h', 'f0', 'f2', 'f1'), [null, 'v2', null]);
  assert.is(await r.hlen('h'), 8);
  assert.is(await r.hexists('h', 'f1'), 0);
  assert.is(await r.hstrlen('h', 'f1'), 0);
  assert.not.ok((await r.hkeys('h')).includes('f0'));
  assert.is((await r.hvals('h')).length, 8);
  assert.equal(Object.keys(await r.hgetall('h')).sort(), ['f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9']);
  const [, scanned] = await r.hscan('h', '0', 'COUNT', '100');
  assert.is(scanned.length, 16);
  for (let i = 0; i < 20; i++) {
    const picked = (await r.hrandfield('h', -5)) as string[];
    for (const f of picked) assert.ok(f !== 'f0' && f !== 'f1', f);
  }
  assert.equal(((await r.hrandfield('h', 100)) as string[]).sort(), ['f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9']);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '2', 'f0', 'f2'), [-2, -1]);
  // SORT GET and BY with a hash field: the expired field of w_0 reads as nil (sorted as 0).
  assert.equal(await r.sort('list', 'GET', 'w_*->f'), [null, 'y']);
  assert.equal(await r.sort('list', 'BY', 'w_*->f', 'ALPHA', 'DESC', 'GET', '#'), ['1', '0']);
  assert.equal(await r.eval("return {redis.call('HLEN', KEYS[1]), redis.call('HGET', KEYS[1], 'f0')}", 1, 'h'), [8, null]);
  // DUMP holds no expired field: restored, it is the remaining fields.
  const dump = await r.dumpBuffer('h');
  assert.not.equal(dump, dumpBefore);
  await r.restore('restored', 0, dump);
  assert.equal(await r.hgetall('restored'), await r.hgetall('h'));
  assert.is(await r.hlen('restored'), 8);
  assert.equal(await r.call('HPERSIST', 'h', 'FIELDS', '1', 'f0'), [-2]);
  assert.equal(await r.call('HEXPIRE', 'h', '10', 'FIELDS', '1', 'f0'), [-2]);
});

test('a hash whose last field expires is gone: EXISTS, TYPE, DBSIZE, and the active cycle deletes it unread by commands', async () => {
  await r.hset('h', 'a', '1', 'b', '2');
  await r.hset('other', 'a', '1');
  assert.equal(await r.call('HPEXPIRE', 'h', '60', 'FIELDS', '2', 'a', 'b'), [1, 1]);
  assert.is(await r.dbsize(), 2);
  await sleep(100);
  assert.is(await r.exists('h'), 0);
  assert.is(await r.type('h'), 'none');
  assert.is(await r.dbsize(), 1);
  // Untouched by any command: the active cycle reclaims the fields and the key.
  await r.hset('h2', 'a', '1');
  assert.equal(await r.call('HPEXPIRE', 'h2', '50', 'FIELDS', '1', 'a'), [1]);
  const before = await statsOf(r);
  await sleep(400);
  assert.is(await r.dbsize(), 1, 'the cycle deleted h2 without a command reading it');
  const after = await statsOf(r);
  assert.is(after.expired_subkeys - before.expired_subkeys, 1);
  assert.ok(after.expire_cycle_hashes_read - before.expire_cycle_hashes_read >= 1);
  assert.equal(await r.keys('*'), ['other']);
});

async function statsOf(client: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await client.info('stats')).split('\r\n')) {
    const [k, v] = line.split(':');
    if (v !== undefined) out[k] = Number(v);
  }
  return out;
}

test('with the active cycle off, the first lookup reclaims: inside MULTI, inside Lua, EXISTS, HLEN', async () => {
  assert.is(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
  try {
    for (const key of ['m', 'l', 'e', 'n']) {
      await r.hset(key, 'a', '1', 'b', '2');
      assert.equal(await r.call('HPEXPIRE', key, '30', 'FIELDS', '1', 'a'), [1]);
    }
    await r.hset('all', 'a', '1');
    assert.equal(await r.call('HPEXPIRE', 'all', '30', 'FIELDS', '1', 'a'), [1]);
    const before = await statsOf(r);
    await sleep(200);
    assert.is(await r.dbsize(), 5, 'nothing reclaimed while no command looks');
    assert.equal(await r.multi().hlen('m').hget('m', 'a').hgetall('m').exec(), [[null, 1], [null, null], [null, { b: '2' }]]);
    assert.equal(await r.eval("return {redis.call('HLEN', KEYS[1]), redis.call('HGETALL', KEYS[1])}", 1, 'l'), [1, ['b', '2']]);
    assert.is(await r.exists('e'), 1);
    assert.equal(await r.hgetall('e'), { b: '2' });
    assert.is(await r.hlen('n'), 1);
    assert.is(await r.exists('all'), 0, 'its only field expired: the lookup deleted the hash');
    assert.is(await r.dbsize(), 4);
    const after = await statsOf(r);
    assert.is(after.expired_subkeys - before.expired_subkeys, 5);
    assert.is(after.expire_cycle_hashes_read, before.expire_cycle_hashes_read, 'the cycle did not run');
  } finally {
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  }
});

test('HSET clears a field TTL, HINCRBY and HINCRBYFLOAT keep it, HDEL takes it with the field', async () => {
  await r.hset('h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  assert.equal(await r.call('HEXPIRE', 'h', '100', 'FIELDS', '4', 'a', 'b', 'c', 'd'), [1, 1, 1, 1]);
  await r.hset('h', 'a', '9');
  await r.hincrby('h', 'b', 5);
  await r.hincrbyfloat('h', 'c', '1.5');
  await r.hsetnx('h', 'd', 'no');
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'd'), [-1, 100, 100, 100]);
  assert.equal(await r.hgetall('h'), { a: '9', b: '7', c: '4.5', d: '4' });
  await r.hdel('h', 'b');
  await r.hset('h', 'b', 'again');
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'b'), [-1], 'a field deleted and set again has no TTL');
});

test('HGETDEL: values, deletes found fields, the key goes with its last field; its errors', async () => {
  await r.hset('h', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await r.call('HGETDEL', 'h', 'FIELDS', '3', 'a', 'zz', 'a'), ['1', null, null]);
  assert.is(await r.hlen('h'), 2);
  assert.equal(await r.call('HGETDEL', 'nokey', 'FIELDS', '1', 'a'), [null]);
  assert.equal(await r.call('HGETDEL', 'h', 'FIELDS', '2', 'b', 'c'), ['2', '3']);
  assert.is(await r.exists('h'), 0);
  assert.is(await errorOf(r.call('HGETDEL', 'h', 'FIELDS', '0', 'a')), 'ERR Number of fields must be a positive integer');
  assert.is(await errorOf(r.call('HGETDEL', 'h', 'FIELDS', '2', 'a')), 'ERR The `numfields` parameter must match the number of arguments');
  assert.is(await errorOf(r.call('HGETDEL', 'h', 'FELDS', '1', 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
  await r.set('s', '1');
  assert.is(await errorOf(r.call('HGETDEL', 's', 'FIELDS', '0', 'a')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('HGETEX: values with EX/PX/EXAT/PXAT/PERSIST applied, past times delete; its errors', async () => {
  await r.hset('h', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await r.call('HGETEX', 'h', 'FIELDS', '2', 'a', 'zz'), ['1', null]);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'a'), [-1], 'no option: no TTL change');
  assert.equal(await r.call('HGETEX', 'h', 'EX', '100', 'FIELDS', '2', 'a', 'zz'), ['1', null]);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'a'), [100]);
  const at = Date.now() + 50_000;
  assert.equal(await r.call('HGETEX', 'h', 'PXAT', String(at), 'FIELDS', '1', 'b'), ['2']);
  assert.equal(await r.call('HPEXPIRETIME', 'h', 'FIELDS', '1', 'b'), [at]);
  assert.equal(await r.call('HGETEX', 'h', 'PERSIST', 'FIELDS', '2', 'a', 'c'), ['1', '3']);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '3', 'a', 'b', 'c'), [-1, 50, -1]);
  assert.equal(await r.call('HGETEX', 'h', 'EXAT', '1', 'FIELDS', '2', 'c', 'c'), ['3', null], 'a past time deletes the field');
  assert.equal(await r.hgetall('h'), { a: '1', b: '2' });
  assert.equal(await r.call('HGETEX', 'nokey', 'PX', '10', 'FIELDS', '1', 'a'), [null]);
  assert.is(await errorOf(r.call('HGETEX', 'h', 'EX', '-1', 'FIELDS', '1', 'a')), 'ERR invalid expire time, must be >= 0');
  assert.is(await errorOf(r.call('HGETEX', 'h', 'EX', '70368744178', 'FIELDS', '1', 'a')), "ERR invalid expire time in 'hgetex' command");
  assert.is(await errorOf(r.call('HGETEX', 'h', 'EX', 'x', 'FIELDS', '1', 'a')), 'ERR value is not an integer or out of range');
  assert.is(await errorOf(r.call('HGETEX', 'h', 'KEEPTTL', 'FIELDS', '1', 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
  assert.is(await errorOf(r.call('HGETEX', 'h', 'FIELDS', '0', 'a')), 'ERR Number of fields must be a positive integer');
  assert.is(await errorOf(r.call('HGETEX', 'h', 'PERSIST', 'FIELDS', '2', 'a')), 'ERR The `numfields` parameter must match the number of arguments');
  assert.equal(await r.call('HGETEX', 'h', 'PX', '0', 'FIELDS', '2', 'a', 'b'), ['1', '2']);
  assert.is(await r.exists('h'), 0, 'the hash went with its last field');
});

test('HSETEX: FNX/FXX, EX/PX/EXAT/PXAT/KEEPTTL, replies 1 or 0; its errors', async () => {
  assert.is(await r.call('HSETEX', 'h', 'FXX', 'FIELDS', '1', 'a', '1'), 0, 'FXX on a missing key');
  assert.is(await r.exists('h'), 0);
  assert.is(await r.call('HSETEX', 'h', 'FNX', 'EX', '100', 'FIELDS', '2', 'a', '1', 'b', '2'), 1);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '2', 'a', 'b'), [100, 100]);
  assert.is(await r.call('HSETEX', 'h', 'FNX', 'FIELDS', '2', 'a', 'x', 'c', '3'), 0, 'FNX: a is there');
  assert.is(await r.call('HSETEX', 'h', 'FXX', 'FIELDS', '2', 'a', 'x', 'c', '3'), 0, 'FXX: c is not');
  assert.equal(await r.hgetall('h'), { a: '1', b: '2' });
  assert.is(await r.call('HSETEX', 'h', 'FXX', 'KEEPTTL', 'FIELDS', '1', 'a', 'x'), 1);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'a'), [100], 'KEEPTTL keeps it');
  assert.is(await r.call('HSETEX', 'h', 'FIELDS', '1', 'a', 'y'), 1);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'a'), [-1], 'no option: the TTL is discarded');
  assert.is(await r.call('HSETEX', 'h', 'PX', '50000', 'FIELDS', '1', 'c', '3'), 1);
  assert.equal(await r.call('HTTL', 'h', 'FIELDS', '1', 'c'), [50]);
  assert.is(await r.call('HSETEX', 'h', 'PXAT', '1', 'FIELDS', '2', 'b', 'z', 'new', 'n'), 1, 'a past time: set, then deleted');
  assert.equal(await r.hgetall('h'), { a: 'y', c: '3' });
  assert.is(await r.call('HSETEX', 'gone', 'EXAT', '1', 'FIELDS', '1', 'a', '1'), 1);
  assert.is(await r.exists('gone'), 0);
  for (const [args, text] of [
    [['FIELDS', '1', 'a'], "ERR wrong number of arguments for 'hsetex' command"],
    [['FIELDS', '2', 'a', '1'], "ERR wrong number of arguments for 'hsetex' command"],
    [['FIELDS', '1', 'a', '1', 'b'], "ERR wrong number of arguments for 'hsetex' command"],
    [['FIELDS', '0', 'a', '1'], 'ERR invalid number of fields'],
    [['FIELDS', 'x', 'a', '1'], 'ERR invalid number of fields'],
    [['FNX', 'FXX', 'FIELDS', '1', 'a', '1'], 'ERR Only one of FXX or FNX arguments can be specified'],
    [['EX', '1', 'PX', '1', 'FIELDS', '1', 'a', '1'], 'ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified'],
    [['KEEPTTL', 'EX', '1', 'FIELDS', '1', 'a', '1'], 'ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified'],
    [['EX', '-1', 'FIELDS', '1', 'a', '1'], 'ERR invalid expire time, must be >= 0'],
    [['BOGUS', 'FIELDS', '1', 'a', '1'], 'ERR unknown argument: BOGUS'],
  ] as const) {
    assert.is(await errorOf(r.call('HSETEX', 'h', ...args)), text, args.join(' '));
  }
  await r.set('s', '1');
  assert.is(await errorOf(r.call('HSETEX', 's', 'BOGUS', 'FIELDS', '1', 'a', '1')), 'ERR unknown argument: BOGUS', 'arguments before the type');
  assert.is(await errorOf(r.call('HSETEX', 's', 'FIELDS', '1', 'a', '1')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('field TTLs survive RENAME, COPY and MOVE, and the copies expire too', async () => {
  await r.hset('h', 'a', '1', 'b', '2');
  assert.equal(await r.call('HPEXPIRE', 'h', '150', 'FIELDS', '1', 'a'), [1]);
  await r.rename('h', 'h2');
  await r.copy('h2', 'h3');
  await r.copy('h2', 'h4');
  await r.move('h4', '1');
  for (const key of ['h2', 'h3']) {
    const [pttl] = (await r.call('HPTTL', key, 'FIELDS', '1', 'a')) as number[];
    assert.ok(pttl > 0 && pttl <= 150, `${key}: ${pttl}`);
  }
  const other = clients.connect({ port: srv.port, db: 1 });
  const [moved] = (await other.call('HPTTL', 'h4', 'FIELDS', '1', 'a')) as number[];
  assert.ok(moved > 0 && moved <= 150, String(moved));
  await sleep(200);
  for (const key of ['h2', 'h3']) assert.equal(await r.hgetall(key), { b: '2' }, key);
  assert.equal(await other.hgetall('h4'), { b: '2' });
});

/** A DUMP payload of `body`: RDB version `version` and the CRC-64 (Redis' createDumpPayload). */
function payloadOf(body: Buffer, version: number): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

test('DUMP/RESTORE: Redis 7.4 types with field TTLs (RDB version 12); hashes without stay 7.0 bytes', async () => {
  await r.hset('plain', 'a', '1');
  const plain = await r.dumpBuffer('plain');
  assert.is(plain[0], 16, 'RDB_TYPE_HASH_LISTPACK');
  assert.is(plain.readUInt16LE(plain.length - 10), 10);
  await r.hset('h', 'a', '1', 'b', '2');
  const at = Date.now() + 100_000;
  assert.equal(await r.call('HPEXPIREAT', 'h', String(at), 'FIELDS', '1', 'a'), [1]);
  const dump = await r.dumpBuffer('h');
  assert.is(dump[0], 25, 'RDB_TYPE_HASH_LISTPACK_EX');
  assert.is(Number(dump.readBigInt64LE(1)), at, 'minExpire');
  assert.is(dump.readUInt16LE(dump.length - 10), 12);
  // The listpack: a, 1, at, b, 2, 0 (fields with a TTL first), as a 29-byte RDB string.
  const lp = dump.subarray(10, 10 + 29);
  assert.is(dump[9], 29);
  assert.is(lp.readUInt32LE(0), 29);
  assert.is(lp.readUInt16LE(4), 6);
  assert.equal([...lp.subarray(6, 11)], [0x81, 0x61, 0x02, 0x01, 0x01]);
  assert.is(lp[11], 0xf4);
  assert.is(Number(lp.readBigInt64LE(12)), at);
  assert.equal([...lp.subarray(20)], [0x09, 0x81, 0x62, 0x02, 0x02, 0x01, 0x00, 0x01, 0xff]);
  await r.restore('copy', 0, dump);
  assert.equal(await r.call('HPEXPIRETIME', 'copy', 'FIELDS', '2', 'a', 'b'), [at, -1]);
  assert.is(await r.object('ENCODING', 'copy'), 'listpackex');
  // A table (hashtable encoding) with a TTL: RDB_TYPE_HASH_METADATA.
  const fields: string[] = [];
  for (let i = 0; i < 600; i++) fields.push(`f${i}`, `v${i}`);
  await r.hset('big', ...fields);
  assert.equal(await r.call('HPEXPIREAT', 'big', String(at + 5), 'FIELDS', '2', 'f7', 'f9'), [1, 1]);
  const bigDump = await r.dumpBuffer('big');
  assert.is(bigDump[0], 24);
  assert.is(Number(bigDump.readBigInt64LE(1)), at + 5);
  await r.restore('big2', 0, bigDump);
  assert.is(await r.hlen('big2'), 600);
  assert.equal(await r.call('HPEXPIRETIME', 'big2', 'FIELDS', '3', 'f7', 'f9', 'f8'), [at + 5, at + 5, -1]);
  assert.is(await r.object('ENCODING', 'big2'), 'hashtable');
  // Redis' HASH_METADATA layout built by hand: minExpire, count, then TTL (relative + 1), field, value;
  // a field already expired is dropped on load.
  const min = Date.now() + 50_000;
  const minBytes = Buffer.alloc(8);
  minBytes.writeBigInt64LE(BigInt(min));
  const body = Buffer.concat([Buffer.from([24]), minBytes, Buffer.from([3, 1, 1, 0x61, 1, 0x31, 0, 1, 0x62, 1, 0x32, 0x40, 0x64, 1, 0x63, 1, 0x33])]);
  await r.restore('made', 0, payloadOf(body, 12));
  assert.equal(await r.call('HPEXPIRETIME', 'made', 'FIELDS', '3', 'a', 'b', 'c'), [min, -1, min + 99]);
  const gone = Buffer.alloc(8);
  gone.writeBigInt64LE(1000n);
  await r.restore('partly', 0, payloadOf(Buffer.concat([Buffer.from([24]), gone, Buffer.from([2, 1, 1, 0x61, 1, 0x31, 0, 1, 0x62, 1, 0x32])]), 12));
  assert.equal(await r.hgetall('partly'), { b: '2' });
  assert.is(await errorOf(r.restore('none', 0, payloadOf(Buffer.concat([Buffer.from([24]), gone, Buffer.from([1, 1, 1, 0x61, 1, 0x31])]), 12))), 'ERR Bad data format');
  // Version 12 only for these types: a plain hash payload claiming it is refused, as 7.0 refuses it.
  const v12 = payloadOf(plain.subarray(0, plain.length - 10), 12);
  assert.is(await errorOf(r.restore('no', 0, v12)), 'ERR DUMP payload version or checksum are wrong');
});

test('WATCH: a field expiring touches the key, EXEC fails', async () => {
  await r.hset('h', 'a', '1', 'b', '2');
  assert.equal(await r.call('HPEXPIRE', 'h', '50', 'FIELDS', '1', 'a'), [1]);
  const w = clients.connect({ port: srv.port });
  await w.watch('h');
  await sleep(300); // the active cycle reclaims it
  const result = await w.multi().hget('h', 'b').exec();
  assert.is(result, null, 'EXEC aborted');
  // A field TTL set by another client touches it too; HTTL does not.
  await w.watch('h');
  await r.call('HTTL', 'h', 'FIELDS', '1', 'b');
  assert.equal(await w.multi().hget('h', 'b').exec(), [[null, '2']]);
  await w.watch('h');
  await r.call('HEXPIRE', 'h', '100', 'FIELDS', '1', 'b');
  assert.is(await w.multi().hget('h', 'b').exec(), null);
});

test('keyspace events: hexpire, hpersist, hexpired, hdel, del', async () => {
  await r.config('SET', 'notify-keyspace-events', 'Kgh');
  const sub = clients.connect({ port: srv.port });
  const seen: string[] = [];
  sub.on('pmessage', (_p: string, _channel: string, event: string) => seen.push(event));
  await sub.psubscribe('__keyspace@0__:h');
  try {
    await r.hset('h', 'a', '1', 'b', '2');
    await r.call('HPEXPIRE', 'h', '50', 'FIELDS', '1', 'a');
    await r.call('HPEXPIRE', 'h', '100000', 'FIELDS', '1', 'b');
    await r.call('HPERSIST', 'h', 'FIELDS', '1', 'b');
    await sleep(300);
    await r.call('HEXPIREAT', 'h', '1', 'FIELDS', '1', 'b');
    await sleep(50);
    assert.equal(seen, ['hset', 'hexpire', 'hexpire', 'hpersist', 'hexpired', 'hdel', 'del']);
  } finally {
    await r.config('SET', 'notify-keyspace-events', '');
  }
});

test('after SIGKILL under appendfsync always: expired fields stay gone, pending ones expire on time', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-hfe-kill-'));
  let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const c = clients.connect({ port: server.port });
    await c.hset('h', 'gone', '1', 'soon', '2', 'later', '3', 'keep', '4');
    await c.hset('all', 'x', '1');
    assert.equal(await c.call('HPEXPIRE', 'h', '100', 'FIELDS', '1', 'gone'), [1]);
    const soon = Date.now() + 2500;
    assert.equal(await c.call('HPEXPIREAT', 'h', String(soon), 'FIELDS', '1', 'soon'), [1]);
    assert.equal(await c.call('HEXPIRE', 'h', '1000', 'FIELDS', '1', 'later'), [1]);
    assert.equal(await c.call('HPEXPIRE', 'all', '2500', 'FIELDS', '1', 'x'), [1]);
    const [later] = (await c.call('HPEXPIRETIME', 'h', 'FIELDS', '1', 'later')) as number[];
    await sleep(150);
    assert.is(await c.hlen('h'), 3);
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    assert.is(await again.hget('h', 'gone'), null);
    assert.equal(await again.call('HPEXPIRETIME', 'h', 'FIELDS', '4', 'gone', 'soon', 'later', 'keep'), [-2, soon, later, -1]);
    assert.ok(Date.now() < soon, 'the restart took too long for this test');
    assert.is(await again.hlen('h'), 3);
    while (Date.now() <= soon + 20) await sleep(20);
    assert.equal(await again.hgetall('h'), { later: '3', keep: '4' });
    assert.is(await again.hlen('h'), 2);
    await sleep(300);
    assert.is(await again.exists('all'), 0, 'the active cycle deleted the hash after the restart');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
