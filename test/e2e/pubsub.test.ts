/**
 * Pub/Sub end to end: fixed two-connection scripts whose raw bytes must be redis-server 7.0's
 * (the differential tester in test/diff drives one connection per server, so it cannot express a
 * subscriber and a publisher: the scripts are here), round trips through ioredis and redis-py, a
 * RESP3 client that subscribes and runs commands on one connection, introspection (PUBSUB, INFO,
 * CLIENT LIST / KILL), and client-output-buffer-limit pubsub against a subscriber that never reads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { RawClient, encodeCommand, redisTest, runProcess, sleep, startRedis, startServer, type TestServer } from './helpers.js';

let strata: TestServer;
let redis: TestServer | null;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  await Promise.all([strata?.stop(), redis?.stop()]);
});

// ------------------------------------------------------------------------------------------------
// Scripted transcripts on two connections, compared byte for byte with redis-server

/** One step: which connection sends, and the command. */
type ScriptStep = readonly ['a' | 'b', ...Array<string | Buffer>];

const MARKER = 'marker-7f3a';

/**
 * Runs a script on two connections and returns, per step, what each connection received because
 * of it. After every step each connection not inside MULTI is sent `PING <marker>`, and what it
 * received up to the marker's reply is the step's output there: a message published by one
 * connection has reached the other before the publisher got its reply, in Redis and here, so the
 * transcripts are deterministic without timing. (MULTI, and each command inside it, gets exactly
 * one reply read and no marker, which would be queued.) The id in a HELLO reply is masked.
 */
async function transcript(port: number, script: readonly ScriptStep[]): Promise<string[]> {
  const conns = { a: await RawClient.connect(port), b: await RawClient.connect(port) };
  const inMulti = { a: false, b: false };
  const out: string[] = [];
  const mask = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
  try {
    for (const [who, ...args] of script) {
      const name = String(args[0]).toLowerCase();
      conns[who].write(encodeCommand(args));
      if (name === 'quit') {
        out.push(`${who}> ${args.join(' ')}\n${JSON.stringify((await conns[who].readUntilClose()).toString('latin1'))}`);
        break;
      }
      let line = `${who}> ${args.map(String).join(' ')}`;
      if (inMulti[who] || name === 'multi') {
        // MULTI itself, or a command inside: exactly one reply, and a marker would be queued.
        const reply = (await conns[who].readReply()).toString('latin1');
        line += `\n  ${who}: ${JSON.stringify(reply)}`;
        if (name === 'multi' && reply === '+OK\r\n') inMulti[who] = true;
        else if (name === 'exec' || name === 'discard' || name === 'reset') inMulti[who] = false;
      }
      for (const c of ['a', 'b'] as const) {
        if (inMulti[c]) continue;
        conns[c].write(encodeCommand(['PING', MARKER]));
        let got = '';
        for (;;) {
          const reply = (await conns[c].readReply()).toString('latin1');
          if (reply.endsWith(`$${MARKER.length}\r\n${MARKER}\r\n`) && (reply.startsWith('$') || reply.startsWith('*2\r\n$4\r\npong'))) break;
          got += reply;
        }
        if (got !== '') line += `\n  ${c}: ${JSON.stringify(mask(got))}`;
      }
      out.push(line);
    }
  } finally {
    conns.a.close();
    conns.b.close();
  }
  return out;
}

const BIN_CHANNEL = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2a]);
const BIN_MESSAGE = Buffer.from([0xfe, 0x00, 0x0d, 0x0a, 0x01]);

/**
 * No channel here matches two patterns of one client: Redis sends those pmessages in the order of
 * its pattern dictionary, which is randomly seeded per process (the ioredis test checks that each
 * arrives).
 */
