/**
 * Redis 7 functions end to end: FUNCTION LOAD / DELETE / LIST / FLUSH / STATS / HELP / DUMP /
 * RESTORE and FCALL / FCALL_RO run on a StrataKV process and on a real redis-server 7.0.15 side by
 * side, every reply compared byte for byte in RESP2 and RESP3 (load errors, flags, LIST shapes,
 * errors of running functions with their names and lines, restore policies and payload errors);
 * DUMP payloads moved both ways between the two servers; then what a transcript cannot show:
 * -BUSY / FUNCTION KILL / SCRIPT KILL's refusal for a running function, FUNCTION STATS while one
 * runs, functions in MULTI, MONITOR, INFO, and libraries surviving kill -9 (FUNCTION LOAD and
 * FUNCTION FLUSH both durable once acknowledged, appendfsync always) and in checkpoints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, TestClients, redisTest, sleep, startRedis, startServer, type TestServer } from './helpers.js';
import { normalized } from './transcript.js';
import { encodeFunctionsPayload } from '../../src/scripting/dump-payload.js';
import { crc64 } from '../../src/rdb/crc64.js';

let srv: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();

test.before(async () => {
  [srv, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
  await redis?.stop();
});

type Command = ReadonlyArray<string | Buffer>;
/** A command, and whether its reply's order is Redis' hash order (compared with aggregates sorted). */
type Step = Command | { readonly unordered: Command };

const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
const load = (name: string, body: string): string[] => ['FUNCTION', 'LOAD', lib(name, body)];
const reg = (fn: string, body = 'return 1'): string => `redis.register_function('${fn}', function(keys, args) ${body} end)`;

