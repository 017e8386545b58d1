/**
 * The list edits of src/types/list.ts against a model (a plain array), on a real keyspace over a
 * small engine so that lists spill into tables: pushes at both ends, LINSERT's shorter-side shift
 * and LREM's gap closing at random places, checking after each the whole list (a window read), a
 * point read at random indexes, and what the edit cost: the element puts it staged must be those
 * of the shorter side (insertAt) and of the cheapest split (planRemoval), never the whole list.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Db } from '../../src/engine/db.js';
import { Keyspace, keyspaceDbOptions, type KeyspaceBatch } from '../../src/keyspace/keyspace.js';
import { ValueType } from '../../src/keyspace/encoding.js';
import { openOrCreate, type Collection } from '../../src/types/collection.js';
import { End, insertAt, insertShiftsHead, planRemoval, push, readAt, readWindow, removeAt } from '../../src/types/list.js';
import { smallDbOptions, tempDirs } from '../support/engine-dirs.js';
import { mulberry32 } from '../support/prng.js';

const dirs = tempDirs('stratakv-list-');
test.after(() => dirs.removeAll());

async function open(): Promise<{ db: Db; ks: Keyspace }> {
  const db = await Db.open({ ...smallDbOptions(dirs.make()), ...keyspaceDbOptions() });
  return { db, ks: await Keyspace.open(db, { databases: 1 }) };
}

/** The list at `key` as a command opens it for a write (waiting for the disk when needed); created when absent. */
async function load(ks: Keyspace, key: string): Promise<Collection> {
  for (;;) {
    const c = openOrCreate(ks, 0, key, ValueType.List);
    if (c instanceof Promise) {
      await c;
      continue;
    }
    if (typeof c === 'symbol') throw new Error(`${key} is not a list`);
    return c;
  }
}

/** Counts the element puts and deletes a batch gets (it is committed as is). */
function counted(batch: KeyspaceBatch): { batch: KeyspaceBatch; puts: () => number; deletes: () => number } {
  let puts = 0;
  let deletes = 0;
  const putMember = batch.putMember.bind(batch);
  const deleteMember = batch.deleteMember.bind(batch);
  batch.putMember = (key, value) => {
    puts++;
    return putMember(key, value);
  };
  batch.deleteMember = (key) => {
    deletes++;
    return deleteMember(key);
  };
  return { batch, puts: () => puts, deletes: () => deletes };
}

async function readAll(list: Collection): Promise<string[]> {
  return (await readWindow(list, 0, list.meta.count)).map((b) => b.toString('latin1'));
}

async function pointRead(list: Collection, index: number): Promise<string | null> {
  for (;;) {
    const values = readAt(list, [index]);
    if (values instanceof Promise) {
      await values;
      continue;
    }
    return values[0] === null ? null : values[0].toString('latin1');
  }
}

test('pushes, inserts and removals at random places agree with a model and move only the shorter side', async () => {
  const { db, ks } = await open();
  try {
    const random = mulberry32(99);
    const int = (n: number): number => Math.floor(random() * n);
    const model: string[] = [];
    let serial = 0;
    for (let step = 0; step < 400; step++) {
      let list = await load(ks, 'l');
      const roll = random();
      if (roll < 0.35 || model.length < 4) {
        const { batch } = counted(ks.batch());
        const end = random() < 0.5 ? End.Head : End.Tail;
        for (let i = 1 + int(30); i > 0; i--) {
          const value = `v${serial++}`;
          push(list, batch, end, Buffer.from(value));
          if (end === End.Head) model.unshift(value);
          else model.push(value);
        }
        await list.commit(batch);
      } else if (roll < 0.7) {
        const n = model.length;
        const at = int(n + 1);
        const shiftsHead = insertShiftsHead(n, at);
        const moved = shiftsHead ? await readWindow(list, 0, at) : await readWindow(list, at, n);
        list = await load(ks, 'l');
        const c = counted(ks.batch());
        const value = `i${serial++}`;
        insertAt(list, c.batch, at, Buffer.from(value), moved);
        await list.commit(c.batch);
        model.splice(at, 0, value);
        assert.is(c.puts(), Math.min(at, n - at) + 1, `insert at ${at} of ${n} writes the shorter side and the element`);
        assert.is(c.deletes(), 0);
      } else {
        const n = model.length;
        const removed = [...new Set(Array.from({ length: 1 + int(Math.min(6, n)) }, () => int(n)))].sort((a, b) => a - b);
        const plan = planRemoval(n, removed);
        const front = await readWindow(list, 0, plan.before);
        const back = await readWindow(list, plan.after, n);
        list = await load(ks, 'l');
        const c = counted(ks.batch());
        removeAt(list, c.batch, removed, plan, front, back);
        await list.commit(c.batch);
        // The cheapest split, computed by brute force over the model.
        const k = removed.length;
        let best = Infinity;
        for (let split = 0; split <= k; split++) {
          const keptBefore = split === 0 ? 0 : removed[split - 1] - (split - 1);
          const keptAfter = split === k ? 0 : n - 1 - removed[split] - (k - split - 1);
          best = Math.min(best, keptBefore + keptAfter);
        }
        assert.is(c.puts(), best, `removal of ${removed.join(',')} from ${n}: the cheapest split's moves`);
        assert.is(c.deletes(), k, 'one freed end position per removal');
        for (let i = removed.length - 1; i >= 0; i--) model.splice(removed[i], 1);
      }
      list = await load(ks, 'l');
      assert.is(list.meta.count, model.length);
      assert.is(list.meta.tail - list.meta.head, model.length);
      if (step % 20 === 0 || step === 399) assert.equal(await readAll(list), model, `step ${step}`);
      if (model.length > 0) {
        const at = int(model.length);
        assert.is(await pointRead(list, at), model[at], `index ${at} at step ${step}`);
      }
    }
    // Popped or moved positions hold nothing: a read just outside either end finds no element.
    const list = await load(ks, 'l');
    assert.is(await pointRead(list, -1), null);
    assert.is(await pointRead(list, model.length), null);
  } finally {
    await ks.close();
    await db.close();
  }
});

test('planRemoval: removals at the ends move nothing, one in the middle moves the nearer half', () => {
  assert.equal(planRemoval(10, [0, 1]), { split: 2, before: 1, after: 10 });
  assert.equal(planRemoval(10, [8, 9]), { split: 0, before: 0, after: 9 });
  const middle = planRemoval(10, [3]);
  assert.is(middle.split, 1, 'index 3 of 10: the 3 before it move');
  const both = planRemoval(100, [0, 99]);
  assert.equal([both.split, both.before, both.after], [1, 0, 100], 'one removal at each end: nothing moves');
});

test.run();
