/**
 * ACL users end to end, side by side with a real redis-server 7.0 (every expected reply is
 * redis-server's, asked now): the same ACL SETUSER lines get the same replies and errors, and
 * leave users that ACL GETUSER and ACL LIST describe the same; named users are refused the same
 * commands, keys and channels with the same NOPERM texts, at top level, in MULTI/EXEC and in
 * scripts; ACL DRYRUN, CAT, LOG, WHOAMI, DELUSER; AUTH and HELLO with users; requirepass and the
 * default user; real clients (ioredis, redis-cli, redis-py) as named users; passwords kept out of
 * SLOWLOG and MONITOR; a brute-force AUTH loop logged as one growing ACL LOG entry.
 *
 * One part of Redis' output is random: ACL LIST and GETUSER describe single commands (after the
 * categories) in the hash order of Redis' command dictionary, which changes per process. Those
 * runs of single-command rules are compared as sets; everything else byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, RawClient, freePort, TestClients, redisCli, redisTest, runProcess, sleep, startRedis, startServer, type TestServer } from './helpers.js';
import { NEWER_THAN_7_0, normalizeRules } from '../diff/families/acl.js';

let strata: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();
let ours: RawClient;
let theirs: RawClient;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer({ args: ['--slowlog-log-slower-than', '0'] }), startRedis(['--slowlog-log-slower-than', '0'])]);
  ours = await RawClient.connect(strata.port);
  if (redis !== null) theirs = await RawClient.connect(redis.port);
});

test.after(async () => {
  ours?.close();
  theirs?.close();
  clients.disconnectAll();
  await Promise.all([strata?.stop(), redis?.stop()]);
});


/** A reply as compared: single-command rules sorted, and HELLO's client id (which differs by nature) masked. */
function comparable(reply: Buffer): string {
  return normalizeRules(reply.toString('latin1')).replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}

async function pair(a: RawClient, b: RawClient, args: string[]): Promise<[string, string]> {
  const [x, y] = await Promise.all([a.command(...args), b.command(...args)]);
  return [comparable(x), comparable(y)];
}

/** One command on both servers (through these clients); the replies must match. Returns ours. */
async function both(args: string[], a = ours, b = theirs): Promise<string> {
  const [x, y] = await pair(a, b, args);
  assert.is(x, y, args.join(' '));
  return x;
}

/** A client on each server authenticated as `user`. */
async function loginBoth(user: string, password: string): Promise<[RawClient, RawClient]> {
  const a = await RawClient.connect(strata.port);
  const b = await RawClient.connect(redis!.port);
  await both(['AUTH', user, password], a, b);
  return [a, b];
}

// The rules are chosen among categories whose commands both servers have (StrataKV has no GEO,
// CLUSTER, MODULE, replication or MIGRATE/DUMP/RESTORE commands, which @geo, @admin, @dangerous,
// @keyspace and @slow hold in Redis).
const SETUSER_LINES: string[][] = [
  ['u1', 'on', '>p1', '~app:*', '%R~r:*', '&ch*', '+get', '+config|get', '-@all', '+@string', '-set', '+select|0', '(+set ~w:*)'],
  ['u2', '+@all', '-config|set', '-debug', 'allchannels', '%W~x', 'resetpass', 'nopass'],
  ['t1', '-@all', '+set', '+@string'],
  ['t2', '-@all', '+@string', '-get', '+@read'],
  ['t3', '+@all', '-@string', '+get', '-@read'],
  ['t4', '-@all', '+@hash', '+@string', '-@write', '+debug'],
  ['t5', '-@all', '+@list', '+@set', '+@sortedset', '-@blocking', '+blpop'],
  ['t6', 'allcommands', '-@pubsub', '+publish', 'allkeys', '~x'],
  ['t7', '%R', '%RW~a', '%WR~b', '~a', '%R~a', 'resetkeys', '%W~c', '%R~c'],
  ['t8', '%~foo'],
  ['t8', '%rr~c'],
  ['t8', '+config|get|x'],
  ['t8', '+select|'],
  ['t8', '+get|x', '+get|y', '+GET|X'],
  ['t8', '-get|x'],
  ['t9', '(~a', '+get)', '(', ')', '()', '(~a"b" )'],
  ['t9', '(~"a b")'],
  ['t9', '(~a'],
  ['t 9'],
  ['t10', '+@nonexist'],
  ['t10', 'foo'],
  ['t10', '#abc'],
  ['t10', '#' + 'A'.repeat(64)],
  ['t10', '#' + 'a'.repeat(64), '!' + 'a'.repeat(64), '>x', '<x', '<y'],
  ['t10', '~*', '~a'],
  ['t10', '&*', '&a'],
  ['t10', '&a b'],
  ['t10', 'reset', 'on', 'nopass', 'skip-sanitize-payload', '&x', '+@hash', '-hset', '(+@stream %R~s:*)', '(+xadd)', 'clearselectors'],
  ['t11', 'on', '>a', '>b', '>a', 'sanitize-payload', '+@transaction', '+@scripting', '-@fast', '+ping', '+auth'],
  ['t12', '+@all', '-@all', '+@hash', '-@string', '+@list', '-@blocking'],
  ['t13', '+@pubsub', '+@stream', '-@write', '+xadd', '&news.*', '&alerts'],
];

