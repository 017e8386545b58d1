/**
 * The blocked-client registry on its own (src/blocking/registry.ts) and the timeout parser of the
 * blocking pops: wake-ups in blocking order, one waiter per write, the keyspace listener present
 * only while someone is blocked, timeouts, CLIENT UNBLOCK, cancellation, and Redis' timeout rules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BlockingRegistry, type Block, type BlockEvent } from '../../src/blocking/registry.js';
import type { KeyWriteListener } from '../../src/keyspace/keyspace.js';
import { parseTimeout } from '../../src/commands/blocking.js';

class Source {
  readyListener: KeyWriteListener | null = null;
}

let nextId = 1;
function client(db = 0): { id: number; db: number } {
  return { id: nextId++, db };
}

/** Events a block receives, in order, until `count` arrived or the microtasks and timers of `ms` ran. */
async function events(block: Block, ms: number): Promise<BlockEvent[]> {
  const got: BlockEvent[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const next = await Promise.race([block.next(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (next === null) break;
    got.push(next);
    if (next !== 'ready') break;
  }
  return got;
}

test('the keyspace listener is installed while someone is blocked, and only then', () => {
  const source = new Source();
  const reg = new BlockingRegistry(source);
  const a = client();
  assert.is(source.readyListener, null);
  reg.block(a, ['k'], 0);
  assert.is(source.readyListener, reg);
  assert.is(reg.size, 1);
  reg.release(a);
  assert.is(source.readyListener, null);
  assert.is(reg.size, 0);
});

test('a write wakes the first waiter of its key only; the next one when written again', async () => {
  const reg = new BlockingRegistry(new Source());
  const [a, b, c] = [client(), client(), client()];
  reg.block(a, ['k', 'other'], 0);
  reg.block(b, ['k'], 0);
  reg.block(c, ['k'], 0);
  const blocks = [a, b, c].map((x) => reg.blockOf(x)!);
  const waits = blocks.map((bl) => bl.next());
  let woken: number[] = [];
  waits.forEach((w, i) => void w.then(() => woken.push(i)));
  reg.keyWritten(0, 'k');
  reg.keyWritten(0, 'k'); // one round: still only the first
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(woken, [0]);
  // a was served: it leaves, and its pop's write wakes the next.
  reg.release(a);
  reg.keyWritten(0, 'k');
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(woken, [0, 1]);
  // Another database's key of the same name wakes nobody.
  woken = [];
  reg.keyWritten(1, 'k');
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(woken, []);
});

test('a waiter already retrying is skipped: the next write wakes the one behind it', async () => {
  const reg = new BlockingRegistry(new Source());
  const [a, b] = [client(), client()];
  reg.block(a, ['q'], 0);
  reg.block(b, ['q'], 0);
  const wa = reg.blockOf(a)!.next();
  const wb = reg.blockOf(b)!.next();
  reg.keyWritten(0, 'q');
  assert.is(await wa, 'ready');
  // a is retrying (it has not asked for its next event): a second write goes to b.
  reg.keyWritten(0, 'q');
  assert.is(await wb, 'ready');
});

test('timeouts, CLIENT UNBLOCK and cancellation end a wait; a cancelled client never blocks again', async () => {
  const reg = new BlockingRegistry(new Source());
  const [a, b, c] = [client(), client(), client()];
  reg.block(a, ['t'], Date.now() + 20);
  reg.block(b, ['t'], 0);
  assert.is(reg.withTimeout, 1);
  assert.equal(await events(reg.blockOf(a)!, 500), ['timeout']);
  assert.is(reg.unblock(b.id, 'error'), true);
  assert.equal(await events(reg.blockOf(b)!, 50), ['error']);
  assert.is(reg.unblock(c.id, 'timeout'), false, 'not blocked');
  reg.block(c, ['t'], 0);
  const block = reg.blockOf(c)!;
  reg.cancel(c);
  assert.is(reg.isBlocked(c), false);
  assert.equal(await events(block, 50), ['cancelled']);
  assert.is(reg.mayBlock(c), false);
  assert.is(reg.isGone(c), true);
});

test('inside a transaction a client may not block', () => {
  const reg = new BlockingRegistry(new Source());
  const a = client();
  reg.enterTransaction(a);
  assert.is(reg.mayBlock(a), false);
  reg.leaveTransaction(a);
  assert.is(reg.mayBlock(a), true);
});

test('SWAPDB makes every waited key of the database ready', async () => {
  const reg = new BlockingRegistry(new Source());
  const [a, b] = [client(2), client(3)];
  reg.block(a, ['x'], 0);
  reg.block(b, ['y'], 0);
  const wa = events(reg.blockOf(a)!, 30);
  const wb = events(reg.blockOf(b)!, 30);
  reg.databaseReplaced(2);
  assert.equal(await wa, ['ready']);
  assert.equal(await wb, []);
});

test("timeouts as Redis 7.0 reads them: seconds as a long double, rounded up to ms, errors", () => {
  const t = (s: string): number | string => parseTimeout(Buffer.from(s, 'latin1'));
  assert.is(t('0'), 0);
  assert.is(t('1'), 1000);
  assert.is(t('0.1'), 100);
  assert.is(t('0.0001'), 1, 'rounded up');
  assert.is(t('1e-400'), 1, 'below a double, above zero');
  assert.is(t('-0.0001'), 0, 'rounds up to zero: for ever');
  assert.is(t('0x10'), 16000);
  assert.is(t('1.5e1'), 15000);
  assert.is(t('-1'), 'ERR timeout is negative');
  assert.is(t('inf'), 'ERR timeout is negative', '(long long) of an infinity is LLONG_MIN');
  assert.is(t('1e400'), 'ERR timeout is negative');
  assert.is(t('9223372036854775807'), 'ERR timeout is negative');
  for (const bad of ['', 'abc', ' 1', '1 ', 'nan', '1,5', '0x']) assert.is(t(bad), 'ERR timeout is not a float or out of range', JSON.stringify(bad));
});

test.run();
