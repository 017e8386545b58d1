/**
 * Many clients on the same keys: INCR totals, MULTI/EXEC atomicity, WATCH-based optimistic
 * updates and MSETNX all-or-nothing end exactly where a serial execution would; readers sharing a
 * key never see half of a write, and writers are not starved by them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startServer, TestClients, type TestServer } from './helpers.js';

let srv: TestServer;
const clients = new TestClients();

function client(): Redis {
  return clients.connect({ port: srv.port });
}

test.before(async () => {
  // A small memtable makes flushes (and reads from tables) happen while the clients run, and
  // async block reads make every read the block cache misses wait: commands overlap on their keys.
  srv = await startServer({ args: ['--appendfsync', 'always', '--memtable-size', '1mb'], env: { STRATAKV_BLOCK_READS: 'async' } });
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

const CLIENTS = 20;

test('INCR/INCRBY/DECR from many pipelining clients: exact totals', async () => {
  const setup = client();
  await setup.flushall();
  const workers = Array.from({ length: CLIENTS }, async (_, w) => {
    const r = client();
    for (let round = 0; round < 10; round++) {
      const p = r.pipeline();
      for (let i = 0; i < 20; i++) {
        p.incr(`ctr:${i % 5}`);
        p.incrby('ctr:by', w + 1);
        p.decr('ctr:down');
        p.incrbyfloat('ctr:float', '0.5');
      }
      await p.exec();
    }
  });
  await Promise.all(workers);
  for (let k = 0; k < 5; k++) assert.is(await setup.get(`ctr:${k}`), String((CLIENTS * 10 * 20) / 5));
  const byTotal = Array.from({ length: CLIENTS }, (_, w) => (w + 1) * 10 * 20).reduce((a, b) => a + b, 0);
  assert.is(await setup.get('ctr:by'), String(byTotal));
  assert.is(await setup.get('ctr:down'), String(-CLIENTS * 10 * 20));
  assert.is(await setup.get('ctr:float'), String(CLIENTS * 10 * 20 * 0.5));
});

test('MULTI/EXEC transactions are atomic: paired counters never diverge', async () => {
  const setup = client();
  await setup.del('tx:a', 'tx:b', 'tx:log');
  let mismatches = 0;
  const workers = Array.from({ length: CLIENTS }, async () => {
    const r = client();
    for (let i = 0; i < 50; i++) {
      const result = await r.multi().incr('tx:a').incr('tx:b').append('tx:log', 'x').exec();
      const [[, a], [, b]] = result as [[null, number], [null, number], [null, number]];
      if (a !== b) mismatches++;
    }
  });
  await Promise.all(workers);
  assert.is(mismatches, 0, 'a transaction saw another one half-done');
  assert.is(await setup.get('tx:a'), String(CLIENTS * 50));
  assert.is(await setup.get('tx:b'), String(CLIENTS * 50));
  assert.is(await setup.strlen('tx:log'), CLIENTS * 50);
});

test('WATCH-based read-modify-write from many clients loses no update', async () => {
  const setup = client();
  await setup.set('cas', '0');
  let retries = 0;
  const workers = Array.from({ length: 10 }, async () => {
    const r = client();
    for (let i = 0; i < 20; i++) {
      for (;;) {
        await r.watch('cas');
        const current = Number(await r.get('cas'));
        const result = await r.multi().set('cas', String(current + 1)).exec();
        if (result !== null) break;
        retries++;
      }
    }
  });
  await Promise.all(workers);
  assert.is(await setup.get('cas'), '200');
  assert.ok(retries > 0, 'the clients never contended: the test proves nothing');
});

test('MSETNX races: exactly one client wins each key set, DBSIZE stays exact', async () => {
  const setup = client();
  await setup.flushall();
  const wins = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, w) => {
      const r = client();
      let won = 0;
      for (let i = 0; i < 30; i++) won += await r.msetnx(`m:${i}:a`, `w${w}`, `m:${i}:b`, `w${w}`);
      return won;
    }),
  );
  assert.is(wins.reduce((a, b) => a + b, 0), 30);
  for (let i = 0; i < 30; i++) assert.is(await setup.get(`m:${i}:a`), await setup.get(`m:${i}:b`));
  assert.is(await setup.dbsize(), 60);
});

test('readers of one key share it, never see half a write, and do not starve its writers', async () => {
  const setup = client();
  await setup.flushall();
  const FIELDS = 200;
  const pad = 'v'.repeat(200);
  const fill = (round: number): (string | number)[] => {
    const args: (string | number)[] = [];
    for (let f = 0; f < FIELDS; f++) args.push(`f${f}`, `${round}:${pad}`);
    return args;
  };
  const zfill = (round: number): (string | number)[] => {
    const args: (string | number)[] = [];
    for (let m = 0; m < FIELDS; m++) args.push(round, `m${m}:${pad}`);
    return args;
  };
  await setup.hset('shared:h', ...fill(0));
  await setup.zadd('shared:z', ...zfill(0));
  // Push the collections into tables, so that reads wait for the disk (async block reads).
  for (let i = 0; i < 40; i++) await setup.set(`filler:${i}`, 'x'.repeat(64 * 1024));
  const ROUNDS = 10;
  let writing = true;
  const torn: string[] = [];
  let reads = 0;
  const readers = Array.from({ length: CLIENTS }, async (_, c) => {
    const r = client();
    while (writing) {
      const p = r.pipeline();
      p.hgetall('shared:h');
      p.zrange('shared:z', 0, -1, 'WITHSCORES');
      p.zscore('shared:z', `m${c % FIELDS}:${pad}`);
      const [[e1, h], [e2, z]] = (await p.exec()) as [[Error | null, Record<string, string>], [Error | null, string[]]];
      if (e1 || e2) throw e1 ?? e2;
      const rounds = new Set(Object.values(h).map((v) => v.slice(0, v.indexOf(':'))));
      if (Object.keys(h).length !== FIELDS || rounds.size !== 1) torn.push(`hash: ${Object.keys(h).length} fields, rounds ${[...rounds].join(',')}`);
      const scores = new Set(z.filter((_, i) => i % 2 === 1));
      if (z.length !== 2 * FIELDS || scores.size !== 1) torn.push(`zset: ${z.length / 2} members, scores ${[...scores].join(',')}`);
      reads++;
    }
  });
  // Each write replaces every field / score in one command, while twenty clients keep reading.
  // If readers starved the writer this loop would never end (the test times out).
  const w = client();
  for (let round = 1; round <= ROUNDS; round++) {
    await w.hset('shared:h', ...fill(round));
    await w.zadd('shared:z', ...zfill(round));
  }
  writing = false;
  await Promise.all(readers);
  assert.equal(torn, []);
  assert.ok(reads > 0);
  assert.is((await setup.hget('shared:h', 'f0'))?.startsWith(`${ROUNDS}:`), true);
  assert.is(await setup.zscore('shared:z', `m0:${pad}`), String(ROUNDS));
});

test.run();