/** A payload with a custom version and RDB body (its checksum right), for RESTORE's error paths. */
function rawPayload(body: Buffer, version = 10): Buffer {
  const head = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

const TRANSCRIPT: readonly Step[] = [
  ['FUNCTION', 'FLUSH'],
  ['FLUSHALL'],
  // LOAD: header errors, in Redis' order of checks.
  ['FUNCTION', 'LOAD', 'return 1'],
  ['FUNCTION', 'LOAD', '#!lua name=x'],
  ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=a name=b\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua foo=a\nreturn 1'],
  ['FUNCTION', 'LOAD', '#! lua name=a\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name="a"x\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=lib-2\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!js name=a\nreturn 1'],
  ['FUNCTION', 'LOAD', 'foo', lib('a', reg('a'))],
  ['FUNCTION', 'LOAD', 'REPLACE'],
  // The code: compile errors, what loading code may touch, register_function's rules.
  load('e', 'return ('),
  load('e', 'return 1'),
  load('e', 'while true do end'),
  load('e', 'a = 1'),
  load('e', "local x = string.format('%d', 1)"),
  load('e', "redis.call('set', 'a', 'b')"),
  load('e', 'local t = redis.setresp'),
  load('e', "error('boom')"),
  load('e', 'redis.register_function()'),
  load('e', 'redis.register_function(1, 2, 3)'),
  load('e', "redis.register_function('a')"),
  load('e', 'redis.register_function(5)'),
  load('e', 'redis.register_function({}, 2)'),
  load('e', 'redis.register_function(1, 2)'),
  load('e', "redis.register_function('f-1', function() end)"),
  load('e', `${reg('dup')}\n${reg('dup')}`),
  load('e', 'redis.register_function{callback=function() end}'),
  load('e', "redis.register_function{function_name='x'}"),
  load('e', 'redis.register_function{[1]=2}'),
  load('e', "redis.register_function{function_name='x', callback=function() end, foo=1}"),
  load('e', 'redis.register_function{function_name={}, callback=function() end}'),
  load('e', "redis.register_function{function_name='x', callback=function() end, description={}}"),
  load('e', "redis.register_function{function_name='x', callback=1}"),
  load('e', "redis.register_function{function_name='x', callback=function() end, flags='no-writes'}"),
  load('e', "redis.register_function{function_name='x', callback=function() end, flags={'no-writes', 'bad'}}"),
  load('e', "redis.register_function{function_name='x', callback=function() end, flags={1}}"),
  load('e', "local f = redis.register_function f('late', function() return f('x', function() end) end)"),
  ['FCALL', 'late', '0'],
  ['FUNCTION', 'DELETE', 'e'],
  // A library of every kind of function.
  load('lib1', [
    "redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}",
    "redis.register_function{function_name='rw', callback=function(keys, args) return redis.call('set', keys[1], args[1]) end, flags={'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}",
    "redis.register_function{function_name='badro', callback=function(keys, args) return redis.call('set', keys[1], 'x') end, flags={'NO-WRITES'}}",
    "redis.register_function('echo', function(keys, args) return {keys, args, #keys, #args} end)",
    "redis.register_function('globals', function(keys, args) return KEYS end)",
    "redis.register_function('boom', function(keys, args)\n  error('boom')\nend)",
    "redis.register_function('errtable', function(keys, args) return redis.error_reply('MY custom') end)",
    "redis.register_function('resp3', function(keys, args) redis.setresp(3) return redis.call('hgetall', keys[1]) end)",
    "redis.register_function('lib', function(keys, args) return {string.format('%d', 7), cjson.encode({1, 2}), tostring(3 / 1)} end)",
    "redis.register_function('nosuch', function() return redis.call('nosuch') end)",
    "redis.register_function('reg', function() return redis.register_function('x', function() end) end)",
  ].join('\n')),
  load('lib1', reg('other')),
  load('lib2', reg('ECHO')),
  ['FCALL', 'rw', '1', 'k', 'v'],
  ['FCALL', 'ro', '1', 'k'],
  ['FCALL_RO', 'ro', '1', 'k'],
  ['FCALL_RO', 'rw', '1', 'k', 'v'],
  ['FCALL', 'badro', '1', 'k'],
  ['FCALL', 'echo', '2', 'a', 'b', 'c'],
  ['FCALL', 'ECHO', '0', 'x'],
  ['FCALL', 'globals', '0'],
  ['FCALL', 'boom', '0'],
  ['FCALL', 'errtable', '0'],
  ['HSET', 'h', 'f', 'v'],
  ['FCALL', 'resp3', '1', 'h'],
  ['FCALL', 'lib', '0'],
  ['FCALL', 'nosuch', '0'],
  ['FCALL', 'reg', '0'],
  ['FCALL', 'missing', '0'],
  ['FCALL', 'missing', 'x'],
  ['FCALL', 'echo', 'x'],
  ['FCALL', 'echo', '2', 'a'],
  ['FCALL', 'echo', '-1'],
  ['FCALL', 'echo'],
  ['EVAL', "return redis.call('fcall', 'echo', 0)", '0'],
  // LIST: shapes, filters and argument errors (one library per reply: Redis lists in hash order).
  { unordered: ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib1'] },
  { unordered: ['FUNCTION', 'LIST', 'withcode', 'libraryname', 'LIB1'] },
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib2'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nomatch*'],
  { unordered: ['FUNCTION', 'LIST'] },
  { unordered: ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib*', 'WITHCODE'] },
  ['FUNCTION', 'LIST', 'LIBRARYNAME'],
  ['FUNCTION', 'LIST', 'foo'],
  ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a', 'LIBRARYNAME', 'b'],
  // REPLACE: a new body replaces the old functions; collisions with other libraries refused.
  ['FUNCTION', 'LOAD', 'REPLACE', lib('lib2', reg('echo'))],
  ['FUNCTION', 'LOAD', 'replace', lib('lib2', `${reg('two')}\n${reg('three', 'return 3')}`)],
  ['FCALL', 'ECHO', '0'],
  ['FCALL', 'three', '0'],
  ['FUNCTION', 'LOAD', 'REPLACE', lib('lib2', 'return 1')],
  ['FCALL', 'three', '0'],
  ['FUNCTION', 'STATS'],
  ['FUNCTION', 'DELETE', 'nosuch'],
  ['FUNCTION', 'DELETE', 'LIB2'],
  ['FUNCTION', 'DELETE', 'lib2'],
  ['FCALL', 'three', '0'],
  ['FUNCTION', 'KILL'],
  ['SCRIPT', 'KILL'],
  ['FUNCTION', 'FLUSH', 'bad'],
  ['FUNCTION', 'FLUSH', 'SYNC', 'x'],
  ['FUNCTION', 'HELP'],
  ['FUNCTION', 'NOSUCH'],
  // RESTORE: policies, collisions, payload errors (payloads built here with a right checksum).
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r1', reg('r1f')))])],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r1', reg('r1f')))])],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r1', reg('r1f')))]), 'APPEND'],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r2', reg('r1f')))])],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r1', reg('r1g', 'return 2')))]), 'REPLACE'],
  ['FCALL', 'r1g', '0'],
  ['FCALL', 'r1f', '0'],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r3', reg('r3f'))), Buffer.from(lib('r3', reg('r3g')))])],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r3', 'return 1'))])],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from('no header')])],
  ['FUNCTION', 'RESTORE', 'abc'],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.alloc(0), 11)],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf6, 1, 0x41]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf6, 1, 0x41, 3, 0x6c, 0x75, 0x61]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf6, 1, 0x41, 3, 0x6c, 0x75, 0x61, 0x81]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf6, 1, 0x41, 3, 0x6c, 0x75, 0x61, 1, 0x3f]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf6, 1, 0x41, 3, 0x6c, 0x75, 0x61, 0, 0x3f]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.concat([Buffer.from([0xf6, 2, 0x70, 0x67, 3, 0x4c, 0x55, 0x41, 1, 1, 0x64]), Buffer.from([reg('pre_ga').length]), Buffer.from(reg('pre_ga'))]))],
  ['FCALL', 'pre_ga', '0'],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0x00, 1, 0x41]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf5, 0x3f, 0x41]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf5]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.from([0xf5, 0xc0, 5]))],
  ['FUNCTION', 'RESTORE', rawPayload(Buffer.alloc(0))],
  ['FUNCTION', 'RESTORE', 'x', 'BAD'],
  ['FUNCTION', 'RESTORE', 'x', 'FLUSH', 'more'],
  ['FUNCTION', 'RESTORE', encodeFunctionsPayload([Buffer.from(lib('r4', reg('r4f')))]), 'FLUSH'],
  ['FUNCTION', 'LIST'],
  ['FCALL', 'r1g', '0'],
  ['FUNCTION', 'DUMP'],
  ['FUNCTION', 'FLUSH', 'ASYNC'],
  ['FUNCTION', 'DUMP'],
  ['FUNCTION', 'LIST'],
  // In MULTI, and the metadata.
  load('m', `${reg('incr2', "redis.call('incr', keys[1]) return redis.call('incr', keys[1])")}`),
  ['MULTI'],
  ['FCALL', 'incr2', '1', 'counter'],
  ['FCALL_RO', 'incr2', '1', 'counter'],
  ['FCALL', 'nope', '0'],
  ['EXEC'],
  ['FUNCTION', 'FLUSH'],
  // Redis lists a container's subcommands in its dict's order, which its hash seed makes random.
  { unordered: ['COMMAND', 'INFO', 'fcall', 'fcall_ro', 'function'] },
  { unordered: ['COMMAND', 'DOCS', 'fcall', 'fcall_ro', 'function'] },
  ['COMMAND', 'GETKEYS', 'FCALL', 'f', '2', 'k1', 'k2', 'a'],
  ['COMMAND', 'GETKEYS', 'FCALL_RO', 'f', '1', 'k1'],
];