const SCRIPTS: Record<string, readonly ScriptStep[]> = {
  'RESP2 subscribe, publish, patterns, shard channels, unsubscribe': [
    ['a', 'UNSUBSCRIBE'], ['a', 'PUNSUBSCRIBE'], ['a', 'SUNSUBSCRIBE'], ['a', 'UNSUBSCRIBE', 'x', 'y'],
    ['a', 'SUBSCRIBE', 'ch1', 'ch2', 'ch1'], ['a', 'PSUBSCRIBE', 'c*'], ['a', 'PSUBSCRIBE', 'c*'], ['a', 'SSUBSCRIBE', 's1', 's2'],
    ['b', 'PUBLISH', 'ch1', 'hello'], ['b', 'PUBLISH', 'cx', 'only the pattern'], ['b', 'PUBLISH', 'nobody', 'x'],
    ['b', 'SPUBLISH', 's1', 'm1'], ['b', 'SPUBLISH', 'ch1', 'not a shard subscriber'], ['b', 'PUBLISH', 's1', 'not a channel subscriber'],
    ['b', 'PUBSUB', 'CHANNELS', 'ch1'], ['b', 'PUBSUB', 'CHANNELS', 'nomatch*'], ['b', 'PUBSUB', 'NUMSUB', 'ch1', 'nosuch', 'ch1'], ['b', 'PUBSUB', 'NUMSUB'],
    ['b', 'PUBSUB', 'NUMPAT'], ['b', 'PUBSUB', 'SHARDCHANNELS', 's1'], ['b', 'PUBSUB', 'SHARDNUMSUB', 's1', 's3'],
    ['a', 'PUNSUBSCRIBE', 'c*', 'never'], ['a', 'UNSUBSCRIBE', 'ch2'], ['a', 'UNSUBSCRIBE'], ['a', 'SUNSUBSCRIBE', 's1'], ['a', 'SUNSUBSCRIBE'],
    ['a', 'GET', 'x'], ['a', 'QUIT'],
  ],
  'RESP2 subscribed mode: the commands allowed and the error for the others': [
    ['a', 'SUBSCRIBE', 'x'], ['a', 'GET', 'x'], ['a', 'PING'], ['a', 'PING', 'hi'], ['a', 'PING', 'a', 'b'], ['a', 'CLIENT', 'INFO'],
    ['a', 'HELLO', '3'], ['a', 'MULTI'], ['a', 'PUBLISH', 'x', 'y'], ['a', 'PUBSUB', 'NUMPAT'], ['a', 'GET'], ['a', 'NOSUCH'],
    ['a', 'UNSUBSCRIBE', 'x'], ['a', 'SSUBSCRIBE', 's'], ['a', 'SET', 'k', 'v'], ['a', 'SUNSUBSCRIBE'], ['a', 'SET', 'k', 'v'],
    ['a', 'PSUBSCRIBE', 'p*'], ['a', 'RESET'], ['a', 'GET', 'k'], ['b', 'PUBLISH', 'px', 'after reset'], ['b', 'PUBSUB', 'NUMPAT'],
    ['a', 'SUBSCRIBE', 'q'], ['a', 'QUIT'],
  ],
  'RESP3: pushes, commands while subscribed, PUBLISH to itself, MULTI': [
    ['a', 'HELLO', '3'], ['a', 'SUBSCRIBE', 'ch'], ['a', 'PSUBSCRIBE', 'p*'], ['a', 'SET', 'k', 'v'], ['a', 'GET', 'k'], ['a', 'PING'], ['a', 'PING', 'x'],
    ['b', 'PUBLISH', 'ch', 'hi'], ['b', 'PUBLISH', 'pq', 'hi'], ['a', 'PUBLISH', 'ch', 'to myself'], ['a', 'PUBSUB', 'NUMSUB', 'ch'],
    ['a', 'UNSUBSCRIBE'], ['a', 'PUNSUBSCRIBE'], ['a', 'UNSUBSCRIBE'], ['a', 'SSUBSCRIBE', 's'], ['b', 'SPUBLISH', 's', 'shard'], ['a', 'SUNSUBSCRIBE', 's'],
    ['a', 'MULTI'], ['a', 'SUBSCRIBE', 'm'], ['a', 'PUBLISH', 'm', 'x'], ['a', 'EXEC'],
    ['a', 'HELLO', '2'], ['a', 'PING'], ['a', 'GET', 'k'], ['a', 'RESET'], ['a', 'GET', 'k'],
  ],
  'RESP2: SUBSCRIBE and PUBLISH to itself inside MULTI, empty names, arity errors': [
    ['a', 'MULTI'], ['a', 'SUBSCRIBE', 'x'], ['a', 'PUBLISH', 'x', 'm'], ['a', 'PSUBSCRIBE', 'x*'], ['a', 'PUBLISH', 'x', 'm2'], ['a', 'EXEC'],
    ['a', 'GET', 'k'], ['a', 'PUBSUB', 'HELP', 'x'], ['b', 'SUBSCRIBE'], ['b', 'PSUBSCRIBE'], ['b', 'PUBLISH'], ['b', 'SPUBLISH'], ['b', 'SSUBSCRIBE'],
    ['b', 'SUBSCRIBE', ''], ['b', 'PSUBSCRIBE', '', ''], ['a', 'PUBLISH', '', 'empty'], ['b', 'UNSUBSCRIBE'], ['b', 'PUNSUBSCRIBE', ''],
    ['b', 'SUNSUBSCRIBE', 'a', 'b', 'c'], ['b', 'PING'], ['a', 'RESET'], ['a', 'PUBLISH', '', 'empty'],
  ],
  'binary channels, patterns and messages; PUBLISH inside MULTI': [
    ['a', 'SUBSCRIBE', BIN_CHANNEL], ['a', 'PSUBSCRIBE', Buffer.from([0x00, 0x2a])], ['a', 'PSUBSCRIBE', 'h[ae]llo', 'x?z', 'h\\*'],
    ['b', 'PUBLISH', BIN_CHANNEL, BIN_MESSAGE], ['b', 'PUBLISH', 'hallo', BIN_MESSAGE], ['b', 'PUBLISH', 'h*', ''], ['b', 'PUBLISH', 'xyz', 'one'], ['b', 'PUBLISH', 'hxllo', 'none'],
    ['b', 'PUBSUB', 'NUMSUB', BIN_CHANNEL], ['b', 'PUBSUB', 'CHANNELS', Buffer.from([0x00, 0x2a])],
    ['b', 'MULTI'], ['b', 'PUBLISH', BIN_CHANNEL, 'queued'], ['b', 'PUBLISH', 'hallo', 'queued'], ['b', 'EXEC'],
    ['b', 'MULTI'], ['b', 'PUBLISH', BIN_CHANNEL, 'discarded'], ['b', 'DISCARD'],
  ],
};

