/**
 * Resource limits with real sockets against the real server (short versions; bench/limits.ts runs
 * the big ones, the 512 MB bulk among them): a client that never reads, slowloris and idle clients
 * with `timeout`, thousands of idle connections, maxclients + 1, bulk length limits, and KEYS * /
 * a giant MGET on 200k keys. In each, a bystander keeps getting correct replies and the server's
 * memory stays bounded; the peak RSS of each scenario is printed.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, encodeCommand, sleep, startServer, type TestServer } from '../e2e/helpers.js';
import { ReplyWriter } from '../../src/protocol/reply.js';
import { bigArrayCommand } from './big-replies.js';
import { processMemory } from './fuzz-frames.js';

const MIB = 1024 * 1024;
let srv: TestServer;
let admin: RawClient;

test.before(async () => {
  srv = await startServer();
  admin = await RawClient.connect(srv.port);
});

/** `timeout` closes idle clients, this one included: reconnect it before each test. */
test.before.each(async () => {
  if (admin.isClosed) admin = await RawClient.connect(srv.port);
});

test.after(async () => {
  if (srv.exitCode() !== null) console.log(`server exited with ${srv.exitCode()}:\n${srv.output()}`);
  admin.close();
  await srv.stop();
});

async function memory(): Promise<{ rss: number; hwm: number }> {
  return processMemory(srv.process.pid ?? 0);
}

function report(scenario: string, before: { rss: number }, after: { rss: number; hwm: number }): void {
  console.log(`  [limits] ${scenario}: server RSS ${(before.rss / MIB).toFixed(0)} -> ${(after.rss / MIB).toFixed(0)} MiB, peak so far ${(after.hwm / MIB).toFixed(0)} MiB`);
}

async function ok(client: RawClient, ...args: Array<string | Buffer | number>): Promise<void> {
  assert.is((await client.command(...args)).toString('latin1'), '+OK\r\n', args.map(String).join(' ').slice(0, 60));
}

async function connectedClients(): Promise<number> {
  const info = (await admin.command('INFO', 'clients')).toString('latin1');
  return Number((info.match(/connected_clients:(\d+)/) ?? [])[1]);
}