redisTest(test, 'ACL SETUSER lines: the same replies and errors, and the users GETUSER and LIST describe the same', async () => {
  for (const line of SETUSER_LINES) {
    await both(['ACL', 'SETUSER', ...line]);
    await both(['ACL', 'GETUSER', line[0]]);
  }
  await both(['ACL', 'LIST']);
  await both(['ACL', 'USERS']);
  await both(['ACL', 'GETUSER', 'nobody']);
  await both(['ACL', 'SETUSER']);
  await both(['ACL', 'DELUSER', 'default', 't1']);
  await both(['ACL', 'DELUSER', 't1', 't2', 'nobody']);
  await both(['ACL', 'USERS']);
  await both(['ACL', 'WHOAMI']);
  await both(['ACL', 'CAT']);
  for (const category of ['string', 'hash', 'list', 'set', 'sortedset', 'stream', 'pubsub', 'transaction', 'scripting', 'hyperloglog', 'bitmap', 'Hash']) {
    // The order of commands is Redis' dictionary's: compare as sets; those newer than Redis 7.0
    // (DIGEST, DELEX, ... in @string) only StrataKV can list.
    const [a, b] = await pair(ours, theirs, ['ACL', 'CAT', category]);
    const names = (reply: string): string[] => reply.split('\r\n').filter((line) => line !== '' && !/^[*$]/.test(line) && !NEWER_THAN_7_0.has(line)).sort();
    assert.equal(names(a), names(b), `ACL CAT ${category}`);
  }
  await both(['ACL', 'CAT', 'nosuch']);
  await both(['ACL', 'CAT', 'a', 'b']);
  await both(['ACL', 'GENPASS', '0']);
  await both(['ACL', 'GENPASS', 'x']);
  await both(['ACL', 'GENPASS', '4097']);
  for (const bits of ['1', '5', '256', '4096']) {
    const [a, b] = await pair(ours, theirs, ['ACL', 'GENPASS', bits]);
    assert.is(a.length, b.length, `ACL GENPASS ${bits} length`);
    assert.match(a, /^\$\d+\r\n[0-9a-f]+\r\n$/);
  }
  await both(['ACL', 'LOG', 'x']);
  await both(['ACL', 'LOG', '-1']);
  await both(['ACL', 'HELP']);
  await both(['ACL', 'NOSUCH']);
  await both(['ACL', 'LIST', 'x']);
  await both(['ACL', 'SAVE']);
  await both(['ACL', 'LOAD']);
});

