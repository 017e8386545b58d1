/**
 * Exact reply bytes, side by side with a real redis-server 7: the same requests go to both and
 * the raw replies must be identical, for every command family (deterministic replies only: ids,
 * times and cursors differ by nature). Plus malformed input: an error and a closed connection for
 * the offender, nothing for anybody else.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, encodeCommand, redisTest, startRedis, startServer, type TestServer } from './helpers.js';

let strata: TestServer;
let redis: TestServer | null;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  await Promise.all([strata?.stop(), redis?.stop()]);
});

/** A request (RESP array, or raw bytes for inline/malformed input) and how many replies it gets. */
type Step = string[] | { raw: string; replies: number };

async function run(port: number, steps: readonly Step[]): Promise<string[]> {
  const c = await RawClient.connect(port);
  const out: string[] = [];
  try {
    for (const step of steps) {
      if (Array.isArray(step)) {
        c.write(encodeCommand(step));
        out.push((await c.readReply()).toString('latin1'));
      } else {
        c.write(Buffer.from(step.raw, 'latin1'));
        for (let i = 0; i < step.replies; i++) out.push((await c.readReply()).toString('latin1'));
      }
    }
  } finally {
    c.close();
  }
  return out;
}

async function compare(name: string, steps: readonly Step[]): Promise<void> {
  if (redis === null) {
    console.log(`  (redis-server not installed: ${name} not compared)`);
    return;
  }
  const [mine, theirs] = await Promise.all([run(strata.port, steps), run(redis.port, steps)]);
  for (let i = 0; i < steps.length && i < mine.length; i++) {
    const label = JSON.stringify(Array.isArray(steps[i]) ? steps[i] : (steps[i] as { raw: string }).raw);
    assert.is(JSON.stringify(mine[i]), JSON.stringify(theirs[i]), `${name}: step ${i} ${label}`);
  }
  assert.is(mine.length, theirs.length);
}

redisTest(test, 'connection family', async () => {
  await compare('connection', [
    ['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ECHO', 'x\r\ny'], ['ECHO'],
    { raw: 'PING\r\n', replies: 1 }, { raw: 'ECHO "a b" \'c\'\r\n', replies: 1 }, { raw: 'echo\n', replies: 1 },
    ['AUTH', 'pw'], ['AUTH', 'default', 'pw'], ['AUTH', 'someone', 'pw'], ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '3', 'FOO'],
    ['CLIENT', 'SETNAME', 'my name'], ['CLIENT', 'SETNAME', 'worker-1'], ['CLIENT', 'GETNAME'],
    ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'PAUSE', 'abc'], ['CLIENT', 'PAUSE', '-1'],
    ['CLIENT', 'PAUSE', '10', 'SOME'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', 'abc'], ['CLIENT', 'KILL', 'foo', 'bar'],
    ['CLIENT', 'KILL', 'ID', '999999'], ['CLIENT', 'REPLY', 'maybe'], ['CLIENT', 'FOO'], ['CLIENT'],
    ['CLIENT', 'UNPAUSE'], ['SELECT', '1'], ['SELECT', '99'], ['SELECT', 'x'], ['RESET'], ['CLIENT', 'GETNAME'],
    ['NOSUCHCOMMAND', 'a', 'b'], ['nosuch'],
  ]);
});

redisTest(test, 'strings and bits', async () => {
  await compare('strings', [
    ['FLUSHALL'],
    ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['SET', 'k', 'v2', 'GET'], ['SET', 'k', 'v', 'NX'], ['SET', 'k', 'v', 'XX', 'NX'],
    ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', 'x'], ['SETNX', 'k', 'z'], ['APPEND', 'k', '123'], ['STRLEN', 'k'],
    ['GETRANGE', 'k', '1', '-2'], ['SETRANGE', 'k', '1', 'AB'], ['GET', 'k'], ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'nope'],
    ['MSET', 'a'], ['MSETNX', 'a', '1', 'c', '3'], ['INCR', 'a'], ['INCRBY', 'a', '10'], ['DECR', 'a'], ['DECRBY', 'a', '3'], ['INCR', 'k'],
    ['INCRBYFLOAT', 'b', '1.5'], ['INCRBYFLOAT', 'b', '1e3'], ['INCRBYFLOAT', 'k', '1'], ['GETDEL', 'b'], ['GETDEL', 'b'], ['GETSET', 'a', 'x'],
    ['SETBIT', 'bits', '7', '1'], ['GETBIT', 'bits', '7'], ['BITCOUNT', 'bits'], ['BITPOS', 'bits', '1'], ['SETBIT', 'bits', '7', '2'],
    ['BITOP', 'NOT', 'dest', 'bits'], ['GET', 'dest'], ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '300'], ['LCS', 'k', 'a'],
    ['GET'], ['SET', 'x'],
  ]);
});