for (const [name, script] of Object.entries(SCRIPTS)) {
  redisTest(test, `raw bytes as redis-server's: ${name}`, async () => {
    if (redis === null) throw new Error('redis-server did not start');
    const [ours, theirs] = await Promise.all([transcript(strata.port, script), transcript(redis.port, script)]);
    assert.fixture(ours.join('\n'), theirs.join('\n'));
    assert.is(theirs.length, script.length, 'every step ran');
  });
}

/**
 * Under CLIENT REPLY OFF / SKIP no marker comes back, so these steps say how many replies each
 * connection gets instead: subscription notices and messages are pushes, which Redis 7.0 sends
 * whatever CLIENT REPLY says.
 */
type CountedStep = readonly ['a' | 'b', readonly (string | Buffer)[], number, number];

const REPLY_OFF_SCRIPT: readonly CountedStep[] = [
  ['a', ['CLIENT', 'REPLY', 'OFF'], 0, 0], ['a', ['SUBSCRIBE', 'x'], 1, 0], ['b', ['PUBLISH', 'x', '1'], 1, 1], ['a', ['PING'], 0, 0],
  ['a', ['UNSUBSCRIBE'], 1, 0], ['a', ['CLIENT', 'REPLY', 'ON'], 1, 0], ['a', ['CLIENT', 'REPLY', 'SKIP'], 0, 0], ['a', ['SUBSCRIBE', 'y'], 1, 0],
  ['a', ['PING'], 1, 0], ['a', ['RESET'], 1, 0], ['a', ['HELLO', '3'], 1, 0], ['a', ['SUBSCRIBE', 'y'], 1, 0], ['a', ['CLIENT', 'REPLY', 'SKIP'], 0, 0],
  ['a', ['PUBLISH', 'y', 'self'], 1, 0], ['a', ['PING'], 1, 0], ['a', ['CLIENT', 'REPLY', 'OFF'], 0, 0], ['a', ['SUBSCRIBE', 'z'], 1, 0],
  ['a', ['PUBLISH', 'z', 'self2'], 1, 0], ['b', ['PUBLISH', 'z', 'other'], 1, 1], ['a', ['SET', 'k', 'v'], 0, 0], ['a', ['CLIENT', 'REPLY', 'ON'], 1, 0], ['a', ['PING'], 1, 0],
];