redisTest(test, 'named users: commands, subcommands, first args, keys (read/write), channels and selectors refused as Redis words it; DRYRUN agrees', async () => {
  const setup = [
    ['ACL', 'SETUSER', 'app', 'reset', 'on', '>apppass', '~app:*', '%R~ro:*', '%W~wo:*', '&news.*', '+@all', '-debug', '-flushall', '-config', '+config|get', '-select', '+select|0', '(~sel:* +get +set)'],
    ['ACL', 'SETUSER', 'reader', 'reset', 'on', '>r', 'allkeys', '+@read', '+@connection', 'allchannels'],
  ];
  for (const line of setup) await both(line);
  await both(['SET', 'ro:1', 'x']);
  const [a, b] = await loginBoth('app', 'apppass');
  const commands = [
    ['SET', 'app:1', 'v'], ['GET', 'app:1'], ['SET', 'other', 'v'], ['GET', 'other'],
    ['GET', 'ro:1'], ['SET', 'ro:1', 'y'], ['SET', 'wo:1', 'y'], ['GET', 'wo:1'], ['EXISTS', 'wo:1'], ['APPEND', 'wo:1', 'z'],
    ['COPY', 'ro:1', 'wo:2'], ['COPY', 'wo:1', 'ro:2'], ['MSET', 'app:2', 'a', 'app:3', 'b', 'nope', 'c'], ['MGET', 'app:1', 'nope'],
    ['GET', 'sel:1'], ['SET', 'sel:1', 'v'], ['DEL', 'sel:1'],
    ['FLUSHALL'], ['CONFIG', 'GET', 'maxclients'], ['CONFIG', 'SET', 'maxclients', '100'], ['CONFIG', 'RESETSTAT'],
    ['SELECT', '0'], ['SELECT', '1'],
    ['PUBLISH', 'news.today', 'x'], ['PUBLISH', 'sport', 'x'], ['SPUBLISH', 'sport', 'x'],
    ['SORT', 'app:list', 'STORE', 'other'], ['SORT', 'app:list', 'STORE', 'app:sorted'], ['SORT', 'ro:list'],
    ['ACL', 'WHOAMI'], ['AUTH', 'app', 'wrong'], ['ACL', 'WHOAMI'],
    ['NOSUCHCOMMAND'], ['GET'],
  ];
  for (const c of commands) await both(c, a, b);
  // A subscriber: SUBSCRIBE and PSUBSCRIBE checked per channel / pattern (patterns literally).
  await both(['SUBSCRIBE', 'news.1', 'sport'], a, b);
  await both(['PSUBSCRIBE', 'news.*'], a, b);
  await both(['PSUBSCRIBE', 'news.a*'], a, b);
  a.close();
  b.close();
  const dryruns = [
    ['app', 'SET', 'app:1', 'v'], ['app', 'SET', 'x', 'v'], ['app', 'debug', 'sleep', '0'], ['app', 'publish', 'sport', 'x'],
    ['app', 'config', 'set', 'a', 'b'], ['app', 'CONFIG', 'GET', 'x'], ['app', 'config'], ['app', 'config', 'nosub'], ['app', 'nosuch'],
    ['app', 'get'], ['nobody', 'get', 'x'], ['reader', 'set', 'x', 'y'], ['reader', 'get', 'anything'], ['reader', 'ping'],
    ['app', 'select', '0'], ['app', 'SELECT', '1'], ['app', 'get', 'sel:1'], ['app', 'mset', 'app:1', 'v', 'sel:2', 'v'],
  ];
  for (const d of dryruns) await both(['ACL', 'DRYRUN', ...d]);
});

redisTest(test, 'MULTI checks queued commands as they are queued, EXEC again; scripts check redis.call against the caller', async () => {
  await both(['ACL', 'SETUSER', 'tx', 'reset', 'on', '>t', '~app:*', '+@all', '-get', '&c']);
  const [a, b] = await loginBoth('tx', 't');
  for (const c of [['MULTI'], ['GET', 'app:1'], ['SET', 'y', '1'], ['SET', 'app:1', '1'], ['EXEC']]) await both(c, a, b);
  for (const c of [['MULTI'], ['SET', 'app:2', '2'], ['INCR', 'app:3']]) await both(c, a, b);
  // The rules change between queueing and EXEC.
  await both(['ACL', 'SETUSER', 'tx', 'resetkeys', '~app:3']);
  await both(['EXEC'], a, b);
  const scripts = [
    ['EVAL', 'return redis.call(\'set\',\'x\',\'1\')', '0'],
    ['EVAL', 'return redis.call(\'set\',\'app:3\',\'1\')', '0'],
    ['EVAL', 'return redis.call(\'get\',\'app:3\')', '0'],
    ['EVAL', 'return redis.call(\'publish\',\'x\',\'1\')', '0'],
    ['EVAL', 'return redis.call(\'publish\',\'c\',\'1\')', '0'],
    ['EVAL', 'return redis.pcall(\'set\',\'x\',\'1\')', '0'],
    ['EVAL', 'return redis.call(\'debug\',\'sleep\',\'0\')', '0'],
  ];
  for (const s of scripts) await both(s, a, b);
  a.close();
  b.close();
});

