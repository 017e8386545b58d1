import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyLocks, LockMode, type LockHold } from '../../src/server/key-locks.js';
import { DurabilityBarrier, type BarrierWaiter } from '../../src/server/durability.js';
import { SlowLog } from '../../src/server/slowlog.js';
import { parseSyntax } from '../../src/command-table/docs.js';
import { CommandTable } from '../../src/command-table/registry.js';
import type { CommandSpec } from '../../src/commands/types.js';

test('KeyLocks: per key, exclusive', () => {
  const locks = new KeyLocks();
  assert.ok(locks.idle);
  const a = KeyLocks.lockName(0, Buffer.from('a'));
  const b = KeyLocks.lockName(1, Buffer.from('a'));
  assert.is.not(a, b, 'databases are distinct');
  const hold = locks.acquire([a], LockMode.Write, false);
  assert.ok(locks.conflicts([a], LockMode.Write, false));
  assert.ok(locks.conflicts([a], LockMode.Shared, false), 'a reader waits for a writer');
  assert.not.ok(locks.conflicts([b], LockMode.Write, false));
  assert.ok(locks.conflicts([], LockMode.Write, true), 'exclusive waits for any holder');
  locks.release(hold);
  assert.ok(locks.idle);
  const ex = locks.acquire([], LockMode.Write, true);
  assert.ok(locks.conflicts([b], LockMode.Shared, false), 'everything waits for an exclusive holder');
  locks.release(ex);
  assert.not.ok(locks.conflicts([b], LockMode.Write, false));
});

test('KeyLocks: readers share a key; a waiting writer is not overtaken', async () => {
  const locks = new KeyLocks();
  const k = KeyLocks.lockName(0, Buffer.from('k'));
  const other = KeyLocks.lockName(0, Buffer.from('other'));
  const r1 = locks.acquire([k], LockMode.Shared, false);
  assert.not.ok(locks.conflicts([k], LockMode.Shared, false), 'readers share');
  const r2 = locks.acquire([k], LockMode.Shared, false);
  assert.ok(locks.conflicts([k], LockMode.Write, false));
  const order: string[] = [];
  const writer = locks.wait([k], LockMode.Write, false).then((h) => { order.push('writer'); return h; });
  // A reader arriving now queues behind the writer instead of starving it; other keys go by.
  assert.ok(locks.conflicts([k], LockMode.Shared, false), 'no overtaking a waiting writer');
  assert.not.ok(locks.conflicts([other], LockMode.Write, false));
  const reader = locks.wait([k], LockMode.Shared, false).then((h) => { order.push('reader'); return h; });
  assert.is(locks.waiterCount, 2);
  locks.release(r1);
  await Promise.resolve();
  assert.equal(order, [], 'the writer waits for both readers');
  locks.release(r2);
  const w = await writer;
  assert.ok(w !== null && w.mode === LockMode.Write, 'granted: the writer holds the key before it runs');
  assert.is(locks.waiterCount, 1);
  assert.ok(locks.conflicts([k], LockMode.Shared, false));
  locks.release(w as LockHold);
  const r = await reader;
  assert.equal(order, ['writer', 'reader']);
  locks.release(r as LockHold);
  assert.ok(locks.idle);
  assert.is(locks.waiterCount, 0);
});

test('KeyLocks: one release grants every compatible waiter in queue order; exclusive is a barrier', async () => {
  const locks = new KeyLocks();
  const [a, b, c] = ['a', 'b', 'c'].map((n) => KeyLocks.lockName(0, Buffer.from(n)));
  const held = locks.acquire([a, b], LockMode.Write, false);
  const granted: string[] = [];
  const track = (name: string, p: Promise<LockHold | null>): Promise<LockHold | null> => p.then((h) => { granted.push(name); return h; });
  const ra = track('ra', locks.wait([a], LockMode.Shared, false));
  const rb = track('rb', locks.wait([b], LockMode.Shared, false));
  const ex = track('ex', locks.wait([], LockMode.Write, true));
  // Behind the exclusive waiter, even a free key waits.
  assert.ok(locks.conflicts([c], LockMode.Shared, false));
  const wc = track('wc', locks.wait([c], LockMode.Write, false));
  locks.release(held);
  const [ha, hb] = await Promise.all([ra, rb]);
  await Promise.resolve();
  assert.equal(granted.sort(), ['ra', 'rb']);
  locks.release(ha as LockHold);
  locks.release(hb as LockHold);
  const hex = await ex;
  assert.ok(hex !== null && hex.exclusive);
  await Promise.resolve();
  assert.not.ok(granted.includes('wc'), 'waits for the exclusive holder');
  locks.release(hex as LockHold);
  locks.release((await wc) as LockHold);
  assert.ok(locks.idle);
});

