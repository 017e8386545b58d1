/**
 * Blocking pops end to end: fixed two-connection scripts whose raw bytes must be redis-server
 * 7.0's (order of service, the key served from when several are ready, timeouts and their
 * errors, transactions, chains, CLIENT UNBLOCK, RESP3), then behaviour that needs many clients or time: FIFO service of many waiters, `0`
 * waiting forever, fractional timeouts, cleanup after a disconnect and CLIENT KILL, the idle
 * timeout sparing blocked clients, the writes that must wake a waiter (RENAME, MOVE, COPY,
 * SWAPDB, ZUNIONSTORE, LMOVE; there is no RESTORE here), and a redis-py reliable-queue worker
 * (BLMOVE / BRPOPLPUSH).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { RawClient, TestClients, encodeCommand, redisTest, runProcess, sleep, startRedis, startServer, type TestServer } from './helpers.js';

let strata: TestServer;
let redis: TestServer | null;
const clients = new TestClients();

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  clients.disconnectAll();
  await Promise.all([strata?.stop(), redis?.stop()]);
});

// ------------------------------------------------------------------------------------------------
// Scripted transcripts on two connections, compared byte for byte with redis-server

type Who = 'a' | 'b';
/** One step: which connection sends, and the command; `{id:a}` stands for connection a's CLIENT ID. */
type ScriptStep = readonly [Who, ...string[]];

const MARKER = 'marker-b10c';
/** How long a connection that has not answered its marker yet is given before the server is asked whether it is blocked. */
const SETTLE_MS = 150;
/** The longest a connection that is not blocked may take to answer (a loaded machine). */
const SLOW_MS = 15_000;

/** A blocking command whose timeout is finite and not 0: it answers by itself soon, so it is waited for. */
function timesOutSoon(args: readonly string[]): boolean {
  const name = args[0].toLowerCase();
  const timeout = name === 'blmpop' || name === 'bzmpop' ? args[1] : ['blpop', 'brpop', 'bzpopmin', 'bzpopmax', 'blmove', 'brpoplpush'].includes(name) ? args[args.length - 1] : undefined;
  if (timeout === undefined) return false;
  const seconds = Number(timeout);
  return Number.isFinite(seconds) && seconds > 0 && seconds < 1;
}

/**
 * Runs a script on two connections and returns, per step, what each connection received because
 * of it. After every step each connection not inside MULTI is sent `PING <marker>` (once: a
 * blocked connection answers it only after its blocked command), and what arrives before the
 * marker's reply is that step's output; a connection still blocked shows nothing, and what it
 * gets later (served, timed out, unblocked) shows at the step that caused it. Whether a connection
 * that has not answered is blocked is asked of the server (CLIENT LIST flag b), not guessed from
 * time, so a slow machine only makes the transcript slower; a command that times out by itself
 * (a timeout below a second) is waited for.
 */