async function countedTranscript(port: number, script: readonly CountedStep[]): Promise<string[]> {
  const conns = { a: await RawClient.connect(port), b: await RawClient.connect(port) };
  const out: string[] = [];
  try {
    for (const [who, args, readsA, readsB] of script) {
      conns[who].write(encodeCommand(args));
      const a = (await conns.a.readReplies(readsA)).toString('latin1').replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
      const b = (await conns.b.readReplies(readsB)).toString('latin1');
      out.push(`${who}> ${args.join(' ')}\n  a: ${JSON.stringify(a)}\n  b: ${JSON.stringify(b)}`);
    }
    // Nothing more may be waiting: a reply that should have been dropped would be here.
    conns.a.write(encodeCommand(['PING', MARKER]));
    out.push(`left over: ${JSON.stringify((await conns.a.readReply()).toString('latin1'))}`);
  } finally {
    conns.a.close();
    conns.b.close();
  }
  return out;
}

redisTest(test, "raw bytes as redis-server's: CLIENT REPLY OFF and SKIP drop replies, not notices or messages", async () => {
  if (redis === null) throw new Error('redis-server did not start');
  const [ours, theirs] = await Promise.all([countedTranscript(strata.port, REPLY_OFF_SCRIPT), countedTranscript(redis.port, REPLY_OFF_SCRIPT)]);
  assert.fixture(ours.join('\n'), theirs.join('\n'));
});

// ------------------------------------------------------------------------------------------------
// Real clients