async function rejects(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await run();
  } catch (err) {
    assert.match((err as Error).message, message);
    return;
  }
  assert.unreachable(`expected an error matching ${String(message)}`);
}

/** ACL LOG's entries, without what differs by nature (ages, client ids and addresses). */
async function logEntries(client: RawClient, count: number): Promise<string[]> {
  const reply = (await client.command('ACL', 'LOG', String(count))).toString('latin1').split('\r\n');
  const out: string[] = [];
  for (let i = 0; i < reply.length; i++) {
    if (['count', 'reason', 'context', 'object', 'username'].includes(reply[i])) {
      const value = reply[i + 1].startsWith(':') ? reply[i + 1].slice(1) : reply[i + 2];
      out.push(`${reply[i]}=${value}`);
    } else if (reply[i] === 'client-info') out.push(`cmd=${/ cmd=(\S+)/.exec(reply[i + 2])?.[1]} user=${/ user=(\S+)/.exec(reply[i + 2])?.[1]}`);
  }
  return out;
}

redisTest(test, 'ACL LOG: refused commands, keys, channels and failed AUTH, grouped and counted as Redis does; RESET and acllog-max-len', async () => {
  await both(['ACL', 'LOG', 'RESET']);
  await both(['ACL', 'SETUSER', 'logged', 'reset', 'on', '>l', '~k:*', '+@all', '-incr', '&c']);
  const [a, b] = await loginBoth('logged', 'l');
  for (const c of [['INCR', 'k:1'], ['INCR', 'k:1'], ['GET', 'x'], ['PUBLISH', 'd', 'm'], ['MULTI'], ['GET', 'y'], ['DISCARD'], ['AUTH', 'logged', 'bad'], ['AUTH', 'ghost', 'bad'],
    ['HELLO', '3', 'AUTH', 'logged', 'bad'], ['HELLO', '2'], ['EVAL', 'return redis.call(\'get\',\'z\')', '0']]) {
    await both(c, a, b);
  }
  assert.equal(await logEntries(ours, 20), await logEntries(theirs, 20));
  // A shorter log is trimmed when the next entry comes, as in Redis.
  await both(['CONFIG', 'SET', 'acllog-max-len', '2']);
  assert.equal(await logEntries(ours, 20), await logEntries(theirs, 20));
  await both(['GET', 'x'], a, b);
  await both(['GET', 'y'], a, b);
  assert.equal(await logEntries(ours, 20), await logEntries(theirs, 20));
  await both(['CONFIG', 'SET', 'acllog-max-len', '128']);
  await both(['ACL', 'LOG', 'RESET']);
  await both(['ACL', 'LOG']);
  a.close();
  b.close();
});