function commandOf(step: Step): Command {
  return 'unordered' in step ? step.unordered : step;
}

async function run(port: number, steps: readonly Step[]): Promise<Buffer[]> {
  const c = await RawClient.connect(port);
  try {
    const out: Buffer[] = [];
    for (const step of steps) out.push(await c.command(...commandOf(step)));
    return out;
  } finally {
    c.close();
  }
}

function show(cmd: Command): string {
  return JSON.stringify(cmd.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))).map((a) => (a.length > 80 ? `${a.slice(0, 80)}...` : a)));
}

for (const protocol of ['2', '3']) {
  redisTest(test, `FUNCTION and FCALL reply byte for byte as redis-server (RESP${protocol})`, async () => {
    assert.ok(redis, 'redis-server started');
    const steps: Step[] = [['HELLO', protocol], ...TRANSCRIPT];
    const [ours, theirs] = await Promise.all([run(srv.port, steps), run(redis.port, steps)]);
    const differences: string[] = [];
    for (let i = 1; i < steps.length; i++) {
      let [a, b] = [ours[i].toString('latin1'), theirs[i].toString('latin1')];
      if ('unordered' in steps[i]) [a, b] = [normalized(a), normalized(b)];
      if (a !== b) differences.push(`${show(commandOf(steps[i]))}\n    ours:  ${JSON.stringify(a)}\n    redis: ${JSON.stringify(b)}`);
    }
    assert.is(differences.join('\n'), '');
  });
}