redisTest(test, 'keys, expiry and databases', async () => {
  await compare('keys', [
    ['FLUSHALL'], ['SET', 'k', 'v'], ['EXISTS', 'k', 'k', 'nope'], ['TYPE', 'k'], ['TYPE', 'nope'], ['RENAME', 'k', 'k2'], ['RENAME', 'nope', 'x'],
    ['RENAMENX', 'k2', 'k2'], ['KEYS', '*'], ['DBSIZE'], ['EXPIRE', 'k2', '100'], ['TTL', 'k2'], ['EXPIRE', 'k2', '50', 'GT'], ['PERSIST', 'k2'],
    ['TTL', 'k2'], ['TTL', 'nope'], ['PTTL', 'nope'], ['EXPIRETIME', 'k2'], ['EXPIRE', 'k2', 'x'], ['COPY', 'k2', 'k3'], ['DEL', 'k2', 'k3', 'nope'],
    ['SET', 'm', '1'], ['MOVE', 'm', '1'], ['SELECT', '1'], ['GET', 'm'], ['SWAPDB', '0', '1'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'],
    ['FLUSHDB'], ['DBSIZE'], ['OBJECT', 'ENCODING', 'nope'], ['TOUCH', 'a', 'b'], ['UNLINK', 'a'], ['RANDOMKEY'],
  ]);
});

redisTest(test, 'transactions', async () => {
  await compare('transactions', [
    ['FLUSHALL'], ['EXEC'], ['DISCARD'], ['MULTI'], ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['EXEC'],
    ['MULTI'], ['SET', 'a'], ['INCR', 'a'], ['EXEC'], ['GET', 'a'],
    ['MULTI'], ['NOSUCH'], ['EXEC'],
    ['MULTI'], ['SET', 's', 'x'], ['INCR', 's'], ['GET', 's'], ['EXEC'],
    ['MULTI'], ['WATCH', 'a'], ['DISCARD'], ['WATCH', 'a'], ['SET', 'a', '5'], ['MULTI'], ['GET', 'a'], ['EXEC'],
    ['WATCH', 'a'], ['UNWATCH'], ['SET', 'a', '6'], ['MULTI'], ['GET', 'a'], ['EXEC'], ['MULTI'], ['EXEC'], ['WATCH'],
    // Any refusal of EXEC aborts: EXEC with arguments discards the transaction (and its WATCH).
    ['EXEC', 'x'], ['WATCH', 'a'], ['MULTI'], ['SET', 'a', '7'], ['EXEC', 'y'], ['EXEC'], ['SET', 'a', '8'], ['MULTI'], ['GET', 'a'], ['EXEC'], ['DISCARD'],
  ]);
});

redisTest(test, 'server family (deterministic parts)', async () => {
  await compare('server', [
    ['CONFIG', 'GET', 'maxclients'], ['CONFIG', 'GET', 'nosuchparam'], ['CONFIG', 'GET'], ['CONFIG', 'SET', 'maxclients', 'abc'],
    ['CONFIG', 'SET', 'nosuch', '1'], ['CONFIG', 'SET', 'maxclients', '0'], ['CONFIG', 'SET', 'appendfsync', 'x'],
    ['CONFIG', 'SET', 'timeout', '0', 'maxclients', '10000'], ['CONFIG', 'FOO'], ['CONFIG', 'SET', 'timeout'],
    ['COMMAND', 'INFO', 'get', 'nosuch'],
    ['COMMAND', 'GETKEYS', 'SET', 'a', 'b'], ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'], ['COMMAND', 'GETKEYS', 'PING', 'x'],
    ['COMMAND', 'GETKEYS', 'NOSUCH'], ['COMMAND', 'GETKEYS', 'GET'], ['COMMAND', 'FOO'],
    ['SLOWLOG', 'GET', 'abc'], ['SLOWLOG', 'FOO'], ['SLOWLOG', 'RESET'], ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'foo'],
    ['LASTSAVE', 'x'], ['TIME', 'x'],
  ]);
});

