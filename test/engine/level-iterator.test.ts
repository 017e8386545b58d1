/**
 * LevelIterator: one level's disjoint tables walked as one, both ways, opening a table only when
 * the walk reaches it. And the whole read stack below the Db: a merge of a memtable, tables and a
 * level, walked both ways with direction changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LevelIterator } from '../../src/engine/db-iterator.js';
import { MergingIterator } from '../../src/engine/iterator/merging-iterator.js';
import { Memtable } from '../../src/engine/memtable/memtable.js';
import { BlockCache } from '../../src/engine/cache/block-cache.js';
import { NodeEnv } from '../../src/engine/env/node-env.js';
import type { FileMeta } from '../../src/engine/manifest/version-edit.js';
import { TableBuilder } from '../../src/engine/sstable/table-builder.js';
import { TableReader } from '../../src/engine/sstable/table-reader.js';
import { compareInternal, EntryKind } from '../../src/engine/types.js';
import { mulberry32 } from '../support/prng.js';
import { drainBackward, entryAt, lastBefore, randomWalk, settle, type ModelEntry } from '../iterator/walk.js';

const SEED = Number(process.env.TEST_SEED ?? 0x1e7e1);
const env = new NodeEnv();

function randomKey(random: () => number): string {
  const n = Math.floor(random() * 3000);
  return (n % 5 === 0 ? '\x00' : n % 7 === 0 ? '\xff' : 'k') + String(n).padStart(5, '0');
}

/** Sorted entries, several versions for some keys, tombstones included. */
function makeModel(random: () => number, count: number): ModelEntry[] {
  const model: ModelEntry[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const kind = random() < 0.2 ? EntryKind.Delete : EntryKind.Put;
    model.push({ key: randomKey(random), seq, kind, value: kind === EntryKind.Put ? `v${seq}`.repeat(1 + Math.floor(random() * 4)) : '' });
  }
  return model.sort((a, b) => compareInternal(a.key, a.seq, b.key, b.seq));
}

/** Splits the model into `tables` tables at user-key boundaries, as compaction outputs are. */
async function buildLevel(dir: string, model: ModelEntry[], tables: number, firstFileNumber = 1): Promise<FileMeta[]> {
  const files: FileMeta[] = [];
  let start = 0;
  for (let t = 0; t < tables && start < model.length; t++) {
    let end = t === tables - 1 ? model.length : Math.min(model.length, Math.floor(((t + 1) * model.length) / tables));
    while (end < model.length && end > 0 && model[end].key === model[end - 1].key) end++;
    if (end <= start) continue;
    const builder = await TableBuilder.create(env, dir, firstFileNumber + t, { blockSize: 256 });
    for (const e of model.slice(start, end)) {
      const wait = builder.add(e.key, e.seq, e.kind, Buffer.from(e.value, 'latin1'));
      if (wait !== undefined) await wait;
    }
    files.push(await builder.finish());
    start = end;
  }
  return files;
}

interface Level {
  dir: string;
  model: ModelEntry[];
  files: FileMeta[];
}