async function clientNames(): Promise<string[]> {
  const list = (await admin.command('CLIENT', 'LIST')).toString('latin1');
  return [...list.matchAll(/ name=(\S*)/g)].map((m) => m[1]);
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

/** PINGs every few milliseconds until stopped; records the slowest answer. */
function startBystander(): { stop: () => Promise<{ rounds: number; maxMs: number }> } {
  let done = false;
  let rounds = 0;
  let maxMs = 0;
  let failure = '';
  const run = (async () => {
    const c = await RawClient.connect(srv.port);
    try {
      while (!done) {
        const started = performance.now();
        // How long it waits is measured (maxMs), not asserted: a loaded machine may stall it for
        // seconds behind a giant reply; it must only never be refused or answered wrong.
        c.write(encodeCommand(['PING']));
        const reply = (await c.readReply(120_000)).toString();
        if (reply !== '+PONG\r\n') throw new Error(`PING answered ${JSON.stringify(reply)}`);
        maxMs = Math.max(maxMs, performance.now() - started);
        rounds++;
        await sleep(5);
      }
    } finally {
      c.close();
    }
  })().catch((err: unknown) => { failure = (err as Error).message; });
  return {
    stop: async () => {
      done = true;
      await run;
      assert.is(failure, '', 'the bystander got every reply');
      return { rounds, maxMs };
    },
  };
}

/** A raw socket that never reads: node stops pulling from the kernel once paused. */
function connectNonReader(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1');
    s.pause();
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

test('a client that never reads: the server stops at ~1 MB of its replies; output limits then disconnect it', async () => {
  await ok(admin, 'SET', 'limits:big1m', Buffer.alloc(MIB, 'b'));
  const before = await memory();
  const bystander = startBystander();
  const nonReader = await connectNonReader();
  nonReader.on('error', () => { /* the server may reset it */ });
  const requests: Buffer[] = [encodeCommand(['CLIENT', 'SETNAME', 'nonreader'])];
  for (let i = 0; i < 300; i++) requests.push(encodeCommand(['GET', 'limits:big1m'])); // 300 MB of replies
  nonReader.write(Buffer.concat(requests));
  await sleep(1500);
  const during = await memory();
  report('non-reading client, 300 x 1 MB replies pending', before, during);
  assert.ok(during.rss - before.rss < 64 * MIB, `RSS grew by ${((during.rss - before.rss) / MIB).toFixed(0)} MiB`);
  assert.ok((await clientNames()).includes('nonreader'), 'under the default limits the client is only paused');

  // Soft limit: over 1 MB for more than a second disconnects.
  await ok(admin, 'CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 1mb 1');
  try {
    await waitFor('the soft output limit to disconnect the non-reader', async () => !(await clientNames()).includes('nonreader'), 5000);
  } finally {
    nonReader.destroy();
  }

  // Hard limit: one reply far beyond it disconnects at once.
  await ok(admin, 'SET', 'limits:big32m', Buffer.alloc(32 * MIB, 'h'));
  await ok(admin, 'CONFIG', 'SET', 'client-output-buffer-limit', 'normal 4mb 0 0');
  const hardReader = await connectNonReader();
  hardReader.on('error', () => { /* reset expected */ });
  try {
    hardReader.write(Buffer.concat([encodeCommand(['CLIENT', 'SETNAME', 'hardreader']), encodeCommand(['GET', 'limits:big32m'])]));
    await sleep(200);
    await waitFor('the hard output limit to disconnect the reader of a 32 MB reply', async () => !(await clientNames()).includes('hardreader'), 3000);
    // Reading now shows the cut: part of the reply, then the end of the connection.
    let received = 0;
    const closed = new Promise<void>((resolve) => hardReader.once('close', () => resolve()));
    hardReader.on('data', (d: Buffer) => { received += d.length; });
    hardReader.resume();
    await Promise.race([closed, sleep(3000)]);
    assert.ok(hardReader.destroyed, 'the server closed the connection');
    assert.ok(received < 32 * MIB, `received ${received} bytes of a 32 MB reply`);
  } finally {
    hardReader.destroy();
    await ok(admin, 'CONFIG', 'SET', 'client-output-buffer-limit', 'normal 256mb 64mb 60');
    await admin.command('DEL', 'limits:big32m');
  }
  const stats = await bystander.stop();
  assert.ok(stats.rounds > 10, 'the bystander kept being served');
  report('after output limits', before, await memory());
});

test('slowloris clients keep their connection and get served; idle ones are closed by timeout', async () => {
  await ok(admin, 'CONFIG', 'SET', 'timeout', '1');
  const bystander = startBystander();
  try {
    const request = encodeCommand(['PING', 'slow']);
    const trickle = async (): Promise<string> => {
      const c = await RawClient.connect(srv.port);
      try {
        for (const byte of request) {
          c.write(Buffer.from([byte]));
          await sleep(120); // 18 bytes over ~2 s: longer than the timeout, but never idle that long
        }
        return (await c.readReply(3000)).toString('latin1');
      } finally {
        c.close();
      }
    };
    const idle = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(srv.port)));
    const replies = await Promise.all(Array.from({ length: 20 }, trickle));
    for (const r of replies) assert.is(r, '$4\r\nslow\r\n');
    await waitFor('idle clients to be closed', async () => idle.every((c) => c.isClosed), 3000);
  } finally {
    const restore = await RawClient.connect(srv.port);
    await ok(restore, 'CONFIG', 'SET', 'timeout', '0');
    restore.close();
  }
  const stats = await bystander.stop();
  console.log(`  [limits] slowloris: bystander ${stats.rounds} PINGs, slowest ${stats.maxMs.toFixed(1)} ms`);
  assert.ok(stats.rounds > 20);
});