async function transcript(port: number, script: readonly ScriptStep[]): Promise<string[]> {
  const conns = { a: await RawClient.connect(port), b: await RawClient.connect(port) };
  const observer = await RawClient.connect(port);
  const idOf = async (c: RawClient): Promise<string> => (await c.command('CLIENT', 'ID')).toString('latin1').slice(1, -2);
  const ids = { a: await idOf(conns.a), b: await idOf(conns.b) };
  const blocked = async (c: Who): Promise<boolean> => /flags=\S*b/.test((await observer.command('CLIENT', 'LIST', 'ID', ids[c])).toString('latin1'));
  const last: Record<Who, readonly string[]> = { a: ['PING'], b: ['PING'] };
  const inMulti = { a: false, b: false };
  const markerOut = { a: false, b: false };
  const pending = { a: '', b: '' };
  const out: string[] = [];
  const isMarker = (reply: string): boolean => reply === `$${MARKER.length}\r\n${MARKER}\r\n`;
  const mask = (s: string): string => s.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
  try {
    for (const [who, ...raw] of script) {
      const args = raw.map((a) => a.replace('{id:a}', ids.a));
      const name = args[0].toLowerCase();
      conns[who].write(encodeCommand(args));
      last[who] = args;
      let line = `${who}> ${raw.join(' ')}`;
      if (inMulti[who] || name === 'multi') {
        const reply = (await conns[who].readReply()).toString('latin1');
        line += `\n  ${who}: ${JSON.stringify(mask(reply))}`;
        if (name === 'multi' && reply === '+OK\r\n') inMulti[who] = true;
        else if (name === 'exec' || name === 'discard') inMulti[who] = false;
      }
      for (const c of ['a', 'b'] as const) {
        if (inMulti[c]) continue;
        if (!markerOut[c]) {
          conns[c].write(encodeCommand(['PING', MARKER]));
          markerOut[c] = true;
        }
        const slowDeadline = Date.now() + SLOW_MS;
        let deadline = Date.now() + SETTLE_MS;
        for (;;) {
          let reply: string;
          try {
            reply = (await conns[c].readReply(Math.max(1, deadline - Date.now()))).toString('latin1');
          } catch {
            if (conns[c].isClosed) break;
            // Blocked (it answers at a later step), or only slow?
            if ((!timesOutSoon(last[c]) && (await blocked(c))) || Date.now() > slowDeadline) break;
            deadline = Date.now() + SETTLE_MS;
            continue;
          }
          if (isMarker(reply)) {
            markerOut[c] = false;
            break;
          }
          pending[c] += reply;
        }
        if (pending[c] !== '') line += `\n  ${c}: ${JSON.stringify(mask(pending[c]))}`;
        pending[c] = '';
      }
      out.push(line);
    }
  } finally {
    conns.a.close();
    conns.b.close();
    observer.close();
  }
  return out;
}

