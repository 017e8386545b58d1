/**
 * DbOptions.onEvent: the engine reports its timed events (what the server's LATENCY shows) from
 * where they happen: every WAL fsync, each flush and compaction, and a write stall when the writers
 * it held are let go; stats() accounts the stall time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../src/engine/db.js';
import type { EngineEvent } from '../../src/engine/options.js';
import { EntryKind } from '../../src/engine/types.js';

function recorder(): { events: Array<[EngineEvent, number]>; onEvent: (event: EngineEvent, ms: number) => void } {
  const events: Array<[EngineEvent, number]> = [];
  return { events, onEvent: (event, ms) => events.push([event, ms]) };
}

function put(key: string, value: string): { kind: EntryKind.Put; key: string; value: Buffer } {
  return { kind: EntryKind.Put, key, value: Buffer.from(value) };
}

test('appendfsync always: one fsync event per synced group, with its duration', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-events-'));
  const { events, onEvent } = recorder();
  const db = await Db.open({ dir, fsync: 'always', onEvent });
  for (let i = 0; i < 3; i++) await db.write([put(`k${i}`, 'v')]);
  const fsyncs = events.filter(([e]) => e === 'fsync');
  assert.ok(fsyncs.length >= 3, JSON.stringify(events));
  assert.ok(fsyncs.every(([, ms]) => ms >= 0 && Number.isFinite(ms)));
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('flush, compaction, and a write stall released once compaction makes room', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-events-'));
  const { events, onEvent } = recorder();
  // One L0 table is already a stop: the write after a flush waits for its compaction.
  const db = await Db.open({ dir, fsync: 'no', onEvent, l0CompactionTrigger: 1, l0SlowdownTrigger: 1, l0StopTrigger: 1 });
  for (let i = 0; i < 1000; i++) await db.write([put(`key${String(i).padStart(4, '0')}`, 'value')]);
  await db.flush();
  const wait = db.writeDelay();
  assert.instance(wait, Promise, 'stopped: L0 is at the stop trigger');
  await wait;
  const names = events.map(([e]) => e);
  assert.ok(names.includes('flush'), JSON.stringify(events));
  assert.ok(names.includes('compaction'), JSON.stringify(events));
  const stall = events.find(([e]) => e === 'write-stall');
  assert.ok(stall !== undefined && stall[1] >= 0, JSON.stringify(events));
  const stats = db.stats();
  assert.is(stats.stalls, 1);
  assert.ok(stats.stallMs >= (stall as [EngineEvent, number])[1] - 1e-9);
  assert.is(stats.compactionPendingBytes, 0, 'L0 compacted, L1 far under its target');
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.run();
