/**
 * The write-ahead log writer: group commit over segment files.
 *
 * Every append made during one event-loop turn is encoded, synchronously, into one shared buffer
 * (the "filling" group). A single setImmediate per turn hands that buffer to the file as ONE
 * append and, under `always`, ONE fsync; then every append of the group resolves together, on a
 * single shared promise. While that write is in flight the next turn's appends fill a second
 * buffer, which becomes the next group. So under load the number of writes and fsyncs per second
 * is bounded by the disk, not by the number of clients, and the per-append cost is an encode
 * into a reused buffer.
 *
 * Rotation, explicit sync and close are jobs queued behind the groups sealed before them, so
 * the file sees exactly the order in which callers asked. A failed write or fsync is sticky: the
 * WAL's contents past the last good sync are unknown, so every pending and later append rejects
 * with the same error (what to do next is the caller's decision).
 */
import { join } from 'node:path';
import type { Env, WritableFile } from '../env/env.js';
import type { BatchOp, EngineLogger, FsyncPolicy, SequenceNumber } from '../types.js';
import { encodeBatchInto, encodedBatchSize } from './batch-codec.js';
import { MAX_RECORD_PAYLOAD, RECORD_HEADER_SIZE, writeRecordHeader } from './log-format.js';

export interface WalWriterOptions {
  env: Env;
  dir: string;
  fsync: FsyncPolicy;
  logger?: EngineLogger;
  /** Called once, when a write or fsync first fails (the Db then refuses writes and recovers). */
  onFailure?: (error: Error) => void;
  /** Called after each fsync of a segment with how long it took, in milliseconds. */
  onSync?: (durationMs: number) => void;
}

export interface WalWriterStats {
  bytesWritten: number;
  records: number;
  groups: number;
  syncs: number;
  /** ms since the epoch of the last completed fsync (creation time if none yet). */
  lastSyncAt: number;
  /** Bytes appended but not yet handed to the file (filling, queued and in-flight groups). */
  pendingBytes: number;
}

/** A WAL segment's file name: `000005.log`. */
export function walFileName(segmentNumber: number): string {
  return `${String(segmentNumber).padStart(6, '0')}.log`;
}

/** Start size of a group buffer: a busy turn of small SETs fits without growing. */
const INITIAL_GROUP_BUFFER = 64 * 1024;
/** A buffer grown beyond this by a huge batch is dropped after use rather than kept forever. */
const MAX_RETAINED_GROUP_BUFFER = 4 * 1024 * 1024;
/** Redis' `everysec`. */
const EVERYSEC_INTERVAL_MS = 1000;

/** Appends of one event-loop turn, written and acknowledged together. */
interface WriteGroup {
  readonly kind: 'write';
  buffer: Buffer;
  length: number;
  records: number;
  /** Created by the group's first append; shared by all of them. */
  promise: Promise<void> | null;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface ControlJob {
  readonly kind: 'sync' | 'rotate' | 'close';
  readonly segmentNumber: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

type Job = WriteGroup | ControlJob;

function ignore(): void {}

export class WalWriter {
  static async create(options: WalWriterOptions, segmentNumber: number): Promise<WalWriter> {
    const file = await options.env.openWritable(join(options.dir, walFileName(segmentNumber)), 'truncate');
    try {
      // The segment's directory entry must be durable too, or an fsynced record could vanish with it.
      await options.env.syncDir(options.dir);
    } catch (error) {
      await file.close().catch(ignore);
      throw error;
    }
    return new WalWriter(options, file, segmentNumber);
  }

  private readonly env: Env;
  private readonly dir: string;
  private readonly logger: EngineLogger | undefined;
  private readonly onFailure: ((error: Error) => void) | undefined;
  private readonly onSync: ((durationMs: number) => void) | undefined;
  private policy: FsyncPolicy;
  /** The file jobs are executed against; switches when a rotate job runs. */
  private file: WritableFile;
  /** The segment new appends belong to; switches when rotate() is called. */
  private currentSegment: number;
  private stickyError: Error | null = null;
  private closePromise: Promise<void> | null = null;

  private filling: WriteGroup;
  private readonly queue: Job[] = [];
  private inFlight: Job | null = null;
  private flushScheduled = false;
  private readonly spareBuffers: Buffer[] = [];

  /** Bytes written to / known durable in the current file; equal means nothing to fsync. */
  private fileWritten = 0;
  private fileSynced = 0;
  private backgroundSync: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  private bytesWritten = 0;
  private recordCount = 0;
  private groupCount = 0;
  private syncCount = 0;
  private lastSyncAt = Date.now();

  private constructor(options: WalWriterOptions, file: WritableFile, segmentNumber: number) {
    this.env = options.env;
    this.dir = options.dir;
    this.logger = options.logger;
    this.onFailure = options.onFailure;
    this.onSync = options.onSync;
    this.policy = options.fsync;
    this.file = file;
    this.currentSegment = segmentNumber;
    this.filling = this.newGroup();
    this.updateTimer();
  }

  get segmentNumber(): number {
    return this.currentSegment;
  }

  get error(): Error | null {
    return this.stickyError;
  }

  /**
   * Encodes the batch as one record into the current group (synchronously) and returns the
   * group's promise: resolved once the group is written (`everysec`, `no`) or written and
   * fsynced (`always`).
   */
  append(firstSeq: SequenceNumber, ops: readonly BatchOp[]): Promise<void> {
    if (this.stickyError !== null) return Promise.reject(this.stickyError);
    if (this.closePromise !== null) return Promise.reject(new Error('WAL writer is closed'));
    const payloadSize = encodedBatchSize(ops);
    if (payloadSize > MAX_RECORD_PAYLOAD) {
      return Promise.reject(new RangeError(`write batch of ${payloadSize} bytes exceeds the ${MAX_RECORD_PAYLOAD} byte WAL record limit`));
    }
    const group = this.filling;
    const start = group.length;
    const needed = start + RECORD_HEADER_SIZE + payloadSize;
    if (needed > group.buffer.length) this.grow(group, needed);
    const end = encodeBatchInto(group.buffer, start + RECORD_HEADER_SIZE, firstSeq, ops);
    writeRecordHeader(group.buffer, start, end - start - RECORD_HEADER_SIZE);
    group.length = end;
    group.records++;
    if (group.promise === null) {
      group.promise = new Promise<void>((resolve, reject) => {
        group.resolve = resolve;
        group.reject = reject;
      });
      // A caller that drops its promise must not crash the process; the failure stays visible
      // through `error` and every later append.
      group.promise.catch(ignore);
    }
    if (this.inFlight === null) this.scheduleFlush();
    return group.promise;
  }

  /** Later appends go to segment `newSegmentNumber`; resolves when the old segment is written, synced and closed. */
  rotate(newSegmentNumber: number): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    this.sealFilling();
    this.currentSegment = newSegmentNumber;
    return this.enqueueControl('rotate', newSegmentNumber);
  }

  /** Writes and fsyncs everything appended so far. */
  sync(): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    this.sealFilling();
    return this.enqueueControl('sync', this.currentSegment);
  }