redisTest(test, 'RESP3 after HELLO 3', async () => {
  if (redis === null) return;
  // HELLO's own reply carries the connection id; compare what follows it.
  const steps: Step[] = [
    ['FLUSHALL'], ['SET', 'k', 'v'], ['GET', 'nope'], ['MGET', 'k', 'nope'], ['CONFIG', 'GET', 'maxclients'], ['EXEC'],
    ['INCRBYFLOAT', 'f', '2.5'], ['TTL', 'k'], ['CLIENT', 'GETNAME'], ['MULTI'], ['GET', 'k'], ['EXEC'],
  ];
  const runResp3 = async (port: number): Promise<string[]> => {
    const c = await RawClient.connect(port);
    try {
      c.write(encodeCommand(['HELLO', '3']));
      const hello = (await c.readReply()).toString('latin1');
      assert.ok(hello.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n'), hello);
      const out: string[] = [];
      for (const s of steps) {
        c.write(encodeCommand(s as string[]));
        out.push((await c.readReply()).toString('latin1'));
      }
      return out;
    } finally {
      c.close();
    }
  };
  const [mine, theirs] = await Promise.all([runResp3(strata.port), runResp3(redis.port)]);
  for (let i = 0; i < steps.length; i++) assert.is(JSON.stringify(mine[i]), JSON.stringify(theirs[i]), `resp3 step ${i} ${JSON.stringify(steps[i])}`);
});

test('malformed input: error reply, that connection closed, the server and other clients unaffected', async () => {
  const bystander = await RawClient.connect(strata.port);
  const cases: Array<[string, string]> = [
    ['*1\r\n:x\r\n', "-ERR Protocol error: expected '$', got ':'\r\n"],
    ['*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
    ['*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['*1\r\n$9999999999\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
    ['SET "unbalanced\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
    ['x'.repeat(70 * 1024), '-ERR Protocol error: too big inline request\r\n'],
    ['PING\r\n*1\r\n$4\r\nPI', '+PONG\r\n'], // an unterminated frame: nothing more is answered, the connection stays
  ];
  for (const [input, expected] of cases) {
    const c = await RawClient.connect(strata.port);
    c.write(Buffer.from(input, 'latin1'));
    if (input.startsWith('PING')) {
      assert.is((await c.readReply()).toString('latin1'), expected);
      await new Promise((r) => setTimeout(r, 50));
      assert.not.ok(c.isClosed, 'an incomplete frame does not close the connection');
      c.close();
      continue;
    }
    const all = (await c.readUntilClose(3000)).toString('latin1');
    assert.is(all, expected, JSON.stringify(input.slice(0, 40)));
    assert.ok(c.isClosed, 'the offending connection is closed');
  }
  // Random garbage: any error or close, never a crash.
  let seed = 7;
  for (let i = 0; i < 30; i++) {
    const bytes = Buffer.alloc(200);
    for (let j = 0; j < bytes.length; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[j] = seed >>> 24;
    }
    bytes[0] = 0x2a; // '*': take the multibulk path
    const c = await RawClient.connect(strata.port);
    c.write(bytes);
    await c.readUntilClose(200);
    c.close();
  }
  assert.is((await bystander.command('PING')).toString(), '+PONG\r\n');
  bystander.close();
});

test('pipelined requests across arbitrary splits get ordered replies in few writes', async () => {
  const c = await RawClient.connect(strata.port);
  const parts: Buffer[] = [];
  for (let i = 0; i < 500; i++) parts.push(encodeCommand(['SET', `p${i}`, String(i)]), encodeCommand(['GET', `p${i}`]));
  const all = Buffer.concat(parts);
  for (let off = 0; off < all.length; off += 777) c.write(all.subarray(off, off + 777));
  const replies = (await c.readReplies(1000)).toString('latin1');
  let expected = '';
  for (let i = 0; i < 500; i++) expected += `+OK\r\n$${String(i).length}\r\n${i}\r\n`;
  assert.is(replies, expected);
  c.close();
});

test.run();
