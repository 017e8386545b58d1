/**
 * The server commands and the connection rules against one running server: INFO, CONFIG,
 * COMMAND, SLOWLOG, MONITOR, CLIENT, DEBUG, limits (maxclients, timeout, query and output buffer
 * limits, proto-max-bulk-len) and concurrency (many clients on the same keys end with exact totals).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { encodeCommand, RawClient, sleep, startServer, TestClients, type TestServer } from './helpers.js';
import { waitFor } from '../support/wait.js';

let srv: TestServer;
const clients = new TestClients();

function client(): Redis {
  return clients.connect({ port: srv.port });
}

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

test('INFO has every section, the keyspace and storage numbers', async () => {
  const r = client();
  await r.flushall();
  await r.set('info:a', '1');
  await r.set('info:b', '2', 'EX', 100);
  await r.call('NOSUCH').catch(() => {});
  const all = await r.info('everything');
  for (const section of ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Keyspace', 'Storage', 'Commandstats', 'Errorstats']) {
    assert.ok(all.includes(`# ${section}\r\n`), section);
  }
  assert.match(all, /\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\n/);
  assert.match(all, /\r\ncmdstat_set:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r\n/);
  assert.match(all, /\r\nerrorstat_ERR:count=\d+/);
  assert.match(all, /\r\nmemtable_bytes:\d+\r\n/);
  assert.match(all, /\r\nconnected_clients:\d+\r\n/);
  const only = await r.info('clients');
  assert.ok(only.startsWith('# Clients\r\n'));
  assert.not.ok(only.includes('# Server'));
  const defaults = await r.info();
  assert.not.ok(defaults.includes('# Commandstats'));
});

test('CONFIG GET/SET and side effects', async () => {
  const r = client();
  assert.equal(await r.config('GET', 'slowlog-*'), ['slowlog-log-slower-than', '10000', 'slowlog-max-len', '128']);
  assert.is(await r.config('SET', 'loglevel', 'verbose', 'appendfsync', 'always'), 'OK');
  assert.equal(await r.config('GET', 'appendfsync'), ['appendfsync', 'always']);
  await r.set('cfg:k', 'durable');
  assert.is(await r.config('SET', 'appendfsync', 'everysec', 'loglevel', 'notice'), 'OK');
  try {
    await r.config('SET', 'port', '1');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /can't set immutable config/);
  }
  try {
    await r.config('REWRITE');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /running without a config file/);
  }
  await r.get('cfg:none');
  assert.is(await r.config('RESETSTAT'), 'OK');
  const stats = await r.info('stats');
  assert.match(stats, /total_error_replies:0\r\n/);
  assert.match(stats, /keyspace_misses:0\r\n/);
});

test('COMMAND: COUNT, LIST, INFO, DOCS (with argument hints), GETKEYS', async () => {
  const r = client();
  const count = (await r.command('COUNT')) as unknown as number;
  const list = (await r.command('LIST')) as string[];
  assert.ok(count > 60);
  assert.ok(list.includes('get') && list.includes('config|get') && list.includes('multi'));
  assert.equal(await r.command('LIST', 'FILTERBY', 'PATTERN', 'client|*'), list.filter((n) => n.startsWith('client|')));
  const info = (await r.command('INFO', 'get')) as unknown[][];
  assert.equal(info[0].slice(0, 6), ['get', 2, ['readonly', 'fast'], 1, 1, 1]);
  const docs = (await r.call('COMMAND', 'DOCS', 'set')) as unknown[];
  assert.is(docs[0], 'set');
  const doc = docs[1] as unknown[];
  const args = doc[doc.indexOf('arguments') + 1] as unknown[][];
  assert.equal(args.map((a) => a[1]), ['key', 'value', 'condition', 'get', 'expiration']);
  assert.equal(await r.call('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), ['a', 'b']);
});

test('SLOWLOG records, trims and resets', async () => {
  const r = client();
  await r.config('SET', 'slowlog-log-slower-than', '0');
  await r.slowlog('RESET');
  await r.set('slow:k', 'x'.repeat(300));
  await r.multi().incr('slow:n').exec();
  await r.config('SET', 'slowlog-log-slower-than', '10000');
  const entries = (await r.slowlog('GET', 10)) as unknown[][];
  const names = entries.map((e) => (e[3] as string[])[0]);
  // As in Redis: EXEC is skip_slowlog; what it ran is logged (MULTI too).
  assert.ok(names.includes('incr') && names.includes('multi') && !names.includes('exec'), names.join(' '));
  const setEntry = entries.find((e) => (e[3] as string[])[0] === 'set');
  assert.ok(setEntry, JSON.stringify(entries));
  assert.equal((setEntry[3] as string[]).slice(0, 2), ['set', 'slow:k']);
  assert.match((setEntry[3] as string[])[2], /\.\.\. \(172 more bytes\)$/);
  const length = (await r.slowlog('LEN')) as unknown as number;
  assert.ok(length >= 1);
  // As in Redis, CONFIG RESETSTAT leaves the slow log alone (only SLOWLOG RESET clears it).
  await r.config('RESETSTAT');
  assert.ok(((await r.slowlog('LEN')) as unknown as number) >= length);
  await r.slowlog('RESET');
  assert.ok(((await r.slowlog('LEN')) as unknown as number) <= 1);
});

test('MONITOR streams other clients\' commands', async () => {
  const m = await RawClient.connect(srv.port);
  assert.is((await m.command('MONITOR')).toString(), '+OK\r\n');
  const r = client();
  await r.set('mon:key', 'a b"c');
  let line = '';
  while (!line.includes('"set"')) line = (await m.readReply()).toString();
  assert.match(line, /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "set" "mon:key" "a b\\"c"\r\n$/);
  m.close();
});

test('CLIENT: SETNAME/LIST/INFO/KILL/REPLY/PAUSE', async () => {
  const a = client();
  const b = client();
  await a.client('SETNAME', 'alpha');
  const idA = (await a.client('ID')) as number;
  const list = (await b.client('LIST')) as string;
  assert.match(list, new RegExp(`id=${idA} addr=127\\.0\\.0\\.1:\\d+ laddr=\\S+ fd=-?\\d+ name=alpha age=\\d+ idle=\\d+ flags=N db=0 `));
  assert.match((await a.client('INFO')) as string, /name=alpha .*cmd=client\|info /);
  assert.is(await b.client('KILL', 'ID', String(idA)), 1);
  await waitFor('the killed client to see its connection close', () => a.status === 'end' || a.status === 'close' || a.status === 'reconnecting');

  const raw = await RawClient.connect(srv.port);
  raw.write(Buffer.concat([encodeCommand(['CLIENT', 'REPLY', 'OFF']), encodeCommand(['SET', 'rep:k', '1']), encodeCommand(['CLIENT', 'REPLY', 'SKIP']),
    encodeCommand(['CLIENT', 'REPLY', 'ON']), encodeCommand(['GET', 'rep:k']), encodeCommand(['CLIENT', 'REPLY', 'SKIP']), encodeCommand(['PING']), encodeCommand(['ECHO', 'x'])]));
  assert.is((await raw.readReplies(3)).toString(), '+OK\r\n$1\r\n1\r\n$1\r\nx\r\n');
  raw.close();

  // A WRITE pause long enough that only UNPAUSE can end it within the test: a read that answers
  // was not paused, a write that has not answered after the read was.
  const c = client();
  assert.is(await c.client('PAUSE', '100000', 'WRITE'), 'OK');
  assert.is(await c.get('rep:k'), '1', 'reads are not paused by WRITE');
  const paused = c.set('rep:k', '2');
  assert.is(await b.get('rep:k'), '1', 'the write waits for the pause');
  assert.is(await b.client('UNPAUSE'), 'OK');
  assert.is(await paused, 'OK');
  assert.is(await b.get('rep:k'), '2');
  // ALL pauses everything, CLIENT UNPAUSE included (as in Redis 7.0), until the time is up.
  await c.client('PAUSE', '200');
  const t0 = Date.now();
  assert.is(await b.get('rep:k'), '2');
  assert.ok(Date.now() - t0 >= 150, 'reads waited too');
  await c.client('PAUSE', '100000', 'WRITE');
  assert.is(await b.client('UNPAUSE'), 'OK');
  assert.is(await c.set('rep:k', '3'), 'OK');
});

test('DEBUG SLEEP, TIME, LASTSAVE, SAVE, BGSAVE', async () => {
  const r = client();
  assert.is(await r.call('DEBUG', 'SLEEP', '0'), 'OK');
  const [sec, usec] = (await r.time()) as unknown as [string, string];
  assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
  assert.ok(Number(usec) >= 0 && Number(usec) < 1e6);
  const before = await r.lastsave();
  await r.set('save:k', 'v');
  assert.is(await r.save(), 'OK');
  assert.ok((await r.lastsave()) >= before);
  assert.is(await r.bgsave(), 'Background saving started');
});

test('maxclients refuses extra connections with Redis\' error', async () => {
  const r = client();
  const current = Number(/connected_clients:(\d+)/.exec(await r.info('clients'))?.[1]);
  await r.config('SET', 'maxclients', String(current + 1));
  const ok = await RawClient.connect(srv.port);
  assert.is((await ok.command('PING')).toString(), '+PONG\r\n');
  const refused = await RawClient.connect(srv.port);
  assert.is((await refused.readUntilClose(2000)).toString(), '-ERR max number of clients reached\r\n');
  ok.close();
  await sleep(50);
  await r.config('SET', 'maxclients', '10000');
  assert.match(await r.info('stats'), /rejected_connections:[1-9]/);
});

test('protocol limits: proto-max-bulk-len and client-query-buffer-limit', async () => {
  const r = client();
  await r.config('SET', 'proto-max-bulk-len', '1mb', 'client-query-buffer-limit', '1mb');
  const big = await RawClient.connect(srv.port);
  big.write('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
  assert.is((await big.readUntilClose(2000)).toString(), '-ERR Protocol error: invalid bulk length\r\n');
  const flood = await RawClient.connect(srv.port);
  flood.write('*2\r\n$4\r\nECHO\r\n$1000000\r\n');
  flood.write(Buffer.alloc(600_000, 0x61));
  flood.write(encodeCommand(['PING']));
  await sleep(30);
  flood.write(Buffer.alloc(600_000, 0x61)); // completes the bulk: fine
  assert.is((await flood.readReply()).length, 1_000_000 + 12);
  const hog = await RawClient.connect(srv.port);
  hog.write('*2\r\n$4\r\nECHO\r\n$1000000\r\n');
  for (let i = 0; i < 30; i++) hog.write(Buffer.alloc(100_000, 0x62)); // 3 MB of pipelined garbage after it
  hog.write('x'.repeat(10));
  await hog.readUntilClose(3000);
  assert.ok(hog.isClosed, 'a client over the query buffer limit is disconnected');
  flood.close();
  await r.config('SET', 'proto-max-bulk-len', '512mb', 'client-query-buffer-limit', '1gb');
  assert.is(await r.ping(), 'PONG');
});

test('a client that does not read its replies is disconnected at the output limit', async () => {
  const r = client();
  await r.set('big:v', 'z'.repeat(512 * 1024));
  await r.config('SET', 'client-output-buffer-limit', 'normal 0 512kb 1');
  const slow = await RawClient.connect(srv.port);
  const id = (await slow.command('CLIENT', 'ID')).toString().slice(1, -2);
  slow.socket.pause(); // never read
  const get = encodeCommand(['GET', 'big:v']);
  for (let i = 0; i < 200; i++) slow.write(get);
  const deadline = Date.now() + 5000;
  let gone = false;
  while (!gone && Date.now() < deadline) {
    await sleep(100);
    gone = (await r.client('LIST', 'ID', id)) === '';
  }
  assert.ok(gone, 'disconnected by the server');
  slow.close();
  await r.config('SET', 'client-output-buffer-limit', 'normal 256mb 64mb 60');
  const mem = Number(/used_memory_rss:(\d+)/.exec(await r.info('memory'))?.[1]);
  assert.ok(mem < 600 * 1024 * 1024, `rss ${mem}`);
});

test('idle timeout closes quiet clients', async () => {
  const r = client();
  await r.config('SET', 'timeout', '1');
  const idle = await RawClient.connect(srv.port);
  await idle.command('PING');
  await idle.readUntilClose(3500);
  assert.ok(idle.isClosed);
  await client().config('SET', 'timeout', '0'); // `r` was idle too and is gone
});

test('concurrency: INCR and MULTI/EXEC from many clients end with exact totals', async () => {
  const seed = 4242;
  const r = client();
  await r.del('conc:n', 'conc:a', 'conc:b', 'conc:w');
  const workers = Array.from({ length: 20 }, () => client());
  const rounds = 100;
  await Promise.all(workers.map(async (w, i) => {
    for (let k = 0; k < rounds; k++) {
      const incr = w.incr('conc:n');
      if ((k + i + seed) % 3 === 0) await w.multi().incrby('conc:a', 2).decrby('conc:b', 2).exec();
      await incr;
    }
  }));
  assert.is(await r.get('conc:n'), String(20 * rounds), `seed ${seed}`);
  const a = Number(await r.get('conc:a'));
  const b = Number(await r.get('conc:b'));
  assert.is(a + b, 0, 'the two halves of each transaction were applied together');
  // Optimistic locking with WATCH: every increment lands exactly once.
  await Promise.all(workers.slice(0, 8).map(async (w) => {
    for (let k = 0; k < 20; k++) {
      for (;;) {
        await w.watch('conc:w');
        const v = Number((await w.get('conc:w')) ?? '0');
        const res = await w.multi().set('conc:w', String(v + 1)).exec();
        if (res !== null) break;
      }
    }
  }));
  assert.is(await r.get('conc:w'), '160');
});

test.run();
