/**
 * The introspection commands side by side with a real redis-server 7.0, raw replies compared:
 * MEMORY, LATENCY DOCTOR/GRAPH, LOLWUT, COMMAND GETKEYSANDFLAGS/HELP, CLUSTER and friends,
 * MODULE, BGREWRITEAOF, and CONFIG GET/SET over every parameter Redis 7.0.15 has.
 *
 * Where StrataKV's answer is its own by design (MEMORY USAGE's byte counts, MEMORY STATS' values,
 * MALLOC-STATS without jemalloc, the random art of LOLWUT 5 and 6) the test checks the shape:
 * the same fields, the same framing lines.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, encodeCommand, redisTest, startRedis, startServer, type TestServer } from './helpers.js';

let strata: TestServer;
let redis: TestServer | null;
let ours: RawClient;
let theirs: RawClient;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
  ours = await RawClient.connect(strata.port);
  if (redis !== null) theirs = await RawClient.connect(redis.port);
});

test.after(async () => {
  ours?.close();
  theirs?.close();
  await Promise.all([strata?.stop(), redis?.stop()]);
});

/** Both replies to one command, as raw RESP text. */
async function both(...args: string[]): Promise<[string, string]> {
  const [mine, real] = await Promise.all([ours.command(...args), theirs.command(...args)]);
  return [mine.toString('utf8'), real.toString('utf8')];
}

async function same(...args: string[]): Promise<void> {
  const [mine, real] = await both(...args);
  assert.is(JSON.stringify(mine), JSON.stringify(real), args.join(' '));
}

/** CONFIG GET of several names: Redis lists them in its hash table's order, so the pairs are compared as a set. */
async function samePairs(...args: string[]): Promise<void> {
  const [mine, real] = await both(...args);
  const sorted = (reply: string): string[] => {
    const s = strings(reply);
    const pairs: string[] = [];
    for (let i = 0; i + 1 < s.length; i += 2) pairs.push(`${s[i]}=${s[i + 1]}`);
    return pairs.sort();
  };
  assert.equal(sorted(mine), sorted(real), args.join(' '));
}

/** A RESP2 bulk string's text. */
function bulkText(reply: string): string {
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}

/** A RESP2 array of bulk strings (CONFIG GET, COMMAND GETKEYS) as its strings. */
function strings(reply: string): string[] {
  const out: string[] = [];
  const lines = reply.split('\r\n');
  for (let i = 1; i < lines.length; i++) if (lines[i].startsWith('$')) out.push(lines[++i]);
  return out;
}

redisTest(test, "CLIENT INFO has Redis 7.0's fields in its order; CLIENT SETINFO (7.2) adds lib-name and lib-ver", async () => {
  const fields = (reply: Buffer): string[] => reply.toString('latin1').split('\r\n')[1].split(' ').map((f) => f.slice(0, f.indexOf('=')));
  const [mine, real] = await Promise.all([ours.command('CLIENT', 'INFO'), theirs.command('CLIENT', 'INFO')]);
  assert.equal(fields(mine), fields(real));
  const client = await RawClient.connect(strata.port);
  try {
    assert.is((await client.command('CLIENT', 'SETINFO', 'lib-name', 'mylib')).toString(), '+OK\r\n');
    const line = (await client.command('CLIENT', 'INFO')).toString('latin1').split('\r\n')[1].trimEnd();
    assert.ok(line.endsWith(' resp=2 lib-name=mylib lib-ver='), line);
  } finally {
    client.close();
  }
});

