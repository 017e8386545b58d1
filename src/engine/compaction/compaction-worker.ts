/**
 * Entry point of the compaction worker thread. The main thread (CompactionRunner) posts
 * `{ id, plan }`; the worker answers `{ id, result }` or `{ id, error }`. All merging and table
 * writing happens here, so the event loop serving clients never does it.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { NodeEnv } from '../env/node-env.js';
import { FaultInjectingEnv } from '../env/fault-env.js';
import { runCompaction, type CompactionPlan, type CompactionResult } from './compaction-job.js';
import { ReaderPool } from './table-view.js';

/** What the runner passes when it starts the worker. */
export interface CompactionWorkerData {
  /** Nice value for this thread (0 = leave as is). */
  nice: number;
}

export interface CompactionRequest {
  id: number;
  plan: CompactionPlan;
}

/** An Error flattened for postMessage; the runner turns it back into an Error. */
export interface SerializedError {
  message: string;
  name: string;
  stack?: string;
}

/** The job's end (result or error), or news of how far it is (any number of times before that). */
export type CompactionResponse =
  | { id: number; result: CompactionResult }
  | { id: number; error: SerializedError }
  | { id: number; progress: { entriesMerged: number; entriesTotal: number } };

const port = parentPort;
if (port === null) throw new Error('compaction-worker.js must be started as a worker thread');

const env = new NodeEnv();
/** The compaction filter's lookup readers, kept open from one job to the next. */
const lookupReaders = new ReaderPool(env);
lowerThreadPriority((workerData as CompactionWorkerData | undefined)?.nice ?? 0);

/**
 * Lowers the scheduling priority of this thread only. On Linux a thread is a task with its own id,
 * setpriority() on that id changes just that thread, and /proc/thread-self names it. Elsewhere
 * (or if the kernel refuses) compaction simply runs at the server's priority.
 */
function lowerThreadPriority(nice: number): void {
  if (nice === 0 || process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0 && threadId !== process.pid) os.setPriority(threadId, nice);
  } catch {
    // Not fatal: only fairness between compaction and serving is lost.
  }
}

port.on('message', (request: CompactionRequest) => {
  const progress = (entriesMerged: number, entriesTotal: number): void =>
    port.postMessage({ id: request.id, progress: { entriesMerged, entriesTotal } } satisfies CompactionResponse);
  // The Db's Env may be a fault-injecting one (tests): the job's writes then fail as it says.
  const spec = request.plan.workerEnv;
  const jobEnv = spec === undefined ? env : FaultInjectingEnv.forWorker(env, spec);
  runCompaction(request.plan, jobEnv, lookupReaders, progress).then(
    (result) => port.postMessage({ id: request.id, result } satisfies CompactionResponse),
    (error: unknown) => port.postMessage({ id: request.id, error: serializeError(error) } satisfies CompactionResponse),
  );
});

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { message: error.message, name: error.name, stack: error.stack };
  return { message: String(error), name: 'Error' };
}
