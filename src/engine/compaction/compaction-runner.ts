/**
 * The main thread's handle on the compaction worker: it hands plans to one worker thread, one at a
 * time, and resolves each with the worker's result.
 *
 * The worker starts on the first job and is unref'd whenever it has nothing to do, so an idle
 * worker never keeps the process alive. If it dies (an uncaught error, running out of memory,
 * process.exit), the job it was running is rejected and the next job starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { CompactionPlan, CompactionProgress, CompactionResult } from './compaction-job.js';
import type { CompactionResponse, CompactionWorkerData, SerializedError } from './compaction-worker.js';

interface Job {
  readonly id: number;
  readonly plan: CompactionPlan;
  readonly resolve: (result: CompactionResult) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: CompactionProgress;
}

const WORKER_URL = new URL('./compaction-worker.js', import.meta.url);

export interface CompactionRunnerOptions {
  /** Linux nice value for the worker thread (see DEFAULTS.compactionNice); 0 leaves it alone. */
  readonly nice: number;
}

export class CompactionRunner {
  constructor(private readonly options: CompactionRunnerOptions = { nice: 0 }) {}

  private worker: Worker | null = null;
  private running: Job | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** Runs a plan in the worker; plans queue up behind the one running. */
  run(plan: CompactionPlan, onProgress?: CompactionProgress): Promise<CompactionResult> {
    if (this.closed) return Promise.reject(new Error('compaction runner is closed'));
    return new Promise<CompactionResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, plan, resolve, reject, onProgress });
      this.startNext();
    });
  }

  /** Terminates the worker; the running and queued jobs are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('compaction runner closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    const running = this.running;
    this.running = null;
    running?.reject(error);
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }

  private startNext(): void {
    if (this.running !== null || this.closed) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const worker = this.worker ?? this.startWorker();
    this.running = job;
    worker.ref();
    try {
      worker.postMessage({ id: job.id, plan: job.plan });
    } catch (error) {
      // A plan that cannot be cloned (a function in filter options, say) fails alone.
      this.running = null;
      job.reject(error instanceof Error ? error : new Error(String(error)));
      this.idleOrNext(worker);
    }
  }

  private startWorker(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { nice: this.options.nice } satisfies CompactionWorkerData });
    worker.on('message', (response: CompactionResponse) => this.onResponse(worker, response));
    worker.on('error', (error: Error) => this.onWorkerGone(worker, error));
    worker.on('exit', (code: number) => this.onWorkerGone(worker, new Error(`compaction worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private onResponse(worker: Worker, response: CompactionResponse): void {
    const job = this.running;
    if (worker !== this.worker || job === null || job.id !== response.id) return;
    if ('progress' in response) {
      job.onProgress?.(response.progress.entriesMerged, response.progress.entriesTotal);
      return;
    }
    this.running = null;
    if ('error' in response) job.reject(deserializeError(response.error));
    else job.resolve(response.result);
    this.idleOrNext(worker);
  }

  /** The worker crashed or exited: fail its job, forget it, and let the next job start a new one. */
  private onWorkerGone(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.worker = null;
    const job = this.running;
    this.running = null;
    job?.reject(error);
    void worker.terminate();
    this.startNext();
  }

  private idleOrNext(worker: Worker): void {
    if (this.queue.length === 0) worker.unref();
    else this.startNext();
  }
}

function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