redisTest(test, 'CLUSTER, ASKING, READONLY, READWRITE answer as a standalone Redis 7.0, arity errors too', async () => {
  const cases = [
    ['CLUSTER', 'INFO'], ['CLUSTER', 'HELP'], ['CLUSTER', 'NODES'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS'], ['CLUSTER', 'MYID'],
    ['CLUSTER', 'KEYSLOT', 'a'], ['CLUSTER', 'KEYSLOT'], ['CLUSTER', 'KEYSLOT', 'a', 'b'], ['CLUSTER', 'COUNTKEYSINSLOT', '1'],
    ['CLUSTER', 'GETKEYSINSLOT', '1', '1'], ['CLUSTER', 'ADDSLOTS'], ['CLUSTER', 'ADDSLOTS', '1'], ['CLUSTER', 'RESET', 'HARD'],
    ['CLUSTER', 'LINKS'], ['CLUSTER', 'NOSUCH'], ['CLUSTER'], ['ASKING'], ['READONLY'], ['READWRITE'], ['ASKING', 'x'], ['READONLY', 'x'],
  ];
  for (const c of cases) await same(...c);
});

redisTest(test, 'MODULE: an empty list, and Redis\' refusals for LOAD, LOADEX and UNLOAD', async () => {
  for (const c of [['MODULE', 'LIST'], ['MODULE', 'HELP'], ['MODULE', 'LOAD', '/nonexistent.so'], ['MODULE', 'LOADEX', '/x.so', 'ARGS', 'a'],
    ['MODULE', 'UNLOAD', 'foo'], ['MODULE'], ['MODULE', 'NOSUCH'], ['MODULE', 'UNLOAD']]) await same(...c);
});

redisTest(test, 'MODULE LOAD with enable-module-command yes fails as Redis fails on a module it cannot load', async () => {
  const strata2 = await startServer({ args: ['--enable-module-command', 'yes'] });
  const redis2 = await startRedis(['--enable-module-command', 'yes']);
  if (redis2 === null) throw new Error('redis-server did not start');
  const [a, b] = await Promise.all([RawClient.connect(strata2.port), RawClient.connect(redis2.port)]);
  try {
    for (const c of [['MODULE', 'LOAD', '/nonexistent.so'], ['MODULE', 'LOADEX', '/x.so', 'CONFIG', 'a', 'b'], ['MODULE', 'UNLOAD', 'foo']]) {
      const [mine, real] = await Promise.all([a.command(...c), b.command(...c)]);
      assert.is(mine.toString(), real.toString(), c.join(' '));
    }
    await a.command('CONFIG', 'GET', 'enable-module-command').then((r) => assert.equal(strings(r.toString()), ['enable-module-command', 'yes']));
  } finally {
    a.close();
    b.close();
    await Promise.all([strata2.stop(), redis2.stop()]);
  }
});

redisTest(test, 'MEMORY: HELP, PURGE, USAGE errors and misses as Redis; USAGE counts more for more data; STATS has Redis\' fields', async () => {
  for (const c of [['MEMORY', 'HELP'], ['MEMORY', 'PURGE'], ['MEMORY', 'USAGE', 'nokey'], ['MEMORY', 'USAGE'], ['MEMORY', 'USAGE', 'a', 'SAMPLES'],
    ['MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'a', 'SAMPLES', '-1'], ['MEMORY', 'USAGE', 'a', 'FOO', '1'], ['MEMORY'], ['MEMORY', 'NOSUCH']]) {
    await same(...c);
  }
  await ours.command('SET', 'small', 'x');
  await ours.command('SET', 'big', 'x'.repeat(10_000));
  const small = Number((await ours.command('MEMORY', 'USAGE', 'small')).toString().slice(1));
  const big = Number((await ours.command('MEMORY', 'USAGE', 'big')).toString().slice(1));
  assert.ok(small > 0 && big > 10_000 && big < 10_200, `${small} ${big}`);
  const members = Array.from({ length: 100 }, (_, i) => [`field${i}`, 'v'.repeat(100)]).flat();
  await ours.command('HSET', 'h', ...members);
  const sampled = Number((await ours.command('MEMORY', 'USAGE', 'h')).toString().slice(1));
  const all = Number((await ours.command('MEMORY', 'USAGE', 'h', 'SAMPLES', '0')).toString().slice(1));
  assert.ok(all > 100 * 100 && Math.abs(sampled - all) / all < 0.1, `sampled ${sampled}, all ${all}`);
  // Field names and their order are Redis'; the values are StrataKV's own.
  await theirs.command('SET', 'small', 'x');
  const [mine, real] = await both('MEMORY', 'STATS');
  const names = (reply: string): string[] => strings(reply).filter((s) => /^[a-z]/.test(s) && !/^\d/.test(s));
  assert.equal(names(mine), names(real));
  const [doctor] = await both('MEMORY', 'DOCTOR');
  assert.match(bulkText(doctor), /^(Hi Sam|Sam, I detected)/);
  assert.is((await ours.command('MEMORY', 'MALLOC-STATS')).toString(), '$45\r\nStats not supported for the current allocator\r\n');
  await Promise.all([ours.command('DEL', 'small', 'big', 'h'), theirs.command('DEL', 'small')]);
});

redisTest(test, 'LATENCY DOCTOR and GRAPH: Redis\' texts with monitoring off, on without events, and for a spike', async () => {
  await same('LATENCY', 'DOCTOR');
  await same('LATENCY', 'GRAPH', 'command');
  await same('LATENCY', 'GRAPH');
  await same('LATENCY', 'HELP');
  await same('CONFIG', 'SET', 'latency-monitor-threshold', '1000');
  await same('LATENCY', 'RESET');
  await same('LATENCY', 'DOCTOR');
  // A spike of one command, the same on both: the report and the graph (its age label says 0s).
  await same('CONFIG', 'SET', 'latency-monitor-threshold', '50');
  await Promise.all([ours.command('EVAL', 'local t = redis.call("TIME") while true do local n = redis.call("TIME") if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 120000 then break end end', '0'),
    theirs.command('EVAL', 'local t = redis.call("TIME") while true do local n = redis.call("TIME") if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 120000 then break end end', '0')]);
  // The script's spike is a `command` event on both (StrataKV may also log a `fast-command` one:
  // the script's own TIME calls wait for it, so only the command event's lines are compared).
  const [mine, real] = await both('LATENCY', 'DOCTOR');
  const commandLine = (text: string): string | undefined => /\d\. command: \d+ latency spikes .*/.exec(text)?.[0].replace(/^\d\. /, '').replace(/\d+ms/g, 'Nms');
  assert.ok(commandLine(real) !== undefined && commandLine(mine) === commandLine(real), mine);
  assert.ok(mine.includes('- Check your Slow Log to understand what are the commands you are running which are too slow to execute.'));
  const [g1, g2] = await both('LATENCY', 'GRAPH', 'command');
  // The bars below the title; the labels under them say how many seconds ago, which may differ by one.
  assert.is(bulkText(g1).split('\n').slice(1, 7).join('\n'), bulkText(g2).split('\n').slice(1, 7).join('\n'), 'the graph below its title');
  await same('CONFIG', 'SET', 'latency-monitor-threshold', '0');
  await both('LATENCY', 'RESET');
});

redisTest(test, 'LOLWUT: 7.0\'s own (the version line), VERSION 5 byte for byte where it is not random, VERSION 6 framed as Redis', async () => {
  for (const c of [['LOLWUT'], ['LOLWUT', 'VERSION', '7'], ['LOLWUT', 'VERSION'], ['LOLWUT', 'foo'], ['LOLWUT', 'VERSION', 'x'], ['LOLWUT', 'VERSION', '5', 'x'],
    ['LOLWUT', 'VERSION', '5', '10', '3', '2'], ['LOLWUT', 'VERSION', '5', '1', '1', '1'], ['LOLWUT', 'VERSION', '5', '66', '8', '1'], ['LOLWUT', 'VERSION', '5', '0', '0', '0'],
    ['LOLWUT', 'VERSION', '6', 'x']]) {
    await same(...c);
  }
  const framing = (reply: string, lines: number): string => bulkText(reply).split('\n').slice(-lines - 1).join('\n');
  const [five, fiveReal] = await both('LOLWUT', 'VERSION', '5');
  assert.is(framing(five, 2), framing(fiveReal, 2));
  assert.is(bulkText(five).split('\n').length, bulkText(fiveReal).split('\n').length, 'as many rows');
  const [six, sixReal] = await both('LOLWUT', 'VERSION', '6', '30', '8');
  assert.is(framing(six, 2), framing(sixReal, 2));
  assert.is(bulkText(six).split('\n').length, bulkText(sixReal).split('\n').length);
});

redisTest(test, 'COMMAND GETKEYSANDFLAGS from the key specs, COMMAND HELP, BGREWRITEAOF', async () => {
  const cases = [
    ['SET', 'a', 'b'], ['MSET', 'a', '1', 'b', '2'], ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['SORT', 'a', 'STORE', 'b'], ['XREAD', 'STREAMS', 'a', 'b', '0', '0'],
    ['ZUNIONSTORE', 'd', '2', 'a', 'b'], ['COPY', 'a', 'b'], ['GET'], ['NOSUCH', 'x'], ['PING', 'x'], ['EVAL', 's', '2', 'a', 'b'], ['OBJECT', 'ENCODING', 'k'],
  ];
  for (const c of cases) await same('COMMAND', 'GETKEYSANDFLAGS', ...c);
  await same('COMMAND', 'GETKEYSANDFLAGS');
  await same('COMMAND', 'HELP');
  await same('BGREWRITEAOF');
});

redisTest(test, 'CLIENT REPLY OFF/SKIP and MONITOR inside MULTI: the same bytes on the wire as Redis', async () => {
  const sequences = [
    [['MULTI'], ['MONITOR'], ['EXEC'], ['PING']],
    [['CLIENT', 'REPLY', 'SKIP'], ['PING', 'a'], ['PING', 'b'], ['CLIENT', 'REPLY', 'OFF'], ['PING', 'c'], ['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'ON'], ['PING', 'd']],
    [['MULTI'], ['CLIENT', 'REPLY', 'OFF'], ['EXEC'], ['PING', 'e'], ['CLIENT', 'REPLY', 'ON'], ['PING', 'f']],
    [['MULTI'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'g'], ['EXEC'], ['PING', 'h'], ['PING', 'i']],
  ];
  const sentinel = '$8\r\nsentinel\r\n';
  /** Everything the connection receives up to the sentinel PING's reply (sent last, always answered). */
  const wire = async (port: number, steps: string[][]): Promise<string> => {
    const c = await RawClient.connect(port);
    try {
      c.write(Buffer.concat([...steps, ['PING', 'sentinel']].map((s) => encodeCommand(s))));
      let out = '';
      while (!out.endsWith(sentinel)) out += (await c.readReply()).toString('latin1');
      return out;
    } finally {
      c.close();
    }
  };
  for (const steps of sequences) {
    const [mine, real] = await Promise.all([wire(strata.port, steps), wire((redis as TestServer).port, steps)]);
    assert.is(JSON.stringify(mine), JSON.stringify(real), steps.map((s) => s.join(' ')).join('; '));
  }
});

/** Parameters whose CONFIG SET answer differs by design (README, "Configuration"). */
const SET_DIFFERENCES: Record<string, string> = {
  port: 'StrataKV does not move its listener at runtime (immutable here)',
  bind: 'idem',
  'tls-port': 'TLS settings are read at startup (immutable here)',
  'tls-cert-file': 'idem',
  'tls-key-file': 'idem',
  'tls-ca-cert-file': 'idem',
  'tls-auth-clients': 'idem',
  appendonly: 'StrataKV always logs writes: no is refused',
  requirepass: 'setting it would lock this test out',
  dir: 'protected in both; changing it is not what this loop checks',
};

redisTest(test, 'CONFIG GET * lists every parameter Redis 7.0.15 lists, and CONFIG SET validates each with Redis\' texts', async () => {
  const [mine, real] = await both('CONFIG', 'GET', '*');
  const pairs = (reply: string): Map<string, string> => {
    const s = strings(reply);
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < s.length; i += 2) m.set(s[i], s[i + 1]);
    return m;
  };
  const ourParams = pairs(mine);
  const redisParams = pairs(real);
  for (const name of redisParams.keys()) assert.ok(ourParams.has(name), `CONFIG GET * lists ${name}`);
  const extra = [...ourParams.keys()].filter((n) => !redisParams.has(n)).sort();
  assert.equal(extra, ['admin-port', 'block-cache-size', 'cache-index-and-filter-blocks', 'checkpoint-keep', 'compaction-rate-limit', 'memtable-size', 'wal-truncate-corrupt', 'zset-rank-bucket-size'], 'StrataKV\'s own');
  const wrong: string[] = [];
  for (const name of redisParams.keys()) {
    if (name in SET_DIFFERENCES) continue;
    for (const value of ['zz!', '-5', '99999999999999999999', '']) {
      const [a, b] = await both('CONFIG', 'SET', name, value);
      const agree = b.startsWith('-') ? a === b : !a.startsWith('-') || value === '99999999999999999999';
      if (!agree) wrong.push(`CONFIG SET ${name} ${JSON.stringify(value)}: ${a.trim()} / redis: ${b.trim()}`);
    }
  }
  assert.equal(wrong, []);
});

redisTest(test, 'CONFIG SET of several parameters is all or nothing; CONFIG GET of several patterns; hidden, immutable and protected parameters', async () => {
  for (const c of [
    ['CONFIG', 'SET', 'maxmemory', '10mb', 'hz', 'abc'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'SET', 'maxmemory', '10', 'MAXMEMORY', '20'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'hz'], ['CONFIG', 'SET', 'maxmemory'], ['CONFIG', 'SET', 'nosuch', '1'], ['CONFIG', 'SET', 'daemonize', 'yes'],
    ['CONFIG', 'SET', 'dbfilename', 'x.rdb'], ['CONFIG', 'SET', 'enable-debug-command', 'yes'], ['CONFIG', 'GET', 'watchdog*'], ['CONFIG', 'GET', 'watchdog-period'],
    ['CONFIG', 'SET', 'maxmemory', '2mb', 'maxmemory-policy', 'allkeys-lru'],
    ['CONFIG', 'GET', 'MAXMEMORY-POLICY'], ['CONFIG', 'GET', 'lua*'], ['CONFIG', 'SET', 'maxmemory-clients', '101%'], ['CONFIG', 'SET', 'maxmemory-clients', '10%'],
    ['CONFIG', 'GET', 'maxmemory-clients'], ['CONFIG', 'SET', 'save', '100'], ['CONFIG', 'SET', 'save', '100 10 60 x'], ['CONFIG', 'SET', 'oom-score-adj-values', '0 x 800'],
    ['CONFIG', 'SET', 'hz', '0'], ['CONFIG', 'GET', 'hz'], ['CONFIG', 'SET', 'hz', '10'],
    ['CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'maxmemory-clients', '0'],
  ]) {
    await same(...c);
  }
  await samePairs('CONFIG', 'GET', 'maxmemory', 'maxmemory-policy', 'MAXMEMORY');
  await samePairs('CONFIG', 'GET', 'hash-max-*-entries');
  await samePairs('CONFIG', 'GET', '*max-*-entries', 'maxmemory*', 'hz');
});

test.run();
