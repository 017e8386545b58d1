/**
 * The REST gateway (/v1/kv on the admin port) against the real server, with real HTTP requests
 * (fetch, node:http) next to real RESP clients (ioredis, raw sockets): binary-safe round trips,
 * TTLs, prefix listing with paging, auth, errors, and that a REST operation is a command like any
 * other (stats, MONITOR, WATCH, durability).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Redis } from 'ioredis';
import { freePort, RawClient, sleep, startServer, testRedis, type StartOptions, type TestServer } from './helpers.js';

interface Gateway {
  srv: TestServer;
  adminPort: number;
  /** http://127.0.0.1:<admin port>/v1/kv */
  kv: string;
}

async function startGateway(options: StartOptions = {}): Promise<Gateway> {
  const adminPort = await freePort();
  const srv = await startServer({ ...options, args: ['--admin-port', String(adminPort), ...(options.args ?? [])] });
  return { srv, adminPort, kv: `http://127.0.0.1:${adminPort}/v1/kv` };
}

function redis(srv: TestServer, password?: string): Redis {
  return testRedis({ port: srv.port, password });
}

/** Every byte percent-encoded: how a client addresses a binary key. */
function pct(bytes: Buffer | string): string {
  return [...Buffer.from(bytes)].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
}

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

async function errorOf(res: Response): Promise<string> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const json = (await res.json()) as { error?: unknown };
  assert.type(json.error, 'string');
  return json.error as string;
}

interface Page {
  items: Array<{ key: string; value: string }>;
  next_cursor: string | null;
}