redisTest(test, 'AUTH, HELLO AUTH and the default user: requirepass mirrored, WRONGPASS, disabled users, RESET, CLIENT LIST user=', async () => {
  await both(['ACL', 'SETUSER', 'bob', 'reset', 'on', '>bobpw', '+@all', '~*']);
  const [a, b] = await [RawClient.connect(strata.port), RawClient.connect(redis!.port)].reduce(async (acc, p) => [...(await acc), await p], Promise.resolve([] as RawClient[]));
  for (const c of [['AUTH', 'x'], ['AUTH', 'bob', 'nope'], ['AUTH', 'bob', 'bobpw'], ['ACL', 'WHOAMI'], ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '3', 'AUTH', 'bob', 'wrong'], ['HELLO', '2', 'AUTH', 'default', 'anything'], ['ACL', 'WHOAMI'], ['AUTH', 'nobody', 'x']]) {
    await both(c, a, b);
  }
  assert.match((await a.command('CLIENT', 'INFO')).toString(), / user=default /);
  await both(['AUTH', 'bob', 'bobpw'], a, b);
  assert.match((await a.command('CLIENT', 'INFO')).toString(), / user=bob /);
  // A disabled user cannot log in; its connections stay, as in Redis 7.0.
  await both(['ACL', 'SETUSER', 'bob', 'off']);
  await both(['PING'], a, b);
  const [c, d] = [await RawClient.connect(strata.port), await RawClient.connect(redis!.port)];
  await both(['AUTH', 'bob', 'bobpw'], c, d);
  // requirepass is the default user's password.
  await both(['CONFIG', 'SET', 'requirepass', 'secret']);
  await both(['ACL', 'GETUSER', 'default']);
  const [e, f] = [await RawClient.connect(strata.port), await RawClient.connect(redis!.port)];
  for (const cmd of [['GET', 'x'], ['HELLO', '3'], ['AUTH', 'wrong'], ['AUTH', 'secret'], ['ACL', 'WHOAMI'], ['RESET'], ['GET', 'x'], ['AUTH', 'default', 'secret'], ['CONFIG', 'SET', 'requirepass', '']]) {
    await both(cmd, e, f);
  }
  await both(['ACL', 'GETUSER', 'default'], e, f);
  await both(['AUTH', 'x'], e, f);
  for (const x of [a, b, c, d, e, f]) x.close();
});

redisTest(test, 'ACL DELUSER closes the user\'s connections; a SETUSER that takes channels away closes its subscribers', async () => {
  await both(['ACL', 'SETUSER', 'gone', 'reset', 'on', '>g', '+@all', '~*', '&chan']);
  const [a, b] = await loginBoth('gone', 'g');
  const [c, d] = await loginBoth('gone', 'g');
  await both(['SUBSCRIBE', 'chan'], c, d);
  await both(['ACL', 'SETUSER', 'gone', 'resetchannels', '&other']);
  await sleep(100);
  assert.ok(c.isClosed && d.isClosed, 'the subscribers whose channel was revoked are closed');
  await both(['PING'], a, b);
  await both(['ACL', 'DELUSER', 'gone']);
  await sleep(100);
  assert.ok(a.isClosed && b.isClosed, 'the deleted user\'s connections are closed');
});

test('real clients as named users: ioredis (username), redis-cli --user --pass, redis-py username=', async () => {
  await ours.command('ACL', 'SETUSER', 'worker', 'reset', 'on', '>w0rker', '~queue:*', '+@list', '+@connection', '+ping', '+info', '+acl|whoami');
  const io = clients.connect({ port: strata.port, username: 'worker', password: 'w0rker' });
  assert.is(await io.rpush('queue:jobs', 'a', 'b'), 2);
  assert.is(await io.call('ACL', 'WHOAMI'), 'worker');
  await rejects(() => io.set('queue:x', '1'), /NOPERM this user has no permissions to run the 'set' command/);
  await rejects(() => io.lpush('other', '1'), /NOPERM this user has no permissions to access one of the keys used as arguments/);
  await rejects(() => io.call('AUTH', 'worker', 'nope'), /WRONGPASS invalid username-password pair or user is disabled/);

  const cli = await redisCli(strata.port, ['--user', 'worker', '--pass', 'w0rker', '--no-auth-warning', 'LRANGE', 'queue:jobs', '0', '-1']);
  assert.is(cli.stdout, 'a\nb\n');
  const cliDenied = await redisCli(strata.port, ['--user', 'worker', '--pass', 'w0rker', '--no-auth-warning', 'GET', 'queue:jobs']);
  assert.match(cliDenied.stdout, /NOPERM this user has no permissions to run the 'get' command/);

  const py = await runProcess('/usr/bin/python3', ['-c', [
    'import redis, sys',
    `r = redis.Redis(port=${strata.port}, username="worker", password="w0rker")`,
    'print(r.lpop("queue:jobs").decode())',
    'print(r.acl_whoami())',
    'try:\n  r.get("queue:jobs")\nexcept redis.exceptions.NoPermissionError as e:\n  print("denied:", e)',
  ].join('\n')]);
  assert.is(py.code, 0, py.stderr);
  assert.is(py.stdout, 'a\nworker\ndenied: this user has no permissions to run the \'get\' command\n');
});

