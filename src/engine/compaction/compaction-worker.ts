/**
 * Entry point of the compaction worker thread. The main thread (CompactionRunner) posts
 * `{ id, plan }`; the worker answers `{ id, result }` or `{ id, error }`. All merging and table
 * writing happens here, so the event loop serving clients never does it.
 */
import { parentPort } from 'node:worker_threads';
import { NodeEnv } from '../env/node-env.js';
import { runCompaction, type CompactionPlan, type CompactionResult } from './compaction-job.js';

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

export type CompactionResponse = { id: number; result: CompactionResult } | { id: number; error: SerializedError };

const port = parentPort;
if (port === null) throw new Error('compaction-worker.js must be started as a worker thread');

const env = new NodeEnv();

port.on('message', (request: CompactionRequest) => {
  runCompaction(request.plan, env).then(
    (result) => port.postMessage({ id: request.id, result } satisfies CompactionResponse),
    (error: unknown) => port.postMessage({ id: request.id, error: serializeError(error) } satisfies CompactionResponse),
  );
});

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { message: error.message, name: error.name, stack: error.stack };
  return { message: String(error), name: 'Error' };
}
