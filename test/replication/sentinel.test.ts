/**
 * Debian's own redis-sentinel against StrataKV: it discovers a StrataKV replica from the
 * primary's INFO replication and reports it (SENTINEL replicas: flags `slave`); and with three
 * Sentinels, SIGKILLing the primary under write load promotes a replica (get-master-addr-by-name
 * moves), the other replica follows the new primary, every write acknowledged by WAIT 1 before
 * the kill is on the new primary, and the old primary, restarted, is turned into a replica.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { IN_CI, freePort, startServer, type TestServer } from '../e2e/helpers.js';
import { waitFor } from '../support/wait.js';

const SENTINEL = ['/usr/bin/redis-sentinel', '/usr/local/bin/redis-sentinel'].find((p) => existsSync(p)) ?? null;
const servers: TestServer[] = [];
const sentinels: ChildProcess[] = [];
const clients: Redis[] = [];
const dirs: string[] = [];

function client(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function startSentinel(masterPort: number, quorum: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-sentinel-'));
  dirs.push(dir);
  const port = await freePort();
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor mymaster 127.0.0.1 ${masterPort} ${quorum}`,
    'sentinel down-after-milliseconds mymaster 1500',
    'sentinel failover-timeout mymaster 10000',
    'sentinel parallel-syncs mymaster 1',
    '',
  ].join('\n'));
  const child = spawn(SENTINEL as string, [conf], { stdio: 'ignore' });
  sentinels.push(child);
  const probe = client(port);
  await waitFor('the sentinel to answer', async () => (await probe.ping().catch(() => '')) === 'PONG', { timeoutMs: 10_000 });
  return port;
}

/** SENTINEL replicas mymaster, each as a field map. */
async function replicasSeen(sentinel: Redis): Promise<Array<Record<string, string>>> {
  const rows = (await sentinel.call('SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
  return rows.map((row) => {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < row.length; i += 2) out[row[i]] = row[i + 1];
    return out;
  });
}

async function masterAddr(sentinel: Redis): Promise<string> {
  const addr = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[] | null;
  return addr === null ? '' : `${addr[0]}:${addr[1]}`;
}

test.after(async () => {
  for (const c of clients) c.disconnect();
  for (const s of sentinels) s.kill('SIGKILL');
  for (const s of servers) await s.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sentinelTest(name: string, body: () => Promise<void>): void {
  if (SENTINEL !== null) test(name, body);
  else if (IN_CI) test(name, () => { throw new Error('redis-sentinel is not installed, and under CI=true the Sentinel tests must run'); });
  else console.log(`# skipped (no redis-sentinel): ${name}`);
}

sentinelTest('redis-sentinel monitors a StrataKV primary and reports its StrataKV replica', async () => {
  const p = await startServer();
  servers.push(p);
  const r = await startServer({ args: ['--replicaof', '127.0.0.1', String(p.port)] });
  servers.push(r);
  const s = client(await startSentinel(p.port, 1));
  assert.is(await masterAddr(s), `127.0.0.1:${p.port}`);
  const seen = await waitFor('the sentinel to list the replica', async () => {
    const replicas = await replicasSeen(s);
    return replicas.find((x) => x.port === String(r.port) && x.flags === 'slave' && x['master-link-status'] === 'ok');
  }, { timeoutMs: 20_000 });
  assert.is(seen.ip, '127.0.0.1');
  assert.is(seen['master-port'], String(p.port));
  assert.is(seen['slave-priority'], '100');
  const masters = (await s.call('SENTINEL', 'MASTER', 'mymaster')) as string[];
  assert.is(masters[masters.indexOf('flags') + 1], 'master');
  for (const c of sentinels.splice(0)) c.kill('SIGKILL');
  await r.stop();
  await p.stop();
});

sentinelTest('three Sentinels fail over a SIGKILLed StrataKV primary; WAIT-acknowledged writes survive; the old primary rejoins as a replica', async () => {
  const p = await startServer();
  servers.push(p);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-old-primary-'));
  dirs.push(dir);
  const r1 = await startServer({ args: ['--replicaof', '127.0.0.1', String(p.port)] });
  const r2 = await startServer({ args: ['--replicaof', '127.0.0.1', String(p.port)] });
  servers.push(r1, r2);
  const sentinelPorts = [await startSentinel(p.port, 2), await startSentinel(p.port, 2), await startSentinel(p.port, 2)];
  const s = client(sentinelPorts[0]);
  await waitFor('the sentinels to see both replicas', async () => (await replicasSeen(s)).filter((x) => x['master-link-status'] === 'ok').length === 2, { timeoutMs: 20_000 });
  await waitFor('the sentinels to know each other', async () => {
    const m = (await s.call('SENTINEL', 'MASTER', 'mymaster')) as string[];
    return m[m.indexOf('num-other-sentinels') + 1] === '2';
  }, { timeoutMs: 20_000 });

  // A client that finds the primary through the Sentinels, as applications do.
  const viaSentinels = new Redis({ sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })), name: 'mymaster', maxRetriesPerRequest: 1 });
  viaSentinels.on('error', () => undefined);
  clients.push(viaSentinels);
  assert.is(await viaSentinels.set('before-failover', '1'), 'OK');

  // Write load: each write counted once WAIT 1 acknowledged it.
  const pc = client(p.port);
  const acknowledged: string[] = [];
  let writing = true;
  const load = (async () => {
    for (let i = 0; writing; i++) {
      try {
        await pc.set(`w${i}`, String(i));
        if ((await pc.wait(1, 1000)) >= 1) acknowledged.push(`w${i}`);
      } catch {
        return;
      }
    }
  })();
  await waitFor('some acknowledged writes', () => acknowledged.length >= 50, { timeoutMs: 20_000 });
  await p.kill();
  writing = false;
  await load;

  const moved = await waitFor('get-master-addr-by-name to move', async () => {
    const addr = await masterAddr(s);
    return addr !== `127.0.0.1:${p.port}` ? addr : '';
  }, { timeoutMs: 60_000 });
  const newPort = Number(moved.split(':')[1]);
  const other = newPort === r1.port ? r2 : r1;
  assert.ok(newPort === r1.port || newPort === r2.port);
  const nc = client(newPort);
  assert.is(((await nc.call('ROLE')) as unknown[])[0], 'master');
  const values = await nc.mget(...acknowledged);
  assert.is(values.filter((v) => v === null).length, 0, 'every write acknowledged by WAIT 1 is on the new primary');
  const oc = client(other.port);
  await waitFor('the other replica to follow the new primary', async () => {
    const role = (await oc.call('ROLE')) as unknown[];
    return role[0] === 'slave' && role[2] === newPort && role[3] === 'connected';
  }, { timeoutMs: 30_000 });
  // The Sentinel-aware client follows the new primary by itself.
  await waitFor('the Sentinel-aware client to write to the new primary', async () => (await viaSentinels.set('after-failover', '1').catch(() => null)) === 'OK', { timeoutMs: 30_000 });
  assert.is(await nc.get('after-failover'), '1');
  assert.is(await nc.get('before-failover'), '1');
  assert.is(await nc.wait(1, 5000), 1);
  assert.is(await oc.get('after-failover'), '1');

  // The old primary comes back (same port and data): the Sentinels make it a replica of the new one.
  const back = await startServer({ dir: p.dir, port: p.port });
  servers.push(back);
  const bc = client(back.port);
  await waitFor('the old primary to become a replica of the new one', async () => {
    const role = (await bc.call('ROLE')) as unknown[];
    return role[0] === 'slave' && role[2] === newPort && role[3] === 'connected';
  }, { timeoutMs: 40_000 });
  assert.is(await nc.wait(2, 10_000), 2);
  assert.is(await bc.get('after-failover'), '1');
});

test.run();