test('ioredis: subscribe, psubscribe, binary messages, unsubscribe', async () => {
  const sub = new Redis({ port: strata.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  const pub = new Redis({ port: strata.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await Promise.all([sub.connect(), pub.connect()]);
  try {
    const received: string[] = [];
    const binary: Buffer[] = [];
    sub.on('message', (channel: string, message: string) => received.push(`message ${channel} ${message}`));
    sub.on('pmessage', (pattern: string, channel: string, message: string) => received.push(`pmessage ${pattern} ${channel} ${message}`));
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => binary.push(message));
    assert.is(await sub.subscribe('io:news', 'io:bin'), 2);
    assert.is(await sub.psubscribe('io:*'), 3);
    assert.is(await pub.publish('io:news', 'first'), 2);
    assert.is(await pub.publish('io:other', 'second'), 1);
    const bytes = Buffer.from([0, 1, 0xff, 0x0d, 0x0a]);
    assert.is(await pub.publish('io:bin', bytes), 2);
    assert.is(await pub.publish('elsewhere', 'nobody'), 0);
    for (let i = 0; i < 50 && received.length < 5; i++) await sleep(10);
    assert.equal(received.slice(0, 4), ['message io:news first', 'pmessage io:* io:news first', 'pmessage io:* io:other second', `message io:bin ${bytes.toString()}`]);
    assert.is(received.length, 5);
    assert.ok(binary.some((b) => b.equals(bytes)), 'binary message intact');
    assert.equal(await pub.pubsub('NUMSUB', 'io:news', 'io:none'), ['io:news', 1, 'io:none', 0]);
    assert.is(await pub.pubsub('NUMPAT'), 1);
    // Named: ioredis' argument-less unsubscribe() waits forever, against redis-server too.
    assert.is(await sub.unsubscribe('io:news', 'io:bin'), 1);
    assert.is(await sub.punsubscribe('io:*'), 0);
    assert.is(await pub.publish('io:news', 'gone'), 0);
    assert.is(await sub.get('io:after'), null, 'back to normal commands');
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
});

test('redis-py (Debian python3-redis): a pub/sub round trip', async () => {
  if (!existsSync('/usr/bin/python3')) {
    console.log('  (no /usr/bin/python3: redis-py not run)');
    return;
  }
  const script = `
import redis, time, sys
r = redis.Redis(port=${strata.port})
p = r.pubsub()
p.subscribe('py:ch')
p.psubscribe('py:*')
def next_message():
    for _ in range(200):
        m = p.get_message(timeout=0.05)
        if m is not None:
            return m
    sys.exit('no message')
assert next_message()['type'] == 'subscribe'
assert next_message()['type'] == 'psubscribe'
assert r.publish('py:ch', b'\\x00hello\\xff') == 2
m = next_message()
assert m == {'type': 'message', 'pattern': None, 'channel': b'py:ch', 'data': b'\\x00hello\\xff'}, m
m = next_message()
assert m == {'type': 'pmessage', 'pattern': b'py:*', 'channel': b'py:ch', 'data': b'\\x00hello\\xff'}, m
assert r.pubsub_numsub('py:ch') == [(b'py:ch', 1)]
assert r.pubsub_numpat() == 1
assert r.pubsub_channels() == [b'py:ch']
p.unsubscribe('py:ch')
assert next_message()['type'] == 'unsubscribe'
assert r.publish('py:ch', 'x') == 1
assert next_message()['type'] == 'pmessage'
p.close()
time.sleep(0.1)
assert r.pubsub_numpat() == 0, 'a closed connection leaves no pattern behind'
print('ok')
`;
  const res = await runProcess('/usr/bin/python3', ['-c', script]);
  assert.is(res.stdout.trim(), 'ok', res.stderr);
});

// ------------------------------------------------------------------------------------------------
// Introspection and cleanup

async function info(c: RawClient, section: string): Promise<Map<string, string>> {
  const text = (await c.command('INFO', section)).toString('latin1');
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

test('PUBSUB, INFO, CLIENT LIST and CLIENT KILL TYPE pubsub see subscribers; RESET and disconnection leave nothing', async () => {
  const admin = await RawClient.connect(strata.port);
  const s1 = await RawClient.connect(strata.port);
  const s2 = await RawClient.connect(strata.port);
  try {
    await s1.command('SUBSCRIBE', 'i:a', 'i:b');
    await s1.readReply();
    await s1.command('PSUBSCRIBE', 'i:*');
    await s2.command('HELLO', '3');
    await s2.command('SUBSCRIBE', 'i:a');
    await s2.command('PSUBSCRIBE', 'i:*');
    await s2.command('SSUBSCRIBE', 'i:s');
    const stats = await info(admin, 'stats');
    assert.is(stats.get('pubsub_channels'), '2');
    assert.is(stats.get('pubsub_patterns'), '1');
    assert.is(stats.get('pubsubshard_channels'), '1');
    assert.is((await admin.command('PUBSUB', 'NUMSUB', 'i:a', 'i:b')).toString(), '*4\r\n$3\r\ni:a\r\n:2\r\n$3\r\ni:b\r\n:1\r\n');
    assert.is((await admin.command('PUBSUB', 'NUMPAT')).toString(), ':1\r\n');
    const channels = (await admin.command('PUBSUB', 'CHANNELS', 'i:*')).toString();
    assert.ok(channels === '*2\r\n$3\r\ni:a\r\n$3\r\ni:b\r\n' || channels === '*2\r\n$3\r\ni:b\r\n$3\r\ni:a\r\n', channels);
    const list = (await admin.command('CLIENT', 'LIST', 'TYPE', 'pubsub')).toString('latin1');
    assert.is(list.split('\n').filter((l) => l.includes('id=')).length, 2);
    assert.match(list, /flags=P db=0 sub=2 psub=1 ssub=0 /);
    assert.match(list, /flags=P db=0 sub=1 psub=1 ssub=1 .* resp=3/);
    assert.not.match((await admin.command('CLIENT', 'LIST', 'TYPE', 'normal')).toString('latin1'), /flags=P/);
    // A RESP3 subscriber may run anything; RESET ends its subscriptions without a notice.
    assert.is((await s2.command('RESET')).toString(), '+RESET\r\n');
    assert.is((await admin.command('PUBSUB', 'NUMSUB', 'i:a')).toString(), '*2\r\n$3\r\ni:a\r\n:1\r\n');
    assert.is((await info(admin, 'stats')).get('pubsubshard_channels'), '0');
    assert.is((await admin.command('PUBLISH', 'i:a', 'x')).toString(), ':2\r\n', 's1 by channel and by pattern');
    // CLIENT KILL TYPE pubsub closes the subscriber only; its subscriptions go with it.
    assert.is((await admin.command('CLIENT', 'KILL', 'TYPE', 'pubsub')).toString(), ':1\r\n');
    await s1.readUntilClose(2000);
    assert.ok(s1.isClosed);
    assert.is((await s2.command('PING')).toString(), '+PONG\r\n');
    for (let i = 0; i < 50; i++) {
      if ((await info(admin, 'stats')).get('pubsub_channels') === '0') break;
      await sleep(10);
    }
    const after = await info(admin, 'stats');
    assert.is(after.get('pubsub_channels'), '0');
    assert.is(after.get('pubsub_patterns'), '0');
    assert.is((await admin.command('PUBLISH', 'i:a', 'x')).toString(), ':0\r\n');
  } finally {
    admin.close();
    s1.close();
    s2.close();
  }
});

test('PUBLISH inside MULTI delivers at EXEC, not before', async () => {
  const sub = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  try {
    await sub.command('SUBSCRIBE', 'tx:ch');
    assert.is((await pub.command('MULTI')).toString(), '+OK\r\n');
    assert.is((await pub.command('PUBLISH', 'tx:ch', 'one')).toString(), '+QUEUED\r\n');
    assert.is((await pub.command('PUBLISH', 'tx:ch', 'two')).toString(), '+QUEUED\r\n');
    await sleep(150);
    assert.is((await sub.readUntilClose(1)).length, 0, 'nothing before EXEC');
    assert.is((await pub.command('EXEC')).toString(), '*2\r\n:1\r\n:1\r\n');
    assert.is((await sub.readReplies(2)).toString(), '*3\r\n$7\r\nmessage\r\n$5\r\ntx:ch\r\n$3\r\none\r\n*3\r\n$7\r\nmessage\r\n$5\r\ntx:ch\r\n$3\r\ntwo\r\n');
  } finally {
    sub.close();
    pub.close();
  }
});

test('CLIENT PAUSE WRITE holds PUBLISH, as Redis holds what it would replicate; messages flow once it ends', async () => {
  const admin = await RawClient.connect(strata.port);
  const sub = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  try {
    await sub.command('SUBSCRIBE', 'pause:ch');
    assert.is((await admin.command('CLIENT', 'PAUSE', '400', 'WRITE')).toString(), '+OK\r\n');
    const t0 = Date.now();
    assert.is((await pub.command('PUBLISH', 'pause:ch', 'late')).toString(), ':1\r\n');
    assert.ok(Date.now() - t0 >= 300, `PUBLISH answered after ${Date.now() - t0} ms`);
    assert.is((await sub.readReply()).toString(), '*3\r\n$7\r\nmessage\r\n$8\r\npause:ch\r\n$4\r\nlate\r\n');
    assert.is((await pub.command('PUBSUB', 'NUMPAT')).toString(), ':0\r\n');
  } finally {
    admin.close();
    sub.close();
    pub.close();
  }
});

test('a RESP3 subscriber pipelining commands gets every message and every reply, framed', async () => {
  const sub = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  try {
    await sub.command('HELLO', '3');
    await sub.command('SUBSCRIBE', 'r3:ch');
    const N = 2000;
    const parts: Buffer[] = [];
    for (let i = 0; i < N; i++) parts.push(encodeCommand(['SET', `r3:k${i}`, String(i)]), encodeCommand(['GET', `r3:k${i}`]));
    const requests = Buffer.concat(parts);
    const pubParts: Buffer[] = [];
    for (let i = 0; i < N; i++) pubParts.push(encodeCommand(['PUBLISH', 'r3:ch', `m${i}`]));
    const published = Buffer.concat(pubParts);
    sub.write(requests);
    pub.write(published);
    let messages = 0;
    let replies = 0;
    let lastGet = -1;
    while (messages < N || replies < 2 * N) {
      const r = (await sub.readReply(10_000)).toString('latin1');
      if (r.startsWith('>3\r\n$7\r\nmessage\r\n$5\r\nr3:ch\r\n')) {
        assert.is(r, `>3\r\n$7\r\nmessage\r\n$5\r\nr3:ch\r\n$${`m${messages}`.length}\r\nm${messages}\r\n`);
        messages++;
      } else {
        if (replies % 2 === 0) assert.is(r, '+OK\r\n');
        else {
          lastGet++;
          assert.is(r, `$${String(lastGet).length}\r\n${lastGet}\r\n`);
        }
        replies++;
      }
    }
    await pub.readReplies(N, 10_000);
  } finally {
    sub.close();
    pub.close();
  }
});

// ------------------------------------------------------------------------------------------------
// client-output-buffer-limit pubsub

/** Publishes `count` messages of `size` bytes, `batch` pipelined at a time; stops early when `stop()` says so. */
async function flood(pub: RawClient, channel: string, size: number, count: number, batch: number, stop: () => Promise<boolean>): Promise<{ sent: number; receivers: number[] }> {
  const payload = Buffer.alloc(size, 0x61);
  const one = encodeCommand(['PUBLISH', channel, payload]);
  const receivers: number[] = [];
  let sent = 0;
  while (sent < count) {
    const n = Math.min(batch, count - sent);
    pub.write(Buffer.concat(Array.from({ length: n }, () => one)));
    for (let i = 0; i < n; i++) receivers.push(Number((await pub.readReply(20_000)).toString().slice(1, -2)));
    sent += n;
    if (await stop()) break;
  }
  return { sent, receivers };
}

/** A subscriber that subscribes, then never reads again (its socket is paused: the kernel buffers fill, then ours). */
async function stalledSubscriber(channel: string): Promise<RawClient> {
  const c = await RawClient.connect(strata.port);
  await c.command('SUBSCRIBE', channel);
  c.socket.pause();
  return c;
}

test('a subscriber that never reads is disconnected at the pubsub hard limit; memory stays bounded', async () => {
  const admin = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  try {
    assert.is((await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 4mb 0 0')).toString(), '+OK\r\n');
    const before = Number((await info(admin, 'memory')).get('used_memory'));
    let peak = before;
    const sub = await stalledSubscriber('slow:hard');
    const sampleMemory = async (): Promise<boolean> => {
      peak = Math.max(peak, Number((await info(admin, 'memory')).get('used_memory')));
      return false;
    };
    // 256 MB published at a subscriber that reads nothing.
    const { receivers } = await flood(pub, 'slow:hard', 64 * 1024, 4096, 64, sampleMemory);
    assert.is(receivers[0], 1);
    assert.is(receivers[receivers.length - 1], 0, 'the subscriber was dropped');
    const delivered = receivers.filter((r) => r === 1).length;
    assert.ok(delivered * 64 * 1024 < 64 * 1024 * 1024, `dropped after ${delivered} messages: kernel buffers + 4 MB, not everything`);
    console.log(`  hard limit 4 MB: dropped after ${delivered} messages of 64 KB, used_memory peak +${((peak - before) / 1048576).toFixed(1)} MB while 256 MB were published`);
    assert.ok(peak - before < 96 * 1024 * 1024, `used_memory grew by ${((peak - before) / 1048576).toFixed(1)} MB while 256 MB were published`);
    assert.match(strata.output(), /scheduled to be closed ASAP for overcoming of output buffer limits/);
    assert.is((await admin.command('PUBSUB', 'NUMSUB', 'slow:hard')).toString(), '*2\r\n$9\r\nslow:hard\r\n:0\r\n');
    assert.not.match((await admin.command('CLIENT', 'LIST', 'TYPE', 'pubsub')).toString(), /id=/);
    sub.close();
  } finally {
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    admin.close();
    pub.close();
  }
});

test('without the limit the same subscriber stays and holds what it is sent (the measurement above can fail)', async () => {
  const admin = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  try {
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 0 0');
    const before = Number((await info(admin, 'memory')).get('used_memory'));
    const sub = await stalledSubscriber('slow:none');
    // 64 MB, twice what the kernel's buffers could take in.
    const { receivers } = await flood(pub, 'slow:none', 64 * 1024, 1024, 64, async () => false);
    assert.ok(receivers.every((r) => r === 1), 'never dropped');
    const after = Number((await info(admin, 'memory')).get('used_memory'));
    const omem = Number(/omem=(\d+)/.exec((await admin.command('CLIENT', 'LIST', 'TYPE', 'pubsub')).toString())?.[1]);
    console.log(`  no limit: the subscriber holds omem=${(omem / 1048576).toFixed(1)} MB, used_memory +${((after - before) / 1048576).toFixed(1)} MB`);
    assert.ok(omem > 24 * 1024 * 1024, `omem=${omem}`);
    assert.ok(after - before > 24 * 1024 * 1024, `used_memory grew by ${((after - before) / 1048576).toFixed(1)} MB with 64 MB published`);
    sub.close();
  } finally {
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    admin.close();
    pub.close();
  }
});

test('the pubsub soft limit disconnects once exceeded for its seconds, not before', async () => {
  const admin = await RawClient.connect(strata.port);
  const pub = await RawClient.connect(strata.port);
  const SOFT = 1024 * 1024;
  try {
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 256mb 1mb 2');
    const sub = await stalledSubscriber('slow:soft');
    // Publish until the server holds more than twice the soft limit for the subscriber (past the
    // kernel's buffers), then stop: the backlog stays there, as the subscriber never reads. The
    // crossing happened between the last check that saw the backlog under the limit and the first
    // that saw it over.
    let lastUnder = Date.now();
    let firstOver = 0;
    const omem = async (): Promise<number> => Number(/omem=(\d+)/.exec((await admin.command('CLIENT', 'LIST', 'TYPE', 'pubsub')).toString())?.[1] ?? -1);
    const { receivers } = await flood(pub, 'slow:soft', 64 * 1024, 4096, 8, async () => {
      const held = await omem();
      if (held <= SOFT) lastUnder = Date.now();
      else if (firstOver === 0) firstOver = Date.now();
      return held > 2 * SOFT;
    });
    assert.ok(firstOver > 0, 'the backlog passed the soft limit');
    assert.ok(receivers.every((r) => r === 1), 'not dropped while the soft limit is young');
    let goneAt = 0;
    for (let i = 0; i < 100 && goneAt === 0; i++) {
      if ((await admin.command('PUBSUB', 'NUMSUB', 'slow:soft')).toString().endsWith(':0\r\n')) goneAt = Date.now();
      else await sleep(50);
    }
    assert.ok(goneAt > 0, 'disconnected in the end');
    assert.ok(goneAt - lastUnder >= 1900, `disconnected ${goneAt - lastUnder} ms after the backlog was last seen under the soft limit (2 s allowed)`);
    assert.ok(goneAt - firstOver < 4000, `disconnected ${goneAt - firstOver} ms after it was first seen over`);
    sub.close();
  } finally {
    await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    admin.close();
    pub.close();
  }
});

test.run();
