/**
 * COMMAND INFO and COMMAND DOCS of every command, byte for byte against a real redis-server 7.0,
 * in RESP2 and RESP3: arity, flags, key range, ACL categories, tips, key specs, and the documented
 * arguments redis-cli builds its hints from. What the command table (src/command-table/) says
 * must be what Redis says.
 *
 * Two things are compared apart, by nature: a container's subcommands come in Redis' dictionary
 * order, which changes with every redis-server process (each subcommand is compared on its own
 * instead), and commands Redis 7.0 does not have are listed below.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, encodeCommand, redisTest, replyLength, startRedis, startServer, type TestServer } from './helpers.js';
import { COMMAND_TABLE } from '../../src/command-table/index.js';
import { NOT_SERVED } from '../../src/command-table/not-served.js';

/** Commands StrataKV serves from after Redis 7.0 (by their `since`); any other command missing from Redis fails the test. */
const NOT_IN_REDIS_7_0 = new Set(
  COMMAND_TABLE.flatMap((c) => [c, ...(c.subcommands ?? [])]).filter((c) => !/^7\.0\.|^[1-6]\./.test(c.since)).map((c) => c.name),
);

let strata: TestServer;
let redis: TestServer | null;

test.before(async () => {
  [strata, redis] = await Promise.all([startServer(), startRedis()]);
});

test.after(async () => {
  await Promise.all([strata?.stop(), redis?.stop()]);
});

/** The [start, end) byte ranges of the elements of the aggregate reply at `offset` (a map's keys and values in turn). */
function elements(buf: Buffer, offset = 0): Array<[number, number]> {
  const lineEnd = buf.indexOf('\r\n', offset);
  const type = String.fromCharCode(buf[offset]);
  let n = Number(buf.toString('latin1', offset + 1, lineEnd));
  if (type === '%') n *= 2;
  const out: Array<[number, number]> = [];
  let pos = lineEnd + 2;
  for (let i = 0; i < n; i++) {
    const len = replyLength(buf, pos);
    out.push([pos, pos + len]);
    pos += len;
  }
  return out;
}

const text = (buf: Buffer, [start, end]: [number, number]): string => buf.toString('latin1', start, end);

/** COMMAND INFO of one command without its subcommand rows (the 10th field). */
function infoRow(reply: Buffer, withSubcommands: boolean): string {
  const [row] = elements(reply);
  if (reply.toString('latin1', row[0], row[0] + 1) !== '*') return text(reply, row);
  const fields = elements(reply, row[0]);
  return fields.slice(0, withSubcommands ? 10 : 9).map((f) => text(reply, f)).join('');
}

/** COMMAND DOCS of one command, its fields in order, without the subcommands map. */
function docFields(reply: Buffer): string {
  const top = elements(reply);
  if (top.length < 2) return text(reply, [0, reply.length]);
  const fields = elements(reply, top[1][0]);
  const out: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = text(reply, fields[i]);
    if (key !== '$11\r\nsubcommands\r\n') out.push(key + text(reply, fields[i + 1]));
  }
  return out.join('');
}

/** The comparison server; redisTest skips the tests without one (and fails them under CI=true). */
function comparisonServer(): TestServer {
  if (redis === null) throw new Error('redis-server did not start');
  return redis;
}

