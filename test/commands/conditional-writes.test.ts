/**
 * The compare-and-set commands newer than Redis 7.0, end to end with ioredis over a real socket:
 * SET's IFEQ/IFNE/IFDEQ/IFDNE, DELEX, DIGEST and MSETEX (Redis 8.4), DELIFEQ (Valkey 9.0). The
 * documented examples and the edge cases the docs and Redis' own tests name (IFEQ on a missing
 * key, DIGEST of a non-string, MSETEX numkeys mismatches, NX against existing keys), their
 * keyspace events, MULTI/WATCH, ACL categories, COMMAND metadata, and MSETEX's atomicity across a
 * SIGKILL under appendfsync always. The same semantics run as a model in test/diff/model/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { sleep, startServer, TestClients, type TestServer } from '../e2e/helpers.js';

let srv: TestServer;
const clients = new TestClients();

function client(port = srv.port): Redis {
  const r = clients.connect({ port });
  r.on('error', () => {});
  return r;
}

/** The error text a command fails with (the test fails if it succeeds). */
async function errorOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the command did not fail');
}

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

test.before.each(async () => {
  await client().flushall();
});

/** kB of transparent huge pages the server process has mapped (0 where /proc does not say). */
function serverHugePages(): number {
  try {
    return Number(/^AnonHugePages:\s+(\d+) kB/m.exec(readFileSync(`/proc/${srv.process.pid}/smaps_rollup`, 'latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

// First: the server has not loaded the hasher yet.
test('DIGEST loads the native hasher without mapping a transparent huge page (LATENCY DOCTOR would advise against THP)', async () => {
  const before = serverHugePages();
  await client().set('k', 'v');
  assert.is(await client().call('DIGEST', 'k'), 'f7042be43fb80714');
  assert.ok(serverHugePages() <= before, `AnonHugePages ${before} kB before the first DIGEST, ${serverHugePages()} kB after`);
});

// Known answers: XXH3-64 of these values as computed by the C reference library (Debian's
// libxxhash 0.8.1, called from python3 through ctypes), independently of the npm package the
// server uses; the first is also redis.io's DIGEST example, the fourth Redis' own test of the
// leading zeros (tests/unit/type/string.tcl, PR #14502).
const KNOWN_DIGESTS: ReadonlyArray<readonly [string, string]> = [
  ['Hello world', 'b6acb9d84a38ff74'],
  ['', '2d06800538d394c2'],
  ['v8', '0cc76dbb41381419'],
  ['v8lf0c11xh8ymlqztfd3eeq16kfn4sspw7fqmnuuq3k3t75em5wdizgcdw7uc26nnf961u2jkfzkjytls2kwlj7626sd', '00006c38adf31777'],
  ['hello', '9555e8555c62dcfd'],
];

test('DIGEST: 16 lowercase hex digits of XXH3-64, leading zeros kept (known answers)', async () => {
  const r = client();
  for (const [value, digest] of KNOWN_DIGESTS) {
    await r.set('k', value);
    assert.is(await r.call('DIGEST', 'k'), digest, JSON.stringify(value));
  }
  // 1280 bytes: XXH3's long-input path (over 240 bytes), answer from the same C library.
  const long = Buffer.alloc(1280);
  for (let i = 0; i < long.length; i++) long[i] = i % 256;
  await r.set('long', long);
  assert.is(await r.call('DIGEST', 'long'), '4844b009e164352e');
});

test('DIGEST: nil for a missing key, WRONGTYPE for a non-string, arity errors', async () => {
  const r = client();
  assert.is(await r.call('DIGEST', 'missing'), null);
  await r.rpush('list', 'a');
  await r.hset('hash', 'f', 'v');
  assert.match(await errorOf(r.call('DIGEST', 'list')), /^WRONGTYPE Operation against a key holding the wrong kind of value/);
  assert.match(await errorOf(r.call('DIGEST', 'hash')), /^WRONGTYPE/);
  assert.is(await errorOf(r.call('DIGEST')), "ERR wrong number of arguments for 'digest' command");
  assert.is(await errorOf(r.call('DIGEST', 'a', 'b')), "ERR wrong number of arguments for 'digest' command");
});

test('SET IFEQ / IFNE: set only when the value matches (or not); a missing key is created by IFNE only', async () => {
  const r = client();
  await r.set('k', 'hello');
  assert.is(await r.call('SET', 'k', 'world', 'IFEQ', 'different'), null);
  assert.is(await r.get('k'), 'hello');
  assert.is(await r.call('SET', 'k', 'world', 'IFEQ', 'hello'), 'OK');
  assert.is(await r.get('k'), 'world');
  assert.is(await r.call('SET', 'k', 'again', 'ifne', 'world'), null, 'IFNE with the same value');
  assert.is(await r.call('SET', 'k', 'again', 'IfNe', 'other'), 'OK');
  assert.is(await r.get('k'), 'again');

  assert.is(await r.call('SET', 'missing', 'v', 'IFEQ', 'v'), null, 'IFEQ on a missing key');
  assert.is(await r.exists('missing'), 0, 'and nothing created');
  assert.is(await r.call('SET', 'missing', 'v', 'IFDEQ', '1234567890'), null, 'IFDEQ on a missing key: the digest is not even checked');
  assert.is(await r.exists('missing'), 0);
  assert.is(await r.call('SET', 'created', 'v', 'IFNE', 'v'), 'OK', 'IFNE on a missing key creates it');
  assert.is(await r.call('SET', 'created2', 'v', 'IFDNE', '1234567890'), 'OK', 'IFDNE too');
  assert.is(await r.get('created2'), 'v');

  // An integer-encoded value compares as its text; the comparison is of bytes, not numbers.
  await r.set('n', '12345');
  assert.is(await r.call('SET', 'n', 'x', 'IFEQ', '012345'), null);
  assert.is(await r.call('SET', 'n', 'x', 'IFEQ', '12345'), 'OK');
  await r.set('bin', Buffer.from([0, 1, 0xff, 0x0d, 0x0a]));
  assert.is(await r.call('SET', 'bin', 'y', 'IFEQ', Buffer.from([0, 1, 0xff, 0x0d, 0x0a])), 'OK', 'binary-safe');
});

test('SET IFDEQ / IFDNE: against DIGEST, case-insensitive; only the length of a digest is checked', async () => {
  const r = client();
  await r.set('k', 'hello');
  assert.is(await r.call('SET', 'k', 'world', 'IFDEQ', '0000000000000000'), null);
  assert.is(await r.call('SET', 'k', 'world', 'IFDEQ', '9555E8555C62DCFD'), 'OK', 'upper-case digest');
  assert.is(await r.get('k'), 'world');
  const digest = String(await r.call('DIGEST', 'k'));
  assert.is(await r.call('SET', 'k', 'x', 'IFDNE', digest), null);
  assert.is(await r.call('SET', 'k', 'x', 'IFDNE', 'z'.repeat(16)), 'OK', '16 characters that are not hex never match');
  for (const bad of ['', '123', digest.slice(1), `0${digest}`]) {
    assert.is(await errorOf(r.call('SET', 'k', 'y', 'IFDEQ', bad)), 'ERR must be exactly 16 hexadecimal characters', JSON.stringify(bad));
    assert.is(await errorOf(r.call('SET', 'k', 'y', 'IFDNE', bad)), 'ERR must be exactly 16 hexadecimal characters');
  }
  assert.is(await r.get('k'), 'x');
});

test('SET IF* with GET answers the old value whether or not the condition held; with an expiration; errors', async () => {
  const r = client();
  await r.set('k', 'hello');
  assert.is(await r.call('SET', 'k', 'world', 'IFEQ', 'different', 'GET'), 'hello');
  assert.is(await r.get('k'), 'hello');
  assert.is(await r.call('SET', 'k', 'world', 'GET', 'IFEQ', 'hello'), 'hello');
  assert.is(await r.get('k'), 'world');
  assert.is(await r.call('SET', 'missing', 'v', 'IFEQ', 'x', 'GET'), null);
  assert.is(await r.exists('missing'), 0);

  assert.is(await r.call('SET', 'k', 'timed', 'IFEQ', 'world', 'EX', '100'), 'OK');
  const ttl = await r.ttl('k');
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.is(await r.call('SET', 'k', 'kept', 'IFNE', 'x', 'KEEPTTL'), 'OK');
  assert.ok((await r.ttl('k')) > 90, 'KEEPTTL with a condition');

  // One condition at most: NX, XX and the IF* exclude each other.
  for (const options of [['NX', 'IFEQ', 'a'], ['IFEQ', 'a', 'XX'], ['IFEQ', 'a', 'IFNE', 'b'], ['IFDEQ', 'a'.repeat(16), 'NX'], ['IFEQ']]) {
    assert.is(await errorOf(r.call('SET', 'k', 'v', ...options)), 'ERR syntax error', options.join(' '));
  }
  await r.rpush('list', 'a');
  for (const condition of ['IFEQ', 'IFNE']) assert.match(await errorOf(r.call('SET', 'list', 'v', condition, 'a')), /^WRONGTYPE/, condition);
  for (const condition of ['IFDEQ', 'IFDNE']) assert.match(await errorOf(r.call('SET', 'list', 'v', condition, '1234567890')), /^WRONGTYPE/, `${condition}: the type first`);
  assert.is(await r.type('list'), 'list');
  // Without a condition SET still overwrites any type, as in 7.0.
  assert.is(await r.set('list', 'v'), 'OK');
});

test('DELEX: without a condition any type; with one, strings only; errors in Redis\' order', async () => {
  const r = client();
  assert.is(await r.call('DELEX', 'missing'), 0);
  await r.hset('hash', 'f', 'v');
  assert.is(await r.call('DELEX', 'hash'), 1);
  assert.is(await r.exists('hash'), 0);

  await r.set('k', 'hello');
  assert.is(await r.call('DELEX', 'k', 'IFEQ', 'world'), 0);
  assert.is(await r.call('DELEX', 'k', 'IFNE', 'hello'), 0);
  assert.is(await r.call('DELEX', 'k', 'IFDNE', '9555e8555c62dcfd'), 0);
  assert.is(await r.call('DELEX', 'k', 'IFDEQ', '9555E8555C62DCFD'), 1);
  await r.set('k', 'hello');
  assert.is(await r.call('DELEX', 'k', 'ifne', 'world'), 1);

  for (const condition of ['IFEQ', 'IFNE', 'IFDEQ', 'IFDNE', 'FOO']) {
    assert.is(await r.call('DELEX', 'missing', condition, 'x'), 0, `a missing key is 0 before the condition is read (${condition})`);
  }
  await r.rpush('list', 'a');
  for (const condition of ['IFEQ', 'FOO']) {
    assert.is(await errorOf(r.call('DELEX', 'list', condition, 'a')), 'ERR Key should be of string type if conditions are specified');
  }
  assert.is(await r.exists('list'), 1);
  await r.set('s', 'hello');
  assert.is(await errorOf(r.call('DELEX', 's', 'EQ', 'hello')), 'ERR Invalid condition. Use IFEQ, IFNE, IFDEQ, or IFDNE');
  assert.is(await errorOf(r.call('DELEX', 's', 'IFDEQ', '123')), 'ERR must be exactly 16 hexadecimal characters');
  for (const args of [['IFEQ'], ['IFEQ', 'hello', 'extra']]) {
    assert.is(await errorOf(r.call('DELEX', 's', ...args)), "ERR wrong number of arguments for 'delex' command");
    assert.is(await errorOf(r.call('DELEX', 'missing', ...args)), "ERR wrong number of arguments for 'delex' command");
  }
  assert.is(await r.get('s'), 'hello');
});

test('DELIFEQ (Valkey 9.0): the documented examples', async () => {
  const r = client();
  await r.set('mykey', 'abc123');
  assert.is(await r.call('DELIFEQ', 'mykey', 'abc123'), 1);
  assert.is(await r.call('DELIFEQ', 'mykey', 'abc123'), 0);
  await r.set('mykey', 'xyz789');
  assert.is(await r.call('DELIFEQ', 'mykey', 'abc123'), 0);
  assert.is(await r.get('mykey'), 'xyz789');
  await r.del('mykey');
  await r.sadd('mykey', 'somevalue');
  assert.match(await errorOf(r.call('DELIFEQ', 'mykey', 'somevalue')), /^WRONGTYPE/);
  assert.is(await errorOf(r.call('DELIFEQ', 'mykey')), "ERR wrong number of arguments for 'delifeq' command");
});

test('MSETEX: expirations for every key, NX/XX all or nothing, KEEPTTL', async () => {
  const r = client();
  assert.is(await r.call('MSETEX', '2', 'a', '1', 'b', '2', 'EX', '100'), 1);
  assert.equal(await r.mget('a', 'b'), ['1', '2']);
  for (const key of ['a', 'b']) assert.ok((await r.ttl(key)) > 90, key);
  assert.is(await r.call('MSETEX', '2', 'a', 'x', 'new', 'y', 'NX', 'EX', '100'), 0, 'NX with an existing key');
  assert.is(await r.exists('new'), 0, 'nothing set');
  assert.is(await r.get('a'), '1');
  assert.is(await r.call('MSETEX', '2', 'a', 'x', 'new', 'y', 'XX'), 0, 'XX with a missing key');
  assert.is(await r.exists('new'), 0);
  assert.is(await r.call('MSETEX', '2', 'a', 'x', 'b', 'y', 'xx', 'keepttl'), 1, 'options in any case');
  assert.equal(await r.mget('a', 'b'), ['x', 'y']);
  assert.ok((await r.ttl('a')) > 90, 'KEEPTTL kept it');
  assert.is(await r.call('MSETEX', '1', 'a', 'z'), 1);
  assert.is(await r.ttl('a'), -1, 'no expiration option: the TTL goes, as with MSET');
  assert.is(await r.call('MSETEX', '2', 'p', '1', 'q', '2', 'PXAT', '1000'), 1, 'a time in the past');
  assert.is(await r.exists('p', 'q'), 0, 'expires them at once');
  assert.is(await r.call('MSETEX', '1', 'nx1', 'v', 'EX', '100', 'NX'), 1, 'condition after the expiration');
  await r.rpush('list', 'a');
  assert.is(await r.call('MSETEX', '1', 'list', 'v'), 1, 'overwrites any type, as MSET');
  assert.is(await r.get('list'), 'v');
});

test('MSETEX: numkeys and option errors as Redis 8.4 words them', async () => {
  const r = client();
  const cases: ReadonlyArray<readonly [string[], string]> = [
    [['MSETEX'], "ERR wrong number of arguments for 'msetex' command"],
    [['MSETEX', '1', 'k'], "ERR wrong number of arguments for 'msetex' command"],
    [['MSETEX', 'key1', 'val1', 'ex', '10'], 'ERR invalid numkeys value'],
    [['MSETEX', '0', 'a', 'b'], 'ERR invalid numkeys value'],
    [['MSETEX', '-1', '1', '1', '2', '2'], 'ERR invalid numkeys value'],
    [['MSETEX', '2147483648', 'key1', 'val1', 'ex', '10'], 'ERR invalid numkeys value'],
    [['MSETEX', '2147483647', 'key1', 'val1', 'ex', '10'], 'ERR wrong number of key-value pairs'],
    [['MSETEX', '2', 'key1', 'val1', 'key2'], 'ERR wrong number of key-value pairs'],
    [['MSETEX', '5', '1', '1', '2', '2'], 'ERR wrong number of key-value pairs'],
    [['MSETEX', '1', '1', '1', '2', '2', 'EX', '10'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'invalid_flag'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'NX', 'XX'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'EX', '10', 'PX', '5000'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'KEEPTTL', 'EX', '10'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'GET'], 'ERR syntax error'],
    [['MSETEX', '1', 'k', 'v', 'EX', '-1'], "ERR invalid expire time in 'msetex' command"],
    [['MSETEX', '1', 'k', 'v', 'EX', 'x'], 'ERR value is not an integer or out of range'],
  ];
  for (const [args, message] of cases) assert.is(await errorOf(r.call(args[0], ...args.slice(1))), message, args.join(' '));
  assert.is(await r.dbsize(), 0, 'nothing set by any of them');
});

test('keyspace events: SET IF* and MSETEX send set (and expire), DELEX and DELIFEQ del; a failed condition nothing', async () => {
  const r = client();
  await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const sub = client();
  const events: string[] = [];
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel.startsWith('__keyevent@0__:')) events.push(`${channel.slice('__keyevent@0__:'.length)} ${message}`);
  });
  await sub.psubscribe('__keyevent@0__:*');
  try {
    await r.set('k', 'v');
    await r.call('SET', 'k', 'w', 'IFEQ', 'nope');
    await r.call('SET', 'k', 'w', 'IFEQ', 'v', 'EX', '100');
    await r.call('DELEX', 'k', 'IFEQ', 'nope');
    await r.call('DELEX', 'k', 'IFDEQ', String(await r.call('DIGEST', 'k')));
    await r.call('MSETEX', '2', 'a', '1', 'b', '2', 'PX', '100000');
    await r.call('MSETEX', '1', 'a', '1', 'NX');
    await r.call('DELIFEQ', 'a', 'nope');
    await r.call('DELIFEQ', 'a', '1');
    await r.ping();
    await sleep(50);
    assert.equal(events, ['set k', 'set k', 'expire k', 'del k', 'set a', 'expire a', 'set b', 'expire b', 'del a']);
  } finally {
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
});

test('MULTI/WATCH: a DELEX or MSETEX that writes aborts a watcher\'s EXEC, one whose condition fails does not', async () => {
  const r = client();
  const other = client();
  await r.set('k', 'v');
  await r.watch('k');
  await other.call('DELEX', 'k', 'IFEQ', 'nope');
  await other.call('SET', 'k', 'x', 'IFNE', 'v');
  assert.equal(await r.multi().set('out', '1').exec(), [[null, 'OK']], 'nothing changed k: EXEC runs');

  await r.watch('k');
  await other.call('DELEX', 'k', 'IFEQ', 'v');
  assert.is(await r.multi().set('out', '2').exec(), null, 'DELEX deleted k: EXEC aborts');

  await r.watch('m');
  await other.call('MSETEX', '2', 'z', '1', 'm', '2', 'EX', '100');
  assert.is(await r.multi().set('out', '3').exec(), null, 'MSETEX wrote m: EXEC aborts');

  const replies = await r.multi().call('SET', 'k', 'a', 'IFNE', 'b').call('DIGEST', 'k').call('DELEX', 'k', 'IFEQ', 'a').call('MSETEX', '1', 'k', 'b', 'XX').exec();
  assert.equal(replies, [[null, 'OK'], [null, 'e6c632b61e964e1f'], [null, 1], [null, 0]]);
});

test('ACL categories and COMMAND metadata: @string, @write/@read, @fast; DOCS with since; GETKEYS', async () => {
  const r = client();
  const strings = (await r.call('ACL', 'CAT', 'string')) as string[];
  for (const name of ['msetex', 'delex', 'digest', 'delifeq']) assert.ok(strings.includes(name), `${name} in @string`);
  const fast = (await r.call('ACL', 'CAT', 'fast')) as string[];
  for (const name of ['delex', 'digest', 'delifeq']) assert.ok(fast.includes(name), `${name} in @fast`);
  assert.not.ok(fast.includes('msetex'), 'MSETEX is @slow');
  const read = (await r.call('ACL', 'CAT', 'read')) as string[];
  assert.ok(read.includes('digest'));
  const write = (await r.call('ACL', 'CAT', 'write')) as string[];
  for (const name of ['msetex', 'delex', 'delifeq']) assert.ok(write.includes(name), `${name} in @write`);

  await r.call('ACL', 'SETUSER', 'reader', 'on', '>pw', '~*', '+@read');
  const reader = client();
  await reader.call('AUTH', 'reader', 'pw');
  await r.set('k', 'v');
  assert.is(await reader.call('DIGEST', 'k'), await r.call('DIGEST', 'k'), 'DIGEST is @read');
  assert.match(await errorOf(reader.call('DELEX', 'k')), /^NOPERM/);
  await r.call('ACL', 'DELUSER', 'reader');

  assert.equal(await r.call('COMMAND', 'GETKEYS', 'MSETEX', '2', 'a', '1', 'b', '2', 'EX', '10'), ['a', 'b']);
  assert.equal(await r.call('COMMAND', 'GETKEYS', 'DELEX', 'k', 'IFEQ', 'v'), ['k']);
  const docs = (await r.call('COMMAND', 'DOCS', 'digest', 'delex', 'msetex', 'delifeq')) as unknown[];
  const since = new Map<string, string>();
  for (let i = 0; i < docs.length; i += 2) {
    const fields = docs[i + 1] as unknown[];
    since.set(String(docs[i]), String(fields[fields.indexOf('since') + 1]));
  }
  assert.equal(Object.fromEntries(since), { digest: '8.4.0', delex: '8.4.0', msetex: '8.4.0', delifeq: '9.0.0' });
  const info = (await r.call('COMMAND', 'INFO', 'msetex')) as unknown[][];
  assert.is(info[0][1], -4);
  assert.ok((info[0][2] as string[]).includes('movablekeys'));
  const listed = (await r.call('COMMAND', 'LIST')) as string[];
  for (const name of ['msetex', 'delex', 'digest', 'delifeq']) assert.ok(listed.includes(name), `${name} in COMMAND LIST`);
  assert.is(await r.call('COMMAND', 'COUNT'), listed.filter((n) => !n.includes('|')).length, 'COMMAND COUNT counts them too');
});

test('MSETEX is atomic across a SIGKILL under appendfsync always: after restart all of a call\'s keys or none', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-msetex-'));
  const args = ['--appendfsync', 'always'];
  let server = await startServer({ dir, args });
  try {
    const acked = new Set<number>();
    const sent = new Set<number>();
    let stop = false;
    const writers = Array.from({ length: 6 }, (_, w) => {
      const r = client(server.port);
      return (async () => {
        for (let i = 0; !stop; i++) {
          const n = w * 1_000_000 + i;
          const value = Buffer.alloc(2000, n % 251);
          sent.add(n);
          try {
            // Hash tags keep the keys apart in the keyspace; each call writes 4 keys of 2 KB.
            const reply = await r.call('MSETEX', '4', `{${n}}a`, value, `{${n}}b`, value, `{${n}}c`, value, `{${n}}d`, value, 'EX', '3600');
            if (reply === 1) acked.add(n);
          } catch {
            return;
          }
        }
      })();
    });
    await sleep(300 + Math.floor(Math.random() * 300));
    await server.kill();
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.size > 20, `only ${acked.size} MSETEX acknowledged`);

    server = await startServer({ dir, args });
    const r = client(server.port);
    let whole = 0;
    for (const n of sent) {
      const present = Number(await r.exists(`{${n}}a`, `{${n}}b`, `{${n}}c`, `{${n}}d`));
      assert.ok(present === 0 || present === 4, `MSETEX ${n}: ${present} of its 4 keys after the restart`);
      if (acked.has(n)) assert.is(present, 4, `acknowledged MSETEX ${n} lost`);
      if (present === 4) whole++;
    }
    assert.ok(whole >= acked.size);
    assert.ok((await r.ttl(`{${[...acked][0]}}c`)) > 3000, 'with its expiration');
  } finally {
    await server.stop({ keepDir: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