test('passwords stay out of SLOWLOG and MONITOR (ACL SETUSER and AUTH redacted), and a brute-force AUTH loop is one growing ACL LOG entry', async () => {
  const monitor = await RawClient.connect(strata.port);
  assert.is((await monitor.command('MONITOR')).toString(), '+OK\r\n');
  await ours.command('ACL', 'SETUSER', 'secretive', 'on', '>hunter2');
  const named = await RawClient.connect(strata.port);
  await named.command('AUTH', 'secretive', 'hunter2');
  await named.command('HELLO', '2', 'AUTH', 'secretive', 'hunter2');
  named.close();
  // MONITOR does not show admin commands (ACL SETUSER), as in Redis; AUTH and HELLO it shows redacted.
  const monitored = (await monitor.readReplies(2)).toString('latin1');
  monitor.close();
  assert.match(monitored, /"AUTH" "\(redacted\)" "\(redacted\)"/);
  assert.match(monitored, /"HELLO" "2" "AUTH" "\(redacted\)" "\(redacted\)"/);
  const slowlog = (await ours.command('SLOWLOG', 'GET', '10')).toString('latin1');
  assert.match(slowlog, /\$3\r\nACL\r\n\$7\r\nSETUSER\r\n\$10\r\n\(redacted\)\r\n\$10\r\n\(redacted\)\r\n\$10\r\n\(redacted\)/);
  for (const shown of [slowlog, monitored]) assert.not.match(shown, /hunter2|secretive/);

  await ours.command('ACL', 'LOG', 'RESET');
  const attacker = await RawClient.connect(strata.port);
  const bystander = await RawClient.connect(strata.port);
  const started = Date.now();
  const attempts = 2000;
  const loop = (async () => {
    for (let i = 0; i < attempts; i++) await attacker.command('AUTH', 'secretive', `guess${i}`);
  })();
  // Meanwhile another client is served as usual.
  let worst = 0;
  for (let i = 0; i < 50; i++) {
    const t = Date.now();
    assert.is((await bystander.command('PING')).toString(), '+PONG\r\n');
    worst = Math.max(worst, Date.now() - t);
  }
  await loop;
  const log = await logEntries(ours, 10);
  assert.equal(log.slice(0, 5), [`count=${attempts}`, 'reason=auth', 'context=toplevel', 'object=AUTH', 'username=secretive']);
  assert.ok(worst < 500, `a PING took ${worst} ms during the AUTH loop`);
  assert.ok(Date.now() - started < 30_000);
  attacker.close();
  bystander.close();
});