test('3000 idle connections: all accepted, memory bounded, others served', async () => {
  const before = await memory();
  const bystander = startBystander();
  const sockets: net.Socket[] = [];
  try {
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(Array.from({ length: 200 }, () => new Promise<void>((resolve, reject) => {
        const s = net.connect(srv.port, '127.0.0.1');
        s.once('connect', () => resolve());
        s.once('error', reject);
        sockets.push(s);
      })));
    }
    await waitFor('3000 connections registered', async () => (await connectedClients()) >= 3001, 5000);
    const during = await memory();
    report('3000 idle connections', before, during);
    assert.ok(during.rss - before.rss < 128 * MIB, `RSS grew by ${((during.rss - before.rss) / MIB).toFixed(0)} MiB`);
  } finally {
    for (const s of sockets) s.destroy();
  }
  const stats = await bystander.stop();
  assert.ok(stats.rounds > 0);
  await waitFor('the idle connections to go away', async () => (await connectedClients()) <= 2, 5000);
});

test('maxclients + 1: the extra client gets "-ERR max number of clients reached" and is closed', async () => {
  const current = await connectedClients();
  await ok(admin, 'CONFIG', 'SET', 'maxclients', String(current + 5));
  const extra: RawClient[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.connect(srv.port);
      extra.push(c);
      assert.is((await c.command('PING')).toString(), '+PONG\r\n');
    }
    const refused = await RawClient.connect(srv.port);
    assert.is((await refused.readUntilClose(3000)).toString('latin1'), '-ERR max number of clients reached\r\n');
    assert.ok(refused.isClosed);
    assert.is((await admin.command('PING')).toString(), '+PONG\r\n');
  } finally {
    for (const c of extra) c.close();
    await ok(admin, 'CONFIG', 'SET', 'maxclients', '10000');
  }
});

test('bulk length limit: a 513 MB argument is refused from its header; the limit applies to open connections', async () => {
  const c = await RawClient.connect(srv.port);
  c.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${513 * MIB}\r\n`);
  assert.is((await c.readUntilClose(3000)).toString('latin1'), '-ERR Protocol error: invalid bulk length\r\n');

  // Scaled down (the real 512 MB case is in bench/limits.ts): at the limit accepted, one byte more refused.
  const open = await RawClient.connect(srv.port);
  await ok(open, 'CONFIG', 'SET', 'proto-max-bulk-len', '2mb');
  try {
    const value = Buffer.alloc(2 * MIB, 'v');
    value[12345] = 0;
    await ok(open, 'SET', 'limits:2mb', value); // on the connection that was open before the change
    const reply = await open.command('GET', 'limits:2mb');
    assert.ok(reply.subarray(`$${2 * MIB}\r\n`.length, reply.length - 2).equals(value));
    open.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * MIB + 1}\r\n`);
    assert.is((await open.readUntilClose(3000)).toString('latin1'), '-ERR Protocol error: invalid bulk length\r\n');
  } finally {
    open.close();
    await ok(admin, 'CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    await admin.command('DEL', 'limits:2mb');
  }
});

test('a reply of 200k elements grows its slab geometrically (KEYS * took 30 s when each element copied the whole reply)', () => {
  const writer = new ReplyWriter();
  const items: string[] = [];
  for (let i = 0; i < 200_000; i++) items.push(`key:${i}`);
  const original = Buffer.allocUnsafe;
  let allocations = 0;
  Buffer.allocUnsafe = ((size: number) => {
    allocations++;
    return original(size);
  }) as typeof Buffer.allocUnsafe;
  try {
    writer.bulkArray(items);
  } finally {
    Buffer.allocUnsafe = original;
  }
  assert.ok(allocations < 40, `${allocations} slab allocations`);
  const out = writer.take()?.toString('latin1') ?? '';
  assert.ok(out.startsWith('*200000\r\n$5\r\nkey:0\r\n$5\r\nkey:1\r\n'));
  assert.ok(out.endsWith('$10\r\nkey:199999\r\n'));
  assert.is(out.length, items.reduce((n, k) => n + k.length + String(k.length).length + 5, '*200000\r\n'.length));
});

