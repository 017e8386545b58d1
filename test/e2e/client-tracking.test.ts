/**
 * CLIENT TRACKING (server-assisted client-side caching): one transcript of tracking commands,
 * reads, writes, flushes, BCAST, OPTIN, NOLOOP, redirects (RESP3 and RESP2 Pub/Sub) and broken
 * redirects, played against StrataKV and a real redis-server, every frame compared byte for byte
 * (client ids aside); then node-redis' own client-side cache over RESP3, and the table's key limit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient } from 'redis';
import { RawClient, redisTest, startRedis, startServer, type TestServer } from './helpers.js';
import { waitFor } from '../support/wait.js';

let srv: TestServer;

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  await srv?.stop();
});

type Frames = string[];

/** Everything `c` has been sent up to the reply to a PING sent now (pushes before it included). */
async function drain(c: RawClient): Promise<Frames> {
  c.write('*1\r\n$4\r\nPING\r\n');
  const frames: Frames = [];
  for (;;) {
    const f = (await c.readReply()).toString('latin1');
    if (f === '+PONG\r\n' || f === '*2\r\n$4\r\npong\r\n$0\r\n\r\n') return frames;
    frames.push(f);
  }
}

/** Sends a command on `c` and returns its reply plus whatever follows it before a PING's reply. */
async function run(c: RawClient, ...args: Array<string | number>): Promise<Frames> {
  const reply = (await c.command(...args)).toString('latin1');
  return [reply, ...(await drain(c))];
}

