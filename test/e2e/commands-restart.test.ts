/**
 * Restarts: data, TTLs, key counts and SCAN cursors survive a clean shutdown and a SIGKILL
 * (appendfsync always: every acknowledged write is there afterwards).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { sleep, startServer, TestClients, type TestServer } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-restart-'));
  dirs.push(dir);
  return dir;
}

const running: TestServer[] = [];
const clients = new TestClients();

async function start(dir: string, args: string[] = []): Promise<TestServer> {
  const srv = await startServer({ dir, args });
  running.push(srv);
  return srv;
}

function client(srv: TestServer, db = 0): Redis {
  const r = clients.connect({ port: srv.port, db });
  r.on('error', () => {});
  return r;
}

test.after(async () => {
  clients.disconnectAll();
  for (const s of running) await s.stop({ keepDir: true }).catch(() => {});
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function scanRest(r: Redis, cursor: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  do {
    const [next, page] = await r.scan(cursor, 'COUNT', count);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

test('a clean restart keeps values, TTLs, counts and SCAN cursors', async () => {
  const dir = tempDir();
  let srv = await start(dir);
  let r = client(srv);
  let r3 = client(srv, 3);
  const all: string[] = [];
  for (let i = 0; i < 100; i++) all.push(`scan:${String(i).padStart(3, '0')}`);
  await r.mset(...all.flatMap((k) => [k, 'v']));
  await r.set('ttl:long', 'v', 'EX', 1000);
  await r.set('ttl:short', 'v', 'PX', 200);
  await r.incrby('counter', 41);
  await r.incr('counter');
  await r3.set('db3', 'three');
  await r3.setbit('bits', 100, 1);
  const [cursor, firstPage] = await r.scan('0', 'MATCH', 'scan:*', 'COUNT', 30);
  assert.is.not(cursor, '0');
  await srv.stop({ keepDir: true });

  srv = await start(dir);
  r = client(srv);
  r3 = client(srv, 3);
  await sleep(250);
  assert.is(await r.get('counter'), '42');
  assert.is(await r3.get('db3'), 'three');
  assert.is(await r3.getbit('bits', 100), 1);
  const ttl = await r.ttl('ttl:long');
  assert.ok(ttl > 990 && ttl <= 1000, `ttl ${ttl}`);
  assert.is(await r.get('ttl:short'), null);
  assert.is(await r.dbsize(), 102);
  assert.is(await r3.dbsize(), 2);
  const rest: string[] = [];
  let next = cursor;
  do {
    const [n, page] = await r.scan(next, 'MATCH', 'scan:*', 'COUNT', 30);
    rest.push(...page);
    next = n;
  } while (next !== '0');
  assert.equal([...new Set([...firstPage, ...rest])].sort(), all);
});

test('after SIGKILL with appendfsync always, every acknowledged write is there', async () => {
  const dir = tempDir();
  let srv = await start(dir, ['--appendfsync', 'always']);
  const setup = client(srv);
  await setup.mset(...Array.from({ length: 50 }, (_, i) => [`pre:${i}`, 'v']).flat());
  const [cursor, firstPage] = await setup.scan('0', 'MATCH', 'pre:*', 'COUNT', 20);
  assert.is.not(cursor, '0');

  const acked = new Map<string, string>();
  let incrAcked = 0;
  let stop = false;
  const writers = Array.from({ length: 8 }, (_, w) => {
    const r = client(srv);
    return (async () => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}:${i}`;
        const value = `value-${w}-${i}`;
        try {
          const ops: Promise<unknown>[] = [r.set(key, value, 'EX', 3600), r.incr('shared')];
          await Promise.all(ops);
          acked.set(key, value);
          incrAcked++;
        } catch {
          return;
        }
      }
    })();
  });
  await sleep(400);
  await srv.kill();
  stop = true;
  await Promise.all(writers);
  assert.ok(acked.size > 10, `only ${acked.size} writes acknowledged`);

  srv = await start(dir, ['--appendfsync', 'always']);
  const r = client(srv);
  const pipeline = r.pipeline();
  for (const key of acked.keys()) pipeline.get(key);
  const values = (await pipeline.exec()) ?? [];
  let i = 0;
  for (const [key, value] of acked) {
    assert.is(values[i++]?.[1], value, key);
  }
  assert.ok(Number(await r.get('shared')) >= incrAcked, 'every acknowledged INCR counted');
  const ttl = await r.ttl([...acked.keys()][0]);
  assert.ok(ttl > 3500, `ttl ${ttl}`);
  assert.is(await r.dbsize(), (await r.keys('*')).length, 'DBSIZE exact after the crash');
  const rest = await scanRest(r, cursor, 20);
  const pre = [...new Set([...firstPage, ...rest])].filter((k) => k.startsWith('pre:'));
  assert.is(pre.length, 50, 'the cursor resumed after the crash');
});

test.run();