test('KeyLocks: wakeWaiters lets every waiter check again, granting nothing', async () => {
  const locks = new KeyLocks();
  const k = KeyLocks.lockName(0, Buffer.from('k'));
  const held = locks.acquire([], LockMode.Write, true);
  const waiting = [locks.wait([k], LockMode.Write, false), locks.wait([], LockMode.Write, true)];
  locks.wakeWaiters();
  assert.equal(await Promise.all(waiting), [null, null]);
  assert.is(locks.waiterCount, 0);
  assert.not.ok(locks.conflicts([k], LockMode.Shared, false) === false, 'the holder still holds');
  locks.release(held);
  assert.ok(locks.idle);
});

test('DurabilityBarrier releases waiters in order, reports failures', async () => {
  const barrier = new DurabilityBarrier();
  const log: string[] = [];
  const waiter = (name: string): BarrierWaiter => ({ onDurable: (failed) => log.push(`${name}:${failed}`) });
  assert.not.ok(barrier.pending);
  let resolve1!: () => void;
  let reject2!: (e: Error) => void;
  barrier.track(new Promise<void>((r) => { resolve1 = r; }));
  barrier.wait(waiter('w1'));
  barrier.track(new Promise<void>((_, r) => { reject2 = r; }));
  barrier.wait(waiter('w2'));
  const failures: unknown[] = [];
  barrier.failureHandler = (e) => failures.push(e);
  assert.ok(barrier.pending);
  resolve1();
  await new Promise((r) => setImmediate(r));
  assert.equal(log, ['w1:false']);
  reject2(new Error('disk full'));
  await new Promise((r) => setImmediate(r));
  assert.equal(log, ['w1:false', 'w2:true']);
  assert.is(failures.length, 1);
  assert.not.ok(barrier.pending);
});

test('SlowLog trims arguments like Redis and keeps the newest entries', () => {
  const log = new SlowLog();
  const argv = Array.from({ length: 40 }, (_, i) => Buffer.from(i === 1 ? 'x'.repeat(200) : `a${i}`));
  log.add(argv, 12345.6, '127.0.0.1:1', 'n', 3);
  const [e] = log.get(-1);
  assert.is(e.argv.length, 32);
  assert.is(e.argv[1].toString(), 'x'.repeat(128) + '... (72 more bytes)');
  assert.is(e.argv[31].toString(), '... (9 more arguments)');
  assert.is(e.durationUsec, 12346);
  for (let i = 0; i < 5; i++) log.add([Buffer.from(`c${i}`)], 1, '', '', 3);
  assert.is(log.length, 3);
  assert.equal(log.get(2).map((x) => x.argv[0].toString()), ['c4', 'c3']);
});

test('COMMAND DOCS syntax: types are Redis argument types, groups and repeats parse', () => {
  const args = parseSyntax('key value [NX | XX]@condition [EX seconds:integer | KEEPTTL] (field value)@data ...');
  assert.equal(args.map((a) => [a.name, a.type]), [['key', 'key'], ['value', 'string'], ['condition', 'oneof'], ['seconds', 'oneof'], ['data', 'block']]);
  assert.ok(args[2].optional && args[4].multiple);
  assert.equal(args[3].arguments?.map((a) => [a.name, a.type, a.token]), [['seconds', 'integer', 'EX'], ['keepttl', 'pure-token', 'KEEPTTL']]);
});

test('CommandTable: case-insensitive byte lookup, subcommands, arity and key positions', () => {
  const table = new CommandTable();
  const noop = (): void => {};
  const mk = (name: string, arity: number, keys: [number, number, number], subcommands?: CommandSpec[]): CommandSpec =>
    ({ name, arity, flags: ['write'], firstKey: keys[0], lastKey: keys[1], step: keys[2], group: 'generic', summary: '', since: '1.0.0', handler: noop, subcommands });
  table.add(mk('mset', -3, [1, -1, 2]));
  table.add(mk('bitfield_ro', -2, [1, 1, 1]));
  table.add(mk('object', -2, [0, 0, 0], [mk('object|encoding', 3, [2, 2, 1])]));
  assert.is(table.lookup(Buffer.from('MsEt'))?.fullName, 'mset');
  assert.is(table.lookup(Buffer.from('BITFIELD_RO'))?.fullName, 'bitfield_ro');
  assert.is(table.lookup(Buffer.from('bitfield_r')), undefined);
  assert.is(table.lookup(Buffer.from('msetx')), undefined);
  const mset = table.lookupString('mset');
  assert.ok(mset?.arityOk(5) && !mset.arityOk(2));
  assert.equal(mset?.keyIndexes(['mset', 'a', '1', 'b', '2'].map((s) => Buffer.from(s))), [1, 3]);
  const enc = table.lookupString('object')?.subcommands?.lookup(Buffer.from('ENCODING'));
  assert.is(enc?.fullName, 'object|encoding');
  assert.is(enc?.arityError, "ERR wrong number of arguments for 'object|encoding' command");
  assert.throws(() => table.add(mk('MSET', 2, [1, 1, 1])), /registered twice/);
});

test.run();
