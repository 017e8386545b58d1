/** A flush puts the blocks it writes into the block cache, so fresh data is read without disk I/O. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import { EntryKind } from '../../src/engine/types.js';

test('flushed blocks are served from the cache, synchronously', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-cache-'));
  const db = await Db.open({ dir, autoCompaction: false });
  for (let i = 0; i < 5000; i++) await db.write([{ kind: EntryKind.Put, key: `key${String(i).padStart(5, '0')}`, value: Buffer.from(`value${i}`) }]);
  await db.flush();
  assert.is(db.stats().levels[0].files, 1);
  const missesBefore = db.stats().blockCacheMisses;
  for (let i = 0; i < 5000; i += 97) {
    const value = db.get(`key${String(i).padStart(5, '0')}`);
    assert.not.instance(value, Promise, 'answered without a disk read');
    assert.is((value as Buffer).toString(), `value${i}`);
  }
  assert.is(db.stats().blockCacheMisses, missesBefore);
  await db.close();
  // A fresh process has a cold cache: the same reads now go to the file (and still find the data),
  // through the thread pool when asked to...
  const reopened = await Db.open({ dir, blockReads: 'async' });
  const cold = reopened.get('key00097');
  assert.instance(cold, Promise);
  assert.is((await cold)?.toString(), 'value97');
  assert.is(reopened.stats().syncBlockReads, 0);
  await reopened.close();
  // ...and by default synchronously, since the page cache (just written) answers at once.
  const adaptive = await Db.open({ dir });
  const hot = adaptive.get('key00194');
  assert.not.instance(hot, Promise);
  assert.is((hot as Buffer).toString(), 'value194');
  assert.is(adaptive.stats().syncBlockReads, 1);
  await adaptive.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