redisTest(test, 'aclfile: loaded at start, ACL SAVE writes what ACL LIST shows, ACL LOAD is all or nothing with Redis\' errors and closes the replaced users\' connections', async () => {
  const files = mkdtempSync(path.join(os.tmpdir(), 'stratakv-acl-'));
  const oursFile = path.join(files, 'ours.acl');
  const theirsFile = path.join(files, 'theirs.acl');
  const initial = 'user alice on >pw ~a* +@string\nuser default on nopass ~* +@all\n\n  user bob   on nopass (~b* +get) &x\n';
  writeFileSync(oursFile, initial);
  writeFileSync(theirsFile, initial);
  const [s, r] = await Promise.all([startServer({ args: ['--aclfile', oursFile] }), startRedis(['--aclfile', theirsFile])]);
  try {
    const [a, b] = [await RawClient.connect(s.port), await RawClient.connect(r!.port)];
    await both(['ACL', 'LIST'], a, b);
    assert.is((await a.command('CONFIG', 'GET', 'aclfile')).toString(), `*2\r\n$7\r\naclfile\r\n$${oursFile.length}\r\n${oursFile}\r\n`);
    await both(['ACL', 'SETUSER', 'carol', 'on', '>c', '+@hash', '-hset', '~h:*'], a, b);
    await both(['ACL', 'SAVE'], a, b);
    assert.is(normalizeRules(readFileSync(oursFile, 'latin1')), normalizeRules(readFileSync(theirsFile, 'latin1')), 'ACL SAVE writes the same file');
    // A connection of alice's stays until ACL LOAD replaces alice.
    const [c, d] = [await RawClient.connect(s.port), await RawClient.connect(r!.port)];
    await both(['AUTH', 'alice', 'pw'], c, d);
    const broken = 'user alice on >pw ~a* +@string\nuser bob +get foo\nbad line\nuser alice on\nuser carol (~x +get\n';
    writeFileSync(oursFile, broken);
    writeFileSync(theirsFile, broken);
    const [x, y] = await pair(a, b, ['ACL', 'LOAD']);
    assert.is(x.replaceAll(oursFile, 'FILE'), y.replaceAll(theirsFile, 'FILE'));
    await both(['ACL', 'LIST'], a, b);
    await both(['GET', 'a1'], c, d);
    writeFileSync(oursFile, 'user alice on >pw2 ~a* +@string\n');
    writeFileSync(theirsFile, 'user alice on >pw2 ~a* +@string\n');
    await both(['ACL', 'LOAD'], a, b);
    await both(['ACL', 'LIST'], a, b);
    await sleep(100);
    assert.ok(c.isClosed && d.isClosed, 'alice\'s connections are closed by ACL LOAD');
    rmSync(oursFile);
    rmSync(theirsFile);
    const [e, f] = await pair(a, b, ['ACL', 'LOAD']);
    assert.is(e.replaceAll(oursFile, 'FILE'), f.replaceAll(theirsFile, 'FILE'));
    a.close();
    b.close();
  } finally {
    await Promise.all([s.stop(), r?.stop()]);
    rmSync(files, { recursive: true, force: true });
  }
});

test('user lines: loaded at start, kept by CONFIG REWRITE (replacing the old lines), back after a restart; mistakes refuse to start as Redis', async () => {
  const files = mkdtempSync(path.join(os.tmpdir(), 'stratakv-acl-'));
  const conf = path.join(files, 'stratakv.conf');
  writeFileSync(conf, '# users\nuser default on >adminpw ~* &* +@all\nuser app on >apppw ~app:* +@read\nappendfsync everysec\n');
  let s = await startServer({ configFile: conf });
  try {
    let a = await RawClient.connect(s.port);
    assert.is((await a.command('PING')).toString(), '-NOAUTH Authentication required.\r\n');
    assert.is((await a.command('AUTH', 'adminpw')).toString(), '+OK\r\n');
    assert.is((await a.command('ACL', 'SETUSER', 'app', '+set', '(~x +get)')).toString(), '+OK\r\n');
    assert.is((await a.command('ACL', 'SETUSER', 'new', 'on', 'nopass', '+ping')).toString(), '+OK\r\n');
    const listed = (await a.command('ACL', 'LIST')).toString('latin1');
    assert.is((await a.command('CONFIG', 'REWRITE')).toString(), '+OK\r\n');
    const rewritten = readFileSync(conf, 'utf8');
    const userLinesWritten = rewritten.split('\n').filter((l) => l.startsWith('user '));
    assert.equal(userLinesWritten, listed.split('\r\n').filter((l) => l.startsWith('user ')));
    assert.ok(rewritten.startsWith('# users\nuser app '), 'the users take the old lines\' places');
    a.close();
    await s.stop();
    s = await startServer({ configFile: conf });
    a = await RawClient.connect(s.port);
    await a.command('AUTH', 'adminpw');
    assert.is((await a.command('ACL', 'LIST')).toString('latin1'), listed);
    a.close();
  } finally {
    await s.stop();
  }
  const refused = async (args: string[], message: string): Promise<void> => {
    const out = await runProcess(process.execPath, [BIN, '--port', '0', '--dir', path.join(files, 'data'), ...args]);
    assert.is.not(out.code, 0);
    assert.ok((out.stdout + out.stderr).includes(message), out.stdout + out.stderr);
    assert.not.ok((out.stdout + out.stderr).includes('s3cret'), 'no password in the refusal');
  };
  await refused(['--aclfile', path.join(files, 'x.acl'), '--user', 'bob', 'on'], 'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.');
  await refused(['--user', 'bob', 'on', '>s3cret', '--user', 'bob', 'off'], 'Error in user declaration \'bob\': Duplicate user found. A user can only be defined once in config files');
  await refused(['--user', 'bob', 'on', '>s3cret', 'foo'], 'Error in user declaration \'on\': Syntax error');
  await refused(['--user', 'bob', 'on', '>s3cret', '+@foo'], 'Error loading ACL rule \'+@foo\' for the user named \'bob\': Unknown command or category name in ACL');
  await refused(['--aclfile', path.join(files, 'missing.acl')], `Aborting Redis startup because of ACL errors: Error loading ACLs, opening file '${path.join(files, 'missing.acl')}': No such file or directory`);
  rmSync(files, { recursive: true, force: true });
});

