/**
 * Lua scripting end to end: one script of EVAL / EVALSHA / EVAL_RO / SCRIPT commands run on a
 * StrataKV process and on a real redis-server 7.0.15 side by side, every reply compared byte for
 * byte, in RESP2 and RESP3 (conversions both ways, redis.setresp(3), errors and their texts with
 * the script's sha and line, protected globals, the 5.1 library surface, bit and cjson); then
 * what a transcript cannot show: a script is atomic against other clients, busy-reply-threshold
 * with -BUSY, SCRIPT KILL, -UNKILLABLE and SHUTDOWN NOSAVE's exception, scripts in MULTI,
 * MONITOR's `[0 lua]` lines, SLOWLOG, INFO's fields, and commands that must wait for the disk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { RawClient, TestClients, redisTest, sleep, startRedis, startServer, type TestServer } from './helpers.js';

let srv: TestServer;
let redis: TestServer | null = null;
const clients = new TestClients();

test.before(async () => {
  srv = await startServer();
  redis = await startRedis();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
  await redis?.stop();
});

type Script = ReadonlyArray<ReadonlyArray<string | Buffer>>;

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
const ev = (body: string, ...rest: string[]): string[] => ['EVAL', body, String(rest.length === 0 ? 0 : rest[0]), ...rest.slice(1)];

const SETUP: Script = [
  ['FLUSHALL'],
  ['SCRIPT', 'FLUSH'],
  ['SET', 'str', 'abc'],
  ['SET', 'n', '10'],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['HSET', 'h', 'f', 'v'],
  ['SADD', 'set', 'm'],
  ['ZADD', 'z', '1.5', 'a', '2', 'b'],
];

const SCRIPT: Script = [
  // Lua → reply: numbers truncate, strings, booleans, nil, tables up to the first nil, nesting.
  ev('return 1'),
  ev('return 3.99'),
  ev('return -3.7'),
  ev('return 1e20'),
  ev('return 0/0'),
  ev('return math.huge'),
  ev('return 7/2'),
  ev("return 'hello'"),
  ev('return true'),
  ev('return false'),
  ev('return nil'),
  ev('return'),
  ev("return {1, 2, {3, 'x'}, nil, 5}"),
  ev("return {1, 'a', {2, 3}, true, false}"),
  ev('return {}'),
  ev("return {ok='fine'}"),
  ev("return {ok='a\\r\\nb'}"),
  ev("return {err='plain'}"),
  ev("return {err='a\\nb'}"),
  ev("return {err='-X y'}"),
  ev("return {double=3.5}"),
  ev("return {double='x'}"),
  ev("return {big_number='123'}"),
  ev("return {map={a=1}}"),
  ev("return {set={a=true}}"),
  ev("return {map={a=1}, 5}"),
  ev("return redis.error_reply('My Error')"),
  ev("return redis.error_reply('-CODE my error')"),
  ev("return redis.error_reply('plain').err"),
  ev("return redis.status_reply('FOO')"),
  ev("return redis.status_reply('-X y')"),
  ev("return string.rep('x', 3) .. KEYS[1] .. ARGV[1] .. #KEYS .. #ARGV", '1', 'k', 'a', 'b'),
  ev('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}', '2', 'k1', 'k2', 'a1', 'a2'),
  ev('return #ARGV', '0', 'x', 'y', 'z'),
  // Redis → Lua: every reply type, RESP2 then RESP3.
  ev("return redis.call('get', 'str')"),
  ev("return redis.call('get', 'nokey')"),
  ev("return type(redis.call('get', 'nokey'))"),
  ev("return redis.call('lrange', 'list', 0, -1)"),
  ev("return redis.call('hgetall', 'h')"),
  ev("return redis.call('incr', 'n')"),
  ev("return redis.call('exists', 'str', 'list', 'nokey')"),
  ev("return redis.call('zscore', 'z', 'a')"),
  ev("return redis.call('mget', 'str', 'nokey', 'n')"),
  ev("local r = redis.call('ping') return type(r) .. r.ok"),
  ev("local r = redis.call('set', 'x', 'y') return r"),
  ev("local r = redis.call('set', 'x', 'y') return r.ok"),
  ev("return redis.call('lpop', 'nolist')"),
  ev("redis.setresp(3) return redis.call('hgetall', 'h')"),
  ev("redis.setresp(3) return redis.call('hgetall', 'nohash')"),
  ev("redis.setresp(3) return redis.call('get', 'nokey')"),
  ev("redis.setresp(3) return type(redis.call('get', 'nokey'))"),
  ev("redis.setresp(3) return redis.call('zscore', 'z', 'a')"),
  ev("redis.setresp(3) return redis.call('zscore', 'z', 'a').double"),
  ev("redis.setresp(3) return redis.call('smembers', 'set')"),
  ev("redis.setresp(3) local s = redis.call('smembers', 'set') return s.set.m"),
  ev("redis.setresp(3) return redis.call('exists', 'x')"),
  ev("redis.setresp(3) return true"),
  ev("redis.setresp(3) return false"),
  ev("redis.setresp(3) return {double=2.5}"),
  ev("redis.setresp(3) return {1, false, true}"),
  ev("redis.setresp(2) return redis.call('zscore', 'z', 'a')"),
  // Arguments to redis.call: strings and numbers (integers, %.17g floats); anything else refused.
  ev("redis.call('set', 'num', 3.5) return redis.call('get', 'num')"),
  ev("redis.call('set', 'num', 0.1) return redis.call('get', 'num')"),
  ev("redis.call('set', 'num', 1e20) return redis.call('get', 'num')"),
  ev("redis.call('set', 'num', 42) return redis.call('get', 'num')"),
  ev("redis.call('set', 'num', -0.0) return redis.call('get', 'num')"),
  ev("return redis.call('get', {})"),
  ev("return redis.call({})"),
  ev('return redis.call()'),
  ev('return redis.pcall()'),
  ev("return redis.pcall('get', true)"),
  // Errors: redis.call raises with the sha and line; pcall returns the error table.
  ev("return redis.call('incr', 'str')"),
  ev("return redis.pcall('incr', 'str')"),
  ev("return redis.pcall('incr', 'str')['err']"),
  ev("return redis.call('get', 'list')"),
  ev("local ok = redis.pcall('get', 'list') return ok"),
  ev("return redis.call('nosuchcommand')"),
  ev("return redis.pcall('nosuchcommand')"),
  ev("return redis.call('get')"),
  ev("return redis.pcall('get', 'a', 'b')"),
  ev("return redis.call('eval', 'return 1', '0')"),
  ev("return redis.call('multi')"),
  ev("return redis.call('subscribe', 'x')"),
  ev("return redis.call('blpop', 'list', 0)"),
  ev("return redis.call('script', 'load', 'return 1')"),
  ev("return redis.call('client', 'list')"),
  ev("return redis.call('watch', 'x')"),
  ev("return redis.call('config', 'nosuchsub')"),
  ev("error('x')"),
  ev("error('x', 0)"),
  ev("error({err='X y'})"),
  ev('error(nil)'),
  ev('return nil + 1'),
  ev("local t = nil\nlocal x = 1\nreturn t.field"),
  ev("local function f()\n  error('deep')\nend\nf()"),
  ev("local function f()\n  return redis.call('incr', 'str')\nend\nreturn f()"),
  ev("local ok, e = pcall(function() error({err='E1'}) end) return e.err"),
  ev("local ok, e = pcall(redis.call, 'incr', 'str') return {tostring(ok), e.err}"),
  ev('return ('),
  ev('return 1 +'),
  ev('x ='),
  ev("return 'unfinished"),
  // Protected globals and the library surface of Redis' Lua 5.1.
  ev('return x'),
  ev('x = 1'),
  ev('_G.x = 1'),
  ev('return _G.x'),
  ev('redis.foo = 1'),
  ev('string.x = 1'),
  ev('return os'),
  ev('return io'),
  ev('return print'),
  ev('return dofile'),
  ev('return loadfile'),
  ev('return require'),
  ev('return debug'),
  ev('return setfenv'),
  ev('return module'),
  ev('return bit32'),
  ev('return utf8'),
  ev('return type(loadstring)'),
  ev('return type(unpack) .. type(table.getn) .. type(gcinfo) .. type(coroutine) .. type(load)'),
  ev('return type(table.unpack) .. type(string.pack) .. type(math.type)'),
  ev('return type(math.mod) .. type(string.gfind) .. type(math.pow) .. type(table.maxn) .. type(table.foreach)'),
  ev('return type(cjson) .. type(bit) .. type(redis)'),
  ev("return tostring(3/1) .. ' ' .. tostring(10/4) .. ' ' .. tostring(1e15) .. ' ' .. tostring(0.1) .. ' ' .. tostring(2^53)"),
  // 5.1's tonumber reads base 10 with strtod: inf, infinity, nan (signed, any case), decimals with base 10.
  ev("local t = {} for i, s in ipairs({'inf', ' -Infinity ', 'NaN', '-nan', 'infx', '1.5', '0x10', ''}) do t[i] = tostring(tonumber(s)) .. '/' .. tostring(tonumber(s, 10)) end return t"),
  ev("return {tostring(tonumber('ff', 16)), tostring(tonumber('inf', 16)), tostring(tonumber(5)), tostring(tonumber(nil))}"),
  ev("local x = tonumber() return x"),
  ev('return table.getn({1, 2, 3})'),
  ev('return unpack({1, 2, 3})'),
  ev('return select(2, unpack({1, 2, 3}))'),
  ev("return loadstring('return 5')()"),
  ev('return table.maxn({1, 2, [10] = 3})'),
  ev('return math.mod(7, 3)'),
  ev("local t = {} for w in string.gfind('one two', '%a+') do t[#t + 1] = w end return t"),
  ev("return string.format('%s-%5.2f-%x', 'a', 3.14159, 255)"),
  ev("return tonumber('0x10') + tonumber('  12  ')"),
  ev("return {string.byte('AB', 1, 2)}"),
  ev('local t = {3, 1, 2} table.sort(t) return t'),
  ev("return table.concat({'a', 'b', 'c'}, ',')"),
  ev('return math.floor(-3.5) .. math.ceil(3.2) .. math.abs(-2) .. math.max(1, 5, 3)'),
  ev("local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return {co(1), co(10)}"),
  ev("local t = setmetatable({}, {__index = function(_, k) return k .. '!' end}) return t.hi"),
  ev("return {pcall(error, 'boom')}"),
  ev("return {pcall(error, {err='tbl'})}"),
  // The redis library.
  ev("return redis.sha1hex('')"),
  ev("return redis.sha1hex('abc')"),
  ev('return redis.sha1hex()'),
  ev('return redis.REDIS_VERSION'),
  ev('return redis.REDIS_VERSION_NUM'),
  ev('return redis.LOG_DEBUG .. redis.LOG_VERBOSE .. redis.LOG_NOTICE .. redis.LOG_WARNING'),
  ev('return redis.REPL_NONE .. redis.REPL_AOF .. redis.REPL_SLAVE .. redis.REPL_REPLICA .. redis.REPL_ALL'),
  ev("return redis.log(redis.LOG_DEBUG, 'from a script')"),
  ev('return redis.log(9, "x")'),
  ev('return redis.log()'),
  ev('return redis.setresp()'),
  ev('return redis.setresp(4)'),
  ev('return tostring(redis.replicate_commands())'),
  ev('return redis.set_repl(redis.REPL_ALL)'),
  ev('return redis.set_repl(7)'),
  ev('return type(redis.breakpoint) .. type(redis.debug) .. tostring(redis.breakpoint())'),
  // bit
  ev('return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)}'),
  ev('return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8)}'),
  ev('return {bit.tobit(0xffffffff), bit.tobit(2^32 + 5), bit.bswap(0x12345678)}'),
  ev('return bit.tohex(255) .. bit.tohex(-1) .. bit.tohex(255, 2) .. bit.tohex(255, -4)'),
  // cjson
  ev("return cjson.encode({1, 2, 3, 'x/y', true, false})"),
  ev("return cjson.encode({a = {b = 'c'}})"),
  ev('return cjson.encode({})'),
  ev("return cjson.encode('a\"b\\\\c\\n\\1')"),
  ev('return cjson.encode(3.5) .. cjson.encode(10) .. cjson.encode(1e20) .. cjson.encode(0.1)'),
  ev('return cjson.encode({[1] = 1, [2] = 2, [4] = 4})'),
  ev('return cjson.encode({[1] = 1, [20] = 2})'),
  ev('return cjson.encode(cjson.null)'),
  ev('return cjson.encode(function() end)'),
  ev("local t = cjson.decode('[1, 2.5, \"x\", true, null, {\"a\": [false]}]') return {t[1], t[2], t[3], tostring(t[4]), tostring(t[5] == cjson.null), t[6].a[1]}"),
  ev("return cjson.decode('{\"k\": \"v\\\\u00e9\\\\n\"}').k"),
  ev("return cjson.decode('\"\\\\ud83d\\\\ude00\"')"),
  ev("return cjson.decode('12345678')"),
  ev("return cjson.decode('[1,')"),
  ev("return cjson.decode('{}x')"),
  // Shebangs: engine, flags (no-writes makes the script read-only), line numbers kept.
  ev('#!lua\nreturn 1'),
  ev("#!lua flags=no-writes\nreturn redis.call('set', 'a', '1')"),
  ev("#!lua flags=no-writes\nreturn redis.call('get', 'str')"),
  ev('#!lua flags=no-writes,allow-oom\nreturn 2'),
  ['EVAL_RO', '#!lua\nreturn 1', '0'],
  ['EVAL_RO', '#!lua flags=no-writes\nreturn 1', '0'],
  ev('#!lua flags=bogus\nreturn 2'),
  ev('#!python\nreturn 2'),
  ev('#!lua name=x\nreturn 2'),
  ev("#!lua\nerror('x')"),
  ev('#!lua'),
  ev('#!luax\nreturn 1'),
  ev('#!lua  flags=\nreturn 3'),
  ['SCRIPT', 'LOAD', '#!lua flags=bogus\nreturn 1'],
  // Numkeys, EVALSHA, SCRIPT.
  ['EVAL', 'return 1', 'x'],
  ['EVAL', 'return 1', '-1'],
  ['EVAL', 'return 1', '2', 'a'],
  ['EVAL', 'return 1', '1.5'],
  ['EVAL', 'return 1'],
  ['EVALSHA', 'abc', '0'],
  ['EVALSHA', sha1('return 1'), '0'],
  ['EVALSHA', sha1('return 1').toUpperCase(), '0'],
  ['EVALSHA', sha1('return 123'), '0'],
  ['SCRIPT', 'LOAD', 'return 123'],
  ['EVALSHA', sha1('return 123'), '0'],
  ['EVALSHA_RO', sha1('return 123'), '0'],
  ['SCRIPT', 'LOAD', 'return ('],
  ['SCRIPT', 'EXISTS', sha1('return 123'), sha1('nope'), 'short', sha1('return 1').toUpperCase()],
  ['SCRIPT', 'FLUSH', 'x'],
  ['SCRIPT', 'FLUSH', 'ASYNC', 'SYNC'],
  ['SCRIPT', 'FLUSH', 'async'],
  ['SCRIPT', 'EXISTS', sha1('return 123')],
  ['EVALSHA', sha1('return 123'), '0'],
  ['SCRIPT', 'FLUSH'],
  ['SCRIPT', 'KILL'],
  ['SCRIPT', 'HELP'],
  ['SCRIPT', 'DEBUG', 'x'],
  ['SCRIPT', 'DEBUG', 'NO'],
  ['SCRIPT', 'NOSUCH'],
  ['SCRIPT'],
  // Read-only scripts refuse writes.
  ['EVAL_RO', "return redis.call('set', 'a', '1')", '0'],
  ['EVAL_RO', "return redis.pcall('set', 'a', '1')", '0'],
  ['EVAL_RO', "return redis.call('get', 'str')", '0'],
  // SELECT inside a script is the script's own; the caller's database does not change.
  ev("redis.call('select', '2') redis.call('set', 'sel', 'in2') return redis.call('get', 'sel')"),
  ['GET', 'sel'],
  ['SELECT', '2'],
  ['GET', 'sel'],
  ev("return redis.call('get', 'sel')"),
  ['SELECT', '0'],
  // An error after a write keeps the write.
  ev("redis.call('set', 'kept', '1') error('after')"),
  ['GET', 'kept'],
  // Scripts in MULTI.
  ['MULTI'],
  ev("return redis.call('incr', 'counter')"),
  ev("return redis.call('incr', 'nope', 'x')"),
  ['EXEC'],
  ['COMMAND', 'INFO', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro'],
  ['COMMAND', 'DOCS', 'eval'],
  ['COMMAND', 'GETKEYS', 'EVAL', 'return 1', '2', 'k1', 'k2', 'a'],
];

async function run(port: number, script: Script): Promise<Buffer[]> {
  const c = await RawClient.connect(port);
  try {
    const out: Buffer[] = [];
    for (const cmd of script) out.push(await c.command(...cmd));
    return out;
  } finally {
    c.close();
  }
}

function show(cmd: ReadonlyArray<string | Buffer>): string {
  return JSON.stringify(cmd.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))));
}

for (const protocol of ['2', '3']) {
  redisTest(test, `EVAL, EVALSHA, EVAL_RO and SCRIPT reply byte for byte as redis-server (RESP${protocol})`, async () => {
    assert.ok(redis, 'redis-server started');
    const script: Script = [['HELLO', protocol], ...SETUP, ...SCRIPT];
    const [ours, theirs] = await Promise.all([run(srv.port, script), run(redis.port, script)]);
    // Every difference at once, each with its command.
    const differences: string[] = [];
    for (let i = 1; i < script.length; i++) {
      const [a, b] = [JSON.stringify(ours[i].toString('latin1')), JSON.stringify(theirs[i].toString('latin1'))];
      if (a !== b) differences.push(`${show(script[i])}\n    ours:  ${a}\n    redis: ${b}`);
    }
    assert.is(differences.join('\n'), '');
  });
}

redisTest(test, 'errors of scripts are counted as Redis counts them (errorstats, failed and rejected calls)', async () => {
  assert.ok(redis, 'redis-server started');
  // A called command's error is counted where it arose, once, whether the script raises it,
  // returns it from redis.pcall or swallows it; refusals by the script host count as the
  // command's rejected calls; the script's own errors count at EVAL.
  const script: Script = [
    ['SET', 'str', 'abc'], ['CONFIG', 'RESETSTAT'],
    ev("return redis.call('incr','str')"), ev("return redis.pcall('incr','str')"), ev("local r = redis.pcall('incr','str') return 1"),
    ev("local ok, e = pcall(redis.call, 'incr', 'str') return e"),
    ev("return redis.error_reply('MY err')"), ev("return redis.error_reply('err no code')"), ev("error('x')"), ev("return {err='E2 x'}"),
    ev("return redis.call('nosuchcmd')"), ev("return redis.call('set','k')"), ev("return redis.call('multi')"),
    ['EVAL_RO', "return redis.call('set','k','v')", '0'], ev('syntax error here'), ev("return redis.call()"),
    ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
    ['INFO', 'errorstats'], ['INFO', 'commandstats'], ['INFO', 'stats'],
  ];
  const [ours, theirs] = await Promise.all([run(srv.port, script), run(redis.port, script)]);
  const n = script.length;
  const lines = (reply: Buffer, pattern: RegExp): string[] => reply.toString('latin1').split('\r\n').filter((l) => pattern.test(l)).sort();
  assert.equal(lines(ours[n - 3], /^errorstat_/), lines(theirs[n - 3], /^errorstat_/));
  const calls = /^cmdstat_(eval|eval_ro|evalsha|incr|set|multi):/;
  const strip = (l: string): string => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
  assert.equal(lines(ours[n - 2], calls).map(strip), lines(theirs[n - 2], calls).map(strip));
  assert.equal(lines(ours[n - 1], /^total_error_replies:/), lines(theirs[n - 1], /^total_error_replies:/));
});

test('a script is atomic: no other client runs between its commands, even when one waits for the disk', async () => {
  const a = clients.connect({ port: srv.port });
  const b = clients.connect({ port: srv.port });
  await a.del('atom');
  // Each script reads, then writes: interleaved, two of them would lose increments.
  const body = "local v = tonumber(redis.call('get', KEYS[1]) or '0') for i = 1, 2000 do local _ = i * i end redis.call('set', KEYS[1], v + 1) return v + 1";
  const runs: Array<Promise<unknown>> = [];
  for (let i = 0; i < 50; i++) runs.push((i % 2 === 0 ? a : b).eval(body, 1, 'atom'));
  await Promise.all(runs);
  assert.is(await a.get('atom'), '50');
});

test('scripts whose commands wait for block reads: right replies, still atomic, other clients wait for them', async () => {
  const args = ['--memtable-size', '1mb'];
  const env = { STRATAKV_BLOCK_READS: 'async' };
  let cold = await startServer({ args, env });
  const dir = cold.dir;
  try {
    const setup = await RawClient.connect(cold.port);
    for (let i = 0; i < 1200; i++) await setup.command('SET', `pad:${i}`, `${i}:${'x'.repeat(2000)}`);
    setup.close();
    await cold.stop({ keepDir: true });
    cold = await startServer({ dir, port: cold.port, args, env });
    const a = clients.connect({ port: cold.port });
    const b = clients.connect({ port: cold.port });
    // Each script reads a counter, then cold keys (each read waits), then writes counter + 1.
    const body = "local v = tonumber(redis.call('get', 'counter') or '0') local sum = 0 for i = 1, #ARGV do local p = redis.call('get', 'pad:' .. ARGV[i]) sum = sum + tonumber(string.match(p, '^(%d+):')) end redis.call('set', 'counter', v + 1) return sum";
    const runs: Array<Promise<unknown>> = [];
    const expected: number[] = [];
    for (let i = 0; i < 40; i++) {
      const keys = [i * 7, i * 7 + 300, i * 7 + 600, i * 7 + 900].map((k) => k % 1200);
      expected.push(keys.reduce((x, y) => x + y, 0));
      runs.push((i % 2 === 0 ? a : b).eval(body, 0, ...keys.map(String)));
      // Plain INCRs from a third client in between: they must not land inside a script.
      runs.push(clients.connect({ port: cold.port }).incr('counter'));
    }
    const results = await Promise.all(runs);
    assert.equal(results.filter((_, i) => i % 2 === 0), expected);
    assert.is(await a.get('counter'), '80');
  } finally {
    await cold.stop();
  }
});

test('busy-reply-threshold: other clients get -BUSY, SCRIPT KILL stops the script, the server goes on', async () => {
  const admin = clients.connect({ port: srv.port });
  await admin.config('SET', 'busy-reply-threshold', '100');
  const looper = await RawClient.connect(srv.port);
  const other = await RawClient.connect(srv.port);
  try {
    looper.write('*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n');
    // Poll until the script is past the threshold (the server answers while it loops).
    let reply = '';
    for (let i = 0; i < 200 && !reply.startsWith('-BUSY'); i++) {
      reply = (await other.command('PING')).toString();
      if (!reply.startsWith('-BUSY')) await sleep(20);
    }
    assert.is(reply, '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    assert.is((await other.command('GET', 'x')).toString(), reply);
    assert.is((await other.command('SHUTDOWN')).toString(), reply);
    assert.is((await other.command('SCRIPT', 'KILL')).toString(), '+OK\r\n');
    assert.is((await looper.readReply()).toString(), `-ERR Script killed by user with SCRIPT KILL... script: ${sha1('while true do end')}, on @user_script:1.\r\n`);
    assert.is((await other.command('PING')).toString(), '+PONG\r\n');
    assert.is((await other.command('SCRIPT', 'KILL')).toString(), '-NOTBUSY No scripts in execution right now.\r\n');
  } finally {
    looper.close();
    other.close();
    await admin.config('SET', 'busy-reply-threshold', '5000');
  }
});

test('a busy script does not stop SHUTDOWN NOSAVE', async () => {
  const own = await startServer({ args: ['--busy-reply-threshold', '100'] });
  const looper = await RawClient.connect(own.port);
  const other = await RawClient.connect(own.port);
  try {
    looper.write('*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n');
    let reply = '';
    for (let i = 0; i < 200 && !reply.startsWith('-BUSY'); i++) {
      reply = (await other.command('PING')).toString();
      if (!reply.startsWith('-BUSY')) await sleep(20);
    }
    assert.ok(reply.startsWith('-BUSY'), reply);
    other.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    assert.is(await own.exited(), 0);
  } finally {
    looper.close();
    other.close();
    await own.stop();
  }
});

test('SCRIPT KILL refuses a script that wrote: -UNKILLABLE; the script ends by itself', async () => {
  const admin = clients.connect({ port: srv.port });
  await admin.config('SET', 'lua-time-limit', '100');
  assert.equal(await admin.config('GET', 'busy-reply-threshold'), ['busy-reply-threshold', '100']);
  const writer = clients.connect({ port: srv.port });
  const other = await RawClient.connect(srv.port);
  // Blocked on the list the script pushes to: served after the script, not answered -BUSY.
  const blocked = await RawClient.connect(srv.port);
  blocked.write('*3\r\n$5\r\nBLPOP\r\n$2\r\nwq\r\n$1\r\n0\r\n');
  try {
    await sleep(50);
    const done = writer.eval("redis.call('rpush', 'wq', 'x') redis.call('set', 'w', '1') local t = redis.call('time') local start = tonumber(t[1]) while tonumber(redis.call('time')[1]) < start + 2 do end return 'done'", 0);
    let reply = '';
    for (let i = 0; i < 200 && !reply.startsWith('-BUSY'); i++) {
      reply = (await other.command('PING')).toString();
      if (!reply.startsWith('-BUSY')) await sleep(20);
    }
    assert.ok(reply.startsWith('-BUSY'), reply);
    assert.is((await other.command('SCRIPT', 'KILL')).toString(), '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n');
    assert.is(await done, 'done');
    assert.is((await other.command('GET', 'w')).toString(), '$1\r\n1\r\n');
    assert.is((await blocked.readReply()).toString(), '*2\r\n$2\r\nwq\r\n$1\r\nx\r\n');
  } finally {
    other.close();
    blocked.close();
    await admin.config('SET', 'busy-reply-threshold', '5000');
  }
});

test('MONITOR shows the commands a script runs as [db lua], after the EVAL itself', async () => {
  const mon = await RawClient.connect(srv.port);
  const c = await RawClient.connect(srv.port);
  try {
    assert.is((await mon.command('MONITOR')).toString(), '+OK\r\n');
    await c.command('SELECT', '3');
    await c.command('EVAL', "redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])", '1', 'mk');
    const lines: string[] = [];
    while (!lines.some((l) => l.includes('"get" "mk"'))) lines.push((await mon.readReply()).toString().replace(/^\+\d+\.\d+ /, '').replace(/\r\n$/, ''));
    const text = lines.join('\n');
    const at = lines.findIndex((l) => l.includes('"EVAL"'));
    assert.ok(at >= 0, text);
    assert.match(lines[at], /^\[3 127\.0\.0\.1:\d+\] "EVAL" /);
    assert.is(lines[at + 1], '[3 lua] "set" "mk" "v"');
    assert.is(lines[at + 2], '[3 lua] "get" "mk"');
  } finally {
    mon.close();
    c.close();
  }
});

test('SLOWLOG logs the EVAL and the commands it ran; INFO counts cached scripts and Lua memory', async () => {
  const c = clients.connect({ port: srv.port });
  await c.config('SET', 'slowlog-log-slower-than', '0');
  await c.slowlog('RESET');
  await c.eval("return redis.call('set', 'slow', '1')", 0);
  await c.config('SET', 'slowlog-log-slower-than', '10000');
  const entries = (await c.slowlog('GET', '10')) as Array<[number, number, number, string[]]>;
  const names = entries.map((e) => e[3][0].toLowerCase());
  assert.ok(names.includes('eval'), JSON.stringify(names));
  assert.ok(names.includes('set'), JSON.stringify(names));
  await c.script('FLUSH');
  await c.script('LOAD', 'return 1');
  await c.script('LOAD', 'return 2');
  const info = await c.info('memory');
  assert.match(info, /\r\nnumber_of_cached_scripts:2\r\n/);
  assert.match(info, /\r\nused_memory_lua:[1-9]\d*\r\n/);
  assert.match(info, /\r\nused_memory_scripts_eval:\d+\r\n/);
});

test('binary strings go through KEYS, ARGV, redis.call and the reply unchanged', async () => {
  const c = await RawClient.connect(srv.port);
  try {
    const bytes = Buffer.from([0, 1, 0xff, 0x80, 13, 10, 0xc3]);
    await c.command('EVAL', "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", '1', bytes, bytes);
    const reply = await c.command('EVAL', "return {redis.call('get', KEYS[1]), #ARGV[1]}", '1', bytes, bytes);
    assert.equal(reply, Buffer.concat([Buffer.from('*2\r\n$7\r\n'), bytes, Buffer.from('\r\n:7\r\n')]));
  } finally {
    c.close();
  }
});

test.run();
