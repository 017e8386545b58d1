/**
 * Real Lua-heavy clients against StrataKV, unmodified, through ioredis:
 * - BullMQ (its Lua scripts use cmsgpack, cjson, EVALSHA with many keys, blocking commands and
 *   streams for events): a queue, a worker processing jobs, completion events, a delayed job, a
 *   repeatable job (job scheduler), retries with backoff after a failing attempt and a job that
 *   fails for good;
 * - Redlock (@sesamecare-oss/redlock): two clients contending for the same resources, acquire,
 *   extend, release.
 * Intervals are short (100-300 ms) so the file stays within a few seconds; nothing asserts a
 * duration, only the order and data BullMQ records (processedOn >= timestamp + delay).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Queue, QueueEvents, Worker, Job } from 'bullmq';
import { Redis } from 'ioredis';
import { ExecutionError, Lock, Redlock } from '@sesamecare-oss/redlock';
import { startServer, type TestServer } from './helpers.js';

let srv: TestServer;

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  await srv?.stop();
});

// BullMQ wants maxRetriesPerRequest null on its blocking connections.
const connection = (): { host: string; port: number; maxRetriesPerRequest: null } => ({ host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null });

interface Closable {
  close(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
/** Every 'error' BullMQ reports (a refused script, a reply it cannot parse): must stay empty. */
let errors: string[] = [];
function watch<T extends Closable>(item: T): T {
  item.on('error', (err: Error) => errors.push(err.message));
  return item;
}
async function closeAll(...items: Closable[]): Promise<void> {
  await Promise.all(items.map((c) => c.close()));
  assert.equal(errors, []);
  errors = [];
}

/** Resolves when `n` completed events have come from `events`, with their payloads. */
function completions(events: QueueEvents, n: number): Promise<Array<{ jobId: string; returnvalue: unknown }>> {
  return new Promise((resolve) => {
    const seen: Array<{ jobId: string; returnvalue: unknown }> = [];
    const listener = (payload: { jobId: string; returnvalue: unknown }): void => {
      seen.push(payload);
      if (seen.length === n) {
        events.off('completed', listener);
        resolve(seen);
      }
    };
    events.on('completed', listener);
  });
}

test('BullMQ: a worker processes added jobs; completed events carry the return values', async () => {
  const queue = watch(new Queue('basic', { connection: connection() }));
  const events = watch(new QueueEvents('basic', { connection: connection() }));
  await events.waitUntilReady();
  const done = completions(events, 5);
  const worker = watch(new Worker('basic', async (job: Job<{ n: number }>) => ({ doubled: job.data.n * 2 }), { connection: connection(), concurrency: 2 }));
  try {
    const added = await queue.addBulk([1, 2, 3, 4, 5].map((n) => ({ name: 'double', data: { n } })));
    assert.is(new Set(added.map((j) => j.id)).size, 5);
    const completed = await done;
    const byId = new Map(completed.map((c) => [c.jobId, c.returnvalue]));
    for (const job of added) {
      const value: unknown = byId.get(job.id as string);
      const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
      assert.equal(parsed, { doubled: job.data.n * 2 });
      const stored = await Job.fromId(queue, job.id as string);
      assert.ok(stored);
      assert.is(await stored.getState(), 'completed');
      assert.equal(stored.returnvalue, { doubled: job.data.n * 2 });
      assert.ok((stored.finishedOn ?? 0) >= (stored.processedOn ?? Infinity));
    }
    const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'failed');
    assert.equal(counts, { completed: 5, waiting: 0, active: 0, failed: 0 });
  } finally {
    await closeAll(worker, events, queue);
  }
});

test('BullMQ: a delayed job waits in the delayed set and runs after its delay', async () => {
  const queue = watch(new Queue('delayed', { connection: connection() }));
  const events = watch(new QueueEvents('delayed', { connection: connection() }));
  await events.waitUntilReady();
  const done = completions(events, 1);
  const worker = watch(new Worker('delayed', async (job: Job<{ at: string }>) => job.data.at, { connection: connection() }));
  try {
    const job = await queue.add('later', { at: 'later' }, { delay: 300 });
    assert.is(await job.getState(), 'delayed');
    assert.is((await queue.getDelayedCount()), 1);
    const [event] = await done;
    assert.is(event.jobId, job.id);
    const stored = await Job.fromId(queue, job.id as string);
    assert.ok(stored);
    assert.ok((stored.processedOn as number) >= stored.timestamp + 300, `processed at ${stored.processedOn}, added at ${stored.timestamp}`);
    assert.is(stored.returnvalue, 'later');
  } finally {
    await closeAll(worker, events, queue);
  }
});