for (const protocol of [2, 3]) {
  redisTest(test, `RESP${protocol}: COMMAND INFO and COMMAND DOCS are redis-server's for every command`, async () => {
    const ours = await RawClient.connect(strata.port);
    const theirs = await RawClient.connect(comparisonServer().port);
    try {
      if (protocol === 3) await Promise.all([ours.command('HELLO', '3'), theirs.command('HELLO', '3')]);
      const list = await ours.command('COMMAND', 'LIST');
      const names = elements(list).map((e) => text(list, e).split('\r\n')[1]);
      assert.ok(names.length > 100, `${names.length} commands listed`);
      const containers = new Set(names.filter((n) => n.includes('|')).map((n) => n.slice(0, n.indexOf('|'))));
      let compared = 0;
      for (const name of names) {
        const [mine, real] = await Promise.all([ours.command('COMMAND', 'INFO', name), theirs.command('COMMAND', 'INFO', name)]);
        if (NOT_IN_REDIS_7_0.has(name)) {
          assert.is(real.toString(), protocol === 2 ? '*1\r\n$-1\r\n' : '*1\r\n_\r\n', `${name} is still unknown to redis-server`);
          continue;
        }
        const whole = !containers.has(name);
        assert.is(JSON.stringify(infoRow(mine, whole)), JSON.stringify(infoRow(real, whole)), `COMMAND INFO ${name}`);
        const [myDocs, realDocs] = await Promise.all([ours.command('COMMAND', 'DOCS', name), theirs.command('COMMAND', 'DOCS', name)]);
        if (whole) assert.is(JSON.stringify(myDocs.toString('latin1')), JSON.stringify(realDocs.toString('latin1')), `COMMAND DOCS ${name}`);
        else assert.is(JSON.stringify(docFields(myDocs)), JSON.stringify(docFields(realDocs)), `COMMAND DOCS ${name}`);
        compared++;
      }
      assert.is(compared, names.length - NOT_IN_REDIS_7_0.size);
    } finally {
      ours.close();
      theirs.close();
    }
  });
}

redisTest(test, "every command of redis-server's COMMAND LIST is served or in the not-served list (with Redis' group), never both", async () => {
  const ours = await RawClient.connect(strata.port);
  const theirs = await RawClient.connect(comparisonServer().port);
  try {
    const listed = async (client: RawClient): Promise<Set<string>> => {
      const list = await client.command('COMMAND', 'LIST');
      return new Set(elements(list).map((e) => text(list, e).split('\r\n')[1]));
    };
    const [served, redisNames] = await Promise.all([listed(ours), listed(theirs)]);
    const notServed = new Map(NOT_SERVED.map((c) => [c.name, c.group]));
    for (const name of redisNames) {
      assert.ok(served.has(name) !== notServed.has(name), `${name}: ${served.has(name) ? 'served and listed as not served' : 'neither served nor listed as not served'}`);
    }
    for (const [name, group] of notServed) {
      assert.ok(redisNames.has(name), `${name} is listed as not served but Redis 7.0 has no such command`);
      const docs = (await theirs.command('COMMAND', 'DOCS', name)).toString('latin1');
      assert.ok(docs.includes(`$5\r\ngroup\r\n$${group.length}\r\n${group}\r\n`), `${name}'s group is ${group} in Redis`);
    }
  } finally {
    ours.close();
    theirs.close();
  }
});

redisTest(test, 'COMMAND GETKEYS agrees with redis-server', async () => {
  const cases = [
    ['SET', 'a', 'b'], ['MSET', 'a', '1', 'b', '2'], ['MSET', 'a', '1', 'b'], ['BITOP', 'AND', 'd', 'a', 'b'], ['RENAME', 'a', 'b'],
    ['LCS', 'a', 'b'], ['COPY', 'a', 'b', 'DB', '1'], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'HELP'], ['DEL', 'a', 'b', 'c'],
    ['WATCH', 'a'], ['PING', 'x'], ['GET'], ['NOSUCH'], ['CONFIG', 'GET', 'x'],
  ];
  const ours = await RawClient.connect(strata.port);
  const theirs = await RawClient.connect(comparisonServer().port);
  try {
    for (const c of cases) {
      const [mine, real] = await Promise.all([ours.command('COMMAND', 'GETKEYS', ...c), theirs.command('COMMAND', 'GETKEYS', ...c)]);
      assert.is(mine.toString(), real.toString(), c.join(' '));
    }
    ours.write(encodeCommand(['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch']));
    assert.is((await ours.readReply()).toString(), (await theirs.command('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch')).toString());
  } finally {
    ours.close();
    theirs.close();
  }
});

test.run();
