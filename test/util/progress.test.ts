/**
 * Progress of long work: phases, percent and rate in snapshots, the log line at most once a
 * second (with the phase, percent, MiB and rate), and the registry forgetting finished work.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LongOperations, describeProgress } from '../../src/util/progress.js';

test('a phase reports bytes, percent (rounded down to a tenth), items and an ETA from its own rate', () => {
  const lines: string[] = [];
  const work = new LongOperations((line) => lines.push(line));
  const op = work.start('startup');
  op.phase('replaying the write-ahead log', 0, 'keys');
  const begun = op.snapshot();
  assert.is(begun.phase, 'replaying the write-ahead log');
  assert.is(begun.percent, 0);
  assert.is(begun.etaSeconds, null);
  // The size becomes known with the first report.
  op.advance(333, 10, 1000);
  const later = op.snapshot(begun.phaseStartedAt + 2000);
  assert.is(later.totalBytes, 1000);
  assert.is(later.doneBytes, 333);
  assert.is(later.percent, 33.3);
  assert.is(later.items, 10);
  assert.is(later.itemsPerSecond, 5);
  // 333 bytes in 2 s: the 667 left take about 4 s more.
  assert.is(later.etaSeconds, 5);
  assert.is(lines.length, 0, 'nothing logged within the first second');
  assert.equal(work.snapshots().map((s) => s.operation), ['startup']);
  assert.is(work.find('startup'), op);

  // A new phase starts from zero; the operation keeps its start.
  op.phase('opening the keyspace', 0);
  const next = op.snapshot();
  assert.is(next.doneBytes, 0);
  assert.is(next.startedAt, begun.startedAt);
  op.finish();
  op.finish();
  assert.equal(work.snapshots(), []);
  assert.is(work.find('startup'), undefined);
});

test('the log gets a line at most once a second while a phase advances', async () => {
  const lines: string[] = [];
  const work = new LongOperations((line) => lines.push(line));
  const op = work.start('compaction');
  op.phase('compacting 3 tables of L0 and L1 into L1', 4 * 1024 * 1024, 'entries');
  for (let i = 1; i <= 10; i++) op.advance(i * 1024, i);
  assert.is(lines.length, 0);
  await new Promise((resolve) => setTimeout(resolve, 1050));
  op.advance(2 * 1024 * 1024, 5000);
  op.advance(2 * 1024 * 1024 + 1, 5001);
  assert.is(lines.length, 1);
  assert.match(lines[0], /^Compacting 3 tables of L0 and L1 into L1: 50\.0% \(2\.0 of 4\.0 MiB\), [\d,]+ entries\/s, about \d+ s left$/);
  op.finish();
});

test('describeProgress: an unknown size shows the bytes alone, no rate without items, no ETA without one', () => {
  const base = { operation: 'startup', phase: 'restoring the checkpoint', doneBytes: 3 * 1024 * 1024, totalBytes: 0, percent: 0, items: 0, itemName: 'tables', itemsPerSecond: 0, etaSeconds: null, startedAt: 0, phaseStartedAt: 0 };
  assert.is(describeProgress(base), 'Restoring the checkpoint: 3.0 MiB');
  assert.is(describeProgress({ ...base, totalBytes: 6 * 1024 * 1024, percent: 50, items: 4, itemsPerSecond: 2, etaSeconds: 3 }), 'Restoring the checkpoint: 50.0% (3.0 of 6.0 MiB), 2 tables/s, about 3 s left');
});

test.run();