/** The transcript: what each step gave on each connection involved, ids written as `<a>`, `<b>`... */
async function transcript(port: number): Promise<string[]> {
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  const sub = await RawClient.connect(port);
  const ids = new Map<string, string>();
  const idOf = async (c: RawClient, name: string): Promise<string> => {
    const id = (await c.command('CLIENT', 'ID')).toString('latin1').slice(1, -2);
    ids.set(id, name);
    return id;
  };
  const out: string[] = [];
  const step = async (label: string, frames: Promise<Frames>, others: RawClient[] = []): Promise<void> => {
    let text = (await frames).join('');
    for (const o of others) text += ' | ' + (await drain(o)).join('');
    for (const [id, name] of ids) text = text.split(`:${id}\r\n`).join(`:<${name}>\r\n`).split(`redir=${id} `).join(`redir=<${name}> `);
    out.push(`${label}: ${JSON.stringify(text)}`);
  };
  try {
    const aId = await idOf(a, 'a');
    const bId = await idOf(b, 'b');
    const subId = await idOf(sub, 'sub');
    await a.command('HELLO', '3');
    await a.command('FLUSHALL');
    await step('info off', run(a, 'CLIENT', 'TRACKINGINFO'));
    await step('getredir off', run(a, 'CLIENT', 'GETREDIR'));
    await step('on', run(a, 'CLIENT', 'TRACKING', 'ON'));
    await step('read', run(a, 'GET', 'k'));
    await step('own write: reply, then invalidation', run(a, 'SET', 'k', 'v'));
    await step('read again', run(a, 'GET', 'k'));
    await step('other client writes', run(b, 'SET', 'k', 'v2'), [a]);
    await step('told once per read', run(b, 'SET', 'k', 'v3'), [a]);
    await step('mget tracks every key', run(a, 'MGET', 'k', 'k2', 'k3'));
    await step('del of several', run(b, 'DEL', 'k', 'k2'), [a]);
    await step('hash read', run(a, 'HGET', 'h', 'f'));
    await step('hash write', run(b, 'HSET', 'h', 'f', '1'), [a]);
    // Inside MULTI a PING would be queued: the queueing replies are read as they are.
    await a.command('MULTI');
    await a.command('GET', 'k3');
    await a.command('SET', 'k3', '1');
    await step('exec: invalidations after its reply', run(a, 'EXEC'));
    // Redis 7.0: a read inside a script remembers the keys the script declared.
    await run(a, 'EVAL_RO', "return redis.call('get', KEYS[1])", 1, 'sc1');
    await run(a, 'EVAL', "return redis.call('get', KEYS[1])", 1, 'sc2');
    await run(a, 'EVAL', "return redis.call('get', 'sc3')", 0);
    await step('reads in scripts', run(b, 'MSET', 'sc1', '1', 'sc2', '2', 'sc3', '3'), [a]);
    await step('a script writing a tracked key', run(a, 'EVAL', "redis.call('get', KEYS[1]) return redis.call('set', KEYS[1], 'x')", 1, 'sc4'));
    await step('expiry', run(a, 'GET', 'e'));
    await run(b, 'SET', 'e', '1', 'PX', '1');
    await new Promise((r) => setTimeout(r, 20));
    await step('expired on read', run(b, 'GET', 'e'), [a]);
    await run(a, 'GET', 'past');
    await step('set with a time already past', run(b, 'SET', 'past', '1', 'PXAT', '1'), [a]);
    await run(a, 'GET', 'k3');
    await step('flushdb: a null for everything', run(b, 'FLUSHDB'), [a]);
    await step('flush by self', run(a, 'FLUSHALL'));
    await step('info on', run(a, 'CLIENT', 'TRACKINGINFO'));
    await step('bcast switch refused', run(a, 'CLIENT', 'TRACKING', 'ON', 'BCAST'));
    await step('prefix needs bcast', run(a, 'CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a'));
    await step('off', run(a, 'CLIENT', 'TRACKING', 'OFF'));
    await step('overlapping prefixes', run(a, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'));
    await step('bcast noloop', run(a, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'c', 'NOLOOP'));
    await step('bcast info', run(a, 'CLIENT', 'TRACKINGINFO'));
    await step('bcast: others write', run(b, 'MSET', 'abc', '1', 'cd', '2', 'zz', '3'), [a]);
    await step('bcast: noloop hides own', run(a, 'SET', 'ab1', '1'));
    await step('overlap with own prefix', run(a, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a'));
    await step('client list flags', run(a, 'CLIENT', 'INFO').then((f) => f.map((x) => x.replace(/^.*(flags=\S+).*(redir=\S+).*$/s, '$1 $2'))));
    await step('off again', run(a, 'CLIENT', 'TRACKING', 'OFF'));
    await step('unknown redirect', run(a, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999'));
    await step('redirect not a number', run(a, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'x'));
    await step('two redirects', run(a, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', bId, 'REDIRECT', bId));
    await step('bcast with optin', run(a, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN'));
    await step('optin and optout', run(a, 'CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT'));
    await step('bad mode', run(a, 'CLIENT', 'TRACKING', 'MAYBE'));
    await step('bad option', run(a, 'CLIENT', 'TRACKING', 'ON', 'FOO'));
    await step('caching while off', run(a, 'CLIENT', 'CACHING', 'YES'));
    await step('optin', run(a, 'CLIENT', 'TRACKING', 'ON', 'OPTIN'));
    await step('caching no in optin', run(a, 'CLIENT', 'CACHING', 'NO'));
    await step('caching bad', run(a, 'CLIENT', 'CACHING', 'MAYBE'));
    await step('caching yes', run(a, 'CLIENT', 'CACHING', 'YES'));
    await step('optin info', run(a, 'CLIENT', 'TRACKINGINFO'));
    await step('optin: tracked', run(a, 'GET', 'o1'));
    await step('optin: not tracked', run(a, 'GET', 'o2'));
    await step('optin writes', run(b, 'MSET', 'o1', '1', 'o2', '2'), [a]);
    await step('switch optin to optout', run(a, 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'));
    await run(a, 'CLIENT', 'TRACKING', 'OFF');
    // RESP2 redirect: the target gets `message __redis__:invalidate [keys]` while subscribed.
    await step('subscribe', run(sub, 'SUBSCRIBE', '__redis__:invalidate'));
    await step('redirect to resp2 subscriber', run(a, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', subId));
    await step('getredir', run(a, 'CLIENT', 'GETREDIR'));
    await run(a, 'GET', 'r1');
    await step('redirected invalidation', run(b, 'SET', 'r1', '1'), [sub, a]);
    await step('redirected flush', run(b, 'FLUSHALL'), [sub, a]);
    await step('info redirected', run(a, 'CLIENT', 'TRACKINGINFO'));
    await run(a, 'GET', 'r2');
    sub.close();
    await waitFor('the subscriber gone', async () => !(await b.command('CLIENT', 'LIST')).toString('latin1').includes(`id=${subId} `));
    await step('broken redirect', run(b, 'SET', 'r2', '1'), [a]);
    await step('broken info', run(a, 'CLIENT', 'TRACKINGINFO'));
    await run(a, 'CLIENT', 'TRACKING', 'OFF');
    await step('redirect to self', run(a, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', aId));
    await run(a, 'GET', 's1');
    await step('self redirect invalidation', run(b, 'SET', 's1', '1'), [a]);
    await step('reset turns tracking off', run(a, 'RESET'));
    await step('after reset', run(a, 'CLIENT', 'TRACKINGINFO'));
    await step('info counters', run(b, 'INFO', 'stats').then((f) => f.map((x) => (x.match(/tracking_total_\w+:\d+/g) ?? []).join(' '))));
  } finally {
    a.close();
    b.close();
    sub.close();
  }
  return out;
}

redisTest(test, 'CLIENT TRACKING transcript: every reply and invalidation as redis-server sends it', async () => {
  const redis = await startRedis();
  assert.ok(redis, 'redis-server starts');
  try {
    const theirs = await transcript(redis.port);
    const ours = await transcript(srv.port);
    // The first step that differs, both ways, then the whole transcripts.
    const at = ours.findIndex((line, i) => line !== theirs[i]);
    if (at >= 0) assert.unreachable(`first difference:\n  StrataKV: ${ours[at]}\n  redis:    ${theirs[at]}`);
    assert.equal(ours, theirs);
  } finally {
    await redis.stop();
  }
});

test('node-redis client-side cache over RESP3: cached reads, invalidated by another client', async () => {
  const cached = createClient({ url: `redis://127.0.0.1:${srv.port}`, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
  const writer = createClient({ url: `redis://127.0.0.1:${srv.port}` });
  await cached.connect();
  await writer.connect();
  try {
    await writer.set('csc:key', 'one');
    await writer.configResetStat();
    const getCalls = async (): Promise<number> => Number(/cmdstat_get:calls=(\d+)/.exec(await writer.info('commandstats'))?.[1] ?? 0);
    assert.is(await cached.get('csc:key'), 'one');
    assert.is(await cached.get('csc:key'), 'one');
    assert.is(await getCalls(), 1, 'the second read came from the client cache');
    await writer.set('csc:key', 'two');
    // The invalidation reaches the cached client on its own connection, then its next read goes to the server.
    await waitFor('the new value', async () => (await cached.get('csc:key')) === 'two');
    assert.ok((await getCalls()) >= 2);
  } finally {
    cached.destroy();
    writer.destroy();
  }
});

test('tracking-table-max-keys: past it the oldest keys are invalidated', async () => {
  const c = await RawClient.connect(srv.port);
  const admin = await RawClient.connect(srv.port);
  try {
    await admin.command('CONFIG', 'SET', 'tracking-table-max-keys', '2');
    await c.command('HELLO', '3');
    await c.command('CLIENT', 'TRACKING', 'ON');
    await c.command('MGET', 'lim1', 'lim2');
    const frames = await run(c, 'GET', 'lim3');
    assert.equal(frames, ['_\r\n', '>2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\nlim1\r\n']);
    const info = (await admin.command('INFO', 'stats')).toString('latin1');
    assert.match(info, 'tracking_total_keys:2\r\n');
    assert.match((await admin.command('INFO', 'clients')).toString('latin1'), 'tracking_clients:1\r\n');
  } finally {
    await admin.command('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    c.close();
    admin.close();
  }
});

test.run();