const LIBRARY_A = lib('mover', `${reg('mover_get', "return redis.call('get', keys[1])")}\n-- ${'padding that LZF compresses '.repeat(8)}`);
const LIBRARY_B = lib('other_lib', reg('other_f', 'return 42'));

redisTest(test, 'FUNCTION DUMP payloads move both ways: redis-server (LZF-compressed) -> StrataKV -> redis-server', async () => {
  assert.ok(redis, 'redis-server started');
  const ours = clients.connect({ port: srv.port });
  const theirs = clients.connect({ port: redis.port });
  await Promise.all([ours.function('FLUSH'), theirs.function('FLUSH')]);
  await theirs.function('LOAD', LIBRARY_A);
  await theirs.function('LOAD', LIBRARY_B);
  const fromRedis = await theirs.callBuffer('FUNCTION', 'DUMP') as Buffer;
  assert.is(String(await ours.callBuffer('FUNCTION', 'RESTORE', fromRedis)), 'OK');
  assert.is(await ours.fcall('other_f', 0), 42);
  const listed = (reply: unknown): string => JSON.stringify((reply as unknown[]).map((x) => JSON.stringify(x)).sort());
  assert.is(listed(await ours.function('LIST', 'WITHCODE')), listed(await theirs.function('LIST', 'WITHCODE')));
  const fromUs = await ours.callBuffer('FUNCTION', 'DUMP') as Buffer;
  await theirs.function('FLUSH');
  assert.is(String(await theirs.callBuffer('FUNCTION', 'RESTORE', fromUs)), 'OK');
  assert.is(listed(await theirs.function('LIST', 'WITHCODE')), listed(await ours.function('LIST', 'WITHCODE')));
  await Promise.all([ours.function('FLUSH'), theirs.function('FLUSH')]);
});

redisTest(test, "FUNCTION DUMP is byte for byte redis-server's with rdbcompression no", async () => {
  const plain = await startRedis(['--rdbcompression', 'no']);
  assert.ok(plain, 'redis-server started');
  try {
    const ours = clients.connect({ port: srv.port });
    const theirs = clients.connect({ port: plain.port });
    await ours.function('FLUSH');
    await Promise.all([ours.function('LOAD', LIBRARY_A), theirs.function('LOAD', LIBRARY_A)]);
    assert.equal(await ours.callBuffer('FUNCTION', 'DUMP'), await theirs.callBuffer('FUNCTION', 'DUMP'));
    await ours.function('FLUSH');
  } finally {
    await plain.stop();
  }
});

/** Polls with PING until the server answers -BUSY; that reply. */
async function untilBusy(c: RawClient): Promise<string> {
  let reply = '';
  for (let i = 0; i < 200 && !reply.startsWith('-BUSY'); i++) {
    reply = (await c.command('PING')).toString();
    if (!reply.startsWith('-BUSY')) await sleep(20);
  }
  return reply;
}

