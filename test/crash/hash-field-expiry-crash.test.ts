/**
 * SIGKILL while the active cycle reclaims expired hash fields, and while clients set field TTLs,
 * under appendfsync always. Each reclamation is one batch (fields, `e` entries, count, metadata,
 * the `f` entry), so after any kill and restart every hash's HLEN (its metadata's count) equals the
 * fields a walk finds (HGETALL), no field with a past TTL is visible, every acknowledged field TTL
 * is there, and the hashes whose every field expired are gone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, startServer, TestClients } from '../e2e/helpers.js';
import { mulberry32 } from '../support/prng.js';

const clients = new TestClients();

test.after(() => {
  clients.disconnectAll();
});

const HASHES = 150;
const FIELDS = 40;
const CYCLES = 6;

test('kills during field reclamation and HEXPIREs: counts, TTLs and key deletions survive exactly', async () => {
  const random = mulberry32(20261208);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-hfe-crash-'));
  const args = ['--appendfsync', 'always'];
  let server = await startServer({ dir, args });
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const r = clients.connect({ port: server.port });
      r.on('error', () => undefined); // the kill resets it
      await r.flushall();
      const value = 'x'.repeat(30);
      // Every hash: fields f0..f39. Even hashes: every field expires soon (the hash goes);
      // odd ones: the even fields expire soon, the odd ones get a long TTL or none. Hash h's
      // fields are due 5h ms after the others, so a kill lands at a different point of the cycle's work.
      const due = Date.now() + 400;
      const longAt = Date.now() + 10_000_000;
      for (let start = 0; start < HASHES; start += 50) {
        const p = r.pipeline();
        for (let h = start; h < start + 50; h++) {
          const pairs: string[] = [];
          for (let f = 0; f < FIELDS; f++) pairs.push(`f${f}`, value);
          p.hset(`h${h}`, ...pairs);
          const soon = Array.from({ length: FIELDS }, (_, f) => `f${f}`).filter((_, f) => h % 2 === 0 || f % 2 === 0);
          p.call('HPEXPIREAT', `h${h}`, String(due + 5 * h), 'FIELDS', String(soon.length), ...soon);
        }
        await p.exec();
      }
      // Long TTLs set one by one while the cycle starts reclaiming; the acknowledged ones must survive.
      const acked = new Map<string, number>();
      const writer = (async (): Promise<void> => {
        for (let i = 0; ; i++) {
          const h = 2 * Math.floor(random() * (HASHES / 2)) + 1;
          const f = 2 * Math.floor(random() * (FIELDS / 2)) + 1;
          try {
            const reply = (await r.call('HPEXPIREAT', `h${h}`, String(longAt + i), 'FIELDS', '1', `f${f}`)) as number[];
            if (reply[0] === 1) acked.set(`h${h} f${f}`, longAt + i);
          } catch {
            return; // the kill
          }
        }
      })();
      await sleep(300 + Math.floor(random() * 900));
      const probe = clients.connect({ port: server.port });
      probe.on('error', () => undefined);
      const reclaimed = /expired_subkeys:(\d+)/.exec(await probe.info('stats'))?.[1];
      await server.kill();
      probe.disconnect();
      if (process.env.HFE_CRASH_VERBOSE !== undefined) console.log(`cycle ${cycle}: killed with ${reclaimed} fields reclaimed`);
      await writer;
      r.disconnect();
      server = await startServer({ dir, port: server.port, args });
      const c = clients.connect({ port: server.port });
      // Let every due field pass and the cycle (or the lookups) reclaim them.
      while (Date.now() < due + 5 * HASHES + 100) await sleep(20);
      for (let h = 0; h < HASHES; h++) {
        const key = `h${h}`;
        const all = await c.hgetall(key);
        const len = await c.hlen(key);
        const names = Object.keys(all);
        assert.is(len, names.length, `cycle ${cycle} ${key}: HLEN ${len}, HGETALL ${names.length}`);
        if (h % 2 === 0) {
          assert.is(len, 0, `cycle ${cycle} ${key} should be gone`);
          assert.is(await c.exists(key), 0);
          continue;
        }
        assert.equal(names.sort(), Array.from({ length: FIELDS / 2 }, (_, i) => `f${2 * i + 1}`).sort(), `cycle ${cycle} ${key}`);
      }
      for (const [name, at] of acked) {
        const [key, field] = name.split(' ');
        const [time] = (await c.call('HPEXPIRETIME', key, 'FIELDS', '1', field)) as number[];
        assert.ok(time >= at, `cycle ${cycle} ${name}: acknowledged TTL ${at}, found ${time}`);
      }
      // The cycle is done: nothing due is left, and the counts stayed exact.
      const info = await c.info('keyspace');
      assert.match(info, new RegExp(`db0:keys=${HASHES / 2},`));
      c.disconnect();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