const SCRIPTS: Record<string, readonly ScriptStep[]> = {
  'BLPOP / BRPOP: served by a push, several keys, WRONGTYPE, timeout errors': [
    ['b', 'DEL', 'q1', 'q2', 's'], ['b', 'SET', 's', 'x'],
    ['a', 'BLPOP', 'q1', 'q2', '0'], ['b', 'RPUSH', 'q2', 'x', 'y'], ['b', 'LRANGE', 'q2', '0', '-1'],
    ['a', 'BRPOP', 'q1', 'q2', '0'], ['a', 'BLPOP', 'q1', '0'], ['b', 'LPUSH', 'q1', 'a', 'b', 'c'], ['b', 'LRANGE', 'q1', '0', '-1'],
    ['a', 'BLPOP', 's', 'q1', '0'], ['a', 'BLPOP', 'nosuch', 's', '0'], ['a', 'BLPOP', 'q1', '-1'], ['a', 'BLPOP', 'q1', 'abc'],
    ['a', 'BLPOP', 'q1', 'nan'], ['a', 'BLPOP', 'q1', 'inf'], ['a', 'BLPOP', 'q1', '-inf'], ['a', 'BLPOP', 'q1', '1e400'],
    ['a', 'BLPOP', 'q1', ' 1'], ['a', 'BLPOP', 'q1', '9223372036854775807'], ['a', 'BLPOP', 'q1'], ['a', 'BRPOP', 'q1', '0x0.1'],
    ['a', 'BLPOP', 'q9', '0.01'], ['a', 'BRPOP', 'q9', '1e-400'], ['a', 'BLPOP', 'q9', '0.02'],
  ],
  'a waiter ignores writes of another type, then is served': [
    ['b', 'DEL', 'k'], ['a', 'BLPOP', 'k', '0'], ['b', 'SET', 'k', 'string'], ['b', 'DEL', 'k'], ['b', 'SADD', 'k', 'm'],
    ['b', 'DEL', 'k'], ['b', 'RPUSH', 'k', 'v'], ['b', 'EXISTS', 'k'],
  ],
  'several keys made ready by one transaction: served from the key written first': [
    ['b', 'DEL', 'q1', 'q2', 'z1', 'z2'],
    ['a', 'BLPOP', 'q1', 'q2', '0'], ['b', 'MULTI'], ['b', 'RPUSH', 'q2', 'x'], ['b', 'RPUSH', 'q1', 'y'], ['b', 'EXEC'],
    ['a', 'BRPOP', 'q3', 'q1', '0'], ['a', 'BLMPOP', '0', '3', 'q3', 'q1', 'q2', 'LEFT'], ['b', 'MULTI'], ['b', 'RPUSH', 'q2', 'x2'], ['b', 'RPUSH', 'q3', 'y2'], ['b', 'EXEC'],
    ['a', 'BZPOPMIN', 'z1', 'z2', '0'], ['b', 'MULTI'], ['b', 'ZADD', 'z2', '1', 'x'], ['b', 'ZADD', 'z1', '1', 'y'], ['b', 'EXEC'],
    ['a', 'BZMPOP', '0', '2', 'z1', 'z2', 'MIN'], ['a', 'BZMPOP', '0', '2', 'z1', 'z2', 'MIN'], ['b', 'MULTI'], ['b', 'ZADD', 'z2', '2', 'x2'], ['b', 'ZADD', 'z1', '2', 'y2'], ['b', 'EXEC'],
    ['b', 'LRANGE', 'q1', '0', '-1'], ['b', 'LRANGE', 'q3', '0', '-1'], ['b', 'ZRANGE', 'z1', '0', '-1'],
  ],
  'BLMOVE and BRPOPLPUSH: served, chained, rotating, destination WRONGTYPE': [
    ['b', 'DEL', 'src', 'dst', 'str'], ['b', 'SET', 'str', 'x'],
    ['a', 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'], ['b', 'RPUSH', 'src', '1', '2'], ['b', 'LRANGE', 'dst', '0', '-1'],
    ['a', 'BRPOPLPUSH', 'src', 'dst', '0'], ['a', 'BRPOPLPUSH', 'src', 'dst', '0'], ['b', 'LPUSH', 'src', 'z'],
    ['a', 'BLMOVE', 'dst', 'dst', 'RIGHT', 'LEFT', '0'], ['b', 'LRANGE', 'dst', '0', '-1'],
    ['a', 'BLMOVE', 'dst', 'str', 'LEFT', 'LEFT', '0'], ['a', 'BLMOVE', 'src', 'dst', 'UP', 'LEFT', '0'], ['a', 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', 'x'],
    ['a', 'BRPOPLPUSH', 'src', 'dst', '0.01'], ['a', 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0.01'],
    ['b', 'BLMOVE', 'dst', 'src', 'LEFT', 'LEFT', '0'], ['a', 'BRPOPLPUSH', 'src', 'out', '0'],
  ],
  'a BLMOVE onto a key another client waits on serves that one too': [
    ['b', 'DEL', 'in', 'mid'], ['a', 'BLPOP', 'mid', '0'], ['b', 'MULTI'], ['b', 'RPUSH', 'in', 'job'], ['b', 'BLMOVE', 'in', 'mid', 'LEFT', 'RIGHT', '0'],
    ['b', 'EXEC'], ['b', 'EXISTS', 'in', 'mid'],
  ],
  'BLMPOP: COUNT, several keys, argument errors in order': [
    ['b', 'DEL', 'l1', 'l2'], ['a', 'BLMPOP', '0', '2', 'l1', 'l2', 'RIGHT', 'COUNT', '3'], ['b', 'RPUSH', 'l2', 'a', 'b', 'c', 'd', 'e'],
    ['a', 'BLMPOP', '0', '2', 'l1', 'l2', 'LEFT'], ['a', 'BLMPOP', '0.01', '1', 'l1', 'LEFT'],
    ['a', 'BLMPOP', '0', '0', 'l1', 'LEFT'], ['a', 'BLMPOP', 'x', '1', 'l1', 'LEFT'], ['a', 'BLMPOP', '-1', '1', 'l1', 'UP'],
    ['a', 'BLMPOP', '-1', '1', 'l1', 'LEFT'], ['a', 'BLMPOP', '0', '1', 'l1', 'LEFT', 'COUNT', '0'], ['a', 'BLMPOP', '0', '1', 'l1', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['a', 'BLMPOP', '0', '3', 'l1', 'LEFT'],
  ],
  'BZPOPMIN / BZPOPMAX / BZMPOP in RESP2 and RESP3': [
    ['b', 'DEL', 'z1', 'z2', 'str'], ['b', 'SET', 'str', 'v'],
    ['a', 'BZPOPMIN', 'z1', 'z2', '0'], ['b', 'ZADD', 'z2', '3', 'c', '1', 'a', '2.5', 'b'], ['a', 'BZPOPMAX', 'z1', 'z2', '0'],
    ['a', 'BZMPOP', '0', '2', 'z1', 'z2', 'MIN', 'COUNT', '5'], ['a', 'BZMPOP', '0', '1', 'z1', 'MAX'], ['b', 'ZADD', 'z1', '7', 'x', '8', 'y'],
    ['a', 'BZPOPMIN', 'str', '0'], ['a', 'BZPOPMIN', 'z9', '0.01'], ['a', 'BZMPOP', '0.01', '1', 'z9', 'MIN'], ['a', 'BZMPOP', '0', '1', 'z1', 'MID'],
    ['a', 'HELLO', '3'], ['a', 'BZPOPMIN', 'z1', '0'], ['a', 'BZPOPMIN', 'z1', 'z2', '0'], ['b', 'ZADD', 'z2', '-inf', 'm'],
    ['a', 'BZMPOP', '0', '1', 'z2', 'MIN'], ['b', 'ZADD', 'z2', '1.5', 'n', '2', 'o'], ['a', 'BZPOPMAX', 'z9', '0.01'],
    ['a', 'BLPOP', 'z9', '0.01'], ['a', 'BLMOVE', 'z9', 'z8', 'LEFT', 'LEFT', '0.01'], ['a', 'BLPOP', 'l9', '0'], ['b', 'RPUSH', 'l9', 'v'],
  ],
  'MULTI: blocking commands answer at once; a push wakes after EXEC; pushed and popped wakes nobody': [
    ['b', 'DEL', 'q', 'z'], ['a', 'MULTI'], ['a', 'BLPOP', 'q', '0'], ['a', 'BRPOP', 'q', '0'], ['a', 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'],
    ['a', 'BRPOPLPUSH', 'q', 'd', '0'], ['a', 'BLMPOP', '0', '1', 'q', 'LEFT'], ['a', 'BZPOPMIN', 'z', '0'], ['a', 'BZMPOP', '0', '1', 'z', 'MIN'],
    ['a', 'RPUSH', 'q', 'v'], ['a', 'BLPOP', 'q', '0'], ['a', 'EXEC'],
    ['a', 'BLPOP', 'q', '0'], ['b', 'MULTI'], ['b', 'RPUSH', 'q', 'x'], ['b', 'LPOP', 'q'], ['b', 'EXEC'],
    ['b', 'MULTI'], ['b', 'RPUSH', 'q', 'y'], ['b', 'RPUSH', 'q', 'z'], ['b', 'LLEN', 'q'], ['b', 'EXEC'], ['b', 'LRANGE', 'q', '0', '-1'],
  ],
  'CLIENT UNBLOCK: TIMEOUT, ERROR, errors, and a client that is not blocked': [
    ['b', 'DEL', 'q'], ['a', 'BLPOP', 'q', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}'],
    ['a', 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}', 'TIMEOUT'],
    ['a', 'BZPOPMIN', 'q', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}', 'error'],
    ['a', 'BLPOP', 'q', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}', 'other'], ['b', 'CLIENT', 'UNBLOCK', 'abc'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}', 'error', 'x'],
    ['b', 'CLIENT', 'UNBLOCK', '0'], ['b', 'CLIENT', 'UNBLOCK', '-5'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}'],
    ['a', 'HELLO', '3'], ['a', 'BLPOP', 'q', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}'], ['a', 'BRPOPLPUSH', 'q', 'd', '0'], ['b', 'CLIENT', 'UNBLOCK', '{id:a}', 'ERROR'],
  ],
};

for (const [name, script] of Object.entries(SCRIPTS)) {
  redisTest(test, `transcript, byte for byte with redis-server: ${name}`, async () => {
    const [ours, theirs] = await Promise.all([transcript(strata.port, script), transcript(redis!.port, script)]);
    for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
      assert.is(ours[i], theirs[i], `step ${i}`);
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Many clients, time, cleanup

async function infoField(c: RawClient, field: string): Promise<string> {
  const text = (await c.command('INFO', 'clients')).toString('latin1');
  const match = new RegExp(`${field}:(\\S+)`).exec(text);
  return match === null ? '' : match[1];
}

/** Waits until INFO blocked_clients says `n` (the blocks are registered asynchronously to us). */
async function untilBlocked(c: RawClient, n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await infoField(c, 'blocked_clients')) !== String(n)) {
    if (Date.now() > deadline) assert.unreachable(`blocked_clients never reached ${n}: ${await infoField(c, 'blocked_clients')}`);
    await sleep(5);
  }
}

test('waiters are served in the order they blocked, while elements last; the rest stay blocked', async () => {
  const ctl = await RawClient.connect(strata.port);
  await ctl.command('DEL', 'fifo');
  const waiters: RawClient[] = [];
  for (let i = 0; i < 8; i++) {
    const c = await RawClient.connect(strata.port);
    c.write(encodeCommand(['BRPOP', 'other', 'fifo', '0']));
    waiters.push(c);
    await untilBlocked(ctl, i + 1);
  }
  assert.is((await ctl.command('RPUSH', 'fifo', 'e1', 'e2', 'e3', 'e4', 'e5')).toString(), ':5\r\n');
  for (let i = 0; i < 5; i++) {
    assert.is((await waiters[i].readReply()).toString(), `*2\r\n$4\r\nfifo\r\n$2\r\ne${5 - i}\r\n`, `waiter ${i}`);
  }
  await untilBlocked(ctl, 3);
  assert.is((await ctl.command('EXISTS', 'fifo')).toString(), ':0\r\n');
  const list = (await ctl.command('CLIENT', 'LIST')).toString('latin1');
  assert.is((list.match(/flags=b /g) ?? []).length, 3, list);
  await ctl.command('RPUSH', 'fifo', 'late');
  assert.is((await waiters[5].readReply()).toString(), '*2\r\n$4\r\nfifo\r\n$4\r\nlate\r\n');
  for (const c of waiters) c.close();
  await untilBlocked(ctl, 0);
  ctl.close();
});

test('a chain of blocked clients: a push serves a blocked BLMOVE, whose push serves a blocked BLPOP, then a BRPOPLPUSH', async () => {
  const ctl = await RawClient.connect(strata.port);
  await ctl.command('DEL', 'c1', 'c2', 'c3', 'c4');
  const first = await RawClient.connect(strata.port);
  const second = await RawClient.connect(strata.port);
  const third = await RawClient.connect(strata.port);
  first.write(encodeCommand(['BLMOVE', 'c1', 'c2', 'LEFT', 'RIGHT', '0']));
  await untilBlocked(ctl, 1);
  second.write(encodeCommand(['BRPOPLPUSH', 'c2', 'c3', '0']));
  await untilBlocked(ctl, 2);
  third.write(encodeCommand(['BLPOP', 'c3', 'c4', '0']));
  await untilBlocked(ctl, 3);
  assert.is((await ctl.command('RPUSH', 'c1', 'job')).toString(), ':1\r\n');
  assert.is((await first.readReply()).toString(), '$3\r\njob\r\n');
  assert.is((await second.readReply()).toString(), '$3\r\njob\r\n');
  assert.is((await third.readReply()).toString(), '*2\r\n$2\r\nc3\r\n$3\r\njob\r\n');
  await untilBlocked(ctl, 0);
  assert.is((await ctl.command('EXISTS', 'c1', 'c2', 'c3')).toString(), ':0\r\n');
  for (const c of [ctl, first, second, third]) c.close();
});

test('timeouts: 0 waits forever, fractional ones are honoured, ioredis sees null', async () => {
  const r = clients.connect({ port: strata.port });
  const pusher = clients.connect({ port: strata.port });
  await r.del('t1');
  let t0 = Date.now();
  assert.is(await r.blpop('t1', 0.15), null);
  const waited = Date.now() - t0;
  assert.ok(waited >= 140 && waited < 1500, `waited ${waited} ms for 0.15 s`);
  t0 = Date.now();
  assert.is(await r.brpoplpush('t1', 't2', 0.05), null);
  assert.ok(Date.now() - t0 >= 45);
  const forever = r.blpop('t1', 0);
  await sleep(400);
  await pusher.rpush('t1', 'finally');
  assert.equal(await forever, ['t1', 'finally']);
  const z = r.bzpopmin('tz', 0);
  await sleep(20);
  await pusher.zadd('tz', 4, 'four');
  assert.equal(await z, ['tz', 'four', '4']);
});

test('a blocked client that disconnects or is killed leaves nothing behind', async () => {
  const ctl = await RawClient.connect(strata.port);
  await ctl.command('DEL', 'gone');
  const a = await RawClient.connect(strata.port);
  a.write(encodeCommand(['BLPOP', 'gone', '0']));
  const b = await RawClient.connect(strata.port);
  b.write(encodeCommand(['CLIENT', 'ID']));
  const bid = (await b.readReply()).toString('latin1').slice(1, -2);
  b.write(encodeCommand(['BLMOVE', 'gone', 'dest', 'LEFT', 'LEFT', '100']));
  await untilBlocked(ctl, 2);
  assert.is(await infoField(ctl, 'clients_in_timeout_table'), '1');
  a.close();
  await untilBlocked(ctl, 1);
  assert.is((await ctl.command('CLIENT', 'KILL', 'ID', bid)).toString(), ':1\r\n');
  await b.readUntilClose();
  await untilBlocked(ctl, 0);
  assert.is(await infoField(ctl, 'clients_in_timeout_table'), '0');
  // Nobody takes the element any more.
  await ctl.command('RPUSH', 'gone', 'kept');
  await sleep(20);
  assert.is((await ctl.command('LRANGE', 'gone', '0', '-1')).toString(), '*1\r\n$4\r\nkept\r\n');
  assert.is((await ctl.command('EXISTS', 'dest')).toString(), ':0\r\n');
  ctl.close();
});

test('RESET after a blocked command unblocked leaves no block; the idle timeout spares blocked clients', async () => {
  const ctl = await RawClient.connect(strata.port);
  await ctl.command('DEL', 'idle');
  const a = await RawClient.connect(strata.port);
  const id = (await a.command('CLIENT', 'ID')).toString('latin1').slice(1, -2);
  // RESET waits behind the blocked command, as in Redis.
  a.write(Buffer.concat([encodeCommand(['BLPOP', 'idle', '0']), encodeCommand(['RESET'])]));
  await untilBlocked(ctl, 1);
  await ctl.command('CLIENT', 'UNBLOCK', id);
  assert.is((await a.readReplies(2)).toString(), '*-1\r\n+RESET\r\n');
  await untilBlocked(ctl, 0);
  await ctl.command('CONFIG', 'SET', 'timeout', '1');
  try {
    a.write(encodeCommand(['BLPOP', 'idle', '0']));
    const idle = await RawClient.connect(strata.port);
    await idle.command('PING');
    await untilBlocked(ctl, 1);
    // ctl keeps itself from being idle.
    for (let i = 0; i < 6; i++) {
      await sleep(400);
      await ctl.command('PING');
    }
    assert.is(idle.isClosed, true, 'an idle client is closed');
    assert.is(a.isClosed, false, 'a blocked client is not');
    await ctl.command('RPUSH', 'idle', 'v');
    assert.is((await a.readReply()).toString(), '*2\r\n$4\r\nidle\r\n$1\r\nv\r\n');
  } finally {
    await ctl.command('CONFIG', 'SET', 'timeout', '0');
    a.close();
    ctl.close();
  }
});

test('every write that makes a waited key ready wakes its waiter (RENAME, MOVE, COPY, SWAPDB, ZUNIONSTORE, LMOVE)', async () => {
  const ctl = await RawClient.connect(strata.port);
  const w = await RawClient.connect(strata.port);
  await ctl.command('FLUSHALL');
  const cases: Array<{ block: string[]; write: string[][]; expect: string }> = [
    { block: ['BLPOP', 'wr', '0'], write: [['RPUSH', 'src', 'r'], ['RENAME', 'src', 'wr']], expect: '*2\r\n$2\r\nwr\r\n$1\r\nr\r\n' },
    { block: ['BLPOP', 'wc', '0'], write: [['RPUSH', 'src', 'c'], ['COPY', 'src', 'wc']], expect: '*2\r\n$2\r\nwc\r\n$1\r\nc\r\n' },
    { block: ['BLPOP', 'wm', '0'], write: [['SELECT', '1'], ['RPUSH', 'wm', 'm'], ['MOVE', 'wm', '0'], ['SELECT', '0']], expect: '*2\r\n$2\r\nwm\r\n$1\r\nm\r\n' },
    { block: ['BLPOP', 'ws', '0'], write: [['SELECT', '2'], ['RPUSH', 'ws', 's'], ['SELECT', '0'], ['SWAPDB', '0', '2']], expect: '*2\r\n$2\r\nws\r\n$1\r\ns\r\n' },
    { block: ['BZPOPMIN', 'wz', '0'], write: [['ZADD', 'za', '1', 'u'], ['ZUNIONSTORE', 'wz', '1', 'za']], expect: '*3\r\n$2\r\nwz\r\n$1\r\nu\r\n$1\r\n1\r\n' },
    { block: ['BLPOP', 'wl', '0'], write: [['RPUSH', 'src2', 'l'], ['LMOVE', 'src2', 'wl', 'LEFT', 'LEFT']], expect: '*2\r\n$2\r\nwl\r\n$1\r\nl\r\n' },
  ];
  for (const { block, write, expect } of cases) {
    w.write(encodeCommand(block));
    await untilBlocked(ctl, 1);
    for (const cmd of write) await ctl.command(...cmd);
    assert.is((await w.readReply()).toString(), expect, block.join(' '));
    await untilBlocked(ctl, 0);
  }
  w.close();
  ctl.close();
});

test('blocked clients in several databases wait on their own database\'s key', async () => {
  const ctl = await RawClient.connect(strata.port);
  const a = await RawClient.connect(strata.port);
  await a.command('SELECT', '3');
  await ctl.command('FLUSHALL');
  a.write(encodeCommand(['BLPOP', 'k', '0']));
  await untilBlocked(ctl, 1);
  await ctl.command('RPUSH', 'k', 'db0');
  await sleep(30);
  await untilBlocked(ctl, 1);
  await ctl.command('SELECT', '3');
  await ctl.command('RPUSH', 'k', 'db3');
  assert.is((await a.readReply()).toString(), '*2\r\n$1\r\nk\r\n$3\r\ndb3\r\n');
  await ctl.command('SELECT', '0');
  assert.is((await ctl.command('LRANGE', 'k', '0', '-1')).toString(), '*1\r\n$3\r\ndb0\r\n');
  a.close();
  ctl.close();
});

// ------------------------------------------------------------------------------------------------
// A real client library

test('redis-py (Debian python3-redis): a reliable-queue worker with BLMOVE and BRPOPLPUSH', async () => {
  if (!existsSync('/usr/bin/python3')) {
    console.log('  (no /usr/bin/python3: redis-py not run)');
    return;
  }
  const script = `
import redis, threading, sys
r = redis.Redis(port=${strata.port})
r.delete('py:jobs', 'py:processing', 'py:done')
N = 200
done = []
def worker(use_blmove):
    w = redis.Redis(port=${strata.port})
    while True:
        job = w.blmove('py:jobs', 'py:processing', 2, 'RIGHT', 'LEFT') if use_blmove else w.brpoplpush('py:jobs', 'py:processing', 2)
        if job is None:
            return
        if job == b'stop':
            w.lrem('py:processing', 1, job)
            return
        w.rpush('py:done', job)
        assert w.lrem('py:processing', 1, job) == 1
workers = [threading.Thread(target=worker, args=(i % 2 == 0,)) for i in range(4)]
for t in workers: t.start()
for i in range(N):
    r.lpush('py:jobs', 'job-%d' % i)
for _ in workers:
    r.lpush('py:jobs', 'stop')
for t in workers: t.join(10)
assert not any(t.is_alive() for t in workers), 'a worker is stuck'
got = sorted(r.lrange('py:done', 0, -1))
assert got == sorted(('job-%d' % i).encode() for i in range(N)), (len(got), got[:5])
assert r.llen('py:processing') == 0 and r.llen('py:jobs') == 0
assert r.blpop(['py:nothing'], timeout=0.05) is None
print('ok')
`;
  const res = await runProcess('/usr/bin/python3', ['-c', script], undefined, 60_000);
  assert.is(res.stdout.trim(), 'ok', res.stderr);
});

test.run();
