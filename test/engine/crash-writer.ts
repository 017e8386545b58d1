/**
 * Child process for the crash test: opens the engine with appendfsync always and writes batches
 * forever, each batch `id` holding keys `b<id>:<j>` whose values name the batch. After a batch's
 * promise resolves it prints `ack <id>`; the parent SIGKILLs it at a random moment.
 * Usage: node crash-writer.js DIR START_ID
 */
import { Db } from '../../src/engine/db.js';
import { EntryKind, type BatchOp } from '../../src/engine/types.js';

const [dir, startArg] = process.argv.slice(2);
const db = await Db.open({
  dir,
  fsync: 'always',
  memtableSize: 32 * 1024,
  blockSize: 1024,
  targetFileSize: 16 * 1024,
  levelBaseBytes: 64 * 1024,
  l0CompactionTrigger: 2,
});
let id = Number(startArg);
process.stdout.write('ready\n');
// Several writers in flight at once so group commit batches them, as it does under a real server.
for (let w = 0; w < 8; w++) {
  void (async () => {
    for (;;) {
      const batch = id++;
      const ops: BatchOp[] = [];
      const n = 1 + (batch % 5);
      for (let j = 0; j < n; j++) ops.push({ kind: EntryKind.Put, key: `b${batch}:${j}`, value: Buffer.from(`batch ${batch} of ${n} `.repeat(3)) });
      await db.write(ops);
      process.stdout.write(`ack ${batch}\n`);
    }
  })();
}
