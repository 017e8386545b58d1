/**
 * Real clients against the real server: ioredis, node-redis (RESP2 and RESP3), redis-cli
 * (interactive-style commands, --scan, -x, a pipe of commands, --pipe) and redis-py.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { redisCli, runProcess, startServer, type TestServer } from './helpers.js';

let srv: TestServer;

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  await srv?.stop();
});

test('ioredis: strings, pipelines, transactions, binary values', async () => {
  const r = new Redis({ port: srv.port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  try {
    await r.flushall();
    assert.is(await r.set('io:k', 'v'), 'OK');
    assert.is(await r.get('io:k'), 'v');
    assert.is(await r.incrby('io:n', 5), 5);
    const bin = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]);
    await r.set(Buffer.from([0xfe, 0x00]), bin);
    assert.ok((await r.getBuffer(Buffer.from([0xfe, 0x00])))?.equals(bin));
    const pipe = r.pipeline();
    for (let i = 0; i < 100; i++) pipe.set(`io:p${i}`, i).get(`io:p${i}`);
    const results = await pipe.exec();
    assert.is(results?.length, 200);
    assert.equal(results?.[199], [null, '99']);
    const tx = await r.multi().set('io:t', '1').incr('io:t').get('io:t').exec();
    assert.equal(tx, [[null, 'OK'], [null, 2], [null, '2']]);
    try {
      await r.call('NOSUCHCMD');
      assert.unreachable('no error');
    } catch (err) {
      assert.match((err as Error).message, /unknown command 'NOSUCHCMD'/);
    }
    assert.is(await r.ttl('io:k'), -1);
    await r.expire('io:k', 100);
    assert.ok((await r.ttl('io:k')) > 90);
    const keys = await r.keys('io:p1*');
    assert.is(keys.length, 11);
    assert.is(await r.dbsize(), 104);
    const info = await r.info('server');
    assert.match(info, /redis_version:7\.0\.15/);
  } finally {
    r.disconnect();
  }
});

test('node-redis: RESP2 and RESP3', async () => {
  for (const RESP of [2, 3] as const) {
    const c = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
    await c.connect();
    try {
      assert.is(await c.set(`nr${RESP}:k`, 'v'), 'OK');
      assert.is(await c.get(`nr${RESP}:k`), 'v');
      assert.is(await c.get(`nr${RESP}:missing`), null);
      assert.is(await c.incr(`nr${RESP}:n`), 1);
      const multi = await c.multi().set(`nr${RESP}:a`, '1').incr(`nr${RESP}:a`).exec();
      assert.equal(multi, ['OK', 2]);
      assert.equal(await c.mGet([`nr${RESP}:k`, `nr${RESP}:nope`]), ['v', null]);
      const cfg = await c.configGet('maxclients');
      assert.equal({ ...cfg }, { maxclients: '10000' });
      assert.is(await c.clientId() > 0, true);
      const scanned: string[] = [];
      for await (const keys of c.scanIterator({ MATCH: `nr${RESP}:*`, COUNT: 2 })) scanned.push(...keys);
      assert.equal(scanned.sort(), [`nr${RESP}:a`, `nr${RESP}:k`, `nr${RESP}:n`]);
      if (RESP === 3) {
        const withBuffers = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
        const value = await withBuffers.get(`nr${RESP}:k`);
        assert.ok(Buffer.isBuffer(value));
      }
    } finally {
      c.destroy();
    }
  }
});

test('redis-cli: commands, errors, -x, a pipe of commands, --pipe, --scan', async () => {
  const port = srv.port;
  assert.is((await redisCli(port, ['SET', 'cli:k', 'hello world'])).stdout, 'OK\n');
  assert.is((await redisCli(port, ['GET', 'cli:k'])).stdout, 'hello world\n');
  assert.is((await redisCli(port, ['GET', 'cli:none'])).stdout, '\n');
  assert.is((await redisCli(port, ['INCR', 'cli:k'])).stdout, 'ERR value is not an integer or out of range\n\n');
  assert.is((await redisCli(port, ['-x', 'SET', 'cli:x'], 'from stdin')).stdout, 'OK\n');
  assert.is((await redisCli(port, ['GET', 'cli:x'])).stdout, 'from stdin\n');
  const piped = await redisCli(port, [], 'SET cli:a 1\nINCR cli:a\nGET cli:a\nMULTI\nINCR cli:a\nEXEC\n');
  assert.is(piped.stdout, 'OK\n2\n2\nOK\nQUEUED\n3\n');
  let massInsert = '';
  for (let i = 0; i < 1000; i++) massInsert += `*3\r\n$3\r\nSET\r\n$${`cli:m${i}`.length}\r\ncli:m${i}\r\n$1\r\nx\r\n`;
  const pipe = await redisCli(port, ['--pipe'], massInsert);
  assert.match(pipe.stdout, /errors: 0, replies: 1000/);
  const scan = await redisCli(port, ['--scan', '--pattern', 'cli:m1*']);
  const keys = scan.stdout.trim().split('\n').sort();
  assert.is(keys.length, 111);
  assert.is(new Set(keys).size, 111);
  const tty = await redisCli(port, ['--no-raw', 'MGET', 'cli:a', 'cli:none']);
  assert.is(tty.stdout, '1) "3"\n2) (nil)\n');
  const hints = await redisCli(port, ['COMMAND', 'DOCS', 'set']);
  assert.match(hints.stdout, /arguments/);
});

test('redis-cli 7 shows argument hints from COMMAND DOCS', async () => {
  if (!existsSync('/usr/bin/python3')) return;
  // Drive an interactive redis-cli through a pseudo-terminal and read the hint it prints after "SET ".
  const script = `
import pty, os, time, select, fcntl, termios, struct, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp('redis-cli', ['redis-cli', '-p', '${srv.port}'])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 200, 0, 0))
def drain(t):
    out = b''
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            out += chunk
            if b'\\x1b[6n' in chunk: os.write(fd, b'\\x1b[1;1R')
    return out
drain(0.8)
os.write(fd, b'SET ')
sys.stdout.write(drain(0.6).decode('latin1'))
os.kill(pid, 9)
`;
  const res = await runProcess('/usr/bin/python3', ['-c', script]);
  assert.ok(res.stdout.includes('key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]'), JSON.stringify(res.stdout.slice(-400)) + res.stderr);
});

test('redis-py (Debian python3-redis)', async () => {
  if (!existsSync('/usr/bin/python3')) {
    console.log('  (no /usr/bin/python3: redis-py not run)');
    return;
  }
  const script = `
import redis, sys
r = redis.Redis(port=${srv.port})
assert r.ping()
r.set('py:k', b'\\x00\\xffbin')
assert r.get('py:k') == b'\\x00\\xffbin'
assert r.incr('py:n') == 1
p = r.pipeline(transaction=True)
p.set('py:a', 1).incr('py:a').get('py:a')
assert p.execute() == [True, 2, b'2'], 'transaction'
assert sorted(r.scan_iter(match='py:*', count=1)) == [b'py:a', b'py:k', b'py:n']
with r.pipeline() as w:
    w.watch('py:a'); w.multi(); w.incr('py:a'); assert w.execute() == [3]
assert r.config_get('maxclients') == {'maxclients': '10000'}
assert r.info()['redis_version'] == '7.0.15'
r.expire('py:k', 100); assert 90 < r.ttl('py:k') <= 100
try:
    r.execute_command('NOSUCH')
    sys.exit('no error')
except redis.ResponseError as e:
    assert "unknown command 'NOSUCH'" in str(e), str(e)
print('ok')
`;
  const res = await runProcess('/usr/bin/python3', ['-c', script]);
  if (res.stderr.includes("No module named 'redis'")) {
    console.log('  (python3-redis not installed: redis-py not run)');
    return;
  }
  assert.is(res.stdout.trim(), 'ok', res.stderr);
});

test.run();