test('BullMQ: a repeatable job (job scheduler) runs again and again until removed', async () => {
  const queue = watch(new Queue('repeat', { connection: connection() }));
  const seen: Job[] = [];
  let resolveTwo: () => void = () => undefined;
  const two = new Promise<void>((resolve) => {
    resolveTwo = resolve;
  });
  const worker = watch(new Worker('repeat', async (job: Job) => {
    seen.push(job);
    if (seen.length === 2) resolveTwo();
    return seen.length;
  }, { connection: connection() }));
  try {
    await queue.upsertJobScheduler('tick-every-150', { every: 150 }, { name: 'tick', data: { kind: 'tick' } });
    const schedulers = await queue.getJobSchedulers();
    assert.is(schedulers.length, 1);
    assert.is(schedulers[0].key, 'tick-every-150');
    await two;
    assert.ok(await queue.removeJobScheduler('tick-every-150'));
    assert.is(await queue.getJobSchedulersCount(), 0);
    assert.is(seen[0].name, 'tick');
    assert.equal(seen[1].data, { kind: 'tick' });
    assert.is.not(seen[0].id, seen[1].id);
    assert.ok(seen[1].timestamp > seen[0].timestamp);
  } finally {
    await closeAll(worker, queue);
  }
});

test('BullMQ: a failing attempt is retried after its backoff; a job out of attempts fails', async () => {
  const queue = watch(new Queue('retry', { connection: connection() }));
  const events = watch(new QueueEvents('retry', { connection: connection() }));
  await events.waitUntilReady();
  const attempts = new Map<string, number>();
  const worker = watch(new Worker('retry', async (job: Job<{ fail: 'once' | 'always' }>) => {
    const n = (attempts.get(job.id as string) ?? 0) + 1;
    attempts.set(job.id as string, n);
    if (job.data.fail === 'always' || n === 1) throw new Error(`boom ${n}`);
    return 'ok';
  }, { connection: connection() }));
  const completed = completions(events, 1);
  const failedForGood = new Promise<{ jobId: string; failedReason: string }>((resolve) => {
    worker.on('failed', (job, err) => {
      if (job !== undefined && job.data.fail === 'always' && job.attemptsMade === 2) resolve({ jobId: job.id as string, failedReason: err.message });
    });
  });
  try {
    const once = await queue.add('flaky', { fail: 'once' }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const always = await queue.add('broken', { fail: 'always' }, { attempts: 2, backoff: { type: 'exponential', delay: 50 } });
    const [event] = await completed;
    assert.is(event.jobId, once.id);
    const stored = await Job.fromId(queue, once.id as string);
    assert.ok(stored);
    assert.is(stored.attemptsMade, 2);
    assert.is(stored.returnvalue, 'ok');
    assert.is(stored.stacktrace?.length, 1);
    const failed = await failedForGood;
    assert.is(failed.jobId, always.id);
    assert.is(failed.failedReason, 'boom 2');
    const gone = await Job.fromId(queue, always.id as string);
    assert.ok(gone);
    assert.is(await gone.getState(), 'failed');
    assert.is(gone.failedReason, 'boom 2');
    assert.is(attempts.get(always.id as string), 2);
    assert.is(await queue.getFailedCount(), 1);
  } finally {
    await closeAll(worker, events, queue);
  }
});

test('Redlock: two clients contend for a lock; acquire, extend and release hold', async () => {
  const a = new Redis({ host: '127.0.0.1', port: srv.port });
  const b = new Redis({ host: '127.0.0.1', port: srv.port });
  const lockA = new Redlock([a], { retryCount: 0 });
  const lockB = new Redlock([b], { retryCount: 0 });
  try {
    const held = await lockA.acquire(['res:1', 'res:2'], 2000);
    assert.is(await a.get('res:1'), held.value);
    assert.is(await a.get('res:2'), held.value);
    // B cannot take either resource while A holds it.
    try {
      await lockB.acquire(['res:2'], 2000);
      assert.unreachable('B acquired a held lock');
    } catch (err) {
      assert.instance(err, ExecutionError);
    }
    const extended = await held.extend(5000);
    assert.ok((await a.pttl('res:1')) > 2000);
    assert.ok(extended.expiration > held.expiration);
    // A release by B with a value that is not A's (the release script compares it) frees nothing.
    const forged = new Lock(lockB, ['res:1'], 'not-the-holder', [], Date.now() + 1000);
    try {
      await lockB.release(forged);
      assert.unreachable('a release with the wrong value succeeded');
    } catch (err) {
      assert.instance(err, ExecutionError);
    }
    assert.is(await b.get('res:1'), held.value);
    await extended.release();
    assert.is(await a.exists('res:1', 'res:2'), 0);
    // Now B gets it, with retries while A takes it back concurrently: exactly one wins at a time.
    const contenders = new Redlock([b], { retryCount: 20, retryDelay: 20, retryJitter: 10 });
    const winner = await contenders.acquire(['res:1'], 2000);
    try {
      await lockA.acquire(['res:1'], 2000);
      assert.unreachable('A acquired a lock B holds');
    } catch (err) {
      assert.instance(err, ExecutionError);
    }
    await winner.release();
    const again = await lockA.acquire(['res:1'], 2000);
    await again.release();
  } finally {
    a.disconnect();
    b.disconnect();
  }
});

test.run();