/** Pages through /v1/kv?prefix=... and returns every [key, value] in the order received. */
async function listAll(kv: string, prefix: Buffer | string, limit: number): Promise<{ entries: Array<[Buffer, Buffer]>; pages: number }> {
  const entries: Array<[Buffer, Buffer]> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await fetch(`${kv}?prefix=${pct(prefix)}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
    assert.is(res.status, 200);
    const page = (await res.json()) as Page;
    assert.ok(page.items.length <= limit, 'a page holds at most limit items');
    for (const item of page.items) entries.push([Buffer.from(item.key, 'base64'), Buffer.from(item.value, 'base64')]);
    cursor = page.next_cursor;
    pages++;
    assert.ok(pages < 10_000, 'the listing ends');
  } while (cursor !== null);
  return { entries, pages };
}

let gw: Gateway;
let r: Redis;

test.before(async () => {
  gw = await startGateway();
  r = redis(gw.srv);
});

test.after(async () => {
  r.disconnect();
  await gw.srv.stop();
});

test('PUT, GET, DELETE round trip with a binary key and value; 404 for a missing key', async () => {
  const key = Buffer.from([0x00, 0xff, 0x2f, 0x3f, 0x25, 0x20, 0x2b, 0x0d, 0x0a, 0x80]); // NUL, 0xff, / ? % space + CR LF
  const value = Buffer.alloc(70_000);
  for (let i = 0; i < value.length; i++) value[i] = (i * 7919) & 0xff;
  const url = `${gw.kv}/${pct(key)}`;
  const put = await fetch(url, { method: 'PUT', body: value });
  assert.is(put.status, 204);
  const get = await fetch(url);
  assert.is(get.status, 200);
  assert.is(get.headers.get('content-type'), 'application/octet-stream');
  assert.is(get.headers.get('content-length'), String(value.length));
  assert.ok((await body(get)).equals(value), 'the bytes come back unchanged');
  assert.ok((await r.getBuffer(key))?.equals(value), 'RESP sees the same key and bytes');

  const head = await fetch(url, { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers.get('content-length'), String(value.length));

  const empty = await fetch(`${gw.kv}/empty-value`, { method: 'PUT', body: '' });
  assert.is(empty.status, 204);
  assert.is((await body(await fetch(`${gw.kv}/empty-value`))).length, 0);
  assert.is(await r.strlen('empty-value'), 0);

  assert.is((await fetch(url, { method: 'DELETE' })).status, 204);
  const gone = await fetch(url);
  assert.is(gone.status, 404);
  assert.is(await errorOf(gone), 'no such key');
  const again = await fetch(url, { method: 'DELETE' });
  assert.is(again.status, 404);
  assert.is(await errorOf(again), 'no such key');
  assert.is(await r.exists(key), 0);
});

test('a value written by ioredis is read over REST, and the other way round; "+" in a path is a plus', async () => {
  await r.set('from:resp', 'written by ioredis');
  assert.is(await (await fetch(`${gw.kv}/from:resp`)).text(), 'written by ioredis');
  assert.is((await fetch(`${gw.kv}/from+rest/%C3%A9`, { method: 'PUT', body: 'written over HTTP' })).status, 204);
  assert.is(await r.get('from+rest/\u00e9'), 'written over HTTP');
});

test('PUT ?ttl=SECONDS sets an expiry RESP sees; the key then expires; PUT without ttl clears it', async () => {
  assert.is((await fetch(`${gw.kv}/session?ttl=100`, { method: 'PUT', body: 'a' })).status, 204);
  const ttl = await r.ttl('session');
  assert.ok(ttl > 90 && ttl <= 100, `TTL ${ttl}`);
  assert.is((await fetch(`${gw.kv}/session`, { method: 'PUT', body: 'b' })).status, 204);
  assert.is(await r.ttl('session'), -1, 'a plain PUT is a plain SET: the TTL is gone');

  assert.is((await fetch(`${gw.kv}/short?ttl=1`, { method: 'PUT', body: 'soon gone' })).status, 204);
  assert.is(await r.ttl('short'), 1);
  let status = 200;
  for (let i = 0; i < 60 && status === 200; i++) {
    await sleep(100);
    const res = await fetch(`${gw.kv}/short`);
    status = res.status;
    await res.arrayBuffer();
  }
  assert.is(status, 404, 'expired');
  assert.is(await r.exists('short'), 0);
});

test('listing: keys with the prefix in byte order, every key exactly once across pages, values included, expired keys left out', async () => {
  const prefix = Buffer.from('list:\u00ff*[?\\', 'latin1'); // glob characters and a high byte are literal
  const expected: Array<[Buffer, Buffer]> = [];
  const pipe = r.pipeline();
  for (let i = 0; i < 250; i++) {
    const key = Buffer.concat([prefix, Buffer.from(String(i)), i % 10 === 0 ? Buffer.from([0x00, 0xfe]) : Buffer.alloc(0)]);
    const value = Buffer.from(`value ${i}`);
    expected.push([key, value]);
    pipe.set(key, value);
  }
  // Neighbours that must not show up: a shorter prefix, the prefix's last byte changed, a
  // pattern-looking key, and keys in another database.
  pipe.set(Buffer.from('list:\u00ff*[?', 'latin1'), 'no');
  pipe.set(Buffer.from('list:\u00ff*[?]', 'latin1'), 'no');
  pipe.set(Buffer.from('list:\u00ffx[?\\1', 'latin1'), 'no');
  pipe.select(3).set(Buffer.concat([prefix, Buffer.from('db3')]), 'no').select(0);
  for (let i = 0; i < 30; i++) pipe.set(Buffer.concat([prefix, Buffer.from(`zexpired${i}`)]), 'x', 'PX', 1);
  await pipe.exec();
  await sleep(50);
  expected.sort((a, b) => Buffer.compare(a[0], b[0]));

  for (const limit of [1, 7, 100, 1000]) {
    const { entries, pages } = await listAll(gw.kv, prefix, limit);
    assert.is(entries.length, expected.length, `limit ${limit}: every key`);
    for (let i = 0; i < expected.length; i++) {
      assert.ok(entries[i][0].equals(expected[i][0]), `limit ${limit}: key ${i} in byte order`);
      assert.ok(entries[i][1].equals(expected[i][1]), `limit ${limit}: value ${i}`);
    }
    assert.ok(pages >= Math.ceil(expected.length / limit), `limit ${limit}: ${pages} pages`);
  }

  const defaults = (await (await fetch(`${gw.kv}?prefix=${pct(prefix)}`)).json()) as Page;
  assert.is(defaults.items.length, 100, 'limit defaults to 100');
  assert.type(defaults.next_cursor, 'string');
  const none = (await (await fetch(`${gw.kv}?prefix=no-such-prefix`)).json()) as Page;
  assert.equal(none, { items: [], next_cursor: null });
});

test('bad input: JSON errors with 400, 404, 405 and 413', async () => {
  const cases: Array<[string, RequestInit, number, RegExp]> = [
    [`${gw.kv}/k?ttl=0`, { method: 'PUT', body: 'x' }, 400, /ttl must be a whole number of seconds/],
    [`${gw.kv}/k?ttl=-5`, { method: 'PUT', body: 'x' }, 400, /ttl must be a whole number of seconds/],
    [`${gw.kv}/k?ttl=1.5`, { method: 'PUT', body: 'x' }, 400, /ttl must be a whole number of seconds/],
    [`${gw.kv}/k?ttl=99999999999999999999`, { method: 'PUT', body: 'x' }, 400, /ttl is too large/],
    [`${gw.kv}/k?ttl=9223372036854776`, { method: 'PUT', body: 'x' }, 400, /ttl is too large \(ERR invalid expire time in 'set' command\)/],
    [`${gw.kv}/k?ttl=5&ttl=6`, { method: 'PUT', body: 'x' }, 400, /'ttl' is given more than once/],
    [`${gw.kv}/k?expire=5`, { method: 'PUT', body: 'x' }, 400, /unknown parameter 'expire'/],
    [`${gw.kv}/k?x=1`, {}, 400, /unknown parameter 'x': this request takes none/],
    [`${gw.kv}/`, {}, 400, /the key is empty/],
    [`${gw.kv}/bad%zzescape`, {}, 400, /malformed percent-escape '%zz'/],
    [`${gw.kv}?limit=0`, {}, 400, /limit must be a whole number from 1 to 1000/],
    [`${gw.kv}?limit=1001`, {}, 400, /limit must be a whole number from 1 to 1000/],
    [`${gw.kv}?limit=ten`, {}, 400, /limit must be a whole number from 1 to 1000/],
    [`${gw.kv}?cursor=abc`, {}, 400, /cursor must be the next_cursor of a previous page/],
    [`${gw.kv}?prefix=a&prefix=b`, {}, 400, /'prefix' is given more than once/],
    [`${gw.kv}/k`, { method: 'POST', body: 'x' }, 405, /method POST not allowed here; use GET, HEAD, PUT, DELETE/],
    [gw.kv, { method: 'DELETE' }, 405, /method DELETE not allowed here; use GET, HEAD/],
    [`${gw.kv.replace('/v1/kv', '/v1/other')}`, {}, 404, /nothing here: \/v1\/other/],
  ];
  for (const [url, init, status, message] of cases) {
    const res = await fetch(url, init);
    assert.is(res.status, status, `${init.method ?? 'GET'} ${url}`);
    assert.match(await errorOf(res), message);
  }
  assert.is((await fetch(`${gw.kv}/k`, { method: 'PATCH', body: 'x' })).headers.get('allow'), 'GET, HEAD, PUT, DELETE');
  assert.is(await r.exists('k'), 0, 'nothing was written by a refused request');
});

/** A PUT sent with node:http, so the test controls framing (chunked, Expect: 100-continue). */
function put(port: number, path: string, headers: http.OutgoingHttpHeaders, send: (req: http.ClientRequest) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'PUT', headers });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    send(req);
  });
}

test('values larger than proto-max-bulk-len get 413: declared, chunked, or refused before an Expect: 100-continue upload', async () => {
  const { srv, adminPort, kv } = await startGateway({ args: ['--proto-max-bulk-len', '1mb'] });
  const limit = 1024 * 1024;
  try {
    const exact = await fetch(`${kv}/exact`, { method: 'PUT', body: Buffer.alloc(limit, 1) });
    assert.is(exact.status, 204, 'exactly proto-max-bulk-len is fine');

    const declared = await fetch(`${kv}/big`, { method: 'PUT', body: Buffer.alloc(limit + 1, 1) });
    assert.is(declared.status, 413);
    assert.match(await errorOf(declared), /larger than proto-max-bulk-len \(1048576 bytes\)/);

    const chunked = await put(adminPort, '/v1/kv/big', { 'Transfer-Encoding': 'chunked' }, (req) => {
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 2));
      req.end();
    });
    assert.is(chunked.status, 413);
    assert.match(chunked.body, /larger than proto-max-bulk-len/);

    let bodySent = false;
    const expect = await put(adminPort, '/v1/kv/big', { Expect: '100-continue', 'Content-Length': String(limit * 2) }, (req) => {
      req.on('continue', () => {
        bodySent = true;
        req.end(Buffer.alloc(limit * 2));
      });
      req.flushHeaders();
    });
    assert.is(expect.status, 413);
    assert.not.ok(bodySent, 'no 100 Continue: the body was never sent');
    const small = await put(adminPort, '/v1/kv/continued', { Expect: '100-continue', 'Content-Length': '5' }, (req) => {
      req.on('continue', () => req.end('hello'));
      req.flushHeaders();
    });
    assert.is(small.status, 204);

    const r2 = redis(srv);
    assert.is(await r2.exists('big'), 0);
    assert.is(await r2.get('continued'), 'hello');
    r2.disconnect();
  } finally {
    await srv.stop();
  }
});

test('an upload cut short by the client writes nothing', async () => {
  const socket = net.connect(gw.adminPort, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write('PUT /v1/kv/cut-short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part of it');
  await sleep(100);
  socket.destroy();
  await sleep(100);
  assert.is((await fetch(`${gw.kv}/cut-short`)).status, 404);
  assert.is(await r.exists('cut-short'), 0);
});

test('REST operations are commands: counted in commandstats, shown by MONITOR with the HTTP peer, and they break a WATCH', async () => {
  const before = await r.info('commandstats');
  const calls = (text: string, cmd: string): number => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(text)?.[1] ?? 0);

  const monitor = await RawClient.connect(gw.srv.port);
  assert.is((await monitor.command('MONITOR')).toString(), '+OK\r\n');
  assert.is((await fetch(`${gw.kv}/watched`, { method: 'PUT', body: 'v1' })).status, 204);
  const line = (await monitor.readReply()).toString('latin1');
  assert.match(line, /^\+\d+\.\d{6} \[0 http:127\.0\.0\.1:\d+\] "SET" "watched" "v1"\r\n$/);
  monitor.close();

  const after = await r.info('commandstats');
  assert.is(calls(after, 'set'), calls(before, 'set') + 1);

  const watcher = redis(gw.srv);
  await watcher.watch('watched');
  assert.is((await fetch(`${gw.kv}/watched`, { method: 'PUT', body: 'v2' })).status, 204);
  const result = await watcher.multi().set('watched', 'from the transaction').exec();
  assert.is(result, null, 'EXEC aborted: the watched key changed under it');
  assert.is(await r.get('watched'), 'v2');
  watcher.disconnect();
});

test('with requirepass, /v1 needs the password as a bearer token (or Basic credentials)', async () => {
  const { srv, kv } = await startGateway({ args: ['--requirepass', 'rest-secret'] });
  try {
    const anonymous = await fetch(`${kv}/k`, { method: 'PUT', body: 'x' });
    assert.is(anonymous.status, 401);
    assert.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="stratakv"');
    assert.match(await errorOf(anonymous), /authentication required/);
    const wrong = await fetch(`${kv}/k`, { method: 'PUT', body: 'x', headers: { Authorization: 'Bearer nope' } });
    assert.is(wrong.status, 401);
    // Basic credentials carry the same password (test/e2e/admin.test.ts covers them): no such key yet.
    const basic = await fetch(`${kv}/k`, { headers: { Authorization: `Basic ${Buffer.from('default:rest-secret').toString('base64')}` } });
    assert.is(basic.status, 404);
    const auth = { Authorization: 'Bearer rest-secret' };
    assert.is((await fetch(`${kv}/k`, { method: 'PUT', body: 'x', headers: auth })).status, 204);
    assert.is(await (await fetch(`${kv}/k`, { headers: auth })).text(), 'x');
    assert.is((await fetch(`${kv}?prefix=k`, { headers: auth })).status, 200);
    assert.is((await fetch(kv)).status, 401);
    const r2 = redis(srv, 'rest-secret');
    assert.is(await r2.get('k'), 'x');
    r2.disconnect();
  } finally {
    await srv.stop();
  }
});

test('appendfsync always: every PUT answered 204 survives a SIGKILL right after', async () => {
  const { srv, kv } = await startGateway({ args: ['--appendfsync', 'always'] });
  const dir = srv.dir;
  try {
    const acked: string[] = [];
    const writes = Array.from({ length: 40 }, async (_, i) => {
      const res = await fetch(`${kv}/durable:${i}`, { method: 'PUT', body: `value ${i}` });
      if (res.status === 204) acked.push(`durable:${i}`);
    });
    await Promise.all(writes);
    assert.is(acked.length, 40);
    await srv.kill();
    const again = await startGateway({ dir });
    try {
      for (const key of acked) {
        const res = await fetch(`${again.kv}/${key}`);
        assert.is(res.status, 200, key);
        assert.is(await res.text(), `value ${key.slice('durable:'.length)}`);
      }
    } finally {
      await again.srv.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