  /** Writes, fsyncs and closes. After a failure it still closes the file, then rejects with the failure. */
  close(): Promise<void> {
    if (this.closePromise === null) {
      if (this.stickyError === null) this.sealFilling();
      this.closePromise = this.enqueueControl('close', this.currentSegment);
    }
    return this.closePromise;
  }

  setFsyncPolicy(policy: FsyncPolicy): void {
    this.policy = policy;
    this.updateTimer();
  }

  stats(): WalWriterStats {
    let pendingBytes = this.filling.length;
    for (const job of this.queue) if (job.kind === 'write') pendingBytes += job.length;
    if (this.inFlight !== null && this.inFlight.kind === 'write') pendingBytes += this.inFlight.length;
    return {
      bytesWritten: this.bytesWritten,
      records: this.recordCount,
      groups: this.groupCount,
      syncs: this.syncCount,
      lastSyncAt: this.lastSyncAt,
      pendingBytes,
    };
  }

  // ---- groups and their buffers ----

  private newGroup(): WriteGroup {
    const buffer = this.spareBuffers.pop() ?? Buffer.allocUnsafe(INITIAL_GROUP_BUFFER);
    return { kind: 'write', buffer, length: 0, records: 0, promise: null, resolve: ignore, reject: ignore };
  }

  private grow(group: WriteGroup, needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(needed, group.buffer.length * 2));
    group.buffer.copy(bigger, 0, 0, group.length);
    group.buffer = bigger;
  }

  private recycle(buffer: Buffer): void {
    if (buffer.length <= MAX_RETAINED_GROUP_BUFFER && this.spareBuffers.length < 2) this.spareBuffers.push(buffer);
  }

  /** Queues the filling group (if it holds anything) so that it is written before any job queued next. */
  private sealFilling(): void {
    if (this.filling.length === 0) return;
    this.queue.push(this.filling);
    this.filling = this.newGroup();
  }

  private refusal(): Promise<void> | null {
    if (this.stickyError !== null) return Promise.reject(this.stickyError);
    if (this.closePromise !== null) return Promise.reject(new Error('WAL writer is closed'));
    return null;
  }

  private enqueueControl(kind: ControlJob['kind'], segmentNumber: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind, segmentNumber, resolve, reject });
      this.runNext();
    });
  }

  // ---- the pipeline: one job in flight at a time ----

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.onFlushTurn);
  }

  /** End of the turn: everything appended during it becomes one group. */
  private readonly onFlushTurn = (): void => {
    this.flushScheduled = false;
    if (this.inFlight !== null || this.stickyError !== null) return;
    if (this.queue.length === 0) this.sealFilling();
    this.runNext();
  };

  private runNext(): void {
    if (this.inFlight !== null) return;
    let job = this.queue.shift();
    while (job !== undefined && this.stickyError !== null && job.kind !== 'close') {
      job.reject(this.stickyError);
      job = this.queue.shift();
    }
    if (job === undefined) {
      // Appends made while the last job ran: give the rest of this turn a chance to join them.
      if (this.filling.length > 0 && this.stickyError === null) this.scheduleFlush();
      return;
    }
    this.inFlight = job;
    if (job.kind === 'write') {
      // Written inline (a page-cache copy, as Redis writes its AOF buffer): the group's writers are
      // answered in this same turn instead of after a thread-pool round trip.
      try {
        this.file.appendSync(job.buffer.subarray(0, job.length));
      } catch (error) {
        this.onInFlightFailed(error);
        return;
      }
      this.onGroupWritten();
    } else {
      this.runControl(job).then(this.onInFlightDone, this.onInFlightFailed);
    }
  }

  private readonly onGroupWritten = (): void => {
    const group = this.inFlight as WriteGroup;
    this.bytesWritten += group.length;
    this.fileWritten += group.length;
    this.groupCount++;
    this.recordCount += group.records;
    if (this.policy === 'always' && this.stickyError === null) {
      this.timedSync(this.file).then(this.onGroupSynced, this.onInFlightFailed);
    } else {
      this.onInFlightDone();
    }
  };

  private readonly onGroupSynced = (): void => {
    // Only this job writes, so everything written so far is now durable.
    this.noteSynced(this.fileWritten);
    this.onInFlightDone();
  };

  private readonly onInFlightDone = (): void => {
    const job = this.inFlight as Job;
    this.inFlight = null;
    if (this.stickyError !== null) job.reject(this.stickyError);
    else job.resolve();
    if (job.kind === 'write') this.recycle(job.buffer);
    this.runNext();
  };

  private readonly onInFlightFailed = (error: unknown): void => {
    this.fail(asError(error));
    this.onInFlightDone();
  };

  private async runControl(job: ControlJob): Promise<void> {
    if (job.kind === 'close') {
      this.stopTimer();
      await settled(this.backgroundSync);
      if (this.stickyError !== null) {
        await this.file.close().catch(ignore);
        return;
      }
      await this.syncIfNeeded();
      await this.file.close();
      return;
    }
    await settled(this.backgroundSync);
    if (this.stickyError !== null) return;
    await this.syncIfNeeded();
    if (job.kind === 'rotate') {
      await this.file.close();
      this.file = await this.env.openWritable(join(this.dir, walFileName(job.segmentNumber)), 'truncate');
      this.fileWritten = 0;
      this.fileSynced = 0;
      await this.env.syncDir(this.dir);
    }
  }

  private async syncIfNeeded(): Promise<void> {
    if (this.fileSynced >= this.fileWritten) return;
    const target = this.fileWritten;
    await this.timedSync(this.file);
    this.noteSynced(target);
  }

  /** fsyncs `file`, telling onSync how long it took. */
  private timedSync(file: WritableFile): Promise<void> {
    const onSync = this.onSync;
    if (onSync === undefined) return file.sync();
    const started = performance.now();
    return file.sync().then(() => onSync(performance.now() - started));
  }

  private noteSynced(upTo: number): void {
    if (upTo > this.fileSynced) this.fileSynced = upTo;
    this.syncCount++;
    this.lastSyncAt = Date.now();
  }

  /** Makes the failure sticky and rejects everything waiting except a close (which still closes the file). */
  private fail(error: Error): void {
    if (this.stickyError === null) {
      this.stickyError = error;
      this.onFailure?.(error);
      this.logger?.('warning', `WAL ${this.file.path} failed (${error.message}); refusing further writes`);
    }
    if (this.filling.promise !== null) this.filling.reject(error);
    this.filling.length = 0;
    this.filling.records = 0;
    this.filling.promise = null;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i];
      if (job.kind === 'close') {
        i++;
      } else {
        job.reject(error);
        this.queue.splice(i, 1);
      }
    }
  }

  // ---- everysec ----

  private updateTimer(): void {
    if (this.policy === 'everysec' && this.closePromise === null) {
      if (this.timer === null) {
        this.timer = setInterval(this.onTick, EVERYSEC_INTERVAL_MS);
        this.timer.unref();
      }
    } else {
      this.stopTimer();
    }
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Once a second: fsync in the background, alongside (not blocking) the group writes. */
  private readonly onTick = (): void => {
    if (this.stickyError !== null || this.closePromise !== null || this.backgroundSync !== null) return;
    if (this.fileSynced >= this.fileWritten) return;
    // A running rotate or sync owns the file (it may be closing it).
    if (this.inFlight !== null && this.inFlight.kind !== 'write') return;
    const file = this.file;
    const target = this.fileWritten;
    this.backgroundSync = this.timedSync(file).then(
      () => {
        this.backgroundSync = null;
        if (this.file === file) this.noteSynced(target);
      },
      (error: unknown) => {
        this.backgroundSync = null;
        this.fail(asError(error));
      },
    );
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Waits for a promise without caring how it ends (its failure is handled where it was made). */
async function settled(promise: Promise<void> | null): Promise<void> {
  if (promise !== null) await promise.catch(ignore);
}