test('a request of endless small arguments is bounded by client-query-buffer-limit', async () => {
  await ok(admin, 'CONFIG', 'SET', 'client-query-buffer-limit', '1mb');
  const before = await memory();
  try {
    const hog = await RawClient.connect(srv.port);
    hog.write('*2147483647\r\n');
    const args = Buffer.from('$1\r\na\r\n'.repeat(8192)); // 56 KB of complete one-byte arguments
    for (let i = 0; i < 64 && !hog.isClosed; i++) {
      hog.write(args);
      await sleep(2);
    }
    await hog.readUntilClose(3000);
    assert.ok(hog.isClosed, 'disconnected once its unfinished request passed 1 MB');
    hog.close();
  } finally {
    await ok(admin, 'CONFIG', 'SET', 'client-query-buffer-limit', '1gb');
  }
  report('endless arguments', before, await memory());
});

test('KEYS * and a giant MGET on 200k keys: right answers, others served, memory bounded', async () => {
  const KEYS = 200_000;
  const loader = await RawClient.connect(srv.port);
  const batch = 1000;
  for (let base = 0; base < KEYS; base += batch * 20) {
    const parts: Buffer[] = [];
    for (let b = base; b < Math.min(KEYS, base + batch * 20); b += batch) {
      const args: string[] = ['MSET'];
      for (let i = b; i < b + batch; i++) args.push(`k:${i}`, `value-${i}`);
      parts.push(encodeCommand(args));
    }
    loader.write(Buffer.concat(parts));
    for (let i = 0; i < parts.length; i++) assert.is((await loader.readReply(20_000)).toString(), '+OK\r\n');
  }
  const before = await memory();
  const bystander = startBystander();
  try {
    const keyReplies = await Promise.all([0, 1, 2].map(() => bigArrayCommand(srv.port, encodeCommand(['KEYS', '*']), 60_000)));
    // The earlier tests' keys are gone (DEL); only limits:big1m is left besides ours.
    for (const r of keyReplies) assert.is(r.count, KEYS + 1);
    const afterKeys = await memory();
    report(`3 x KEYS * on ${KEYS} keys`, before, afterKeys);

    const args: string[] = ['MGET'];
    for (let i = 0; i < KEYS; i++) args.push(`k:${i}`);
    const mget = await bigArrayCommand(srv.port, encodeCommand(args), 60_000);
    assert.is(mget.count, KEYS);
    assert.is(mget.first, 'value-0');
    assert.is(mget.last, `value-${KEYS - 1}`);
    const afterMget = await memory();
    report(`MGET of ${KEYS} keys`, before, afterMget);
    assert.ok(afterMget.hwm < 1024 * MIB, `peak RSS ${(afterMget.hwm / MIB).toFixed(0)} MiB`);
  } finally {
    loader.close();
  }
  const stats = await bystander.stop();
  console.log(`  [limits] KEYS/MGET: bystander ${stats.rounds} PINGs, slowest ${stats.maxMs.toFixed(1)} ms`);
  assert.ok(stats.rounds > 0);
});

test('a giant MGET over more blocks than the block cache holds completes (it used to re-read forever)', async () => {
  const cold = await startServer({ args: ['--block-cache-size', '1mb', '--memtable-size', '1mb'] });
  try {
    const KEYS = 60_000;
    const loader = await RawClient.connect(cold.port);
    for (let base = 0; base < KEYS; base += 20_000) {
      const parts: Buffer[] = [];
      for (let b = base; b < base + 20_000; b += 1000) {
        const args: string[] = ['MSET'];
        for (let i = b; i < b + 1000; i++) args.push(`k:${i}`, `value-${i}-${'p'.repeat(40)}`);
        parts.push(encodeCommand(args));
      }
      loader.write(Buffer.concat(parts));
      for (let i = 0; i < parts.length; i++) assert.is((await loader.readReply(20_000)).toString(), '+OK\r\n');
    }
    loader.close();
    const args: string[] = ['MGET'];
    for (let i = 0; i < KEYS; i++) args.push(`k:${i}`);
    args.push('k:missing');
    const mget = await bigArrayCommand(cold.port, encodeCommand(args), 20_000);
    assert.is(mget.count, KEYS + 1);
    assert.is(mget.first, `value-0-${'p'.repeat(40)}`);
    assert.is(mget.last, '(nil)');
    console.log(`  [limits] MGET of ${KEYS} keys over a 1 MB block cache: ${mget.ms.toFixed(0)} ms`);
  } finally {
    await cold.stop();
  }
});

test.run();
