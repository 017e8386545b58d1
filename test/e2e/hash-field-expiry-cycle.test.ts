/**
 * The active field-expiry cycle at a (small) beyond-RAM shape: 20 000 hashes, 10 % of them with
 * field TTLs expiring while no command reads them. The cycle must reclaim every due field and
 * every hash left empty, and read exactly the hashes that have field TTLs, once each (INFO stats
 * expire_cycle_hashes_read): it walks the `f` index of hashes with field TTLs, never the hashes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { sleep, startServer, TestClients, type TestServer } from './helpers.js';

let srv: TestServer;
const clients = new TestClients();

test.before(async () => {
  // A small block cache, so that the hashes do not all sit in memory.
  srv = await startServer({ args: ['--block-cache-size', '4mb'] });
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

async function stats(r: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await r.info('stats')).split('\r\n')) {
    const [k, v] = line.split(':');
    if (v !== undefined) out[k] = Number(v);
  }
  return out;
}

const HASHES = 20_000;
const FIELDS = 5;

test('20 000 hashes, 2 000 with field TTLs: the cycle reads those 2 000 only, once each', async () => {
  const r = clients.connect({ port: srv.port });
  const value = 'v'.repeat(40);
  for (let start = 0; start < HASHES; start += 1000) {
    const p = r.pipeline();
    for (let i = start; i < start + 1000; i++) {
      const args: string[] = [];
      for (let f = 0; f < FIELDS; f++) args.push(`f${f}`, value);
      p.hset(`hash:${i}`, ...args);
    }
    await p.exec();
  }
  const before = await stats(r);
  // Every 10th hash gets TTLs: every 20th on all its fields (the hash goes), the others on two.
  const due = Date.now() + 1500;
  let expiring = 0;
  const p = r.pipeline();
  for (let i = 0; i < HASHES; i += 10) {
    const fields = i % 20 === 0 ? ['f0', 'f1', 'f2', 'f3', 'f4'] : ['f1', 'f3'];
    expiring += fields.length;
    p.call('HPEXPIREAT', `hash:${i}`, String(due + (i % 7)), 'FIELDS', String(fields.length), ...fields);
  }
  const replies = (await p.exec()) ?? [];
  for (const [err, reply] of replies) {
    assert.is(err, null);
    assert.ok((reply as number[]).every((code) => code === 1));
  }
  assert.is(await r.dbsize(), HASHES);
  // Wait for the cycle, reading nothing but INFO.
  const deadline = Date.now() + 30_000;
  let now = await stats(r);
  while (now.expired_subkeys - before.expired_subkeys < expiring && Date.now() < deadline) {
    await sleep(100);
    now = await stats(r);
  }
  assert.is(now.expired_subkeys - before.expired_subkeys, expiring, 'every due field reclaimed');
  assert.is(now.expire_cycle_hashes_read - before.expire_cycle_hashes_read, HASHES / 10, 'the hashes with field TTLs, each once, and no other');
  assert.is(await r.dbsize(), HASHES - HASHES / 20, 'the hashes whose every field expired are gone');
  for (const i of [0, 10, 20, 30, 11, 19999, 19990]) {
    const len = await r.hlen(`hash:${i}`);
    assert.is(len, i % 10 !== 0 ? FIELDS : i % 20 === 0 ? 0 : FIELDS - 2, `hash:${i}`);
  }
  assert.equal(Object.keys(await r.hgetall('hash:10')), ['f0', 'f2', 'f4']);
  // Nothing left to do: further cycles read no hash at all.
  const settled = (await stats(r)).expire_cycle_hashes_read;
  await sleep(500);
  assert.is((await stats(r)).expire_cycle_hashes_read, settled);
});

test.run();