test('a busy function: -BUSY names FUNCTION KILL, SCRIPT KILL refuses, FUNCTION STATS shows it, FUNCTION KILL stops it', async () => {
  const admin = clients.connect({ port: srv.port });
  await admin.config('SET', 'busy-reply-threshold', '100');
  await admin.function('LOAD', 'REPLACE', lib('loops', `${reg('spin', 'while true do end')}\n${reg('other_spin')}`));
  const looper = await RawClient.connect(srv.port);
  const other = await RawClient.connect(srv.port);
  try {
    looper.write('*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n');
    const busy = '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n';
    assert.is(await untilBusy(other), busy);
    assert.is((await other.command('SCRIPT', 'KILL')).toString(), busy);
    const stats = (await other.command('FUNCTION', 'STATS')).toString();
    // 2 functions: spin and other_spin.
    assert.match(stats, /^\*4\r\n\$14\r\nrunning_script\r\n\*6\r\n\$4\r\nname\r\n\$4\r\nspin\r\n\$7\r\ncommand\r\n\*3\r\n\$5\r\nFCALL\r\n\$4\r\nspin\r\n\$1\r\n0\r\n\$11\r\nduration_ms\r\n:\d+\r\n\$7\r\nengines\r\n\*2\r\n\$3\r\nLUA\r\n\*4\r\n\$15\r\nlibraries_count\r\n:1\r\n\$15\r\nfunctions_count\r\n:2\r\n$/);
    assert.is((await other.command('FUNCTION', 'KILL')).toString(), '+OK\r\n');
    assert.is((await looper.readReply()).toString(), '-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n');
    assert.is((await other.command('FUNCTION', 'KILL')).toString(), '-NOTBUSY No scripts in execution right now.\r\n');
    // A busy EVAL: FUNCTION KILL and FUNCTION STATS refuse, naming SCRIPT KILL.
    looper.write('*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n');
    const evalBusy = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';
    assert.is(await untilBusy(other), evalBusy);
    assert.is((await other.command('FUNCTION', 'KILL')).toString(), evalBusy);
    assert.is((await other.command('FUNCTION', 'STATS')).toString(), evalBusy);
    assert.is((await other.command('SCRIPT', 'KILL')).toString(), '+OK\r\n');
    assert.match((await looper.readReply()).toString(), /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
  } finally {
    looper.close();
    other.close();
    await admin.config('SET', 'busy-reply-threshold', '5000');
    await admin.function('DELETE', 'loops');
  }
});

test("MONITOR shows FCALL, then the function's commands as [db lua]; SLOWLOG logs all three; INFO counts functions", async () => {
  const c = clients.connect({ port: srv.port });
  await c.function('LOAD', 'REPLACE', lib('mon', `${reg('mon_set', "redis.call('set', keys[1], 'v') return redis.call('get', keys[1])")}\n${reg('mon_two')}`));
  const mon = await RawClient.connect(srv.port);
  const raw = await RawClient.connect(srv.port);
  try {
    assert.is((await mon.command('MONITOR')).toString(), '+OK\r\n');
    await raw.command('FCALL', 'mon_set', '1', 'mk');
    const lines: string[] = [];
    while (!lines.some((l) => l.includes('"get" "mk"'))) lines.push((await mon.readReply()).toString().replace(/^\+\d+\.\d+ /, '').replace(/\r\n$/, ''));
    const at = lines.findIndex((l) => l.includes('"FCALL"'));
    assert.ok(at >= 0, lines.join('\n'));
    assert.match(lines[at], /^\[0 127\.0\.0\.1:\d+\] "FCALL" "mon_set" "1" "mk"$/);
    assert.is(lines[at + 1], '[0 lua] "set" "mk" "v"');
    assert.is(lines[at + 2], '[0 lua] "get" "mk"');
  } finally {
    mon.close();
    raw.close();
  }
  await c.config('SET', 'slowlog-log-slower-than', '0');
  await c.slowlog('RESET');
  await c.fcall('mon_set', 1, 'slow');
  await c.config('SET', 'slowlog-log-slower-than', '10000');
  const entries = (await c.slowlog('GET', '10')) as Array<[number, number, number, string[]]>;
  const logged = entries.map((e) => e[3].join(' ').toLowerCase());
  for (const line of ['fcall mon_set 1 slow', 'set slow v', 'get slow']) assert.ok(logged.includes(line), JSON.stringify(logged));
  const info = await c.info('memory');
  assert.match(info, /\r\nnumber_of_functions:2\r\n/);
  assert.match(info, /\r\nused_memory_vm_functions:[1-9]\d*\r\n/);
  assert.match(info, /\r\nused_memory_functions:[1-9]\d*\r\n/);
  await c.function('DELETE', 'mon');
});

test('libraries survive kill -9 once FUNCTION LOAD is acknowledged, and so does FUNCTION FLUSH (appendfsync always); a function that wrote is unkillable', async () => {
  let own = await startServer({ args: ['--appendfsync', 'always'] });
  const dir = own.dir;
  try {
    let c = await RawClient.connect(own.port);
    assert.is((await c.command('FUNCTION', 'LOAD', lib('keep', reg('kept', "return 'still here'")))).toString(), '$4\r\nkeep\r\n');
    assert.is((await c.command('FUNCTION', 'LOAD', lib('gone', reg('dropped')))).toString(), '$4\r\ngone\r\n');
    assert.is((await c.command('FUNCTION', 'DELETE', 'gone')).toString(), '+OK\r\n');
    c.close();
    await own.kill();
    own = await startServer({ dir, port: own.port, args: ['--appendfsync', 'always'] });
    c = await RawClient.connect(own.port);
    assert.is((await c.command('FCALL', 'kept', '0')).toString(), '$10\r\nstill here\r\n');
    assert.is((await c.command('FCALL', 'dropped', '0')).toString(), '-ERR Function not found\r\n');
    assert.match(own.output(), /Done loading 1 function library/);
    assert.is((await c.command('FUNCTION', 'FLUSH')).toString(), '+OK\r\n');
    c.close();
    await own.kill();
    own = await startServer({ dir, port: own.port });
    c = await RawClient.connect(own.port);
    assert.is((await c.command('FUNCTION', 'LIST')).toString(), '*0\r\n');
    // A busy function that wrote cannot be killed (the server then ends with kill -9 anyway).
    assert.is((await c.command('CONFIG', 'SET', 'busy-reply-threshold', '100')).toString(), '+OK\r\n');
    assert.is((await c.command('FUNCTION', 'LOAD', lib('stuck', reg('wspin', "redis.call('set', 'spun', '1') while true do end")))).toString(), '$5\r\nstuck\r\n');
    const other = await RawClient.connect(own.port);
    c.write('*3\r\n$5\r\nFCALL\r\n$5\r\nwspin\r\n$1\r\n0\r\n');
    assert.is(await untilBusy(other), '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    assert.is((await other.command('FUNCTION', 'KILL')).toString(), '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n');
    other.close();
    c.close();
    await own.kill();
  } finally {
    await own.stop();
  }
});

test('a checkpoint (SAVE) holds the libraries of its moment: --restore brings them back', async () => {
  const c = clients.connect({ port: srv.port });
  await c.function('FLUSH');
  await c.function('LOAD', lib('saved', reg('saved_f', "return 'from the checkpoint'")));
  assert.is(await c.save(), 'OK');
  const checkpoint = /\r\nlast_checkpoint_dir:(.*)\r\n/.exec(await c.info('persistence'))?.[1];
  assert.ok(checkpoint, 'INFO names the checkpoint');
  // After the checkpoint: not in it.
  await c.function('LOAD', lib('later', reg('later_f')));
  await c.function('DELETE', 'saved');
  const copy = await startServer({ dir: path.join(mkdtempSync(path.join(os.tmpdir(), 'stratakv-fn-')), 'restored'), args: ['--restore', checkpoint] });
  try {
    const r = await RawClient.connect(copy.port);
    assert.is((await r.command('FCALL', 'saved_f', '0')).toString(), '$19\r\nfrom the checkpoint\r\n');
    assert.is((await r.command('FCALL', 'later_f', '0')).toString(), '-ERR Function not found\r\n');
    r.close();
  } finally {
    await copy.stop();
    rmSync(path.dirname(copy.dir), { recursive: true, force: true });
  }
  await c.function('FLUSH');
});

test.run();