test('the admin port: Basic credentials naming an ACL user run the REST gateway\'s commands as that user; /metrics and the dashboard need INFO', async () => {
  const adminPort = await freePort();
  const s = await startServer({ args: ['--admin-port', String(adminPort), '--requirepass', 'adminpw', '--user', 'reader', 'on', '>r', '%R~pub:*', '+get', '+scan', '--user', 'ops', 'on', '>o', '+info'] });
  const base = `http://127.0.0.1:${adminPort}`;
  const basic = (user: string, password: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  try {
    assert.is((await fetch(`${base}/v1/kv/pub:a`, { method: 'PUT', body: 'x', headers: { Authorization: 'Bearer adminpw' } })).status, 204);
    assert.is((await fetch(`${base}/v1/kv/secret`, { method: 'PUT', body: 'y', headers: basic('admin', 'adminpw') })).status, 204, 'a name that is no ACL user stands for default');
    const read = await fetch(`${base}/v1/kv/pub:a`, { headers: basic('reader', 'r') });
    assert.is(read.status, 200);
    assert.is(await read.text(), 'x');
    const denied = await fetch(`${base}/v1/kv/secret`, { headers: basic('reader', 'r') });
    assert.is(denied.status, 403);
    assert.equal(await denied.json(), { error: 'NOPERM this user has no permissions to access one of the keys used as arguments' });
    const write = await fetch(`${base}/v1/kv/pub:a`, { method: 'PUT', body: 'z', headers: basic('reader', 'r') });
    assert.is(write.status, 403);
    assert.equal(await write.json(), { error: 'NOPERM this user has no permissions to run the \'set\' command' });
    assert.is((await fetch(`${base}/v1/kv/pub:a`, { headers: basic('reader', 'wrong') })).status, 401);
    assert.is((await fetch(`${base}/v1/kv/pub:a`, { headers: { Authorization: 'Bearer nope' } })).status, 401);
    assert.is((await fetch(`${base}/metrics`, { headers: basic('reader', 'r') })).status, 403);
    assert.is((await fetch(`${base}/metrics`, { headers: basic('ops', 'o') })).status, 200);
    assert.is((await fetch(`${base}/api/stats`, { headers: basic('ops', 'o') })).status, 200);
    const log = await RawClient.connect(s.port);
    await log.command('AUTH', 'adminpw');
    // The gateway's refusals are in the ACL LOG, newest first: the two failed logins (as failed
    // AUTHs, the HTTP peer in the client line), the SET, then the key.
    const entries = (await log.command('ACL', 'LOG', '4')).toString('latin1');
    assert.match(entries, /\r\nauth\r\n[\s\S]*\r\nAUTH\r\n[\s\S]*\r\ndefault\r\n[\s\S]*addr=http:127\.0\.0\.1:[\s\S]*\r\nauth\r\n[\s\S]*\r\nAUTH\r\n[\s\S]*\r\nreader\r\n[\s\S]*\r\ncommand\r\n[\s\S]*\r\nset\r\n[\s\S]*\r\nreader\r\n[\s\S]*\r\nkey\r\n[\s\S]*\r\nsecret\r\n[\s\S]*\r\nreader\r\n/);
    assert.not.match(entries, /nope|wrong/, 'no password in the log');
    log.close();
  } finally {
    await s.stop();
  }
});

test.run();
