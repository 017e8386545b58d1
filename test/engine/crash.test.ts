/**
 * Crash test: a child writes with appendfsync always and is SIGKILLed at random moments (flushes
 * and compactions are frequent thanks to tiny sizes). After each kill the engine must reopen, hold
 * every acknowledged batch, and hold every batch either whole or not at all.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Db } from '../../src/engine/db.js';
import { Random, seedFromEnv } from './random.js';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.js');
const KILLS = Number(process.env.CRASH_KILLS ?? 20);

/** Runs the writer until a random moment, kills it, returns the acknowledged batch ids. */
function runAndKill(dir: string, startId: number, lifetimeMs: number): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, String(startId)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Set<number>();
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), lifetimeMs);
        else if (line.startsWith('ack ')) acked.add(Number(line.slice(4)));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: code ${code}`));
      else resolve(acked);
    });
  });
}

test(`acknowledged writes survive ${KILLS} SIGKILLs, no batch half-applied`, async () => {
  const seed = seedFromEnv();
  const rnd = new Random(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratakv-crash-'));
  const allAcked = new Set<number>();
  let nextId = 0;
  try {
    for (let round = 0; round < KILLS; round++) {
      const acked = await runAndKill(dir, nextId, 50 + rnd.int(400));
      for (const id of acked) allAcked.add(id);
      const db = await Db.open({ dir, fsync: 'no', memtableSize: 32 * 1024, autoCompaction: false });
      const it = db.iterator();
      const seen = new Map<number, number>();
      let maxId = nextId;
      for (let e = await it.next(); e !== undefined; e = await it.next()) {
        const [b, j] = e.key.slice(1).split(':').map(Number);
        assert.ok(e.value.toString().startsWith(`batch ${b} of `), `value of ${e.key} names its batch`);
        seen.set(b, (seen.get(b) ?? 0) + 1);
        if (b + 1 > maxId) maxId = b + 1;
        assert.ok(j < 1 + (b % 5));
      }
      await db.close();
      for (const [b, count] of seen) assert.is(count, 1 + (b % 5), `seed ${seed} round ${round}: batch ${b} is whole`);
      for (const id of allAcked) assert.ok(seen.has(id), `seed ${seed} round ${round}: acknowledged batch ${id} is present`);
      nextId = maxId + 1000;
    }
    assert.ok(allAcked.size > KILLS, 'the writer made progress');
    assert.ok(fs.readdirSync(dir).some((n) => n.endsWith('.sst')), 'flushes happened between kills');
  } catch (err) {
    console.error(`crash test failed with SEED=${seed}`);
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