async function withLevel(seed: number, tables: number, body: (level: Level) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-level-'));
  try {
    const model = makeModel(mulberry32(seed), 6000);
    const files = await buildLevel(dir, model, tables);
    await body({ dir, model, files });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens tables as Db.table does, counting opens; `cache` null makes every block read asynchronous. */
function opener(dir: string, cache: BlockCache | null): { open: (f: FileMeta) => TableReader; opened: number[]; close: () => void } {
  const readers = new Map<number, TableReader>();
  const opened: number[] = [];
  return {
    opened,
    open: (f) => {
      opened.push(f.fileNumber);
      let reader = readers.get(f.fileNumber);
      if (reader === undefined) readers.set(f.fileNumber, (reader = TableReader.open(env, dir, f.fileNumber, cache)));
      return reader;
    },
    close: () => {
      for (const reader of readers.values()) reader.close();
    },
  };
}

test('backwards over every table: the model reversed, each table entered once', async () => {
  await withLevel(SEED, 6, async ({ dir, model, files }) => {
    assert.is(files.length, 6);
    const tables = opener(dir, null);
    const it = new LevelIterator(files, tables.open);
    const first = it.seekToLast();
    assert.instance(first, Promise, 'an uncached block is read asynchronously');
    await first;
    tables.opened.length = 0;
    const out = await drainBackward(it);
    assert.equal(out, model.slice().reverse(), `TEST_SEED=${SEED}`);
    assert.equal(tables.opened, [6, 5, 4, 3, 2, 1]);
    tables.close();
  });
});

test('seekBefore picks the table holding the last key below the target, at table edges too', async () => {
  await withLevel(SEED + 1, 5, async ({ dir, model, files }) => {
    const tables = opener(dir, new BlockCache(16 << 20));
    const it = new LevelIterator(files, tables.open);
    const targets: string[] = [];
    for (const f of files) targets.push(f.smallest, f.largest, `${f.largest}\0`, f.smallest.slice(0, -1));
    targets.push('', '\xff\xff\xff');
    for (const target of targets) {
      tables.opened.length = 0;
      await settle(it.seekBefore(target));
      const index = lastBefore(model, target);
      if (index < 0) {
        assert.not.ok(it.valid, `before ${JSON.stringify(target)}`);
        continue;
      }
      assert.equal(entryAt(it), model[index], `before ${JSON.stringify(target)}`);
      assert.is(tables.opened.length, 1, `one table opened for ${JSON.stringify(target)}`);
      // Walking on back crosses into the previous table.
      for (let i = index - 1; i >= Math.max(0, index - 30); i--) {
        await settle(it.prev());
        assert.equal(entryAt(it), model[i], `prev from ${JSON.stringify(target)}`);
      }
    }
    tables.close();
  });
});

test('random walks with direction changes across tables, cached and uncached', async () => {
  for (const cached of [true, false]) {
    await withLevel(SEED + 2, 7, async ({ dir, model, files }) => {
      const tables = opener(dir, cached ? new BlockCache(16 << 20) : null);
      const random = mulberry32(SEED + 3);
      await randomWalk(new LevelIterator(files, tables.open), model, random, {
        steps: 2500,
        randomKey: () => randomKey(random),
        context: `cached=${cached} TEST_SEED=${SEED}`,
      });
      tables.close();
    });
  }
});

test('merging a memtable, two tables and a level: walks both ways with duplicate keys across sources', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-level-'));
  try {
    const random = mulberry32(SEED + 4);
    const model = makeModel(random, 5000);
    // Every entry goes to one source at random, so a key's versions are spread over several.
    const parts: ModelEntry[][] = [[], [], [], []];
    for (const e of model) parts[Math.floor(random() * parts.length)].push(e);
    const memtable = new Memtable();
    for (const e of parts[0]) memtable.add(e.key, e.seq, e.kind, Buffer.from(e.value, 'latin1'));
    const [tableA] = await buildLevel(dir, parts[1], 1, 100);
    const [tableB] = await buildLevel(dir, parts[2], 1, 200);
    const levelFiles = await buildLevel(dir, parts[3], 4, 300);
    // Uncached: every block read is asynchronous, in the middle of direction switches too.
    const tables = opener(dir, null);
    const merged = new MergingIterator([
      memtable.iterator(),
      tables.open(tableA).iterator(),
      tables.open(tableB).iterator(),
      new LevelIterator(levelFiles, tables.open),
    ]);
    assert.equal(await drainBackward(merged), model.slice().reverse(), `TEST_SEED=${SEED}`);
    await randomWalk(merged, model, random, { steps: 2500, randomKey: () => randomKey(random), context: `merged TEST_SEED=${SEED}` });
    tables.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty level is never valid', async () => {
  const it = new LevelIterator([], () => {
    throw new Error('no table to open');
  });
  await settle(it.seekToLast());
  assert.not.ok(it.valid);
  await settle(it.seekBefore('k'));
  assert.not.ok(it.valid);
  await settle(it.seek('k'));
  assert.not.ok(it.valid);
});

test.run();
